package sharing

import (
	"encoding/binary"
	"encoding/json"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/seal"
	"github.com/govchain/govchain/state"
)

// env is a chain of one-transaction blocks over a MemKV (coretest.Env),
// with the default purposes and three member agencies: finance (the owner
// of the tests' data), interior (the grantee) and health.
type env struct {
	*coretest.Env
}

// The member agencies of the tests' chain.
const (
	finance  = "finance"
	interior = "interior"
	health   = "health"
)

func newEnv(t *testing.T) *env {
	e := &env{Env: coretest.NewEnv(t)}
	require.NoError(t, InitGenesis(e.KV, DefaultGenesis()))
	require.NoError(t, core.SetAgencySet(e.KV, core.AgencySet{}))
	for _, id := range []string{finance, interior, health} {
		e.addAgency(id, adminOf(id))
	}
	return e
}

// adminOf is the test admin of an agency.
func adminOf(id string) core.Address { return coretest.Address("admin-" + id) }

// addAgency writes a member agency with its admins, as genesis does.
func (e *env) addAgency(id string, admins ...core.Address) {
	ag := core.Agency{ID: id, Name: "Ministry " + id, Admins: admins}
	require.NoError(e.T, core.SetJSON(e.KV, core.AgencyKey(id), ag))
	for _, a := range admins {
		require.NoError(e.T, e.KV.Set(core.AgencyAdminKey(a), []byte(id)))
	}
	set, err := core.GetAgencySet(e.KV)
	require.NoError(e.T, err)
	set.AgencyIDs = append(set.AgencyIDs, id)
	require.NoError(e.T, core.SetAgencySet(e.KV, set))
}

// makeAdmin makes a an admin of agency id directly.
func (e *env) makeAdmin(a core.Address, id string) {
	ag, found, err := core.GetAgency(e.KV, id)
	require.NoError(e.T, err)
	require.True(e.T, found)
	ag.Admins = append(ag.Admins, a)
	require.NoError(e.T, core.SetJSON(e.KV, core.AgencyKey(id), ag))
	require.NoError(e.T, e.KV.Set(core.AgencyAdminKey(a), []byte(id)))
}

// holder returns the test account name holding role for agency.
func (e *env) holder(name string, role core.Role, agency string) core.Address {
	a := coretest.Address(name)
	require.NoError(e.T, coretest.GrantFor(e.KV, a, role, agency))
	return a
}

// cast holds the accounts of the tests.
type cast struct {
	adminF, adminI, adminH core.Address
	// officerI and officerH are data officers of interior and health;
	// officerF of finance.
	officerI, officerH, officerF core.Address
	// svcF and svcI are the data services of finance and interior.
	svcF, svcI core.Address
	civil      core.Address
	// alice is linked to person PSN-1, bob to PSN-2; org is an
	// organisation's account; nobody is linked to nothing.
	alice, bob, org, nobody core.Address
}

// The persons of the tests: PSN-1 (alice), PSN-2 (bob), PSN-3 (no account).
const (
	psn1 = "PSN-1"
	psn2 = "PSN-2"
	psn3 = "PSN-3"
)

func newCast(e *env) cast {
	c := cast{
		adminF: adminOf(finance), adminI: adminOf(interior), adminH: adminOf(health),
		officerI: e.holder("officer-interior", core.RoleDataOfficer, interior),
		officerH: e.holder("officer-health", core.RoleDataOfficer, health),
		officerF: e.holder("officer-finance", core.RoleDataOfficer, finance),
		svcF:     e.holder("datasvc-finance", core.RoleDataService, finance),
		svcI:     e.holder("datasvc-interior", core.RoleDataService, interior),
		civil:    e.holder("civil", core.RoleCivilRegistrar, interior),
		alice:    coretest.Address("alice"),
		bob:      coretest.Address("bob"),
		org:      coretest.Address("org"),
		nobody:   coretest.Address("nobody"),
	}
	for _, id := range []string{psn1, psn2, psn3} {
		e.person(c, id)
	}
	e.OK(c.civil, identity.LinkAccount{PersonID: psn1, Account: c.alice})
	e.OK(c.civil, identity.LinkAccount{PersonID: psn2, Account: c.bob})
	require.NoError(e.T, core.SetJSON(e.KV, identity.AccountLinkKey(c.org),
		identity.AccountLink{Account: c.org, OwnerKind: identity.OwnerOrg, OwnerID: "ORG-1"}))
	return c
}

