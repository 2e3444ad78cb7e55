package land

import "github.com/govchain/govchain/app/core"

// The land registry's sentinels, each with its released result code
// (200-299) written beside it: a code never moves or changes meaning, and a
// new sentinel takes the next free code. Exec and Query return these
// (possibly wrapped with detail by core.Wrapf), so errors.Is(err, ErrXxx)
// and errors.Is(err, kind) both hold.
var (
	// ErrInvalidMessage is the sentinel of every stateless refusal
	// (Validate) and of a malformed query path; kind core.ErrInvalid.
	ErrInvalidMessage = core.NewCodedError(200, core.ErrInvalid, "land: invalid message")
	// ErrDeadlineOutOfRange: a transfer's expires_at is not after the block
	// time or is more than MaxTransferHorizon after it.
	ErrDeadlineOutOfRange = core.NewCodedError(201, core.ErrInvalid, "land: expires_at must be after the block time and within the horizon")
	// ErrUnknownQuery: the query path is not one of the registry's paths, or
	// an id in it is malformed.
	ErrUnknownQuery = core.NewCodedError(202, core.ErrInvalid, "land: unknown query path")

	// ErrParcelNotFound: no parcel has the id.
	ErrParcelNotFound = core.NewCodedError(203, core.ErrNotFound, "land: parcel not found")
	// ErrTransferNotFound: no transfer has the id.
	ErrTransferNotFound = core.NewCodedError(204, core.ErrNotFound, "land: transfer not found")
	// ErrLienNotFound: no lien has the id.
	ErrLienNotFound = core.NewCodedError(205, core.ErrNotFound, "land: lien not found")
	// ErrDisputeNotFound: no dispute has the id.
	ErrDisputeNotFound = core.NewCodedError(206, core.ErrNotFound, "land: dispute not found")
	// ErrOwnerNotFound: the account holds shares in no parcel (queries).
	ErrOwnerNotFound = core.NewCodedError(207, core.ErrNotFound, "land: account owns no parcel")

	// ErrNotOwner: the signer holds no shares in the parcel.
	ErrNotOwner = core.NewCodedError(208, core.ErrUnauthorized, "land: signer is not an owner of the parcel")
	// ErrNotSeller: the proposer of a transfer is not one of its sellers.
	ErrNotSeller = core.NewCodedError(209, core.ErrUnauthorized, "land: signer is not a seller in the transfer")
	// ErrNotParty: the signer is neither a seller nor a buyer of the transfer.
	ErrNotParty = core.NewCodedError(210, core.ErrUnauthorized, "land: signer is not a party to the transfer")
	// ErrNotLienBank: the signer is not the bank that holds the lien.
	ErrNotLienBank = core.NewCodedError(211, core.ErrUnauthorized, "land: signer is not the bank holding the lien")
	// ErrNotaryIsParty: a notary may not certify a transfer it is party to.
	ErrNotaryIsParty = core.NewCodedError(212, core.ErrUnauthorized, "land: notary is a party to the transfer")

	// ErrParcelExists: a parcel with the id is already registered.
	ErrParcelExists = core.NewCodedError(213, core.ErrConflict, "land: parcel already registered")
	// ErrParcelRetired: the parcel was subdivided or merged and is no longer
	// in force.
	ErrParcelRetired = core.NewCodedError(214, core.ErrConflict, "land: parcel is retired")
	// ErrParcelDisputed: the parcel has an open dispute, which freezes
	// transfers, subdivision and merger.
	ErrParcelDisputed = core.NewCodedError(215, core.ErrConflict, "land: parcel is under dispute")
	// ErrParcelEncumbered: the parcel has active liens (subdivision, merger).
	ErrParcelEncumbered = core.NewCodedError(216, core.ErrConflict, "land: parcel has active liens")
	// ErrPendingTransfers: the parcel has pending transfers (subdivision,
	// merger).
	ErrPendingTransfers = core.NewCodedError(217, core.ErrConflict, "land: parcel has pending transfers")
	// ErrInsufficientShares: a seller does not hold the shares it sells.
	ErrInsufficientShares = core.NewCodedError(218, core.ErrConflict, "land: seller does not hold the shares")
	// ErrDenominatorMismatch: a transfer's denominator is not a multiple of
	// the parcel's.
	ErrDenominatorMismatch = core.NewCodedError(219, core.ErrConflict, "land: denominator is not a multiple of the parcel's")
	// ErrOwnershipChanged: at registration, the parcel's ownership no longer
	// allows the transfer (a seller sold meanwhile).
	ErrOwnershipChanged = core.NewCodedError(220, core.ErrConflict, "land: ownership changed since the proposal")
	// ErrTooManyOwners: the parcel would have more than MaxOwners owners.
	ErrTooManyOwners = core.NewCodedError(221, core.ErrConflict, "land: too many owners")
	// ErrTransferNotPending: the transfer was already registered or cancelled.
	ErrTransferNotPending = core.NewCodedError(222, core.ErrConflict, "land: transfer is not pending")
	// ErrTransferExpired: the block time is past the transfer's expires_at.
	ErrTransferExpired = core.NewCodedError(223, core.ErrConflict, "land: transfer expired")
	// ErrAlreadyAccepted: the signer already accepted (transfer or lien).
	ErrAlreadyAccepted = core.NewCodedError(224, core.ErrConflict, "land: already accepted")
	// ErrAcceptanceMissing: not every party has accepted the transfer yet.
	ErrAcceptanceMissing = core.NewCodedError(225, core.ErrConflict, "land: not every party has accepted")
	// ErrAlreadyCertified: the transfer already carries a certification.
	ErrAlreadyCertified = core.NewCodedError(226, core.ErrConflict, "land: transfer already certified")
	// ErrNotCertified: the transfer has no notary certification yet.
	ErrNotCertified = core.NewCodedError(227, core.ErrConflict, "land: transfer not certified by a notary")
	// ErrAlreadyConsented: the lien's bank already consented to the transfer.
	ErrAlreadyConsented = core.NewCodedError(228, core.ErrConflict, "land: bank already consented")
	// ErrConsentMissing: an active lien's bank has not consented.
	ErrConsentMissing = core.NewCodedError(229, core.ErrConflict, "land: lien holder consent missing")
	// ErrLienNotOnParcel: the lien encumbers another parcel than the
	// transfer's.
	ErrLienNotOnParcel = core.NewCodedError(230, core.ErrConflict, "land: lien is not on the transfer's parcel")
	// ErrLienNotPending: the lien is not awaiting owner acceptance.
	ErrLienNotPending = core.NewCodedError(231, core.ErrConflict, "land: lien is not pending")
	// ErrLienNotActive: the lien is not active.
	ErrLienNotActive = core.NewCodedError(232, core.ErrConflict, "land: lien is not active")
	// ErrLienReleased: the lien was already released.
	ErrLienReleased = core.NewCodedError(233, core.ErrConflict, "land: lien already released")
	// ErrDisputeCleared: the dispute was already cleared.
	ErrDisputeCleared = core.NewCodedError(234, core.ErrConflict, "land: dispute already cleared")
	// ErrAreaMismatch: areas of subdivision children or of a merged parcel do
	// not add up to the parents' areas.
	ErrAreaMismatch = core.NewCodedError(235, core.ErrConflict, "land: areas do not add up")
	// ErrOwnershipMismatch: parcels to merge are not owned identically.
	ErrOwnershipMismatch = core.NewCodedError(236, core.ErrConflict, "land: parcels are not owned identically")

	// ErrOwnerNotDeceased: an inheritance names an owner whose account is
	// not marked deceased (core.StatusDeceased) by the civil registry.
	ErrOwnerNotDeceased = core.NewCodedError(237, core.ErrConflict, "land: owner is not recorded as deceased")
	// ErrDeceasedNotOwner: the deceased holds no shares in the parcel.
	ErrDeceasedNotOwner = core.NewCodedError(238, core.ErrConflict, "land: the deceased holds no shares in the parcel")
	// ErrEstateMismatch: the heirs' shares do not add up to exactly the
	// deceased's shares.
	ErrEstateMismatch = core.NewCodedError(239, core.ErrConflict, "land: heirs' shares do not equal the deceased's shares")
	// ErrHeirDeceased: an heir's account is itself marked deceased.
	ErrHeirDeceased = core.NewCodedError(240, core.ErrConflict, "land: an heir's account is deceased")
	// ErrPartyDeceased: a seller or buyer of the transfer has died; the
	// estate passes by land/transfer_inheritance.
	ErrPartyDeceased = core.NewCodedError(241, core.ErrConflict, "land: a party to the transfer is deceased")
	// ErrTransferSuperseded: the transfer was closed because the parcel's
	// ownership changed under it (another transfer or an inheritance was
	// registered) and its sellers no longer hold what it sells; no step of
	// it is accepted any more.
	ErrTransferSuperseded = core.NewCodedError(242, core.ErrConflict, "land: transfer was superseded by a change of ownership")
)

