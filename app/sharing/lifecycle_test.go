package sharing

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/seal"
	"github.com/govchain/govchain/state"
)

// TestLifecycle runs the whole workflow: class, key, commit, grant,
// consent, an allowed request, its delivery checked field by field against
// the request's commitments, a complaint, a revocation, a refused request
// recorded, and an erasure, with the subject's access log complete at each
// step.
func TestLifecycle(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)

	// Finance declares its income class.
	ev := e.OK(c.adminF, declareIncome())
	require.Equal(t, []string{"declare_class"}, attr(t, ev, "action"))
	require.Equal(t, incomeFields, attr(t, ev, "field"))
	cl := coretest.Read(t, func(r state.Reader, k [2]string) (*DataClass, error) { return getClass(r, k[0], k[1]) }, e.KV, [2]string{finance, incomeClass})
	require.Equal(t, DataClass{Agency: finance, Class: incomeClass, Description: "income declared for tax", Fields: incomeFields,
		Purposes: []string{"benefit_eligibility", "law_enforcement", "tax_assessment"}, DeclaredBy: c.adminF,
		DeclaredHeight: e.Height, DeclaredAt: coretest.BlockTime(e.Height)}, cl)

	// Interior registers an x25519 key and a hybrid one.
	e.OK(c.adminI, e.keyMsg("k1"))
	e.OK(c.adminI, RegisterKey{KeyID: "k2", Suite: seal.SuiteMLKEM768X25519, PublicKey: pubKey(t, seal.SuiteMLKEM768X25519, "k2"),
		ValidUntil: e.Deadline(time.Hour)})
	idx, err := getKeyIndex(e.KV, interior)
	require.NoError(t, err)
	require.Equal(t, KeyIndex{Agency: interior, KeyCount: 2, Active: []string{"k1", "k2"}}, idx)

	// Finance's data service commits PSN-1's record, then a new version.
	e.OK(c.svcF, commitMsg(psn1, 1))
	ev = e.OK(c.svcF, commitMsg(psn1, 2))
	require.Equal(t, []string{"2"}, attr(t, ev, "version"))
	rec := e.record(finance, incomeClass, psn1)
	require.Equal(t, uint64(2), rec.Version)
	require.Equal(t, commitments(psn1, 2), rec.Fields)
	require.Equal(t, RecordActive, rec.Status)
	require.Nil(t, rec.Erasure)
	hist := coretest.History(t, boundQuery, e.KV, []string{"record", finance, incomeClass, psn1, "history"},
		func(seq uint64) []byte { return RecordHistoryKey(finance, incomeClass, psn1, seq) })
	require.Equal(t, []string{"commit", "recommit"}, coretest.Actions(hist))
	require.Equal(t, commitDetails{Version: 1, Fields: commitments(psn1, 1)}, decode[commitDetails](t, hist[0].Details))
	// The admin may commit too.
	e.OK(c.adminF, commitMsg(psn2, 1))

	// Finance grants interior address and income of any subject, with
	// consent, 3 requests an hour.
	ev = e.OK(c.adminF, e.grantMsg())
	require.Equal(t, []string{"1"}, attr(t, ev, "grant_id"))
	g := e.grant(1)
	require.Equal(t, GrantActive, g.Status)
	require.Equal(t, []string{}, g.Subjects)
	require.Equal(t, g.CreatedAt, g.WindowStart)
	require.Nil(t, g.RevokedBy)
	pair, err := getPair(e.KV, finance, interior)
	require.NoError(t, err)
	require.Equal(t, GrantPair{Owner: finance, Grantee: interior, GrantCount: 1, ActiveCount: 1}, pair)

	// Without consent the request is refused, and recorded.
	e.refuseRequest(c.officerI, requestMsg(1, psn1, "income"), ErrConsentMissing)

	// alice consents; the request is allowed and logged first.
	ev = e.OK(c.alice, GiveConsent{Agency: interior, Purpose: "benefit_eligibility"})
	require.Equal(t, []string{psn1}, attr(t, ev, "subject"))
	ev = e.OK(c.officerI, requestMsg(1, psn1, "address", "income"))
	require.Equal(t, []string{"2"}, attr(t, ev, "request_id"))
	require.Equal(t, []string{"allowed"}, attr(t, ev, "outcome"))
	q := e.request(2)
	require.Equal(t, Request{ID: 2, GrantID: 1, Owner: finance, Requester: interior, Official: c.officerI, Subject: psn1,
		Class: incomeClass, Fields: []string{"address", "income"}, Purpose: "benefit_eligibility", CaseRef: coretest.HashOf("case " + psn1),
		Height: e.Height, Time: coretest.BlockTime(e.Height), Outcome: OutcomeAllowed, RecordVersion: 2,
		Commitments: []FieldCommitment{commitments(psn1, 2)[0], commitments(psn1, 2)[2]}, Complaints: []uint64{}}, q)
	require.Equal(t, uint64(1), e.grant(1).WindowCount)

	// The recipient checks what it receives field by field against the
	// request's commitments: the right value matches, another does not.
	for _, f := range q.Commitments {
		require.Equal(t, f.Commitment, core.Hash(seal.Commitment(salt(f.Name, 2), f.Name, value(psn1, f.Name, 2))))
		require.NotEqual(t, f.Commitment, core.Hash(seal.Commitment(salt(f.Name, 2), f.Name, value(psn2, f.Name, 2))))
	}

	// Finance's service delivers, sealed to interior's key k1.
	payload := coretest.HashOf("sealed payload")
	ev = e.OK(c.svcF, RecordDelivery{RequestID: 2, PayloadHash: payload, KeyID: "k1"})
	require.Equal(t, []string{"record_delivery"}, attr(t, ev, "action"))
	q = e.request(2)
	require.Equal(t, &Delivery{PayloadHash: payload, KeyID: "k1", By: c.svcF, Height: e.Height, Time: coretest.BlockTime(e.Height)}, q.Delivery)

	// The income field did not match: interior complains.
	wrong := core.Hash(seal.Commitment(salt("income", 2), "income", "tampered"))
	ev = e.OK(c.officerI, FileComplaint{RequestID: 2, Field: "income", ReceivedCommitment: wrong, PayloadHash: payload})
	require.Equal(t, []string{"3"}, attr(t, ev, "log_seq"))
	require.Equal(t, []uint64{3}, e.request(2).Complaints)

	// Finance revokes the grant; a later request is refused and recorded.
	ev = e.OK(c.adminF, RevokeGrant{GrantID: 1, Reason: "benefit decided"})
	require.Equal(t, []string{"1"}, attr(t, ev, "grant_id"))
	g = e.grant(1)
	require.Equal(t, GrantRevoked, g.Status)
	require.Equal(t, c.adminF, *g.RevokedBy)
	require.Equal(t, "benefit decided", g.RevokeReason)
	pair, err = getPair(e.KV, finance, interior)
	require.NoError(t, err)
	require.Equal(t, uint64(0), pair.ActiveCount)
	require.Equal(t, uint64(1), pair.GrantCount)
	e.refuseRequest(c.officerI, requestMsg(1, psn1, "income"), ErrGrantRevoked)

	// Finance erases PSN-1's record on a legal basis: frozen, no fields.
	ev = e.OK(c.adminF, EraseRecord{ClassID: incomeClass, Subject: psn1, LegalBasis: "court order 7", LegalBasisHash: coretest.HashOf("order")})
	require.Equal(t, []string{"5"}, attr(t, ev, "log_seq"))
	rec = e.record(finance, incomeClass, psn1)
	require.Equal(t, RecordErased, rec.Status)
	require.Equal(t, []FieldCommitment{}, rec.Fields)
	require.Equal(t, &Erasure{By: c.adminF, Height: e.Height, Time: coretest.BlockTime(e.Height), LegalBasis: "court order 7",
		LegalBasisHash: coretest.HashOf("order")}, rec.Erasure)
	require.Equal(t, uint64(2), rec.Version, "the version erased")

	// PSN-1's access log: every read left an entry, in order, complete.
	log := e.log(psn1)
	var kinds, outcomes []string
	for _, le := range log {
		kinds = append(kinds, le.Kind)
		outcomes = append(outcomes, le.Outcome)
	}
	require.Equal(t, []string{KindRequest, KindRequest, KindDelivery, KindComplaint, KindRequest, KindErasure}, kinds)
	require.Equal(t, []string{OutcomeRefused, OutcomeAllowed, "", "", OutcomeRefused, ""}, outcomes)
	require.Equal(t, uint64(2), log[1].RequestID)
	require.Equal(t, &LogDelivery{PayloadHash: payload, KeyID: "k1"}, log[2].Delivery)
	require.Equal(t, &Complaint{Field: "income", ReceivedCommitment: wrong, PayloadHash: payload}, log[3].Complaint)
	require.Equal(t, &LogErasure{RecordVersion: 2, LegalBasis: "court order 7", LegalBasisHash: coretest.HashOf("order")}, log[5].Erasure)
	require.Equal(t, c.adminF, log[5].Actor)
	require.False(t, log[1].Covert)
	for _, le := range log {
		require.Equal(t, finance, le.Owner)
		require.Equal(t, incomeClass, le.Class)
	}
	// PSN-2's log is empty: nobody asked for it.
	require.Nil(t, e.log(psn2))

	// alice withdraws her consent; the consent keeps its history.
	e.OK(c.alice, WithdrawConsent{Agency: interior, Purpose: "benefit_eligibility"})
	ch := coretest.History(t, boundQuery, e.KV, []string{"consent", psn1, interior, "benefit_eligibility", "history"},
		func(seq uint64) []byte { return ConsentHistoryKey(psn1, interior, "benefit_eligibility", seq) })
	require.Equal(t, []string{"give_consent", "withdraw_consent"}, coretest.Actions(ch))
	require.Equal(t, c.alice, ch[1].Actor)
	// and gives it again.
	e.OK(c.alice, GiveConsent{Agency: interior, Purpose: "benefit_eligibility"})

	// Key rotation: revoke k1.
	e.OK(c.adminI, RevokeKey{KeyID: "k1"})
	idx, err = getKeyIndex(e.KV, interior)
	require.NoError(t, err)
	require.Equal(t, KeyIndex{Agency: interior, KeyCount: 2, Active: []string{"k2"}}, idx)
}

