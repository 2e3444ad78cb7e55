package app

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestBudgetPace follows the scale through the rule of BudgetPace: no
// move before four intervals are known, up an eighth per fast full block
// to the largest scale, held while blocks are not full or the pace is
// between four fifths of the target and the target, down a quarter per
// block while the average interval is above the target (never below 1),
// and the intervals started again after a gap in heights.
func TestBudgetPace(t *testing.T) {
	c := newPathChain(t)
	a := c.app
	require.Equal(t, 8, a.BudgetEighths(), "a node that sets no pace")
	require.NoError(t, a.SetBlockBudget(BlockBudget{MaxTxs: 10, MaxBytes: 1000}))
	require.NoError(t, a.SetPendingLimit(PendingLimit{MaxTxs: 25, MaxBytes: 2500}))
	a.observePace(1, time.Unix(0, 0), 10, 1000, 0)
	a.observePace(2, time.Unix(0, 0), 10, 1000, 0)
	require.Equal(t, 8, a.BudgetEighths(), "no pace set: no scale")

	require.NoError(t, a.SetBudgetPace(BudgetPace{MaxEighths: 16, Target: time.Second}))
	h, now := int64(100), time.Unix(1_000_000, 0)
	block := func(interval time.Duration, txs int, bytes, work int64) int {
		t.Helper()
		h++
		now = now.Add(interval)
		a.observePace(h, now, txs, bytes, work)
		return a.BudgetEighths()
	}
	fast := 500 * time.Millisecond
	for i := 0; i < paceBlocks; i++ {
		require.Equal(t, 8, block(fast, 10, 0, 0), "block %d: fewer than %d intervals known", i, paceBlocks)
	}
	require.Equal(t, 9, block(fast, 10, 0, 0), "full by transactions")
	require.Equal(t, 10, block(fast, 1, 1100, 0), "full by bytes (90% of 1,125)")
	require.Equal(t, 10, block(fast, 11, 1000, 0), "not full at the scaled budget (90% of 12.5 transactions or 1,250 bytes)")
	require.Equal(t, 11, block(fast, 12, 0, 0), "12 of 12.5")
	b, p := a.ScaledLimits()
	require.Equal(t, BlockBudget{MaxTxs: 13, MaxBytes: 1375}, b)
	require.Equal(t, PendingLimit{MaxTxs: 34, MaxBytes: 3437}, p)
	require.Equal(t, BlockBudget{MaxTxs: 10, MaxBytes: 1000}, a.BlockBudget(), "the configured budget stays")
	for range 20 {
		block(fast, 20, 0, 0)
	}
	require.Equal(t, 16, a.BudgetEighths(), "never above the largest scale")
	b, p = a.ScaledLimits()
	require.Equal(t, BlockBudget{MaxTxs: 20, MaxBytes: 2000}, b)
	require.Equal(t, PendingLimit{MaxTxs: 50, MaxBytes: 5000}, p)

	// Slower blocks: the average of the last four intervals decides.
	for range 8 {
		require.Equal(t, 16, block(900*time.Millisecond, 20, 0, 0))
	}
	require.Equal(t, 16, block(1100*time.Millisecond, 20, 0, 0), "average 0.95 s")
	require.Equal(t, 16, block(1100*time.Millisecond, 20, 0, 0), "average 1.0 s is not above the target")
	require.Equal(t, 14, block(1100*time.Millisecond, 0, 0, 0), "average 1.05 s")
	require.Equal(t, 12, block(1100*time.Millisecond, 20, 0, 0), "full or not")
	for range 10 {
		block(2*time.Second, 20, 0, 0)
	}
	require.Equal(t, 8, a.BudgetEighths(), "never below 1")
	b, p = a.ScaledLimits()
	require.Equal(t, BlockBudget{MaxTxs: 10, MaxBytes: 1000}, b)
	require.Equal(t, PendingLimit{MaxTxs: 25, MaxBytes: 2500}, p)

	// A gap in heights (a re-executed block, a state sync) starts the
	// intervals again: the slow history is forgotten, and four intervals
	// are needed again.
	h += 10
	for i := 0; i < paceBlocks; i++ {
		require.Equal(t, 8, block(fast, 10, 0, 0), "after the gap, block %d", i)
	}
	h += 10
	// Four fifths of the target to the target: held, full or not.
	for range 2 * paceBlocks {
		require.Equal(t, 8, block(900*time.Millisecond, 10, 0, 0))
	}
	for range paceBlocks {
		block(fast, 10, 0, 0)
	}
	require.Equal(t, 9, block(fast, 10, 0, 0))
	require.Equal(t, 9, block(fast, 0, 0, 100), "work: a zero bound is never full")
	require.NoError(t, a.SetBlockBudget(BlockBudget{MaxWork: 100}))
	require.Equal(t, 10, block(fast, 0, 0, 102), "full by work (90% of 112.5)")

	require.NoError(t, a.SetBudgetPace(BudgetPace{MaxEighths: 8, Target: time.Second}))
	require.Equal(t, 8, a.BudgetEighths(), "setting the pace sets the scale back to 1")
	for range 10 {
		block(fast, 10, 0, 0)
	}
	require.Equal(t, 8, a.BudgetEighths(), "a largest scale of 1 keeps the budget fixed")

	for _, bad := range []BudgetPace{{MaxEighths: 7, Target: time.Second}, {MaxEighths: 129, Target: time.Second},
		{MaxEighths: 16, Target: -time.Second}, {MaxEighths: 16}} {
		require.Error(t, a.SetBudgetPace(bad), "%+v", bad)
	}
	require.NoError(t, a.SetBudgetPace(BudgetPace{}), "no pace")
}

// TestBudgetPaceFollowsBlocks runs the pace through FinalizeBlock: full
// blocks 10 s apart under a target of 20 s grow the budget
// PrepareProposal keeps and the pending limit CheckTx sheds load by.
func TestBudgetPaceFollowsBlocks(t *testing.T) {
	c := newPathChain(t)
	c.block()
	require.NoError(t, c.app.SetBlockBudget(BlockBudget{MaxTxs: 8}))
	require.NoError(t, c.app.SetPendingLimit(PendingLimit{MaxTxs: 8}))
	require.NoError(t, c.app.SetBudgetPace(BudgetPace{MaxEighths: 16, Target: 20 * time.Second}))
	txs := pathTxs(c, 5*8, 0)
	for i := range 5 {
		require.Equal(t, 8, c.app.BudgetEighths(), "block %d", i)
		for j, r := range c.block(txs[8*i : 8*i+8]...) {
			require.NoError(t, r.Err, "block %d tx %d", i, j)
		}
	}
	require.Equal(t, 9, c.app.BudgetEighths(), "5 blocks of 8 transactions, 10 s apart")
	more := pathTxs(c, 12, 5*8)
	require.Len(t, c.app.PrepareProposal(more, 1<<30), 9, "the scaled budget")
	for i, tx := range more[:9] {
		require.NoError(t, c.app.CheckTx(tx).Err, "tx %d", i)
	}
	require.ErrorContains(t, c.app.CheckTx(more[9]).Err, "the most it admits is 9 transactions", "the scaled pending limit")
}
