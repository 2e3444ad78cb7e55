package client

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	abcitypes "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	cmtypes "github.com/cometbft/cometbft/types"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/verify"
)

// CertificateKeys binds a certificate's keys to its path with the app's
// own key layouts: the key the path names, each entry of a numbered list,
// and the list's count. Pass it to verify.Verify.
var CertificateKeys = verify.Keys{Path: app.PathKey, Entry: app.EntryKey, Count: app.EntryCount}

// HeaderSource returns signed header h with the validator set that signed
// it: the node's own (Client.NodeHeader), or headers a light client
// verified.
type HeaderSource func(ctx context.Context, h int64) (*cmtypes.SignedHeader, *cmtypes.ValidatorSet, error)

// CertificateOptions tunes Certify and Certificate. The zero value
// certifies the latest state with the node's own header H+1 and the
// validator changes since height 1.
type CertificateOptions struct {
	// Height is the state version to certify; 0 means the latest.
	Height int64
	// Complete asks for a complete certificate: the path must be a
	// numbered list (app.EntryKey knows its entries: a record's /history,
	// a subject's access log /sharing/log/SUBJECT, /gov/evidence), and the
	// certificate adds the proof that the entry after the last is absent.
	Complete bool
	// Header supplies header H+1 and its validators; nil means the node's
	// own, waiting up to HeaderWait for the block (NodeHeader).
	Header HeaderSource
	// HeaderWait bounds the wait for the node's header H+1 when Header is
	// nil (DefaultHeaderWait if 0).
	HeaderWait time.Duration
	// NoValidatorChanges leaves out the validator changes from height 1,
	// for a Header whose validator set is trusted by other means (a light
	// client's).
	NoValidatorChanges bool
}

// Certified is a certificate with the node's answers it was built from.
type Certified struct {
	Certificate *verify.Certificate
	// Answer is the node's answer to the certificate's path, with its
	// proof ops.
	Answer abcitypes.ResponseQuery
	// AbsentAnswer is, in a complete certificate only, the node's answer
	// for the entry after the last: its absence proof.
	AbsentAnswer abcitypes.ResponseQuery
}

// ErrNotList is wrapped by the refusal of a complete certificate for a
// path that is not a numbered list.
var ErrNotList = errors.New("client: a complete certificate needs a numbered list (a record's /history, a subject's /sharing/log/SUBJECT, or /gov/evidence)")

// NoAnchorError is the answer to a complete certificate of a history
// whose record does not exist at the height: a certificate without
// Complete proves that absence. (Any other numbered list without an
// anchor, such as the access log of a subject nobody read, is complete
// and empty.) Query is the node's not-found answer.
type NoAnchorError struct {
	Query *QueryError
}

// Error implements error.
func (e *NoAnchorError) Error() string {
	return fmt.Sprintf("%s has no anchor at state %d (key %x is absent): certify it without Complete for the proof of its absence",
		e.Query.Path, e.Query.Height, e.Query.Key)
}

// Unwrap returns the node's not-found answer.
func (e *NoAnchorError) Unwrap() error { return e.Query }

// Certificate returns the certificate of path's answer (Certify) after
// checking every proof in it against the app hash of its header H+1
// (CheckProofs). The header's validator signatures are not checked here:
// verify.Verify does that, against a trust root.
func (c *Client) Certificate(ctx context.Context, path string, opts CertificateOptions) (*verify.Certificate, error) {
	cd, err := c.Certify(ctx, path, opts)
	if err != nil {
		return nil, err
	}
	if err := cd.CheckProofs(); err != nil {
		return nil, err
	}
	return cd.Certificate, nil
}