// TestRevokeGrantee revokes every active grant of an owner to a grantee in
// one transaction, and only those.
func TestRevokeGrantee(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.OK(c.adminF, declareIncome())
	for i := 0; i < 3; i++ {
		e.OK(c.adminF, e.grantMsg()) // grants 1-3 to interior
	}
	toHealth := e.grantMsg()
	toHealth.Grantee = health
	e.OK(c.adminF, toHealth) // grant 4
	e.OK(c.adminF, RevokeGrant{GrantID: 2, Reason: "done"})
	ev := e.OK(c.adminF, RevokeGrantee{Grantee: interior, Reason: "agreement ended"})
	require.Equal(t, []string{"1", "3"}, attr(t, ev, "grant_id"))
	for _, id := range []uint64{1, 3} {
		g := e.grant(id)
		require.Equal(t, GrantRevoked, g.Status)
		require.Equal(t, "agreement ended", g.RevokeReason)
	}
	require.Equal(t, "done", e.grant(2).RevokeReason)
	require.Equal(t, GrantActive, e.grant(4).Status)
	pair, err := getPair(e.KV, finance, interior)
	require.NoError(t, err)
	require.Equal(t, GrantPair{Owner: finance, Grantee: interior, GrantCount: 3, ActiveCount: 0}, pair)
	ids, err := activeGrants(e.KV, finance, health)
	require.NoError(t, err)
	require.Equal(t, []uint64{4}, ids)
}

