package land

import "github.com/govchain/govchain/app/core"

// The land registry's sentinels, in a fixed order that never changes: the
// abci layer gives each its own stable result code. New sentinels are
// appended at the end. Exec and Query return these (possibly wrapped with
// detail by core.Wrapf), so errors.Is(err, ErrXxx) and errors.Is(err, kind)
// both hold.
var (
	// ErrInvalidMessage is the sentinel of every stateless refusal
	// (Validate) and of a malformed query path; kind core.ErrInvalid.
	ErrInvalidMessage = core.NewError(core.ErrInvalid, "land: invalid message")
	// ErrDeadlineOutOfRange: a transfer's expires_at is not after the block
	// time or is more than MaxTransferHorizon after it.
	ErrDeadlineOutOfRange = core.NewError(core.ErrInvalid, "land: expires_at must be after the block time and within the horizon")
	// ErrUnknownQuery: the query path is not one of the registry's paths, or
	// an id in it is malformed.
	ErrUnknownQuery = core.NewError(core.ErrInvalid, "land: unknown query path")

	// ErrParcelNotFound: no parcel has the id.
	ErrParcelNotFound = core.NewError(core.ErrNotFound, "land: parcel not found")
	// ErrTransferNotFound: no transfer has the id.
	ErrTransferNotFound = core.NewError(core.ErrNotFound, "land: transfer not found")
	// ErrLienNotFound: no lien has the id.
	ErrLienNotFound = core.NewError(core.ErrNotFound, "land: lien not found")
	// ErrDisputeNotFound: no dispute has the id.
	ErrDisputeNotFound = core.NewError(core.ErrNotFound, "land: dispute not found")
	// ErrOwnerNotFound: the account holds shares in no parcel (queries).
	ErrOwnerNotFound = core.NewError(core.ErrNotFound, "land: account owns no parcel")

	// ErrNotOwner: the signer holds no shares in the parcel.
	ErrNotOwner = core.NewError(core.ErrUnauthorized, "land: signer is not an owner of the parcel")
	// ErrNotSeller: the proposer of a transfer is not one of its sellers.
	ErrNotSeller = core.NewError(core.ErrUnauthorized, "land: signer is not a seller in the transfer")
	// ErrNotParty: the signer is neither a seller nor a buyer of the transfer.
	ErrNotParty = core.NewError(core.ErrUnauthorized, "land: signer is not a party to the transfer")
	// ErrNotLienBank: the signer is not the bank that holds the lien.
	ErrNotLienBank = core.NewError(core.ErrUnauthorized, "land: signer is not the bank holding the lien")
	// ErrNotaryIsParty: a notary may not certify a transfer it is party to.
	ErrNotaryIsParty = core.NewError(core.ErrUnauthorized, "land: notary is a party to the transfer")

	// ErrParcelExists: a parcel with the id is already registered.
	ErrParcelExists = core.NewError(core.ErrConflict, "land: parcel already registered")
	// ErrParcelRetired: the parcel was subdivided or merged and is no longer
	// in force.
	ErrParcelRetired = core.NewError(core.ErrConflict, "land: parcel is retired")
	// ErrParcelDisputed: the parcel has an open dispute, which freezes
	// transfers, subdivision and merger.
	ErrParcelDisputed = core.NewError(core.ErrConflict, "land: parcel is under dispute")
	// ErrParcelEncumbered: the parcel has active liens (subdivision, merger).
	ErrParcelEncumbered = core.NewError(core.ErrConflict, "land: parcel has active liens")
	// ErrPendingTransfers: the parcel has pending transfers (subdivision,
	// merger).
	ErrPendingTransfers = core.NewError(core.ErrConflict, "land: parcel has pending transfers")
	// ErrInsufficientShares: a seller does not hold the shares it sells.
	ErrInsufficientShares = core.NewError(core.ErrConflict, "land: seller does not hold the shares")
	// ErrDenominatorMismatch: a transfer's denominator is not a multiple of
	// the parcel's.
	ErrDenominatorMismatch = core.NewError(core.ErrConflict, "land: denominator is not a multiple of the parcel's")
	// ErrOwnershipChanged: at registration, the parcel's ownership no longer
	// allows the transfer (a seller sold meanwhile).
	ErrOwnershipChanged = core.NewError(core.ErrConflict, "land: ownership changed since the proposal")
	// ErrTooManyOwners: the parcel would have more than MaxOwners owners.
	ErrTooManyOwners = core.NewError(core.ErrConflict, "land: too many owners")
	// ErrTransferNotPending: the transfer was already registered or cancelled.
	ErrTransferNotPending = core.NewError(core.ErrConflict, "land: transfer is not pending")
	// ErrTransferExpired: the block time is past the transfer's expires_at.
	ErrTransferExpired = core.NewError(core.ErrConflict, "land: transfer expired")
	// ErrAlreadyAccepted: the signer already accepted (transfer or lien).
	ErrAlreadyAccepted = core.NewError(core.ErrConflict, "land: already accepted")
	// ErrAcceptanceMissing: not every party has accepted the transfer yet.
	ErrAcceptanceMissing = core.NewError(core.ErrConflict, "land: not every party has accepted")
	// ErrAlreadyCertified: the transfer already carries a certification.
	ErrAlreadyCertified = core.NewError(core.ErrConflict, "land: transfer already certified")
	// ErrNotCertified: the transfer has no notary certification yet.
	ErrNotCertified = core.NewError(core.ErrConflict, "land: transfer not certified by a notary")
	// ErrAlreadyConsented: the lien's bank already consented to the transfer.
	ErrAlreadyConsented = core.NewError(core.ErrConflict, "land: bank already consented")
	// ErrConsentMissing: an active lien's bank has not consented.
	ErrConsentMissing = core.NewError(core.ErrConflict, "land: lien holder consent missing")
	// ErrLienNotOnParcel: the lien encumbers another parcel than the
	// transfer's.
	ErrLienNotOnParcel = core.NewError(core.ErrConflict, "land: lien is not on the transfer's parcel")
	// ErrLienNotPending: the lien is not awaiting owner acceptance.
	ErrLienNotPending = core.NewError(core.ErrConflict, "land: lien is not pending")
	// ErrLienNotActive: the lien is not active.
	ErrLienNotActive = core.NewError(core.ErrConflict, "land: lien is not active")
	// ErrLienReleased: the lien was already released.
	ErrLienReleased = core.NewError(core.ErrConflict, "land: lien already released")
	// ErrDisputeCleared: the dispute was already cleared.
	ErrDisputeCleared = core.NewError(core.ErrConflict, "land: dispute already cleared")
	// ErrAreaMismatch: areas of subdivision children or of a merged parcel do
	// not add up to the parents' areas.
	ErrAreaMismatch = core.NewError(core.ErrConflict, "land: areas do not add up")
	// ErrOwnershipMismatch: parcels to merge are not owned identically.
	ErrOwnershipMismatch = core.NewError(core.ErrConflict, "land: parcels are not owned identically")

	// ErrOwnerNotDeceased: an inheritance names an owner whose account is
	// not marked deceased (core.StatusDeceased) by the civil registry.
	ErrOwnerNotDeceased = core.NewError(core.ErrConflict, "land: owner is not recorded as deceased")
	// ErrDeceasedNotOwner: the deceased holds no shares in the parcel.
	ErrDeceasedNotOwner = core.NewError(core.ErrConflict, "land: the deceased holds no shares in the parcel")
	// ErrEstateMismatch: the heirs' shares do not add up to exactly the
	// deceased's shares.
	ErrEstateMismatch = core.NewError(core.ErrConflict, "land: heirs' shares do not equal the deceased's shares")
	// ErrHeirDeceased: an heir's account is itself marked deceased.
	ErrHeirDeceased = core.NewError(core.ErrConflict, "land: an heir's account is deceased")
	// ErrPartyDeceased: a seller or buyer of the transfer has died; the
	// estate passes by land/transfer_inheritance.
	ErrPartyDeceased = core.NewError(core.ErrConflict, "land: a party to the transfer is deceased")
)

// Errors lists every sentinel of this package in its fixed order, for the
// abci layer's code table and for tests. The slice must not be modified.
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
}

// invalidf returns ErrInvalidMessage with a detail.
func invalidf(format string, args ...any) error {
	return core.Wrapf(ErrInvalidMessage, format, args...)
}
