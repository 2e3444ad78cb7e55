package app

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
)

// TestPendingLimitFollowsCommitRate follows the pending limit's MaxWait:
// the configured bounds until rateBlocks+1 consecutive blocks are seen,
// then what the last rateBlocks blocks committed in MaxWait, never below
// one block of the budget nor above the configured bounds; the fixed
// bounds again after a gap in heights; and CheckTx answering busy at the
// lowered bound.
func TestPendingLimitFollowsCommitRate(t *testing.T) {
	c := newPathChain(t)
	c.block()
	a := c.app
	require.NoError(t, a.SetBlockBudget(BlockBudget{MaxTxs: 100, MaxBytes: 100_000}))
	require.NoError(t, a.SetPendingLimit(PendingLimit{MaxTxs: 1000, MaxBytes: 1_000_000, MaxWait: 2 * time.Second}))
	h, now := int64(100), time.Unix(1_000_000, 0)
	block := func(interval time.Duration, txs int, bytes int64) PendingLimit {
		t.Helper()
		h++
		now = now.Add(interval)
		a.observePace(h, now, txs, bytes, 0)
		_, p := a.ScaledLimits()
		return p
	}
	fixed := PendingLimit{MaxTxs: 1000, MaxBytes: 1_000_000, MaxWait: 2 * time.Second}
	for i := 0; i < rateBlocks; i++ {
		require.Equal(t, fixed, block(time.Second, 150, 15_000), "block %d: fewer than %d intervals known", i, rateBlocks)
	}
	// 150 transactions (15,000 bytes) a second: 300 (30,000) in two seconds;
	// the bytes stay at one block of the budget.
	require.Equal(t, PendingLimit{MaxTxs: 300, MaxBytes: 100_000, MaxWait: 2 * time.Second}, block(time.Second, 150, 15_000))
	// One block of 950 in the eight: (7*150+950)/8 s = 250 a second.
	require.Equal(t, 500, block(time.Second, 950, 15_000).MaxTxs)
	// Fast and full: 800 a second is 1,600 in two seconds, above the
	// configured 1,000; 80 MB a second likewise.
	for range rateBlocks {
		block(500*time.Millisecond, 400, 40_000_000)
	}
	require.Equal(t, fixed, block(500*time.Millisecond, 400, 40_000_000), "never above the configured bounds")
	// An idle chain: one block of the budget remains.
	for range rateBlocks {
		block(time.Second, 0, 0)
	}
	require.Equal(t, PendingLimit{MaxTxs: 100, MaxBytes: 100_000, MaxWait: 2 * time.Second}, block(time.Second, 0, 0))
	// The budget scaled by the pace is the floor.
	require.NoError(t, a.SetBudgetPace(BudgetPace{MaxEighths: 16, Target: time.Second}))
	a.limitsMu.Lock()
	a.pace.scale = 12
	a.limitsMu.Unlock()
	_, p := a.ScaledLimits()
	require.Equal(t, PendingLimit{MaxTxs: 150, MaxBytes: 150_000, MaxWait: 2 * time.Second}, p)
	require.NoError(t, a.SetBudgetPace(BudgetPace{}))

	// A bound the budget does not set is not lowered, nor one not set.
	require.NoError(t, a.SetBlockBudget(BlockBudget{MaxBytes: 100_000}))
	require.NoError(t, a.SetPendingLimit(PendingLimit{MaxTxs: 1000, MaxWait: 2 * time.Second}))
	_, p = a.ScaledLimits()
	require.Equal(t, PendingLimit{MaxTxs: 1000, MaxWait: 2 * time.Second}, p)

	// MaxWait 0: fixed bounds.
	require.NoError(t, a.SetBlockBudget(BlockBudget{MaxTxs: 100, MaxBytes: 100_000}))
	require.NoError(t, a.SetPendingLimit(PendingLimit{MaxTxs: 1000, MaxBytes: 1_000_000}))
	_, p = a.ScaledLimits()
	require.Equal(t, PendingLimit{MaxTxs: 1000, MaxBytes: 1_000_000}, p)

	// A gap in heights: the configured bounds until the rate is known again.
	require.NoError(t, a.SetPendingLimit(fixed))
	h += 5
	require.Equal(t, fixed, block(time.Second, 0, 0))

	require.Error(t, a.SetPendingLimit(PendingLimit{MaxWait: -time.Second}))
	require.Equal(t, fixed, a.PendingLimit(), "a refused limit changes nothing")

	// CheckTx sheds at the lowered bound: one transaction a second, two
	// in MaxWait, and a budget of two.
	require.NoError(t, a.SetBlockBudget(BlockBudget{MaxTxs: 2}))
	require.NoError(t, a.SetPendingLimit(PendingLimit{MaxTxs: 10, MaxWait: 2 * time.Second}))
	for range rateBlocks + 1 {
		block(time.Second, 1, 600)
	}
	txs := pathTxs(c, 3, 0)
	require.NoError(t, a.CheckTx(txs[0]).Err)
	require.NoError(t, a.CheckTx(txs[1]).Err)
	busy := a.CheckTx(txs[2])
	require.ErrorIs(t, busy.Err, core.ErrBusy)
	require.Contains(t, busy.Err.Error(), "the most it admits is 2 transactions")
}

// TestRecentBlocks checks the arithmetic of the recent blocks on its
// own: the commit rate is the count of the last rateBlocks blocks over
// the time since the header before them, the pace's interval the average
// of the last k, and a gap in heights starts both again.
func TestRecentBlocks(t *testing.T) {
	var r recentBlocks
	_, _, ok := r.committedIn(time.Second)
	require.False(t, ok)
	start := time.Unix(0, 0)
	at := func(h int64) time.Time { return start.Add(time.Duration(h*h) * 10 * time.Millisecond) }
	for h := int64(1); h <= rateBlocks; h++ {
		r.observe(h, at(h), int(h), h*10)
	}
	_, _, ok = r.committedIn(time.Second)
	require.False(t, ok, "eight blocks are seven intervals")
	avg, ok := r.interval(paceBlocks)
	require.True(t, ok)
	require.Equal(t, at(8).Sub(at(4))/paceBlocks, avg, "blocks 4 to 8")
	r.observe(rateBlocks+1, at(rateBlocks+1), rateBlocks+1, (rateBlocks+1)*10)
	// Blocks 2..9 carried 2+...+9 = 44 transactions from 0.01 s to 0.81 s.
	txs, bytes, ok := r.committedIn(time.Second)
	require.True(t, ok)
	require.Equal(t, int64(44*1000/800), txs)
	require.Equal(t, int64(440*1000/800), bytes)
	avg, ok = r.interval(paceBlocks)
	require.True(t, ok)
	require.Equal(t, at(9).Sub(at(5))/paceBlocks, avg, "the ring moved on")

	r.observe(20, at(20), 1, 1)
	_, _, ok = r.committedIn(time.Second)
	require.False(t, ok, "a gap in heights")
	_, ok = r.interval(1)
	require.False(t, ok)

	var same recentBlocks
	for h := int64(1); h <= rateBlocks+1; h++ {
		same.observe(h, start, 5, 5)
	}
	_, _, ok = same.committedIn(time.Second)
	require.False(t, ok, "times that do not advance")
	require.Equal(t, int64(1<<63-1), mulDiv(1<<62, 4, 1), "saturates")
}