// TestRateWindow: a grant allows max_requests per fixed window counted from
// its creation; refused requests do not count, and the next window starts
// afresh.
func TestRateWindow(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.setup(c)
	g := e.grant(1) // 3 per hour, created at its block
	for i := 0; i < 3; i++ {
		e.OK(c.officerI, requestMsg(1, psn1, "income"))
	}
	e.refuseRequest(c.officerI, requestMsg(1, psn1, "income"), ErrRateLimited)
	e.refuseRequest(c.officerI, requestMsg(1, psn1, "income"), ErrRateLimited)
	require.Equal(t, uint64(3), e.grant(1).WindowCount, "refusals do not count")

	// Jump to the last second of the first window: still limited.
	e.Height = g.CreatedHeight + 3600 - 2 // the next block is created + 3599 s
	e.refuseRequest(c.officerI, requestMsg(1, psn1, "income"), ErrRateLimited)
	// The next block starts window 1: allowed again.
	ev := e.OK(c.officerI, requestMsg(1, psn1, "income"))
	require.Equal(t, []string{"allowed"}, attr(t, ev, "outcome"))
	g2 := e.grant(1)
	require.Equal(t, g.CreatedAt.Add(time.Hour), g2.WindowStart)
	require.Equal(t, uint64(1), g2.WindowCount)
	// Windows are fixed: 2.5 periods later is window 3.
	e.Height = g.CreatedHeight + 3*3600 + 1800 - 1
	e.OK(c.officerI, requestMsg(1, psn1, "income"))
	require.Equal(t, g.CreatedAt.Add(3*time.Hour), e.grant(1).WindowStart)
}

// TestSubjectsAndRefusedUnknownSubject: a grant limited to some subjects
// covers only them; a request about an id that is no person is recorded
// without a log entry.
func TestSubjectsAndRefusedUnknownSubject(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.OK(c.adminF, declareIncome())
	e.OK(c.svcF, commitMsg(psn1, 1))
	e.OK(c.svcF, commitMsg(psn2, 1))
	gm := e.grantMsg()
	gm.Subjects, gm.ConsentRequired = []string{psn2}, false
	e.OK(c.adminF, gm)
	e.OK(c.officerI, requestMsg(1, psn2, "address"))
	e.refuseRequest(c.officerI, requestMsg(1, psn1, "address"), ErrSubjectNotCovered)
	e.refuseRequest(c.officerI, requestMsg(1, "NOBODY-9", "address"), ErrSubjectNotCovered)
	id := e.refuseRequest(c.officerI, requestMsg(99, "NOBODY-9", "address"), ErrGrantNotFound)
	q := e.request(id)
	require.Equal(t, "", q.Owner, "no grant, no owner")
	require.Equal(t, "NOBODY-9", q.Subject)
	require.Nil(t, e.log("NOBODY-9"))
}
