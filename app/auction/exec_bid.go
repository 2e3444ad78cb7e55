package auction

import (
	"errors"
	"time"

	"github.com/govchain/govchain/app/core"
)

// bidDetails is the history detail of a step on one bid.
type bidDetails struct {
	Seq        uint64        `json:"seq"`
	Bidder     core.Address  `json:"bidder"`
	Commitment *core.Hash    `json:"commitment,omitempty"`
	Bank       *core.Address `json:"bank,omitempty"`
	Reference  string        `json:"reference,omitempty"`
	Amount     int64         `json:"amount,omitempty"`
}

// Exec implements core.Msg: the signer must be an agency admin and the
// asset's sole owner; the asset must be free to sell (checkAsset) and in
// no other open auction; bidding must end after the block time and within
// MaxBiddingHorizon. The new auction's id is emitted as auction_id.
func (m ListAsset) Exec(ctx *core.Context) error {
	agency, err := ctx.RequireAgencyAdmin()
	if err != nil {
		return err
	}
	if _, err := checkAsset(ctx.KV, m.AssetKind, m.AssetID, ctx.Signer, ctx.BlockTime); err != nil {
		return err
	}
	if listed, err := ctx.KV.Has(AssetKey(m.AssetKind, m.AssetID)); err != nil {
		return err
	} else if listed {
		return core.Wrapf(ErrAssetInAuction, "%s %s", m.AssetKind, m.AssetID)
	}
	if err := ctx.RequireDeadline(m.BiddingEndsAt, MaxBiddingHorizon, ErrWindowOutOfRange); err != nil {
		return err
	}
	a := &Auction{
		Seller: ctx.Signer, Agency: agency, AssetKind: m.AssetKind, AssetID: m.AssetID,
		ReservePrice: m.ReservePrice, Deposit: m.Deposit, Currency: m.Currency,
		BiddingEndsAt: m.BiddingEndsAt.UTC(), RevealEndsAt: m.RevealEndsAt.UTC(),
		Status: StatusOpen, ListedHeight: ctx.Height, ListedAt: ctx.BlockTime.UTC(),
	}
	if a.ID, err = core.NextID(ctx.KV, counterKey(counterAuction)); err != nil {
		return err
	}
	if err := core.SetJSON(ctx.KV, AssetKey(a.AssetKind, a.AssetID), AssetEntry{AuctionID: a.ID}); err != nil {
		return err
	}
	// The listing's terms, as signed, are its history detail.
	if err := appendHistory(ctx, a, "list_asset", m); err != nil {
		return err
	}
	if err := putAuction(ctx.KV, a); err != nil {
		return err
	}
	emit(ctx, "list_asset", a.ID, "asset_kind", a.AssetKind, "asset_id", a.AssetID, "agency", agency)
	return nil
}

// Exec implements core.Msg: the signer must be linked to a registered
// person or organisation and not be the seller; the auction open and
// bidding not over; the signer without a bid in it; the bank must hold the
// bank role; the auction must hold fewer than MaxBids bids. The bid gets
// the next seq (commitment order, the tie-break) and its deposit awaits the
// bank.
func (m CommitBid) Exec(ctx *core.Context) error {
	a, err := getAuction(ctx.KV, m.AuctionID)
	if err != nil {
		return err
	}
	if ctx.Signer == a.Seller {
		return core.Wrapf(ErrSellerBids, "auction %d", a.ID)
	}
	if err := registeredBidder(ctx.KV, ctx.Signer); err != nil {
		return err
	}
	if err := a.requireOpen(); err != nil {
		return err
	}
	if !a.biddingOpen(ctx.BlockTime) {
		return core.Wrapf(ErrBiddingClosed, "auction %d: bidding ended at %s", a.ID, a.BiddingEndsAt.Format(time.RFC3339))
	}
	if had, err := ctx.KV.Has(BidderKey(a.ID, ctx.Signer)); err != nil {
		return err
	} else if had {
		return core.Wrapf(ErrAlreadyBid, "account %s, auction %d", ctx.Signer, a.ID)
	}
	if ok, err := core.HasRole(ctx.KV, m.Bank, core.RoleBank); err != nil {
		return err
	} else if !ok {
		return core.Wrapf(ErrBankLacksRole, "account %s", m.Bank)
	}
	if a.BidCount >= MaxBids {
		return core.Wrapf(ErrTooManyBids, "auction %d holds %d bids", a.ID, a.BidCount)
	}
	b := &Bid{
		AuctionID: a.ID, Seq: a.BidCount, Bidder: ctx.Signer, Commitment: m.Commitment, Bank: m.Bank,
		Deposit: a.Deposit, Currency: a.Currency, DepositStatus: DepositAwaitingBank,
		CommittedHeight: ctx.Height, CommittedAt: ctx.BlockTime.UTC(),
	}
	a.BidCount++
	if err := putBid(ctx.KV, b); err != nil {
		return err
	}
	if err := core.SetJSON(ctx.KV, BidderKey(a.ID, b.Bidder), BidderEntry{Seq: b.Seq}); err != nil {
		return err
	}
	c, bank := b.Commitment, b.Bank
	if err := appendHistory(ctx, a, "commit_bid", bidDetails{Seq: b.Seq, Bidder: b.Bidder, Commitment: &c, Bank: &bank}); err != nil {
		return err
	}
	if err := putAuction(ctx.KV, a); err != nil {
		return err
	}
	emit(ctx, "commit_bid", a.ID, "seq", core.Dec(b.Seq), "bidder", b.Bidder.String(), "bank", b.Bank.String())
	return nil
}

