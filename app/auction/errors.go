package auction

import "github.com/govchain/govchain/app/core"

// The auction module's sentinels, each with its released result code
// (900-999) written beside it: a code never moves or changes meaning, and a
// new sentinel takes the next free code. Exec and Query return these
// (possibly wrapped with detail by core.Wrapf), so errors.Is(err, ErrXxx)
// and errors.Is(err, kind) both hold.
var (
	// ErrInvalidMessage is the sentinel of every stateless refusal
	// (Validate); kind core.ErrInvalid.
	ErrInvalidMessage = core.NewCodedError(900, core.ErrInvalid, "auction: invalid message")
	// ErrWindowOutOfRange: bidding_ends_at is not after the block time or
	// is more than MaxBiddingHorizon after it.
	ErrWindowOutOfRange = core.NewCodedError(901, core.ErrInvalid, "auction: bidding_ends_at must be after the block time and within the horizon")
	// ErrUnknownQuery: the query path is not one of the module's paths, or
	// an id in it is malformed.
	ErrUnknownQuery = core.NewCodedError(902, core.ErrInvalid, "auction: unknown query path")

	// ErrAuctionNotFound: no auction has the id.
	ErrAuctionNotFound = core.NewCodedError(903, core.ErrNotFound, "auction: auction not found")
	// ErrBidNotFound: the account has no bid in the auction.
	ErrBidNotFound = core.NewCodedError(904, core.ErrNotFound, "auction: bid not found")
	// ErrAssetNotFound: the parcel or vehicle to list does not exist, or
	// the asset has no open auction (queries).
	ErrAssetNotFound = core.NewCodedError(905, core.ErrNotFound, "auction: asset not found")

	// ErrNotAssetOwner: the signer is not the asset's sole owner.
	ErrNotAssetOwner = core.NewCodedError(906, core.ErrUnauthorized, "auction: signer is not the sole owner of the asset")
	// ErrNotRegisteredBidder: the signer's account is linked to no
	// registered person or organisation.
	ErrNotRegisteredBidder = core.NewCodedError(907, core.ErrUnauthorized, "auction: bidder is not a registered person or organisation")
	// ErrSellerBids: the seller may not bid in its own auction.
	ErrSellerBids = core.NewCodedError(908, core.ErrUnauthorized, "auction: the seller may not bid")
	// ErrNotBidder: the signer has no bid in the auction.
	ErrNotBidder = core.NewCodedError(909, core.ErrUnauthorized, "auction: signer has no bid in the auction")
	// ErrNotEscrowBank: the signer is not the bank the bid names for its
	// deposit.
	ErrNotEscrowBank = core.NewCodedError(910, core.ErrUnauthorized, "auction: signer is not the bid's escrow bank")
	// ErrNotSeller: the signer is not the auction's seller.
	ErrNotSeller = core.NewCodedError(911, core.ErrUnauthorized, "auction: signer is not the seller")

	// ErrAssetUnavailable: the asset cannot be sold as it stands (retired
	// or deregistered, disputed, encumbered, or with a transfer pending).
	ErrAssetUnavailable = core.NewCodedError(912, core.ErrConflict, "auction: asset is not free to sell")
	// ErrAssetInAuction: the asset is already in an open auction.
	ErrAssetInAuction = core.NewCodedError(913, core.ErrConflict, "auction: asset is already in an open auction")
	// ErrBankLacksRole: the escrow bank a bid names does not hold the bank
	// role.
	ErrBankLacksRole = core.NewCodedError(914, core.ErrConflict, "auction: the escrow bank does not hold the bank role")
	// ErrBiddingClosed: the block time is at or past bidding_ends_at.
	ErrBiddingClosed = core.NewCodedError(915, core.ErrConflict, "auction: bidding is closed")
	// ErrAlreadyBid: the signer already committed a bid in the auction.
	ErrAlreadyBid = core.NewCodedError(916, core.ErrConflict, "auction: account already bid in the auction")
	// ErrTooManyBids: the auction holds MaxBids bids.
	ErrTooManyBids = core.NewCodedError(917, core.ErrConflict, "auction: auction has the most bids it may hold")
	// ErrDepositAlreadyLocked: the bank already confirmed the deposit.
	ErrDepositAlreadyLocked = core.NewCodedError(918, core.ErrConflict, "auction: deposit already locked")
	// ErrNotRevealing: the block time is not in [bidding_ends_at,
	// reveal_ends_at).
	ErrNotRevealing = core.NewCodedError(919, core.ErrConflict, "auction: the reveal window is not open")
	// ErrDepositNotLocked: the bid's deposit was never confirmed by its
	// bank, so the bid cannot be revealed.
	ErrDepositNotLocked = core.NewCodedError(920, core.ErrConflict, "auction: the bid's deposit is not locked")
	// ErrAlreadyRevealed: the bid was already revealed.
	ErrAlreadyRevealed = core.NewCodedError(921, core.ErrConflict, "auction: bid already revealed")
	// ErrCommitmentMismatch: amount and salt do not open the bid's
	// commitment.
	ErrCommitmentMismatch = core.NewCodedError(922, core.ErrConflict, "auction: amount and salt do not match the commitment")
	// ErrRevealNotOver: the auction cannot close before reveal_ends_at.
	ErrRevealNotOver = core.NewCodedError(923, core.ErrConflict, "auction: the reveal window is not over")
	// ErrAuctionClosed: the auction is no longer open.
	ErrAuctionClosed = core.NewCodedError(924, core.ErrConflict, "auction: auction is closed")
	// ErrNotSold: the auction has no purchase to complete (it is open,
	// unsold, withdrawn or already completed).
	ErrNotSold = core.NewCodedError(925, core.ErrConflict, "auction: auction has no purchase in progress")
	// ErrPurchaseOpen: the winner's purchase transfer is still open.
	ErrPurchaseOpen = core.NewCodedError(926, core.ErrConflict, "auction: the purchase transfer is still open")
)

// Errors lists every coded sentinel of this package, for the module's code
// table and for tests. The slice must not be modified.
var Errors = []*core.Error{
	ErrInvalidMessage, ErrWindowOutOfRange, ErrUnknownQuery,
	ErrAuctionNotFound, ErrBidNotFound, ErrAssetNotFound,
	ErrNotAssetOwner, ErrNotRegisteredBidder, ErrSellerBids, ErrNotBidder, ErrNotEscrowBank, ErrNotSeller,
	ErrAssetUnavailable, ErrAssetInAuction, ErrBankLacksRole, ErrBiddingClosed, ErrAlreadyBid, ErrTooManyBids,
	ErrDepositAlreadyLocked, ErrNotRevealing, ErrDepositNotLocked, ErrAlreadyRevealed, ErrCommitmentMismatch,
	ErrRevealNotOver, ErrAuctionClosed, ErrNotSold, ErrPurchaseOpen,
}

// fields words the stateless refusals of this package (core.Fields).
var fields = core.Fields{Invalid: ErrInvalidMessage}
