package app

import (
	"fmt"
	"time"
)

// BudgetPace lets the block budget follow the chain's pace: a node
// proposes blocks larger than its configured budget (BlockBudget), up to
// MaxEighths eighths of it, while the chain's blocks come well within Target of
// each other, and comes back towards the configured budget when they come
// further apart. The pending limit (PendingLimit) is scaled with the
// budget, so that it stays the same number of blocks: a queue held at the
// configured limit does not fill the larger blocks.
//
// Blocks bound by a fixed budget leave CPU unused at light load, where the
// interval between blocks is set by the consensus timeouts and a larger
// block costs little more time; and under heavy load larger blocks slow
// the chain's rhythm. The pace takes the larger blocks only while the
// rhythm allows them.
//
// After each block, the average interval of the last paceBlocks blocks
// (their header times, which every node shares) is compared with Target.
// The chain has slowed down when the average is above Target, or when
// the block before was decided after round 0 (a proposal that did not
// reach the validators in time, which costs the chain a timeout_propose
// and more: ObserveDecidedRound). Then the scale falls by a quarter of
// the budget (never below 1); and at the first block of a slowdown found
// above scale 1 the ceiling the scale may climb to is set half way
// between 1 and that scale (the scale itself falls at least that far),
// so that the pace does not climb back into the same slowdown. After
// paceRelax blocks without a slowdown the ceiling rises by an eighth,
// back to MaxEighths, as load changes. With the chain not slowed, the
// average at or below four fifths of Target and the block full (at least
// 90% of the scaled budget's transactions, bytes or work), the scale
// rises by an eighth, never above the ceiling. In between, or with the
// block not full, it stays. A node starts at scale 1 with the ceiling at
// MaxEighths.
//
// Like the budget it is a setting of the node that proposes, not a rule
// of the chain: it never changes an app hash.
type BudgetPace struct {
	// MaxEighths is the largest budget a block may take, in eighths
	// (BudgetScaleUnit) of the configured one: 16 is twice it; 8 (or 0)
	// keeps the budget fixed.
	MaxEighths int
	// Target is the block interval above which the scale falls.
	Target time.Duration
}

// BudgetScaleUnit is the scale's unit: the scale of the budget is kept
// in eighths of the configured budget, in integers, as everything in this
// package is.
const BudgetScaleUnit = 8

// paceUp and paceDown are the scale's steps after a block.
const (
	paceUp   = 1
	paceDown = 2
	// paceBlocks is how many blocks the interval is averaged over: one
	// round of a four-validator chain's proposers.
	paceBlocks = 4
	// paceRelax is how many blocks without a slowdown raise the
	// ceiling by paceUp: about half a minute at the testnet's pace.
	paceRelax = 32
)

// Validate refuses a largest budget below the configured one (other than
// 0, which is it) or above 16 times it, and a negative target; a largest
// budget above the configured one needs a target.
func (p BudgetPace) Validate() error {
	switch {
	case p.MaxEighths != 0 && (p.MaxEighths < BudgetScaleUnit || p.MaxEighths > 16*BudgetScaleUnit):
		return fmt.Errorf("app: block budget max scale of %d eighths is not between %d and %d eighths", p.MaxEighths, BudgetScaleUnit, 16*BudgetScaleUnit)
	case p.Target < 0:
		return fmt.Errorf("app: block interval target %s is negative", p.Target)
	case p.MaxEighths > BudgetScaleUnit && p.Target == 0:
		return fmt.Errorf("app: block budget max scale of %d eighths needs a block interval target", p.MaxEighths)
	}
	return nil
}

// pace is the node's current scale (guarded by App.limitsMu); the block
// times it follows are App.recent's.
type pace struct {
	// max, ceil and scale are in BudgetScaleUnit units.
	max, ceil, scale int
	target           time.Duration
	// slow tells whether the last block observed found the chain slowed
	// down, calm how many blocks since it last was, and late the height
	// of the last block decided after round 0.
	slow bool
	calm int
	late int64
}

