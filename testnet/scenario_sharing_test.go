package testnet

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/datasvc"
)

// TestScenarioSharing is the multi-node scenario of data sharing between
// agencies (issue 11): four ministries' validators, ministry-1 the owner
// of a class of records served by its data service (a govchain datasvc
// serve process beside its validator, on its own SQLite database),
// ministry-0 the requester, whose data officer posts a stream of access
// requests (allowed ones, and refusals: a field outside the grant, a
// subject outside it, another purpose, another agency's grant of another
// class, a grant that does not exist) and fetches every allowed one with
// govchain datasvc fetch. In the middle of the stream:
//
//   - a validator is killed with SIGKILL while a delivery is in flight,
//     stays down while requests go on, and is restarted (in the short
//     version it is the owner's own validator, the data service's node:
//     nothing is served while it is down);
//   - the data service is killed with SIGKILL while a delivery is in
//     flight, stays down while requests go on, and is restarted;
//   - the faultinject build's hook kills the data service after it stored
//     a delivery and before it posted the receipt; restarted, it posts
//     the receipt before it serves anything.
//
// Every delivery pending across a restart completes, exactly once. At the
// end every node agrees on every block and app hash, and at one common
// height on every request (allowed or refused, with its code), every
// receipt and every subject's access log, each log proven complete by a
// complete certificate verified offline against the genesis; the logs
// count exactly the requests and deliveries made, and both data services'
// databases hold what the chain says was delivered. The long version
// (GOVCHAIN_E2E_FULL=1) repeats the validator and data service faults
// three times, killing the validators of ministries 1, 2 and 3 in turn.
func TestScenarioSharing(t *testing.T) {
	t.Parallel()
	rounds := 1
	if fullE2E() {
		rounds = 3
	}
	seed := scenarioSeed(t)
	nw := startNetwork(t, netConfig{validators: 4})
	live := watchLiveness(nw)
	s := newShareScenario(t, nw, rand.New(rand.NewPCG(seed, 11)))
	s.setup()

	for round := 0; round < rounds; round++ {
		// Requests and deliveries with nothing failing.
		s.stream(shareKindAllowed, shareKindAllowed, shareKindAllowed, shareKindFieldNotCovered, shareKindSubjectNotCovered)
		// The owner's validator, then those of ministries no party of
		// the exchange uses.
		s.killValidator(nw.nodes[shareOwner+round%3])
		s.killService()
	}
	s.crashAfterStore()
	s.stream(shareKindAllowed, shareKindAllowed, shareKindFieldNotCovered)
	s.refetchDelivered()
	stall := live.stop()
	t.Logf("longest time without a new block: %s", stall.Round(time.Millisecond))
	require.Less(t, stall, 15*time.Second, "liveness: the chain stalled with at most one validator of four down")
	s.stopService()

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	s.check(ctx)
}

// The ministries of the scenario, by node index: ministry-1 owns the
// records, ministry-0 requests them, ministry-2 holds a grant of another
// class (which ministry-0 may not use).
const (
	shareRequester = 0
	shareOwner     = 1
	shareOther     = 2
)

// The owner's classes: income, granted to the requester for some fields
// and subjects; health, granted to the other ministry only.
const (
	shareClass      = "income"
	shareOtherClass = "health"
	sharePurpose    = "benefit_eligibility"
	shareKeyOwner   = "m1-key-1"
	shareKeyReq     = "m0-key-1"
	shareNoGrant    = 999
)

// shareFields are the income class's fields; the grant covers the first
// two.
var shareFields = []string{"annual_income", "tax_band", "employer"}

// shareKind is one kind of access request the officer makes.
type shareKind int

const (
	shareKindAllowed           shareKind = iota
	shareKindFieldNotCovered             // a field outside the grant's
	shareKindSubjectNotCovered           // a subject outside the grant's
	shareKindPurposeMismatch             // another purpose than the grant's
	shareKindNotGrantee                  // another agency's grant, of another class
	shareKindNoGrant                     // a grant that does not exist
)

// code is the result code the chain refuses the kind with (0: allowed).
func (k shareKind) code() uint32 {
	switch k {
	case shareKindFieldNotCovered:
		return sharing.ErrFieldNotCovered.Code()
	case shareKindSubjectNotCovered:
		return sharing.ErrSubjectNotCovered.Code()
	case shareKindPurposeMismatch:
		return sharing.ErrPurposeMismatch.Code()
	case shareKindNotGrantee:
		return sharing.ErrNotGrantee.Code()
	case shareKindNoGrant:
		return sharing.ErrGrantNotFound.Code()
	}
	return 0
}

// shareSubject is a person whose income record the owner holds.
type shareSubject struct {
	id      string
	values  map[string]string
	covered bool // by the requester's grant
}

// shareRequest is one access request the officer made and what became of
// it.
type shareRequest struct {
	id      uint64
	kind    shareKind
	subject string
	fields  []string
	height  int64
	// payload is the hash of the payload fetched, once fetched.
	payload core.Hash
	fetched bool
}

