package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"
	"time"

	abcitypes "github.com/cometbft/cometbft/abci/types"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/api"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/verify"
)

// serve serves the API of the shared node with cfg (its Client and Trust
// are the node's unless set) and returns the server's URL.
func serve(t testing.TB, cfg api.Config) string {
	t.Helper()
	n := node(t)
	if cfg.Client == nil {
		cfg.Client = n.cl
	}
	if cfg.Trust == nil {
		cfg.Trust = n.trust
	}
	h, err := api.New(cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// response is an answer as a test reads it.
type response struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request with the given headers (name, value, ...).
func do(t testing.TB, method, url string, body []byte, hdr ...string) response {
	t.Helper()
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	require.NoError(t, err)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return response{resp.StatusCode, resp.Header, b}
}

func get(t testing.TB, url string, hdr ...string) response {
	t.Helper()
	return do(t, http.MethodGet, url, nil, hdr...)
}

// decode decodes a JSON body strictly into a value of the API's types: a
// field the types do not declare fails the test.
func decode[T any](t testing.TB, r response) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&v), "%s", r.body)
	return v
}

// requireError requires an error answer of status, code and codespace
// whose message contains msg.
func requireError(t testing.TB, r response, status int, code uint32, codespace, msg string) api.ErrorBody {
	t.Helper()
	require.Equal(t, status, r.status, "%s", r.body)
	require.Equal(t, "application/json", r.header.Get("Content-Type"))
	require.Equal(t, "no-store", r.header.Get("Cache-Control"))
	e := decode[api.ErrorBody](t, r)
	require.Equal(t, code, e.Code, "%s", r.body)
	require.Equal(t, codespace, e.Codespace)
	require.Contains(t, e.Error, msg)
	require.NotContains(t, e.Error, "\n")
	return e
}

