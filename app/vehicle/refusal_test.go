package vehicle

import (
	"testing"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// TestRefusals triggers every sentinel of the package at least once and
// checks that each refusal leaves the state unchanged.
func TestRefusals(t *testing.T) {
	e := newEnv(t).withApproval()
	c := newCast(e)
	day := 24 * time.Hour

	// Registration.
	bad := registerMsg(vin1, "AB-1", c.alice)
	bad.Year = 0
	e.Refuse(c.registrar, bad, ErrInvalidMessage)
	future := registerMsg(vin1, "AB-1", c.alice)
	future.Year = int64(coretest.T0.Year()) + 2
	e.Refuse(c.registrar, future, ErrInvalidMessage)
	e.Refuse(c.alice, registerMsg(vin1, "AB-1", c.alice), core.ErrMissingRole)
	e.OK(c.registrar, registerMsg(vin1, "AB-1", c.alice))
	e.OK(c.registrar, registerMsg(vin2, "AB-2", c.bob))
	e.Refuse(c.registrar, registerMsg(vin1, "AB-9", c.bob), ErrVehicleExists)
	e.Refuse(c.registrar, registerMsg(vinE, "AB-2", c.bob), ErrPlateTaken)
	e.Refuse(c.registrar, ChangePlate{VIN: vin1, NewPlate: "AB-2"}, ErrPlateTaken)
	e.Refuse(c.registrar, ChangePlate{VIN: vin1, NewPlate: "AB-1"}, ErrPlateTaken)
	e.Refuse(c.registrar, ChangePlate{VIN: vinE, NewPlate: "AB-3"}, ErrVehicleNotFound)
	e.Refuse(c.station, RecordOdometer{VIN: vinE, OdometerKM: 1}, ErrVehicleNotFound)

	// Offers.
	e.Refuse(c.bob, e.offer(vin1, c.carol, day), ErrNotOwner)
	e.Refuse(c.alice, e.offer(vin1, c.alice, day), ErrBuyerIsOwner)
	past := e.offer(vin1, c.bob, 0)
	past.ExpiresAt = coretest.BlockTime(e.Height) // at or before the next block's time
	e.Refuse(c.alice, past, ErrDeadlineOutOfRange)
	e.Refuse(c.alice, e.offer(vin1, c.bob, MaxOfferHorizon+time.Second), ErrDeadlineOutOfRange)
	e.OK(c.alice, e.offer(vin1, c.bob, day)) // transfer 1
	e.Refuse(c.alice, e.offer(vin1, c.carol, day), ErrTransferOpen)

	// Acceptance and approval (approval is required in this env).
	e.Refuse(c.bob, AcceptTransfer{TransferID: 99}, ErrTransferNotFound)
	e.Refuse(c.carol, AcceptTransfer{TransferID: 1}, ErrNotBuyer)
	e.Refuse(c.alice, AcceptTransfer{TransferID: 1}, ErrNotBuyer)
	e.Refuse(c.registrar, ApproveTransfer{TransferID: 1}, ErrTransferNotAccepted)
	e.Refuse(c.alice, ApproveTransfer{TransferID: 1}, core.ErrMissingRole)
	e.OK(c.bob, AcceptTransfer{TransferID: 1})
	e.Refuse(c.bob, AcceptTransfer{TransferID: 1}, ErrTransferNotPending)
	e.Refuse(c.carol, CancelTransfer{TransferID: 1}, ErrNotParty)
	e.Refuse(c.registrar, CancelTransfer{TransferID: 1}, ErrNotParty) // not expired
	// A lien after acceptance blocks approval.
	e.OK(c.bank, CreateLien{VIN: vin1, Amount: 5, Currency: "EUR", Reference: "L1", DocumentHash: coretest.HashOf("l1")}) // lien 1
	e.Refuse(c.registrar, ApproveTransfer{TransferID: 1}, ErrVehicleEncumbered)
	e.Refuse(c.bank2, ReleaseLien{LienID: 1}, ErrNotLienBank)
	e.Refuse(c.bank, ReleaseLien{LienID: 99}, ErrLienNotFound)
	e.OK(c.bank, ReleaseLien{LienID: 1})
	e.Refuse(c.bank, ReleaseLien{LienID: 1}, ErrLienReleased)
	e.OK(c.registrar, ApproveTransfer{TransferID: 1})
	e.Refuse(c.registrar, ApproveTransfer{TransferID: 1}, ErrTransferNotAccepted)
	e.Refuse(c.bob, CancelTransfer{TransferID: 1}, ErrTransferClosed)
	e.Refuse(c.bob, AcceptTransfer{TransferID: 1}, ErrTransferNotPending)

	// Too many liens on vin2.
	for i := 0; i < MaxActiveLiens; i++ {
		e.OK(c.bank, CreateLien{VIN: vin2, Amount: 1, Currency: "EUR", Reference: "R", DocumentHash: coretest.HashOf("r")})
	}
	e.Refuse(c.bank, CreateLien{VIN: vin2, Amount: 1, Currency: "EUR", Reference: "R", DocumentHash: coretest.HashOf("r")}, ErrTooManyLiens)
	e.Refuse(c.bob, e.offer(vin2, c.carol, day), ErrVehicleEncumbered)

	// Expiry: vin1 (now bob's) offered to carol for 10 seconds.
	e.OK(c.bob, e.offer(vin1, c.carol, 10*time.Second)) // transfer 2
	e.Height += 20
	e.Refuse(c.carol, AcceptTransfer{TransferID: 2}, ErrTransferExpired)
	e.OK(c.bob, e.offer(vin1, c.carol, day)) // transfer 3 supersedes 2
	e.OK(c.carol, AcceptTransfer{TransferID: 3})
	e.Height += int64(day/time.Second) + 10
	e.Refuse(c.registrar, ApproveTransfer{TransferID: 3}, ErrTransferExpired)
	e.OK(c.registrar, CancelTransfer{TransferID: 3, Reason: "expired"})

	// Deceased seller and inheritance.
	e.OK(c.bob, e.offer(vin1, c.carol, day)) // transfer 4
	e.Refuse(c.notary, TransferInheritance{VIN: vin1, Heir: c.carol, CertificateHash: coretest.HashOf("c")}, ErrOwnerNotDeceased)
	e.OK(c.carol, AcceptTransfer{TransferID: 4})
	e.Die(c.bob)
	e.Refuse(c.registrar, ApproveTransfer{TransferID: 4}, ErrOwnerDeceased)
	e.Die(c.carol)
	e.Refuse(c.notary, TransferInheritance{VIN: vin1, Heir: c.carol, CertificateHash: coretest.HashOf("c")}, ErrHeirDisabled)
	e.Refuse(c.bank, TransferInheritance{VIN: vin1, Heir: c.alice, CertificateHash: coretest.HashOf("c")}, core.ErrMissingRole)
	e.OK(c.notary, TransferInheritance{VIN: vin1, Heir: c.alice, CertificateHash: coretest.HashOf("c")})

	// Deregistration.
	e.Refuse(c.registrar, ReinstateVehicle{VIN: vin1, Notes: "n"}, ErrVehicleNotDeregistered)
	e.OK(c.registrar, DeregisterVehicle{VIN: vin1, Reason: ReasonExported})
	e.Refuse(c.registrar, DeregisterVehicle{VIN: vin1, Reason: ReasonScrapped}, ErrVehicleDeregistered)
	e.Refuse(c.alice, e.offer(vin1, c.bob, day), ErrVehicleDeregistered)
	e.Refuse(c.registrar, ReinstateVehicle{VIN: vinE, Notes: "n"}, ErrVehicleNotFound)

	// Query-only sentinels.
	for _, q := range []struct {
		path []string
		err  error
	}{
		{[]string{"vehicle", vin1, "nope"}, ErrUnknownQuery},
		{[]string{"plate", "NONE-1"}, ErrPlateNotFound},
		{[]string{"owner", c.carol.String(), "vehicles"}, ErrOwnerNotFound},
	} {
		e.RefuseQuery(boundQuery, q.path, q.err)
	}

	e.RequireSeen(Errors)
}