// shareScenario is the state of TestScenarioSharing.
type shareScenario struct {
	t   *testing.T
	nw  *network
	rng *rand.Rand
	// owner and requester are the two ministries' validators, whose homes
	// hold their keys and data service databases.
	owner, requester *node
	// svc is the owner's data service process; svcURL its address.
	svc    *node
	svcURL string
	grant  uint64 // the requester's grant of the income class
	other  uint64 // the other ministry's grant of the health class
	subs   []shareSubject
	reqs   []*shareRequest
	// nextCase numbers the case references.
	nextCase int
	// fetchTime is the mean time of a fetch that succeeded at its first
	// attempt, over fetches of them: a fault strikes a fetch in flight at
	// a random point of that time (faultDelay).
	fetchTime time.Duration
	fetches   int
}

func newShareScenario(t *testing.T, nw *network, rng *rand.Rand) *shareScenario {
	s := &shareScenario{t: t, nw: nw, rng: rng, owner: nw.nodes[shareOwner], requester: nw.nodes[shareRequester]}
	// The key names below are testnet init's for these two ministries.
	require.Equal(t, "ministry-1", s.owner.agency)
	require.Equal(t, "ministry-0", s.requester.agency)
	for i := 1; i <= 4; i++ {
		s.subs = append(s.subs, shareSubject{id: fmt.Sprintf("subj-%d", i), covered: i <= 3, values: map[string]string{
			"annual_income": strconv.Itoa(30000 + 1750*i), "tax_band": string(rune('A' + i%3)), "employer": fmt.Sprintf("Employer %d Ltd", i),
		}})
	}
	// The data service listens beside the nodes of the network's block,
	// on an address no node or proxy uses.
	host := s.owner.p2pAddr[:strings.LastIndexByte(s.owner.p2pAddr, '.')+1] + "200"
	l, err := net.Listen("tcp", host+":0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	s.svcURL = "http://" + addr
	home := filepath.Join(nw.dir, "datasvc-ministry-1")
	require.NoError(t, os.MkdirAll(home, 0o700))
	s.svc = &node{tb: t, name: "datasvc-ministry-1", home: home, bin: faultBinary,
		args: []string{"datasvc", "serve", "--home", s.owner.home, "--node", s.owner.rpc, "--from", "datasvc-ministry-1", "--listen", addr}}
	t.Cleanup(s.svc.Kill)
	return s
}

// cliRun is one run of the govchain command line.
type cliRun struct {
	args        []string
	out, errOut string
	code        int
	err         error // the command could not run at all
}

func (r cliRun) String() string {
	return fmt.Sprintf("govchain %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(r.args, " "), r.code, r.out, r.errOut)
}

// govchain runs the binary with args through startProcess, so that it
// dies with the test binary, and kills it if it has not ended within two
// minutes. It never uses the test's t, so that a goroutine may call it.
func govchain(args ...string) cliRun {
	cmd := exec.Command(binary, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	r := cliRun{args: args}
	done, err := startProcess(cmd)
	if err != nil {
		r.err = err
		return r
	}
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		r.err = errors.New("killed after two minutes")
	}
	// done is closed after Wait, which copied all the output.
	r.out, r.errOut, r.code = out.String(), errOut.String(), cmd.ProcessState.ExitCode()
	return r
}

// as runs a command with the keyring and databases of home's ministry,
// through via's RPC.
func (s *shareScenario) as(home, via *node, args ...string) cliRun {
	s.t.Helper()
	r := govchain(append(args, "--home", home.home, "--node", via.rpc)...)
	require.NoError(s.t, r.err, "%s", r)
	return r
}

// tx posts a transaction of home's ministry through its own node and
// requires it to succeed.
func (s *shareScenario) tx(home *node, args ...string) *client.TxResult {
	s.t.Helper()
	r := s.as(home, home, append(append([]string{"tx"}, args...), "-o", "json")...)
	require.Equal(s.t, 0, r.code, "%s", r)
	var res client.TxResult
	require.NoError(s.t, json.Unmarshal([]byte(r.out), &res), "%s", r)
	require.Zero(s.t, res.Code)
	return &res
}

// attr returns a result's event attribute as a number.
func (s *shareScenario) attr(res *client.TxResult, key string) uint64 {
	s.t.Helper()
	v, ok := res.Attr(key)
	require.True(s.t, ok, "event attribute %s in %+v", key, res.Events)
	n, err := strconv.ParseUint(v, 10, 64)
	require.NoError(s.t, err)
	return n
}

// setup makes the subjects persons, declares the classes, makes and
// registers both ministries' keys, loads the records through the owner's
// data service, grants, and starts the data service.
func (s *shareScenario) setup() {
	t := s.t
	start := time.Now()
	hex64 := func(b string) string { h := sha256.Sum256([]byte(b)); return hex.EncodeToString(h[:]) }
	s.tx(s.owner, "agency", "grant-role", "--from", "admin-ministry-1", "--account", "registrar-ministry-1", "--role", string(core.RoleCivilRegistrar))
	for _, sub := range s.subs {
		s.tx(s.owner, "identity", "register-person", "--from", "registrar-ministry-1", "--person-id", sub.id,
			"--commitment", "name:"+hex64("name of "+sub.id), "--document-hash", hex64("birth record of "+sub.id))
	}
	s.tx(s.owner, "sharing", "declare-class", "--from", "admin-ministry-1", "--class-id", shareClass, "--description", "Income statement",
		"--field", shareFields[0], "--field", shareFields[1], "--field", shareFields[2], "--purpose", sharePurpose, "--purpose", "tax_assessment")
	s.tx(s.owner, "sharing", "declare-class", "--from", "admin-ministry-1", "--class-id", shareOtherClass, "--description", "Medical bills",
		"--field", "diagnosis", "--field", "insurer", "--purpose", "health_care")

	// Each ministry's data service makes its key; its admin registers it.
	for _, k := range []struct {
		nd        *node
		admin, id string
	}{{s.owner, "admin-ministry-1", shareKeyOwner}, {s.requester, "admin-ministry-0", shareKeyReq}} {
		r := s.as(k.nd, k.nd, "datasvc", "keygen", "--suite", "x25519", "--key-id", k.id, "-o", "json")
		require.Equal(t, 0, r.code, "%s", r)
		var key datasvc.KeyInfo
		require.NoError(t, json.Unmarshal([]byte(r.out), &key), "%s", r)
		s.tx(k.nd, "sharing", "register-key", "--from", k.admin, "--key-id", k.id, "--suite", key.Suite,
			"--public-key", hex.EncodeToString(key.PublicKey), "--valid-for", "8760h")
	}

	// The records, stored in the owner's database and committed on chain;
	// a second load posts nothing.
	var lines []string
	for _, sub := range s.subs {
		b, err := json.Marshal(map[string]any{"subject": sub.id, "fields": sub.values})
		require.NoError(t, err)
		lines = append(lines, string(b))
	}
	file := filepath.Join(s.nw.dir, "income.jsonl")
	require.NoError(t, os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600))
	for i, want := range []datasvc.LoadResult{
		{Class: shareClass, Agency: "ministry-1", Lines: 4, New: 4, Committed: 4},
		{Class: shareClass, Agency: "ministry-1", Lines: 4, Unchanged: 4},
	} {
		r := s.as(s.owner, s.owner, "datasvc", "load", "--class", shareClass, "--file", file, "--from", "datasvc-ministry-1", "-o", "json")
		require.Equal(t, 0, r.code, "load %d: %s", i+1, r)
		var got datasvc.LoadResult
		require.NoError(t, json.Unmarshal([]byte(r.out), &got), "%s", r)
		require.Equal(t, want, got, "load %d", i+1)
	}

	res := s.tx(s.owner, "sharing", "create-grant", "--from", "admin-ministry-1", "--grantee", "ministry-0", "--class-id", shareClass,
		"--field", shareFields[0], "--field", shareFields[1], "--subject", s.subs[0].id, "--subject", s.subs[1].id, "--subject", s.subs[2].id,
		"--purpose", sharePurpose, "--legal-basis", "Benefits Act s.12", "--legal-basis-hash", hex64("Benefits Act"),
		"--expires-in", "720h", "--max-requests", "1000", "--period-seconds", "86400")
	s.grant = s.attr(res, "grant_id")
	res = s.tx(s.owner, "sharing", "create-grant", "--from", "admin-ministry-1", "--grantee", s.nw.nodes[shareOther].agency, "--class-id", shareOtherClass,
		"--field", "diagnosis", "--purpose", "health_care", "--legal-basis", "Health Act s.3", "--legal-basis-hash", hex64("Health Act"),
		"--expires-in", "720h", "--max-requests", "1000", "--period-seconds", "86400")
	s.other = s.attr(res, "grant_id")
	require.NotEqual(t, uint64(shareNoGrant), s.grant)
	require.NotEqual(t, uint64(shareNoGrant), s.other)

	s.startService()
	t.Logf("setup: 4 persons, 2 classes, 2 keys, 4 records, 2 grants, data service up, in %s", time.Since(start).Round(time.Millisecond))
}

// startService starts the owner's data service, with env added to its
// environment, and waits until it answers (it answers once every stored
// delivery is settled).
func (s *shareScenario) startService(env ...string) {
	s.t.Helper()
	s.svc.env = env
	done := s.svc.Spawn()
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := http.Get(s.svcURL + datasvc.PathHealth)
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-done:
			s.t.Fatalf("the data service exited while starting; log:\n%s", s.svc.Tail())
		default:
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("the data service did not answer within a minute; log:\n%s", s.svc.Tail())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stopService stops the data service with SIGTERM and requires a clean
// exit: the requests in flight finished, code 0.
func (s *shareScenario) stopService() {
	t := s.t
	t.Helper()
	pid := s.svc.Pid()
	require.NotZero(t, pid, "the data service is not running")
	require.NoError(t, syscall.Kill(pid, syscall.SIGTERM))
	ended, code := s.svc.Exited(30 * time.Second)
	require.True(t, ended, "the data service did not stop on SIGTERM; log:\n%s", s.svc.Tail())
	require.Equal(t, 0, code, "log:\n%s", s.svc.Tail())
	require.Contains(t, s.svc.Log(), "stopped cleanly")
}

// stream posts one request of each kind, in a random order, and fetches
// each allowed one at once.
func (s *shareScenario) stream(kinds ...shareKind) {
	s.t.Helper()
	s.rng.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	for _, k := range kinds {
		if r := s.request(k); k == shareKindAllowed {
			s.fetchDone(r)
		}
	}
}

// request has ministry-0's officer post a request of kind k through its
// own node (ministry-0's, which is never killed), on a random subject the
// kind fits, and requires the chain's outcome to be the kind's.
func (s *shareScenario) request(k shareKind) *shareRequest {
	t := s.t
	t.Helper()
	var covered []string
	for _, sub := range s.subs {
		if sub.covered {
			covered = append(covered, sub.id)
		}
	}
	q := &shareRequest{kind: k, subject: covered[s.rng.IntN(len(covered))]}
	grant, purpose := s.grant, sharePurpose
	switch k {
	case shareKindAllowed, shareKindPurposeMismatch, shareKindNoGrant:
		// One or both of the granted fields.
		q.fields = [][]string{{shareFields[0]}, {shareFields[1]}, {shareFields[0], shareFields[1]}}[s.rng.IntN(3)]
	case shareKindFieldNotCovered:
		q.fields = []string{shareFields[0], shareFields[2]}
	case shareKindSubjectNotCovered:
		q.subject = s.subs[3].id
		q.fields = []string{shareFields[0]}
	}
	switch k {
	case shareKindPurposeMismatch:
		purpose = "tax_assessment"
	case shareKindNotGrantee:
		grant, purpose, q.fields = s.other, "health_care", []string{"diagnosis"}
	case shareKindNoGrant:
		grant = shareNoGrant
	}
	slices.Sort(q.fields)
	s.nextCase++
	caseRef := sha256.Sum256([]byte(fmt.Sprintf("case %d", s.nextCase)))
	args := []string{"tx", "sharing", "request-access", "--from", "officer-ministry-0", "--grant-id", strconv.FormatUint(grant, 10),
		"--subject", q.subject, "--purpose", purpose, "--case-ref", hex.EncodeToString(caseRef[:]), "-o", "json"}
	for _, f := range q.fields {
		args = append(args, "--field", f)
	}
	r := s.as(s.requester, s.requester, args...)
	var res client.TxResult
	require.NoError(t, json.Unmarshal([]byte(r.out), &res), "%s", r)
	require.Equal(t, k.code(), res.Code, "%s", r)
	if k == shareKindAllowed {
		require.Equal(t, 0, r.code, "%s", r)
	} else {
		require.Equal(t, 1, r.code, "a refusal exits 1: %s", r)
		require.Contains(t, r.errOut, fmt.Sprintf(`"code":%d`, k.code()), "%s", r)
	}
	q.id, q.height = s.attr(&res, "request_id"), res.Height
	require.Equal(t, uint64(len(s.reqs)+1), q.id, "requests are numbered in order, refused ones too")
	s.reqs = append(s.reqs, q)
	return q
}

// shareFetched is what datasvc fetch -o json prints.
type shareFetched struct {
	RequestID     uint64            `json:"request_id"`
	Owner         string            `json:"owner"`
	Class         string            `json:"class"`
	Subject       string            `json:"subject"`
	KeyID         string            `json:"key_id"`
	PayloadHash   core.Hash         `json:"payload_hash"`
	ReceiptHeight int64             `json:"receipt_height"`
	Fields        map[string]string `json:"fields"`
}

// fetchArgs are the arguments of ministry-0's officer's fetch of q from
// the owner's data service, through ministry-0's node.
func (s *shareScenario) fetchArgs(q *shareRequest) []string {
	return []string{"datasvc", "fetch", "--request", strconv.FormatUint(q.id, 10), "--service", s.svcURL,
		"--from", "officer-ministry-0", "--receipt-wait", "30s", "-o", "json", "--home", s.requester.home, "--node", s.requester.rpc}
}

// fetched checks a successful fetch of q: the fields requested, with the
// values loaded, sealed to the requester's key, opened and checked
// against the commitments; and records its payload hash, which must be
// the one any earlier fetch got.
func (s *shareScenario) fetched(q *shareRequest, r cliRun) {
	t := s.t
	t.Helper()
	require.Equal(t, 0, r.code, "%s", r)
	var got shareFetched
	require.NoError(t, json.Unmarshal([]byte(r.out), &got), "%s", r)
	want := map[string]string{}
	for _, sub := range s.subs {
		if sub.id == q.subject {
			for _, f := range q.fields {
				want[f] = sub.values[f]
			}
		}
	}
	require.Equal(t, shareFetched{RequestID: q.id, Owner: "ministry-1", Class: shareClass, Subject: q.subject, KeyID: shareKeyReq,
		PayloadHash: got.PayloadHash, ReceiptHeight: got.ReceiptHeight, Fields: want}, got)
	require.Positive(t, got.ReceiptHeight)
	if q.fetched {
		require.Equal(t, q.payload, got.PayloadHash, "request %d: a second fetch gets the same payload", q.id)
	}
	q.payload, q.fetched = got.PayloadHash, true
}

// transient reports whether a failed fetch may succeed if tried again:
// the service could not be reached, or could not reach the chain, or its
// node had not yet applied the block of the request.
func transient(r cliRun) bool {
	for _, s := range []string{"cannot reach the data service", "(HTTP 503", "(HTTP 404"} {
		if strings.Contains(r.errOut, s) {
			return true
		}
	}
	return false
}

// fetchDone fetches q until it succeeds, retrying a transient failure
// for at most a minute.
func (s *shareScenario) fetchDone(q *shareRequest) {
	t := s.t
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for attempt := 0; ; attempt++ {
		start := time.Now()
		r := govchain(s.fetchArgs(q)...)
		require.NoError(t, r.err, "%s", r)
		if r.code == 0 {
			if attempt == 0 {
				s.fetchTime = (s.fetchTime*time.Duration(s.fetches) + time.Since(start)) / time.Duration(s.fetches+1)
				s.fetches++
			}
			s.fetched(q, r)
			return
		}
		require.True(t, transient(r), "%s", r)
		require.True(t, time.Now().Before(deadline), "request %d is still not delivered: %s\nservice log:\n%s", q.id, r, s.svc.Tail())
		time.Sleep(500 * time.Millisecond)
	}
}

// faultDelay is how long after a fetch starts a fault strikes it: a
// random point of a fetch's usual time, so that over runs it falls before
// the service is reached, while it reads the chain, between storing the
// delivery and the receipt's block, and after the answer.
func (s *shareScenario) faultDelay() time.Duration {
	d := s.fetchTime
	if d <= 0 {
		d = time.Second
	}
	return time.Duration(s.rng.Int64N(int64(d)))
}

// fetchAsync starts a fetch of q in a goroutine; the channel gives its
// outcome.
func (s *shareScenario) fetchAsync(q *shareRequest) <-chan cliRun {
	out := make(chan cliRun, 1)
	args := s.fetchArgs(q)
	go func() { out <- govchain(args...) }()
	return out
}

// settleAsync takes the outcome of a fetch started before a fault: a
// success is checked; a transient failure leaves q pending.
func (s *shareScenario) settleAsync(q *shareRequest, done <-chan cliRun) string {
	s.t.Helper()
	var r cliRun
	select {
	case r = <-done:
	case <-time.After(3 * time.Minute):
		s.t.Fatalf("the fetch of request %d did not end", q.id)
	}
	require.NoError(s.t, r.err, "%s", r)
	if r.code == 0 {
		s.fetched(q, r)
		return "delivered before the fault"
	}
	require.True(s.t, transient(r), "%s", r)
	return "pending: " + strings.TrimSpace(r.errOut)
}

// pending returns the allowed requests not fetched yet.
func (s *shareScenario) pending() []*shareRequest {
	var out []*shareRequest
	for _, q := range s.reqs {
		if q.kind == shareKindAllowed && !q.fetched {
			out = append(out, q)
		}
	}
	return out
}

// noReceipt requires the chain (ministry-0's node) to hold no receipt of q.
func (s *shareScenario) noReceipt(q *shareRequest) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, _, err := s.requester.Client().SharingRequest(ctx, q.id, client.QueryOptions{Prove: true})
	require.NoError(s.t, err)
	require.Nil(s.t, got.Delivery, "request %d has a receipt though nothing was served", q.id)
}

// strike posts an allowed request, starts its fetch, and runs fault at a
// random point of the fetch (faultDelay); it returns when the fault
// struck and what became of the fetch.
func (s *shareScenario) strike(fault func()) string {
	s.t.Helper()
	q := s.request(shareKindAllowed)
	inFlight := s.fetchAsync(q)
	delay := s.faultDelay()
	time.Sleep(delay)
	fault()
	return fmt.Sprintf("%s into the fetch of request %d (a fetch takes about %s); the fetch: %s",
		delay.Round(time.Millisecond), q.id, s.fetchTime.Round(time.Millisecond), s.settleAsync(q, inFlight))
}

// killValidator kills v with SIGKILL while a delivery is in flight, keeps
// it down while the officer makes more requests (allowed and refused),
// restarts it, waits until it is back at the tip, and then fetches every
// pending delivery. If v is the owner's node, nothing can be served while
// it is down: the service reads and writes the chain through it only.
func (s *shareScenario) killValidator(v *node) {
	t := s.t
	t.Helper()
	var at int64
	struck := s.strike(func() { at, _ = v.Height(); v.Kill() })
	t.Logf("killed %s at height %d, %s", v.name, at, struck)

	kinds := []shareKind{shareKindAllowed, shareKindAllowed, shareKindPurposeMismatch, shareKindNotGrantee}
	s.rng.Shuffle(len(kinds), func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })
	var down []*shareRequest
	for _, k := range kinds {
		if r := s.request(k); k == shareKindAllowed {
			down = append(down, r)
		}
	}
	if v == s.nw.nodes[shareOwner] {
		r := govchain(s.fetchArgs(down[0])...)
		require.NotZero(t, r.code, "served with the service's node down: %s", r)
		require.Contains(t, r.errOut, "(HTTP 503", "%s", r)
		s.noReceipt(down[0])
	} else {
		s.fetchDone(down[0])
	}
	time.Sleep(time.Second + time.Duration(s.rng.Int64N(int64(2*time.Second))))
	v.Start()
	took := s.nw.waitTip(v, 30*time.Second)
	pending := s.pending()
	for _, p := range pending {
		s.fetchDone(p)
	}
	t.Logf("%s back at the tip in %s; %d pending deliveries completed", v.name, took.Round(time.Millisecond), len(pending))
}

