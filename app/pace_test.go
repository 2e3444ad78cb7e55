package app

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestBudgetPace follows the scale through the rule of BudgetPace: no
// move before four intervals are known, up an eighth per fast full block
// to the largest scale, held while blocks are not full or the pace is
// between four fifths of the target and the target, half way to 1 at the
// first block whose average interval is above the target and down a
// quarter per block while it stays above (never below 1), and the
// intervals started again after a gap in heights. TestBudgetPaceCeiling
// follows the ceiling a slowdown leaves.
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
	require.Equal(t, 12, block(1100*time.Millisecond, 0, 0, 0), "average 1.05 s: the first slow block falls half way to 1")
	require.Equal(t, 10, block(1100*time.Millisecond, 20, 0, 0), "then a quarter a block, full or not")
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
	txs := pathTxs(c, 4*8, 0)
	for i := range 4 {
		require.Equal(t, 8, c.app.BudgetEighths(), "block %d", i)
		for j, r := range c.block(txs[8*i : 8*i+8]...) {
			require.NoError(t, r.Err, "block %d tx %d", i, j)
		}
	}
	require.Equal(t, 9, c.app.BudgetEighths(), "the block before the pace was set and 4 of 8 transactions, 10 s apart")
	more := pathTxs(c, 12, 4*8)
	require.Len(t, c.app.PrepareProposal(more, 1<<30), 9, "the scaled budget")
	for i, tx := range more[:9] {
		require.NoError(t, c.app.CheckTx(tx).Err, "tx %d", i)
	}
	require.ErrorContains(t, c.app.CheckTx(more[9]).Err, "the most it admits is 9 transactions", "the scaled pending limit")
}

// TestBudgetPaceCeiling follows the ceiling of BudgetPace: a slowdown at
// a scale above 1 (an average interval above the target, or a block
// decided after round 0) holds the scale at most half way between 1 and
// where it slowed, until paceRelax blocks without a slowdown raise the
// ceiling by an eighth at a time; a slowdown at scale 1 leaves the
// ceiling where it is; and a round 0 is no slowdown.
func TestBudgetPaceCeiling(t *testing.T) {
	c := newPathChain(t)
	a := c.app
	require.NoError(t, a.SetBlockBudget(BlockBudget{MaxTxs: 10}))
	require.NoError(t, a.SetBudgetPace(BudgetPace{MaxEighths: 16, Target: time.Second}))
	h, now := int64(0), time.Unix(1_000_000, 0)
	block := func(interval time.Duration, round int32) int {
		t.Helper()
		h++
		a.ObserveDecidedRound(h-1, round)
		now = now.Add(interval)
		a.observePace(h, now, 20, 0, 0)
		return a.BudgetEighths()
	}
	fast := 500 * time.Millisecond
	for range paceBlocks + 8 {
		block(fast, 0)
	}
	require.Equal(t, 16, block(fast, 0), "round 0 is no slowdown")

	// The block before this one needed a second round: the intervals are
	// still short, but the chain has slowed down.
	require.Equal(t, 12, block(fast, 1), "a later round: half way to 1")
	require.Equal(t, 12, block(fast, 0))
	for i := range paceRelax - 2 {
		require.Equal(t, 12, block(fast, 0), "calm block %d: held at the ceiling", i+2)
	}
	require.Equal(t, 13, block(fast, 0), "paceRelax calm blocks raise the ceiling by an eighth")
	require.Equal(t, 13, block(fast, 0))

	// A slowdown that lasts: half way at its first block, then a quarter
	// a block down to 1; the ceiling is the first block's.
	require.Equal(t, 10, block(fast, 2), "half way from 13 (integer eighths)")
	require.Equal(t, 8, block(fast, 1), "still slowed: a quarter down")
	require.Equal(t, 8, block(fast, 1))
	for range 2 {
		block(fast, 0)
	}
	require.Equal(t, 10, a.BudgetEighths(), "up again to the ceiling the slowdown left")
	for range 5 {
		require.Equal(t, 10, block(fast, 0))
	}

	// At scale 1 a slowdown is not the pace's doing: the ceiling stays.
	require.NoError(t, a.SetBudgetPace(BudgetPace{MaxEighths: 16, Target: time.Second}))
	for range paceBlocks {
		block(2*time.Second, 0)
	}
	require.Equal(t, 8, block(2*time.Second, 1), "slow at scale 1")
	for range paceBlocks + 8 {
		block(fast, 0)
	}
	require.Equal(t, 16, a.BudgetEighths(), "the ceiling stayed at the largest scale")
}
