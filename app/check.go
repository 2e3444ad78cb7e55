package app

import (
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

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
// then the sequence (the next one, or up to MaxSequenceAhead past it),
// then the load (PendingLimit: past it, or past half of it for a
// transaction MaxSequenceAheadBusy ahead, a valid transaction is refused
// with ErrBusy; send the same bytes again later), and then the message itself,
// run against the last committed state on a branch that is thrown away.
// When the App keeps its own mempool (EnablePool), a transaction admitted
// enters it, and bytes already in it are refused with ErrReplay. It is
// safe to call concurrently with the other hooks (CometBFT's mempool type
// "app" does).
func (a *App) CheckTx(raw []byte) TxResult { return a.checkTx(raw, true) }

// RecheckTx decides whether a transaction already in the mempool may stay
// there after a block: ValidateTx (remembered from its CheckTx, so it is
// neither decoded nor verified again) and the signer and sequence checks
// against the new committed state, so that a transaction whose sequence a
// block consumed, or whose key was rotated out or disabled, leaves. The
// message is not run again: a transaction that the block made invalid
// fails in its own block with its code and consumes its sequence, as any
// refused message does; FinalizeBlock checks everything anyway. A recheck
// never sheds load: a transaction it keeps counts as pending.
func (a *App) RecheckTx(raw []byte) TxResult { return a.checkTx(raw, false) }

// checkTx is CheckTx, and RecheckTx when runMessage is false.
func (a *App) checkTx(raw []byte, runMessage bool) TxResult {
	d, err := a.ValidateTx(raw)
	if err != nil {
		return TxResult{Err: err}
	}
	res := TxResult{Signer: d.Signer, Type: d.Msg.Type()}
	if a.pool != nil && runMessage && a.pool.has([sha256.Size]byte(d.Hash)) {
		res.Err = core.Wrapf(core.ErrReplay, "this exact transaction (hash %X) is already in this node's mempool; a new transaction needs the signer's next sequence", d.Hash)
		return res
	}
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
				return res
			}
		}
		a.admitted.add(a.view.Version(), len(raw))
		return res
	}
	_, limit := a.ScaledLimits()
	txs, bytes := a.Pending()
	switch ahead := d.Tx.Sequence - acc.Sequence; {
	case limit.reached(txs, bytes, 1, 1):
		res.Err = core.Wrapf(core.ErrBusy, "%d transactions (%d bytes) wait for a block on this node, the most it admits is %s; send the same transaction again after the next block",
			txs, bytes, limit)
		return res
	case ahead >= MaxSequenceAheadBusy && limit.reached(txs, bytes, 1, 2):
		res.Err = core.Wrapf(core.ErrBusy, "%d transactions (%d bytes) wait for a block on this node, and sequence %d of %s is %d past its committed sequence %d (at most %d while the node is busy); send the same transaction again after the next block",
			txs, bytes, d.Tx.Sequence, acc.Address, ahead, acc.Sequence, MaxSequenceAheadBusy-1)
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
	if rec, ok := d.Msg.(core.Recorder); ok && res.Err != nil {
		// A refusal its message records is admitted, so that it reaches a
		// block and is recorded there (core.Recorder).
		record := state.NewBranch(readOnly{a.view})
		defer record.Discard()
		if err := recordNewAccount(record, acc, d); err != nil {
			res.Err = err
			return res
		}
		rctx := &core.Context{KV: record, ChainID: ctx.ChainID, Height: ctx.Height, BlockTime: ctx.BlockTime, TxHash: ctx.TxHash, Signer: ctx.Signer}
		if runRecord(rctx, rec, res.Err) == nil {
			res.Err = nil
		}
	}
	if res.Err == nil {
		if a.pool != nil {
			a.pool.add(raw, d, a.view.Version(), true)
		} else {
			a.admitted.add(a.view.Version(), len(raw))
		}
	}
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

// MaxSequenceAheadBusy bounds MaxSequenceAhead while the node is busy
// (from half its PendingLimit): a transaction this far or farther past
// its account's committed sequence is refused with ErrBusy.
const MaxSequenceAheadBusy = 16

// MaxGapWaitBlocks is how many blocks a transaction may wait in the mempool
// for an earlier sequence of its account: after that, recheck drops it (a
// client that lost a transaction sends it again, then the later ones).
const MaxGapWaitBlocks = 100

// errReadOnly is returned by writes to a committed view; CheckTx's branch
// is discarded, so they are never reached.
var errReadOnly = errors.New("app: committed state is read-only")

type readOnly struct{ state.Reader }

func (readOnly) Set([]byte, []byte) error { return errReadOnly }
func (readOnly) Delete([]byte) error      { return errReadOnly }
