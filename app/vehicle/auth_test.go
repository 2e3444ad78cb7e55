package vehicle

import (
	"testing"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// authCase is a row of the authorisation matrix (coretest.AuthMatrix).
type authCase = coretest.AuthCase[*env, cast]

func authCases() map[string]authCase {
	day := 24 * time.Hour
	reg := func(e *env, c cast, owner core.Address) {
		e.OK(c.registrar, registerMsg(vin1, "AB-1", owner))
	}
	// lienBy has bank create a lien even without the bank role, so that the
	// signer holds exactly the role under test.
	lienBy := func(e *env, bank core.Address) {
		e.WithRole(bank, core.RoleBank, func() {
			e.OK(bank, CreateLien{VIN: vin1, Amount: 1, Currency: "EUR", Reference: "r", DocumentHash: coretest.HashOf("l")})
		})
	}
	registrar := []core.Role{core.RoleVehicleRegistrar}
	return map[string]authCase{
		TypeRegisterVehicle: {Roles: registrar, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			return registerMsg(vin1, "AB-1", c.alice)
		}},
		TypeOfferTransfer: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			reg(e, c, coretest.Pick(party, s, c.alice))
			return e.offer(vin1, c.carol, day)
		}},
		TypeAcceptTransfer: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			reg(e, c, c.alice)
			e.OK(c.alice, e.offer(vin1, coretest.Pick(party, s, c.carol), day))
			return AcceptTransfer{TransferID: 1}
		}},
		TypeApproveTransfer: {Roles: registrar, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.withApproval()
			reg(e, c, c.alice)
			e.OK(c.alice, e.offer(vin1, c.carol, day))
			e.OK(c.carol, AcceptTransfer{TransferID: 1})
			return ApproveTransfer{TransferID: 1}
		}},
		TypeCancelTransfer: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			reg(e, c, c.alice)
			e.OK(c.alice, e.offer(vin1, coretest.Pick(party, s, c.carol), day))
			return CancelTransfer{TransferID: 1}
		}},
		TypeRecordInspection: {Roles: []core.Role{core.RoleInspectionStation}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			reg(e, c, c.alice)
			return RecordInspection{VIN: vin1, Result: InspectionPass, OdometerKM: 2000}
		}},
		TypeRecordRepair: {Roles: []core.Role{core.RoleWorkshop}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			reg(e, c, c.alice)
			return RecordRepair{VIN: vin1, Description: "oil", OdometerKM: 2000}
		}},
		TypeRecordInsurance: {Roles: []core.Role{core.RoleInsurer}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			reg(e, c, c.alice)
			return RecordInsurance{VIN: vin1, PolicyNumber: "P", ValidFrom: coretest.T0, ValidTo: coretest.T0.Add(day)}
		}},
		TypeRecordOdometer: {Roles: []core.Role{core.RoleInspectionStation, core.RoleWorkshop, core.RoleVehicleRegistrar}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			reg(e, c, c.alice)
			return RecordOdometer{VIN: vin1, OdometerKM: 2000}
		}},
		TypeCreateLien: {Roles: []core.Role{core.RoleBank}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			reg(e, c, c.alice)
			return CreateLien{VIN: vin1, Amount: 1, Currency: "EUR", Reference: "r", DocumentHash: coretest.HashOf("l")}
		}},
		TypeReleaseLien: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			reg(e, c, c.alice)
			lienBy(e, coretest.Pick(party, s, c.bank))
			return ReleaseLien{LienID: 1}
		}},
		TypeChangePlate: {Roles: registrar, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			reg(e, c, c.alice)
			return ChangePlate{VIN: vin1, NewPlate: "NEW-1"}
		}},
		TypeDeregisterVehicle: {Roles: registrar, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			reg(e, c, c.alice)
			return DeregisterVehicle{VIN: vin1, Reason: ReasonScrapped}
		}},
		TypeReinstateVehicle: {Roles: registrar, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			reg(e, c, c.alice)
			e.OK(c.registrar, DeregisterVehicle{VIN: vin1, Reason: ReasonStolen})
			return ReinstateVehicle{VIN: vin1, Notes: "found"}
		}},
		TypeTransferInheritance: {Roles: []core.Role{core.RoleNotary}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			reg(e, c, c.alice)
			e.Die(c.alice)
			return TransferInheritance{VIN: vin1, Heir: c.bob, CertificateHash: coretest.HashOf("c")}
		}},
	}
}

// TestAuthorisationMatrix runs every message type as a signer holding each
// role (and none): role-gated messages succeed exactly for their roles;
// party-gated ones succeed for a party whatever its role and are refused
// (ErrUnauthorized) for an outsider whatever its role.
func TestAuthorisationMatrix(t *testing.T) {
	coretest.AuthMatrix(t, Module, authCases(), core.ErrUnauthorized, authStart)
}

// authStart starts one run of the matrix: a fresh chain, its cast, and the
// signer under test holding exactly role.
func authStart(t *testing.T, role core.Role, _ bool) (*env, cast, *coretest.Env, core.Address) {
	e := newEnv(t)
	c := newCast(e)
	return e, c, e.Env, e.SignerUnderTest(role)
}