// Certify asks the node for path at opts.Height with proofs, takes header
// H+1 and its validators from opts.Header (or the node), adds the
// validator changes from height 1 to H (unless opts.NoValidatorChanges)
// and, with opts.Complete, the absence proof of the entry after the
// list's last. It checks no proof (see CheckProofs and verify.Verify).
//
// Its kind follows from the answer: record (one record), history (a path
// ending in /history), list (any other multi-key answer), absence (the
// record does not exist), complete (with opts.Complete). An answer without
// proofs (an unknown path, a malformed id) is a *QueryError. A complete
// certificate of a history whose record is absent is a *NoAnchorError; of
// any other list whose anchor is absent, it is complete and empty (the
// anchor and entry 0 proven absent).
func (c *Client) Certify(ctx context.Context, path string, opts CertificateOptions) (*Certified, error) {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if _, ok := app.EntryKey(path, 0); opts.Complete && !ok {
		return nil, fmt.Errorf("%w: %s is not one", ErrNotList, path)
	}
	header := opts.Header
	if header == nil {
		header = c.NodeHeader(opts.HeaderWait)
	}
	cd, err := c.certify(ctx, path, opts.Height, header, !opts.NoValidatorChanges)
	if err != nil {
		return nil, err
	}
	if opts.Complete {
		if err := cd.completeList(ctx, c); err != nil {
			return nil, err
		}
	}
	return cd, nil
}

// certify asks the node for path at height with proofs, takes header H+1
// and its validators from header, and assembles the certificate. With
// changes, it adds the validator changes from height 1 to H.
func (c *Client) certify(ctx context.Context, path string, height int64, header HeaderSource, changes bool) (*Certified, error) {
	res, err := c.rpc.ABCIQueryWithOptions(ctx, path, nil, rpcclient.ABCIQueryOptions{Height: height, Prove: true})
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", path, err)
	}
	resp := res.Response
	if resp.ProofOps == nil || len(resp.ProofOps.Ops) == 0 {
		if resp.Code != 0 {
			return nil, &QueryError{Path: path, Code: resp.Code, Codespace: resp.Codespace, Log: resp.Log, Height: resp.Height, Key: resp.Key}
		}
		return nil, fmt.Errorf("%w: the node returned no proof for %s", ErrProof, path)
	}
	sh, vals, err := header(ctx, resp.Height+1)
	if err != nil {
		return nil, err
	}
	cert := &verify.Certificate{
		Format:   verify.Format,
		ChainID:  sh.ChainID,
		Path:     path,
		Height:   resp.Height,
		Key:      resp.Key,
		Entries:  []verify.Entry{},
		ProofOps: []verify.ProofOp{},
		Block: verify.Block{
			Height:       sh.Height,
			Time:         sh.Time,
			AppHash:      verify.HexBytes(sh.AppHash),
			SignedHeader: mustMarshal(sh),
			Validators:   verify.Validators(vals),
		},
		ValidatorChanges: []verify.ValidatorChange{},
	}
	cert.ProofOps = append(cert.ProofOps, proofOps(resp.ProofOps.Ops)...)
	switch {
	case resp.Code != 0:
		cert.Kind = verify.KindAbsence
	default:
		entries := answerEntries(resp)
		if entries == nil {
			cert.Kind = verify.KindRecord
			entries = []Entry{{Key: resp.Key, Value: resp.Value}}
		} else if strings.HasSuffix(path, "/history") {
			cert.Kind = verify.KindHistory
		} else {
			cert.Kind = verify.KindList
		}
		for _, e := range entries {
			if !isCompactJSON(e.Value) {
				return nil, fmt.Errorf("the value under key %x is not compact JSON; certificates carry JSON values only", []byte(e.Key))
			}
			cert.Entries = append(cert.Entries, verify.Entry{Key: verify.HexBytes(e.Key), Value: json.RawMessage(e.Value)})
		}
	}
	if changes {
		vc, err := validatorChanges(ctx, c.rpc, sh)
		if err != nil {
			return nil, err
		}
		cert.ValidatorChanges = vc
	}
	return &Certified{Certificate: cert, Answer: resp}, nil
}

