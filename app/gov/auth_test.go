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
// authorised by being an agency admin, whatever the signer's roles; no role
// stands in for it.
func TestAuthorisationMatrix(t *testing.T) {
	require.Len(t, authSetups, len(Module.Types()))
	roles := append([]core.Role{""}, core.Roles...)
	for _, typ := range Module.Types() {
		setup, ok := authSetups[typ]
		require.True(t, ok, typ)
		for _, role := range roles {
			for _, isAdmin := range []bool{true, false} {
				name := typ + "/" + string(role)
				if isAdmin {
					name += "/admin"
				}
				t.Run(name, func(t *testing.T) {
					e := newEnv(t, ThresholdAgencies)
					e.agencies(10, 10, 10, 10)
					s := coretest.Address("signer-under-test")
					if isAdmin {
						s = admin("a")
					}
					if role != "" {
						require.NoError(t, coretest.Grant(e.KV, s, role))
					}
					m := setup(e)
					require.Equal(t, typ, m.Type())
					_, err := e.Run(s, m)
					if isAdmin {
						require.NoError(t, err)
					} else {
						require.ErrorIs(t, err, core.ErrNotAgencyAdmin)
						require.ErrorIs(t, err, core.ErrUnauthorized)
					}
				})
			}
		}
	}
}
