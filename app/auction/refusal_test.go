package auction

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/app/land"
)

// TestRefusals triggers every sentinel of the package at least once and
// checks that each refusal leaves the state unchanged.
func TestRefusals(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.parcel(c, "P-1", c.seller)
	e.parcel(c, "P-2", c.alice)
	e.parcel(c, "P-3", c.seller)
	e.car(c, "WVWZZZ1KZAW000001", c.alice)

	// Listing.
	bad := e.listing(AssetParcel, "P-1")
	bad.Deposit = 0
	e.Refuse(c.seller, bad, ErrInvalidMessage)
	e.Refuse(c.alice, e.listing(AssetParcel, "P-2"), core.ErrNotAgencyAdmin)
	e.Refuse(c.seller, e.listing(AssetParcel, "NOPE"), ErrAssetNotFound)
	e.Refuse(c.seller, e.listing(AssetVehicle, "WVWZZZ1KZAW000009"), ErrAssetNotFound)
	e.Refuse(c.seller, e.listing(AssetParcel, "P-2"), ErrNotAssetOwner)
	e.Refuse(c.seller, e.listing(AssetVehicle, "WVWZZZ1KZAW000001"), ErrNotAssetOwner)
	far := e.listing(AssetParcel, "P-1")
	far.BiddingEndsAt = e.Deadline(MaxBiddingHorizon + time.Second)
	far.RevealEndsAt = far.BiddingEndsAt.Add(time.Hour)
	e.Refuse(c.seller, far, ErrWindowOutOfRange)
	e.OK(c.bank, land.CreateLien{ParcelID: "P-3", Amount: 1, Currency: "EUR", Reference: "r", DocumentHash: coretest.HashOf("l")})
	e.Refuse(c.seller, e.listing(AssetParcel, "P-3"), ErrAssetUnavailable)
	e.OK(c.seller, e.listing(AssetParcel, "P-1")) // auction 1
	e.Refuse(c.seller, e.listing(AssetParcel, "P-1"), ErrAssetInAuction)

	// Bidding.
	e.Refuse(c.alice, commit(99, c.alice, 2000, c.bank), ErrAuctionNotFound)
	e.Refuse(c.seller, commit(1, c.seller, 2000, c.bank), ErrSellerBids)
	e.Refuse(c.dave, commit(1, c.dave, 2000, c.bank), ErrNotRegisteredBidder)
	e.Refuse(c.alice, commit(1, c.alice, 2000, c.carol), ErrBankLacksRole)
	e.OK(c.alice, commit(1, c.alice, 2000, c.bank))
	e.Refuse(c.alice, commit(1, c.alice, 3000, c.bank), ErrAlreadyBid)
	e.OK(c.bob, commit(1, c.bob, 3000, c.bank))
	e.OK(c.carol, commit(1, c.carol, 4000, c.bank))
	e.Refuse(c.alice, ConfirmDeposit{AuctionID: 1, Bidder: c.alice, Reference: "r"}, core.ErrMissingRole)
	e.Refuse(c.bank, ConfirmDeposit{AuctionID: 99, Bidder: c.alice, Reference: "r"}, ErrAuctionNotFound)
	e.Refuse(c.bank, ConfirmDeposit{AuctionID: 1, Bidder: c.dave, Reference: "r"}, ErrBidNotFound)
	e.Refuse(c.bank2, ConfirmDeposit{AuctionID: 1, Bidder: c.alice, Reference: "r"}, ErrNotEscrowBank)
	e.OK(c.bank, ConfirmDeposit{AuctionID: 1, Bidder: c.alice, Reference: "r"})
	e.OK(c.bank, ConfirmDeposit{AuctionID: 1, Bidder: c.bob, Reference: "r"})
	e.Refuse(c.bank, ConfirmDeposit{AuctionID: 1, Bidder: c.alice, Reference: "r"}, ErrDepositAlreadyLocked)
	e.Refuse(c.alice, reveal(1, c.alice, 2000), ErrNotRevealing) // bidding still open

	// A full auction refuses more bids.
	a := e.auction(1)
	full := a
	full.BidCount = MaxBids
	require.NoError(t, putAuction(e.KV, &full))
	e.Refuse(c.shop, commit(1, c.shop, 2000, c.bank), ErrTooManyBids)
	require.NoError(t, putAuction(e.KV, &a))

	// Revealing.
	e.revealing(1)
	e.Refuse(c.shop, commit(1, c.shop, 2000, c.bank), ErrBiddingClosed)
	e.Refuse(c.bank, ConfirmDeposit{AuctionID: 1, Bidder: c.carol, Reference: "r"}, ErrBiddingClosed)
	e.Refuse(c.alice, reveal(99, c.alice, 2000), ErrAuctionNotFound)
	e.Refuse(c.dave, reveal(1, c.dave, 2000), ErrNotBidder)
	e.Refuse(c.carol, reveal(1, c.carol, 4000), ErrDepositNotLocked)
	e.Refuse(c.alice, reveal(1, c.alice, 2001), ErrCommitmentMismatch)
	e.Refuse(c.alice, RevealBid{AuctionID: 1, Amount: 2000, Salt: coretest.HashOf("other")}, ErrCommitmentMismatch)
	e.OK(c.alice, reveal(1, c.alice, 2000))
	e.Refuse(c.alice, reveal(1, c.alice, 2000), ErrAlreadyRevealed)
	e.Refuse(c.seller, CloseAuction{AuctionID: 1}, ErrRevealNotOver)

	// Closing.
	e.closing(1)
	e.Refuse(c.bob, reveal(1, c.bob, 3000), ErrNotRevealing)
	e.Refuse(c.seller, CloseAuction{AuctionID: 99}, ErrAuctionNotFound)
	e.Refuse(c.alice, CloseAuction{AuctionID: 1}, ErrNotSeller)
	e.Refuse(c.alice, CompleteAuction{AuctionID: 1}, ErrNotSold)
	e.OK(c.seller, CloseAuction{AuctionID: 1})
	e.Refuse(c.seller, CloseAuction{AuctionID: 1}, ErrAuctionClosed)
	e.Refuse(c.bank, ConfirmDeposit{AuctionID: 1, Bidder: c.carol, Reference: "r"}, ErrAuctionClosed)
	e.Refuse(c.bob, reveal(1, c.bob, 3000), ErrAuctionClosed)
	e.Refuse(c.shop, commit(1, c.shop, 2000, c.bank), ErrAuctionClosed)
	e.Refuse(c.alice, CompleteAuction{AuctionID: 99}, ErrAuctionNotFound)
	e.Refuse(c.alice, CompleteAuction{AuctionID: 1}, ErrPurchaseOpen)

	e.RefuseQuery(boundQuery, []string{"auction", "0"}, ErrUnknownQuery)
	e.RequireSeen(Errors)
}
