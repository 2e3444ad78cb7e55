package app

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/gov"
	"github.com/govchain/govchain/state"
)

// ErrStorage marks a failure of the store itself (disk, corruption). It is
// never a transaction error: the node must stop.
var ErrStorage = errors.New("app: storage failure")

// ErrHeight is returned when blocks arrive out of order.
var ErrHeight = errors.New("app: block height does not follow the committed version")

// App is the govchain state machine. It is driven by the abci package:
// InitChain once, then for each block FinalizeBlock and Commit; CheckTx,
// ProcessProposal and Query at any time between them.
//
// Contract: App is safe for concurrent use; block execution (InitChain,
// FinalizeBlock, Commit) must be called from one goroutine in order, while
// CheckTx and Query read the last committed version only.
type App struct {
	store state.Store

	blockMu sync.Mutex // serialises InitChain/FinalizeBlock/Commit
	info    ChainInfo  // loaded at genesis or from committed state
	pending bool       // a finalized block awaits Commit

	viewMu sync.RWMutex
	view   state.View // last committed version; nil before the first commit
	// viewBlock is the view's BlockInfo (the last block), read once per
	// commit for CheckTx; viewBlockErr is the error reading it gave.
	viewBlock    BlockInfo
	viewBlockErr error
	// height is the view's version, readable without viewMu.
	height atomic.Int64

	// txs remembers the transactions that passed ValidateTx (sigcache.go).
	txs *txCache
}

// New returns an App over an opened store. If the store holds committed
// state, the chain information is read from it.
func New(store state.Store) (*App, error) {
	a := &App{store: store, txs: newTxCache(DefaultTxCacheSize)}
	if store.Version() > 0 {
		if err := a.Reload(); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Info returns the last committed height (= state version) and app hash.
func (a *App) Info() (height int64, appHash []byte) {
	return a.store.Version(), a.store.LastHash()
}

// ChainID returns the chain id (empty before InitChain).
func (a *App) ChainID() string { return a.info.ChainID }

// InitChain writes the genesis state and returns the app hash it leads to
// and the validator set the agencies define. The state is committed with the
// first block.
func (a *App) InitChain(chainID string, genesisTime time.Time, initialHeight int64, appState []byte) ([]byte, []core.Validator, error) {
	a.blockMu.Lock()
	defer a.blockMu.Unlock()
	if a.store.Version() != 0 {
		return nil, nil, fmt.Errorf("app: InitChain on a store at version %d", a.store.Version())
	}
	if initialHeight > 1 {
		return nil, nil, fmt.Errorf("app: initial_height %d is not supported; the state version must equal the block height", initialHeight)
	}
	g, err := ParseGenesis(appState)
	if err != nil {
		return nil, nil, err
	}
	if err := a.store.Rollback(); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrStorage, err)
	}
	if err := g.write(a.store, chainID, genesisTime.UTC(), 0); err != nil {
		return nil, nil, fmt.Errorf("%w: write genesis: %v", ErrStorage, err)
	}
	a.info = ChainInfo{ChainID: chainID, Params: g.Params}
	vals := make([]core.Validator, 0, len(g.Agencies))
	for _, ag := range g.Agencies {
		if ag.HasValidator() {
			vals = append(vals, ag.Validator)
		}
	}
	return a.store.WorkingHash(), vals, nil
}

// TxResult is the outcome of one transaction. Err is nil on success; its
// kind and sentinel decide the result code.
type TxResult struct {
	Err    error
	Events []core.Event
	// Signer and Type are set when the transaction decoded.
	Signer core.Address
	Type   string
}

// ValidateTx is the validity check shared by CheckTx and ProcessProposal:
// size, canonical encoding, known message type, the message's stateless
// check, chain id and signature. It reads no state. decodeAll applies the
// same checks to a whole block, verifying signatures in batches. A
// transaction that passed once is remembered (sigcache.go) and not checked
// again; the returned DecodedTx is shared and must not be modified.
func (a *App) ValidateTx(raw []byte) (*DecodedTx, error) {
	chainID := a.info.ChainID
	d, cached, err := a.cachedOrDecoded(raw, chainID)
	if err != nil || cached {
		return d, err
	}
	if err := VerifySignature(d, chainID); err != nil {
		return nil, err
	}
	a.txs.add([sha256.Size]byte(d.Hash), chainID, d, a.height.Load())
	return d, nil
}

