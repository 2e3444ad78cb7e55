package auction

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/app/vehicle"
)

// TestParcelAuctionLifecycle runs a parcel's auction from listing to the
// registered transfer: a tie broken by commitment order, an unrevealed
// bid whose deposit is forfeited, a bid whose bank never confirmed, and
// an auditor's recomputation of the outcome from the proven bids.
func TestParcelAuctionLifecycle(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	erin := e.Account("erin")
	e.link(erin, "person")
	e.parcel(c, "P-1", c.seller)

	ev := e.OK(c.seller, e.listing(AssetParcel, "P-1"))
	require.Equal(t, []string{"1"}, coretest.Attrs(t, ev, 0, EventType, "auction_id"))
	require.Equal(t, []string{"finance"}, coretest.Attrs(t, ev, 0, EventType, "agency"))
	a := e.auction(1)
	require.Equal(t, StatusOpen, a.Status)
	require.Equal(t, c.seller, a.Seller)

	e.bidAndLock(1, c.alice, 5000, c.bank)
	e.bidAndLock(1, c.bob, 7000, c.bank)
	e.bidAndLock(1, c.carol, 7000, c.bank2) // same amount, later commitment
	e.bidAndLock(1, c.shop, 9000, c.bank)   // never revealed
	e.OK(erin, commit(1, erin, 20000, c.bank))
	require.Equal(t, uint64(5), e.auction(1).BidCount)
	require.Equal(t, DepositAwaitingBank, e.bid(1, 4).DepositStatus)
	require.Equal(t, DepositLocked, e.bid(1, 0).DepositStatus)

	e.revealing(1)
	for _, r := range []struct {
		who    core.Address
		amount int64
	}{{c.alice, 5000}, {c.bob, 7000}, {c.carol, 7000}} {
		ev := e.OK(r.who, reveal(1, r.who, r.amount))
		require.Equal(t, []string{core.Dec(r.amount)}, coretest.Attrs(t, ev, 0, EventType, "amount"))
	}
	require.True(t, e.bid(1, 1).Revealed)

	e.closing(1)
	ev = e.OK(c.seller, CloseAuction{AuctionID: 1})
	a = e.auction(1)
	require.Equal(t, StatusSold, a.Status)
	require.Equal(t, Outcome{Sold: true, WinnerSeq: 1, Winner: c.bob, Price: 7000, Valid: 3, Revealed: 3, Forfeited: 1}, *a.Outcome)
	require.Equal(t, uint64(1), a.TransferID)
	fates := []string{DepositReleased, DepositHeld, DepositReleased, DepositForfeited, DepositVoid}
	for seq, want := range fates {
		require.Equal(t, want, e.bid(1, uint64(seq)).DepositStatus, "bid %d", seq)
	}
	// One close event, the land proposal, and one settle_deposit per
	// locked deposit, each naming its bank.
	var settled []string
	for _, x := range ev {
		if x.Type == EventType && x.Attrs[0].Value == "settle_deposit" {
			settled = append(settled, coretest.Attrs(t, []core.Event{x}, 0, EventType, "deposit_status")[0])
		}
	}
	require.Equal(t, fates[:4], settled)
	_, err := boundQuery(t, e.KV, []string{"asset", AssetParcel, "P-1"})
	require.ErrorIs(t, err, ErrAssetNotFound, "the asset index entry goes when the auction closes")

	// The purchase runs through the land workflow, proposed by the seller.
	tr, err := core.Load[land.Transfer](e.KV, land.TransferKey(1), land.ErrTransferNotFound, "")
	require.NoError(t, err)
	require.Equal(t, c.seller, tr.Proposer)
	require.Equal(t, []land.Share{{Account: c.bob, Shares: 1}}, tr.Buyers)
	require.Equal(t, int64(7000), tr.Price)
	e.Refuse(c.alice, CompleteAuction{AuctionID: 1}, ErrPurchaseOpen)
	e.OK(c.bob, land.AcceptTransfer{TransferID: 1})
	e.OK(c.notary, land.CertifyTransfer{TransferID: 1, DeedHash: coretest.HashOf("deed")})
	e.OK(c.registrar, land.RegisterTransfer{TransferID: 1})
	e.OK(c.alice, CompleteAuction{AuctionID: 1})
	a = e.auction(1)
	require.Equal(t, StatusCompleted, a.Status)
	require.Equal(t, DepositApplied, e.bid(1, 1).DepositStatus)
	p, err := core.Load[land.Parcel](e.KV, land.ParcelKey("P-1"), land.ErrParcelNotFound, "")
	require.NoError(t, err)
	require.Equal(t, []land.Share{{Account: c.bob, Shares: 1}}, p.Owners)

	require.Equal(t, []string{"list_asset", "commit_bid", "confirm_deposit", "commit_bid", "confirm_deposit",
		"commit_bid", "confirm_deposit", "commit_bid", "confirm_deposit", "commit_bid",
		"reveal_bid", "reveal_bid", "reveal_bid", "close_auction", "complete_auction"}, e.history(1))

	// The auditor recomputes the outcome from the bids the query proves.
	pa, list := e.provenBids(1)
	o, err := Audit(&pa, list)
	require.NoError(t, err)
	require.Equal(t, c.bob, o.Winner)
}

