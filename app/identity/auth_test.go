package identity

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// authCase is a row of the authorisation matrix (coretest.AuthMatrix).
// The party-gated messages are authorised by who the signer is (the
// account itself, a recovery's proposer, an agency admin of another
// agency); identity/rotate_key only ever concerns its signer (Anyone).
type authCase = coretest.AuthCase[*env, cast]

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
		TypeAmendPerson: {Roles: civil, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1"))
			return AmendPerson{PersonID: "P-1", DocumentHash: coretest.HashOf("d"), Commitments: commitments("new")}
		}},
		TypeApproveRecovery: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			linked(e, c, e.Account("holder"))
			propose(e, c, e.Account("holder"))
			if party {
				e.admin(s, "justice")
			}
			return ApproveRecovery{RecoveryID: 1}
		}},
		TypeCancelRecovery: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			holder := e.Account("holder")
			if party {
				holder = s
			}
			linked(e, c, holder)
			propose(e, c, holder)
			return CancelRecovery{RecoveryID: 1}
		}},
		TypeIssueCredential: {Roles: []core.Role{core.RoleCredentialIssuer}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1"))
			m := validIssue()
			m.ValidUntil = coretest.BlockTime(e.Height).Add(day)
			return m
		}},
		TypeLinkAccount: {Roles: civil, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1"))
			return LinkAccount{PersonID: "P-1", Account: e.Account("new-account")}
		}},
		TypeLinkOrgAccount: {Roles: []core.Role{core.RoleTaxAuthority}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.tax, RegisterOrg{OrgID: "O-1", Name: "Acme", DocumentHash: coretest.HashOf("s"), Accounts: []core.Address{e.Account("o")}})
			return LinkOrgAccount{OrgID: "O-1", Account: e.Account("new-account")}
		}},
		TypeProposeRecovery: {Roles: civil, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			linked(e, c, e.Account("holder"))
			return ProposeRecovery{Account: e.Account("holder"), NewPubKey: core.HexBytes(pubKey("recovered")), Reason: "lost",
				DocumentHash: coretest.HashOf("c"), ExpiresAt: coretest.BlockTime(e.Height + 1).Add(day)}
		}},
		TypeRecordBirth: {Roles: civil, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			pair(e, c)
			return birthMsg("K", "A", "B")
		}},
		TypeRecordDeath: {Roles: civil, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			pair(e, c)
			return RecordDeath{PersonID: "A", DocumentHash: coretest.HashOf("d")}
		}},
		TypeRecordDivorce: {Roles: civil, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			pair(e, c)
			e.OK(c.registrar, RecordMarriage{PersonA: "A", PersonB: "B", DocumentHash: coretest.HashOf("m")})
			return RecordDivorce{PersonA: "A", PersonB: "B", DocumentHash: coretest.HashOf("d")}
		}},
		TypeRecordMarriage: {Roles: civil, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			pair(e, c)
			return RecordMarriage{PersonA: "A", PersonB: "B", DocumentHash: coretest.HashOf("m")}
		}},
		TypeRegisterOrg: {Roles: []core.Role{core.RoleTaxAuthority}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			return RegisterOrg{OrgID: "O-1", Name: "Acme", DocumentHash: coretest.HashOf("s"), Accounts: []core.Address{e.Account("o")}}
		}},
		TypeRegisterPerson: {Roles: civil, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			return registerMsg("P-1")
		}},
		TypeRevokeCredential: {Roles: []core.Role{core.RoleCredentialIssuer}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			// s issues the credential itself, holding exactly the role
			// under test otherwise.
			e.OK(c.registrar, registerMsg("P-1"))
			m := validIssue()
			m.ValidUntil = coretest.BlockTime(e.Height).Add(day)
			e.WithRole(s, core.RoleCredentialIssuer, func() { e.OK(s, m) })
			return RevokeCredential{CredentialID: m.CredentialID, Reason: "r"}
		}},
		TypeRotateKey: {Anyone: true, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			require.NoError(e.T, core.SetAccount(e.KV, core.Account{Address: s, PubKey: core.HexBytes(pubKey("s-old")), Sequence: 3}))
			return RotateKey{NewPubKey: core.HexBytes(pubKey("s-new"))}
		}},
		TypeUnlinkAccount: {Roles: civil, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
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
	coretest.AuthMatrix(t, Module, authCases(), core.ErrUnauthorized,
		func(t *testing.T, role core.Role, _ bool) (*env, cast, *coretest.Env, core.Address) {
			e := newEnv(t)
			c := newCast(e)
			s := e.Account("signer-under-test")
			if role != "" {
				e.grantFrom(s, role, "test")
			}
			return e, c, e.Env, s
		})
}