// cachedOrDecoded returns raw's entry in the cache of checked transactions
// (cached true: it passed every check of ValidateTx for chainID), or raw
// decoded (Decode's checks, signature not verified yet).
func (a *App) cachedOrDecoded(raw []byte, chainID string) (d *DecodedTx, cached bool, err error) {
	maxBytes := a.maxTxBytes()
	if len(raw) > maxBytes {
		d, err = Decode(raw, maxBytes) // refused for its size
		return d, false, err
	}
	key := sha256.Sum256(raw)
	if d := a.txs.get(key, chainID); d != nil {
		return d, true, nil
	}
	d, err = decodeHashed(raw, maxBytes, &key)
	return d, false, err
}

func (a *App) maxTxBytes() int {
	if a.info.Params.MaxTxBytes > 0 {
		return a.info.Params.MaxTxBytes
	}
	return DefaultMaxTxBytes
}

// CheckTx decides whether a transaction may enter the mempool: ValidateTx,
// then the sequence (the next one, or up to MaxSequenceAhead past it) and
// the message itself, run against the last committed state on a branch
// that is thrown away.
func (a *App) CheckTx(raw []byte) TxResult { return a.checkTx(raw, true) }

// RecheckTx decides whether a transaction already in the mempool may stay
// there after a block: ValidateTx (remembered from its CheckTx, so it is
// neither decoded nor verified again) and the signer and sequence checks
// against the new committed state, so that a transaction whose sequence a
// block consumed, or whose key was rotated out or disabled, leaves. The
// message is not run again: a transaction that the block made invalid
// fails in its own block with its code and consumes its sequence, as any
// refused message does; FinalizeBlock checks everything anyway.
func (a *App) RecheckTx(raw []byte) TxResult { return a.checkTx(raw, false) }

// checkTx is CheckTx, and RecheckTx when runMessage is false.
func (a *App) checkTx(raw []byte, runMessage bool) TxResult {
	d, err := a.ValidateTx(raw)
	if err != nil {
		return TxResult{Err: err}
	}
	res := TxResult{Signer: d.Signer, Type: d.Msg.Type()}
	a.viewMu.RLock()
	defer a.viewMu.RUnlock()
	if a.view == nil {
		res.Err = fmt.Errorf("app: no committed state yet")
		return res
	}
	acc, err := authenticate(a.view, d, MaxSequenceAhead)
	if err != nil {
		res.Err = err
		return res
	}
	res.Signer = acc.Address
	if !runMessage {
		// Recheck: a transaction still ahead of its account's sequence
		// after MaxGapWaitBlocks waits behind a gap that is not being
		// filled (CometBFT's mempool has no expiry of its own).
		if d.Tx.Sequence > acc.Sequence {
			if since, ok := a.txs.since([sha256.Size]byte(d.Hash)); ok && a.view.Version()-since > MaxGapWaitBlocks {
				res.Err = core.Wrapf(core.ErrWrongSequence, "sequence %d of %s waited %d blocks for sequence %d; dropped from the mempool",
					d.Tx.Sequence, acc.Address, a.view.Version()-since, acc.Sequence)
			}
		}
		return res
	}
	last := a.viewBlock
	if a.viewBlockErr != nil {
		res.Err = a.viewBlockErr
		return res
	}
	branch := state.NewBranch(readOnly{a.view})
	defer branch.Discard()
	if err := recordNewAccount(branch, acc, d); err != nil {
		res.Err = err
		return res
	}
	// The next block's time is not known yet; the last block's time is the
	// best estimate, and FinalizeBlock checks again with the real one.
	ctx := &core.Context{KV: branch, ChainID: a.info.ChainID, Height: last.Height + 1, BlockTime: last.Time, TxHash: d.Hash, Signer: acc.Address}
	res.Err = runMsg(ctx, d.Msg)
	return res
}

// recordNewAccount writes the account record of a first-time signer into
// the transaction's branch before its message runs, so the message sees the
// account it is signed by (a key rotation as the first transaction, say).
func recordNewAccount(kv state.KV, acc core.Account, d *DecodedTx) error {
	if len(acc.PubKey) > 0 {
		return nil
	}
	acc.PubKey = d.Tx.Signer
	return core.SetAccount(kv, acc)
}

// MaxSequenceAhead is how far past an account's committed sequence CheckTx
// accepts a transaction, so a back office can submit a batch signed with
// consecutive sequences without waiting a block for each. FinalizeBlock
// accepts only the exact next sequence; a transaction that arrives out of
// order there is refused without consuming its sequence and can be sent
// again.
const MaxSequenceAhead = 256

