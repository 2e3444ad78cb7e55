package auction

import (
	"time"

	"github.com/govchain/govchain/app/core"
)

// Name is the module's name: the prefix of its message types and of its
// query paths.
const Name = "auction"

// The frozen message type strings.
const (
	TypeListAsset       = "auction/list_asset"
	TypeCommitBid       = "auction/commit_bid"
	TypeConfirmDeposit  = "auction/confirm_deposit"
	TypeRevealBid       = "auction/reveal_bid"
	TypeCloseAuction    = "auction/close_auction"
	TypeCompleteAuction = "auction/complete_auction"
)

// Bounds enforced by Validate and Exec.
const (
	// MaxBiddingHorizon is how far after the block time bidding may end.
	MaxBiddingHorizon = 365 * 24 * time.Hour
	// MaxRevealWindow is the longest reveal window.
	MaxRevealWindow = 30 * 24 * time.Hour
	// PurchaseWindow is how long the winner's purchase transfer stays open
	// (its expires_at is the closing block's time plus this).
	PurchaseWindow = 30 * 24 * time.Hour
	// MaxBids is the most bids an auction holds, which bounds the work of
	// closing it.
	MaxBids = 1000
	// MaxAmount bounds every price, deposit and bid (minor units).
	MaxAmount = 1_000_000_000_000_000
	// MaxReferenceLen bounds a bank's deposit reference.
	MaxReferenceLen = 128
)

// ListAsset (auction/list_asset, an agency admin who is the asset's sole
// owner) opens an auction of a parcel or a vehicle. Bids are committed
// while the block time is before BiddingEndsAt and revealed while it is in
// [BiddingEndsAt, RevealEndsAt). ReservePrice, Deposit and every bid are
// minor units of Currency.
type ListAsset struct {
	AssetKind     string    `json:"asset_kind"`
	AssetID       string    `json:"asset_id"`
	ReservePrice  int64     `json:"reserve_price"`
	Deposit       int64     `json:"deposit"`
	Currency      string    `json:"currency"`
	BiddingEndsAt time.Time `json:"bidding_ends_at"`
	RevealEndsAt  time.Time `json:"reveal_ends_at"`
}

// Type implements core.Msg.
func (ListAsset) Type() string { return TypeListAsset }

// Validate implements core.Msg.
func (m ListAsset) Validate() error {
	if m.AssetKind != AssetParcel && m.AssetKind != AssetVehicle {
		return fields.Invalidf("asset_kind must be %q or %q, got %q", AssetParcel, AssetVehicle, m.AssetKind)
	}
	if err := fields.ID("asset_id", m.AssetID); err != nil {
		return err
	}
	if m.ReservePrice < 0 || m.ReservePrice > MaxAmount {
		return fields.Invalidf("reserve_price must be 0-%d, got %d", int64(MaxAmount), m.ReservePrice)
	}
	if m.Deposit <= 0 || m.Deposit > MaxAmount {
		return fields.Invalidf("deposit must be 1-%d, got %d", int64(MaxAmount), m.Deposit)
	}
	if err := fields.Currency(m.Currency); err != nil {
		return err
	}
	if err := fields.UTC("bidding_ends_at", m.BiddingEndsAt); err != nil {
		return err
	}
	if err := fields.UTC("reveal_ends_at", m.RevealEndsAt); err != nil {
		return err
	}
	if !m.RevealEndsAt.After(m.BiddingEndsAt) || m.RevealEndsAt.Sub(m.BiddingEndsAt) > MaxRevealWindow {
		return fields.Invalidf("reveal_ends_at must be after bidding_ends_at and at most %s after it", MaxRevealWindow)
	}
	return nil
}

// CommitBid (auction/commit_bid, an account linked to a registered person
// or organisation, not the seller) commits a sealed bid (Commitment) while
// bidding is open, naming the bank that will hold its deposit. One bid per
// account and auction.
type CommitBid struct {
	AuctionID  uint64       `json:"auction_id"`
	Commitment core.Hash    `json:"commitment"`
	Bank       core.Address `json:"bank"`
}

// Type implements core.Msg.
func (CommitBid) Type() string { return TypeCommitBid }

// Validate implements core.Msg.
func (m CommitBid) Validate() error {
	if err := fields.Positive("auction_id", m.AuctionID); err != nil {
		return err
	}
	if err := fields.Hash("commitment", m.Commitment); err != nil {
		return err
	}
	if m.Bank.IsZero() {
		return fields.Invalidf("bank must not be the zero account")
	}
	return nil
}

// ConfirmDeposit (auction/confirm_deposit, the bank a bid names) confirms,
// while bidding is open, that the bank holds the auction's deposit blocked
// on the bidder's account, under its own Reference.
type ConfirmDeposit struct {
	AuctionID uint64       `json:"auction_id"`
	Bidder    core.Address `json:"bidder"`
	Reference string       `json:"reference"`
}

// Type implements core.Msg.
func (ConfirmDeposit) Type() string { return TypeConfirmDeposit }

// Validate implements core.Msg.
func (m ConfirmDeposit) Validate() error {
	if err := fields.Positive("auction_id", m.AuctionID); err != nil {
		return err
	}
	if m.Bidder.IsZero() {
		return fields.Invalidf("bidder must not be the zero account")
	}
	return fields.Text("reference", m.Reference, true, MaxReferenceLen)
}

// RevealBid (auction/reveal_bid, the bidder) opens the signer's bid with
// its amount and salt during the reveal window.
type RevealBid struct {
	AuctionID uint64    `json:"auction_id"`
	Amount    int64     `json:"amount"`
	Salt      core.Hash `json:"salt"`
}

// Type implements core.Msg.
func (RevealBid) Type() string { return TypeRevealBid }

// Validate implements core.Msg.
func (m RevealBid) Validate() error {
	if err := fields.Positive("auction_id", m.AuctionID); err != nil {
		return err
	}
	if m.Amount <= 0 || m.Amount > MaxAmount {
		return fields.Invalidf("amount must be 1-%d, got %d", int64(MaxAmount), m.Amount)
	}
	return fields.Hash("salt", m.Salt)
}

// CloseAuction (auction/close_auction, the seller) closes an auction once
// the reveal window is over: Decide picks the winner, every deposit takes
// its fate, and a sold asset's purchase transfer is opened to the winner at
// the winning price (land/propose_transfer or vehicle/offer_transfer,
// signed by the seller in this same transaction).
type CloseAuction struct {
	AuctionID uint64 `json:"auction_id"`
}

// Type implements core.Msg.
func (CloseAuction) Type() string { return TypeCloseAuction }

// Validate implements core.Msg.
func (m CloseAuction) Validate() error { return fields.Positive("auction_id", m.AuctionID) }

// CompleteAuction (auction/complete_auction, anyone) records how a sold
// auction's purchase ended once its transfer is closed or expired:
// completed (the winner's deposit applied to the price), defaulted
// (forfeited) or failed (released).
type CompleteAuction struct {
	AuctionID uint64 `json:"auction_id"`
}

// Type implements core.Msg.
func (CompleteAuction) Type() string { return TypeCompleteAuction }

// Validate implements core.Msg.
func (m CompleteAuction) Validate() error { return fields.Positive("auction_id", m.AuctionID) }
