package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	abcitypes "github.com/cometbft/cometbft/abci/types"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	ics23 "github.com/cosmos/ics23/go"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/verify"
)

// DefaultHeaderWait is how long Query waits for header H+1 when H is the
// latest block.
const DefaultHeaderWait = 20 * time.Second

// QueryOptions tunes Query.
type QueryOptions struct {
	// Height is the state version to read; 0 means the latest committed.
	Height int64
	// Prove asks for proofs and verifies them against header Height+1.
	Prove bool
	// HeaderWait bounds the wait for header H+1 (DefaultHeaderWait if 0).
	HeaderWait time.Duration
}

// Entry is one key of a multi-key answer with its exact stored value.
type Entry struct {
	Key   core.HexBytes   `json:"key"`
	Value json.RawMessage `json:"value"`
}

// Proof says what a verified answer was checked against.
type Proof struct {
	// Keys is how many keys were proven (present or absent).
	Keys int
	// AppHash is the AppHash of header Height+1 the proofs verify under.
	AppHash []byte
	// HeaderHeight is Height+1.
	HeaderHeight int64
	// HeaderTime is the block time of header HeaderHeight, as the node
	// gave it with the header (set by Query; Verify and VerifyAbsent,
	// given an app hash only, leave it zero).
	HeaderTime time.Time
	// BoundToPath reports that the proven (anchor) key is the one the query
	// path names, as computed by PathKey; false for paths PathKey does not
	// know, where only the node's choice of key was proven.
	BoundToPath bool
	// Ops are the proof ops that were checked, in the answer's order: one
	// per key (an absence proof for a not-found answer).
	Ops []verify.ProofOp
}

// String renders the proof line the command line prints.
func (p *Proof) String() string {
	return fmt.Sprintf("verified %d key(s) against app hash %X of block %d", p.Keys, p.AppHash, p.HeaderHeight)
}

// QueryResult is a successful answer.
type QueryResult struct {
	Path string
	// Height is the state version read.
	Height int64
	// Key is the store key of a single answer, or the anchor key of a
	// multi-key answer.
	Key []byte
	// Value is the exact stored value, or the JSON array of entries of a
	// multi-key answer.
	Value []byte
	// Entries is set for a proven multi-key answer.
	Entries []Entry
	// Proof is set when proofs were requested and verified.
	Proof *Proof
}

// QueryError is a query the application answered with a non-zero code
// (not found, unknown path, ...). With proofs requested, a not-found answer
// carries a verified absence proof of Key in Proof.
type QueryError struct {
	Path      string
	Code      uint32
	Codespace string
	Log       string
	Height    int64
	Key       []byte
	Proof     *Proof
}

// Error implements error: "code N (codespace): log".
func (e *QueryError) Error() string {
	return fmt.Sprintf("code %d (%s): %s", e.Code, e.Codespace, e.Log)
}

// ErrProof is wrapped by every proof verification failure.
var ErrProof = errors.New("proof verification failed")

// Query asks the node for path. With opts.Prove it fetches the proofs and
// header Height+1 and verifies every proof against that header's AppHash
// (see Verify) before returning; a failure wraps ErrProof. The header must
// hash to the block id its commit is for, but the commit's validator
// signatures are not checked (see the package doc).
func (c *Client) Query(ctx context.Context, path string, opts QueryOptions) (*QueryResult, error) {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	res, err := c.rpc.ABCIQueryWithOptions(ctx, path, nil, rpcclient.ABCIQueryOptions{Height: opts.Height, Prove: opts.Prove})
	if err != nil {
		return nil, c.nodeErr(err)
	}
	resp := res.Response
	var appHash []byte
	var headerTime time.Time
	hasProof := resp.ProofOps != nil && len(resp.ProofOps.Ops) > 0
	if opts.Prove && (resp.Code == 0 || hasProof) {
		appHash, headerTime, err = c.appHashAfter(ctx, resp.Height, opts.HeaderWait)
		if err != nil {
			return nil, err
		}
	}
	if resp.Code != 0 {
		qe := &QueryError{Path: path, Code: resp.Code, Codespace: resp.Codespace, Log: resp.Log, Height: resp.Height, Key: resp.Key}
		if opts.Prove && hasProof {
			p, err := VerifyAbsent(path, resp, appHash)
			if err != nil {
				return nil, err
			}
			p.HeaderTime = headerTime
			qe.Proof = p
		}
		return nil, qe
	}
	out := &QueryResult{Path: path, Height: resp.Height, Key: resp.Key, Value: resp.Value}
	if opts.Prove {
		p, entries, err := Verify(path, resp, appHash)
		if err != nil {
			return nil, err
		}
		p.HeaderTime = headerTime
		out.Proof, out.Entries = p, entries
	}
	return out, nil
}

