package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	abcitypes "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"
	rpcclient "github.com/cometbft/cometbft/rpc/client"
	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	cmtypes "github.com/cometbft/cometbft/types"
	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/verify"
)

// flagComplete asks certificate export for a complete certificate.
const flagComplete = "complete"

// certKeys binds a certificate's keys to its path with the app's own key
// layouts: the key the path names, each entry of a numbered list, and the
// list's count.
var certKeys = verify.Keys{Path: app.PathKey, Entry: app.EntryKey, Count: app.EntryCount}

func (c *cli) certificateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "certificate",
		Short: "Export and verify offline certificates of records, histories and absences",
		Long: `A certificate is one JSON file that proves what a registry held at a
height without trusting the node that produced it: the exact stored values,
an ICS23 proof per key, the signed header of block H+1 with its commit, the
validator set that signed it and, if the validators changed since genesis,
the signed headers that hand trust on from the genesis validators.

  govchain certificate export /land/parcel/P-1 --out parcel.json
  govchain certificate export /land/parcel/P-1/history --complete --out history.json
  govchain certificate verify parcel.json --trust genesis.json

docs/auditor.md ("Certificates") documents the format.`,
	}
	cmd.AddCommand(c.certificateExportCmd(), c.certificateVerifyCmd())
	return cmd
}

func (c *cli) certificateExportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export PATH --out FILE [--complete]",
		Short: "Write the certificate of a query path's answer at a height",
		Long: `Ask the node for PATH with proofs (any path of govchain query raw, e.g.
/land/parcel/P-1, /land/parcel/P-1/history, /land/lien/3) and write the
certificate to --out (- for stdout). Its kind follows from the answer:
  record    the path names one record and it exists
  history   a path ending in /history: the record, then its full history
  list      any other multi-key answer: the anchor, then each entry
  absence   the record does not exist: a proof that its key is absent
With --complete, PATH must be a numbered list (a record's /history, a
subject's access log /sharing/log/SUBJECT, or /gov/evidence), and the
certificate is of kind
  complete  the anchor, every entry, and a proof that the entry after the
            last (the anchor's count) is absent: the list is whole
A list other than a history whose anchor is absent (a subject nobody read,
no evidence yet) is complete and empty: the certificate proves the anchor
and entry 0 absent. A record's missing history is refused: export the
record's absence instead.
The answer's proofs are checked against header H+1 before anything is
written; the validator signatures are checked by certificate verify.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out := c.v.GetString(flagOut)
			if out == "" {
				return fmt.Errorf("--out is required (a file, or - for stdout)")
			}
			path := args[0]
			if !strings.HasPrefix(path, "/") {
				path = "/" + path
			}
			complete := c.v.GetBool(flagComplete)
			if _, ok := app.EntryKey(path, 0); complete && !ok {
				return fmt.Errorf("--%s needs a numbered list (a record's /history, or /gov/evidence): %s is not one", flagComplete, path)
			}
			cl, err := c.client()
			if err != nil {
				return err
			}
			timeout := c.v.GetDuration(flagTimeout)
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			ex, err := exportCertificate(ctx, cl, path, c.v.GetInt64(flagHeight), nodeHeader(cl, timeout), true)
			if err != nil {
				return err
			}
			if complete {
				if err := ex.completeList(ctx, cl); err != nil {
					return err
				}
			}
			if err := ex.checkProofs(); err != nil {
				return err
			}
			bz, err := verify.Encode(ex.cert)
			if err != nil {
				return err
			}
			if out == "-" {
				_, err = c.out.Write(bz)
				return err
			}
			if err := os.WriteFile(out, bz, 0o644); err != nil {
				return err
			}
			if c.jsonOutput() {
				return c.printJSON(map[string]any{"kind": ex.cert.Kind, "path": ex.cert.Path, "height": ex.cert.Height,
					"header_height": ex.cert.Block.Height, "keys": len(ex.cert.ProofOps), "file": out})
			}
			fmt.Fprintf(c.out, "wrote %s certificate of %s at height %d (header %d, %d key(s)) to %s\n",
				ex.cert.Kind, ex.cert.Path, ex.cert.Height, ex.cert.Block.Height, len(ex.cert.ProofOps), out)
			return nil
		},
	}
	addHomeFlag(cmd)
	addNodeFlag(cmd)
	f := cmd.Flags()
	f.String(flagOut, "", "the certificate file to write (- for stdout)")
	f.Int64(flagHeight, 0, "state version to certify (0 = latest)")
	f.Bool(flagComplete, false, "for a numbered list (a record's /history, /sharing/log/SUBJECT, /gov/evidence): add the proof that no entry follows the last")
	f.Duration(flagTimeout, 60*time.Second, "how long to wait for the node (and for header H+1)")
	return cmd
}

func (c *cli) certificateVerifyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "verify FILE --trust TRUST",
		Short: "Verify a certificate offline against a trusted genesis or validator set",
		Long: `Verify a certificate with no network at all, against --trust: the
