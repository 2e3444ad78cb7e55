package land

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
	propose := func(e *env, c cast, seller, buyer core.Address) {
		e.OK(seller, ProposeTransfer{ParcelID: "P-1", Denominator: 1, Sellers: []Share{sh(seller, 1)},
			Buyers: []Share{sh(buyer, 1)}, Price: 1, Currency: "EUR", ExpiresAt: e.Deadline(day)})
	}
	// lienBy has bank create a lien even without the bank role, so that the
	// signer holds exactly the role under test.
	lienBy := func(e *env, bank core.Address) {
		e.WithRole(bank, core.RoleBank, func() {
			e.OK(bank, CreateLien{ParcelID: "P-1", Amount: 1, Currency: "EUR", Reference: "r", DocumentHash: coretest.HashOf("l")})
		})
	}
	return map[string]authCase{
		TypeRegisterParcel: {Roles: []core.Role{core.RoleLandRegistrar}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			return registerMsg("P-9", 1, sh(c.alice, 1))
		}},
		TypeProposeTransfer: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 2, sh(coretest.Pick(party, s, c.alice), 1), sh(c.bob, 1)))
			return ProposeTransfer{ParcelID: "P-1", Denominator: 2, Sellers: []Share{sh(s, 1)},
				Buyers: []Share{sh(c.carol, 1)}, Price: 1, Currency: "EUR", ExpiresAt: e.Deadline(day)}
		}},
		TypeAcceptTransfer: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			propose(e, c, c.alice, coretest.Pick(party, s, c.carol))
			return AcceptTransfer{TransferID: 1}
		}},
		TypeCertifyTransfer: {Roles: []core.Role{core.RoleNotary}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			propose(e, c, c.alice, c.carol)
			e.OK(c.carol, AcceptTransfer{TransferID: 1})
			return CertifyTransfer{TransferID: 1, DeedHash: coretest.HashOf("deed")}
		}},
		TypeConsentTransfer: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			lienBy(e, coretest.Pick(party, s, c.bank))
			e.OK(c.alice, AcceptLien{LienID: 1})
			propose(e, c, c.alice, c.carol)
			return ConsentTransfer{TransferID: 1, LienID: 1}
		}},
		TypeRegisterTransfer: {Roles: []core.Role{core.RoleLandRegistrar}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			propose(e, c, c.alice, c.carol)
			e.OK(c.carol, AcceptTransfer{TransferID: 1})
			e.OK(c.notary, CertifyTransfer{TransferID: 1, DeedHash: coretest.HashOf("deed")})
			return RegisterTransfer{TransferID: 1}
		}},
		TypeCancelTransfer: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			propose(e, c, c.alice, coretest.Pick(party, s, c.carol))
			return CancelTransfer{TransferID: 1}
		}},
		TypeCreateLien: {Roles: []core.Role{core.RoleBank}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			return CreateLien{ParcelID: "P-1", Amount: 1, Currency: "EUR", Reference: "r", DocumentHash: coretest.HashOf("l")}
		}},
		TypeAcceptLien: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(coretest.Pick(party, s, c.alice), 1)))
			lienBy(e, c.bank)
			return AcceptLien{LienID: 1}
		}},
		TypeReleaseLien: {Setup: func(e *env, c cast, s core.Address, party bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			lienBy(e, coretest.Pick(party, s, c.bank))
			return ReleaseLien{LienID: 1}
		}},
		TypeFlagDispute: {Roles: []core.Role{core.RoleCourt, core.RoleLandRegistrar}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			return FlagDispute{ParcelID: "P-1", Reason: "r", DocumentHash: coretest.HashOf("d")}
		}},
		TypeClearDispute: {Roles: []core.Role{core.RoleCourt, core.RoleLandRegistrar}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			e.OK(c.court, FlagDispute{ParcelID: "P-1", Reason: "r", DocumentHash: coretest.HashOf("d")})
			return ClearDispute{DisputeID: 1, Resolution: "ok", DocumentHash: coretest.HashOf("r")}
		}},
		TypeSubdivideParcel: {Roles: []core.Role{core.RoleLandRegistrar}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			return SubdivideParcel{ParentID: "P-1", DocumentHash: coretest.HashOf("s"), Children: []NewParcel{
				{ParcelID: "P-1a", CadastralRef: "a", AreaM2: 1}, {ParcelID: "P-1b", CadastralRef: "b", AreaM2: 999}}}
		}},
		TypeMergeParcels: {Roles: []core.Role{core.RoleLandRegistrar}, Setup: func(e *env, c cast, s core.Address, _ bool) core.Msg {
			e.OK(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)))
			e.OK(c.registrar, registerMsg("P-2", 1, sh(c.alice, 1)))
			return MergeParcels{ParentIDs: []string{"P-1", "P-2"}, ParcelID: "P-3", CadastralRef: "m", AreaM2: 2000, DocumentHash: coretest.HashOf("m")}
		}},
		TypeTransferInheritance: inheritanceAuthCase(),
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