// appHashAfter returns the AppHash and block time of header h+1, the
// root of state version h, waiting up to wait for that block if h is the
// latest.
func (c *Client) appHashAfter(ctx context.Context, h int64, wait time.Duration) ([]byte, time.Time, error) {
	if wait <= 0 {
		wait = DefaultHeaderWait
	}
	next := h + 1
	deadline := time.Now().Add(wait)
	for {
		res, err := c.rpc.Commit(ctx, &next)
		if err == nil {
			if res.Header.Height != next {
				return nil, time.Time{}, fmt.Errorf("%w: node returned header %d for height %d", ErrProof, res.Header.Height, next)
			}
			if h := res.Header.Hash(); !bytes.Equal(h, res.Commit.BlockID.Hash) {
				return nil, time.Time{}, fmt.Errorf("%w: header %d (app hash %X) is not the header its commit signs: it hashes to %X, the commit is for block %X",
					ErrProof, next, []byte(res.Header.AppHash), h, []byte(res.Commit.BlockID.Hash))
			}
			return res.Header.AppHash, res.Header.Time, nil
		}
		if err := c.nodeErr(err); err != nil {
			var ne *NodeError
			if errors.As(err, &ne) {
				return nil, time.Time{}, err
			}
		}
		if time.Now().After(deadline) {
			return nil, time.Time{}, fmt.Errorf("header %d (the block after the state read) did not appear within %s: %v", next, wait, err)
		}
		select {
		case <-ctx.Done():
			return nil, time.Time{}, ctx.Err()
		case <-time.After(c.PollInterval):
		}
	}
}

// proofOf decodes op as an ICS23 proof of this package's type.
func proofOf(op interface {
	GetType() string
	GetData() []byte
}) (*ics23.CommitmentProof, error) {
	if op.GetType() != state.ProofOpType {
		return nil, fmt.Errorf("%w: proof op type %q, want %q", ErrProof, op.GetType(), state.ProofOpType)
	}
	p, err := state.DecodeProof(op.GetData())
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrProof, err)
	}
	return p, nil
}

// Verify checks a successful query response against appHash, the AppHash
// of header resp.Height+1. A single answer must carry one proof op whose
// key is resp.Key and which proves resp.Value byte for byte. A multi-key
// answer (resp.Value a JSON array of {"key","value"}) must carry one op per
// entry, in order, each proving that entry's key and exact value, the first
// entry being resp.Key (the anchor). If PathKey knows the key path names,
// the single key or anchor must be it; for a numbered list (a history, an
// access log: app.EntryKey knows its entries) entry i must be the list's
// entry i and the anchor must count exactly the entries listed.
//
// That nothing follows the last entry of a numbered list is proven by an
// absence proof of the next entry (a complete certificate, package
// verify), not by this answer.
func Verify(path string, resp abcitypes.ResponseQuery, appHash []byte) (*Proof, []Entry, error) {
	if resp.ProofOps == nil || len(resp.ProofOps.Ops) == 0 {
		return nil, nil, fmt.Errorf("%w: the node returned no proof", ErrProof)
	}
	ops := resp.ProofOps.Ops
	bound, err := checkPathKey(path, resp.Key)
	if err != nil {
		return nil, nil, err
	}
	p := &Proof{AppHash: appHash, HeaderHeight: resp.Height + 1, BoundToPath: bound, Ops: proofOps(ops)}
	var entries []Entry
	dec := json.NewDecoder(bytes.NewReader(resp.Value))
	dec.DisallowUnknownFields()
	listErr := dec.Decode(&entries)
	// A single answer: one op, for resp.Key, proving resp.Value. A list
	// with only its anchor has one such op too, and is checked below.
	if len(ops) == 1 && bytes.Equal(ops[0].Key, resp.Key) {
		proof, err := proofOf(&ops[0])
		if err != nil {
			return nil, nil, fmt.Errorf("%w (key %x, state %d)", err, resp.Key, resp.Height)
		}
		err = state.VerifyExistence(appHash, proof, resp.Key, resp.Value)
		if err == nil {
			p.Keys = 1
			return p, nil, nil
		}
		if listErr != nil {
			return nil, nil, fmt.Errorf("%w: the proof of key %x at state %d does not lead to app hash %X of header %d: %v",
				ErrProof, resp.Key, resp.Height, appHash, resp.Height+1, err)
		}
	}
	if listErr != nil {
		return nil, nil, fmt.Errorf("%w: value is neither the proven value of %x nor a list of entries: %v", ErrProof, resp.Key, listErr)
	}
	if len(entries) != len(ops) {
		return nil, nil, fmt.Errorf("%w: %d entries but %d proofs", ErrProof, len(entries), len(ops))
	}
	if !bytes.Equal(entries[0].Key, resp.Key) {
		return nil, nil, fmt.Errorf("%w: first entry %x is not the answer's key %x", ErrProof, []byte(entries[0].Key), resp.Key)
	}
	for i, e := range entries {
		if !bytes.Equal(ops[i].Key, e.Key) {
			return nil, nil, fmt.Errorf("%w: proof %d is for key %x, entry is %x", ErrProof, i, ops[i].Key, []byte(e.Key))
		}
		proof, err := proofOf(&ops[i])
		if err != nil {
			return nil, nil, err
		}
		if err := state.VerifyExistence(appHash, proof, e.Key, e.Value); err != nil {
			return nil, nil, fmt.Errorf("%w: the proof of key %x (entry %d) at state %d does not lead to app hash %X of header %d: %v",
				ErrProof, []byte(e.Key), i, resp.Height, appHash, resp.Height+1, err)
		}
	}
	if err := checkNumbered(path, entries); err != nil {
		return nil, nil, err
	}
	p.Keys = len(entries)
	return p, entries, nil
}

