package auction

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/govchain/govchain/app/core"
)

// commitmentDomain separates bid commitments from every other SHA-256 on
// the chain.
const commitmentDomain = "govchain/auction/bid/v1"

// Commitment is the commitment a sealed bid carries:
//
//	SHA-256("govchain/auction/bid/v1" || auction id (8 bytes big-endian) ||
//	        bidder (20 bytes) || amount (8 bytes big-endian) || salt (32 bytes))
//
// The bidder picks salt at random and keeps it secret until the reveal:
// without it the commitment says nothing about the amount. Binding the
// auction and the bidder stops a commitment from being copied into another
// auction or by another account.
func Commitment(auctionID uint64, bidder core.Address, amount int64, salt core.Hash) core.Hash {
	h := sha256.New()
	h.Write([]byte(commitmentDomain))
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], auctionID)
	h.Write(n[:])
	h.Write(bidder[:])
	binary.BigEndian.PutUint64(n[:], uint64(amount))
	h.Write(n[:])
	h.Write(salt[:])
	var out core.Hash
	copy(out[:], h.Sum(nil))
	return out
}

// Decide computes an auction's outcome from all its bids, in seq order: a
// bid is valid if its deposit was locked, it was revealed, and its amount
// is at least the reserve price. The highest valid amount wins; between
// equal amounts the earliest commitment (lowest seq) wins. Locked deposits
// of bids that were never revealed are counted as forfeited. Decide is
// pure: the chain runs it when the auction closes, and an auditor runs it
// again on the proven bids (Audit).
func Decide(a *Auction, bids []Bid) Outcome {
	var o Outcome
	for _, b := range bids {
		locked := b.DepositStatus != DepositAwaitingBank && b.DepositStatus != DepositVoid
		if b.Revealed {
			o.Revealed++
		}
		switch {
		case !locked:
		case !b.Revealed:
			o.Forfeited++
		case b.Amount >= a.ReservePrice:
			o.Valid++
			if !o.Sold || b.Amount > o.Price {
				o.Sold, o.WinnerSeq, o.Winner, o.Price = true, b.Seq, b.Bidder, b.Amount
			}
		}
	}
	return o
}

// fateOf is the deposit status a bid takes when its auction closes with
// outcome o: void if never locked, held for the winner, forfeited if
// unrevealed, released otherwise. A withdrawn auction releases every
// locked deposit.
func fateOf(b *Bid, o Outcome, withdrawn bool) string {
	switch {
	case b.DepositStatus != DepositLocked:
		return DepositVoid
	case withdrawn:
		return DepositReleased
	case o.Sold && b.Seq == o.WinnerSeq:
		return DepositHeld
	case !b.Revealed:
		return DepositForfeited
	}
	return DepositReleased
}

// Audit recomputes a closed auction's outcome from its bids, as an
// auditor does with the bids proven from the chain (the query path
// auction/{id}/bids): the bids must be exactly seq 0 to BidCount-1 of the
// auction, every revealed bid must open its commitment, and Decide on them
// must equal the outcome the auction records. It returns the recomputed
// outcome, or the first disagreement.
func Audit(a *Auction, bids []Bid) (Outcome, error) {
	if uint64(len(bids)) != a.BidCount {
		return Outcome{}, fmt.Errorf("auction: %d bids given, the auction counts %d", len(bids), a.BidCount)
	}
	for i, b := range bids {
		if b.AuctionID != a.ID || b.Seq != uint64(i) {
			return Outcome{}, fmt.Errorf("auction: entry %d is bid %d/%d, want %d/%d", i, b.AuctionID, b.Seq, a.ID, i)
		}
		if b.Revealed && (b.Salt == nil || Commitment(a.ID, b.Bidder, b.Amount, *b.Salt) != b.Commitment) {
			return Outcome{}, fmt.Errorf("auction: bid %d is revealed as %d but that does not open its commitment", b.Seq, b.Amount)
		}
	}
	if a.Outcome == nil {
		return Outcome{}, fmt.Errorf("auction: auction %d is %s: it has no outcome yet", a.ID, a.Status)
	}
	// The deposits' statuses changed at closing; Decide reads only whether
	// each was locked, which closing never undoes.
	o := Decide(a, bids)
	if o != *a.Outcome {
		return o, fmt.Errorf("auction: the bids give %+v, the auction records %+v", o, *a.Outcome)
	}
	return o, nil
}
