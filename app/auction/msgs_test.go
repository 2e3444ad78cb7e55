package auction

import (
	"strings"
	"testing"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

var (
	va = coretest.Address("a")
	vb = coretest.Address("b")
	t1 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

// validateCase is a mutation Validate must refuse (coretest.ValidateCase).
type validateCase coretest.ValidateCase

// checkValidate requires base to be valid and every mutation of it to be
// refused with ErrInvalidMessage (coretest.CheckValidate).
var checkValidate = coretest.Validator[validateCase](Module, ErrInvalidMessage)

func validList() ListAsset {
	return ListAsset{AssetKind: AssetParcel, AssetID: "P-1", ReservePrice: 1000, Deposit: 100, Currency: "EUR",
		BiddingEndsAt: t1, RevealEndsAt: t1.Add(24 * time.Hour)}
}

// TestModule checks the module's contract: every message type has a valid
// message that decodes strictly and re-encodes to the same bytes.
func TestModule(t *testing.T) {
	coretest.CheckModule(t, Module, []core.Msg{
		CloseAuction{AuctionID: 1},
		CommitBid{AuctionID: 1, Commitment: coretest.HashOf("c"), Bank: va},
		CompleteAuction{AuctionID: 1},
		ConfirmDeposit{AuctionID: 1, Bidder: va, Reference: "ESC-1"},
		validList(),
		RevealBid{AuctionID: 1, Amount: 5, Salt: coretest.HashOf("s")},
	})
}

func TestValidateListAsset(t *testing.T) {
	f := coretest.Mutate[ListAsset]
	checkValidate(t, validList(), []validateCase{
		{"unknown kind", f(func(m *ListAsset) { m.AssetKind = "ship" })},
		{"empty kind", f(func(m *ListAsset) { m.AssetKind = "" })},
		{"empty asset id", f(func(m *ListAsset) { m.AssetID = "" })},
		{"asset id with slash", f(func(m *ListAsset) { m.AssetID = "P/1" })},
		{"long asset id", f(func(m *ListAsset) { m.AssetID = strings.Repeat("x", 65) })},
		{"negative reserve", f(func(m *ListAsset) { m.ReservePrice = -1 })},
		{"huge reserve", f(func(m *ListAsset) { m.ReservePrice = MaxAmount + 1 })},
		{"zero deposit", f(func(m *ListAsset) { m.Deposit = 0 })},
		{"negative deposit", f(func(m *ListAsset) { m.Deposit = -1 })},
		{"huge deposit", f(func(m *ListAsset) { m.Deposit = MaxAmount + 1 })},
		{"lower-case currency", f(func(m *ListAsset) { m.Currency = "eur" })},
		{"no currency", f(func(m *ListAsset) { m.Currency = "" })},
		{"no bidding end", f(func(m *ListAsset) { m.BiddingEndsAt = time.Time{} })},
		{"bidding end not UTC", f(func(m *ListAsset) { m.BiddingEndsAt = m.BiddingEndsAt.In(time.FixedZone("X", 3600)) })},
		{"no reveal end", f(func(m *ListAsset) { m.RevealEndsAt = time.Time{} })},
		{"reveal end not UTC", f(func(m *ListAsset) { m.RevealEndsAt = m.RevealEndsAt.In(time.FixedZone("X", 3600)) })},
		{"reveal ends with bidding", f(func(m *ListAsset) { m.RevealEndsAt = m.BiddingEndsAt })},
		{"reveal ends before bidding", f(func(m *ListAsset) { m.RevealEndsAt = m.BiddingEndsAt.Add(-time.Second) })},
		{"reveal window too long", f(func(m *ListAsset) { m.RevealEndsAt = m.BiddingEndsAt.Add(MaxRevealWindow + time.Second) })},
	})
}

func TestValidateCommitBid(t *testing.T) {
	f := coretest.Mutate[CommitBid]
	checkValidate(t, CommitBid{AuctionID: 1, Commitment: coretest.HashOf("c"), Bank: va}, []validateCase{
		{"zero auction", f(func(m *CommitBid) { m.AuctionID = 0 })},
		{"zero commitment", f(func(m *CommitBid) { m.Commitment = core.Hash{} })},
		{"zero bank", f(func(m *CommitBid) { m.Bank = core.Address{} })},
	})
}

func TestValidateConfirmDeposit(t *testing.T) {
	f := coretest.Mutate[ConfirmDeposit]
	checkValidate(t, ConfirmDeposit{AuctionID: 1, Bidder: vb, Reference: "ESC-1"}, []validateCase{
		{"zero auction", f(func(m *ConfirmDeposit) { m.AuctionID = 0 })},
		{"zero bidder", f(func(m *ConfirmDeposit) { m.Bidder = core.Address{} })},
		{"no reference", f(func(m *ConfirmDeposit) { m.Reference = "" })},
		{"long reference", f(func(m *ConfirmDeposit) { m.Reference = strings.Repeat("x", MaxReferenceLen+1) })},
		{"control char in reference", f(func(m *ConfirmDeposit) { m.Reference = "a\tb" })},
	})
}

func TestValidateRevealBid(t *testing.T) {
	f := coretest.Mutate[RevealBid]
	checkValidate(t, RevealBid{AuctionID: 1, Amount: 5, Salt: coretest.HashOf("s")}, []validateCase{
		{"zero auction", f(func(m *RevealBid) { m.AuctionID = 0 })},
		{"zero amount", f(func(m *RevealBid) { m.Amount = 0 })},
		{"negative amount", f(func(m *RevealBid) { m.Amount = -5 })},
		{"huge amount", f(func(m *RevealBid) { m.Amount = MaxAmount + 1 })},
		{"zero salt", f(func(m *RevealBid) { m.Salt = core.Hash{} })},
	})
}

func TestValidateCloseAndComplete(t *testing.T) {
	checkValidate(t, CloseAuction{AuctionID: 1}, []validateCase{
		{"zero auction", coretest.Mutate(func(m *CloseAuction) { m.AuctionID = 0 })},
	})
	checkValidate(t, CompleteAuction{AuctionID: 1}, []validateCase{
		{"zero auction", coretest.Mutate(func(m *CompleteAuction) { m.AuctionID = 0 })},
	})
}
