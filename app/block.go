package app

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/gov"
	"github.com/govchain/govchain/app/upgrade"
	"github.com/govchain/govchain/state"
)

// BlockResult is the outcome of a finalized block.
type BlockResult struct {
	// Txs holds each transaction's result, in block order.
	Txs []TxResult
	// ValidatorUpdates are the validator power changes the block's messages
	// requested, one per key (the last request wins), sorted by key.
	ValidatorUpdates []core.Validator
	// Events are the block's own events, not any transaction's: one
	// "upgrade" if the block ran an upgrade's migration, then one
	// "gov.misbehavior" per evidence record, then the events of the
	// modules' per-block steps (core.Step).
	Events []core.Event
	// AppHash is the root of the state after the block.
	AppHash []byte
	// Checked is how many of the block's transactions this node decoded
	// and signature-checked while executing it, not having them in its
	// cache of checked transactions (its mempool had not seen them, or had
	// dropped them). It differs between nodes and is for monitoring only:
	// no result depends on it.
	Checked int
}

// FinalizeBlock runs the upgrade scheduled at this height, if any
// (upgrade.Begin), records the evidence of misbehaviour the block carries
// (gov.RecordMisbehavior), executes its transactions in order, runs the
// modules' per-block steps (core.Step) and returns
// their results, the validator updates they requested and the app hash of
// the resulting working state. An error means the node cannot go on
// (storage failure, height out of order, an upgrade this binary does not
// carry or whose migration failed); an upgrade error is returned before
// anything of the block is written.
func (a *App) FinalizeBlock(height int64, blockTime time.Time, txs [][]byte, evidence ...gov.Misbehavior) (*BlockResult, error) {
	a.blockMu.Lock()
	defer a.blockMu.Unlock()
	if height != a.store.Version()+1 {
		return nil, fmt.Errorf("%w: block %d, committed version %d", ErrHeight, height, a.store.Version())
	}
	if a.pending {
		// CometBFT re-executes a block after a crash before Commit; start
		// from the committed state again.
		if err := a.withoutView(a.store.Rollback); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrStorage, err)
		}
	}
	a.pending = true
	var kv state.KV = a.store
	if view := a.blockView(); view != nil {
		// The block's writes reach the store on a goroutine of their own
		// (blockWriter); it is drained before every return.
		bw := newBlockWriter(view, a.store)
		defer bw.finish()
		kv = bw
	}
	fkv := &faultKV{KV: kv}
	out := &BlockResult{Txs: make([]TxResult, len(txs))}
	done, err := upgrade.Begin(fkv, height, a.upgrades)
	switch {
	case fkv.err != nil:
		return nil, fmt.Errorf("%w: upgrade: %v", ErrStorage, errors.Join(err, fkv.err))
	case err != nil:
		return nil, err
	case done != nil:
		out.Events = append(out.Events, upgrade.Event(done))
	}
	if err := core.SetJSON(fkv, BlockInfoKey(), BlockInfo{Height: height, Time: blockTime.UTC()}); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrStorage, err)
	}
	events, err := gov.RecordMisbehavior(fkv, height, evidence)
	if err != nil || fkv.err != nil {
		return nil, fmt.Errorf("%w: record evidence: %v", ErrStorage, errors.Join(err, fkv.err))
	}
	out.Events = append(out.Events, events...)
	var (
		vals       validatorSet
		size, work int64
	)
	decs := a.decodeStream(txs)
	for i := range txs {
		d := decs.at(i)
		size += int64(len(txs[i]))
		if d.err == nil {
			work += TxWork(d.tx.Msg.Type(), len(txs[i]))
		}
		out.Txs[i] = a.deliver(fkv, height, blockTime.UTC(), d, &vals)
		if fkv.err != nil {
			return nil, fmt.Errorf("%w: tx %d: %v", ErrStorage, i, fkv.err)
		}
		if d.err == nil {
			// Executed: it will not be checked again (a copy sent later is
			// a replay, refused by its sequence).
			a.txs.remove([sha256.Size]byte(d.tx.Hash))
			if a.pool != nil {
				a.pool.remove([sha256.Size]byte(d.tx.Hash))
			}
		}
	}
	events, err = a.runSteps(fkv, height, blockTime.UTC())
	if err != nil {
		return nil, err
	}
	out.Events = append(out.Events, events...)
	out.ValidatorUpdates = vals.sorted()
	if bw, ok := kv.(*blockWriter); ok {
		if err := bw.finish(); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrStorage, err)
		}
	}
	out.AppHash = a.store.WorkingHash()
	out.Checked = int(decs.checked.Load())
	a.observePace(height, blockTime, len(txs), size, work)
	return out, nil
}

