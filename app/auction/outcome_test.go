package auction

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/app/vehicle"
)

// TestCommitmentBinds checks that a commitment changes with each of its
// inputs, so that it cannot be reused in another auction, by another
// bidder, or opened with another amount or salt.
func TestCommitmentBinds(t *testing.T) {
	s := coretest.HashOf("salt")
	base := Commitment(1, va, 100, s)
	require.Equal(t, base, Commitment(1, va, 100, s))
	for name, other := range map[string]core.Hash{
		"auction": Commitment(2, va, 100, s),
		"bidder":  Commitment(1, vb, 100, s),
		"amount":  Commitment(1, va, 101, s),
		"salt":    Commitment(1, va, 100, coretest.HashOf("other")),
	} {
		require.NotEqual(t, base, other, name)
	}
}

func revealedBid(seq uint64, bidder core.Address, amount int64) Bid {
	s := salt(bidder)
	return Bid{AuctionID: 1, Seq: seq, Bidder: bidder, Commitment: Commitment(1, bidder, amount, s),
		DepositStatus: DepositLocked, Revealed: true, Amount: amount, Salt: &s}
}

// TestDecide covers the rules of the outcome: below the reserve, unlocked
// and unrevealed bids never win; the highest valid amount wins; a tie
// goes to the earliest commitment.
func TestDecide(t *testing.T) {
	a := &Auction{ID: 1, ReservePrice: 100}
	x, y, z := coretest.Address("x"), coretest.Address("y"), coretest.Address("z")
	unlocked := revealedBid(3, z, 900)
	unlocked.DepositStatus = DepositAwaitingBank
	unrevealed := Bid{AuctionID: 1, Seq: 4, Bidder: va, DepositStatus: DepositLocked}
	cases := []struct {
		name string
		bids []Bid
		want Outcome
	}{
		{"no bids", nil, Outcome{}},
		{"below reserve", []Bid{revealedBid(0, x, 99)}, Outcome{Revealed: 1}},
		{"at reserve", []Bid{revealedBid(0, x, 100)}, Outcome{Sold: true, WinnerSeq: 0, Winner: x, Price: 100, Valid: 1, Revealed: 1}},
		{"highest wins", []Bid{revealedBid(0, x, 150), revealedBid(1, y, 200)},
			Outcome{Sold: true, WinnerSeq: 1, Winner: y, Price: 200, Valid: 2, Revealed: 2}},
		{"tie to earliest", []Bid{revealedBid(0, x, 200), revealedBid(1, y, 200)},
			Outcome{Sold: true, WinnerSeq: 0, Winner: x, Price: 200, Valid: 2, Revealed: 2}},
		{"unlocked and unrevealed never win", []Bid{revealedBid(0, x, 150), unlocked, unrevealed},
			Outcome{Sold: true, WinnerSeq: 0, Winner: x, Price: 150, Valid: 1, Revealed: 2, Forfeited: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, Decide(a, tc.bids))
		})
	}
}

// TestAuditFindsTampering checks that Audit accepts the bids an auction
// was decided on and refuses a missing bid, a reordered list, a revealed
// amount that does not open its commitment, an outcome that does not
// follow from the bids, and an auction still open.
func TestAuditFindsTampering(t *testing.T) {
	x, y := coretest.Address("x"), coretest.Address("y")
	bids := []Bid{revealedBid(0, x, 150), revealedBid(1, y, 200)}
	o := Decide(&Auction{ID: 1, ReservePrice: 100}, bids)
	a := &Auction{ID: 1, ReservePrice: 100, BidCount: 2, Outcome: &o, Status: StatusSold}
	got, err := Audit(a, bids)
	require.NoError(t, err)
	require.Equal(t, y, got.Winner)

	_, err = Audit(a, bids[:1])
	require.ErrorContains(t, err, "1 bids given")
	_, err = Audit(a, []Bid{bids[1], bids[0]})
	require.ErrorContains(t, err, "entry 0 is bid 1/1")
	forged := []Bid{bids[0], bids[1]}
	forged[1].Amount = 250
	_, err = Audit(a, forged)
	require.ErrorContains(t, err, "does not open its commitment")
	wrong := o
	wrong.Winner = x
	_, err = Audit(&Auction{ID: 1, ReservePrice: 100, BidCount: 2, Outcome: &wrong}, bids)
	require.ErrorContains(t, err, "the bids give")
	_, err = Audit(&Auction{ID: 1, BidCount: 2, Status: StatusOpen}, bids)
	require.ErrorContains(t, err, "no outcome yet")
}

// TestPurchaseEnd covers every way a purchase transfer can end, and whose
// fault each is.
func TestPurchaseEnd(t *testing.T) {
	winner, seller := coretest.Address("winner"), coretest.Address("seller")
	deadline := coretest.BlockTime(100)
	before, after := coretest.BlockTime(50), coretest.BlockTime(150)
	lateAt, earlyAt := coretest.BlockTime(120), coretest.BlockTime(60)
	cases := []struct {
		name string
		p    purchase
		now  time.Time
		want string
	}{
		{"registered", purchase{done: true}, after, StatusCompleted},
		{"open before the deadline", purchase{open: true}, before, ""},
		{"open and accepted before the deadline", purchase{open: true, accepted: true}, before, ""},
		{"expired without acceptance", purchase{open: true}, after, StatusDefaulted},
		{"expired after acceptance", purchase{open: true, accepted: true}, after, StatusFailed},
		{"cancelled by the winner", purchase{cancelled: true, closedBy: &winner, closedAt: &earlyAt, accepted: true}, after, StatusDefaulted},
		{"cancelled by the seller", purchase{cancelled: true, closedBy: &seller, closedAt: &earlyAt}, after, StatusFailed},
		{"cancelled after the deadline, never accepted", purchase{cancelled: true, closedBy: &seller, closedAt: &lateAt}, after, StatusDefaulted},
		{"cancelled after the deadline, accepted", purchase{cancelled: true, closedBy: &seller, closedAt: &lateAt, accepted: true}, after, StatusFailed},
		{"vehicle offer expired, never accepted", purchase{status: vehicle.TransferExpired}, after, StatusDefaulted},
		{"superseded", purchase{status: land.TransferSuperseded}, after, StatusFailed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.p.expiresAt = deadline
			got, reason, err := tc.p.end(tc.now, winner)
			if tc.want == "" {
				require.ErrorIs(t, err, ErrPurchaseOpen)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got, reason)
			require.NotEmpty(t, reason)
		})
	}
}
