package datasvc_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/datasvc"
	"github.com/govchain/govchain/internal/devnode"
	"github.com/govchain/govchain/seal"
)

// The tests that need a chain share one development node
// (internal/devnode), built with the faultinject tag (the crash test
// needs its hook; without GOVCHAIN_FAULT_* set it behaves as the
// production build). It is started by the first test that needs it and
// stopped by TestMain.

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.node != nil {
		shared.node.Stop()
	}
	os.Exit(code)
}

// sharedChain is the package's development chain.
var shared struct {
	once sync.Once
	c    *chain
	node *devnode.Node
	err  error
}

// chain is the shared development chain, seen from the tests.
type chain struct {
	bin, home, url, chainID string
	cl                      *client.Client
	kr                      *client.Keyring
	// finance is the finance ministry's database: its key fin-1 is
	// registered on chain.
	finance *datasvc.Store
}

const financeKey = "fin-1"

// devChain returns the shared chain, starting it on first use.
func devChain(t testing.TB) *chain {
	t.Helper()
	shared.once.Do(func() { shared.c, shared.err = startChain() })
	require.NoError(t, shared.err)
	return shared.c
}

func startChain() (*chain, error) {
	n, err := devnode.Start(devnode.Options{ChainID: "datasvc-test", Tags: []string{"faultinject"}, Prefix: "govchain-datasvc-"})
	if err != nil {
		return nil, err
	}
	shared.node = n
	c := &chain{bin: n.Bin, home: n.Home, url: n.URL, chainID: n.ChainID, cl: n.Client, kr: n.Keyring}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if c.finance, err = datasvc.Open(filepath.Join(n.Dir, "finance.db")); err != nil {
		return nil, err
	}
	k, err := c.finance.GenerateKey(ctx, seal.SuiteX25519, financeKey)
	if err != nil {
		return nil, err
	}
	now, err := c.blockTime(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := c.try(ctx, "admin-finance", &sharing.RegisterKey{KeyID: financeKey, Suite: k.Suite, PublicKey: k.PublicKey,
		ValidUntil: now.Add(365 * 24 * time.Hour)}); err != nil {
		return nil, err
	}
	return c, nil
}

func ctxOf(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// try signs msg with the keyring key name, posts it and waits for its
// block.
func (c *chain) try(ctx context.Context, name string, msg core.Msg) (*client.TxResult, error) {
	key, err := c.kr.Get(name)
	if err != nil {
		return nil, err
	}
	return c.cl.Submit(ctx, key, msg, client.SubmitOptions{})
}

// submit is try, requiring success.
func (c *chain) submit(t testing.TB, name string, msg core.Msg) *client.TxResult {
	t.Helper()
	res, err := c.try(ctxOf(t), name, msg)
	require.NoError(t, err, "%s %s", name, msg.Type())
	return res
}

// submitAll posts msgs signed by name together, then waits for each,
// requiring success.
func (c *chain) submitAll(t testing.TB, name string, msgs ...core.Msg) {
	t.Helper()
	ctx := ctxOf(t)
	sg := c.signer(t, name)
	var hashes [][]byte
	for _, m := range msgs {
		h, err := sg.Broadcast(ctx, m)
		require.NoError(t, err, "%s %s", name, m.Type())
		hashes = append(hashes, h)
	}
	for _, h := range hashes {
		_, err := sg.WaitTx(ctx, h)
		require.NoError(t, err)
	}
}

func (c *chain) signer(t testing.TB, name string) *datasvc.Signer {
	t.Helper()
	key, err := c.kr.Get(name)
	require.NoError(t, err)
	sg, err := datasvc.NewSigner(ctxOf(t), c.cl, key)
	require.NoError(t, err)
	return sg
}

func (c *chain) reader() datasvc.Reader { return datasvc.NodeReader{Client: c.cl} }

func (c *chain) blockTime(ctx context.Context) (time.Time, error) {
	st, err := c.cl.RPC().Status(ctx)
	if err != nil {
		return time.Time{}, err
	}
	return st.SyncInfo.LatestBlockTime.UTC(), nil
}

// query reads path (unproven) into v; it reports whether the record
// exists.
func (c *chain) query(t testing.TB, path string, v any) bool {
	t.Helper()
	res, err := c.cl.Query(ctxOf(t), path, client.QueryOptions{})
	var qe *client.QueryError
	if err != nil && errors.As(err, &qe) {
		return false
	}
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(res.Value, v))
	return true
}

func (c *chain) request(t testing.TB, id uint64) *sharing.Request {
	t.Helper()
	var q sharing.Request
	require.True(t, c.query(t, "/sharing/request/"+core.Dec(id), &q), "request %d", id)
	return &q
}

// logKinds returns the kinds of the subject's access log entries, in
// order.
func (c *chain) logKinds(t testing.TB, subject string) []string {
	t.Helper()
	res, err := c.cl.Query(ctxOf(t), "/sharing/log/"+subject, client.QueryOptions{Prove: true})
	require.NoError(t, err)
	var entries []client.Entry
	require.NoError(t, json.Unmarshal(res.Value, &entries))
	var kinds []string
	for _, e := range entries[1:] {
		var le sharing.LogEntry
		require.NoError(t, json.Unmarshal(e.Value, &le))
		kinds = append(kinds, le.Kind)
	}
	return kinds
}

func docHash(s string) core.Hash { return sha256.Sum256([]byte(s)) }

// scenario is one test's data: a class of the interior ministry with its
// subjects (persons), interior's database loaded with their records, a
// grant of the class's address and income to finance, and interior's
// data service serving in this process.
type scenario struct {
	c        *chain
	class    string
	subjects []string
	ownerDB  string
	owner    *datasvc.Store
	grant    uint64
	url      string
	stop     func()
}

// classFields are the fields of every test class; the grant covers
// address and income.
var classFields = []string{"address", "income", "name"}

func record(subject string, version int) map[string]string {
	return map[string]string{"address": fmt.Sprintf("%d Main St", version), "income": strconv.Itoa(50000 + version), "name": "Person " + subject}
}

func loadFile(t testing.TB, records map[string]map[string]string, subjects ...string) string {
	t.Helper()
	var b strings.Builder
	for _, s := range subjects {
		line, err := json.Marshal(datasvc.Line{Subject: s, Fields: records[s]})
		require.NoError(t, err)
		b.Write(line)
		b.WriteByte('\n')
	}
	f := filepath.Join(t.TempDir(), "records.jsonl")
	require.NoError(t, os.WriteFile(f, []byte(b.String()), 0o600))
	return f
}

func newScenario(t testing.TB, class string, n int) *scenario {
	t.Helper()
	c := devChain(t)
	s := &scenario{c: c, class: class, ownerDB: filepath.Join(t.TempDir(), "interior.db")}
	var persons []core.Msg
	records := map[string]map[string]string{}
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("%s-P%d", class, i)
		s.subjects = append(s.subjects, id)
		records[id] = record(id, 1)
		persons = append(persons, &identity.RegisterPerson{PersonID: id, DocumentHash: docHash(id),
			Commitments: []identity.Commitment{{Attribute: "name", Commitment: docHash("salt " + id)}}})
	}
	c.submitAll(t, "civil-registrar", persons...)
	c.submit(t, "admin-interior", &sharing.DeclareClass{ClassID: class, Description: "test records", Fields: classFields,
		Purposes: []string{"benefit_eligibility", "law_enforcement"}})
	var err error
	s.owner, err = datasvc.Open(s.ownerDB)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.owner.Close() })
	s.load(t, records)
	s.grant = s.newGrant(t, time.Hour)
	s.serve(t)
	return s
}