// Errors lists every coded sentinel of this package, for the module's code
// table and for tests. The slice must not be modified.
var Errors = []*core.Error{
	ErrInvalidMessage, ErrDeadlineOutOfRange, ErrUnknownQuery,
	ErrParcelNotFound, ErrTransferNotFound, ErrLienNotFound, ErrDisputeNotFound, ErrOwnerNotFound,
	ErrNotOwner, ErrNotSeller, ErrNotParty, ErrNotLienBank, ErrNotaryIsParty,
	ErrParcelExists, ErrParcelRetired, ErrParcelDisputed, ErrParcelEncumbered, ErrPendingTransfers,
	ErrInsufficientShares, ErrDenominatorMismatch, ErrOwnershipChanged, ErrTooManyOwners,
	ErrTransferNotPending, ErrTransferExpired, ErrAlreadyAccepted, ErrAcceptanceMissing,
	ErrAlreadyCertified, ErrNotCertified, ErrAlreadyConsented, ErrConsentMissing, ErrLienNotOnParcel,
	ErrLienNotPending, ErrLienNotActive, ErrLienReleased, ErrDisputeCleared,
	ErrAreaMismatch, ErrOwnershipMismatch,
	ErrOwnerNotDeceased, ErrDeceasedNotOwner, ErrEstateMismatch, ErrHeirDeceased, ErrPartyDeceased,
	ErrTransferSuperseded,
}

// fields words the stateless refusals of this package (core.Fields).
var fields = core.Fields{Invalid: ErrInvalidMessage}
