package gov

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// authSetup prepares a state in which m succeeds if signed by an admin of
// agency "a" (4 agencies with validators, an open proposal 1 and, for
// closing, one past its deadline).
var authSetups = map[string]func(e *env) core.Msg{
	TypeSubmitProposal: func(e *env) core.Msg {
		return SubmitProposal{Summary: "s", Change: setPolicy(core.RoleNotary, "a")}
	},
	TypeCastVote: func(e *env) core.Msg {
		e.submit("b", setPolicy(core.RoleNotary, "b"))
		return CastVote{ProposalID: 1, Option: OptionYes}
	},
	TypeCloseProposal: func(e *env) core.Msg {
		e.submit("b", setPolicy(core.RoleNotary, "b"))
		e.Height += testPeriod + 1
		return CloseProposal{ProposalID: 1}
	},
}

// TestAuthorisationMatrix runs every message type as a signer holding each
// role (and none), as an agency admin and not: every gov message is
// authorised by being an agency admin (the party), whatever the signer's
// roles; no role stands in for it, and every refusal is
// core.ErrNotAgencyAdmin.
func TestAuthorisationMatrix(t *testing.T) {
	cases := map[string]coretest.AuthCase[*env, struct{}]{}
	for typ, setup := range authSetups {
		cases[typ] = coretest.AuthCase[*env, struct{}]{Setup: func(e *env, _ struct{}, _ core.Address, _ bool) core.Msg {
			return setup(e)
		}}
	}
	coretest.AuthMatrix(t, Module, cases, core.ErrNotAgencyAdmin,
		func(t *testing.T, role core.Role, isAdmin bool) (*env, struct{}, *coretest.Env, core.Address) {
			e := newEnv(t, ThresholdAgencies)
			e.agencies(10, 10, 10, 10)
			s := coretest.Address("signer-under-test")
			if isAdmin {
				s = admin("a")
			}
			if role != "" {
				require.NoError(t, coretest.Grant(e.KV, s, role))
			}
			return e, struct{}{}, e.Env, s
		})
}
