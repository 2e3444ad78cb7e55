package land

import (
	"testing"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// TestRefusals triggers every sentinel of the package at least once and
// checks that each refusal leaves the state unchanged.
func TestRefusals(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	day := 24 * time.Hour

	// P-1: alice 1/2, bob 1/2. P-2: alice 1/1.
	e.OK(c.registrar, registerMsg("P-1", 2, sh(c.alice, 1), sh(c.bob, 1)))
	e.OK(c.registrar, registerMsg("P-2", 1, sh(c.alice, 1)))

	// Stateless and parcel-level refusals.
	bad := registerMsg("P-3", 1, sh(c.alice, 1))
	bad.AreaM2 = 0
	e.Refuse(c.registrar, bad, ErrInvalidMessage)
	e.Refuse(c.registrar, registerMsg("P-1", 1, sh(c.alice, 1)), ErrParcelExists)
	e.Refuse(c.alice, registerMsg("P-3", 1, sh(c.alice, 1)), core.ErrMissingRole)

	sale := e.sale
	e.Refuse(c.alice, sale("NOPE", 1, []Share{sh(c.alice, 1)}, []Share{sh(c.carol, 1)}, day), ErrParcelNotFound)
	e.Refuse(c.alice, sale("P-1", 2, []Share{sh(c.bob, 1)}, []Share{sh(c.carol, 1)}, day), ErrNotSeller)
	e.Refuse(c.carol, sale("P-1", 2, []Share{sh(c.carol, 1)}, []Share{sh(c.dave, 1)}, day), ErrNotOwner)
	e.Refuse(c.alice, sale("P-1", 4, []Share{sh(c.alice, 3)}, []Share{sh(c.carol, 3)}, day), ErrInsufficientShares)
	e.Refuse(c.alice, sale("P-1", 3, []Share{sh(c.alice, 1)}, []Share{sh(c.carol, 1)}, day), ErrDenominatorMismatch)
	past := sale("P-1", 2, []Share{sh(c.alice, 1)}, []Share{sh(c.carol, 1)}, 0)
	past.ExpiresAt = coretest.BlockTime(e.Height) // at or before the next block's time
	e.Refuse(c.alice, past, ErrDeadlineOutOfRange)
	e.Refuse(c.alice, sale("P-1", 2, []Share{sh(c.alice, 1)}, []Share{sh(c.carol, 1)}, MaxTransferHorizon+time.Second), ErrDeadlineOutOfRange)
	many := make([]Share, 64)
	for i := range many {
		many[i] = sh(e.Account("buyer-"+string(rune('A'+i))), 1)
	}
	e.Refuse(c.alice, sale("P-2", 128, []Share{sh(c.alice, 64)}, many, day), ErrTooManyOwners)

	// Transfer workflow refusals on transfer 1: alice sells her half to carol.
	e.OK(c.alice, sale("P-1", 2, []Share{sh(c.alice, 1)}, []Share{sh(c.carol, 1)}, day))
	e.Refuse(c.carol, AcceptTransfer{TransferID: 99}, ErrTransferNotFound)
	e.Refuse(c.dave, AcceptTransfer{TransferID: 1}, ErrNotParty)
	e.Refuse(c.alice, AcceptTransfer{TransferID: 1}, ErrAlreadyAccepted)
	e.Refuse(c.notary, CertifyTransfer{TransferID: 1, DeedHash: coretest.HashOf("d")}, ErrAcceptanceMissing)
	e.Refuse(c.registrar, RegisterTransfer{TransferID: 1}, ErrAcceptanceMissing)
	e.OK(c.carol, AcceptTransfer{TransferID: 1})
	e.Refuse(c.registrar, RegisterTransfer{TransferID: 1}, ErrNotCertified)
	e.Refuse(c.bank, CertifyTransfer{TransferID: 1, DeedHash: coretest.HashOf("d")}, core.ErrMissingRole)
	e.OK(c.notary, CertifyTransfer{TransferID: 1, DeedHash: coretest.HashOf("d")})
	e.Refuse(c.notary, CertifyTransfer{TransferID: 1, DeedHash: coretest.HashOf("d")}, ErrAlreadyCertified)
	e.Refuse(c.registrar, CancelTransfer{TransferID: 1}, ErrNotParty) // not expired

	// A notary who is a buyer may not certify.
	e.OK(c.alice, sale("P-2", 1, []Share{sh(c.alice, 1)}, []Share{sh(c.notaryBuyer, 1)}, day)) // transfer 2
	e.OK(c.notaryBuyer, AcceptTransfer{TransferID: 2})
	e.Refuse(c.notaryBuyer, CertifyTransfer{TransferID: 2, DeedHash: coretest.HashOf("d")}, ErrNotaryIsParty)

	// Liens: lien 1 on P-1 (pending), lien 2 on P-2.
	e.Refuse(c.bank, CreateLien{ParcelID: "NOPE", Amount: 1, Currency: "EUR", Reference: "r", DocumentHash: coretest.HashOf("l")}, ErrParcelNotFound)
	e.OK(c.bank, CreateLien{ParcelID: "P-1", Amount: 1, Currency: "EUR", Reference: "r", DocumentHash: coretest.HashOf("l")})
	e.OK(c.bank, CreateLien{ParcelID: "P-2", Amount: 1, Currency: "EUR", Reference: "r2", DocumentHash: coretest.HashOf("l2")})
	e.Refuse(c.alice, AcceptLien{LienID: 99}, ErrLienNotFound)
	e.Refuse(c.carol, AcceptLien{LienID: 1}, ErrNotOwner)
	e.Refuse(c.bank, ConsentTransfer{TransferID: 1, LienID: 1}, ErrLienNotActive)
	e.OK(c.alice, AcceptLien{LienID: 1})
	e.Refuse(c.alice, AcceptLien{LienID: 1}, ErrAlreadyAccepted)
	e.OK(c.bob, AcceptLien{LienID: 1})
	e.Refuse(c.bob, AcceptLien{LienID: 1}, ErrLienNotPending)
	e.Refuse(c.registrar, RegisterTransfer{TransferID: 1}, ErrConsentMissing)
	e.Refuse(c.bank2, ConsentTransfer{TransferID: 1, LienID: 1}, ErrNotLienBank)
	e.Refuse(c.bank, ConsentTransfer{TransferID: 1, LienID: 2}, ErrLienNotOnParcel)
	e.OK(c.bank, ConsentTransfer{TransferID: 1, LienID: 1})
	e.Refuse(c.bank, ConsentTransfer{TransferID: 1, LienID: 1}, ErrAlreadyConsented)
	e.Refuse(c.bank2, ReleaseLien{LienID: 2}, ErrNotLienBank)
	e.OK(c.bank, ReleaseLien{LienID: 2})
	e.Refuse(c.bank, ReleaseLien{LienID: 2}, ErrLienReleased)

	// Subdivision and merger refusals. P-1 has an active lien and a pending
	// transfer.
	kids := func(a, b int64) []NewParcel {
		return []NewParcel{{ParcelID: "K-1", CadastralRef: "k1", AreaM2: a}, {ParcelID: "K-2", CadastralRef: "k2", AreaM2: b}}
	}
	e.Refuse(c.registrar, SubdivideParcel{ParentID: "P-1", Children: kids(500, 500), DocumentHash: coretest.HashOf("s")}, ErrParcelEncumbered)
	e.Refuse(c.registrar, SubdivideParcel{ParentID: "P-2", Children: kids(500, 500), DocumentHash: coretest.HashOf("s")}, ErrPendingTransfers)
	e.OK(c.notaryBuyer, CancelTransfer{TransferID: 2}) // the notary-buyer sale
	e.Refuse(c.registrar, SubdivideParcel{ParentID: "P-2", Children: kids(500, 400), DocumentHash: coretest.HashOf("s")}, ErrAreaMismatch)
	e.OK(c.registrar, registerMsg("K-2", 1, sh(c.dave, 1)))
	e.Refuse(c.registrar, SubdivideParcel{ParentID: "P-2", Children: kids(500, 500), DocumentHash: coretest.HashOf("s")}, ErrParcelExists)
	e.Refuse(c.registrar, MergeParcels{ParentIDs: []string{"P-2", "K-2"}, ParcelID: "M-1", CadastralRef: "m", AreaM2: 2000, DocumentHash: coretest.HashOf("m")}, ErrOwnershipMismatch)
	e.OK(c.registrar, registerMsg("P-4", 1, sh(c.alice, 1)))
	e.Refuse(c.registrar, MergeParcels{ParentIDs: []string{"P-2", "P-4"}, ParcelID: "M-1", CadastralRef: "m", AreaM2: 1999, DocumentHash: coretest.HashOf("m")}, ErrAreaMismatch)

	// Disputes freeze P-1: no registration, no new proposal, no subdivision.
	e.Refuse(c.court, ClearDispute{DisputeID: 99, Resolution: "x", DocumentHash: coretest.HashOf("x")}, ErrDisputeNotFound)
	e.OK(c.court, FlagDispute{ParcelID: "P-1", Reason: "fraud alleged", DocumentHash: coretest.HashOf("f")})
	e.Refuse(c.registrar, RegisterTransfer{TransferID: 1}, ErrParcelDisputed)
	e.Refuse(c.bob, sale("P-1", 2, []Share{sh(c.bob, 1)}, []Share{sh(c.dave, 1)}, day), ErrParcelDisputed)
	e.Refuse(c.registrar, SubdivideParcel{ParentID: "P-1", Children: kids(500, 500), DocumentHash: coretest.HashOf("s")}, ErrParcelDisputed)
	e.OK(c.registrar, ClearDispute{DisputeID: 1, Resolution: "dismissed", DocumentHash: coretest.HashOf("r")})
	e.Refuse(c.court, ClearDispute{DisputeID: 1, Resolution: "again", DocumentHash: coretest.HashOf("r")}, ErrDisputeCleared)

	// Two competing proposals of bob's half: the first registered wins.
	e.OK(c.bob, sale("P-1", 2, []Share{sh(c.bob, 1)}, []Share{sh(c.dave, 1)}, day))  // transfer 3
	e.OK(c.bob, sale("P-1", 4, []Share{sh(c.bob, 2)}, []Share{sh(c.carol, 2)}, day)) // transfer 4
	for _, id := range []uint64{3, 4} {
		buyer := c.dave
		if id == 4 {
			buyer = c.carol
		}
		e.OK(buyer, AcceptTransfer{TransferID: id})
		e.OK(c.notary, CertifyTransfer{TransferID: id, DeedHash: coretest.HashOf("d")})
		e.OK(c.bank, ConsentTransfer{TransferID: id, LienID: 1})
	}
	e.OK(c.registrar, RegisterTransfer{TransferID: 3})
	// Registering transfer 3 superseded transfer 4: bob no longer holds
	// what it sells. Every later step of it is refused with its own code.
	e.Refuse(c.registrar, RegisterTransfer{TransferID: 4}, ErrTransferSuperseded)
	e.Refuse(c.carol, AcceptTransfer{TransferID: 4}, ErrTransferSuperseded)
	e.Refuse(c.notary, CertifyTransfer{TransferID: 4, DeedHash: coretest.HashOf("d")}, ErrTransferSuperseded)
	e.Refuse(c.bank, ConsentTransfer{TransferID: 4, LienID: 1}, ErrTransferSuperseded)
	e.Refuse(c.carol, CancelTransfer{TransferID: 4}, ErrTransferSuperseded)
	// ErrOwnershipChanged is the registration's own guard: with every
	// change of ownership superseding the transfers it invalidates, only a
	// state changed outside the messages reaches it. Write such a state.
	e.OK(c.dave, sale("P-1", 2, []Share{sh(c.dave, 1)}, []Share{sh(c.carol, 1)}, day)) // transfer 5
	e.OK(c.carol, AcceptTransfer{TransferID: 5})
	e.OK(c.notary, CertifyTransfer{TransferID: 5, DeedHash: coretest.HashOf("d")})
	owners := e.parcel("P-1")
	e.forceOwners("P-1", 1, sh(c.alice, 1))
	e.Refuse(c.registrar, RegisterTransfer{TransferID: 5}, ErrOwnershipChanged)
	e.forceOwners("P-1", owners.Denominator, owners.Owners...)
	e.Refuse(c.registrar, RegisterTransfer{TransferID: 3}, ErrTransferNotPending)
	e.Refuse(c.dave, CancelTransfer{TransferID: 3}, ErrTransferNotPending)

	// Expiry: transfer 1 (still pending) expires after a day.
	e.Height += int64(day/time.Second) + 10
	e.Refuse(c.registrar, RegisterTransfer{TransferID: 1}, ErrTransferExpired)
	e.Refuse(c.notary, CertifyTransfer{TransferID: 5, DeedHash: coretest.HashOf("d")}, ErrTransferExpired)
	e.Refuse(c.bank, ConsentTransfer{TransferID: 1, LienID: 1}, ErrTransferExpired)

	// Retired parcels: subdivide P-2, then it accepts nothing new.
	e.OK(c.registrar, SubdivideParcel{ParentID: "P-2", Children: []NewParcel{
		{ParcelID: "Q-1", CadastralRef: "q1", AreaM2: 999}, {ParcelID: "Q-2", CadastralRef: "q2", AreaM2: 1},
	}, DocumentHash: coretest.HashOf("s")})
	e.Refuse(c.alice, sale("P-2", 1, []Share{sh(c.alice, 1)}, []Share{sh(c.carol, 1)}, day), ErrParcelRetired)
	e.Refuse(c.bank, CreateLien{ParcelID: "P-2", Amount: 1, Currency: "EUR", Reference: "r", DocumentHash: coretest.HashOf("l")}, ErrParcelRetired)
	e.Refuse(c.court, FlagDispute{ParcelID: "P-2", Reason: "x", DocumentHash: coretest.HashOf("x")}, ErrParcelRetired)

	// Query-only sentinels.
	for _, q := range []struct {
		path []string
		err  error
	}{
		{[]string{"owner", c.alice.String(), "nope"}, ErrUnknownQuery},
		{[]string{"owner", c.carol.String(), "parcels"}, ErrOwnerNotFound},
	} {
		e.RefuseQuery(boundQuery, q.path, q.err)
	}

	inheritanceRefusals(e, c)

	e.RequireSeen(Errors)
}
