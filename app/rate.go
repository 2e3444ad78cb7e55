package app

import "time"

// rateBlocks is how many blocks the commit rate is measured over: two
// rounds of a four-validator chain's proposers, so that one slow or
// empty block moves it by an eighth.
const rateBlocks = 8

// The pace's intervals (paceBlocks) are read from the same blocks: this
// fails to compile if recentBlocks keeps fewer of them.
var _ [rateBlocks - paceBlocks]struct{}

// recentBlocks follows the chain's last rateBlocks+1 blocks: their header
// times (which every node shares) and what they carried, for the pace's
// average interval (BudgetPace) and the pending limit's commit rate
// (PendingLimit.MaxWait). Guarded by App.limitsMu.
type recentBlocks struct {
	// Rings indexed by height modulo rateBlocks+1.
	times  [rateBlocks + 1]time.Time
	txs    [rateBlocks + 1]int64
	bytes  [rateBlocks + 1]int64
	height int64
	seen   int
	// sumTxs and sumBytes are what the last rateBlocks blocks carried,
	// span the time from the header before them to the last one: the
	// rate, computed once a block rather than at each CheckTx.
	sumTxs, sumBytes int64
	span             time.Duration
}

// observe records the block at height, with header time t, which
// carried txs transactions of bytes bytes. A height that does not follow
// the last one (a first block, a re-executed block, state sync) starts
// the measure again.
func (r *recentBlocks) observe(height int64, t time.Time, txs int, bytes int64) {
	const n = rateBlocks + 1
	if height != r.height+1 {
		r.seen = 0
	}
	r.height = height
	r.times[height%n], r.txs[height%n], r.bytes[height%n] = t, int64(txs), bytes
	if r.seen < n {
		r.seen++
	}
	if r.seen < n {
		return
	}
	r.sumTxs, r.sumBytes = 0, 0
	for k := int64(0); k < rateBlocks; k++ {
		r.sumTxs += r.txs[(height-k)%n]
		r.sumBytes += r.bytes[(height-k)%n]
	}
	r.span = t.Sub(r.times[(height+1)%n])
}

// interval returns the average interval between the last k+1 blocks'
// header times (k at most rateBlocks); ok is false until k+1 consecutive
// blocks are observed.
func (r *recentBlocks) interval(k int) (avg time.Duration, ok bool) {
	if r.seen < k+1 {
		return 0, false
	}
	const n = rateBlocks + 1
	return r.times[r.height%n].Sub(r.times[(r.height-int64(k))%n]) / time.Duration(k), true
}

// committedIn returns how many transactions and bytes the chain commits
// in d at the rate of its last rateBlocks blocks (their count over the
// time from the header before them to the last one); ok is false until
// rateBlocks+1 consecutive blocks are observed, or if their times do not
// advance.
func (r *recentBlocks) committedIn(d time.Duration) (txs, bytes int64, ok bool) {
	if r.seen < rateBlocks+1 || r.span <= 0 {
		return 0, 0, false
	}
	return mulDiv(r.sumTxs, int64(d), int64(r.span)), mulDiv(r.sumBytes, int64(d), int64(r.span)), true
}

// mulDiv returns a*b/c for non-negative a, b and positive c, saturating
// instead of overflowing.
func mulDiv(a, b, c int64) int64 {
	if a == 0 || b == 0 {
		return 0
	}
	if a > (1<<63-1)/b {
		return 1<<63 - 1
	}
	return a * b / c
}

// waitBound lowers one bound of the pending limit (limit) to what the
// chain commits in MaxWait (inWait), never below one block of the scaled
// budget (block). A bound that is not set (limit 0) stays unset, and one
// the budget does not bound (block 0) is not lowered: without a block to
// keep, an idle chain's rate would close it.
func waitBound(limit, inWait, block int64) int64 {
	if limit == 0 || block == 0 {
		return limit
	}
	return min(limit, max(inWait, block))
}
