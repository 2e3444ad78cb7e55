package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/auction"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/app/vehicle"
	"github.com/govchain/govchain/state"
)

// auctionSalt is a bidder's salt in the auction workload.
func auctionSalt(name string) core.Hash { return docHash("auction salt " + name) }

// runAuctions drives c through the auction workload: registered bidders,
// a parcel and a vehicle listed by the finance ministry's admin, sealed
// bids with bank-locked deposits, a withheld bid, a bid below the reserve,
// closing (the parcel sold into the land workflow, the vehicle unsold),
// the land sale registered and the auction completed. Every step is its
// own block or a block of independent steps; each block is 10 s after the
// last. It returns the auction workload's app hashes, one per block.
func runAuctions(c *testChain) []string {
	c.t.Helper()
	from := len(c.hashes)
	bidders := []string{"alice", "bob", "carol"}
	var txs [][]byte
	for _, n := range bidders {
		id := "PSN-" + strings.ToUpper(n)
		txs = append(txs,
			c.sign("civil", identity.RegisterPerson{PersonID: id, DocumentHash: docHash("birth " + n),
				Commitments: []identity.Commitment{{Attribute: "family_name", Commitment: docHash("name " + n)}}}),
			c.sign("civil", identity.LinkAccount{PersonID: id, Account: c.addr(n)}))
	}
	requireOK(c, c.block(txs...))
	seller := c.addr("admin-finance")
	requireOK(c, c.block(
		c.sign("registrar", land.RegisterParcel{ParcelID: "STATE-P-1", CadastralRef: "CAD-S1", AreaM2: 5000,
			Denominator: 1, Owners: []land.Share{{Account: seller, Shares: 1}}, DocumentHash: docHash("state parcel")}),
		c.sign("vreg", vehicle.RegisterVehicle{VIN: "WVWZZZ1KZAW777777", CheckDigitScheme: vehicle.SchemeNone,
			Make: "Skoda", Model: "Octavia", Year: 2018, Colour: "white", Plate: "GOV-1", Owner: seller, OdometerKM: 90000}),
	))
	end := c.time.Add(10 * time.Second).Add(time.Minute)
	listing := func(kind, id string) auction.ListAsset {
		return auction.ListAsset{AssetKind: kind, AssetID: id, ReservePrice: 4000, Deposit: 400, Currency: "EUR",
			BiddingEndsAt: end, RevealEndsAt: end.Add(time.Minute)}
	}
	requireOK(c, c.block(
		c.sign("admin-finance", listing(auction.AssetParcel, "STATE-P-1")),
		c.sign("admin-finance", listing(auction.AssetVehicle, "WVWZZZ1KZAW777777")),
	))
	commit := func(id uint64, n string, amount int64) []byte {
		return c.sign(n, auction.CommitBid{AuctionID: id, Commitment: auction.Commitment(id, c.addr(n), amount, auctionSalt(n)), Bank: c.addr("bank")})
	}
	amounts := map[string]int64{"alice": 5000, "bob": 7000, "carol": 9000}
	txs = nil
	for _, n := range bidders {
		txs = append(txs, commit(1, n, amounts[n]))
	}
	requireOK(c, c.block(append(txs, commit(2, "bob", 3999))...))
	txs = nil
	for _, b := range []struct {
		id uint64
		n  string
	}{{1, "alice"}, {1, "bob"}, {1, "carol"}, {2, "bob"}} {
		txs = append(txs, c.sign("bank", auction.ConfirmDeposit{AuctionID: b.id, Bidder: c.addr(b.n), Reference: "ESC-" + b.n}))
	}
	requireOK(c, c.block(txs...))
	for c.time.Add(10 * time.Second).Before(end) {
		c.block()
	}
	// carol withholds her bid; bob's bid for the vehicle is below the reserve.
	requireOK(c, c.block(
		c.sign("alice", auction.RevealBid{AuctionID: 1, Amount: 5000, Salt: auctionSalt("alice")}),
		c.sign("bob", auction.RevealBid{AuctionID: 1, Amount: 7000, Salt: auctionSalt("bob")}),
		c.sign("bob", auction.RevealBid{AuctionID: 2, Amount: 3999, Salt: auctionSalt("bob")}),
	))
	for c.time.Add(10 * time.Second).Before(end.Add(time.Minute)) {
		c.block()
	}
	requireOK(c, c.block(
		c.sign("admin-finance", auction.CloseAuction{AuctionID: 1}),
		c.sign("admin-finance", auction.CloseAuction{AuctionID: 2}),
	))
	c.mustExec("bob", land.AcceptTransfer{TransferID: 1})
	c.mustExec("notary", land.CertifyTransfer{TransferID: 1, DeedHash: docHash("deed STATE-P-1")})
	c.mustExec("registrar", land.RegisterTransfer{TransferID: 1})
	c.mustExec("dave", auction.CompleteAuction{AuctionID: 1})
	return c.hashes[from:]
}