// completeList makes cd, the certificate of a numbered list's answer, a
// complete one: it asks the node, at the same state, for the proof that
// the entry after the last (the anchor's count) is absent (the path
// /store/{key}), and adds that key and proof. A list whose anchor is
// absent counts 0: the proof of entry 0's absence follows that of the
// anchor, and the certificate carries no entry. A history's anchor is its
// record, whose absence is no list: it is refused.
func (cd *Certified) completeList(ctx context.Context, c *Client) error {
	cert := cd.Certificate
	var n uint64
	switch cert.Kind {
	case verify.KindAbsence:
		if strings.HasSuffix(cert.Path, "/history") {
			r := cd.Answer
			return &NoAnchorError{Query: &QueryError{Path: cert.Path, Code: r.Code, Codespace: r.Codespace, Log: r.Log, Height: r.Height, Key: r.Key}}
		}
	case verify.KindHistory, verify.KindList:
		var ok bool
		n, ok = app.EntryCount(cert.Path, cert.Entries[0].Value)
		if !ok || n != uint64(len(cert.Entries)-1) {
			return fmt.Errorf("%w: the node answered %s with %d entries, but its anchor does not count as many", ErrProof, cert.Path, len(cert.Entries)-1)
		}
	default:
		return fmt.Errorf("%w: the node answered %s with one record, not a numbered list", ErrProof, cert.Path)
	}
	next, _ := app.EntryKey(cert.Path, n)
	store := "/store/" + hex.EncodeToString(next)
	res, err := c.rpc.ABCIQueryWithOptions(ctx, store, nil, rpcclient.ABCIQueryOptions{Height: cert.Height, Prove: true})
	if err != nil {
		return fmt.Errorf("query %s: %w", store, err)
	}
	resp := res.Response
	switch {
	case resp.Code == 0:
		return fmt.Errorf("%w: entry %d of %s (key %x) exists at state %d, yet the anchor counts %d entries", ErrProof, n, cert.Path, next, cert.Height, n)
	case resp.Height != cert.Height || resp.ProofOps == nil || len(resp.ProofOps.Ops) != 1:
		return fmt.Errorf("%w: the node returned no absence proof of %x at state %d", ErrProof, next, cert.Height)
	}
	cert.Kind = verify.KindComplete
	cert.Absent = verify.HexBytes(next)
	cert.ProofOps = append(cert.ProofOps, proofOps(resp.ProofOps.Ops)...)
	cd.AbsentAnswer = resp
	return nil
}

// CheckProofs checks the proofs of the node's answers against the app
// hash of the header in the certificate, which is not verified here (see
// verify.Verify).
func (cd *Certified) CheckProofs() error {
	var err error
	if cd.Answer.Code != 0 {
		_, err = VerifyAbsent(cd.Certificate.Path, cd.Answer, cd.Certificate.Block.AppHash)
	} else {
		_, _, err = Verify(cd.Certificate.Path, cd.Answer, cd.Certificate.Block.AppHash)
	}
	if err != nil {
		return err
	}
	if cd.Certificate.Kind == verify.KindComplete {
		_, err := VerifyAbsent("/store/"+hex.EncodeToString(cd.Certificate.Absent), cd.AbsentAnswer, cd.Certificate.Block.AppHash)
		return err
	}
	return nil
}

// answerEntries returns the entries of a multi-key answer: a value that
// is a JSON list of {"key","value"}, one per proof op, the first for the
// answer's key (the form Verify checks). It returns nil for a single
// record.
func answerEntries(resp abcitypes.ResponseQuery) []Entry {
	var entries []Entry
	dec := json.NewDecoder(bytes.NewReader(resp.Value))
	dec.DisallowUnknownFields()
	if dec.Decode(&entries) != nil || len(entries) == 0 || len(entries) != len(resp.ProofOps.Ops) || !bytes.Equal(entries[0].Key, resp.Key) {
		return nil
	}
	return entries
}

func isCompactJSON(v []byte) bool {
	var b bytes.Buffer
	return json.Valid(v) && json.Compact(&b, v) == nil && bytes.Equal(b.Bytes(), v)
}

func mustMarshal(sh *cmtypes.SignedHeader) []byte {
	bz, err := sh.ToProto().Marshal()
	if err != nil {
		panic(err) // a header CometBFT decoded always re-encodes
	}
	return bz
}

