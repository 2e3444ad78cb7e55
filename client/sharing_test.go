package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	abcitypes "github.com/cometbft/cometbft/abci/types"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	ctypes "github.com/cometbft/cometbft/rpc/core/types"
	rpctypes "github.com/cometbft/cometbft/rpc/jsonrpc/types"
	cmtypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/abci"
	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/seal"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/store"
)

// sharingNode is a node serving one committed state of sharing records
// over CometBFT's RPC: abci_query answered by the sharing module's own
// resolver with the proofs the abci package attaches, and commit with a
// header whose AppHash is the state's root. alter, if set, rewrites every
// query response before it is sent.
type sharingNode struct {
	view    state.View
	appHash []byte
	queries atomic.Int64
	alter   func(path string, resp *abcitypes.ResponseQuery)
}

// newSharingNode commits records (key, JSON value) and serves them.
func newSharingNode(t *testing.T, records map[string]any) (*sharingNode, *Client) {
	t.Helper()
	st, err := store.Open(t.TempDir(), state.DefaultConfig())
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	for k, v := range records {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		require.NoError(t, st.Set([]byte(k), b))
	}
	root, version, err := st.Commit()
	require.NoError(t, err)
	view, err := st.ViewAt(version)
	require.NoError(t, err)
	t.Cleanup(func() { _ = view.Close() })
	n := &sharingNode{view: view, appHash: root}
	srv := httptest.NewServer(n)
	t.Cleanup(srv.Close)
	cl, err := New(srv.URL)
	require.NoError(t, err)
	cl.PollInterval = 10 * time.Millisecond
	return n, cl
}

