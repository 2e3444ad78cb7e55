package app

import (
	"crypto/sha256"
	"errors"
	"sync"
	"sync/atomic"
)

// pool is the node's own mempool when CometBFT runs with the application
// mempool (config.toml [mempool] type = "app"): CometBFT then keeps no
// transactions itself, hands the ones its RPC receives to CheckTx and
// the ones peers gossip to InsertTx, gossips what ReapTxs returns, and
// gives PrepareProposal no transactions, so the proposer takes them from
// the pool (PoolTxs).
//
// What it changes against CometBFT's own mempool: a transaction a peer
// gossips is checked statelessly in batches (decodeAll, one ed25519 batch
// for many signatures) and against its account's committed sequence, but
// its message is not run, since the node that admitted it from a client
// ran it and FinalizeBlock checks everything anyway; and transactions
// travel between peers in batches rather than one a message. Nothing of
// it reaches consensus: a block is checked by ProcessProposal and
// executed by FinalizeBlock as it would be with CometBFT's mempool.
//
// The pool holds the transactions in arrival order. A transaction leaves
// when a block executes it, or after a block when its sequence was
// consumed, its signer no longer resolves, or it has waited more than
// MaxGapWaitBlocks behind a sequence gap (recheck). Its size is bounded by
// the node's PendingLimit: past it, CheckTx answers ErrBusy; InsertTx
// drops what peers gossip only past twice it (gossipLimitFactor).
type pool struct {
	mu    sync.Mutex
	byKey map[[sha256.Size]byte]*poolTx
	order []*poolTx // arrival order; removed entries are dropped lazily
	txs   int
	bytes int64
	// fresh are transactions this node admitted from its clients and has
	// not yet handed to CometBFT to gossip (ReapTxs).
	fresh []*poolTx
	// queue holds transactions received from peers, waiting for their
	// batch check; wake signals the checker.
	queue      [][]byte
	queueBytes int64
	wake       chan struct{}
	stop       chan struct{}
	stopOnce   sync.Once
	// relay: transactions peers gossiped are gossiped on (ReapTxs).
	relay bool
	// droppedBusy and droppedInvalid count gossiped transactions left
	// out past gossipLimitFactor times the pending limit and for failing
	// their checks.
	droppedBusy, droppedInvalid atomic.Uint64
}

type poolTx struct {
	raw   []byte
	key   [sha256.Size]byte
	d     *DecodedTx
	since int64 // committed height when it entered
	gone  bool
}

func newPool(relay bool) *pool {
	return &pool{byKey: map[[sha256.Size]byte]*poolTx{}, wake: make(chan struct{}, 1), stop: make(chan struct{}), relay: relay}
}

// EnablePool makes the App keep its own mempool (CometBFT's mempool type
// "app"): CheckTx adds what it admits, InsertTx takes what peers gossip,
// ReapTxs returns what to gossip and PoolTxs what to propose. With relay,
// a transaction a peer gossiped is gossiped on once it passed its check,
// as CometBFT's own mempool does, so that it reaches nodes that are not
// connected to the one that admitted it; without, only transactions this
// node admitted from its clients are gossiped, which is enough where every
// node connects to every other. It starts the checker of gossiped
// transactions, which Close stops. Call it once, before the node starts.
func (a *App) EnablePool(relay bool) {
	if a.pool != nil {
		return
	}
	a.pool = newPool(relay)
	go a.checkGossiped()
}

// MempoolStats describes the transactions waiting for a block, for
// monitoring only: nothing the App computes depends on them.
type MempoolStats struct {
	// Txs and Bytes are the transactions admitted and not yet executed,
	// as CheckTx's shedding counts them (Pending).
	Txs   int
	Bytes int64
	// DroppedBusy and DroppedInvalid count the transactions peers
	// gossiped that the node's own mempool left out since the App was
	// created: past twice the pending limit, and for failing their checks
	// (0 without the node's own mempool).
	DroppedBusy, DroppedInvalid uint64
	// LimitTxs and LimitBytes are the pending limit CheckTx applies now
	// (ScaledLimits: scaled by the pace, lowered to its MaxWait of the
	// commit rate); 0 is no bound.
	LimitTxs   int
	LimitBytes int64
}