// SetBudgetPace sets how the block budget follows the chain's pace, and
// sets the scale back to 1 and the ceiling to p.MaxEighths. The intervals
// it follows are those of the blocks the App has executed, before the
// call too.
func (a *App) SetBudgetPace(p BudgetPace) error {
	if err := p.Validate(); err != nil {
		return err
	}
	a.limitsMu.Lock()
	defer a.limitsMu.Unlock()
	m := max(BudgetScaleUnit, p.MaxEighths)
	a.pace = pace{max: m, ceil: m, scale: BudgetScaleUnit, target: p.Target}
	return nil
}

// ObserveDecidedRound tells the pace that the block at height was
// decided in round (CometBFT gives it with the next block, in
// FinalizeBlock's decided last commit): a round after 0 slows the pace
// down when the block after it is observed (see BudgetPace).
func (a *App) ObserveDecidedRound(height int64, round int32) {
	if round == 0 {
		return
	}
	a.limitsMu.Lock()
	defer a.limitsMu.Unlock()
	a.pace.late = height
}

// BudgetEighths returns the budget (and pending limit) this node applies
// now, in eighths (BudgetScaleUnit) of the configured ones: 8 unless
// BudgetPace lets it grow.
func (a *App) BudgetEighths() int {
	a.limitsMu.Lock()
	defer a.limitsMu.Unlock()
	return a.paceScale()
}

// paceScale is the scale in BudgetScaleUnit units (limitsMu held).
func (a *App) paceScale() int {
	if a.pace.scale == 0 {
		return BudgetScaleUnit
	}
	return a.pace.scale
}

// ScaledLimits returns the block budget and pending limit this node
// applies now: BudgetEighths eighths of the configured ones, the pending
// limit then lowered to PendingLimit.MaxWait of the chain's commit rate.
func (a *App) ScaledLimits() (BlockBudget, PendingLimit) {
	a.limitsMu.Lock()
	defer a.limitsMu.Unlock()
	s := int64(a.paceScale())
	b, p := a.budget, a.pendingLimit
	b.MaxTxs = int(int64(b.MaxTxs) * s / BudgetScaleUnit)
	b.MaxBytes = b.MaxBytes * s / BudgetScaleUnit
	b.MaxWork = b.MaxWork * s / BudgetScaleUnit
	p.MaxTxs = int(int64(p.MaxTxs) * s / BudgetScaleUnit)
	p.MaxBytes = p.MaxBytes * s / BudgetScaleUnit
	if p.MaxWait > 0 {
		if txs, bytes, ok := a.recent.committedIn(p.MaxWait); ok {
			p.MaxTxs = int(waitBound(int64(p.MaxTxs), txs, int64(b.MaxTxs)))
			p.MaxBytes = waitBound(p.MaxBytes, bytes, b.MaxBytes)
		}
	}
	return b, p
}

// observePace records the block at height with header time t, which
// carried txs transactions of bytes bytes and work work units (in
// App.recent, for the pace's intervals and the commit rate), and moves
// the scale after it.
func (a *App) observePace(height int64, t time.Time, txs int, bytes, work int64) {
	a.limitsMu.Lock()
	defer a.limitsMu.Unlock()
	a.recent.observe(height, t, txs, bytes)
	p := &a.pace
	if p.max <= BudgetScaleUnit {
		return
	}
	// After a first block or a gap (a re-executed block, state sync) the
	// intervals start again.
	avg, ok := a.recent.interval(paceBlocks)
	if !ok {
		return
	}
	s := int64(p.scale)
	b := a.budget
	full := b.MaxTxs > 0 && int64(txs)*10*BudgetScaleUnit >= int64(b.MaxTxs)*9*s ||
		b.MaxBytes > 0 && bytes*10*BudgetScaleUnit >= b.MaxBytes*9*s ||
		b.MaxWork > 0 && work*10*BudgetScaleUnit >= b.MaxWork*9*s
	slow := avg > p.target || p.late == height-1
	if slow {
		down := p.scale - paceDown
		if !p.slow && p.scale > BudgetScaleUnit {
			p.ceil = BudgetScaleUnit + (p.scale-BudgetScaleUnit)/2
			down = min(down, p.ceil)
		}
		p.scale = max(BudgetScaleUnit, down)
		p.calm = 0
	} else {
		if p.calm++; p.calm >= paceRelax && p.ceil < p.max {
			p.ceil += paceUp
			p.calm = 0
		}
		if full && avg*5 <= p.target*4 {
			p.scale = min(p.ceil, p.scale+paceUp)
		}
	}
	p.slow = slow
}