// MaxGapWaitBlocks is how many blocks a transaction may wait in the mempool
// for an earlier sequence of its account: after that, recheck drops it (a
// client that lost a transaction sends it again, then the later ones).
const MaxGapWaitBlocks = 100

// ProcessProposal accepts a proposed block only if every transaction passes
// ValidateTx and none repeats a sequence number: a transaction whose signer
// resolves to an account must carry a sequence at or above the account's
// committed one, and no two transactions of one account may carry the same
// sequence. PrepareProposal leaves such transactions out (they could only
// fail), so only a faulty or byzantine proposer includes them; refusing the
// block keeps a replay of a committed transaction out of the chain, where
// it would fail with ErrReplay and CometBFT's indexer would answer a query
// for its hash with the failed replay instead of the original. Transactions
// that are valid but fail against the state for other reasons are
// accepted: FinalizeBlock records their failure.
func (a *App) ProcessProposal(txs [][]byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("app: proposal check panicked: %v", r)
		}
	}()
	decs := a.decodeAll(txs)
	for i, d := range decs {
		if d.err != nil {
			return fmt.Errorf("tx %d: %w", i, d.err)
		}
	}
	a.viewMu.RLock()
	defer a.viewMu.RUnlock()
	if a.view == nil {
		return nil // the first block: no transaction has been committed
	}
	accs := newProposalAccounts(a.view)
	for i, d := range decs {
		acc := accs.get(d.tx.Tx.Signer)
		if !acc.ok {
			continue
		}
		seq := d.tx.Tx.Sequence
		if seq < acc.committed || acc.used[seq] {
			return fmt.Errorf("tx %d: %w", i, core.Wrapf(core.ErrReplay,
				"sequence %d of %s is already used (committed next %d, or earlier in this block)", seq, acc.addr, acc.committed))
		}
		acc.used[seq] = true
	}
	return nil
}

// proposalAccount is what PrepareProposal and ProcessProposal track of one
// signing account across a block: ok is false for a signer that does not
// resolve (FinalizeBlock refuses it with its code).
type proposalAccount struct {
	ok        bool
	addr      core.Address
	committed uint64 // the committed next sequence
	next      uint64 // PrepareProposal: the next sequence to include
	// held maps a sequence to its index in the proposal's input, waiting
	// for its turn (PrepareProposal).
	held map[uint64]int
	// used holds the sequences seen in the block (ProcessProposal).
	used map[uint64]bool
}

// proposalAccounts resolves each signer of a block once against the
// committed state; keys that resolve to one account share its record.
type proposalAccounts struct {
	view   state.Reader
	byKey  map[string]*proposalAccount
	byAddr map[core.Address]*proposalAccount
}

func newProposalAccounts(view state.Reader) *proposalAccounts {
	return &proposalAccounts{view: view, byKey: map[string]*proposalAccount{}, byAddr: map[core.Address]*proposalAccount{}}
}

// get returns the record of the account signer resolves to.
func (p *proposalAccounts) get(signer []byte) *proposalAccount {
	if acc, ok := p.byKey[string(signer)]; ok {
		return acc
	}
	acc := &proposalAccount{}
	if resolved, err := core.ResolveSigner(p.view, ed25519.PubKey(signer)); err == nil {
		if prev, ok := p.byAddr[resolved.Address]; ok {
			acc = prev
		} else {
			acc = &proposalAccount{ok: true, addr: resolved.Address, committed: resolved.Sequence, next: resolved.Sequence,
				held: map[uint64]int{}, used: map[uint64]bool{}}
			p.byAddr[resolved.Address] = acc
		}
	}
	p.byKey[string(signer)] = acc
	return acc
}