// killService kills the data service with SIGKILL while a delivery is in
// flight, keeps it down while the officer makes more requests, restarts
// it, and fetches every pending delivery.
func (s *shareScenario) killService() {
	t := s.t
	t.Helper()
	t.Logf("killed the data service %s", s.strike(s.svc.Kill))

	down := s.request(shareKindAllowed)
	s.request(shareKindNoGrant)
	r := govchain(s.fetchArgs(down)...)
	require.NotZero(t, r.code, "served with the service down: %s", r)
	require.Contains(t, r.errOut, "cannot reach the data service", "%s", r)
	s.noReceipt(down)

	s.startService()
	settled := s.lastSettled()
	pending := s.pending()
	for _, p := range pending {
		s.fetchDone(p)
	}
	t.Logf("data service restarted (%s); %d pending deliveries completed", settled[strings.Index(settled, "pending="):], len(pending))
}

// crashAfterStore restarts the data service on the faultinject build's
// hook that kills it after it stored a delivery and before it posted the
// receipt. Nothing is served and the chain holds no receipt; restarted,
// the service posts the receipt of the stored payload before it answers,
// and serves those same bytes.
func (s *shareScenario) crashAfterStore() {
	t := s.t
	t.Helper()
	s.stopService()
	s.startService("GOVCHAIN_FAULT_DATASVC=after-store") // the faultinject build's hook (datasvc/faults_inject.go)
	q := s.request(shareKindAllowed)
	r := govchain(s.fetchArgs(q)...)
	require.NotZero(t, r.code, "%s", r)
	require.Contains(t, r.errOut, "cannot reach the data service", "%s", r)
	ended, code := s.svc.Exited(30 * time.Second)
	require.True(t, ended, "the data service did not crash; log:\n%s", s.svc.Tail())
	require.Equal(t, -1, code, "killed by a signal")
	require.Contains(t, s.svc.Log(), fmt.Sprintf("fault injection: killing the data service after storing the delivery of request %d", q.id))

	st := s.status(s.owner)
	i := slices.IndexFunc(st.Deliveries, func(d datasvc.Delivery) bool { return d.RequestID == q.id })
	require.GreaterOrEqual(t, i, 0, "the delivery of request %d was stored before the crash", q.id)
	stored := st.Deliveries[i]
	require.False(t, stored.Confirmed())
	s.noReceipt(q)

	s.startService()
	require.Contains(t, s.lastSettled(), `pending=1 found=0 posted=1 removed=0 conflicts=0`, "the stored delivery's receipt is posted at start")
	// The receipt was committed through the owner's validator; the
	// requester's validator reads it once it has that block too.
	st = s.status(s.owner)
	i = slices.IndexFunc(st.Deliveries, func(d datasvc.Delivery) bool { return d.RequestID == q.id })
	require.GreaterOrEqual(t, i, 0)
	require.True(t, st.Deliveries[i].Confirmed(), "the delivery's receipt is confirmed at start")
	s.requester.WaitHeight(st.Deliveries[i].ReceiptHeight, time.Now().Add(30*time.Second))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	got, _, err := s.requester.Client().SharingRequest(ctx, q.id, client.QueryOptions{Prove: true})
	require.NoError(t, err)
	require.NotNil(t, got.Delivery, "the receipt is posted before the service answers")
	require.Equal(t, stored.PayloadHash, got.Delivery.PayloadHash)
	s.fetchDone(q)
	require.Equal(t, stored.PayloadHash, q.payload, "the stored bytes are served")
	t.Logf("data service crashed after storing request %d's delivery; restarted, it posted the receipt and served it", q.id)
}

