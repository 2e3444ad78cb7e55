package identity

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// authCase sets up a state in which the message succeeds if the signer is
// authorised. roles lists the roles that authorise it; nil means the
// message is authorised by who the signer is (the account itself, a
// recovery's proposer, an agency admin of another agency) whatever its
// roles, and setup is then run with party true and false. self marks a
// message that only ever concerns its signer (identity/rotate_key), which
// has no outsider.
type authCase struct {
	roles []core.Role
	self  bool
	setup func(e *env, c cast, s core.Address, party bool) core.Msg
}

func authCases() map[string]authCase {
	day := 24 * time.Hour
	civil := []core.Role{core.RoleCivilRegistrar}
	// linked registers P-1 and links a signed account to it.
	linked := func(e *env, c cast, a core.Address) {
		e.OK(c.registrar, registerMsg("P-1"))
		require.NoError(e.T, core.SetAccount(e.KV, core.Account{Address: a, PubKey: core.HexBytes(pubKey("old " + a.String())), Sequence: 1}))
		e.OK(c.registrar, LinkAccount{PersonID: "P-1", Account: a})
	}
	propose := func(e *env, c cast, a core.Address) {
		e.OK(c.registrar, ProposeRecovery{Account: a, NewPubKey: core.HexBytes(pubKey("recovered")), Reason: "lost",
			DocumentHash: coretest.HashOf("c"), ExpiresAt: coretest.BlockTime(e.Height + 1).Add(day)})
	}
	pair := func(e *env, c cast) {
		e.OK(c.registrar, registerMsg("A"))
		e.OK(c.registrar, registerMsg("B"))
	}
	return map[string]authCase{
		TypeAmendPerson: {roles: civil, setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1"))
			return AmendPerson{PersonID: "P-1", DocumentHash: coretest.HashOf("d"), Commitments: commitments("new")}
		}},
		TypeApproveRecovery: {setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			linked(e, c, e.Account("holder"))
			propose(e, c, e.Account("holder"))
			if party {
				e.admin(s, "justice")
			}
			return ApproveRecovery{RecoveryID: 1}
		}},
		TypeCancelRecovery: {setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			holder := e.Account("holder")
			if party {
				holder = s
			}
			linked(e, c, holder)
			propose(e, c, holder)
			return CancelRecovery{RecoveryID: 1}
		}},
		TypeIssueCredential: {roles: []core.Role{core.RoleCredentialIssuer}, setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1"))
			m := validIssue()
			m.ValidUntil = coretest.BlockTime(e.Height).Add(day)
			return m
		}},
		TypeLinkAccount: {roles: civil, setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1"))
			return LinkAccount{PersonID: "P-1", Account: e.Account("new-account")}
		}},
		TypeLinkOrgAccount: {roles: []core.Role{core.RoleTaxAuthority}, setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.tax, RegisterOrg{OrgID: "O-1", Name: "Acme", DocumentHash: coretest.HashOf("s"), Accounts: []core.Address{e.Account("o")}})
			return LinkOrgAccount{OrgID: "O-1", Account: e.Account("new-account")}
		}},
		TypeProposeRecovery: {roles: civil, setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			linked(e, c, e.Account("holder"))
			return ProposeRecovery{Account: e.Account("holder"), NewPubKey: core.HexBytes(pubKey("recovered")), Reason: "lost",
				DocumentHash: coretest.HashOf("c"), ExpiresAt: coretest.BlockTime(e.Height + 1).Add(day)}
		}},
		TypeRecordBirth: {roles: civil, setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			pair(e, c)
			return birthMsg("K", "A", "B")
		}},
		TypeRecordDeath: {roles: civil, setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			pair(e, c)
			return RecordDeath{PersonID: "A", DocumentHash: coretest.HashOf("d")}
		}},
		TypeRecordDivorce: {roles: civil, setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			pair(e, c)
			e.OK(c.registrar, RecordMarriage{PersonA: "A", PersonB: "B", DocumentHash: coretest.HashOf("m")})
			return RecordDivorce{PersonA: "A", PersonB: "B", DocumentHash: coretest.HashOf("d")}
		}},
		TypeRecordMarriage: {roles: civil, setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			pair(e, c)
			return RecordMarriage{PersonA: "A", PersonB: "B", DocumentHash: coretest.HashOf("m")}
		}},
		TypeRegisterOrg: {roles: []core.Role{core.RoleTaxAuthority}, setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			return RegisterOrg{OrgID: "O-1", Name: "Acme", DocumentHash: coretest.HashOf("s"), Accounts: []core.Address{e.Account("o")}}
		}},
		TypeRegisterPerson: {roles: civil, setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			return registerMsg("P-1")
		}},
		TypeRevokeCredential: {roles: []core.Role{core.RoleCredentialIssuer}, setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			// s issues the credential itself, then keeps exactly the role
			// under test.
			e.OK(c.registrar, registerMsg("P-1"))
			had, err := core.HasRole(e.KV, s, core.RoleCredentialIssuer)
			require.NoError(e.T, err)
			if !had {
				e.grantFrom(s, core.RoleCredentialIssuer, "test")
			}
			m := validIssue()
			m.ValidUntil = coretest.BlockTime(e.Height).Add(day)
			e.OK(s, m)
			if !had {
				require.NoError(e.T, e.KV.Delete(core.RoleGrantKey(s, core.RoleCredentialIssuer)))
			}
			return RevokeCredential{CredentialID: m.CredentialID, Reason: "r"}
		}},
		TypeRotateKey: {self: true, setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			require.NoError(e.T, core.SetAccount(e.KV, core.Account{Address: s, PubKey: core.HexBytes(pubKey("s-old")), Sequence: 3}))
			return RotateKey{NewPubKey: core.HexBytes(pubKey("s-new"))}
		}},
		TypeUnlinkAccount: {roles: civil, setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			linked(e, c, e.Account("holder"))
			return UnlinkAccount{Account: e.Account("holder"), Reason: "r"}
		}},
	}
}

// TestAuthorisationMatrix runs every message type as a signer holding each
// role (and none): role-gated messages succeed exactly for their roles;
// party-gated ones succeed for a party whatever its role and are refused
// (core.ErrUnauthorized) for an outsider whatever its role.
func TestAuthorisationMatrix(t *testing.T) {
	cases := authCases()
	require.Len(t, cases, len(Module.Types()))
	roles := append([]core.Role{""}, core.Roles...)
	for _, typ := range Module.Types() {
		ac, ok := cases[typ]
		require.True(t, ok, typ)
		for _, role := range roles {
			parties := []bool{true}
			if ac.roles == nil && !ac.self {
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
						e.grantFrom(s, role, "test")
					}
					m := ac.setup(e, c, s, party)
					require.Equal(t, typ, m.Type())
					_, err := e.Run(s, m)
					allowed := party && (ac.roles == nil || slices.Contains(ac.roles, role))
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
