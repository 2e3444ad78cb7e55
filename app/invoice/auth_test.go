package invoice

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
)

// Authorisation kinds of a message.
const (
	byRole   = iota // the signer needs one of roles
	byParty         // the signer must be a party (the buyer), whatever its roles
	byAnyone        // any signer
)

// authCase sets up a state in which the message succeeds if the signer is
// authorised. For byParty, setup is run with party true and false.
type authCase struct {
	kind  int
	roles []core.Role
	setup func(e *env, c cast, s core.Address, party bool) core.Msg
}

func authCases() map[string]authCase {
	// issueAs lets s issue an invoice even without the business role, then
	// takes the role away again, so the signer holds exactly the role under
	// test.
	issueAs := func(e *env, s core.Address, m IssueInvoice) {
		had, err := core.HasRole(e.KV, s, core.RoleBusiness)
		require.NoError(e.T, err)
		if !had {
			require.NoError(e.T, grant(e, s, core.RoleBusiness))
		}
		e.OK(s, m)
		if !had {
			e.Revoke(s, core.RoleBusiness)
		}
	}
	pick := func(party bool, s, other core.Address) core.Address {
		if party {
			return s
		}
		return other
	}
	return map[string]authCase{
		TypeIssueInvoice: {byRole, []core.Role{core.RoleBusiness}, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			return issue("INV-1", c.alice, line("x", 1000, 100, 2000))
		}},
		// The original is looked up among the signer's own documents, so
		// only its issuer can name it; the role is what is tested here.
		TypeIssueCreditNote: {byRole, []core.Role{core.RoleBusiness}, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			issueAs(e, s, issue("INV-1", c.alice, line("x", 1000, 100, 2000)))
			return credit("CN-1", "INV-1", line("x", 1000, 100, 2000))
		}},
		TypeAcknowledgeInvoice: {byParty, nil, func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.OK(c.shop, issue("INV-1", pick(party, s, c.alice), line("x", 1000, 100, 2000)))
			return AcknowledgeInvoice{Issuer: c.shop, Number: "INV-1"}
		}},
		TypeClaimReimbursement: {byAnyone, nil, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			m := issue("INV-1", c.alice, line("x", 1000, 100, 2000))
			e.OK(c.shop, m)
			return ClaimReimbursement{Issuer: c.shop, Number: "INV-1", DocumentHash: m.DocumentHash}
		}},
	}
}

func grant(e *env, a core.Address, r core.Role) error {
	return core.SetJSON(e.KV, core.RoleGrantKey(a, r), core.RoleGrant{Account: a, Role: r, Agency: "test"})
}

// TestAuthorisationMatrix runs every message type as a signer holding each
// role (and none): role-gated messages succeed exactly for their roles;
// party-gated ones succeed for the buyer whatever its role and are refused
// (ErrUnauthorized) for an outsider whatever its role; a claim succeeds
// for anyone.
func TestAuthorisationMatrix(t *testing.T) {
	cases := authCases()
	require.Len(t, cases, len(Module.Types()))
	roles := append([]core.Role{""}, core.Roles...)
	for _, typ := range Module.Types() {
		ac, ok := cases[typ]
		require.True(t, ok, typ)
		for _, role := range roles {
			parties := []bool{true}
			if ac.kind == byParty {
				parties = []bool{true, false}
			}
			for _, party := range parties {
				name := typ + "/" + string(role)
				if !party {
					name += "/outsider"
				}
				t.Run(name, func(t *testing.T) {
					e := newEnv(t)
					c := newCast(e)
					s := e.Account("signer-under-test")
					if role != "" {
						require.NoError(t, grant(e, s, role))
					}
					m := ac.setup(e, c, s, party)
					require.Equal(t, typ, m.Type())
					_, err := e.Run(s, m)
					allowed := party && (ac.kind != byRole || slices.Contains(ac.roles, role))
					if allowed {
						require.NoError(t, err)
					} else {
						require.ErrorIs(t, err, core.ErrUnauthorized)
					}
				})
			}
		}
	}
}
