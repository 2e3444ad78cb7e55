package auction

import (
	"time"

	"github.com/govchain/govchain/app/core"
)

// Asset kinds: what an auction sells.
const (
	// AssetParcel is a land parcel (land.Parcel), sold whole.
	AssetParcel = "parcel"
	// AssetVehicle is a vehicle (vehicle.Vehicle) by VIN.
	AssetVehicle = "vehicle"
)

// Auction statuses. Open is the only status in which bids are committed
// and revealed; which of the two is allowed is decided by the block time
// against BiddingEndsAt and RevealEndsAt.
const (
	// StatusOpen: listed, not yet closed.
	StatusOpen = "open"
	// StatusSold: closed with a winner; the purchase transfer is open.
	StatusSold = "sold"
	// StatusUnsold: closed without a valid bid at or above the reserve.
	StatusUnsold = "unsold"
	// StatusWithdrawn: closed because the asset was no longer free to sell
	// at closing; every locked deposit is released.
	StatusWithdrawn = "withdrawn"
	// StatusCompleted: the purchase transfer was registered (land) or
	// completed (vehicle); the winner's deposit is applied to the price.
	StatusCompleted = "completed"
	// StatusDefaulted: the winner cancelled the purchase, or let it expire
	// without accepting it; the winner's deposit is forfeited.
	StatusDefaulted = "defaulted"
	// StatusFailed: the purchase did not complete through no fault of the
	// winner (the seller cancelled, or the transfer was superseded, or it
	// expired after the winner accepted); the winner's deposit is released.
	StatusFailed = "failed"
)

// Deposit statuses of a bid. A deposit is an escrow record, not money: the
// bank named by the bid confirms on chain that it holds the amount blocked
// on the bidder's account for the auction ("locked"); each later status is
// the bank's instruction, public and provable, on what to do with it.
const (
	// DepositAwaitingBank: committed; the bank has not confirmed yet.
	DepositAwaitingBank = "awaiting_bank"
	// DepositLocked: the bank confirmed it holds the deposit.
	DepositLocked = "locked"
	// DepositVoid: never confirmed before bidding closed; nothing was held
	// and the bid takes no part in the outcome.
	DepositVoid = "void"
	// DepositReleased: to be unblocked and returned to the bidder.
	DepositReleased = "released"
	// DepositForfeited: to be paid to the seller (an unrevealed bid, or a
	// winner in default).
	DepositForfeited = "forfeited"
	// DepositHeld: the winner's deposit, held until the purchase ends.
	DepositHeld = "held"
	// DepositApplied: paid to the seller as part of the price.
	DepositApplied = "applied"
)

// Auction is one sale of a state asset, stored under AuctionKey. Money is
// in minor units of Currency (ISO 4217), like every amount on the chain.
type Auction struct {
	ID            uint64       `json:"id"`
	Seller        core.Address `json:"seller"`
	Agency        string       `json:"agency"`
	AssetKind     string       `json:"asset_kind"`
	AssetID       string       `json:"asset_id"`
	ReservePrice  int64        `json:"reserve_price"`
	Deposit       int64        `json:"deposit"`
	Currency      string       `json:"currency"`
	BiddingEndsAt time.Time    `json:"bidding_ends_at"`
	RevealEndsAt  time.Time    `json:"reveal_ends_at"`
	Status        string       `json:"status"`
	// BidCount is how many bids were committed; bids 0 to BidCount-1 are
	// stored under BidKey, in commitment order.
	BidCount     uint64    `json:"bid_count"`
	ListedHeight int64     `json:"listed_height"`
	ListedAt     time.Time `json:"listed_at"`
	// Outcome is set when the auction closes: what Decide computed from
	// the bids.
	Outcome *Outcome `json:"outcome"`
	// TransferID is the land or vehicle transfer opened for the winner.
	TransferID   uint64        `json:"transfer_id"`
	WithdrawnWhy string        `json:"withdrawn_reason,omitempty"`
	ClosedBy     *core.Address `json:"closed_by"`
	ClosedHeight int64         `json:"closed_height"`
	ClosedAt     *time.Time    `json:"closed_at"`
	CompletedAt  *time.Time    `json:"completed_at"`
	HistoryCount uint64        `json:"history_count"`
}

// Outcome is the result of an auction computed from its bids (Decide):
// the winning bid, if any, and how many bids were valid (revealed, with a
// locked deposit, at or above the reserve).
type Outcome struct {
	Sold      bool         `json:"sold"`
	WinnerSeq uint64       `json:"winner_seq"`
	Winner    core.Address `json:"winner"`
	Price     int64        `json:"price"`
	Valid     uint64       `json:"valid_bids"`
	Revealed  uint64       `json:"revealed_bids"`
	Forfeited uint64       `json:"forfeited_deposits"`
}

// Bid is one sealed bid, stored under BidKey. Until it is revealed only
// its commitment is known (Commitment); Amount and Salt are set by the
// reveal.
type Bid struct {
	AuctionID        uint64       `json:"auction_id"`
	Seq              uint64       `json:"seq"`
	Bidder           core.Address `json:"bidder"`
	Commitment       core.Hash    `json:"commitment"`
	Bank             core.Address `json:"bank"`
	Deposit          int64        `json:"deposit"`
	Currency         string       `json:"currency"`
	DepositStatus    string       `json:"deposit_status"`
	DepositReference string       `json:"deposit_reference"`
	LockedHeight     int64        `json:"locked_height"`
	CommittedHeight  int64        `json:"committed_height"`
	CommittedAt      time.Time    `json:"committed_at"`
	Revealed         bool         `json:"revealed"`
	Amount           int64        `json:"amount"`
	Salt             *core.Hash   `json:"salt"`
	RevealedHeight   int64        `json:"revealed_height"`
}

// BidderEntry is the index entry under BidderKey: the seq of the account's
// bid in the auction.
type BidderEntry struct {
	Seq uint64 `json:"seq"`
}

// AssetEntry is the index entry under AssetKey: the open auction of an
// asset. It is deleted when the auction closes.
type AssetEntry struct {
	AuctionID uint64 `json:"auction_id"`
}