// TestVehicleAuctionLifecycle sells a vehicle (the winner's acceptance
// completes the sale) and closes a second auction unsold (its only bid is
// below the reserve).
func TestVehicleAuctionLifecycle(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.car(c, "WVWZZZ1KZAW000001", c.seller)
	e.car(c, "WVWZZZ1KZAW000002", c.seller)

	e.OK(c.seller, e.listing(AssetVehicle, "WVWZZZ1KZAW000001"))
	e.OK(c.seller, e.listing(AssetVehicle, "WVWZZZ1KZAW000002"))
	e.bidAndLock(1, c.shop, 1500, c.bank)
	e.bidAndLock(2, c.alice, 999, c.bank)
	e.revealing(2)
	e.OK(c.shop, reveal(1, c.shop, 1500))
	e.OK(c.alice, reveal(2, c.alice, 999))
	e.closing(2)
	e.OK(c.seller, CloseAuction{AuctionID: 1})
	e.OK(c.seller, CloseAuction{AuctionID: 2})

	a := e.auction(1)
	require.Equal(t, StatusSold, a.Status)
	e.OK(c.shop, vehicle.AcceptTransfer{TransferID: a.TransferID})
	e.OK(c.bob, CompleteAuction{AuctionID: 1})
	require.Equal(t, StatusCompleted, e.auction(1).Status)
	v, err := core.Load[vehicle.Vehicle](e.KV, vehicle.VehicleKey("WVWZZZ1KZAW000001"), vehicle.ErrVehicleNotFound, "")
	require.NoError(t, err)
	require.Equal(t, c.shop, v.Owner)

	u := e.auction(2)
	require.Equal(t, StatusUnsold, u.Status)
	require.Equal(t, Outcome{Revealed: 1}, *u.Outcome)
	require.Zero(t, u.TransferID)
	require.Equal(t, DepositReleased, e.bid(2, 0).DepositStatus)
	e.Refuse(c.bob, CompleteAuction{AuctionID: 2}, ErrNotSold)
	// The unsold vehicle can be listed again.
	e.OK(c.seller, e.listing(AssetVehicle, "WVWZZZ1KZAW000002"))
}

// TestPurchaseEnds covers the ends of a purchase other than completion: a
// winner who lets the transfer expire without accepting defaults, a
// seller's cancellation fails the purchase, and an asset the seller
// encumbered before closing withdraws the auction.
func TestPurchaseEnds(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	for _, id := range []string{"P-1", "P-2", "P-3"} {
		e.parcel(c, id, c.seller)
		e.OK(c.seller, e.listing(AssetParcel, id))
	}
	for id := uint64(1); id <= 3; id++ {
		e.bidAndLock(id, c.alice, 2000, c.bank)
		e.bidAndLock(id, c.bob, 3000, c.bank)
	}
	e.revealing(3)
	for id := uint64(1); id <= 3; id++ {
		e.OK(c.alice, reveal(id, c.alice, 2000))
		e.OK(c.bob, reveal(id, c.bob, 3000))
	}
	// P-3 is put up for sale privately before the auction closes.
	e.OK(c.seller, land.ProposeTransfer{ParcelID: "P-3", Denominator: 1, Sellers: []land.Share{{Account: c.seller, Shares: 1}},
		Buyers: []land.Share{{Account: c.carol, Shares: 1}}, Price: 1, Currency: "EUR", ExpiresAt: e.Deadline(PurchaseWindow)})
	e.closing(3)
	for id := uint64(1); id <= 3; id++ {
		e.OK(c.seller, CloseAuction{AuctionID: id})
	}
	w := e.auction(3)
	require.Equal(t, StatusWithdrawn, w.Status)
	require.Contains(t, w.WithdrawnWhy, "pending transfers")
	require.Equal(t, DepositReleased, e.bid(3, 0).DepositStatus)
	require.Equal(t, DepositReleased, e.bid(3, 1).DepositStatus)
	require.Equal(t, c.bob, w.Outcome.Winner, "the outcome is still recorded, for the audit")

	// Auction 2: the seller cancels the purchase.
	e.OK(c.seller, land.CancelTransfer{TransferID: e.auction(2).TransferID, Reason: "changed our mind"})
	e.OK(c.carol, CompleteAuction{AuctionID: 2})
	require.Equal(t, StatusFailed, e.auction(2).Status)
	require.Equal(t, DepositReleased, e.bid(2, 1).DepositStatus)

	// Auction 1: bob never accepts; after the deadline he is in default.
	e.at(e.auction(1).ClosedAt.Add(PurchaseWindow))
	e.Refuse(c.carol, CompleteAuction{AuctionID: 1}, ErrPurchaseOpen)
	e.OK(c.carol, CompleteAuction{AuctionID: 1})
	require.Equal(t, StatusDefaulted, e.auction(1).Status)
	require.Equal(t, DepositForfeited, e.bid(1, 1).DepositStatus)
	require.Equal(t, DepositReleased, e.bid(1, 0).DepositStatus)
	e.Refuse(c.carol, CompleteAuction{AuctionID: 1}, ErrNotSold)
}