// MempoolStats reports the transactions waiting for a block.
func (a *App) MempoolStats() MempoolStats {
	txs, bytes := a.Pending()
	_, limit := a.ScaledLimits()
	st := MempoolStats{Txs: txs, Bytes: bytes, LimitTxs: limit.MaxTxs, LimitBytes: limit.MaxBytes}
	if a.pool != nil {
		st.DroppedBusy, st.DroppedInvalid = a.pool.droppedBusy.Load(), a.pool.droppedInvalid.Load()
	}
	return st
}

// PoolEnabled reports whether the App keeps its own mempool.
func (a *App) PoolEnabled() bool { return a.pool != nil }

// has reports whether the transaction is in the pool.
func (p *pool) has(key [sha256.Size]byte) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	_, ok := p.byKey[key]
	return ok
}

// add puts a checked transaction in the pool (fresh: to be gossiped).
func (p *pool) add(raw []byte, d *DecodedTx, since int64, fresh bool) {
	key := [sha256.Size]byte(d.Hash)
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.byKey[key]; ok {
		return
	}
	e := &poolTx{raw: raw, key: key, d: d, since: since}
	p.byKey[key] = e
	p.order = append(p.order, e)
	p.txs++
	p.bytes += int64(len(raw))
	if fresh {
		p.fresh = append(p.fresh, e)
	}
}

// count returns the transactions (and bytes) in the pool and waiting for
// their check.
func (p *pool) count() (int, int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.txs + len(p.queue), p.bytes + p.queueBytes
}

// removeLocked takes e out of the pool. The caller holds mu.
func (p *pool) removeLocked(e *poolTx) {
	if e.gone {
		return
	}
	e.gone = true
	delete(p.byKey, e.key)
	p.txs--
	p.bytes -= int64(len(e.raw))
}

// remove takes the transaction with this key out of the pool, if there.
func (p *pool) remove(key [sha256.Size]byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if e, ok := p.byKey[key]; ok {
		p.removeLocked(e)
	}
}

// compactLocked drops removed entries from order and fresh once order
// holds at least as many removed entries as live ones (and 64 more). The
// caller holds mu.
func (p *pool) compactLocked() {
	if len(p.order) < 2*p.txs+64 {
		return
	}
	p.order = live(p.order)
	p.fresh = live(p.fresh)
}

// live keeps list's entries that are still in the pool, in order, in
// list's own array.
func live(list []*poolTx) []*poolTx {
	kept := list[:0]
	for _, e := range list {
		if !e.gone {
			kept = append(kept, e)
		}
	}
	clear(list[len(kept):])
	return kept
}

// gossipLimitFactor is how many times its pending limit (ScaledLimits) a
// node's pool may hold with what peers gossip: CheckTx stops admitting
// from clients at the limit, gossip is dropped only past this many times
// it.
//
// Why more than the limit: under load every node's pool sits at the
// limit, and the room a block frees is taken at once by the node's own
// clients, whose CheckTx comes before the same block's worth of gossip
// from its peers. A transaction every peer dropped waits in its own
// node's pool for that node's turn to propose: with four validators, up
// to four blocks. Clients are held at about the limit by CheckTx on every
// node, so the pools then converge on the same transactions and any
// proposer takes the oldest; the factor only bounds a node's memory
// against peers that admit past their limits.
const gossipLimitFactor = 2

