package app

import (
	"fmt"

	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

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
// accepted: FinalizeBlock records their failure. The block budget is not
// checked (BlockBudget): it is the proposer's setting, and a block of any
// size within CometBFT's max_bytes is accepted, so that validators with
// other budgets agree.
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
// in maxBytes and the node's block budget (BlockBudget: transactions,
// bytes and estimated execution work), in mempool order except that each
// account's transactions are put in sequence order. CometBFT's mempool
// may hold a signer's pipelined transactions out of order (a node
// receives them from several peers at once) or with a gap (a peer's
// mempool was full when one arrived), while FinalizeBlock executes only
// an account's exact next sequence: a transaction whose sequence does not
// follow the account's committed sequence and those before it in this
// block is left out, and stays in the mempool for a later block; one
// whose sequence is already used (it can only fail) is left out too.
// Transactions whose signer does not resolve (a rotated-out key, a
// disabled account) keep their place: FinalizeBlock refuses them with
// their code. The block ends at the first transaction that does not fit
// (none after it overtakes it); what is left stays in the mempool.
//
// Only a prefix of txs, twice what the budget admits (room for
// transactions held back or refused), is looked at: the rest waits in the
// mempool for a later block.
func (a *App) PrepareProposal(txs [][]byte, maxBytes int64) [][]byte {
	budget, _ := a.ScaledLimits()
	fill := &blockFill{budget: budget, maxBytes: maxBytes}
	txs = txs[:proposalInput(txs, fill.budget)]
	out := make([][]byte, 0, len(txs))
	decs := a.decodeAll(txs)
	emit := func(i int) {
		if fill.fits(int64(len(txs[i])), TxWork(decs[i].tx.Msg.Type(), len(txs[i]))) {
			out = append(out, txs[i])
		}
	}
	a.viewMu.RLock()
	defer a.viewMu.RUnlock()
	var accs *proposalAccounts
	if a.view != nil {
		accs = newProposalAccounts(a.view)
	}
	for i, d := range decs {
		if fill.full {
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
			for acc.next++; !fill.full; acc.next++ {
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

// proposalInput is how many of txs PrepareProposal looks at: all of them
// unless the budget bounds transactions or bytes, and then a prefix of
// twice that many transactions or bytes (room for transactions held
// back for their sequence, or refused).
func proposalInput(txs [][]byte, b BlockBudget) int {
	n := len(txs)
	if b.MaxTxs > 0 {
		n = min(n, 2*b.MaxTxs)
	}
	if b.MaxBytes > 0 {
		var total int64
		for i, tx := range txs[:n] {
			if total += int64(len(tx)); total > 2*b.MaxBytes && i > 0 {
				return i
			}
		}
	}
	return n
}