// load loads records of the scenario's subjects into interior's
// database and commits them.
func (s *scenario) load(t testing.TB, records map[string]map[string]string) *datasvc.LoadResult {
	t.Helper()
	in, err := os.Open(loadFile(t, records, s.subjects...))
	require.NoError(t, err)
	defer in.Close()
	res, err := datasvc.Load(ctxOf(t), s.owner, s.c.reader(), s.c.signer(t, "datasvc-interior"), s.class, in)
	require.NoError(t, err)
	require.Empty(t, res.Refused)
	return res
}

// newGrant grants finance the class's address and income until ttl
// after the latest block, and returns its id.
func (s *scenario) newGrant(t testing.TB, ttl time.Duration) uint64 {
	t.Helper()
	now, err := s.c.blockTime(ctxOf(t))
	require.NoError(t, err)
	res := s.c.submit(t, "admin-interior", &sharing.CreateGrant{Grantee: "finance", ClassID: s.class, Fields: []string{"address", "income"},
		Purpose: "benefit_eligibility", LegalBasis: "Social Benefits Act s. 12", LegalBasisHash: docHash("act"),
		ExpiresAt: now.Add(ttl).Truncate(time.Second), MaxRequests: 1000, PeriodSeconds: 3600})
	id, ok := res.Attr("grant_id")
	require.True(t, ok)
	n, err := strconv.ParseUint(id, 10, 64)
	require.NoError(t, err)
	return n
}