// lastSettled is the data service's log line of its latest start that
// says what it found stored and settled.
func (s *shareScenario) lastSettled() string {
	s.t.Helper()
	var last string
	for _, l := range strings.Split(s.svc.Log(), "\n") {
		if strings.Contains(l, `msg="stored deliveries settled"`) {
			last = l
		}
	}
	require.NotEmpty(s.t, last, "the data service logged no start")
	return last
}

// refetchDelivered fetches a delivered request again: the same payload,
// and no second receipt (check counts the receipts).
func (s *shareScenario) refetchDelivered() {
	s.t.Helper()
	var done []*shareRequest
	for _, q := range s.reqs {
		if q.fetched {
			done = append(done, q)
		}
	}
	require.NotEmpty(s.t, done)
	s.fetchDone(done[s.rng.IntN(len(done))])
	// A refused request is not fetched: the officer's side refuses it
	// before asking the service.
	for _, q := range s.reqs {
		if q.kind != shareKindAllowed {
			r := govchain(s.fetchArgs(q)...)
			require.NotZero(s.t, r.code, "%s", r)
			require.Contains(s.t, r.errOut, fmt.Sprintf("request %d was refused on chain", q.id), "%s", r)
			break
		}
	}
}

// status reads the data service database of nd's ministry.
func (s *shareScenario) status(nd *node) *datasvc.Status {
	s.t.Helper()
	r := s.as(nd, nd, "datasvc", "status", "-o", "json")
	require.Equal(s.t, 0, r.code, "%s", r)
	var st datasvc.Status
	require.NoError(s.t, json.Unmarshal([]byte(r.out), &st), "%s", r)
	return &st
}