// person registers a person through the identity registry.
func (e *env) person(c cast, id string) {
	e.OK(c.civil, identity.RegisterPerson{PersonID: id, DocumentHash: coretest.HashOf(id),
		Commitments: []identity.Commitment{{Attribute: "name", Commitment: coretest.HashOf("name " + id)}}})
}

// The tests' class: finance's income records.
const incomeClass = "income"

var incomeFields = []string{"address", "employer", "income"}

func declareIncome() DeclareClass {
	return DeclareClass{ClassID: incomeClass, Description: "income declared for tax", Fields: incomeFields,
		Purposes: []string{"benefit_eligibility", "law_enforcement", "tax_assessment"}}
}

// salt is the test salt of a field in a version.
func salt(field string, version int) [32]byte {
	return coretest.HashOf(field + " salt " + string(rune('0'+version)))
}

// commitments returns the commitments of the income class's fields, with
// values that depend on subject and version.
func commitments(subject string, version int) []FieldCommitment {
	out := make([]FieldCommitment, 0, len(incomeFields))
	for _, f := range incomeFields {
		out = append(out, FieldCommitment{Name: f, Commitment: seal.Commitment(salt(f, version), f, value(subject, f, version))})
	}
	return out
}

// value is the test value of a field.
func value(subject, field string, version int) string {
	return subject + " " + field + " v" + string(rune('0'+version))
}

func commitMsg(subject string, version int) CommitRecord {
	return CommitRecord{ClassID: incomeClass, Subject: subject, Fields: commitments(subject, version)}
}

// grantMsg is finance's grant of income fields to interior for benefit
// eligibility, with consent, 3 requests an hour, for 30 days after the
// next block.
func (e *env) grantMsg() CreateGrant {
	return CreateGrant{Grantee: interior, ClassID: incomeClass, Fields: []string{"address", "income"},
		Purpose: "benefit_eligibility", LegalBasis: "Social Benefits Act s. 12", LegalBasisHash: coretest.HashOf("act"),
		ExpiresAt: e.Deadline(30 * 24 * time.Hour), MaxRequests: 3, PeriodSeconds: 3600, ConsentRequired: true}
}

func requestMsg(grant uint64, subject string, fields ...string) RequestAccess {
	return RequestAccess{GrantID: grant, Subject: subject, Fields: fields, Purpose: "benefit_eligibility",
		CaseRef: coretest.HashOf("case " + subject)}
}

// pubKey is the public key of a test key pair of the suite, derived from
// name (seal.ParsePrivateKey of its hash), so tests are deterministic.
func pubKey(t testing.TB, suite, name string) core.HexBytes {
	seed := coretest.HashOf("key " + name)
	k, err := seal.ParsePrivateKey(suite, seed[:])
	require.NoError(t, err)
	return core.HexBytes(k.PublicKeyBytes())
}

func (e *env) keyMsg(id string) RegisterKey {
	return RegisterKey{KeyID: id, Suite: seal.SuiteX25519, PublicKey: pubKey(e.T, seal.SuiteX25519, id),
		ValidUntil: e.Deadline(365 * 24 * time.Hour)}
}

// setup runs the common start of a workflow: finance declares the income
// class and commits PSN-1's and PSN-2's records, interior registers key
// k1, finance grants interior (grant 1), and alice consents.
func (e *env) setup(c cast) {
	e.OK(c.adminF, declareIncome())
	e.OK(c.svcF, commitMsg(psn1, 1))
	e.OK(c.svcF, commitMsg(psn2, 1))
	e.OK(c.adminI, e.keyMsg("k1"))
	e.OK(c.adminF, e.grantMsg())
	e.OK(c.alice, GiveConsent{Agency: interior, Purpose: "benefit_eligibility"})
}

// Readers.
func (e *env) grant(id uint64) Grant     { return coretest.Read(e.T, getGrant, e.KV, id) }
func (e *env) request(id uint64) Request { return coretest.Read(e.T, getRequest, e.KV, id) }
func (e *env) record(agency, class, subject string) Record {
	rec, err := getRecord(e.KV, agency, class, subject)
	require.NoError(e.T, err)
	return *rec
}

