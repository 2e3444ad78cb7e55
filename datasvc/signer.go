package datasvc

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/client"
)

// DefaultTxWait bounds how long a posted transaction is waited for.
const DefaultTxWait = 60 * time.Second

// Signer posts the transactions of one account (a data service, or a
// data officer) through one node. It numbers them itself, so that many
// may be in the mempool at once (the chain admits sequences up to
// app.MaxSequenceAhead past the committed one): it is safe for
// concurrent use.
type Signer struct {
	cl      *client.Client
	key     client.Signer
	chainID string
	account core.Address
	// Wait bounds Submit's wait for the block (DefaultTxWait if 0).
	Wait time.Duration

	mu    sync.Mutex
	next  uint64
	known bool
}

// NewSigner returns the signer of key (a *client.Key, or a key on a
// token) through cl: it asks the node for the chain id and the account
// the key signs for (its own, or the account it was rotated into).
func NewSigner(ctx context.Context, cl *client.Client, key client.Signer) (*Signer, error) {
	chainID, err := cl.ChainID(ctx)
	if err != nil {
		return nil, err
	}
	account, err := cl.SignerAccount(ctx, client.SignerAddress(key))
	if err != nil {
		return nil, err
	}
	return &Signer{cl: cl, key: key, chainID: chainID, account: account}, nil
}

// Account returns the account the signer signs for.
func (s *Signer) Account() core.Address { return s.account }

// ChainID returns the chain id the signer signs for.
func (s *Signer) ChainID() string { return s.chainID }

// Key returns the signer's key.
func (s *Signer) Key() client.Signer { return s.key }

// Broadcast signs msg with the next sequence and posts it; it returns the
// transaction's hash once CheckTx admitted it, or once the node said it
// holds these exact bytes already (signed at the same sequence before a
// restart). A refusal by CheckTx is a *client.TxError and consumes no
// sequence.
func (s *Signer) Broadcast(ctx context.Context, msg core.Msg) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for attempt := 0; ; attempt++ {
		if !s.known {
			seq, err := s.cl.NextSequence(ctx, s.account)
			if err != nil {
				return nil, err
			}
			s.next, s.known = seq, true
		}
		tx, err := client.BuildWith(s.chainID, s.key, s.next, msg)
		if err != nil {
			return nil, err
		}
		hash, err := s.cl.Broadcast(ctx, tx)
		var te *client.TxError
		var dup *client.DuplicateTxError
		switch {
		case err == nil:
			s.next++
			return hash, nil
		case errors.As(err, &dup):
			// These exact bytes are in the node's mempool cache: posted
			// before a restart (a receipt the service posted before it
			// crashed, say), they are ours, and waiting for them is
			// waiting for this message.
			s.next++
			return dup.Hash, nil
		case errors.As(err, &te) && attempt == 0 && (te.Code == core.ErrReplay.Code() || te.Code == core.ErrWrongSequence.Code()):
			// Our count is stale (another process signed for the
			// account, or a transaction was dropped): ask again once.
			s.known = false
		case errors.As(err, &te):
			return hash, err
		default:
			// Admitted or not, we cannot tell: ask the chain next time.
			s.known = false
			return hash, err
		}
	}
}

// Submit broadcasts msg and waits for its block. A refusal, in CheckTx or
// in the block, is a *client.TxError. A transaction not in a block within
// the wait is an error, after which the signer asks the chain for its
// sequence again.
func (s *Signer) Submit(ctx context.Context, msg core.Msg) (*client.TxResult, error) {
	hash, err := s.Broadcast(ctx, msg)
	if err != nil {
		return nil, err
	}
	return s.WaitTx(ctx, hash)
}

// WaitTx waits for the transaction with hash to be in a block (see
// Submit).
func (s *Signer) WaitTx(ctx context.Context, hash []byte) (*client.TxResult, error) {
	wait := s.Wait
	if wait <= 0 {
		wait = DefaultTxWait
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	res, err := s.cl.WaitTx(wctx, hash)
	if err != nil && res == nil {
		s.mu.Lock()
		s.known = false
		s.mu.Unlock()
		return nil, fmt.Errorf("datasvc: transaction %X: %w", hash, err)
	}
	return res, err
}