// PrepareProposal returns the transactions that pass ValidateTx and fit
// in maxBytes, in mempool order except that each account's transactions
// are put in sequence order. CometBFT's mempool may hold a signer's
// pipelined transactions out of order (a node receives them from several
// peers at once) or with a gap (a peer's mempool was full when one
// arrived), while FinalizeBlock executes only an account's exact next
// sequence: a transaction whose sequence does not follow the account's
// committed sequence and those before it in this block is left out, and
// stays in the mempool for a later block; one whose sequence is already
// used (it can only fail) is left out too. Transactions whose signer does
// not resolve (a rotated-out key, a disabled account) keep their place:
// FinalizeBlock refuses them with their code.
func (a *App) PrepareProposal(txs [][]byte, maxBytes int64) [][]byte {
	out := make([][]byte, 0, len(txs))
	var total int64
	full := false
	emit := func(i int) {
		if full || total+int64(len(txs[i])) > maxBytes {
			full = true
			return
		}
		total += int64(len(txs[i]))
		out = append(out, txs[i])
	}
	decs := a.decodeAll(txs)
	a.viewMu.RLock()
	defer a.viewMu.RUnlock()
	var accs *proposalAccounts
	if a.view != nil {
		accs = newProposalAccounts(a.view)
	}
	for i, d := range decs {
		if full {
			break
		}
		if d.err != nil {
			continue
		}
		if accs == nil {
			emit(i)
			continue
		}
		acc := accs.get(d.tx.Tx.Signer)
		seq := d.tx.Tx.Sequence
		switch {
		case !acc.ok:
			emit(i)
		case seq < acc.next:
			// Used already: it can only fail.
		case seq > acc.next:
			if _, dup := acc.held[seq]; !dup {
				acc.held[seq] = i
			}
		default:
			emit(i)
			for acc.next++; !full; acc.next++ {
				j, ok := acc.held[acc.next]
				if !ok {
					break
				}
				delete(acc.held, acc.next)
				emit(j)
			}
		}
	}
	return out
}

type decoded struct {
	tx  *DecodedTx
	err error
}

// decodeAll runs the checks of ValidateTx over txs on all cores: each
// worker decodes a contiguous chunk and verifies its signatures as one
// ed25519 batch (about twice as fast as one by one), falling back to single
// verification to name the bad ones if the batch fails. The work is pure
// and results are returned in block order, so parallelism cannot affect
// state.
func (a *App) decodeAll(txs [][]byte) []decoded {
	out := make([]decoded, len(txs))
	if len(txs) == 0 {
		return out
	}
	workers := min(runtime.GOMAXPROCS(0), len(txs))
	chunk := (len(txs) + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < len(txs); lo += chunk {
		hi := min(lo+chunk, len(txs))
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.decodeChunk(txs[lo:hi], out[lo:hi])
		}()
	}
	wg.Wait()
	return out
}

// decodeChunk decodes and verifies one worker's share of decodeAll; a
// transaction found in the cache of checked transactions is taken from
// it, and the others are added to it once verified.
func (a *App) decodeChunk(txs [][]byte, out []decoded) {
	chainID := a.info.ChainID
	bv := ed25519.NewBatchVerifier()
	var idx []int
	for i, raw := range txs {
		d, cached, err := a.cachedOrDecoded(raw, chainID)
		if cached {
			out[i] = decoded{tx: d}
			continue
		}
		if err == nil {
			err = CheckChainID(d, chainID)
		}
		if err != nil {
			out[i] = decoded{err: err}
			continue
		}
		out[i] = decoded{tx: d}
		if bv.Add(ed25519.PubKey(d.Tx.Signer), d.SignBytes(), d.Tx.Signature) != nil {
			out[i] = decoded{err: errBadSignature(d)}
			continue
		}
		idx = append(idx, i)
	}
	if len(idx) == 0 {
		return
	}
	ok, valid := bv.Verify()
	for j, i := range idx {
		if !ok && !valid[j] {
			out[i] = decoded{err: errBadSignature(out[i].tx)}
			continue
		}
		a.txs.add([sha256.Size]byte(out[i].tx.Hash), chainID, out[i].tx, a.height.Load())
	}
}

// BlockResult is the outcome of a finalized block.
type BlockResult struct {
	// Txs holds each transaction's result, in block order.
	Txs []TxResult
	// ValidatorUpdates are the validator power changes the block's messages
	// requested, one per key (the last request wins), sorted by key.
	ValidatorUpdates []core.Validator
	// Events are the block's own events, not any transaction's: one
	// "gov.misbehavior" per evidence record.
	Events []core.Event
	// AppHash is the root of the state after the block.
	AppHash []byte
}