// log returns a subject's access log via Query (empty if it has none),
// requiring it complete: the head's count entries, numbered from 0, and
// entry count absent.
func (e *env) log(subject string) []LogEntry {
	e.T.Helper()
	head, entries, ok := coretest.Index(e.T, boundQuery, e.KV, []string{"log", subject}, LogHeadKey(subject), ErrLogNotFound,
		func(h LogHead) uint64 { return h.Count }, func(le LogEntry) []byte { return LogEntryKey(subject, le.Seq) })
	if !ok {
		return nil
	}
	for i, le := range entries {
		require.Equal(e.T, uint64(i), le.Seq)
	}
	coretest.RequireNotFound(e.T, boundQuery, e.KV, []string{"log", subject, core.Dec(head.Count)},
		LogEntryKey(subject, head.Count), ErrLogNotFound)
	return entries
}

// logCount is the count of a subject's access log head (0 if none).
func (e *env) logCount(subject string) uint64 {
	head := LogHead{}
	_, err := core.GetJSON(e.KV, LogHeadKey(subject), &head)
	require.NoError(e.T, err)
	return head.Count
}

// nextRequest is the id the next request gets.
func (e *env) nextRequest() uint64 {
	b, err := e.KV.Get(counterKey(counterRequest))
	require.NoError(e.T, err)
	if b == nil {
		return 1
	}
	require.Len(e.T, b, 8)
	return binary.BigEndian.Uint64(b) + 1
}

// refuseRequest runs a data officer's request that must be refused with
// sentinel, and requires that exactly its refusal was recorded: the
// request counter, the Request (outcome refused, the sentinel's code, its
// reason, the official unless the request is covert) and, if the subject
// is a person, the log head and its one new entry. It returns the
// request's id.
func (e *env) refuseRequest(officer core.Address, m RequestAccess, sentinel *core.Error) uint64 {
	e.T.Helper()
	id, n := e.nextRequest(), e.logCount(m.Subject)
	person, err := isPerson(e.KV, m.Subject)
	require.NoError(e.T, err)
	written, ev := e.RefuseRecorded(officer, m, sentinel)
	want := []string{string(counterKey(counterRequest)), string(RequestKey(id))}
	if person {
		want = append(want, string(LogHeadKey(m.Subject)), string(LogEntryKey(m.Subject, n)))
	}
	sort.Strings(want)
	require.Equal(e.T, want, written, "a refused request records exactly itself")
	q := e.request(id)
	require.Equal(e.T, OutcomeRefused, q.Outcome)
	require.Equal(e.T, &Refusal{Code: sentinel.Code(), Reason: q.Refusal.Reason}, q.Refusal)
	require.Contains(e.T, q.Refusal.Reason, sentinel.Error())
	official := officer
	if m.Covert() {
		official = core.Address{} // a covert request names no official
	}
	require.Equal(e.T, official, q.Official)
	require.Equal(e.T, m.Covert(), q.Covert)
	require.Nil(e.T, q.Delivery)
	require.Empty(e.T, q.Commitments)
	require.Equal(e.T, []string{"refused"}, coretest.Attrs(e.T, ev, 0, EventType, "outcome"))
	require.Equal(e.T, []string{core.Dec(uint64(sentinel.Code()))}, coretest.Attrs(e.T, ev, 0, EventType, "code"))
	if person {
		require.Equal(e.T, n+1, e.logCount(m.Subject))
		le := e.log(m.Subject)[n]
		require.Equal(e.T, KindRequest, le.Kind)
		require.Equal(e.T, id, le.RequestID)
		require.Equal(e.T, OutcomeRefused, le.Outcome)
		require.Equal(e.T, q.Refusal, le.Refusal)
		require.Equal(e.T, official, le.Actor)
		require.Equal(e.T, m.Covert(), le.Covert)
	} else {
		require.Zero(e.T, e.logCount(m.Subject))
	}
	return id
}

// attr returns every value of an attribute of the first sharing event.
func attr(t *testing.T, evs []core.Event, key string) []string {
	return coretest.Attrs(t, evs, 0, EventType, key)
}

// boundQuery is coretest.BoundQuery on this module.
func boundQuery(t testing.TB, r state.Reader, path []string) (*core.QueryResult, error) {
	t.Helper()
	return coretest.BoundQuery(t, Module, r, path)
}

// decode decodes a stored JSON value.
func decode[T any](t testing.TB, b []byte) T {
	var v T
	require.NoError(t, json.Unmarshal(b, &v))
	return v
}