// check is the end of the scenario, with every process but the data
// service running: safety on every block; at one common height, the same
// requests, receipts and access logs on every node, each log proven
// complete by a certificate verified offline, and counted; and both
// databases agreeing with the chain.
func (s *shareScenario) check(ctx context.Context) {
	t := s.t
	t.Helper()
	nw := s.nw
	nw.waitHeight(nw.maxHeight()+1, 30*time.Second)
	nw.checkSafety(ctx)
	top := int64(-1)
	for _, nd := range nw.nodes {
		h, err := nd.Height()
		require.NoError(t, err)
		if top < 0 || h < top {
			top = h
		}
	}
	height := top - 1 // header top, which proves it, is on every node
	last := s.reqs[len(s.reqs)-1].height
	require.GreaterOrEqual(t, height, last, "the common height holds every request")
	at := client.QueryOptions{Prove: true, Height: height}

	// Every request, the same bytes on every node, as the officer saw it;
	// and none beyond the last.
	allowed := 0
	for _, q := range s.reqs {
		var ref []byte
		for _, nd := range nw.nodes {
			res, err := nd.Client().Query(ctx, "/sharing/request/"+strconv.FormatUint(q.id, 10), at)
			require.NoError(t, err, "%s: request %d", nd.name, q.id)
			if ref == nil {
				ref = res.Value
			}
			require.Equal(t, string(ref), string(res.Value), "%s disagrees on request %d", nd.name, q.id)
		}
		var got sharing.Request
		require.NoError(t, json.Unmarshal(ref, &got))
		require.Equal(t, q.subject, got.Subject)
		require.Equal(t, q.fields, got.Fields)
		require.Equal(t, q.height, got.Height)
		if q.kind != shareKindAllowed {
			require.Equal(t, sharing.OutcomeRefused, got.Outcome, "request %d", q.id)
			require.Equal(t, q.kind.code(), got.Refusal.Code, "request %d", q.id)
			require.Nil(t, got.Delivery)
			continue
		}
		allowed++
		require.Equal(t, sharing.OutcomeAllowed, got.Outcome, "request %d", q.id)
		require.True(t, q.fetched, "request %d was never delivered", q.id)
		require.NotNil(t, got.Delivery, "request %d has no receipt", q.id)
		require.Equal(t, q.payload, got.Delivery.PayloadHash, "request %d: the receipt names the payload fetched", q.id)
		require.Equal(t, shareKeyReq, got.Delivery.KeyID)
	}
	for _, nd := range nw.nodes {
		_, _, err := nd.Client().SharingRequest(ctx, uint64(len(s.reqs)+1), at)
		var qe *client.QueryError
		require.ErrorAs(t, err, &qe, "%s: a request beyond the officer's", nd.name)
		require.Equal(t, sharing.ErrRequestNotFound.Code(), qe.Code)
		require.NotNil(t, qe.Proof, "proven absent")
	}

	// Every subject's access log: the same on every node, complete, and
	// exactly one request entry per request and one delivery entry per
	// allowed request, after its request's.
	genesis := filepath.Join(nw.nodes[0].home, "config", "genesis.json")
	certDir := t.TempDir()
	entries := 0
	for _, sub := range s.subs {
		var want []*shareRequest
		for _, q := range s.reqs {
			if q.subject == sub.id {
				want = append(want, q)
			}
		}
		var ref []sharing.LogEntry
		for _, nd := range nw.nodes {
			log, err := nd.Client().SharingLog(ctx, sub.id, at)
			require.NoError(t, err, "%s: log of %s", nd.name, sub.id)
			require.NotNil(t, log.Absence, "%s: the log of %s is proven complete", nd.name, sub.id)
			if ref == nil {
				ref = log.Entries
			}
			require.Equal(t, ref, log.Entries, "%s disagrees on the log of %s", nd.name, sub.id)
			s.checkCertificate(nd, sub.id, height, genesis, certDir, log)
		}
		requests, deliveries := map[uint64]int{}, map[uint64]int{}
		for _, e := range ref {
			switch e.Kind {
			case sharing.KindRequest:
				requests[e.RequestID]++
			case sharing.KindDelivery:
				require.Equal(t, 1, requests[e.RequestID], "%s: a delivery of request %d before its request", sub.id, e.RequestID)
				deliveries[e.RequestID]++
				i := slices.IndexFunc(s.reqs, func(q *shareRequest) bool { return q.id == e.RequestID })
				require.Equal(t, s.reqs[i].payload, e.Delivery.PayloadHash)
			default:
				t.Fatalf("%s: unexpected %s entry %d", sub.id, e.Kind, e.Seq)
			}
		}
		wantDeliveries := 0
		for _, q := range want {
			require.Equal(t, 1, requests[q.id], "%s: request %d is logged once", sub.id, q.id)
			if q.kind == shareKindAllowed {
				wantDeliveries++
				require.Equal(t, 1, deliveries[q.id], "%s: request %d is delivered exactly once", sub.id, q.id)
			} else {
				require.Zero(t, deliveries[q.id])
			}
		}
		require.Len(t, ref, len(want)+wantDeliveries, "%s: entries = requests + deliveries", sub.id)
		entries += len(ref)
	}
	require.Equal(t, len(s.reqs)+allowed, entries, "log entries = requests + refusals + deliveries")

	// The owner's database holds one confirmed delivery per allowed
	// request, the requester's one checked payload, both the chain's.
	owner, requester := s.status(s.owner), s.status(s.requester)
	require.Len(t, owner.Deliveries, allowed)
	require.Len(t, requester.Received, allowed)
	for i, q := range slices.DeleteFunc(slices.Clone(s.reqs), func(q *shareRequest) bool { return q.kind != shareKindAllowed }) {
		d, r := owner.Deliveries[i], requester.Received[i]
		require.Equal(t, q.id, d.RequestID)
		require.True(t, d.Confirmed(), "request %d", q.id)
		require.Equal(t, q.payload, d.PayloadHash)
		require.Equal(t, q.id, r.RequestID)
		require.Equal(t, q.payload, r.PayloadHash)
		require.Equal(t, "ok", r.Verdict)
	}
	require.NotContains(t, s.svc.Log(), "names a payload this database does not hold")
	t.Logf("%d requests (%d allowed, %d refused), %d deliveries, %d log entries over %d subjects: the same on %d nodes at height %d",
		len(s.reqs), allowed, len(s.reqs)-allowed, allowed, entries, len(s.subs), len(nw.nodes), height)
}