// FinalizeBlock records the evidence of misbehaviour the block carries
// (gov.RecordMisbehavior), executes its transactions in order and returns
// their results, the validator updates they requested and the app hash of
// the resulting working state. An error means the node cannot go on
// (storage failure, height out of order).
func (a *App) FinalizeBlock(height int64, blockTime time.Time, txs [][]byte, evidence ...gov.Misbehavior) (*BlockResult, error) {
	a.blockMu.Lock()
	defer a.blockMu.Unlock()
	if height != a.store.Version()+1 {
		return nil, fmt.Errorf("%w: block %d, committed version %d", ErrHeight, height, a.store.Version())
	}
	if a.pending {
		// CometBFT re-executes a block after a crash before Commit; start
		// from the committed state again.
		if err := a.store.Rollback(); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrStorage, err)
		}
	}
	a.pending = true
	fkv := &faultKV{KV: a.store}
	if err := core.SetJSON(fkv, BlockInfoKey(), BlockInfo{Height: height, Time: blockTime.UTC()}); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrStorage, err)
	}
	out := &BlockResult{Txs: make([]TxResult, len(txs))}
	events, err := gov.RecordMisbehavior(fkv, height, evidence)
	if err != nil || fkv.err != nil {
		return nil, fmt.Errorf("%w: record evidence: %v", ErrStorage, errors.Join(err, fkv.err))
	}
	out.Events = events
	var vals validatorSet
	for i, d := range a.decodeAll(txs) {
		out.Txs[i] = a.deliver(fkv, height, blockTime.UTC(), d, &vals)
		if fkv.err != nil {
			return nil, fmt.Errorf("%w: tx %d: %v", ErrStorage, i, fkv.err)
		}
		if d.err == nil {
			// Executed: it will not be checked again (a copy sent later is
			// a replay, refused by its sequence).
			a.txs.remove([sha256.Size]byte(d.tx.Hash))
		}
	}
	out.ValidatorUpdates = vals.sorted()
	out.AppHash = a.store.WorkingHash()
	return out, nil
}

// validatorSet collects a block's validator updates, the last per key.
type validatorSet struct {
	byKey map[string]core.Validator
}

func (v *validatorSet) add(updates []core.Validator) {
	for _, u := range updates {
		if v.byKey == nil {
			v.byKey = map[string]core.Validator{}
		}
		v.byKey[string(u.PubKey)] = u
	}
}

func (v *validatorSet) sorted() []core.Validator {
	keys := make([]string, 0, len(v.byKey))
	for k := range v.byKey {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]core.Validator, 0, len(keys))
	for _, k := range keys {
		out = append(out, v.byKey[k])
	}
	return out
}

// deliver executes one transaction. A transaction that passes the
// signature and sequence checks consumes its sequence number whatever the
// message's outcome, so its bytes can never be replayed; every other effect
// of a refused message is discarded.
func (a *App) deliver(kv *faultKV, height int64, blockTime time.Time, d decoded, vals *validatorSet) TxResult {
	if d.err != nil {
		return TxResult{Err: d.err}
	}
	res := TxResult{Signer: d.tx.Signer, Type: d.tx.Msg.Type()}
	acc, err := authenticate(kv, d.tx, 0)
	if err != nil {
		res.Err = err
		return res
	}
	res.Signer = acc.Address
	branch := state.NewBranch(kv)
	if err := recordNewAccount(branch, acc, d.tx); err != nil {
		kv.fail(err)
		return res
	}
	ctx := &core.Context{KV: branch, ChainID: a.info.ChainID, Height: height, BlockTime: blockTime, TxHash: d.tx.Hash, Signer: acc.Address}
	res.Err = runMsg(ctx, d.tx.Msg)
	if res.Err == nil && kv.err == nil {
		if err := branch.Write(); err != nil {
			kv.fail(err)
		}
		vals.add(ctx.ValidatorUpdates())
		res.Events = append(ctx.Events(), core.Event{Type: "message", Attrs: []core.Attr{
			{Key: "action", Value: d.tx.Msg.Type(), Index: true},
			{Key: "signer", Value: acc.Address.String(), Index: true},
		}})
	} else {
		branch.Discard()
	}
	// Re-read the account: the message may have changed it (a key
	// rotation); the sequence is consumed either way.
	acc, _, err = core.GetAccount(kv, acc.Address)
	if err != nil {
		kv.fail(err)
		return res
	}
	if len(acc.PubKey) == 0 {
		acc.PubKey = d.tx.Tx.Signer
	}
	acc.Sequence++
	if err := core.SetAccount(kv, acc); err != nil {
		kv.fail(err)
	}
	return res
}

