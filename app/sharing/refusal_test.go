package sharing

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// setPurposeMsg runs a purpose change as gov executes a passed
// set_purpose proposal (Check, then Apply), so that its refusals can be
// required to leave the state unchanged.
type setPurposeMsg struct{ SetPurpose }

func (setPurposeMsg) Type() string { return "sharing/test_set_purpose" }
func (m setPurposeMsg) Exec(ctx *core.Context) error {
	if err := m.Check(ctx.KV); err != nil {
		return err
	}
	ctx.Emit("test", "purpose", m.Code)
	return m.Apply(ctx.KV, ctx.Height)
}

// TestRefusals triggers every sentinel of the package at least once: each
// refusal leaves the state unchanged, except a refused access request,
// which records exactly itself (refuseRequest).
func TestRefusals(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	day := 24 * time.Hour
	e.setup(c) // class income, PSN-1 and PSN-2 committed, key k1, grant 1, alice's consent

	// Stateless refusals and the signer's authority.
	bad := declareIncome()
	bad.Fields = nil
	e.Refuse(c.adminF, bad, ErrInvalidMessage)
	e.Refuse(c.officerF, declareIncome(), core.ErrNotAgencyAdmin)
	e.Refuse(c.alice, requestMsg(1, psn1, "income"), core.ErrMissingRole) // not a data officer: nothing recorded
	e.Refuse(c.adminI, requestMsg(1, psn1, "income"), core.ErrMissingRole)
	e.Refuse(c.officerI, commitMsg(psn1, 2), core.ErrMissingRole)

	// Classes.
	e.Refuse(c.adminF, declareIncome(), ErrClassExists)
	other := declareIncome()
	other.ClassID, other.Purposes = "other", []string{"nope"}
	e.Refuse(c.adminF, other, ErrPurposeNotFound)

	// Keys: k2 expires in an hour; k3-k16 fill the 16 active slots.
	e.Refuse(c.adminI, e.keyMsg("k1"), ErrKeyExists)
	past := e.keyMsg("k2")
	past.ValidUntil = coretest.BlockTime(e.Height + 1)
	e.Refuse(c.adminI, past, ErrExpiryOutOfRange)
	far := e.keyMsg("k2")
	far.ValidUntil = coretest.BlockTime(e.Height+1).AddDate(MaxHorizonYears, 0, 1)
	e.Refuse(c.adminI, far, ErrExpiryOutOfRange)
	e.Refuse(c.adminI, RevokeKey{KeyID: "nope"}, ErrKeyNotFound)
	short := e.keyMsg("k2")
	short.ValidUntil = e.Deadline(time.Hour)
	e.OK(c.adminI, short)
	for i := 3; i <= MaxActiveKeys; i++ {
		e.OK(c.adminI, e.keyMsg(fmt.Sprintf("k%d", i)))
	}
	e.Refuse(c.adminI, e.keyMsg("k17"), ErrTooManyKeys)

	// Commitments.
	wrongClass := commitMsg(psn1, 2)
	wrongClass.ClassID = "nope"
	e.Refuse(c.svcF, wrongClass, ErrClassNotFound)
	e.Refuse(c.svcI, commitMsg(psn1, 2), ErrClassNotFound) // interior has no income class
	e.Refuse(c.svcF, commitMsg("NOBODY", 1), ErrSubjectNotFound)
	partial := commitMsg(psn1, 2)
	partial.Fields = partial.Fields[:2]
	e.Refuse(c.svcF, partial, ErrFieldsMismatch)

	// Grants.
	grant := func(fn func(m *CreateGrant)) CreateGrant {
		m := e.grantMsg()
		fn(&m)
		return m
	}
	e.Refuse(c.adminF, grant(func(m *CreateGrant) { m.Grantee = finance }), ErrSelfGrant)
	e.Refuse(c.adminF, grant(func(m *CreateGrant) { m.Grantee = "nowhere" }), ErrAgencyNotFound)
	e.Refuse(c.adminF, grant(func(m *CreateGrant) { m.ClassID = "nope" }), ErrClassNotFound)
	e.Refuse(c.adminI, grant(func(m *CreateGrant) { m.Grantee = health }), ErrClassNotFound) // interior owns no income class: no passing on
	e.Refuse(c.adminF, grant(func(m *CreateGrant) { m.Fields = []string{"income", "salary"} }), ErrFieldNotInClass)
	e.Refuse(c.adminF, grant(func(m *CreateGrant) { m.Purpose = "statistics" }), ErrPurposeNotInClass)
	e.Refuse(c.adminF, grant(func(m *CreateGrant) { m.ExpiresAt = coretest.BlockTime(e.Height + 1) }), ErrExpiryOutOfRange)
	e.Refuse(c.adminF, grant(func(m *CreateGrant) {
		m.ExpiresAt = coretest.BlockTime(e.Height+1).AddDate(MaxHorizonYears, 0, 0).Add(time.Second)
	}), ErrExpiryOutOfRange)
	e.Refuse(c.adminF, grant(func(m *CreateGrant) { m.Subjects = []string{"NOBODY", psn1} }), ErrSubjectNotFound)
	e.Refuse(c.adminI, RevokeGrant{GrantID: 1, Reason: "mine now"}, ErrNotOwnerAgency)
	e.Refuse(c.adminF, RevokeGrant{GrantID: 99, Reason: "x"}, ErrGrantNotFound)
	e.Refuse(c.adminF, RevokeGrantee{Grantee: health, Reason: "x"}, ErrNoActiveGrants)

	// Consents.
	e.Refuse(c.alice, GiveConsent{Agency: interior, Purpose: "benefit_eligibility"}, ErrConsentGiven)
	e.Refuse(c.org, GiveConsent{Agency: interior, Purpose: "benefit_eligibility"}, ErrNotSubject)
	e.Refuse(c.nobody, GiveConsent{Agency: interior, Purpose: "benefit_eligibility"}, ErrNotSubject)
	e.Refuse(c.alice, GiveConsent{Agency: "nowhere", Purpose: "benefit_eligibility"}, ErrAgencyNotFound)
	e.Refuse(c.alice, GiveConsent{Agency: interior, Purpose: "nope"}, ErrPurposeNotFound)
	e.Refuse(c.bob, WithdrawConsent{Agency: interior, Purpose: "benefit_eligibility"}, ErrConsentNotFound)

	// Access requests: each refusal is recorded with its own code.
	e.refuseRequest(c.officerI, requestMsg(99, psn1, "income"), ErrGrantNotFound)
	e.refuseRequest(c.officerH, requestMsg(1, psn1, "income"), ErrNotGrantee)
	e.refuseRequest(c.officerI, requestMsg(1, psn1, "employer"), ErrFieldNotCovered)
	wrongPurpose := requestMsg(1, psn1, "income")
	wrongPurpose.Purpose = "tax_assessment"
	e.refuseRequest(c.officerI, wrongPurpose, ErrPurposeMismatch)
	e.refuseRequest(c.officerI, requestMsg(1, psn3, "income"), ErrRecordNotFound)
	refused := e.refuseRequest(c.officerI, requestMsg(1, psn2, "income"), ErrConsentMissing)
	a := e.nextRequest()
	e.OK(c.officerI, requestMsg(1, psn1, "address", "income"))

	// Deliveries and complaints of request a.
	payload := coretest.HashOf("payload a")
	complaint := func(fn func(m *FileComplaint)) FileComplaint {
		m := FileComplaint{RequestID: a, Field: "income", ReceivedCommitment: coretest.HashOf("other"), PayloadHash: payload}
		fn(&m)
		return m
	}
	e.Refuse(c.officerI, complaint(func(*FileComplaint) {}), ErrNotDelivered)
	e.Refuse(c.svcI, RecordDelivery{RequestID: a, PayloadHash: payload, KeyID: "k1"}, ErrNotOwnerAgency)
	e.Refuse(c.officerI, RecordDelivery{RequestID: a, PayloadHash: payload, KeyID: "k1"}, core.ErrMissingRole)
	e.Refuse(c.svcF, RecordDelivery{RequestID: 99, PayloadHash: payload, KeyID: "k1"}, ErrRequestNotFound)
	e.Refuse(c.svcF, RecordDelivery{RequestID: refused, PayloadHash: payload, KeyID: "k1"}, ErrRequestRefused)
	e.Refuse(c.svcF, RecordDelivery{RequestID: a, PayloadHash: payload, KeyID: "nope"}, ErrKeyNotFound)
	e.OK(c.svcF, RecordDelivery{RequestID: a, PayloadHash: payload, KeyID: "k1"})
	e.Refuse(c.svcF, RecordDelivery{RequestID: a, PayloadHash: payload, KeyID: "k1"}, ErrAlreadyDelivered)
	e.Refuse(c.officerI, complaint(func(m *FileComplaint) { m.RequestID = 99 }), ErrRequestNotFound)
	e.Refuse(c.officerH, complaint(func(*FileComplaint) {}), ErrNotRequester)
	e.Refuse(c.officerI, complaint(func(m *FileComplaint) { m.RequestID = refused }), ErrRequestRefused)
	e.Refuse(c.officerI, complaint(func(m *FileComplaint) { m.PayloadHash = coretest.HashOf("other payload") }), ErrPayloadMismatch)
	e.Refuse(c.officerI, complaint(func(m *FileComplaint) { m.Field = "employer" }), ErrFieldNotRequested)
	e.Refuse(c.officerI, complaint(func(m *FileComplaint) { m.ReceivedCommitment = commitments(psn1, 1)[2].Commitment }), ErrNoDiscrepancy)
	e.OK(c.officerI, complaint(func(*FileComplaint) {}))
	e.Refuse(c.officerI, complaint(func(m *FileComplaint) { m.ReceivedCommitment = coretest.HashOf("third") }), ErrComplaintExists)

	// Request b, then a new version of the record: b can no longer be
	// delivered. Request c fills the hour's window (3).
	b := e.nextRequest()
	e.OK(c.officerI, requestMsg(1, psn1, "income"))
	e.OK(c.svcF, commitMsg(psn1, 2))
	e.Refuse(c.svcF, RecordDelivery{RequestID: b, PayloadHash: payload, KeyID: "k1"}, ErrRecordChanged)
	cc := e.nextRequest()
	e.OK(c.officerI, requestMsg(1, psn1, "income"))
	e.refuseRequest(c.officerI, requestMsg(1, psn1, "income"), ErrRateLimited)
	e.OK(c.adminI, RevokeKey{KeyID: "k3"})
	e.Refuse(c.adminI, RevokeKey{KeyID: "k3"}, ErrKeyRevoked)
	e.Refuse(c.svcF, RecordDelivery{RequestID: cc, PayloadHash: payload, KeyID: "k3"}, ErrKeyRevoked)
	e.Height += 2 * 3600 // k2 has expired; a new rate window
	e.Refuse(c.svcF, RecordDelivery{RequestID: cc, PayloadHash: payload, KeyID: "k2"}, ErrKeyExpired)

	// Erasure: request d is allowed, then the record is erased.
	e.Refuse(c.adminF, EraseRecord{ClassID: incomeClass, Subject: psn3, LegalBasis: "x", LegalBasisHash: coretest.HashOf("x")}, ErrRecordNotFound)
	e.Refuse(c.svcF, EraseRecord{ClassID: incomeClass, Subject: psn1, LegalBasis: "x", LegalBasisHash: coretest.HashOf("x")}, core.ErrNotAgencyAdmin)
	d := e.nextRequest()
	e.OK(c.officerI, requestMsg(1, psn1, "income"))
	erase := EraseRecord{ClassID: incomeClass, Subject: psn1, LegalBasis: "court order", LegalBasisHash: coretest.HashOf("order")}
	e.OK(c.adminF, erase)
	e.Refuse(c.adminF, erase, ErrRecordErased)
	e.Refuse(c.svcF, commitMsg(psn1, 3), ErrRecordErased)
	e.refuseRequest(c.officerI, requestMsg(1, psn1, "income"), ErrRecordErased)
	e.Refuse(c.svcF, RecordDelivery{RequestID: d, PayloadHash: payload, KeyID: "k1"}, ErrRecordErased)

	// A revoked grant: grant 2 (no consent) serves request f, then is
	// revoked.
	noConsent := grant(func(m *CreateGrant) { m.ConsentRequired = false })
	e.OK(c.adminF, noConsent) // grant 2
	f := e.nextRequest()
	e.OK(c.officerI, requestMsg(2, psn2, "income"))
	e.OK(c.adminF, RevokeGrant{GrantID: 2, Reason: "ended"})
	e.Refuse(c.adminF, RevokeGrant{GrantID: 2, Reason: "again"}, ErrGrantRevoked)
	e.refuseRequest(c.officerI, requestMsg(2, psn2, "income"), ErrGrantRevoked)
	e.Refuse(c.svcF, RecordDelivery{RequestID: f, PayloadHash: payload, KeyID: "k1"}, ErrGrantRevoked)

	// An expired grant: grant 3 runs for a day.
	oneDay := grant(func(m *CreateGrant) { m.ConsentRequired, m.ExpiresAt = false, e.Deadline(day) })
	e.OK(c.adminF, oneDay) // grant 3
	g := e.nextRequest()
	e.OK(c.officerI, requestMsg(3, psn2, "income"))
	e.Height += int64(2 * day / time.Second)
	e.refuseRequest(c.officerI, requestMsg(3, psn2, "income"), ErrGrantExpired)
	e.Refuse(c.svcF, RecordDelivery{RequestID: g, PayloadHash: payload, KeyID: "k1"}, ErrGrantExpired)
	e.refuseRequest(c.officerI, requestMsg(3, psn2, "income"), ErrGrantExpired)

	// A subject-limited grant.
	e.OK(c.adminF, grant(func(m *CreateGrant) { m.Subjects, m.ConsentRequired = []string{psn3}, false })) // grant 4
	e.refuseRequest(c.officerI, requestMsg(4, psn2, "income"), ErrSubjectNotCovered)

	// A withdrawn consent, withdrawn again.
	e.OK(c.alice, WithdrawConsent{Agency: interior, Purpose: "benefit_eligibility"})
	e.Refuse(c.alice, WithdrawConsent{Agency: interior, Purpose: "benefit_eligibility"}, ErrConsentWithdrawn)

	// Purposes by governance: retire one; unknown ones cannot be retired;
	// the list is bounded.
	e.OK(c.adminF, setPurposeMsg{SetPurpose{Code: "statistics", Description: "official statistics", Retired: true}})
	stat := declareIncome()
	stat.ClassID, stat.Purposes = "census", []string{"statistics"}
	e.Refuse(c.adminF, stat, ErrPurposeRetired)
	e.OK(c.adminF, DeclareClass{ClassID: "census", Description: "census", Fields: []string{"household"},
		Purposes: []string{"benefit_eligibility", "tax_assessment"}})
	e.OK(c.adminF, setPurposeMsg{SetPurpose{Code: "tax_assessment", Description: "taxes", Retired: true}})
	e.Refuse(c.adminF, CreateGrant{Grantee: interior, ClassID: "census", Fields: []string{"household"}, Purpose: "tax_assessment",
		LegalBasis: "x", LegalBasisHash: coretest.HashOf("x"), ExpiresAt: e.Deadline(day), MaxRequests: 1, PeriodSeconds: 1}, ErrPurposeRetired)
	e.Refuse(c.adminF, setPurposeMsg{SetPurpose{Code: "unknown", Description: "x", Retired: true}}, ErrPurposeNotFound)
	idx, err := getPurposeIndex(e.KV)
	require.NoError(t, err)
	for i := len(idx.Codes); i < MaxPurposes; i++ {
		require.NoError(t, SetPurpose{Code: fmt.Sprintf("p%03d", i), Description: "filler"}.Apply(e.KV, e.Height))
	}
	e.Refuse(c.adminF, setPurposeMsg{SetPurpose{Code: "one_too_many", Description: "x"}}, ErrTooManyPurposes)
	e.OK(c.adminF, setPurposeMsg{SetPurpose{Code: "p100", Description: "changed", Covert: true}})

	// At most MaxActiveGrants active grants to one grantee.
	toHealth := grant(func(m *CreateGrant) { m.Grantee = health })
	for i := 0; i < MaxActiveGrants; i++ {
		toHealth.ExpiresAt = e.Deadline(day)
		e.OK(c.adminF, toHealth)
	}
	toHealth.ExpiresAt = e.Deadline(day)
	e.Refuse(c.adminF, toHealth, ErrTooManyGrants)
	e.OK(c.adminF, RevokeGrantee{Grantee: health, Reason: "too many"})
	e.OK(c.adminF, toHealth)

	// Query-only sentinels.
	e.RefuseQuery(boundQuery, []string{"log", "PSN-9"}, ErrLogNotFound)
	e.RefuseQuery(boundQuery, []string{"log", psn1, "x"}, ErrUnknownQuery)

	for s := range covertRefusals(t) {
		e.Seen[s] = true
	}
	e.RequireSeen(Errors)
}
