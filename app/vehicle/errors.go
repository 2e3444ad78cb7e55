package vehicle

import "github.com/govchain/govchain/app/core"

// The vehicle registry's sentinels, each with its released result code
// (300-399) written beside it: a code never moves or changes meaning, and a
// new sentinel takes the next free code. Exec and Query return these
// (possibly wrapped with detail by core.Wrapf), so errors.Is(err, ErrXxx)
// and errors.Is(err, kind) both hold.
var (
	// ErrInvalidMessage is the sentinel of every stateless refusal
	// (Validate), of a model year after the block's next year, and of a
	// malformed genesis parameter; kind core.ErrInvalid.
	ErrInvalidMessage = core.NewCodedError(300, core.ErrInvalid, "vehicle: invalid message")
	// ErrDeadlineOutOfRange: an offer's expires_at is not after the block
	// time or is more than MaxOfferHorizon after it.
	ErrDeadlineOutOfRange = core.NewCodedError(301, core.ErrInvalid, "vehicle: expires_at must be after the block time and within the horizon")
	// ErrUnknownQuery: the query path is not one of the registry's paths, or
	// an id in it is malformed.
	ErrUnknownQuery = core.NewCodedError(302, core.ErrInvalid, "vehicle: unknown query path")

	// ErrVehicleNotFound: no vehicle has the VIN.
	ErrVehicleNotFound = core.NewCodedError(303, core.ErrNotFound, "vehicle: vehicle not found")
	// ErrPlateNotFound: no vehicle carries the plate (queries).
	ErrPlateNotFound = core.NewCodedError(304, core.ErrNotFound, "vehicle: plate not found")
	// ErrTransferNotFound: no transfer has the id.
	ErrTransferNotFound = core.NewCodedError(305, core.ErrNotFound, "vehicle: transfer not found")
	// ErrLienNotFound: no lien has the id.
	ErrLienNotFound = core.NewCodedError(306, core.ErrNotFound, "vehicle: lien not found")
	// ErrOwnerNotFound: the account owns no vehicle (queries).
	ErrOwnerNotFound = core.NewCodedError(307, core.ErrNotFound, "vehicle: account owns no vehicle")

	// ErrNotOwner: the signer is not the vehicle's registered owner.
	ErrNotOwner = core.NewCodedError(308, core.ErrUnauthorized, "vehicle: signer is not the owner of the vehicle")
	// ErrNotBuyer: the signer is not the buyer named in the offer.
	ErrNotBuyer = core.NewCodedError(309, core.ErrUnauthorized, "vehicle: signer is not the buyer in the transfer")
	// ErrNotParty: the signer is neither the seller nor the buyer (nor a
	// vehicle registrar cancelling an expired transfer).
	ErrNotParty = core.NewCodedError(310, core.ErrUnauthorized, "vehicle: signer is not a party to the transfer")
	// ErrNotLienBank: the signer is not the bank that holds the lien.
	ErrNotLienBank = core.NewCodedError(311, core.ErrUnauthorized, "vehicle: signer is not the bank holding the lien")

	// ErrVehicleExists: a vehicle with the VIN is already registered.
	ErrVehicleExists = core.NewCodedError(312, core.ErrConflict, "vehicle: vin already registered")
	// ErrPlateTaken: the plate is already assigned (to this or another
	// vehicle).
	ErrPlateTaken = core.NewCodedError(313, core.ErrConflict, "vehicle: plate already assigned")
	// ErrVehicleDeregistered: the vehicle is deregistered (scrapped,
	// exported, stolen); only reinstatement is allowed.
	ErrVehicleDeregistered = core.NewCodedError(314, core.ErrConflict, "vehicle: vehicle is deregistered")
	// ErrVehicleNotDeregistered: reinstatement of a vehicle in force.
	ErrVehicleNotDeregistered = core.NewCodedError(315, core.ErrConflict, "vehicle: vehicle is not deregistered")
	// ErrVehicleEncumbered: the vehicle has active liens, which block its
	// sale.
	ErrVehicleEncumbered = core.NewCodedError(316, core.ErrConflict, "vehicle: vehicle has active liens")
	// ErrTransferOpen: the vehicle already has an open transfer that has
	// not expired.
	ErrTransferOpen = core.NewCodedError(317, core.ErrConflict, "vehicle: vehicle has an open transfer")
	// ErrBuyerIsOwner: an offer names the current owner as buyer.
	ErrBuyerIsOwner = core.NewCodedError(318, core.ErrConflict, "vehicle: buyer is the current owner")
	// ErrTransferNotPending: the transfer is not awaiting the buyer's
	// acceptance.
	ErrTransferNotPending = core.NewCodedError(319, core.ErrConflict, "vehicle: transfer is not pending")
	// ErrTransferNotAccepted: the transfer is not awaiting registrar
	// approval.
	ErrTransferNotAccepted = core.NewCodedError(320, core.ErrConflict, "vehicle: transfer is not awaiting approval")
	// ErrTransferClosed: the transfer was completed, cancelled or
	// superseded after expiry.
	ErrTransferClosed = core.NewCodedError(321, core.ErrConflict, "vehicle: transfer is closed")
	// ErrTransferExpired: the block time is past the transfer's expires_at.
	ErrTransferExpired = core.NewCodedError(322, core.ErrConflict, "vehicle: transfer expired")
	// ErrOwnerDeceased: the seller is deceased; the vehicle can only move by
	// inheritance.
	ErrOwnerDeceased = core.NewCodedError(323, core.ErrConflict, "vehicle: owner is deceased")
	// ErrOwnerNotDeceased: an inheritance transfer of a vehicle whose owner
	// is not recorded as deceased.
	ErrOwnerNotDeceased = core.NewCodedError(324, core.ErrConflict, "vehicle: owner is not deceased")
	// ErrHeirDisabled: the heir's account is disabled or deceased.
	ErrHeirDisabled = core.NewCodedError(325, core.ErrConflict, "vehicle: heir account can no longer sign")
	// ErrLienReleased: the lien was already released.
	ErrLienReleased = core.NewCodedError(326, core.ErrConflict, "vehicle: lien already released")
	// ErrTooManyLiens: the vehicle already has MaxActiveLiens active liens.
	ErrTooManyLiens = core.NewCodedError(327, core.ErrConflict, "vehicle: too many active liens")
)

// Errors lists every coded sentinel of this package, for the module's code
// table and for tests. The slice must not be modified.
var Errors = []*core.Error{
	ErrInvalidMessage, ErrDeadlineOutOfRange, ErrUnknownQuery,
	ErrVehicleNotFound, ErrPlateNotFound, ErrTransferNotFound, ErrLienNotFound, ErrOwnerNotFound,
	ErrNotOwner, ErrNotBuyer, ErrNotParty, ErrNotLienBank,
	ErrVehicleExists, ErrPlateTaken, ErrVehicleDeregistered, ErrVehicleNotDeregistered,
	ErrVehicleEncumbered, ErrTransferOpen, ErrBuyerIsOwner, ErrTransferNotPending,
	ErrTransferNotAccepted, ErrTransferClosed, ErrTransferExpired, ErrOwnerDeceased,
	ErrOwnerNotDeceased, ErrHeirDisabled, ErrLienReleased, ErrTooManyLiens,
}

// fields words the stateless refusals of this package (core.Fields).
var fields = core.Fields{Invalid: ErrInvalidMessage}