// runMsg runs a message's Exec, turning a panic into an internal error so
// that a handler bug refuses the transaction on every node alike.
func runMsg(ctx *core.Context, m core.Msg) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("app: %s panicked: %v", m.Type(), r)
		}
	}()
	return m.Exec(ctx)
}

// authenticate resolves the account the transaction's key signs for
// (refusing rotated-out keys and accounts that can no longer sign) and
// accepts the account's next sequence, or up to ahead sequences past it.
func authenticate(r state.Reader, d *DecodedTx, ahead uint64) (core.Account, error) {
	acc, err := core.ResolveSigner(r, ed25519.PubKey(d.Tx.Signer))
	if err != nil {
		return acc, err
	}
	switch {
	case d.Tx.Sequence < acc.Sequence:
		return acc, core.Wrapf(core.ErrReplay, "sequence %d of %s; next is %d", d.Tx.Sequence, acc.Address, acc.Sequence)
	case d.Tx.Sequence > acc.Sequence+ahead:
		return acc, core.Wrapf(core.ErrWrongSequence, "sequence %d is ahead of %s's next sequence %d", d.Tx.Sequence, acc.Address, acc.Sequence)
	}
	return acc, nil
}

// Commit persists the finalized block durably and returns its version. On
// return the new state is what CheckTx and Query see.
func (a *App) Commit() (int64, error) {
	a.blockMu.Lock()
	defer a.blockMu.Unlock()
	_, version, err := a.store.Commit()
	if err != nil {
		return 0, fmt.Errorf("%w: commit: %v", ErrStorage, err)
	}
	a.pending = false
	v, err := a.store.ViewAt(0)
	if err != nil {
		return 0, fmt.Errorf("%w: open view at %d: %v", ErrStorage, version, err)
	}
	a.setView(v)
	return version, nil
}

// setView makes v the committed view CheckTx, the proposal checks and
// Query read, and closes the previous one.
func (a *App) setView(v state.View) {
	var last BlockInfo
	_, err := core.GetJSON(v, BlockInfoKey(), &last)
	a.viewMu.Lock()
	old := a.view
	a.view, a.viewBlock, a.viewBlockErr = v, last, err
	a.height.Store(v.Version())
	a.viewMu.Unlock()
	if old != nil {
		_ = old.Close()
	}
}

// Close closes the committed view and the store.
func (a *App) Close() error {
	a.viewMu.Lock()
	if a.view != nil {
		_ = a.view.Close()
		a.view = nil
	}
	a.viewMu.Unlock()
	return a.store.Close()
}

// faultKV passes reads and writes to the store and remembers the first
// storage error, so that FinalizeBlock stops the node instead of turning a
// disk failure into a transaction result.
type faultKV struct {
	state.KV
	err error
}

func (f *faultKV) fail(err error) {
	if f.err == nil {
		f.err = err
	}
}

func (f *faultKV) Get(k []byte) ([]byte, error) {
	v, err := f.KV.Get(k)
	if err != nil {
		f.fail(err)
	}
	return v, err
}

func (f *faultKV) Has(k []byte) (bool, error) {
	v, err := f.KV.Has(k)
	if err != nil {
		f.fail(err)
	}
	return v, err
}

func (f *faultKV) Iterator(s, e []byte, asc bool) (state.Iterator, error) {
	it, err := f.KV.Iterator(s, e, asc)
	if err != nil {
		f.fail(err)
	}
	return it, err
}

func (f *faultKV) Set(k, v []byte) error {
	err := f.KV.Set(k, v)
	if err != nil {
		f.fail(err)
	}
	return err
}

func (f *faultKV) Delete(k []byte) error {
	err := f.KV.Delete(k)
	if err != nil {
		f.fail(err)
	}
	return err
}

// errReadOnly is returned by writes to a committed view; CheckTx's branch
// is discarded, so they are never reached.
var errReadOnly = errors.New("app: committed state is read-only")

type readOnly struct{ state.Reader }

func (readOnly) Set([]byte, []byte) error { return errReadOnly }
func (readOnly) Delete([]byte) error      { return errReadOnly }

// BlockInfo is the height and header time of the last executed block, kept
// in state so that a version's time is provable and CheckTx can judge
// deadlines after a restart.
type BlockInfo struct {
	Height int64     `json:"height"`
	Time   time.Time `json:"time"`
}

// BlockInfoKey is the store key of the BlockInfo record.
func BlockInfoKey() []byte { return state.Key(core.PrefixMeta, 0x02) }
