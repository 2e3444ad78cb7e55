package land

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
// message is authorised by being a party (owner, transfer party, lien bank)
// whatever the signer's roles, and setup is then run with party true and
// false.
type authCase struct {
	roles []core.Role
	setup func(e *env, c cast, s core.Address, party bool) core.Msg
}

func authCases() map[string]authCase {
	day := 24 * time.Hour
	pick := func(party bool, s, other core.Address) core.Address {
		if party {
			return s
		}
		return other
	}
	propose := func(e *env, c cast, seller, buyer core.Address) {
		e.OK(seller, ProposeTransfer{ParcelID: "P-1", Denominator: 1, Sellers: []Share{sh(seller, 1)},
			Buyers: []Share{sh(buyer, 1)}, Price: 1, Currency: "EUR", ExpiresAt: e.Deadline(day)})
	}
	// lienBy lets bank create a lien even without the bank role, then takes the
	// role away again, so that the signer holds exactly the role under test.
	lienBy := func(e *env, c cast, bank core.Address) {
		had, err := core.HasRole(e.KV, bank, core.RoleBank)
		require.NoError(e.T, err)
		if !had {
			require.NoError(e.T, grant(e, bank, core.RoleBank))
		}
		e.OK(bank, CreateLien{ParcelID: "P-1", Amount: 1, Currency: "EUR", Reference: "r", DocumentHash: coretest.HashOf("l")})
		if !had {
			e.Revoke(bank, core.RoleBank)
		}
	}
	return map[string]authCase{
		TypeRegisterParcel: {[]core.Role{core.RoleLandRegistrar}, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			return registerMsg("P-9", 1, sh(c.alice, 1))
		}},
		TypeProposeTransfer: {nil, func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 2, sh(pick(party, s, c.alice), 1), sh(c.bob, 1)))
			return ProposeTransfer{ParcelID: "P-1", Denominator: 2, Sellers: []Share{sh(s, 1)},
				Buyers: []Share{sh(c.carol, 1)}, Price: 1, Currency: "EUR", ExpiresAt: e.Deadline(day)}
		}},
		TypeAcceptTransfer: {nil, func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			propose(e, c, c.alice, pick(party, s, c.carol))
			return AcceptTransfer{TransferID: 1}
		}},
		TypeCertifyTransfer: {[]core.Role{core.RoleNotary}, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			propose(e, c, c.alice, c.carol)
			e.OK(c.carol, AcceptTransfer{TransferID: 1})
			return CertifyTransfer{TransferID: 1, DeedHash: coretest.HashOf("deed")}
		}},
		TypeConsentTransfer: {nil, func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			lienBy(e, c, pick(party, s, c.bank))
			e.OK(c.alice, AcceptLien{LienID: 1})
			propose(e, c, c.alice, c.carol)
			return ConsentTransfer{TransferID: 1, LienID: 1}
		}},
		TypeRegisterTransfer: {[]core.Role{core.RoleLandRegistrar}, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			propose(e, c, c.alice, c.carol)
			e.OK(c.carol, AcceptTransfer{TransferID: 1})
			e.OK(c.notary, CertifyTransfer{TransferID: 1, DeedHash: coretest.HashOf("deed")})
			return RegisterTransfer{TransferID: 1}
		}},
		TypeCancelTransfer: {nil, func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			propose(e, c, c.alice, pick(party, s, c.carol))
			return CancelTransfer{TransferID: 1}
		}},
		TypeCreateLien: {[]core.Role{core.RoleBank}, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			return CreateLien{ParcelID: "P-1", Amount: 1, Currency: "EUR", Reference: "r", DocumentHash: coretest.HashOf("l")}
		}},
		TypeAcceptLien: {nil, func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(pick(party, s, c.alice), 1)))
			lienBy(e, c, c.bank)
			return AcceptLien{LienID: 1}
		}},
		TypeReleaseLien: {nil, func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			lienBy(e, c, pick(party, s, c.bank))
			return ReleaseLien{LienID: 1}
		}},
		TypeFlagDispute: {[]core.Role{core.RoleCourt, core.RoleLandRegistrar}, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			return FlagDispute{ParcelID: "P-1", Reason: "r", DocumentHash: coretest.HashOf("d")}
		}},
		TypeClearDispute: {[]core.Role{core.RoleCourt, core.RoleLandRegistrar}, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			e.OK(c.court, FlagDispute{ParcelID: "P-1", Reason: "r", DocumentHash: coretest.HashOf("d")})
			return ClearDispute{DisputeID: 1, Resolution: "ok", DocumentHash: coretest.HashOf("r")}
		}},
		TypeSubdivideParcel: {[]core.Role{core.RoleLandRegistrar}, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			return SubdivideParcel{ParentID: "P-1", DocumentHash: coretest.HashOf("s"), Children: []NewParcel{
				{ParcelID: "P-1a", CadastralRef: "a", AreaM2: 1}, {ParcelID: "P-1b", CadastralRef: "b", AreaM2: 999}}}
		}},
		TypeMergeParcels: {[]core.Role{core.RoleLandRegistrar}, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			e.OK(c.registrar, registerMsg("P-2", 1, sh(c.alice, 1)))
			return MergeParcels{ParentIDs: []string{"P-1", "P-2"}, ParcelID: "P-3", CadastralRef: "m", AreaM2: 2000, DocumentHash: coretest.HashOf("m")}
		}},
		TypeTransferInheritance: inheritanceAuthCase(),
	}
}

func grant(e *env, a core.Address, r core.Role) error {
	return core.SetJSON(e.KV, core.RoleGrantKey(a, r), core.RoleGrant{Account: a, Role: r, Agency: "test"})
}

// TestAuthorisationMatrix runs every message type as a signer holding each
// role (and none): role-gated messages succeed exactly for their roles;
// party-gated ones succeed for a party whatever its role and are refused
// (ErrUnauthorized) for an outsider whatever its role.
func TestAuthorisationMatrix(t *testing.T) {
	cases := authCases()
	require.Len(t, cases, len(Module.Types()))
	roles := append([]core.Role{""}, core.Roles...)
	for _, typ := range Module.Types() {
		ac, ok := cases[typ]
		require.True(t, ok, typ)
		for _, role := range roles {
			parties := []bool{true}
			if ac.roles == nil {
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
