package app

import "time"

// rateBlocks is how many blocks the commit rate is measured over: two
// rounds of a four-validator chain's proposers, so that one slow or
// empty block moves it by an eighth.
const rateBlocks = 8

// commitRate follows what the chain's last rateBlocks blocks carried
// and their header times (which every node shares), for the pending
// limit's MaxWait (guarded by App.limitsMu).
type commitRate struct {
	// Rings indexed by height modulo rateBlocks+1.
	times  [rateBlocks + 1]time.Time
	txs    [rateBlocks + 1]int64
	bytes  [rateBlocks + 1]int64
	height int64
	seen   int
}

// observe records the block at height, with header time t, which
// carried txs transactions of bytes bytes. A height that does not follow
// the last one (a first block, a re-executed block, state sync) starts
// the measure again.
func (r *commitRate) observe(height int64, t time.Time, txs int, bytes int64) {
	if height != r.height+1 {
		r.seen = 0
	}
	r.height = height
	i := height % (rateBlocks + 1)
	r.times[i], r.txs[i], r.bytes[i] = t, int64(txs), bytes
	if r.seen < rateBlocks+1 {
		r.seen++
	}
}

// in returns how many transactions and bytes the chain committed in d at
// the rate of its last rateBlocks blocks (their count over the time from
// the header before them to the last one); ok is false until
// rateBlocks+1 consecutive blocks are observed, or if their times do not
// advance.
func (r *commitRate) in(d time.Duration) (txs, bytes int64, ok bool) {
	if r.seen < rateBlocks+1 {
		return 0, 0, false
	}
	const n = rateBlocks + 1
	span := r.times[r.height%n].Sub(r.times[(r.height+1)%n])
	if span <= 0 {
		return 0, 0, false
	}
	var sumTxs, sumBytes int64
	for k := int64(0); k < rateBlocks; k++ {
		i := (r.height - k) % n
		sumTxs += r.txs[i]
		sumBytes += r.bytes[i]
	}
	return mulDiv(sumTxs, int64(d), int64(span)), mulDiv(sumBytes, int64(d), int64(span)), true
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
