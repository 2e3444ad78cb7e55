package app

import (
	"fmt"
	"sync"
	"time"
)

// BlockBudget bounds the block PrepareProposal builds, so that a block
// executes in a bounded time however full the mempool is: at most MaxTxs
// transactions, MaxBytes bytes of transactions and MaxWork units of
// estimated execution work (TxWork). A zero field sets no bound of its
// own; CometBFT's max_bytes (the maxBytes PrepareProposal is given)
// always applies too.
//
// The budget is a setting of the node that proposes, not a consensus
// rule: ProcessProposal does not check it, so validators with different
// budgets accept each other's blocks, and changing it never changes an
// app hash.
type BlockBudget struct {
	// MaxTxs is the most transactions in a block.
	MaxTxs int
	// MaxBytes is the most bytes of transactions in a block.
	MaxBytes int64
	// MaxWork is the most estimated execution work in a block, in work
	// units (TxWork).
	MaxWork int64
}

// DefaultBlockBudget is the budget of a node that sets none: blocks of at
// most 1,500 transactions, 768 KiB of transactions and 150,000 work units
// (about 150 ms of FinalizeBlock and Commit on one core of the measured
// machine: 1,500 parcel registrations, or 1,071 vehicle registrations).
// Parcel registrations are 617 bytes, so 1,274 of them fill the bytes
// first. On four validators sharing two cores, with the application's
// mempool, blocks of up to 1,274 came 18 to 26 in each 20 s window at
// every load of make bench-e2e, where blocks of 2,500 to 4,000 that an
// unbounded proposer built took 5 to 12 s each; blocks of up to 1,699
// (twice the earlier default of 1,000 transactions and 512 KiB) carried
// more but came only 14 a window under the heaviest loads
// (docs/measurements.md).
func DefaultBlockBudget() BlockBudget {
	return BlockBudget{MaxTxs: 1500, MaxBytes: 768 << 10, MaxWork: 150_000}
}

// Validate refuses negative bounds.
func (b BlockBudget) Validate() error {
	if b.MaxTxs < 0 || b.MaxBytes < 0 || b.MaxWork < 0 {
		return fmt.Errorf("app: block budget bounds must not be negative (max_txs %d, max_bytes %d, max_work %d)", b.MaxTxs, b.MaxBytes, b.MaxWork)
	}
	return nil
}

// txWorkCost is the estimated execution work of one message type: fixed
// units per transaction plus perKiB units per KiB of its bytes.
type txWorkCost struct {
	fixed, perKiB int64
}

// txWorkCosts are the measured costs of the message types that carry the
// registries' volume: BenchmarkTxWork, FinalizeBlock and Commit of blocks
// of 500 transactions whose signatures were checked at admission, on a
// state of 100,000 records per registry, in µs per transaction on one
// core of the 2-core VM of docs/measurements.md, rounded up (2026-12-03:
// 97, 137, 85, 76 and 56). Every other type costs defaultTxWork: more than
// the dearest measured type, plus a share for its size, so that a large
// batch (a migration import) is counted by its size.
var txWorkCosts = map[string]txWorkCost{
	"land/register_parcel":     {fixed: 100},
	"vehicle/register_vehicle": {fixed: 140},
	"vehicle/record_odometer":  {fixed: 90},
	"invoice/issue_invoice":    {fixed: 80},
	"notary/anchor_document":   {fixed: 60},
	"migration/import_batch":   {fixed: 150, perKiB: 450},
}

// defaultTxWork is the cost of a message type txWorkCosts does not list.
var defaultTxWork = txWorkCost{fixed: 150, perKiB: 100}

// TxWork is the estimated execution work of a transaction of message
// type typ that is size bytes long, in work units (about a microsecond of
// one core each). It is an estimate for building blocks, never a rule:
// nothing a block computes depends on it.
func TxWork(typ string, size int) int64 {
	c, ok := txWorkCosts[typ]
	if !ok {
		c = defaultTxWork
	}
	return c.fixed + c.perKiB*int64(size)/1024
}

// SetBlockBudget sets the budget PrepareProposal keeps blocks within.
func (a *App) SetBlockBudget(b BlockBudget) error {
	if err := b.Validate(); err != nil {
		return err
	}
	a.limitsMu.Lock()
	defer a.limitsMu.Unlock()
	a.budget = b
	return nil
}

// BlockBudget returns the budget PrepareProposal keeps blocks within.
func (a *App) BlockBudget() BlockBudget {
	a.limitsMu.Lock()
	defer a.limitsMu.Unlock()
	return a.budget
}

// blockFill is a block being filled within maxBytes and a budget.
type blockFill struct {
	budget      BlockBudget
	maxBytes    int64
	txs         int
	bytes, work int64
	full        bool
}

// fits reports whether a transaction of size bytes and work units still
// fits, and counts it if so. The budget never refuses a block's first
// transaction (one larger than the budget alone would otherwise never be
// proposed); maxBytes always applies. Once a transaction does not fit the
// block is full and nothing more fits (a smaller transaction later in the
// mempool does not overtake it).
func (f *blockFill) fits(size, work int64) bool {
	if f.full {
		return false
	}
	b := f.budget
	if f.bytes+size > f.maxBytes || f.txs > 0 && (b.MaxTxs > 0 && f.txs >= b.MaxTxs ||
		b.MaxBytes > 0 && f.bytes+size > b.MaxBytes || b.MaxWork > 0 && f.work+work > b.MaxWork) {
		f.full = true
		return false
	}
	f.txs++
	f.bytes += size
	f.work += work
	return true
}