// blockView returns the App's committed view if it reads what the next
// block starts from: the store's latest version, with nothing written
// since (the working hash is the view's; InitChain writes the genesis
// state on top of an imported version without committing it). Otherwise
// (no view yet, one that could not be reopened, uncommitted writes) it
// returns nil and the block writes to the store directly. FinalizeBlock
// and Commit hold blockMu, and only they (and InitChain and state sync,
// which never run beside them) replace the view.
func (a *App) blockView() state.View {
	a.viewMu.RLock()
	defer a.viewMu.RUnlock()
	if a.view == nil || a.view.Version() != a.store.Version() || !bytes.Equal(a.view.Hash(), a.store.WorkingHash()) {
		return nil
	}
	return a.view
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
		if rec, ok := d.tx.Msg.(core.Recorder); ok && res.Err != nil && kv.err == nil {
			res.Events = a.recordRefusal(kv, ctx, acc, d.tx, rec, res.Err)
		}
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

// recordRefusal keeps the record a Recorder makes of its own refusal
// (core.Recorder): RecordRefusal runs on a fresh branch of kv with a
// context like the refused one, and its writes are applied only if it
// accepts the refusal. It returns the events to report with the refusal
// (none if nothing was recorded).
func (a *App) recordRefusal(kv *faultKV, refused *core.Context, acc core.Account, tx *DecodedTx, rec core.Recorder, refusal error) []core.Event {
	branch := state.NewBranch(kv)
	if err := recordNewAccount(branch, acc, tx); err != nil {
		kv.fail(err)
		return nil
	}
	ctx := &core.Context{KV: branch, ChainID: refused.ChainID, Height: refused.Height, BlockTime: refused.BlockTime, TxHash: refused.TxHash, Signer: refused.Signer}
	if err := runRecord(ctx, rec, refusal); err != nil || kv.err != nil {
		branch.Discard()
		return nil
	}
	if err := branch.Write(); err != nil {
		kv.fail(err)
		return nil
	}
	return append(ctx.Events(), core.Event{Type: "message", Attrs: []core.Attr{
		{Key: "action", Value: tx.Msg.Type(), Index: true},
		{Key: "signer", Value: refused.Signer.String(), Index: true},
		{Key: "refused", Value: strconv.FormatUint(uint64(core.ResultCode(refusal)), 10), Index: true},
	}})
}

// runRecord runs a Recorder's RecordRefusal with the refusal's result
// code, turning a panic into an error (nothing is recorded).
func runRecord(ctx *core.Context, rec core.Recorder, refusal error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("app: %s's refusal record panicked: %v", rec.Type(), r)
		}
	}()
	return rec.RecordRefusal(ctx, refusal, core.ResultCode(refusal))
}

// runMsg runs a message's Exec and, if it succeeds, the hooks that follow
// its type (core.Hook) on the same branch, turning a panic into an
// internal error so that a handler bug refuses the transaction on every
// node alike. An error of Exec or of a hook refuses the transaction.
func runMsg(ctx *core.Context, m core.Msg) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("app: %s panicked: %v", m.Type(), r)
		}
	}()
	if err := m.Exec(ctx); err != nil {
		return err
	}
	for _, h := range msgHooks[m.Type()] {
		if err := h.Run(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// runSteps runs every module's per-block step (core.Step), in module
// order, on the block's state after its transactions, and returns their
// events. An error stops the node.
func (a *App) runSteps(kv *faultKV, height int64, blockTime time.Time) ([]core.Event, error) {
	var events []core.Event
	for _, m := range Modules {
		if m.Step == nil {
			continue
		}
		ctx := &core.Context{KV: kv, ChainID: a.info.ChainID, Height: height, BlockTime: blockTime}
		if err := m.Step(ctx); err != nil || kv.err != nil {
			return nil, fmt.Errorf("%w: %s step: %v", ErrStorage, m.Name, errors.Join(err, kv.err))
		}
		events = append(events, ctx.Events()...)
	}
	return events, nil
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

// WriteBatch implements state.BatchWriter (state.WriteChanges on the
// wrapped store).
func (f *faultKV) WriteBatch(changes []state.Change) error {
	err := state.WriteChanges(f.KV, changes)
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

// BlockInfo is the height and header time of the last executed block, kept
// in state so that a version's time is provable and CheckTx can judge
// deadlines after a restart.
type BlockInfo struct {
	Height int64     `json:"height"`
	Time   time.Time `json:"time"`
}

// BlockInfoKey is the store key of the BlockInfo record.
func BlockInfoKey() []byte { return state.Key(core.PrefixMeta, 0x02) }
