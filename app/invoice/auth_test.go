package invoice

import (
	"testing"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// authCase is a row of the authorisation matrix (coretest.AuthMatrix):
// invoice/acknowledge_invoice is party-gated (the buyer), a claim is open
// to anyone.
type authCase = coretest.AuthCase[*env, cast]

func authCases() map[string]authCase {
	// issueAs has s issue an invoice even without the business role, so
	// the signer holds exactly the role under test.
	issueAs := func(e *env, s core.Address, m IssueInvoice) {
		e.WithRole(s, core.RoleBusiness, func() { e.OK(s, m) })
	}
	return map[string]authCase{
		TypeIssueInvoice: {Roles: []core.Role{core.RoleBusiness}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			return issue("INV-1", c.alice, line("x", 1000, 100, 2000))
		}},
		// The original is looked up among the signer's own documents, so
		// only its issuer can name it; the role is what is tested here.
		TypeIssueCreditNote: {Roles: []core.Role{core.RoleBusiness}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			issueAs(e, s, issue("INV-1", c.alice, line("x", 1000, 100, 2000)))
			return credit("CN-1", "INV-1", line("x", 1000, 100, 2000))
		}},
		TypeAcknowledgeInvoice: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.OK(c.shop, issue("INV-1", coretest.Pick(party, s, c.alice), line("x", 1000, 100, 2000)))
			return AcknowledgeInvoice{Issuer: c.shop, Number: "INV-1"}
		}},
		TypeClaimReimbursement: {Anyone: true, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			m := issue("INV-1", c.alice, line("x", 1000, 100, 2000))
			e.OK(c.shop, m)
			return ClaimReimbursement{Issuer: c.shop, Number: "INV-1", DocumentHash: m.DocumentHash}
		}},
	}
}

// TestAuthorisationMatrix runs every message type as a signer holding each
// role (and none): role-gated messages succeed exactly for their roles;
// party-gated ones succeed for the buyer whatever its role and are refused
// (ErrUnauthorized) for an outsider whatever its role; a claim succeeds
// for anyone.
func TestAuthorisationMatrix(t *testing.T) {
	coretest.AuthMatrix(t, Module, authCases(), core.ErrUnauthorized,
		func(t *testing.T, role core.Role, _ bool) (*env, cast, *coretest.Env, core.Address) {
			e := newEnv(t)
			c := newCast(e)
			return e, c, e.Env, e.SignerUnderTest(role)
		})
}
