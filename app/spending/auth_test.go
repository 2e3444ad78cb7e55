package spending

import (
	"testing"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// authCase is a row of the authorisation matrix (coretest.AuthMatrix).
type authCase = coretest.AuthCase[*env, cast]

func authCases() map[string]authCase {
	// adminOf makes s an admin of agency if party.
	adminOf := func(e *env, s core.Address, agency string, party bool) {
		if party {
			e.agency(agency, s)
		}
	}
	return map[string]authCase{
		TypeApproveBudgetLine: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			adminOf(e, s, DefaultFinanceAgency, party)
			return approve("L-1", "interior", 1000)
		}},
		TypeAwardContract: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.OK(c.fin, approve("L-1", "interior", 1000))
			adminOf(e, s, "interior", party)
			return award("C-1", "L-1", c.acme, 100)
		}},
		TypePayInvoice: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.OK(c.fin, approve("L-1", "interior", 1000))
			e.OK(c.works, award("C-1", "L-1", c.acme, 100))
			e.OK(c.acme, bill("I-1", c.works, 100, "EUR"))
			adminOf(e, s, "interior", party)
			return PayInvoice{ContractID: "C-1", InvoiceNumber: "I-1", Reference: "TRSY"}
		}},
	}
}

// TestAuthorisationMatrix runs every message type as a signer holding each
// role (and none): every message is party-gated (an admin of the finance
// ministry approves, an admin of the line's agency awards and pays) and is
// refused (ErrUnauthorized) for an outsider whatever its role.
func TestAuthorisationMatrix(t *testing.T) {
	coretest.AuthMatrix(t, Module, authCases(), core.ErrUnauthorized, authStart)
}

func authStart(t *testing.T, role core.Role, _ bool) (*env, cast, *coretest.Env, core.Address) {
	e := newEnv(t)
	c := newCast(e)
	return e, c, e.Env, e.SignerUnderTest(role)
}
