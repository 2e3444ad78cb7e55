package auction

import (
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/app/vehicle"
	"github.com/govchain/govchain/state"
)

// EventType is the type of every event this module emits. Its indexed
// attributes always include action (the message's verb_noun), auction_id
// and signer.
const EventType = Name

// emit emits the auction event of one step.
func emit(ctx *core.Context, action string, auctionID uint64, kv ...string) {
	attrs := []string{"action", action, "auction_id", core.Dec(auctionID), "signer", ctx.Signer.String()}
	ctx.Emit(EventType, append(attrs, kv...)...)
}

func getAuction(r state.Reader, id uint64) (*Auction, error) {
	return core.Load[Auction](r, AuctionKey(id), ErrAuctionNotFound, "auction %d", id)
}

func putAuction(w state.Writer, a *Auction) error { return core.SetJSON(w, AuctionKey(a.ID), a) }

func getBid(r state.Reader, auctionID, seq uint64) (*Bid, error) {
	return core.Load[Bid](r, BidKey(auctionID, seq), ErrBidNotFound, "bid %d of auction %d", seq, auctionID)
}

func putBid(w state.Writer, b *Bid) error { return core.SetJSON(w, BidKey(b.AuctionID, b.Seq), b) }

// bidOf reads the bid account a committed in an auction; none is
// ErrBidNotFound.
func bidOf(r state.Reader, auctionID uint64, a core.Address) (*Bid, error) {
	e, err := core.Load[BidderEntry](r, BidderKey(auctionID, a), ErrBidNotFound, "account %s in auction %d", a, auctionID)
	if err != nil {
		return nil, err
	}
	return getBid(r, auctionID, e.Seq)
}

// bids reads every bid of an auction, in seq order.
func bids(r state.Reader, a *Auction) ([]Bid, error) {
	out := make([]Bid, 0, a.BidCount)
	for seq := uint64(0); seq < a.BidCount; seq++ {
		b, err := getBid(r, a.ID, seq)
		if err != nil {
			return nil, err
		}
		out = append(out, *b)
	}
	return out, nil
}

// appendHistory appends an entry to a's history and bumps its count; the
// caller saves a.
func appendHistory(ctx *core.Context, a *Auction, action string, details any) error {
	return ctx.RecordHistory(Prefix, tableHistory, state.Uint64(a.ID), &a.HistoryCount, action, details)
}

// biddingOpen reports whether bids may be committed and deposits locked:
// the block time is before BiddingEndsAt.
func (a *Auction) biddingOpen(t time.Time) bool { return t.Before(a.BiddingEndsAt) }

// revealing reports whether bids may be revealed: the block time is in
// [BiddingEndsAt, RevealEndsAt).
func (a *Auction) revealing(t time.Time) bool {
	return !t.Before(a.BiddingEndsAt) && t.Before(a.RevealEndsAt)
}

// requireOpen refuses an auction that is closed.
func (a *Auction) requireOpen() error {
	if a.Status != StatusOpen {
		return core.Wrapf(ErrAuctionClosed, "auction %d is %s", a.ID, a.Status)
	}
	return nil
}

// registeredBidder refuses an account linked to no person or
// organisation in the identity registry.
func registeredBidder(r state.Reader, a core.Address) error {
	ok, err := r.Has(identity.AccountLinkKey(a))
	if err != nil {
		return err
	}
	if !ok {
		return core.Wrapf(ErrNotRegisteredBidder, "account %s", a)
	}
	return nil
}

// checkAsset requires seller to be the sole owner of the asset and the
// asset to be free to sell as a whole now: a parcel in force, undisputed,
// without liens (pending or active) or pending transfers; a vehicle in
// force, without liens or an open transfer that has not expired. It
// returns the parcel's denominator (1 for a vehicle).
func checkAsset(r state.Reader, kind, id string, seller core.Address, now time.Time) (uint64, error) {
	if kind == AssetVehicle {
		return 1, checkVehicle(r, id, seller, now)
	}
	p, err := core.Load[land.Parcel](r, land.ParcelKey(id), ErrAssetNotFound, "parcel %s", id)
	if err != nil {
		return 0, err
	}
	if len(p.Owners) != 1 || p.Owners[0].Account != seller || p.Owners[0].Shares != p.Denominator {
		return 0, core.Wrapf(ErrNotAssetOwner, "signer %s, parcel %s", seller, id)
	}
	switch {
	case p.Status != land.ParcelActive:
		return 0, core.Wrapf(ErrAssetUnavailable, "parcel %s is %s", id, p.Status)
	case len(p.OpenDisputes) > 0:
		return 0, core.Wrapf(ErrAssetUnavailable, "parcel %s has open disputes", id)
	case len(p.ActiveLiens)+len(p.PendingLiens) > 0:
		return 0, core.Wrapf(ErrAssetUnavailable, "parcel %s has liens", id)
	case len(p.PendingTransfers) > 0:
		return 0, core.Wrapf(ErrAssetUnavailable, "parcel %s has pending transfers", id)
	}
	return p.Denominator, nil
}

func checkVehicle(r state.Reader, vin string, seller core.Address, now time.Time) error {
	v, err := core.Load[vehicle.Vehicle](r, vehicle.VehicleKey(vin), ErrAssetNotFound, "vehicle %s", vin)
	if err != nil {
		return err
	}
	if v.Owner != seller {
		return core.Wrapf(ErrNotAssetOwner, "signer %s, vehicle %s", seller, vin)
	}
	switch {
	case v.Status != vehicle.StatusActive:
		return core.Wrapf(ErrAssetUnavailable, "vehicle %s is %s", vin, v.Status)
	case len(v.ActiveLiens) > 0:
		return core.Wrapf(ErrAssetUnavailable, "vehicle %s has liens", vin)
	case v.OpenTransfer != 0:
		t, err := core.Load[vehicle.Transfer](r, vehicle.TransferKey(v.OpenTransfer), ErrAssetNotFound, "vehicle transfer %d", v.OpenTransfer)
		if err != nil {
			return err
		}
		if !now.After(t.ExpiresAt) {
			return core.Wrapf(ErrAssetUnavailable, "vehicle %s has transfer %d open", vin, t.ID)
		}
	}
	return nil
}