// NodeHeader returns the HeaderSource that takes signed header h and its
// validators from the node itself, waiting up to wait (DefaultHeaderWait
// if 0) for the block to appear. Nothing is trusted here: verify.Verify
// checks the signatures.
func (c *Client) NodeHeader(wait time.Duration) HeaderSource {
	if wait <= 0 {
		wait = DefaultHeaderWait
	}
	return func(ctx context.Context, h int64) (*cmtypes.SignedHeader, *cmtypes.ValidatorSet, error) {
		sh, err := c.waitCommit(ctx, h, wait)
		if err != nil {
			return nil, nil, err
		}
		vals, err := fetchValidators(ctx, c.rpc, h)
		if err != nil {
			return nil, nil, err
		}
		return sh, vals, nil
	}
}

func (c *Client) waitCommit(ctx context.Context, h int64, wait time.Duration) (*cmtypes.SignedHeader, error) {
	deadline := time.Now().Add(wait)
	for {
		res, err := c.rpc.Commit(ctx, &h)
		if err == nil {
			if res.Header == nil || res.Header.Height != h {
				return nil, fmt.Errorf("%w: node returned another header for height %d", ErrProof, h)
			}
			sh := res.SignedHeader
			return &sh, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return nil, fmt.Errorf("header %d (the block after the state read) is not available: %v", h, err)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(c.PollInterval):
		}
	}
}

// fetchValidators returns the validator set of height h, all pages.
func fetchValidators(ctx context.Context, rpc *rpchttp.HTTP, h int64) (*cmtypes.ValidatorSet, error) {
	var list []*cmtypes.Validator
	perPage := 100
	for page := 1; ; page++ {
		res, err := rpc.Validators(ctx, &h, &page, &perPage)
		if err != nil {
			return nil, fmt.Errorf("validators of height %d: %w", h, err)
		}
		list = append(list, res.Validators...)
		if len(list) >= res.Total || len(res.Validators) == 0 {
			break
		}
	}
	for _, v := range list {
		if _, ok := v.PubKey.(ed25519.PubKey); !ok {
			return nil, fmt.Errorf("validator %X of height %d: only ed25519 keys are supported", v.Address, h)
		}
	}
	// The node lists the set in its own order; the certificate keeps it.
	return &cmtypes.ValidatorSet{Validators: list}, nil
}

// validatorChanges returns the signed headers, from the chain's initial
// height (genesis.json's initial_height, 1 unless the chain started from
// an imported state) up to the block before sh, at which the validator set
// changed, each with the next set, so that a verifier trusting the genesis
// validators reaches the set that signed sh. It reads every header's
// hashes (20 a request) only when the set of sh differs from the set of
// the initial height.
func validatorChanges(ctx context.Context, rpc *rpchttp.HTTP, sh *cmtypes.SignedHeader) ([]verify.ValidatorChange, error) {
	g, err := rpc.Genesis(ctx)
	if err != nil {
		return nil, fmt.Errorf("genesis: %w", err)
	}
	start := max(g.Genesis.InitialHeight, 1)
	first, err := fetchValidators(ctx, rpc, start)
	if err != nil {
		return nil, err
	}
	out := []verify.ValidatorChange{}
	if bytes.Equal(first.Hash(), sh.ValidatorsHash) {
		return out, nil
	}
	for lo := start; lo < sh.Height; lo += 20 {
		hi := min(lo+19, sh.Height-1)
		res, err := rpc.BlockchainInfo(ctx, lo, hi)
		if err != nil {
			return nil, fmt.Errorf("headers %d-%d: %w", lo, hi, err)
		}
		// BlockchainInfo lists the newest first.
		for i := len(res.BlockMetas) - 1; i >= 0; i-- {
			h := res.BlockMetas[i].Header
			if bytes.Equal(h.ValidatorsHash, h.NextValidatorsHash) {
				continue
			}
			height := h.Height
			c, err := rpc.Commit(ctx, &height)
			if err != nil {
				return nil, fmt.Errorf("header %d: %w", height, err)
			}
			next, err := fetchValidators(ctx, rpc, height+1)
			if err != nil {
				return nil, err
			}
			sh := c.SignedHeader
			out = append(out, verify.ValidatorChange{SignedHeader: mustMarshal(&sh), NextValidators: verify.Validators(next)})
		}
	}
	return out, nil
}