// Exec implements core.Msg: the signer must hold the bank role and be the
// bank the bidder's bid names; the auction open and bidding not over; the
// deposit not yet locked.
func (m ConfirmDeposit) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleBank); err != nil {
		return err
	}
	a, err := getAuction(ctx.KV, m.AuctionID)
	if err != nil {
		return err
	}
	b, err := bidOf(ctx.KV, a.ID, m.Bidder)
	if err != nil {
		return err
	}
	if b.Bank != ctx.Signer {
		return core.Wrapf(ErrNotEscrowBank, "bid %d of auction %d names bank %s", b.Seq, a.ID, b.Bank)
	}
	if err := a.requireOpen(); err != nil {
		return err
	}
	if !a.biddingOpen(ctx.BlockTime) {
		return core.Wrapf(ErrBiddingClosed, "auction %d: bidding ended at %s", a.ID, a.BiddingEndsAt.Format(time.RFC3339))
	}
	if b.DepositStatus != DepositAwaitingBank {
		return core.Wrapf(ErrDepositAlreadyLocked, "bid %d of auction %d (reference %s)", b.Seq, a.ID, b.DepositReference)
	}
	b.DepositStatus, b.DepositReference, b.LockedHeight = DepositLocked, m.Reference, ctx.Height
	if err := putBid(ctx.KV, b); err != nil {
		return err
	}
	if err := appendHistory(ctx, a, "confirm_deposit", bidDetails{Seq: b.Seq, Bidder: b.Bidder, Reference: m.Reference}); err != nil {
		return err
	}
	if err := putAuction(ctx.KV, a); err != nil {
		return err
	}
	emit(ctx, "confirm_deposit", a.ID, "seq", core.Dec(b.Seq), "bidder", b.Bidder.String(), "bank", b.Bank.String())
	return nil
}

// Exec implements core.Msg: the signer must have a bid in the auction; the
// auction open and in its reveal window; the bid's deposit locked and the
// bid not yet revealed; amount and salt must open its commitment.
func (m RevealBid) Exec(ctx *core.Context) error {
	a, err := getAuction(ctx.KV, m.AuctionID)
	if err != nil {
		return err
	}
	b, err := bidOf(ctx.KV, a.ID, ctx.Signer)
	if errors.Is(err, ErrBidNotFound) {
		return core.Wrapf(ErrNotBidder, "account %s, auction %d", ctx.Signer, a.ID)
	}
	if err != nil {
		return err
	}
	if err := a.requireOpen(); err != nil {
		return err
	}
	if !a.revealing(ctx.BlockTime) {
		return core.Wrapf(ErrNotRevealing, "auction %d reveals from %s to %s", a.ID,
			a.BiddingEndsAt.Format(time.RFC3339), a.RevealEndsAt.Format(time.RFC3339))
	}
	if b.Revealed {
		return core.Wrapf(ErrAlreadyRevealed, "bid %d of auction %d", b.Seq, a.ID)
	}
	if b.DepositStatus != DepositLocked {
		return core.Wrapf(ErrDepositNotLocked, "bid %d of auction %d is %s", b.Seq, a.ID, b.DepositStatus)
	}
	if Commitment(a.ID, ctx.Signer, m.Amount, m.Salt) != b.Commitment {
		return core.Wrapf(ErrCommitmentMismatch, "bid %d of auction %d", b.Seq, a.ID)
	}
	salt := m.Salt
	b.Revealed, b.Amount, b.Salt, b.RevealedHeight = true, m.Amount, &salt, ctx.Height
	if err := putBid(ctx.KV, b); err != nil {
		return err
	}
	if err := appendHistory(ctx, a, "reveal_bid", bidDetails{Seq: b.Seq, Bidder: b.Bidder, Amount: b.Amount}); err != nil {
		return err
	}
	if err := putAuction(ctx.KV, a); err != nil {
		return err
	}
	emit(ctx, "reveal_bid", a.ID, "seq", core.Dec(b.Seq), "bidder", b.Bidder.String(), "amount", core.Dec(b.Amount))
	return nil
}