// serve runs interior's data service on a free port until the test ends.
func (s *scenario) serve(t testing.TB) {
	t.Helper()
	srv, err := datasvc.NewServer(ctxOf(t), datasvc.Config{Store: s.owner, Reader: s.c.reader(), Signer: s.c.signer(t, "datasvc-interior")})
	require.NoError(t, err)
	require.Equal(t, "interior", srv.Agency())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s.url = "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, nil) }()
	s.stop = func() {
		s.stop = func() {}
		cancel()
		require.NoError(t, <-done, "the service stops cleanly")
	}
	t.Cleanup(func() { s.stop() })
}

// request posts officer-finance's request for fields of subject under
// grant and returns its id, with the refusal if the chain refused it.
func (s *scenario) request(t testing.TB, grant uint64, subject string, fields ...string) (uint64, error) {
	t.Helper()
	res, err := s.c.try(ctxOf(t), "officer-finance", &sharing.RequestAccess{GrantID: grant, Subject: subject, Fields: fields,
		Purpose: "benefit_eligibility", CaseRef: docHash("case " + subject)})
	require.NotNil(t, res, "%v", err)
	id, ok := res.Attr("request_id")
	require.True(t, ok, "the request is recorded: %v", err)
	n, perr := strconv.ParseUint(id, 10, 64)
	require.NoError(t, perr)
	return n, err
}

// allowed is request, requiring the chain to allow it.
func (s *scenario) allowed(t testing.TB, subject string) uint64 {
	t.Helper()
	id, err := s.request(t, s.grant, subject, "address", "income")
	require.NoError(t, err)
	return id
}

func (s *scenario) fetcher(t testing.TB, st *datasvc.Store) *datasvc.Fetcher {
	return &datasvc.Fetcher{Store: st, Reader: s.c.reader(), Signer: s.c.signer(t, "officer-finance"), ReceiptWait: 20 * time.Second}
}

// post sends a payload request body to the service and returns the
// status and the decoded answer.
func (s *scenario) post(t testing.TB, id uint64, body any) (int, datasvc.ErrorResponse, []byte) {
	t.Helper()
	b, err := json.Marshal(body)
	require.NoError(t, err)
	resp, err := http.Post(fmt.Sprintf("%s/v1/requests/%d/payload", s.url, id), "application/json", bytes.NewReader(b))
	require.NoError(t, err)
	defer resp.Body.Close()
	var raw bytes.Buffer
	_, err = raw.ReadFrom(resp.Body)
	require.NoError(t, err)
	var e datasvc.ErrorResponse
	if resp.StatusCode != http.StatusOK {
		require.NoError(t, json.Unmarshal(raw.Bytes(), &e), raw.String())
	}
	return resp.StatusCode, e, raw.Bytes()
}

// signed is officer-finance's payload request for id, signed now.
func (s *scenario) signed(t testing.TB, id uint64) *datasvc.PayloadRequest {
	t.Helper()
	key, err := s.c.kr.Get("officer-finance")
	require.NoError(t, err)
	pr, err := datasvc.SignPayloadRequest(key, s.c.chainID, id, key.Address(), time.Now())
	require.NoError(t, err)
	return pr
}

// requireNothingServed requires that request id has no delivery stored
// in interior's database and no receipt on chain.
func (s *scenario) requireNothingServed(t testing.TB, id uint64) {
	t.Helper()
	d, err := s.owner.Delivery(ctxOf(t), id)
	require.NoError(t, err)
	require.Nil(t, d, "nothing stored for request %d", id)
	var q sharing.Request
	if s.c.query(t, "/sharing/request/"+core.Dec(id), &q) {
		require.Nil(t, q.Delivery, "no receipt for request %d", id)
	}
}

func requireJSON(t testing.TB, b []byte, v any) {
	t.Helper()
	require.NoError(t, json.Unmarshal(b, v), string(b))
}

func openFile(t testing.TB, path string) *os.File {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	return f
}
