package benefits

import (
	"testing"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/app/identity"
)

// authCase is a row of the authorisation matrix (coretest.AuthMatrix).
type authCase = coretest.AuthCase[*env, cast]

func authCases() map[string]authCase {
	// adminOf makes s an admin of the social ministry if party.
	adminOf := func(e *env, s core.Address, party bool) {
		if party {
			if err := e.KV.Set(core.AgencyAdminKey(s), []byte("social")); err != nil {
				e.T.Fatal(err)
			}
		}
	}
	claim := ClaimBenefit{ProgrammeID: "CARE", PersonID: "P-SUT", DocumentHash: coretest.HashOf("file")}
	return map[string]authCase{
		TypeDefineProgramme: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			adminOf(e, s, party)
			return e.at(programme("FAM", RuleBirth, 0))
		}},
		TypeClaimBenefit: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.ok(c.social, programme("CARE", RuleClaim, 0))
			e.ok(c.civil, register("P-SUT"))
			if party {
				e.ok(c.civil, identity.LinkAccount{PersonID: "P-SUT", Account: s})
			}
			return e.at(claim)
		}},
		TypeDecideClaim: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.ok(c.social, programme("CARE", RuleClaim, 0))
			e.ok(c.ann, ClaimBenefit{ProgrammeID: "CARE", PersonID: "P-ANN", DocumentHash: coretest.HashOf("file")})
			adminOf(e, s, party)
			return e.at(DecideClaim{ProgrammeID: "CARE", PersonID: "P-ANN", Approve: true, Reason: "granted"})
		}},
		TypeMarkPaid: {Roles: []core.Role{core.RoleTreasury}, Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.ok(c.social, programme("FAM", RuleBirth, 0))
			e.ok(c.civil, birth("C-1", "P-ANN"))
			e.step()
			return e.at(pay(ref("FAM", "P-ANN", "C-1"), 0, "SEPA-1"))
		}},
	}
}

// TestAuthorisationMatrix runs every message type as a signer holding each
// role (and none): defining a programme and deciding a claim are for an
// admin of the programme's agency, claiming for an account linked to the
// person, whatever their roles; marking an order paid is for the treasury
// role. Every other signer is refused (ErrUnauthorized).
func TestAuthorisationMatrix(t *testing.T) {
	coretest.AuthMatrix(t, Module, authCases(), core.ErrUnauthorized, authStart)
}

func authStart(t *testing.T, role core.Role, _ bool) (*env, cast, *coretest.Env, core.Address) {
	e := newEnv(t)
	c := newCast(e)
	return e, c, e.Env, e.SignerUnderTest(role)
}