func requireOK(c *testChain, res []TxResult) {
	c.t.Helper()
	for i, r := range res {
		require.NoError(c.t, r.Err, "tx %d (%s)", i, r.Type)
	}
}

// TestAuctionDeterminismAcrossEngines runs the auction workload on a fresh
// store of each engine and requires the same app hash at every height,
// and the hashes to equal the golden ones in testdata (go test -update
// rewrites them after an intended change of the state layout). The
// workload's own golden file leaves the other workloads' hashes alone.
func TestAuctionDeterminismAcrossEngines(t *testing.T) {
	var runs [][]string
	for _, engine := range []string{state.EngineMemIAVL, state.EngineIAVL} {
		runs = append(runs, runAuctions(newTestChain(t, engine, t.TempDir())))
	}
	require.Equal(t, runs[0], runs[1], "the engines' app hashes differ")
	golden := filepath.Join("testdata", "golden_apphash_auction.txt")
	got := strings.Join(runs[0], "\n") + "\n"
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./app -run AuctionDeterminism -update to create it")
	require.Equal(t, string(want), got, "app hashes changed: if the state layout changed on purpose, run with -update")
}

// TestAuctionThroughApp checks the auction workload's results with proven
// queries: the auditor's recomputation from the proven bids agrees with
// the recorded outcome, the deposits' fates are what the rules give, and
// the parcel belongs to the winner.
func TestAuctionThroughApp(t *testing.T) {
	c := newTestChain(t, state.EngineMemIAVL, t.TempDir())
	runAuctions(c)

	q := c.query("/auction/auction/1/bids")
	require.NoError(t, q.Err)
	require.Len(t, q.Proofs, len(q.Entries), "the auction and every bid are proven")
	var a auction.Auction
	require.NoError(t, core.StrictUnmarshal(q.Entries[0].Value, &a))
	var bids []auction.Bid
	for _, e := range q.Entries[1:] {
		var b auction.Bid
		require.NoError(t, core.StrictUnmarshal(e.Value, &b))
		bids = append(bids, b)
	}
	o, err := auction.Audit(&a, bids)
	require.NoError(t, err)
	require.Equal(t, c.addr("bob"), o.Winner)
	require.Equal(t, int64(7000), o.Price)
	require.Equal(t, auction.StatusCompleted, a.Status)
	var fates []string
	for _, b := range bids {
		fates = append(fates, b.DepositStatus)
	}
	require.Equal(t, []string{auction.DepositReleased, auction.DepositApplied, auction.DepositForfeited}, fates)

	q = c.query("/auction/auction/2")
	require.NoError(t, q.Err)
	require.NoError(t, core.StrictUnmarshal(q.Value, &a))
	require.Equal(t, auction.StatusUnsold, a.Status)

	q = c.query("/land/parcel/STATE-P-1")
	require.NoError(t, q.Err)
	var p land.Parcel
	require.NoError(t, core.StrictUnmarshal(q.Value, &p))
	require.Equal(t, []land.Share{{Account: c.addr("bob"), Shares: 1}}, p.Owners)
}