// InsertTx takes a transaction a peer gossiped (CometBFT's mempool type
// "app") and answers at once. It returns nil when the transaction is
// queued for its batch check (checkGossiped; one that fails the check is
// dropped), already in the pool, or dropped because the pool holds twice
// the node's pending limit (gossipLimitFactor): the peer that gossiped it
// holds it and may propose it, and CometBFT would only log a refusal,
// once per transaction, where a node under load refuses thousands. Only a
// transaction over the size limit is refused, with its error.
func (a *App) InsertTx(raw []byte) error {
	p := a.pool
	if p == nil {
		return errors.New("app: this node keeps no mempool of its own (CometBFT's mempool type is not \"app\")")
	}
	if max := a.maxTxBytes(); len(raw) > max {
		_, err := Decode(raw, max)
		return err
	}
	key := sha256.Sum256(raw)
	_, limit := a.ScaledLimits()
	p.mu.Lock()
	if _, ok := p.byKey[key]; ok {
		p.mu.Unlock()
		return nil
	}
	if limit.reached(p.txs+len(p.queue), p.bytes+p.queueBytes, gossipLimitFactor, 1) {
		p.mu.Unlock()
		p.droppedBusy.Add(1)
		return nil
	}
	p.queue = append(p.queue, raw)
	p.queueBytes += int64(len(raw))
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
	return nil
}

// checkGossiped checks the transactions peers gossiped, a queue at a
// time: ValidateTx's checks with signatures verified in batches
// (decodeAll), then the signer and sequence against committed state
// (authenticate). Those that pass enter the pool.
func (a *App) checkGossiped() {
	p := a.pool
	for {
		select {
		case <-p.stop:
			return
		case <-p.wake:
		}
		p.mu.Lock()
		batch := p.queue
		p.queue, p.queueBytes = nil, 0
		p.mu.Unlock()
		if len(batch) == 0 {
			continue
		}
		decs := a.decodeAll(batch)
		a.viewMu.RLock()
		view, height := a.view, a.height.Load()
		for i, d := range decs {
			if d.err != nil || view == nil {
				p.droppedInvalid.Add(1)
				continue
			}
			if _, err := authenticate(view, d.tx, MaxSequenceAhead); err != nil {
				p.droppedInvalid.Add(1)
				continue
			}
			p.add(batch[i], d.tx, height, p.relay)
		}
		a.viewMu.RUnlock()
	}
}

// ReapTxs returns the transactions that entered the pool since the last
// call, at most maxBytes of them (0: no bound), for CometBFT to gossip:
// those CheckTx admitted from this node's clients, and with relay
// (EnablePool) those peers gossiped too.
func (a *App) ReapTxs(maxBytes uint64) [][]byte {
	p := a.pool
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var out [][]byte
	var total uint64
	n := 0
	for _, e := range p.fresh {
		if e.gone {
			n++
			continue
		}
		if maxBytes > 0 && total+uint64(len(e.raw)) > maxBytes && len(out) > 0 {
			break
		}
		total += uint64(len(e.raw))
		out = append(out, e.raw)
		n++
	}
	clear(p.fresh[:n])
	p.fresh = p.fresh[n:]
	return out
}

// PoolTxs returns the pool's transactions in arrival order, for
// PrepareProposal, which looks at a prefix of them (proposalInput).
func (a *App) PoolTxs() [][]byte {
	p := a.pool
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.compactLocked()
	out := make([][]byte, 0, p.txs)
	for _, e := range p.order {
		if !e.gone {
			out = append(out, e.raw)
		}
	}
	return out
}

// recheckPool runs after each commit: a transaction leaves the pool when
// its sequence is consumed, its signer no longer resolves, or it has
// waited more than MaxGapWaitBlocks behind a sequence gap. The caller
// holds viewMu (read) over the new committed view.
func (a *App) recheckPool() {
	p := a.pool
	if p == nil || a.view == nil {
		return
	}
	accs := newProposalAccounts(a.view)
	height := a.view.Version()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.order {
		if e.gone {
			continue
		}
		acc := accs.get(e.d.Tx.Signer)
		seq := e.d.Tx.Sequence
		switch {
		case !acc.ok, seq < acc.committed:
			p.removeLocked(e)
		case seq > acc.committed && height-e.since > MaxGapWaitBlocks:
			p.removeLocked(e)
		}
	}
	p.compactLocked()
}

// closePool stops the checker of gossiped transactions.
func (p *pool) close() {
	if p != nil {
		p.stopOnce.Do(func() { close(p.stop) })
	}
}