// admission counts the transactions this node holds admitted and not yet
// executed, to shed load past a bound (CheckTx's ErrBusy): after each
// commit CometBFT rechecks every transaction left in its mempool, so the
// count restarts at each new committed height with the transactions the
// recheck keeps, and grows with each one CheckTx admits. A transaction
// CometBFT drops after the app admitted it (its mempool full) is counted
// until the next block. With recheck off in config.toml, the count is
// what was admitted since the last block.
type admission struct {
	mu     sync.Mutex
	height int64
	txs    int
	bytes  int64
}

// at restarts the count when height is a new committed height.
func (p *admission) at(height int64) {
	if height != p.height {
		p.height, p.txs, p.bytes = height, 0, 0
	}
}

// add counts one admitted transaction of size bytes at height.
func (p *admission) add(height int64, size int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.at(height)
	p.txs++
	p.bytes += int64(size)
}

// count returns the count at height.
func (p *admission) count(height int64) (txs int, bytes int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.at(height)
	return p.txs, p.bytes
}

// reached reports whether txs transactions of bytes bytes reach the
// limit (both bounds scaled by num/den: 1/2 is half the limit).
func (l PendingLimit) reached(txs int, bytes int64, num, den int) bool {
	return (l.MaxTxs > 0 && txs*den >= l.MaxTxs*num) || (l.MaxBytes > 0 && bytes*int64(den) >= l.MaxBytes*int64(num))
}

// Pending returns the count of transactions (and their bytes) this node
// holds admitted and not yet executed, as CheckTx's shedding sees it.
func (a *App) Pending() (txs int, bytes int64) {
	if a.pool != nil {
		return a.pool.count()
	}
	return a.admitted.count(a.height.Load())
}

// PendingLimit bounds the transactions a node holds admitted and not yet
// executed. From half the limit on, CheckTx refuses with ErrBusy a
// transaction MaxSequenceAheadBusy or more past its account's committed
// sequence; at the limit, every new transaction. A recheck never drops
// one for it. A zero field sets no bound.
//
// The first step sheds the deepest pipelines first, and alike on every
// node: it depends on the committed sequence, which every node shares,
// rather than on this node's count, which differs. That matters because
// CheckTx also admits the transactions peers gossip, once each: a node
// that sheds one transaction of a pipelined signer while its peers admit
// it cannot propose that signer's later ones until another proposer's
// block carries it.
//
// MaxWait bounds the same count by time: with it, the limit is no more
// than what the chain committed in MaxWait at the rate of its last blocks
// (recentBlocks), so that a transaction admitted waits about MaxWait for
// its block however fast or slow the chain runs now, rather than the time
// the chain takes to work through a fixed count. It never lowers a bound
// below one block of the node's budget (scaled by the pace), so that the
// proposer always has a block to fill; it lowers only a bound that is set
// and that the budget sets too (transactions, bytes); and it applies once
// the chain has made rateBlocks+1 consecutive blocks on this node.
type PendingLimit struct {
	// MaxTxs is the most pending transactions.
	MaxTxs int
	// MaxBytes is the most bytes of pending transactions.
	MaxBytes int64
	// MaxWait, if set, lowers both bounds to what the chain commits in
	// that time (see above).
	MaxWait time.Duration
}

// DefaultPendingLimit is about two and a half blocks of the default
// budget: 3,750 transactions or 1.875 MiB (pipelines are cut from half
// that), below CometBFT's default mempool of 5,000 for a node that runs
// it, so that a transaction admitted waits for a few blocks at most, and
// a client is told to retry before the mempool overflows; and no more
// than three seconds of the chain's commit rate (DefaultPendingMaxWait).
func DefaultPendingLimit() PendingLimit {
	return PendingLimit{MaxTxs: 3750, MaxBytes: 1920 << 10, MaxWait: DefaultPendingMaxWait}
}

// DefaultPendingMaxWait is the default PendingLimit.MaxWait. With it the
// 4-validator testnet's p95 latency stayed within 1.4x of CometBFT's
// kvstore's at every load of make bench-e2e in five runs of seven, while
// its peak throughput stayed where the pace takes it (0.80x to 0.84x of
// kvstore's at equal size); two seconds cut the peak to 0.73x, since
// clients that hear "busy" at light load wait before they send again
// (docs/measurements.md, "A pending limit in time").
const DefaultPendingMaxWait = 3 * time.Second

// String describes the limit ("4000 transactions or 3145728 bytes").
func (l PendingLimit) String() string {
	switch {
	case l.MaxTxs > 0 && l.MaxBytes > 0:
		return fmt.Sprintf("%d transactions or %d bytes", l.MaxTxs, l.MaxBytes)
	case l.MaxTxs > 0:
		return fmt.Sprintf("%d transactions", l.MaxTxs)
	case l.MaxBytes > 0:
		return fmt.Sprintf("%d bytes", l.MaxBytes)
	}
	return "unbounded"
}

// Validate refuses negative bounds.
func (l PendingLimit) Validate() error {
	if l.MaxTxs < 0 || l.MaxBytes < 0 || l.MaxWait < 0 {
		return fmt.Errorf("app: pending limit bounds must not be negative (max_txs %d, max_bytes %d, max_wait %s)", l.MaxTxs, l.MaxBytes, l.MaxWait)
	}
	return nil
}

// SetPendingLimit sets the bound past which CheckTx sheds load.
func (a *App) SetPendingLimit(l PendingLimit) error {
	if err := l.Validate(); err != nil {
		return err
	}
	a.limitsMu.Lock()
	defer a.limitsMu.Unlock()
	a.pendingLimit = l
	return nil
}

// PendingLimit returns the bound past which CheckTx sheds load.
func (a *App) PendingLimit() PendingLimit {
	a.limitsMu.Lock()
	defer a.limitsMu.Unlock()
	return a.pendingLimit
}
