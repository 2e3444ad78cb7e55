package vehicle

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
// message is authorised by being a party (owner, buyer, seller, lien bank)
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
	reg := func(e *env, c cast, owner core.Address) {
		e.OK(c.registrar, registerMsg(vin1, "AB-1", owner))
	}
	// lienBy lets bank create a lien even without the bank role, then takes
	// the role away again, so that the signer holds exactly the role under
	// test.
	lienBy := func(e *env, bank core.Address) {
		had, err := core.HasRole(e.KV, bank, core.RoleBank)
		require.NoError(e.T, err)
		if !had {
			require.NoError(e.T, grant(e, bank, core.RoleBank))
		}
		e.OK(bank, CreateLien{VIN: vin1, Amount: 1, Currency: "EUR", Reference: "r", DocumentHash: coretest.HashOf("l")})
		if !had {
			e.Revoke(bank, core.RoleBank)
		}
	}
	registrar := []core.Role{core.RoleVehicleRegistrar}
	return map[string]authCase{
		TypeRegisterVehicle: {registrar, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			return registerMsg(vin1, "AB-1", c.alice)
		}},
		TypeOfferTransfer: {nil, func(e *env, c cast, s core.Address, party bool) core.Msg {
			reg(e, c, pick(party, s, c.alice))
			return e.offer(vin1, c.carol, day)
		}},
		TypeAcceptTransfer: {nil, func(e *env, c cast, s core.Address, party bool) core.Msg {
			reg(e, c, c.alice)
			e.OK(c.alice, e.offer(vin1, pick(party, s, c.carol), day))
			return AcceptTransfer{TransferID: 1}
		}},
		TypeApproveTransfer: {registrar, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.withApproval()
			reg(e, c, c.alice)
			e.OK(c.alice, e.offer(vin1, c.carol, day))
			e.OK(c.carol, AcceptTransfer{TransferID: 1})
			return ApproveTransfer{TransferID: 1}
		}},
		TypeCancelTransfer: {nil, func(e *env, c cast, s core.Address, party bool) core.Msg {
			reg(e, c, c.alice)
			e.OK(c.alice, e.offer(vin1, pick(party, s, c.carol), day))
			return CancelTransfer{TransferID: 1}
		}},
		TypeRecordInspection: {[]core.Role{core.RoleInspectionStation}, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			reg(e, c, c.alice)
			return RecordInspection{VIN: vin1, Result: InspectionPass, OdometerKM: 2000}
		}},
		TypeRecordRepair: {[]core.Role{core.RoleWorkshop}, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			reg(e, c, c.alice)
			return RecordRepair{VIN: vin1, Description: "oil", OdometerKM: 2000}
		}},
		TypeRecordInsurance: {[]core.Role{core.RoleInsurer}, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			reg(e, c, c.alice)
			return RecordInsurance{VIN: vin1, PolicyNumber: "P", ValidFrom: coretest.T0, ValidTo: coretest.T0.Add(day)}
		}},
		TypeRecordOdometer: {[]core.Role{core.RoleInspectionStation, core.RoleWorkshop, core.RoleVehicleRegistrar}, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			reg(e, c, c.alice)
			return RecordOdometer{VIN: vin1, OdometerKM: 2000}
		}},
		TypeCreateLien: {[]core.Role{core.RoleBank}, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			reg(e, c, c.alice)
			return CreateLien{VIN: vin1, Amount: 1, Currency: "EUR", Reference: "r", DocumentHash: coretest.HashOf("l")}
		}},
		TypeReleaseLien: {nil, func(e *env, c cast, s core.Address, party bool) core.Msg {
			reg(e, c, c.alice)
			lienBy(e, pick(party, s, c.bank))
			return ReleaseLien{LienID: 1}
		}},
		TypeChangePlate: {registrar, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			reg(e, c, c.alice)
			return ChangePlate{VIN: vin1, NewPlate: "NEW-1"}
		}},
		TypeDeregisterVehicle: {registrar, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			reg(e, c, c.alice)
			return DeregisterVehicle{VIN: vin1, Reason: ReasonScrapped}
		}},
		TypeReinstateVehicle: {registrar, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			reg(e, c, c.alice)
			e.OK(c.registrar, DeregisterVehicle{VIN: vin1, Reason: ReasonStolen})
			return ReinstateVehicle{VIN: vin1, Notes: "found"}
		}},
		TypeTransferInheritance: {[]core.Role{core.RoleNotary}, func(e *env, c cast, s core.Address, _ bool) core.Msg {
			reg(e, c, c.alice)
			e.Die(c.alice)
			return TransferInheritance{VIN: vin1, Heir: c.bob, CertificateHash: coretest.HashOf("c")}
		}},
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