func (n *sharingNode) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var req rpctypes.RPCRequest
	if err := json.Unmarshal(b, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var result any
	switch req.Method {
	case "abci_query":
		var p struct {
			Path   string `json:"path"`
			Height int64  `json:"height"`
			Prove  bool   `json:"prove"`
		}
		if err := cmtjson.Unmarshal(req.Params, &p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		n.queries.Add(1)
		resp := n.query(p.Path, p.Prove)
		if n.alter != nil {
			n.alter(p.Path, &resp)
		}
		result = &ctypes.ResultABCIQuery{Response: resp}
	case "commit":
		h := n.view.Version() + 1
		hdr := cmtypes.Header{ChainID: "share-client-1", Height: h, Time: time.Unix(1_700_000_000, 0).UTC(),
			AppHash: n.appHash, ValidatorsHash: make([]byte, 32)}
		result = &ctypes.ResultCommit{SignedHeader: cmtypes.SignedHeader{Header: &hdr,
			Commit: &cmtypes.Commit{Height: h, BlockID: cmtypes.BlockID{Hash: hdr.Hash()}}}, CanonicalCommit: true}
	default:
		http.Error(w, "unexpected method "+req.Method, http.StatusBadRequest)
		return
	}
	out, err := json.Marshal(rpctypes.NewRPCSuccessResponse(req.ID, result))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write(out)
}

// query answers path as a node does (app.Query and abci's Query), from the
// sharing module's resolver.
func (n *sharingNode) query(path string, prove bool) abcitypes.ResponseQuery {
	parts := strings.Split(strings.TrimPrefix(path, "/"+sharing.Name+"/"), "/")
	res, err := sharing.Module.Query(n.view, parts)
	resp := abcitypes.ResponseQuery{Height: n.view.Version()}
	var keys [][]byte
	var nf *core.NotFound
	switch {
	case errors.As(err, &nf):
		resp.Code, resp.Log, resp.Codespace, resp.Key = abci.Code(err), abci.Log(err), abci.Codespace, nf.Key
		keys = [][]byte{nf.Key}
	case err != nil:
		resp.Code, resp.Log, resp.Codespace = abci.Code(err), abci.Log(err), abci.Codespace
		return resp
	default:
		resp.Key, resp.Value = res.Key, res.Value
		keys = [][]byte{res.Key}
		if res.Entries != nil {
			resp.Value = app.EntriesJSON(res.Entries)
			keys = keys[:0]
			for _, e := range res.Entries {
				keys = append(keys, e.Key)
			}
		}
	}
	if !prove {
		return resp
	}
	proof := n.view.ProveExistence
	if nf != nil {
		proof = n.view.ProveAbsence
	}
	resp.ProofOps = &cmtcrypto.ProofOps{}
	for _, k := range keys {
		p, err := proof(k)
		if err == nil {
			var data []byte
			data, err = state.EncodeProof(p)
			resp.ProofOps.Ops = append(resp.ProofOps.Ops, cmtcrypto.ProofOp{Type: state.ProofOpType, Key: k, Data: data})
		}
		if err != nil {
			return abcitypes.ResponseQuery{Code: abci.CodeInternal, Log: fmt.Sprintf("proof of %x: %v", k, err)}
		}
	}
	return resp
}

// sharingRecords is a small sharing state: one subject's two-entry log, a
// request, a grant, finance's key and its index, a record, a class, a
// consent and the purposes.
func sharingRecords() map[string]any {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	ref := core.Hash{1}
	return map[string]any{
		string(sharing.LogHeadKey("P-1")): sharing.LogHead{Subject: "P-1", Count: 2},
		string(sharing.LogEntryKey("P-1", 0)): sharing.LogEntry{Seq: 0, Kind: sharing.KindRequest, RequestID: 1, GrantID: 1,
			Owner: "interior", Class: "residence", Requester: "finance", Fields: []string{"address"}, Purpose: "benefit_eligibility",
			CaseRef: &ref, Outcome: sharing.OutcomeAllowed, Height: 5, Time: at},
		string(sharing.LogEntryKey("P-1", 1)): sharing.LogEntry{Seq: 1, Kind: sharing.KindDelivery, RequestID: 1, Owner: "interior",
			Class: "residence", Delivery: &sharing.LogDelivery{PayloadHash: core.Hash{2}, KeyID: "fin-1"}, Height: 6, Time: at},
		string(sharing.RequestKey(1)): sharing.Request{ID: 1, GrantID: 1, Owner: "interior", Requester: "finance", Subject: "P-1",
			Class: "residence", Fields: []string{"address"}, Purpose: "benefit_eligibility", CaseRef: ref, Height: 5, Time: at,
			Outcome: sharing.OutcomeAllowed, RecordVersion: 1, Commitments: []sharing.FieldCommitment{{Name: "address", Commitment: core.Hash{3}}},
			Complaints: []uint64{}},
		string(sharing.GrantKey(1)): sharing.Grant{ID: 1, Owner: "interior", Grantee: "finance", Class: "residence",
			Fields: []string{"address"}, Subjects: []string{}, Purpose: "benefit_eligibility", Status: sharing.GrantActive},
		string(sharing.KeyIndexKey("finance")): sharing.KeyIndex{Agency: "finance", KeyCount: 2, Active: []string{"fin-2"}},
		string(sharing.AgencyKeyKey("finance", "fin-1")): sharing.AgencyKey{Agency: "finance", KeyID: "fin-1", Suite: "x25519",
			PublicKey: make(core.HexBytes, 32), Status: sharing.KeyRevoked},
		string(sharing.AgencyKeyKey("finance", "fin-2")): sharing.AgencyKey{Agency: "finance", KeyID: "fin-2", Suite: "x25519",
			PublicKey: make(core.HexBytes, 32), Status: sharing.KeyActive},
		string(sharing.RecordKey("interior", "residence", "P-1")): sharing.Record{Agency: "interior", Class: "residence", Subject: "P-1",
			Version: 1, Fields: []sharing.FieldCommitment{{Name: "address", Commitment: core.Hash{3}}}, Status: sharing.RecordActive},
		string(sharing.ClassKey("interior", "residence")): sharing.DataClass{Agency: "interior", Class: "residence",
			Fields: []string{"address"}, Purposes: []string{"benefit_eligibility"}},
		string(sharing.ConsentKey("P-1", "finance", "benefit_eligibility")): sharing.Consent{Subject: "P-1", Agency: "finance",
			Purpose: "benefit_eligibility", Status: sharing.ConsentGiven},
		string(sharing.PurposeIndexKey()):                 sharing.PurposeIndex{Codes: []string{"benefit_eligibility", "statistics"}},
		string(sharing.PurposeKey("benefit_eligibility")): sharing.Purpose{Code: "benefit_eligibility", Description: "benefits"},
		string(sharing.PurposeKey("statistics")):          sharing.Purpose{Code: "statistics", Description: "statistics", Retired: true},
	}
}

// TestSharingReads: each typed read decodes the module's record, proven
// and bound to its path when asked, or plain; a missing record is the
// node's not-found error with its absence proven.
func TestSharingReads(t *testing.T) {
	_, cl := newSharingNode(t, sharingRecords())
	ctx := context.Background()
	for _, opts := range []QueryOptions{{}, {Prove: true}} {
		req, res, err := cl.SharingRequest(ctx, 1, opts)
		require.NoError(t, err)
		require.Equal(t, []sharing.FieldCommitment{{Name: "address", Commitment: core.Hash{3}}}, req.Commitments)
		require.Equal(t, opts.Prove, res.Proof != nil)
		if opts.Prove {
			require.True(t, res.Proof.BoundToPath)
			require.Equal(t, 1, res.Proof.Keys)
		}

		g, _, err := cl.SharingGrant(ctx, 1, opts)
		require.NoError(t, err)
		require.Equal(t, "finance", g.Grantee)
		k, _, err := cl.SharingKey(ctx, "finance", "fin-2", opts)
		require.NoError(t, err)
		require.Equal(t, sharing.KeyActive, k.Status)
		idx, keys, res, err := cl.SharingKeys(ctx, "finance", opts)
		require.NoError(t, err)
		require.Equal(t, []string{"fin-2"}, idx.Active)
		require.Equal(t, []string{"fin-1", "fin-2"}, []string{keys[0].KeyID, keys[1].KeyID})
		if opts.Prove {
			require.Equal(t, 3, res.Proof.Keys, "the index and both keys")
		}
		rec, _, err := cl.SharingRecord(ctx, "interior", "residence", "P-1", opts)
		require.NoError(t, err)
		require.Equal(t, uint64(1), rec.Version)
		class, _, err := cl.SharingClass(ctx, "interior", "residence", opts)
		require.NoError(t, err)
		require.Equal(t, []string{"address"}, class.Fields)
		consent, _, err := cl.SharingConsent(ctx, "P-1", "finance", "benefit_eligibility", opts)
		require.NoError(t, err)
		require.Equal(t, sharing.ConsentGiven, consent.Status)
		ps, _, err := cl.SharingPurposes(ctx, opts)
		require.NoError(t, err)
		require.Equal(t, []bool{false, true}, []bool{ps[0].Retired, ps[1].Retired})
		e, _, err := cl.SharingLogEntry(ctx, "P-1", 1, opts)
		require.NoError(t, err)
		require.Equal(t, "fin-1", e.Delivery.KeyID)

		_, _, err = cl.SharingRequest(ctx, 2, opts)
		var qe *QueryError
		require.ErrorAs(t, err, &qe)
		require.Equal(t, sharing.ErrRequestNotFound.Code(), qe.Code)
		require.Equal(t, opts.Prove, qe.Proof != nil, "a proven absence when proofs are asked for")
	}
}

// TestSharingLog: the log is decoded whole and, with proofs, proven
// complete; an answer that leaves out its last entry, or a state with an
// entry past the head's count, is refused.
func TestSharingLog(t *testing.T) {
	n, cl := newSharingNode(t, sharingRecords())
	ctx := context.Background()

	log, err := cl.SharingLog(ctx, "P-1", QueryOptions{})
	require.NoError(t, err)
	require.Equal(t, sharing.LogHead{Subject: "P-1", Count: 2}, log.Head)
	require.Len(t, log.Entries, 2)
	require.Nil(t, log.Absence)

	log, err = cl.SharingLog(ctx, "P-1", QueryOptions{Prove: true})
	require.NoError(t, err)
	require.Equal(t, []string{sharing.KindRequest, sharing.KindDelivery}, []string{log.Entries[0].Kind, log.Entries[1].Kind})
	require.Equal(t, 3, log.Result.Proof.Keys)
	require.NotNil(t, log.Absence)
	require.True(t, log.Absence.BoundToPath, "the absence is of entry 2's key")
	require.Equal(t, log.Result.Proof.AppHash, log.Absence.AppHash)

	// A node that drops the last entry (and its proof): every entry it
	// sends is proven, but the head counts two.
	n.alter = func(path string, resp *abcitypes.ResponseQuery) {
		if path != "/sharing/log/P-1" || resp.Code != 0 {
			return
		}
		var entries []Entry
		require.NoError(t, json.Unmarshal(resp.Value, &entries))
		b, err := json.Marshal(entries[:2])
		require.NoError(t, err)
		resp.Value = b
		if resp.ProofOps != nil {
			resp.ProofOps.Ops = resp.ProofOps.Ops[:2]
		}
	}
	_, err = cl.SharingLog(ctx, "P-1", QueryOptions{})
	require.ErrorContains(t, err, `the head (subject "P-1", count 2) does not match the 1 entries answered`)
	// With proofs, Query's own check of a numbered list catches it first.
	_, err = cl.SharingLog(ctx, "P-1", QueryOptions{Prove: true})
	require.ErrorIs(t, err, ErrProof)
	require.ErrorContains(t, err, "/sharing/log/P-1 lists 1 entries but its anchor counts 2")
	n.alter = nil

	// A state whose log has an entry past its head's count: the proven
	// head and entries agree, the absence check does not.
	records := sharingRecords()
	records[string(sharing.LogEntryKey("P-1", 2))] = sharing.LogEntry{Seq: 2, Kind: sharing.KindRequest}
	_, cl2 := newSharingNode(t, records)
	_, err = cl2.SharingLog(ctx, "P-1", QueryOptions{Prove: true})
	require.ErrorIs(t, err, ErrProof)
	require.ErrorContains(t, err, "entry 2 exists beyond the head's count")

	// Nobody read P-2: no head, a complete empty log; with proofs the head
	// and entry 0 are proven absent in the same state.
	for _, opts := range []QueryOptions{{}, {Prove: true}} {
		log, err = cl.SharingLog(ctx, "P-2", opts)
		require.NoError(t, err)
		require.Equal(t, sharing.LogHead{Subject: "P-2"}, log.Head)
		require.Empty(t, log.Entries)
		require.Nil(t, log.Result.Value)
		require.Equal(t, sharing.LogHeadKey("P-2"), log.Result.Key)
		require.Equal(t, opts.Prove, log.Result.Proof != nil)
		require.Equal(t, opts.Prove, log.Absence != nil)
		if opts.Prove {
			require.True(t, log.Result.Proof.BoundToPath, "the absence is of the head's key")
			require.True(t, log.Absence.BoundToPath, "the absence is of entry 0's key")
			require.Equal(t, log.Result.Proof.AppHash, log.Absence.AppHash)
		}
	}
	// A node that answers entry 0 of P-2 although the head is absent.
	records[string(sharing.LogEntryKey("P-2", 0))] = sharing.LogEntry{Seq: 0, Kind: sharing.KindRequest}
	_, cl3 := newSharingNode(t, records)
	_, err = cl3.SharingLog(ctx, "P-2", QueryOptions{Prove: true})
	require.ErrorIs(t, err, ErrProof)
	require.ErrorContains(t, err, "entry 0 exists beyond the head's count")
	// A node that denies the head without a proof of its absence, when
	// proofs are asked for: its not-found error, not an empty log.
	n.alter = func(path string, resp *abcitypes.ResponseQuery) {
		if path == "/sharing/log/P-2" {
			resp.ProofOps = nil
		}
	}
	_, err = cl.SharingLog(ctx, "P-2", QueryOptions{Prove: true})
	var qe *QueryError
	require.ErrorAs(t, err, &qe)
	require.Equal(t, sharing.ErrLogNotFound.Code(), qe.Code)
	require.Nil(t, qe.Proof)
	n.alter = nil
}

// TestSharingEmptyLists: a list whose anchor was never written is the
// anchor the module reads in its place, with no entries, proven absent
// when proofs are asked for; a missing record, an entry past a log's end,
// another code or another key stay the node's error.
func TestSharingEmptyLists(t *testing.T) {
	_, cl := newSharingNode(t, sharingRecords())
	ctx := context.Background()
	for _, opts := range []QueryOptions{{}, {Prove: true}} {
		idx, keys, res, err := cl.SharingKeys(ctx, "justice", opts)
		require.NoError(t, err)
		require.Equal(t, &sharing.KeyIndex{Agency: "justice", Active: []string{}}, idx)
		require.Empty(t, keys)
		require.Equal(t, sharing.KeyIndexKey("justice"), res.Key)
		require.Nil(t, res.Value)
		require.Equal(t, opts.Prove, res.Proof != nil)
		sealed, refs, _, err := cl.SharingSealed(ctx, opts)
		require.NoError(t, err)
		require.Equal(t, &sharing.SealedIndex{}, sealed)
		require.Empty(t, refs)
	}

	for _, tc := range []struct {
		path   string
		code   uint32
		key    []byte
		anchor string // "" if not an empty list
	}{
		{"/sharing/grantee/finance", 807, sharing.GranteeKey("finance"), `{"agency":"finance","grant_count":0}`},
		{"/sharing/grants/interior/finance", 807, sharing.PairKey("interior", "finance"),
			`{"owner":"interior","grantee":"finance","grant_count":0,"active_count":0}`},
		{"/sharing/keys/justice", 805, sharing.KeyIndexKey("justice"), `{"agency":"justice","key_count":0,"active":[]}`},
		{"/sharing/sealed", 809, sharing.SealedIndexKey(), `{"count":0}`},
		{"/sharing/log/P-9", 810, sharing.LogHeadKey("P-9"), `{"subject":"P-9","count":0}`},
		{"/sharing/purposes", 803, sharing.PurposeIndexKey(), `{"codes":[]}`},
		// Not empty lists: a missing entry, record or history.
		{"/sharing/log/P-9/0", 810, sharing.LogEntryKey("P-9", 0), ""},
		{"/sharing/record/interior/residence/P-9/history", 806, sharing.RecordKey("interior", "residence", "P-9"), ""},
		{"/sharing/grant/9", 807, sharing.GrantKey(9), ""},
		// Another code, or the absence of another key.
		{"/sharing/grantee/finance", 805, sharing.GranteeKey("finance"), ""},
		{"/sharing/grantee/finance", 807, sharing.GranteeKey("justice"), ""},
		{"/sharing/log/P-9", 810, nil, ""},
	} {
		qe := &QueryError{Path: tc.path, Code: tc.code, Codespace: "govchain", Key: tc.key}
		anchor, got, ok := SharingEmptyList(tc.path, fmt.Errorf("wrapped: %w", qe))
		require.Equal(t, tc.anchor != "", ok, "%s code %d key %x", tc.path, tc.code, tc.key)
		if ok {
			require.JSONEq(t, tc.anchor, string(anchor))
			require.Equal(t, tc.anchor, string(anchor), "compact, in the module's field order")
			require.Same(t, qe, got)
		}
	}
	_, _, ok := SharingEmptyList("/sharing/sealed", &QueryError{Code: 809, Codespace: "other", Key: sharing.SealedIndexKey()})
	require.False(t, ok, "another codespace")
	_, _, ok = SharingEmptyList("/sharing/sealed", nil)
	require.False(t, ok)
	_, _, ok = SharingEmptyList("/sharing/sealed", errors.New("sharing: node unreachable"))
	require.False(t, ok)
}

// TestSharingReadsRefuseBadIDs: an argument that is not an identifier
// never reaches the node, so it cannot name another path.
func TestSharingReadsRefuseBadIDs(t *testing.T) {
	n, cl := newSharingNode(t, sharingRecords())
	ctx := context.Background()
	_, _, err := cl.SharingRecord(ctx, "interior", "residence/../x", "P-1", QueryOptions{})
	require.ErrorContains(t, err, `client: invalid: class "residence/../x": only letters, digits and - _ . : are allowed`)
	_, _, err = cl.SharingKey(ctx, "", "fin-1", QueryOptions{})
	require.ErrorContains(t, err, "agency must be 1-64 characters, got 0")
	_, err = cl.SharingLog(ctx, "P-1/0", QueryOptions{})
	require.ErrorContains(t, err, `subject "P-1/0"`)
	_, _, err = cl.SharingConsent(ctx, "P-1", "finance", "a b", QueryOptions{})
	require.Error(t, err)
	require.Zero(t, n.queries.Load())
}

// covertRecords is sharingRecords with deferred disclosure: grant 2 of
// interior's residence class to finance for law_enforcement (overseen by
// justice), grants 3 and 4 for covert purposes whose overseers have no
// usable key, and
// the keys each agency holds (k is the key pair of each active one, by
// agency and key id). One covert request is sealed.
func covertRecords(t *testing.T) (map[string]any, map[string]*seal.PrivateKey) {
	records := sharingRecords()
	privs := map[string]*seal.PrivateKey{}
	until := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	key := func(agency, id string, status string, validUntil time.Time) sharing.AgencyKey {
		k, err := seal.GenerateKey(seal.SuiteX25519)
		require.NoError(t, err)
		privs[agency+"/"+id] = k
		return sharing.AgencyKey{Agency: agency, KeyID: id, Suite: seal.SuiteX25519, PublicKey: k.PublicKeyBytes(),
			Status: status, ValidUntil: validUntil}
	}
	for _, k := range []sharing.AgencyKey{
		key("justice", "j-old", sharing.KeyActive, until.AddDate(-1, 0, 0)),
		key("justice", "j-new", sharing.KeyActive, until),
		key("justice", "j-revoked", sharing.KeyRevoked, until.AddDate(1, 0, 0)),
		key("justice", "j-expired", sharing.KeyActive, time.Unix(1_600_000_000, 0).UTC()),
		key("interior", "int-1", sharing.KeyActive, until),
	} {
		records[string(sharing.AgencyKeyKey(k.Agency, k.KeyID))] = k
	}
	records[string(sharing.KeyIndexKey("justice"))] = sharing.KeyIndex{Agency: "justice", KeyCount: 4, Active: []string{"j-expired", "j-new", "j-old"}}
	records[string(sharing.KeyIndexKey("interior"))] = sharing.KeyIndex{Agency: "interior", KeyCount: 1, Active: []string{"int-1"}}
	records[string(sharing.PurposeKey("law_enforcement"))] = sharing.Purpose{Code: "law_enforcement", Description: "crime", Covert: true,
		Overseer: "justice", MaxSecrecySeconds: sharing.DefaultMaxSecrecySeconds}
	// finance's one active key has expired; nokeys has none.
	records[string(sharing.PurposeKey("tax_fraud"))] = sharing.Purpose{Code: "tax_fraud", Description: "fraud", Covert: true,
		Overseer: "finance", MaxSecrecySeconds: sharing.DefaultMaxSecrecySeconds}
	records[string(sharing.PurposeKey("smuggling"))] = sharing.Purpose{Code: "smuggling", Description: "smuggling", Covert: true,
		Overseer: "nokeys", MaxSecrecySeconds: sharing.DefaultMaxSecrecySeconds}
	records[string(sharing.GrantKey(2))] = sharing.Grant{ID: 2, Owner: "interior", Grantee: "finance", Class: "residence",
		Fields: []string{"address", "household_size"}, Subjects: []string{}, Purpose: "law_enforcement", Status: sharing.GrantActive}
	records[string(sharing.GrantKey(3))] = sharing.Grant{ID: 3, Owner: "interior", Grantee: "finance", Class: "residence",
		Fields: []string{"address"}, Subjects: []string{}, Purpose: "tax_fraud", Status: sharing.GrantActive}
	records[string(sharing.GrantKey(4))] = sharing.Grant{ID: 4, Owner: "interior", Grantee: "finance", Class: "residence",
		Fields: []string{"address"}, Subjects: []string{}, Purpose: "smuggling", Status: sharing.GrantActive}
	at := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	records[string(sharing.SealedIndexKey())] = sharing.SealedIndex{Count: 1}
	records[string(sharing.SealedKey(7))] = sharing.SealedRef{RequestID: 7, Subject: "P-1", Requester: "finance", Overseer: "justice", DiscloseAt: at}
	return records, privs
}

// TestCovertRequest: the client seals a covert request's details to the
// overseer's and the owner's longest-valid usable keys, padded to the
// grant; each opens its copy to the details, bound to the commitment; a
// grant that is not covert, a field outside the grant and an agency
// without a usable key are refused before anything is sealed.
func TestCovertRequest(t *testing.T) {
	records, privs := covertRecords(t)
	_, cl := newSharingNode(t, records)
	ctx := context.Background()
	proven := QueryOptions{Prove: true}
	at := time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC)
	caseRef := core.Hash{9}
	m, d, err := cl.CovertRequest(ctx, "share-client-1", 2, "P-1", []string{"household_size", "address"}, caseRef, at, proven)
	require.NoError(t, err)
	require.Equal(t, []string{"address", "household_size"}, d.Fields)
	require.Equal(t, caseRef, d.CaseRef)
	require.False(t, d.Salt.IsZero())
	require.NoError(t, m.Validate())
	require.True(t, m.Covert())
	require.Equal(t, sharing.RequestAccess{GrantID: 2, Subject: "P-1", Purpose: "law_enforcement", DetailsCommitment: d.Commitment(),
		OverseerKeyID: "j-new", OverseerSealed: m.OverseerSealed, OwnerKeyID: "int-1", OwnerSealed: m.OwnerSealed, DiscloseAt: at}, *m)
	n, err := sharing.SealedLen(seal.SuiteX25519, []string{"address", "household_size"})
	require.NoError(t, err)
	require.Len(t, m.OverseerSealed, n)
	require.Len(t, m.OwnerSealed, n)
	got, err := OpenCovertDetails(privs["justice/j-new"], "share-client-1", "j-new", m.DetailsCommitment, m.OverseerSealed)
	require.NoError(t, err)
	require.Equal(t, d, got)
	got, err = OpenCovertDetails(privs["interior/int-1"], "share-client-1", "int-1", m.DetailsCommitment, m.OwnerSealed)
	require.NoError(t, err)
	require.Equal(t, d, got)
	_, err = OpenCovertDetails(privs["interior/int-1"], "other-chain", "int-1", m.DetailsCommitment, m.OwnerSealed)
	require.ErrorIs(t, err, seal.ErrOpen)
	_, err = OpenCovertDetails(privs["justice/j-old"], "share-client-1", "j-new", m.DetailsCommitment, m.OverseerSealed)
	require.ErrorIs(t, err, seal.ErrOpen)

	// Details sealed under another commitment's info do not open under
	// this one's; details that open but hash elsewhere are refused.
	other := d
	other.Salt = core.Hash{1}
	forged, err := SealCovertDetails("share-client-1", other, []string{"address", "household_size"},
		records[string(sharing.AgencyKeyKey("interior", "int-1"))].(sharing.AgencyKey))
	require.NoError(t, err)
	_, err = OpenCovertDetails(privs["interior/int-1"], "share-client-1", "int-1", m.DetailsCommitment, forged)
	require.ErrorIs(t, err, seal.ErrOpen)
	pt, err := sharing.SealedPlaintext(other, []string{"address", "household_size"})
	require.NoError(t, err)
	lying, err := seal.Seal(seal.SuiteX25519, privs["interior/int-1"].PublicKeyBytes(),
		seal.DetailsInfo("share-client-1", m.DetailsCommitment, "int-1"), pt)
	require.NoError(t, err)
	_, err = OpenCovertDetails(privs["interior/int-1"], "share-client-1", "int-1", m.DetailsCommitment, lying)
	require.ErrorContains(t, err, "not to the commitment")

	for _, tc := range []struct {
		grant  uint64
		fields []string
		err    string
	}{
		{1, []string{"address"}, "purpose benefit_eligibility, which is not covert"},
		{2, []string{"address", "income"}, "field income is not one of grant 2's"},
		{3, []string{"address"}, "finance has no active, unexpired key to seal to"},
		{4, []string{"address"}, "nokeys has no active, unexpired key to seal to"},
		{2, []string{"address", "address"}, "sorted and unique"},
	} {
		_, _, err := cl.CovertRequest(ctx, "share-client-1", tc.grant, "P-1", tc.fields, caseRef, at, proven)
		require.ErrorContains(t, err, tc.err)
	}

	// The sealed list, and the proven block time an ombudsman compares
	// its disclose_at with.
	idx, refs, res, err := cl.SharingSealed(ctx, proven)
	require.NoError(t, err)
	require.Equal(t, uint64(1), idx.Count)
	require.Equal(t, []sharing.SealedRef{{RequestID: 7, Subject: "P-1", Requester: "finance", Overseer: "justice", DiscloseAt: at}}, refs)
	require.Equal(t, time.Unix(1_700_000_000, 0).UTC(), res.Proof.HeaderTime)
	p, _, err := cl.SharingPurpose(ctx, "law_enforcement", proven)
	require.NoError(t, err)
	require.Equal(t, "justice", p.Overseer)
}