func ctxOf(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// parcelTx signs the registration of parcel id (owner alice) by the
// registrar, at the registrar's next sequence.
func parcelTx(t testing.TB, id string) []byte {
	t.Helper()
	n := node(t)
	key, err := n.kr.Get("registrar")
	require.NoError(t, err)
	alice, err := n.kr.ResolveAddress("alice")
	require.NoError(t, err)
	tx, err := n.cl.BuildTx(ctxOf(t), key, &land.RegisterParcel{ParcelID: id, CadastralRef: "C-" + id, AreaM2: 1200,
		Location: "12 Main St", Denominator: 1, Owners: []land.Share{{Account: alice, Shares: 1}}, DocumentHash: sha256.Sum256([]byte(id))},
		client.SubmitOptions{})
	require.NoError(t, err)
	return tx
}

// register registers parcel id through the API and returns its result.
func register(t testing.TB, base, id string) api.Tx {
	t.Helper()
	r := do(t, http.MethodPost, base+"/api/v1/txs?wait=true", parcelTx(t, id))
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	return decode[api.Tx](t, r)
}

// TestTransactions: a broadcast with wait answers the block's result and
// events, one without answers 202 at once, the transaction is then read
// by its hash, and refusals carry the chain's code: a replay, a signer
// without the role, malformed bytes; an empty or oversized body is the
// API's 400 or 413.
func TestTransactions(t *testing.T) {
	n := node(t)
	base := serve(t, api.Config{})

	tx := parcelTx(t, "TX-1")
	// White space around the envelope (a file's final newline) is ignored.
	r := do(t, http.MethodPost, base+"/api/v1/txs?wait=true", append(append([]byte(" \n"), tx...), '\n'))
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.Equal(t, "no-store", r.header.Get("Cache-Control"))
	res := decode[api.Tx](t, r)
	sum := sha256.Sum256(tx)
	require.Equal(t, fmt.Sprintf("%X", sum[:]), res.Hash)
	require.Positive(t, res.Height)
	require.Zero(t, res.Code)
	require.Contains(t, eventAttrs(res.Events, "land"), "parcel_id=TX-1")

	got := decode[api.Tx](t, get(t, base+"/api/v1/txs/"+strings.ToLower(res.Hash)))
	require.Equal(t, res.Hash, got.Hash)
	require.Equal(t, res.Height, got.Height)
	var envelope bytes.Buffer
	require.NoError(t, json.Compact(&envelope, got.Tx))
	require.Equal(t, string(tx), envelope.String(), "the transaction's own bytes, indented")
	require.Equal(t, res.Events, got.Events)

	// The same bytes again: a replay, code 14.
	e := requireError(t, do(t, http.MethodPost, base+"/api/v1/txs", tx), http.StatusConflict, 14, "govchain", "tx: sequence already used (replay)")
	require.Equal(t, res.Hash, e.Hash)

	// Without wait: admitted, then in a block.
	tx2 := parcelTx(t, "TX-2")
	r = do(t, http.MethodPost, base+"/api/v1/txs", tx2)
	require.Equal(t, http.StatusAccepted, r.status, "%s", r.body)
	admitted := decode[api.Tx](t, r)
	require.Zero(t, admitted.Height)
	hash, err := hex.DecodeString(admitted.Hash)
	require.NoError(t, err)
	_, err = n.cl.WaitTx(ctxOf(t), hash)
	require.NoError(t, err)

	// alice holds no role: code 9 is of kind unauthorized, HTTP 403.
	key, err := n.kr.Get("alice")
	require.NoError(t, err)
	bad, err := n.cl.BuildTx(ctxOf(t), key, &land.RegisterParcel{ParcelID: "TX-3", CadastralRef: "C", AreaM2: 1, Location: "L",
		Denominator: 1, Owners: []land.Share{{Account: key.Address(), Shares: 1}}, DocumentHash: sha256.Sum256([]byte("x"))}, client.SubmitOptions{})
	require.NoError(t, err)
	requireError(t, do(t, http.MethodPost, base+"/api/v1/txs?wait=true", bad), http.StatusForbidden, 9, "govchain", "auth: signer lacks the required role")
	requireError(t, do(t, http.MethodPost, base+"/api/v1/txs", []byte(`{"chain_id":`)), http.StatusBadRequest, 3, "govchain", "tx: malformed transaction")
	requireError(t, do(t, http.MethodPost, base+"/api/v1/txs", []byte(" \n")), http.StatusBadRequest, api.CodeBadRequest, "api", "the body must be a signed transaction")
	requireError(t, do(t, http.MethodPost, base+"/api/v1/txs?wait=yes", tx2), http.StatusBadRequest, api.CodeBadRequest, "api", `wait must be true or false, not "yes"`)

	small := serve(t, api.Config{MaxBodyBytes: 100})
	requireError(t, do(t, http.MethodPost, small+"/api/v1/txs", tx2), http.StatusRequestEntityTooLarge, api.CodeBodyTooLarge, "api", "over 100 bytes")

	requireError(t, get(t, base+"/api/v1/txs/"+strings.Repeat("ab", 32)), http.StatusNotFound, api.CodeNotFound, "api", "is not in a block")
	requireError(t, get(t, base+"/api/v1/txs/xyz"), http.StatusBadRequest, api.CodeBadRequest, "api", "is not 64 hex digits")
}

// eventAttrs returns "key=value" of every attribute of the events of typ.
func eventAttrs(events []client.Event, typ string) []string {
	var out []string
	for _, e := range events {
		if e.Type == typ {
			for _, a := range e.Attrs {
				out = append(out, a.Key+"="+a.Value)
			}
		}
	}
	return out
}

// proven rebuilds the node's answer from a proven API answer: the exact
// bytes (which the shown JSON value compacts to) and the proof ops.
func proven(t testing.TB, a api.Answer) (abcitypes.ResponseQuery, []byte) {
	t.Helper()
	require.NotNil(t, a.Proof)
	var compact bytes.Buffer
	require.NoError(t, json.Compact(&compact, a.Value))
	require.Equal(t, string(a.Proof.Value), compact.String(), "the value shown is the proven bytes")
	key, err := hex.DecodeString(a.Key)
	require.NoError(t, err)
	resp := abcitypes.ResponseQuery{Key: key, Value: a.Proof.Value, Height: a.Height, ProofOps: &cmtcrypto.ProofOps{}}
	for _, op := range a.Proof.Ops {
		resp.ProofOps.Ops = append(resp.ProofOps.Ops, cmtcrypto.ProofOp{Type: op.Type, Key: op.Key, Data: op.Data})
	}
	appHash, err := hex.DecodeString(a.Proof.AppHash)
	require.NoError(t, err)
	return resp, appHash
}

// TestQuery: a proven parcel (and its history) whose proofs client.Verify
// accepts against the app hash of header H+1 as the node's RPC gives it,
// and rejects once one byte of the value changes; a missing parcel is a
// 404 with the chain's code and an absence proof VerifyAbsent accepts; a
// query at a height is pinned and answers 304 to its ETag; bad input is
// 400.
func TestQuery(t *testing.T) {
	n := node(t)
	base := serve(t, api.Config{})
	reg := register(t, base, "Q-1")

	r := get(t, base+"/api/v1/query/land/parcel/Q-1?prove=true")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.Equal(t, "no-cache", r.header.Get("Cache-Control"))
	a := decode[api.Answer](t, r)
	require.Equal(t, "/land/parcel/Q-1", a.Path)
	require.GreaterOrEqual(t, a.Height, reg.Height)
	var parcel land.Parcel
	require.NoError(t, json.Unmarshal(a.Value, &parcel))
	require.EqualValues(t, 1200, parcel.AreaM2)
	resp, appHash := proven(t, a)
	h := a.Height + 1
	commit, err := n.cl.RPC().Commit(ctxOf(t), &h)
	require.NoError(t, err)
	require.Equal(t, []byte(commit.AppHash), appHash)
	require.Equal(t, a.Height+1, a.Proof.HeaderHeight)
	require.True(t, a.Proof.BoundToPath)
	p, _, err := client.Verify(a.Path, resp, appHash)
	require.NoError(t, err)
	require.Equal(t, 1, p.Keys)
	tampered := resp
	tampered.Value = bytes.Replace(resp.Value, []byte(`"area_m2":1200`), []byte(`"area_m2":1201`), 1)
	require.NotEqual(t, resp.Value, tampered.Value)
	_, _, err = client.Verify(a.Path, tampered, appHash)
	require.ErrorIs(t, err, client.ErrProof)

	// A multi-key answer: the parcel, then its history entry.
	a = decode[api.Answer](t, get(t, base+"/api/v1/query/land/parcel/Q-1/history?prove=true"))
	resp, appHash = proven(t, a)
	p, entries, err := client.Verify(a.Path, resp, appHash)
	require.NoError(t, err)
	require.Equal(t, 2, p.Keys)
	require.Len(t, entries, 2)

	// Not found, with its absence proven.
	e := requireError(t, get(t, base+"/api/v1/query/land/parcel/Q-404?prove=true"), http.StatusNotFound, 203, "govchain", "land: parcel not found")
	require.NotNil(t, e.Proof)
	key, err := hex.DecodeString(e.Key)
	require.NoError(t, err)
	absent := abcitypes.ResponseQuery{Code: e.Code, Key: key, Height: e.Height,
		ProofOps: &cmtcrypto.ProofOps{Ops: []cmtcrypto.ProofOp{{Type: e.Proof.Ops[0].Type, Key: e.Proof.Ops[0].Key, Data: e.Proof.Ops[0].Data}}}}
	appHash, err = hex.DecodeString(e.Proof.AppHash)
	require.NoError(t, err)
	_, err = client.VerifyAbsent("/land/parcel/Q-404", absent, appHash)
	require.NoError(t, err)
	e = requireError(t, get(t, base+"/api/v1/query/land/parcel/Q-404"), http.StatusNotFound, 203, "govchain", "land: parcel not found")
	require.Nil(t, e.Proof)

	// A past height is pinned: cacheable, and its ETag answers 304.
	r = get(t, fmt.Sprintf("%s/api/v1/query/land/parcel/Q-1?height=%d", base, reg.Height))
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.Equal(t, "public, max-age=86400", r.header.Get("Cache-Control"))
	require.Equal(t, reg.Height, decode[api.Answer](t, r).Height)
	etag := r.header.Get("ETag")
	require.NotEmpty(t, etag)
	again := get(t, fmt.Sprintf("%s/api/v1/query/land/parcel/Q-1?height=%d", base, reg.Height), "If-None-Match", etag)
	require.Equal(t, http.StatusNotModified, again.status)
	require.Empty(t, again.body)
	require.Equal(t, http.StatusOK, get(t, fmt.Sprintf("%s/api/v1/query/land/parcel/Q-1?height=%d", base, reg.Height), "If-None-Match", `"other"`).status)

	for _, tc := range []struct {
		url       string
		status    int
		code      uint32
		codespace string
		msg       string
	}{
		{"/api/v1/query/land/parcel/Q-1?height=x", 400, api.CodeBadRequest, "api", `height "x" is not a positive integer`},
		{"/api/v1/query/land/parcel/Q-1?height=0", 400, api.CodeBadRequest, "api", `height "0" is not a positive integer`},
		{"/api/v1/query/land/parcel/Q-1?prove=1", 400, api.CodeBadRequest, "api", `prove must be true or false, not "1"`},
		{"/api/v1/query/land/parcel/Q-1?prove=true&prove=false", 400, api.CodeBadRequest, "api", `parameter "prove" is given 2 times`},
		{"/api/v1/query/land/parcel/Q-1?proof=true", 400, api.CodeBadRequest, "api", `unknown parameter "proof": this endpoint takes height, prove`},
		{"/api/v1/query/", 400, api.CodeBadRequest, "api", "no registry path"},
		{"/api/v1/query/land/parcel/", 400, api.CodeBadRequest, "api", "has an empty segment"},
		{"/api/v1/query/land/parcel/Q%00", 400, api.CodeBadRequest, "api", "control character"},
		{"/api/v1/query/land/plot/Q-1", 400, 202, "govchain", "land: unknown query path"},
		{"/api/v1/query/land/parcel/Q-1?height=1000000000", 404, 22, "govchain", "query: state at that height is not available"},
		{"/api/v1/status?verbose=1", 400, api.CodeBadRequest, "api", `unknown parameter "verbose": this endpoint takes none`},
	} {
		requireError(t, get(t, base+tc.url), tc.status, tc.code, tc.codespace, tc.msg)
	}
}

// TestCertificate: a record's certificate is byte for byte what
// `govchain certificate export` writes at the same height, and verify
// accepts it against the genesis trust root the API serves; a complete
// history, the empty access log of a subject nobody read and an absence
// verify too; complete=true on a path that is not a numbered list is 400,
// and on the history of a missing record 404.
func TestCertificate(t *testing.T) {
	n := node(t)
	base := serve(t, api.Config{})
	reg := register(t, base, "C-1")

	trust := get(t, base+"/api/v1/trust")
	require.Equal(t, http.StatusOK, trust.status)
	tf := decode[verify.TrustFile](t, trust)
	served, err := verify.NewTrust(tf.ChainID, tf.Validators)
	require.NoError(t, err)
	require.Equal(t, n.chainID, served.ChainID)
	require.Equal(t, n.trust.Validators.Hash(), served.Validators.Hash())

	url := fmt.Sprintf("%s/api/v1/certificate/land/parcel/C-1?height=%d", base, reg.Height)
	r := get(t, url)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	require.Equal(t, "public, max-age=86400", r.header.Get("Cache-Control"))
	out, err := exec.Command(n.bin, "certificate", "export", "/land/parcel/C-1", "--height", fmt.Sprint(reg.Height),
		"--node", n.url, "--out", "-").Output()
	require.NoError(t, err)
	require.Equal(t, string(out), string(r.body), "the API's certificate is the command line's, byte for byte")
	res, err := verify.VerifyBytes(r.body, served, client.CertificateKeys)
	require.NoError(t, err)
	require.Equal(t, verify.KindRecord, res.Kind)
	require.Equal(t, reg.Height, res.Height)

	r = get(t, base+"/api/v1/certificate/land/parcel/C-1/history?complete=true")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	res, err = verify.VerifyBytes(r.body, served, client.CertificateKeys)
	require.NoError(t, err)
	require.Equal(t, verify.KindComplete, res.Kind)
	require.EqualValues(t, 1, res.Count)

	// The access log of a subject nobody read: complete and empty.
	r = get(t, base+"/api/v1/certificate/sharing/log/P-NOBODY?complete=true")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	res, err = verify.VerifyBytes(r.body, served, client.CertificateKeys)
	require.NoError(t, err)
	require.Equal(t, verify.KindComplete, res.Kind)
	require.Zero(t, res.Count)
	require.Empty(t, res.Entries)

	r = get(t, base+"/api/v1/certificate/land/parcel/C-404")
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	res, err = verify.VerifyBytes(r.body, served, client.CertificateKeys)
	require.NoError(t, err)
	require.Equal(t, verify.KindAbsence, res.Kind)
	// One byte of the certificate altered: refused.
	_, err = verify.VerifyBytes(bytes.Replace(r.body, []byte(`"kind": "absence"`), []byte(`"kind": "record"`), 1), served, client.CertificateKeys)
	require.Error(t, err)

	requireError(t, get(t, base+"/api/v1/certificate/land/parcel/C-1?complete=true"), http.StatusBadRequest, api.CodeBadRequest, "api",
		"a complete certificate needs a numbered list")
	requireError(t, get(t, base+"/api/v1/certificate/land/parcel/C-404/history?complete=true"), http.StatusNotFound, 203, "govchain",
		"has no anchor at state")
	requireError(t, get(t, base+"/api/v1/certificate/land/plot/C-1"), http.StatusBadRequest, 202, "govchain", "land: unknown query path")

	// A server given no trust root says so.
	h, err := api.New(api.Config{Client: n.cl})
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/trust", nil))
	require.Equal(t, http.StatusNotFound, rec.Code)
	require.Contains(t, rec.Body.String(), "given no trust root")
}

// TestChain: status, blocks and validators, with the proposer's and the
// validators' agencies named.
func TestChain(t *testing.T) {
	n := node(t)
	base := serve(t, api.Config{})
	reg := register(t, base, "B-1")

	st := decode[api.Status](t, get(t, base+"/api/v1/status"))
	require.Equal(t, n.chainID, st.ChainID)
	require.GreaterOrEqual(t, st.LatestHeight, reg.Height)
	require.NotEmpty(t, st.Node.Moniker)
	require.NotEmpty(t, st.Node.CometBFT)
	require.EqualValues(t, 1, st.Node.AppVersion)

	r := get(t, fmt.Sprintf("%s/api/v1/blocks/%d", base, reg.Height))
	require.Equal(t, "public, max-age=86400", r.header.Get("Cache-Control"))
	b := decode[api.Block](t, r)
	require.Equal(t, reg.Height, b.Height)
	require.Contains(t, b.Txs, reg.Hash)
	require.NotNil(t, b.Proposer.Agency)
	require.Equal(t, api.Agency{ID: "justice", Name: "Ministry of Justice"}, *b.Proposer.Agency)
	latest := decode[api.Block](t, get(t, base+"/api/v1/blocks/latest"))
	require.GreaterOrEqual(t, latest.Height, reg.Height)
	requireError(t, get(t, base+"/api/v1/blocks/1000000000"), http.StatusNotFound, api.CodeNotFound, "api", "block of height 1000000000")
	requireError(t, get(t, base+"/api/v1/blocks/-1"), http.StatusBadRequest, api.CodeBadRequest, "api", "give a positive height or latest")

	vs := decode[api.ValidatorSet](t, get(t, base+"/api/v1/validators"))
	require.Len(t, vs.Validators, 1)
	require.EqualValues(t, 10, vs.TotalPower)
	v := vs.Validators[0]
	require.Equal(t, n.trust.Validators.Validators[0].PubKey.Bytes(), v.PubKey)
	require.Equal(t, "justice", v.Agency.ID)
	at := decode[api.ValidatorSet](t, get(t, base+"/api/v1/validators?height=1"))
	require.EqualValues(t, 1, at.Height)
	requireError(t, get(t, base+"/api/v1/validators?height=1000000000"), http.StatusNotFound, api.CodeNotFound, "api", "validators of height 1000000000")
}

// TestRouting: a wrong method is 405 with Allow, an unknown API path and
// "/" without a page are JSON 404s, a page handler serves "/", and an
// unreachable node is a 502.
func TestRouting(t *testing.T) {
	base := serve(t, api.Config{})
	r := do(t, http.MethodDelete, base+"/api/v1/status", nil)
	requireError(t, r, http.StatusMethodNotAllowed, api.CodeMethodNotAllowed, "api", "/api/v1/status takes GET, HEAD, not DELETE")
	require.Equal(t, "GET, HEAD", r.header.Get("Allow"))
	requireError(t, get(t, base+"/api/v1/txs"), http.StatusMethodNotAllowed, api.CodeMethodNotAllowed, "api", "takes POST, not GET")
	requireError(t, get(t, base+"/api/v2/status"), http.StatusNotFound, api.CodeNotFound, "api", "no endpoint GET /api/v2/status")
	requireError(t, get(t, base+"/"), http.StatusNotFound, api.CodeNotFound, "api", "no page is served at /")
	head := do(t, http.MethodHead, base+"/api/v1/status", nil)
	require.Equal(t, http.StatusOK, head.status)
	require.Empty(t, head.body)

	page := serve(t, api.Config{Page: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "page at "+r.URL.Path)
	})})
	require.Equal(t, "page at /parcel/P-1", string(get(t, page+"/parcel/P-1").body))
	require.Equal(t, http.StatusOK, get(t, page+"/api/v1/status").status)

	dead, err := client.New("http://127.0.0.1:9")
	require.NoError(t, err)
	requireError(t, get(t, serve(t, api.Config{Client: dead})+"/api/v1/query/land/parcel/P-1"), http.StatusBadGateway, api.CodeNode, "api",
		"cannot reach node at http://127.0.0.1:9")

	_, err = api.New(api.Config{})
	require.ErrorContains(t, err, "api: no client")
	for _, bad := range []string{"*", "https://a.example/", "https://a.example/path", "a.example", "ftp://a.example", "https://A.example"} {
		_, err = api.New(api.Config{Client: dead, CORSOrigins: []string{bad}})
		require.ErrorContains(t, err, "api: CORS origin", bad)
	}
}

