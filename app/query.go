package app

import (
	"encoding/hex"
	"errors"
	"fmt"

	ics23 "github.com/cosmos/ics23/go"

	"github.com/govchain/govchain/app/core"
)

// ErrNoState is returned by queries before the first block is committed.
var ErrNoState = core.NewCodedError(21, core.ErrNotFound, "query: no committed state yet")

// Proof is an ICS23 proof that Key exists (with the value the answer
// carries) or, if Exists is false, that it is absent, in the tree whose root
// is the app hash in header Height+1.
type Proof struct {
	Key    []byte
	Exists bool
	Proof  *ics23.CommitmentProof
}

// QueryResponse is the answer to a query path at a height.
//
// Value is the exact stored bytes for a single-record answer, or, for an
// answer resting on several keys, the JSON array EntriesJSON renders. With
// prove, Proofs holds one proof per key the answer rests on, in order.
// Height is the state version read; its root is the AppHash of header
// Height+1.
type QueryResponse struct {
	Err     error
	Key     []byte
	Value   []byte
	Entries []core.KVPair
	Proofs  []Proof
	Height  int64
}

// Query answers path at height (0 = latest committed). With prove it
// attaches existence proofs for every key the answer rests on, or an
// absence proof of the key a not-found answer rests on.
func (a *App) Query(path string, height int64, prove bool) QueryResponse {
	a.viewMu.RLock()
	view := a.view
	if view == nil {
		a.viewMu.RUnlock()
		return QueryResponse{Err: ErrNoState}
	}
	if height == 0 || height == view.Version() {
		// Commit swaps the latest view under the write lock; hold the read
		// lock while reading it.
		defer a.viewMu.RUnlock()
	} else {
		// An older version is opened on its own (slowly, for memiavl), so
		// Commit is not kept waiting.
		a.viewMu.RUnlock()
		v, err := a.store.ViewAt(height)
		if err != nil {
			return QueryResponse{Err: core.Wrapf(ErrVersionUnavailable, "height %d: %v", height, err)}
		}
		defer v.Close()
		view = v
	}
	resp := QueryResponse{Height: view.Version()}
	res, err := route(view, path)
	var nf *core.NotFound
	switch {
	case errors.As(err, &nf):
		resp.Err = err
		resp.Key = nf.Key
		if prove {
			p, perr := view.ProveAbsence(nf.Key)
			if perr != nil {
				resp.Err = fmt.Errorf("query: absence proof of %x: %w", nf.Key, perr)
				return resp
			}
			resp.Proofs = []Proof{{Key: nf.Key, Exists: false, Proof: p}}
		}
		return resp
	case err != nil:
		resp.Err = err
		return resp
	}
	resp.Key = res.Key
	resp.Value = res.Value
	resp.Entries = res.Entries
	if res.Entries != nil {
		resp.Value = EntriesJSON(res.Entries)
	}
	if !prove {
		return resp
	}
	keys := [][]byte{res.Key}
	if res.Entries != nil {
		keys = keys[:0]
		for _, e := range res.Entries {
			keys = append(keys, e.Key)
		}
	}
	for _, k := range keys {
		p, err := view.ProveExistence(k)
		if err != nil {
			resp.Err = fmt.Errorf("query: existence proof of %x: %w", k, err)
			return resp
		}
		resp.Proofs = append(resp.Proofs, Proof{Key: k, Exists: true, Proof: p})
	}
	return resp
}

// ErrVersionUnavailable is returned for a query at a height whose state
// is not kept (pruned, or not yet committed).
var ErrVersionUnavailable = core.NewCodedError(22, core.ErrNotFound, "query: state at that height is not available")

// EntriesJSON renders the entries of a multi-key answer as a JSON array of
// {"key": "<hex>", "value": <stored JSON>}. Stored values are compact JSON
// written by encoding/json, so each appears byte for byte as stored.
func EntriesJSON(entries []core.KVPair) []byte {
	b := []byte{'['}
	for i, e := range entries {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"key":"`...)
		b = append(b, hex.EncodeToString(e.Key)...)
		b = append(b, `","value":`...)
		b = append(b, e.Value...)
		b = append(b, '}')
	}
	return append(b, ']')
}

// ErrKeyNotFound is the not-found answer of /store/{key}.
var ErrKeyNotFound = core.NewCodedError(23, core.ErrNotFound, "query: key not found")

// ErrAccountNotFound is the not-found answer of /account/{address}: the
// account has never signed a transaction (its next sequence is 0).
var ErrAccountNotFound = core.NewCodedError(24, core.ErrNotFound, "query: account has never signed a transaction")

// ErrKeyNotBound is the not-found answer of /key/{key address}: the key
// was never rotated into an account, so it signs for its own address.
var ErrKeyNotBound = core.NewCodedError(25, core.ErrNotFound, "query: key is not bound to another account")

// singleRecord resolves an app path that names one record: keyOf parses
// the path (without its first segment) into the record's key.
func singleRecord(keyOf func(path []string) ([]byte, error), notFound error) core.Resolver {
	return func(path []string) ([]byte, core.Answer, error) {
		key, err := keyOf(path)
		if err != nil {
			return nil, nil, err
		}
		return key, core.Single(notFound), nil
	}
}

// The app's own query paths, resolved as a module's are:
//
//	/store/{hex key}         the raw value under any key, so an auditor can
//	                         fetch and prove exactly the key they name
//	/account/{address}       public key and next sequence
//	/key/{key address}       the account a rotated-in key signs for (a
//	                         core.KeyBinding)
//	/chain/info              the chain id, parameters and member agencies
//	                         written at genesis (ChainInfo)
var (
	resolveStore   = singleRecord(storeKeyOf, ErrKeyNotFound)
	resolveAccount = singleRecord(accountKeyOf, ErrAccountNotFound)
	resolveKey     = singleRecord(keyIndexKeyOf, ErrKeyNotBound)
	resolveChain   = singleRecord(chainKeyOf, ErrNoState)
)

// Errors lists the coded sentinels of this package (codes 20-29): the
// refusals of a query path before any registry answers it.
var Errors = []*core.Error{
	ErrUnknownQueryPath, ErrNoState, ErrVersionUnavailable, ErrKeyNotFound, ErrAccountNotFound, ErrKeyNotBound,
}