// checkNumbered binds the entries of a numbered list's answer to their
// positions (app.EntryKey) and to the anchor's count (app.EntryCount); any
// other path passes.
func checkNumbered(path string, entries []Entry) error {
	if _, numbered := app.EntryKey(path, 0); !numbered {
		return nil
	}
	n := uint64(len(entries) - 1)
	count, ok := app.EntryCount(path, entries[0].Value)
	if !ok || count != n {
		return fmt.Errorf("%w: %s lists %d entries but its anchor counts %d", ErrProof, path, n, count)
	}
	for i, e := range entries[1:] {
		want, _ := app.EntryKey(path, uint64(i))
		if !bytes.Equal(want, e.Key) {
			return fmt.Errorf("%w: entry %d of %s is key %x, not the list's entry %d (%x)", ErrProof, i, path, []byte(e.Key), i, want)
		}
	}
	return nil
}

// VerifyAbsent checks a not-found response's absence proof of resp.Key
// against appHash.
func VerifyAbsent(path string, resp abcitypes.ResponseQuery, appHash []byte) (*Proof, error) {
	if resp.ProofOps == nil || len(resp.ProofOps.Ops) != 1 {
		return nil, fmt.Errorf("%w: a not-found answer must carry exactly one absence proof", ErrProof)
	}
	op := resp.ProofOps.Ops[0]
	if !bytes.Equal(op.Key, resp.Key) {
		return nil, fmt.Errorf("%w: absence proof is for key %x, answer names %x", ErrProof, op.Key, resp.Key)
	}
	bound, err := checkPathKey(path, resp.Key)
	if err != nil {
		return nil, err
	}
	proof, err := proofOf(&op)
	if err != nil {
		return nil, err
	}
	if err := state.VerifyAbsence(appHash, proof, resp.Key); err != nil {
		return nil, fmt.Errorf("%w: the absence proof of key %x at state %d does not lead to app hash %X of header %d: %v",
			ErrProof, resp.Key, resp.Height, appHash, resp.Height+1, err)
	}
	return &Proof{Keys: 1, AppHash: appHash, HeaderHeight: resp.Height + 1, BoundToPath: bound, Ops: proofOps(resp.ProofOps.Ops)}, nil
}

// proofOps copies CometBFT proof ops into the certificate's form.
func proofOps(ops []cmtcrypto.ProofOp) []verify.ProofOp {
	out := make([]verify.ProofOp, len(ops))
	for i, op := range ops {
		out[i] = verify.ProofOp{Type: op.Type, Key: op.Key, Data: op.Data}
	}
	return out
}

func checkPathKey(path string, key []byte) (bool, error) {
	want, ok := PathKey(path)
	if !ok {
		return false, nil
	}
	if !bytes.Equal(want, key) {
		return false, fmt.Errorf("%w: the answer rests on key %x, but %s is stored under %x", ErrProof, key, path, want)
	}
	return true, nil
}

// PathKey returns the store key a query path's answer rests on (the
// record, or the anchor of a multi-key answer), for the paths whose key
// layout this client knows; ok is false for the others.
func PathKey(path string) (key []byte, ok bool) {
	return app.PathKey(path)
}
