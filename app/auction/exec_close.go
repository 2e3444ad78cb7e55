package auction

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/app/vehicle"
)

// closeDetails is the history detail of a closing.
type closeDetails struct {
	Status     string  `json:"status"`
	Outcome    Outcome `json:"outcome"`
	TransferID uint64  `json:"transfer_id,omitempty"`
	Reason     string  `json:"reason,omitempty"`
}

// completeDetails is the history detail of a completion.
type completeDetails struct {
	Status        string `json:"status"`
	TransferID    uint64 `json:"transfer_id"`
	DepositStatus string `json:"deposit_status"`
	Reason        string `json:"reason"`
}

// Exec implements core.Msg: the signer must be the seller; the auction
// open and its reveal window over. Decide computes the outcome from every
// bid. If the seller no longer holds the asset free to sell (checkAsset)
// the auction is withdrawn and every locked deposit released; otherwise a
// winner's purchase transfer is opened in the same transaction
// (openPurchase) and the auction is sold, or else unsold. Every bid's
// deposit takes its fate (fateOf), each with an event naming its bank.
func (m CloseAuction) Exec(ctx *core.Context) error {
	a, err := getAuction(ctx.KV, m.AuctionID)
	if err != nil {
		return err
	}
	if ctx.Signer != a.Seller {
		return core.Wrapf(ErrNotSeller, "signer %s, auction %d", ctx.Signer, a.ID)
	}
	if err := a.requireOpen(); err != nil {
		return err
	}
	if ctx.BlockTime.Before(a.RevealEndsAt) {
		return core.Wrapf(ErrRevealNotOver, "auction %d reveals until %s", a.ID, a.RevealEndsAt.Format(time.RFC3339))
	}
	list, err := bids(ctx.KV, a)
	if err != nil {
		return err
	}
	o := Decide(a, list)
	a.Outcome = &o
	den, unavailable := checkAsset(ctx.KV, a.AssetKind, a.AssetID, a.Seller, ctx.BlockTime)
	switch {
	case errors.Is(unavailable, ErrAssetNotFound), errors.Is(unavailable, ErrNotAssetOwner), errors.Is(unavailable, ErrAssetUnavailable):
		a.Status, a.WithdrawnWhy = StatusWithdrawn, unavailable.Error()
	case unavailable != nil:
		return unavailable
	case o.Sold:
		a.Status = StatusSold
		if a.TransferID, err = openPurchase(ctx, a, den); err != nil {
			return err
		}
	default:
		a.Status = StatusUnsold
	}
	for i := range list {
		b := &list[i]
		b.DepositStatus = fateOf(b, o, a.Status == StatusWithdrawn)
		if err := putBid(ctx.KV, b); err != nil {
			return err
		}
	}
	if err := ctx.KV.Delete(AssetKey(a.AssetKind, a.AssetID)); err != nil {
		return err
	}
	a.ClosedBy, a.ClosedHeight, a.ClosedAt = ctx.By(), ctx.Height, ctx.At()
	if err := appendHistory(ctx, a, "close_auction", closeDetails{Status: a.Status, Outcome: o, TransferID: a.TransferID, Reason: a.WithdrawnWhy}); err != nil {
		return err
	}
	if err := putAuction(ctx.KV, a); err != nil {
		return err
	}
	kv := []string{"status", a.Status, "asset_kind", a.AssetKind, "asset_id", a.AssetID}
	if o.Sold && a.Status == StatusSold {
		kv = append(kv, "winner", o.Winner.String(), "price", core.Dec(o.Price), "transfer_id", core.Dec(a.TransferID))
	}
	emit(ctx, "close_auction", a.ID, kv...)
	for _, b := range list {
		if b.DepositStatus != DepositVoid {
			emitDeposit(ctx, a.ID, &b)
		}
	}
	return nil
}

// emitDeposit emits the event a bid's bank acts on: what to do with the
// deposit it holds.
func emitDeposit(ctx *core.Context, auctionID uint64, b *Bid) {
	emit(ctx, "settle_deposit", auctionID, "seq", core.Dec(b.Seq), "bidder", b.Bidder.String(), "bank", b.Bank.String(),
		"deposit_status", b.DepositStatus, "reference", b.DepositReference)
}

// openPurchase opens the winner's purchase through the asset's own
// transfer workflow, signed by the seller (the signer of the closing): a
// land/propose_transfer of the whole parcel (over den, its denominator) or
// a vehicle/offer_transfer, at the winning price, expiring PurchaseWindow
// after the block time. The registry runs every check of its own message;
// its events and history record the step. It returns the transfer's id.
func openPurchase(ctx *core.Context, a *Auction, den uint64) (uint64, error) {
	o := a.Outcome
	expires := ctx.BlockTime.Add(PurchaseWindow).UTC()
	var msg core.Msg = vehicle.OfferTransfer{VIN: a.AssetID, Buyer: o.Winner, Price: o.Price, Currency: a.Currency, ExpiresAt: expires}
	if a.AssetKind == AssetParcel {
		msg = land.ProposeTransfer{
			ParcelID: a.AssetID, Denominator: den,
			Sellers: []land.Share{{Account: a.Seller, Shares: den}}, Buyers: []land.Share{{Account: o.Winner, Shares: den}},
			Price: o.Price, Currency: a.Currency, ExpiresAt: expires,
		}
	}
	if err := msg.Validate(); err != nil {
		return 0, err
	}
	n := len(ctx.Events())
	if err := msg.Exec(ctx); err != nil {
		return 0, err
	}
	for _, ev := range ctx.Events()[n:] {
		for _, at := range ev.Attrs {
			if at.Key == "transfer_id" {
				return strconv.ParseUint(at.Value, 10, 64)
			}
		}
	}
	return 0, fmt.Errorf("auction: %s reported no transfer_id", msg.Type())
}