chain's genesis.json, or a validator-set file {"chain_id", "validators":
[{"pub_key": base64 ed25519, "power": N}]}. Prints
  VERIFIED height H+1 time T app hash X
and what is proven, or exits 1 with the reason (wrong chain, unknown
validator set, insufficient or invalid signatures, wrong header, proof
mismatch, key mismatch, malformed certificate).`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			trust, err := c.trustFromFlag()
			if err != nil {
				return err
			}
			if trust == nil {
				return fmt.Errorf("--%s is required (genesis.json or a validator-set file)", flagTrust)
			}
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			res, err := verify.VerifyBytes(data, trust, certKeys)
			if err != nil {
				return fmt.Errorf("NOT VERIFIED: %w", err)
			}
			return printProven(c, res)
		},
	}
	cmd.Flags().String(flagTrust, "", "trusted genesis.json or validator-set file")
	return cmd
}

// provenJSON is a verified certificate as -o json prints it.
type provenJSON struct {
	Verified     bool           `json:"verified"`
	Kind         verify.Kind    `json:"kind"`
	ChainID      string         `json:"chain_id"`
	Path         string         `json:"path"`
	Height       int64          `json:"height"`
	HeaderHeight int64          `json:"header_height"`
	Time         time.Time      `json:"time"`
	AppHash      string         `json:"app_hash"`
	Key          string         `json:"key"`
	Entries      []client.Entry `json:"entries"`
	// Count and Absent are set for a complete certificate only.
	Count  *uint64 `json:"count,omitempty"`
	Absent string  `json:"absent,omitempty"`
}

// printProven prints a verified certificate: the VERIFIED line, then what
// it proves: the kind, the path and the state version, then the proven
// value(s); or all of it as one JSON object.
func printProven(c *cli, res *verify.Result) error {
	entries := make([]client.Entry, len(res.Entries))
	for i, e := range res.Entries {
		entries[i] = client.Entry{Key: e.Key, Value: e.Value}
	}
	if c.jsonOutput() {
		out := provenJSON{Verified: true, Kind: res.Kind, ChainID: res.ChainID, Path: res.Path, Height: res.Height,
			HeaderHeight: res.HeaderHeight, Time: res.Time, AppHash: fmt.Sprintf("%X", res.AppHash), Key: fmt.Sprintf("%x", res.Key),
			Entries: entries}
		if res.Kind == verify.KindComplete {
			out.Count, out.Absent = &res.Count, fmt.Sprintf("%x", res.Absent)
		}
		return c.printJSON(out)
	}
	fmt.Fprintln(c.out, res)
	if res.Kind == verify.KindAbsence {
		fmt.Fprintf(c.out, "absence %s at state %d: key %x holds nothing\n", res.Path, res.Height, res.Key)
		return nil
	}
	fmt.Fprintf(c.out, "%s %s at state %d: %d key(s)\n", res.Kind, res.Path, res.Height, len(res.Entries))
	switch {
	case res.Kind == verify.KindComplete && len(res.Entries) == 0:
		fmt.Fprintf(c.out, "complete: the list has no anchor (key %x holds nothing): it counts 0, and entry 0 (key %x) holds nothing\n", res.Key, res.Absent)
	case res.Kind == verify.KindComplete:
		fmt.Fprintf(c.out, "complete: the list counts %d and ends there: entry %d (key %x) holds nothing\n", res.Count, res.Count, res.Absent)
	}
	if res.Kind == verify.KindRecord {
		fmt.Fprintln(c.out, prettyJSON(res.Entries[0].Value))
		return nil
	}
	bz, _ := json.Marshal(entries)
	fmt.Fprintln(c.out, prettyJSON(bz))
	return nil
}

// headerSource returns signed header h with the validator set that signed
// it.
type headerSource func(ctx context.Context, h int64) (*cmtypes.SignedHeader, *cmtypes.ValidatorSet, error)

// exported is a certificate with the node's answer it was built from and,
// for a complete certificate, the node's answer for the absent key.
type exported struct {
	cert   *verify.Certificate
	resp   abcitypes.ResponseQuery
	absent abcitypes.ResponseQuery
}

// exportCertificate asks the node for path at height with proofs, takes
// header H+1 and its validators from header, and assembles the
// certificate; it checks no proof (see exported.checkProofs and
// verify.Verify). With changes, it adds the validator changes from height
// 1 to H (see validatorChanges). An answer without proofs (an unknown
// path, a malformed id) is a *client.QueryError.
func exportCertificate(ctx context.Context, cl *client.Client, path string, height int64, header headerSource, changes bool) (*exported, error) {
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	res, err := cl.RPC().ABCIQueryWithOptions(ctx, path, nil, rpcclient.ABCIQueryOptions{Height: height, Prove: true})
	if err != nil {
		return nil, fmt.Errorf("query %s: %w", path, err)
	}
	resp := res.Response
	if resp.ProofOps == nil || len(resp.ProofOps.Ops) == 0 {
		if resp.Code != 0 {
			return nil, &client.QueryError{Path: path, Code: resp.Code, Codespace: resp.Codespace, Log: resp.Log, Height: resp.Height, Key: resp.Key}
		}
		return nil, fmt.Errorf("%w: the node returned no proof for %s", client.ErrProof, path)
	}
	sh, vals, err := header(ctx, resp.Height+1)
	if err != nil {
		return nil, err
	}
	chainID := sh.ChainID
	cert := &verify.Certificate{
		Format:   verify.Format,
		ChainID:  chainID,
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
	for _, op := range resp.ProofOps.Ops {
		cert.ProofOps = append(cert.ProofOps, verify.ProofOp{Type: op.Type, Key: op.Key, Data: op.Data})
	}
	switch {
	case resp.Code != 0:
		cert.Kind = verify.KindAbsence
	default:
		entries := answerEntries(resp)
		if entries == nil {
			cert.Kind = verify.KindRecord
			entries = []client.Entry{{Key: resp.Key, Value: resp.Value}}
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
		vc, err := validatorChanges(ctx, cl.RPC(), sh)
		if err != nil {
			return nil, err
		}
		cert.ValidatorChanges = vc
	}
	return &exported{cert: cert, resp: resp}, nil
}

// completeList makes ex, the certificate of a numbered list's answer, a
// complete one: it asks the node, at the same state, for the proof that
// the entry after the last (the anchor's count) is absent (the path
// /store/{key}), and adds that key and proof. A list whose anchor is
// absent counts 0: the proof of entry 0's absence follows that of the
// anchor, and the certificate carries no entry. A history's anchor is its
// record, whose absence is no list: it is refused.
func (ex *exported) completeList(ctx context.Context, cl *client.Client) error {
	cert := ex.cert
	var n uint64
	switch cert.Kind {
	case verify.KindAbsence:
		if strings.HasSuffix(cert.Path, "/history") {
			return fmt.Errorf("%s has no anchor at state %d (key %x is absent): export it without --%s for the proof of its absence",
				cert.Path, cert.Height, []byte(cert.Key), flagComplete)
		}
	case verify.KindHistory, verify.KindList:
		var ok bool
		n, ok = app.EntryCount(cert.Path, cert.Entries[0].Value)
		if !ok || n != uint64(len(cert.Entries)-1) {
			return fmt.Errorf("%w: the node answered %s with %d entries, but its anchor does not count as many", client.ErrProof, cert.Path, len(cert.Entries)-1)
		}
	default:
		return fmt.Errorf("%w: the node answered %s with one record, not a numbered list", client.ErrProof, cert.Path)
	}
	next, _ := app.EntryKey(cert.Path, n)
	store := "/store/" + hex.EncodeToString(next)
	res, err := cl.RPC().ABCIQueryWithOptions(ctx, store, nil, rpcclient.ABCIQueryOptions{Height: cert.Height, Prove: true})
	if err != nil {
		return fmt.Errorf("query %s: %w", store, err)
	}
	resp := res.Response
	switch {
	case resp.Code == 0:
		return fmt.Errorf("%w: entry %d of %s (key %x) exists at state %d, yet the anchor counts %d entries", client.ErrProof, n, cert.Path, next, cert.Height, n)
	case resp.Height != cert.Height || resp.ProofOps == nil || len(resp.ProofOps.Ops) != 1:
		return fmt.Errorf("%w: the node returned no absence proof of %x at state %d", client.ErrProof, next, cert.Height)
	}
	op := resp.ProofOps.Ops[0]
	cert.Kind = verify.KindComplete
	cert.Absent = verify.HexBytes(next)
	cert.ProofOps = append(cert.ProofOps, verify.ProofOp{Type: op.Type, Key: op.Key, Data: op.Data})
	ex.absent = resp
	return nil
}

// checkProofs checks the proofs of the answer against the app hash of
// the header in the certificate, which is not verified here.
func (ex *exported) checkProofs() error {
	var err error
	if ex.resp.Code != 0 {
		_, err = client.VerifyAbsent(ex.cert.Path, ex.resp, ex.cert.Block.AppHash)
	} else {
		_, _, err = client.Verify(ex.cert.Path, ex.resp, ex.cert.Block.AppHash)
	}
	if err != nil {
		return err
	}
	if ex.cert.Kind == verify.KindComplete {
		_, err := client.VerifyAbsent("/store/"+hex.EncodeToString(ex.cert.Absent), ex.absent, ex.cert.Block.AppHash)
		return err
	}
	return nil
}

// answerEntries returns the entries of a multi-key answer: a value that
// is a JSON list of {"key","value"}, one per proof op, the first for the
// answer's key (the form client.Verify checks). It returns nil for a
// single record.
func answerEntries(resp abcitypes.ResponseQuery) []client.Entry {
	var entries []client.Entry
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

// nodeHeader takes signed header h and its validators from the node
// itself, waiting up to wait for the block to appear. Nothing is trusted
// here: certificate verify checks the signatures.
func nodeHeader(cl *client.Client, wait time.Duration) headerSource {
	return func(ctx context.Context, h int64) (*cmtypes.SignedHeader, *cmtypes.ValidatorSet, error) {
		sh, err := waitCommit(ctx, cl, h, wait)
		if err != nil {
			return nil, nil, err
		}
		vals, err := fetchValidators(ctx, cl.RPC(), h)
		if err != nil {
			return nil, nil, err
		}
		return sh, vals, nil
	}
}

func waitCommit(ctx context.Context, cl *client.Client, h int64, wait time.Duration) (*cmtypes.SignedHeader, error) {
	deadline := time.Now().Add(wait)
	for {
		res, err := cl.RPC().Commit(ctx, &h)
		if err == nil {
			if res.Header == nil || res.Header.Height != h {
				return nil, fmt.Errorf("%w: node returned another header for height %d", client.ErrProof, h)
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
		case <-time.After(cl.PollInterval):
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

// validatorChanges returns the signed headers, from height 1 up to the
// block before sh, at which the validator set changed, each with the next
// set, so that a verifier trusting the genesis validators reaches the set
// that signed sh. It reads every header's hashes (20 a request) only when
// the set of sh differs from the set of height 1.
func validatorChanges(ctx context.Context, rpc *rpchttp.HTTP, sh *cmtypes.SignedHeader) ([]verify.ValidatorChange, error) {
	first, err := fetchValidators(ctx, rpc, 1)
	if err != nil {
		return nil, err
	}
	out := []verify.ValidatorChange{}
	if bytes.Equal(first.Hash(), sh.ValidatorsHash) {
		return out, nil
	}
	for lo := int64(1); lo < sh.Height; lo += 20 {
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