// checkCertificate exports the complete certificate of subject's access
// log at height from nd, verifies it offline against the genesis, and
// requires it to prove exactly the log read with the client.
func (s *shareScenario) checkCertificate(nd *node, subject string, height int64, genesis, dir string, log *client.SharingAccessLog) {
	t := s.t
	t.Helper()
	file := filepath.Join(dir, nd.name+"-"+subject+".json")
	r := govchain("certificate", "export", "/sharing/log/"+subject, "--complete", "--height", strconv.FormatInt(height, 10),
		"--out", file, "--home", nd.home, "--node", nd.rpc)
	require.Equal(t, 0, r.code, "%s", r)
	r = govchain("certificate", "verify", file, "--trust", genesis, "-o", "json")
	require.Equal(t, 0, r.code, "%s", r)
	var got struct {
		Verified bool           `json:"verified"`
		Kind     string         `json:"kind"`
		Height   int64          `json:"height"`
		Entries  []client.Entry `json:"entries"`
		Count    *uint64        `json:"count"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.out), &got), "%s", r)
	require.True(t, got.Verified)
	require.Equal(t, "complete", got.Kind)
	require.Equal(t, height, got.Height)
	require.NotNil(t, got.Count)
	require.Equal(t, log.Head.Count, *got.Count)
	require.Len(t, got.Entries, len(log.Entries)+1, "the head, then every entry")
	for i, e := range got.Entries[1:] {
		var le sharing.LogEntry
		require.NoError(t, json.Unmarshal(e.Value, &le))
		require.Equal(t, log.Entries[i], le, "%s: entry %d of %s's certificate", nd.name, i, subject)
	}
}