// Exec implements core.Msg (anyone may send it): the auction must be sold
// and its purchase transfer closed or expired. The auction becomes
// completed (the winner's deposit applied), defaulted (forfeited: the
// winner cancelled, or never accepted before the deadline) or failed
// (released: the seller cancelled, the transfer was superseded, or it
// expired after the winner accepted).
func (m CompleteAuction) Exec(ctx *core.Context) error {
	a, err := getAuction(ctx.KV, m.AuctionID)
	if err != nil {
		return err
	}
	if a.Status != StatusSold {
		return core.Wrapf(ErrNotSold, "auction %d is %s", a.ID, a.Status)
	}
	p, err := purchaseOf(ctx, a)
	if err != nil {
		return err
	}
	status, reason, err := p.end(ctx.BlockTime, a.Outcome.Winner)
	if err != nil {
		return core.Wrapf(err, "auction %d, %s transfer %d", a.ID, a.AssetKind, a.TransferID)
	}
	b, err := getBid(ctx.KV, a.ID, a.Outcome.WinnerSeq)
	if err != nil {
		return err
	}
	b.DepositStatus = DepositReleased
	switch status {
	case StatusCompleted:
		b.DepositStatus = DepositApplied
	case StatusDefaulted:
		b.DepositStatus = DepositForfeited
	}
	if err := putBid(ctx.KV, b); err != nil {
		return err
	}
	a.Status, a.CompletedAt = status, ctx.At()
	if err := appendHistory(ctx, a, "complete_auction", completeDetails{
		Status: status, TransferID: a.TransferID, DepositStatus: b.DepositStatus, Reason: reason,
	}); err != nil {
		return err
	}
	if err := putAuction(ctx.KV, a); err != nil {
		return err
	}
	emit(ctx, "complete_auction", a.ID, "status", status, "transfer_id", core.Dec(a.TransferID))
	emitDeposit(ctx, a.ID, b)
	return nil
}

// purchase is what CompleteAuction reads of a land or vehicle transfer.
type purchase struct {
	done      bool // registered (land) or completed (vehicle)
	open      bool // still pending (or accepted, vehicle)
	cancelled bool
	accepted  bool // the winner accepted
	expiresAt time.Time
	closedBy  *core.Address
	closedAt  *time.Time
	status    string
}

func purchaseOf(ctx *core.Context, a *Auction) (*purchase, error) {
	if a.AssetKind == AssetParcel {
		t, err := core.Load[land.Transfer](ctx.KV, land.TransferKey(a.TransferID), ErrAssetNotFound, "land transfer %d", a.TransferID)
		if err != nil {
			return nil, err
		}
		return &purchase{
			done: t.Status == land.TransferRegistered, open: t.Status == land.TransferPending,
			cancelled: t.Status == land.TransferCancelled,
			accepted:  slices.ContainsFunc(t.Acceptances, func(x land.Acceptance) bool { return x.Account == a.Outcome.Winner }),
			expiresAt: t.ExpiresAt, closedBy: t.ClosedBy, closedAt: t.ClosedAt, status: t.Status,
		}, nil
	}
	t, err := core.Load[vehicle.Transfer](ctx.KV, vehicle.TransferKey(a.TransferID), ErrAssetNotFound, "vehicle transfer %d", a.TransferID)
	if err != nil {
		return nil, err
	}
	return &purchase{
		done:      t.Status == vehicle.TransferCompleted,
		open:      t.Status == vehicle.TransferPending || t.Status == vehicle.TransferAccepted,
		cancelled: t.Status == vehicle.TransferCancelled, accepted: t.AcceptedAt != nil,
		expiresAt: t.ExpiresAt, closedBy: t.ClosedBy, closedAt: t.ClosedAt, status: t.Status,
	}, nil
}

// end decides how a purchase ended at time now for winner, or refuses
// (ErrPurchaseOpen) one still open before its deadline.
func (p *purchase) end(now time.Time, winner core.Address) (status, reason string, err error) {
	expired := now.After(p.expiresAt)
	lapsed := expired && p.open || p.cancelled && p.closedAt != nil && p.closedAt.After(p.expiresAt) || !p.open && !p.done && !p.cancelled && p.status == vehicle.TransferExpired
	switch {
	case p.done:
		return StatusCompleted, "the transfer was completed", nil
	case p.open && !expired:
		return "", "", core.Wrapf(ErrPurchaseOpen, "open until %s", p.expiresAt.Format(time.RFC3339))
	case p.cancelled && p.closedBy != nil && *p.closedBy == winner:
		return StatusDefaulted, "the winner cancelled the transfer", nil
	case lapsed && !p.accepted:
		return StatusDefaulted, "the transfer expired without the winner's acceptance", nil
	case lapsed:
		return StatusFailed, "the transfer expired after the winner accepted", nil
	}
	return StatusFailed, "the transfer ended " + p.status + " by another party than the winner", nil
}
