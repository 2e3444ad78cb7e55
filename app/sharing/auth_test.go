package sharing

import (
	"testing"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/app/identity"
)

// authCase is a row of the authorisation matrix (coretest.AuthMatrix).
type authCase = coretest.AuthCase[*env, cast]

// testAgency is the agency the signer under test acts for: the agency
// its role grant names (coretest.Grant), made a member by authStart, with
// its own admin adminTest.
const testAgency = "test-agency"

var adminTest = coretest.Address("admin-test")

func authCases() map[string]authCase {
	// admin makes s an admin of the test agency if it is to be a party.
	admin := func(e *env, s core.Address, party bool) {
		if party {
			e.makeAdmin(s, testAgency)
		}
	}
	// owned declares the test agency's income class and commits PSN-1's
	// record (as its admin).
	owned := func(e *env) {
		e.OK(adminTest, declareIncome())
		e.OK(adminTest, commitMsg(psn1, 1))
	}
	// toTest has finance grant the test agency PSN-1's income without
	// consent.
	toTest := func(e *env, c cast) {
		e.OK(c.adminF, declareIncome())
		e.OK(c.svcF, commitMsg(psn1, 1))
		m := e.grantMsg()
		m.Grantee, m.ConsentRequired = testAgency, false
		e.OK(c.adminF, m)
	}
	grantInterior := func(e *env) {
		m := e.grantMsg()
		m.ConsentRequired = false
		e.OK(adminTest, m)
	}
	// linked links s to PSN-3 if it is to be a party.
	linked := func(e *env, c cast, s core.Address, party bool) {
		if party {
			e.OK(c.civil, identity.LinkAccount{PersonID: psn3, Account: s})
		}
	}
	payload := coretest.HashOf("payload")
	return map[string]authCase{
		TypeDeclareClass: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			admin(e, s, party)
			return declareIncome()
		}},
		TypeRegisterKey: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			admin(e, s, party)
			return e.keyMsg("k1")
		}},
		TypeRevokeKey: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.OK(adminTest, e.keyMsg("k1"))
			admin(e, s, party)
			return RevokeKey{KeyID: "k1"}
		}},
		TypeCommitRecord: {Roles: []core.Role{core.RoleDataService}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(adminTest, declareIncome())
			return commitMsg(psn1, 1)
		}},
		TypeCreateGrant: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.OK(adminTest, declareIncome())
			admin(e, s, party)
			return e.grantMsg()
		}},
		TypeRevokeGrant: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			owned(e)
			grantInterior(e)
			admin(e, s, party)
			return RevokeGrant{GrantID: 1, Reason: "r"}
		}},
		TypeRevokeGrantee: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			owned(e)
			grantInterior(e)
			admin(e, s, party)
			return RevokeGrantee{Grantee: interior, Reason: "r"}
		}},
		TypeEraseRecord: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			owned(e)
			admin(e, s, party)
			return EraseRecord{ClassID: incomeClass, Subject: psn1, LegalBasis: "order", LegalBasisHash: coretest.HashOf("o")}
		}},
		TypeGiveConsent: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			linked(e, c, s, party)
			return GiveConsent{Agency: interior, Purpose: "benefit_eligibility"}
		}},
		TypeWithdrawConsent: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			linked(e, c, s, party)
			consenter := c.alice
			if party {
				consenter = s
			}
			e.OK(consenter, GiveConsent{Agency: interior, Purpose: "benefit_eligibility"})
			return WithdrawConsent{Agency: interior, Purpose: "benefit_eligibility"}
		}},
		TypeRequestAccess: {Roles: []core.Role{core.RoleDataOfficer}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			toTest(e, c)
			return requestMsg(1, psn1, "income")
		}},
		TypeRecordDelivery: {Roles: []core.Role{core.RoleDataService}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			owned(e)
			grantInterior(e)
			e.OK(c.adminI, e.keyMsg("k1"))
			e.OK(c.officerI, requestMsg(1, psn1, "income"))
			return RecordDelivery{RequestID: 1, PayloadHash: payload, KeyID: "k1"}
		}},
		TypeDiscloseRequest: {Roles: []core.Role{core.RoleCourt, core.RoleDataOfficer, core.RoleOmbudsman}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			// The test agency oversees law_enforcement and requests under
			// finance's grant: its court and ombudsman may disclose, and
			// after disclose_at its data officers.
			e.OK(c.adminF, setPurposeMsg{SetPurpose{Code: "law_enforcement", Description: "crime", Covert: true, Overseer: testAgency}})
			e.OK(c.adminF, declareIncome())
			e.OK(c.svcF, commitMsg(psn1, 1))
			e.OK(adminTest, e.keyMsg("j1"))
			e.OK(c.adminF, e.keyMsg("f1"))
			m := e.covertGrantMsg()
			m.Grantee = testAgency
			e.OK(c.adminF, m)
			d := details("auth", "income")
			e.OK(e.holder("officer-test", core.RoleDataOfficer, testAgency), e.covertMsg(1, psn1, d, m.Fields, time.Hour))
			e.Height += 3600
			return disclose(1, d)
		}},
		TypeFileComplaint: {Roles: []core.Role{core.RoleDataOfficer}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			toTest(e, c)
			e.OK(e.holder("officer-test", core.RoleDataOfficer, testAgency), requestMsg(1, psn1, "income"))
			e.OK(adminTest, e.keyMsg("k1"))
			e.OK(c.svcF, RecordDelivery{RequestID: 1, PayloadHash: payload, KeyID: "k1"})
			return FileComplaint{RequestID: 1, Field: "income", ReceivedCommitment: coretest.HashOf("x"), PayloadHash: payload}
		}},
	}
}

// TestAuthorisationMatrix runs every message type as a signer holding each
// role (and none): role-gated messages (a data service's commitments and
// receipts, a data officer's requests and complaints) succeed exactly for
// their role; admin-gated ones and a citizen's consents succeed for a
// party whatever its role and are refused (ErrUnauthorized) for an
// outsider whatever its role.
func TestAuthorisationMatrix(t *testing.T) {
	coretest.AuthMatrix(t, Module, authCases(), core.ErrUnauthorized, authStart)
}

// authStart starts one run of the matrix: a fresh chain with its cast and
// the test agency, and the signer under test holding exactly role (granted
// by the test agency).
func authStart(t *testing.T, role core.Role, _ bool) (*env, cast, *coretest.Env, core.Address) {
	e := newEnv(t)
	c := newCast(e)
	e.addAgency(testAgency, adminTest)
	return e, c, e.Env, e.SignerUnderTest(role)
}