// TestCORS: off by default (no header for any origin); when configured,
// an allowed origin gets its own name back on requests and preflights,
// any other origin gets nothing and its preflight a 403.
func TestCORS(t *testing.T) {
	const origin = "https://registry.example.gov"
	off := serve(t, api.Config{})
	r := get(t, off+"/api/v1/status", "Origin", origin)
	require.Equal(t, http.StatusOK, r.status)
	require.Empty(t, r.header.Get("Access-Control-Allow-Origin"))
	r = do(t, http.MethodOptions, off+"/api/v1/txs", nil, "Origin", origin, "Access-Control-Request-Method", "POST")
	require.Empty(t, r.header.Get("Access-Control-Allow-Origin"))
	require.Equal(t, http.StatusMethodNotAllowed, r.status)

	on := serve(t, api.Config{CORSOrigins: []string{origin, "http://127.0.0.1:8080"}})
	r = get(t, on+"/api/v1/status", "Origin", origin)
	require.Equal(t, http.StatusOK, r.status)
	require.Equal(t, origin, r.header.Get("Access-Control-Allow-Origin"))
	require.Contains(t, r.header.Values("Vary"), "Origin")
	r = do(t, http.MethodOptions, on+"/api/v1/txs", nil, "Origin", origin, "Access-Control-Request-Method", "POST",
		"Access-Control-Request-Headers", "content-type")
	require.Equal(t, http.StatusNoContent, r.status)
	require.Equal(t, origin, r.header.Get("Access-Control-Allow-Origin"))
	require.Contains(t, r.header.Get("Access-Control-Allow-Methods"), "POST")
	require.Contains(t, r.header.Get("Access-Control-Allow-Headers"), "Content-Type")

	for _, other := range []string{"https://evil.example", "https://registry.example.gov.evil.example", "http://registry.example.gov"} {
		r = get(t, on+"/api/v1/status", "Origin", other)
		require.Equal(t, http.StatusOK, r.status)
		require.Empty(t, r.header.Get("Access-Control-Allow-Origin"), other)
		r = do(t, http.MethodOptions, on+"/api/v1/status", nil, "Origin", other, "Access-Control-Request-Method", "GET")
		requireError(t, r, http.StatusForbidden, api.CodeOriginNotAllowed, "api", "may not call this API")
		require.Empty(t, r.header.Get("Access-Control-Allow-Origin"))
	}
}
