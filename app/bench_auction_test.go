package app

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/auction"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/state"
)

// benchAuctions is the number of auctions of the auction benchmark:
// GOVCHAIN_BENCH_AUCTIONS, 10,000 by default, each with benchBidsPer bids.
func benchAuctions(b *testing.B) int { return benchEnvInt(b, "GOVCHAIN_BENCH_AUCTIONS", 10_000) }

const (
	benchBidsPer = 50
	benchBidders = 1000
)

// BenchmarkAuctionBlocks measures the auction module through
// FinalizeBlock+Commit at GOVCHAIN_BENCH_AUCTIONS auctions of 50 bids
// each, in blocks of 1,000 signed transactions, phase by phase: every
// commitment, every deposit confirmation (one bank), every reveal, then
// every closing (each reads its 50 bids, settles their deposits and
// proposes the land transfer to the winner). The parcels and listings are
// written beforehand with the modules' own handlers, untimed. It reports
// the transactions per second and milliseconds per block of each phase.
// It runs the whole workload once per iteration:
//
//	go test ./app -run '^$' -bench AuctionBlocks -benchtime 1x -timeout 120m
func BenchmarkAuctionBlocks(b *testing.B) {
	onEachEngine(b, func(b *testing.B, engine string) { auctionWorkload(b, b, engine, benchAuctions(b)) })
}

// onEachEngine runs workload b.N times on each engine, in a sub-benchmark
// per engine, with the timer stopped on entry (the workload times its
// phases itself).
func onEachEngine(b *testing.B, workload func(b *testing.B, engine string)) {
	for _, engine := range []string{state.EngineMemIAVL, state.EngineIAVL} {
		b.Run(engine, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				workload(b, engine)
			}
		})
	}
}

// benchTimer is what auctionWorkload needs of a *testing.B: the timer and
// the metrics. TestAuctionBenchWorkload runs it with noTimer.
type benchTimer interface {
	StartTimer()
	StopTimer()
	ReportMetric(n float64, unit string)
}

// noTimer is a benchTimer that times and reports nothing.
type noTimer struct{}

func (noTimer) StartTimer()                  {}
func (noTimer) StopTimer()                   {}
func (noTimer) ReportMetric(float64, string) {}

// auctionWorkload runs the auction benchmark's workload of n auctions on
// a fresh chain of engine, timing only the FinalizeBlock+Commit of each
// phase with tm (whose timer must be stopped on entry).
func auctionWorkload(b testing.TB, tm benchTimer, engine string, n int) *testChain {
	c := newTestChain(b, engine, b.TempDir())
	c.block()
	bidders := make([]ed25519.PrivKey, benchBidders)
	addrs := make([]core.Address, benchBidders)
	for i := range bidders {
		bidders[i] = ed25519.GenPrivKeyFromSecret([]byte("bench-bidder-" + strconv.Itoa(i)))
		addrs[i] = core.AddressOf(bidders[i].PubKey().(ed25519.PubKey))
	}
	perBlock := 1000
	bidBlocks := (n*benchBidsPer + perBlock - 1) / perBlock
	start := c.time
	// Each block is 10 s after the last (testChain.block).
	biddingEnds := start.Add(time.Duration(2*bidBlocks+10) * 10 * time.Second)
	revealEnds := biddingEnds.Add(time.Duration(bidBlocks+10) * 10 * time.Second)

	// Untimed: bidders linked to persons, n state parcels, n listings.
	c.height++
	c.time = c.time.Add(time.Second)
	ctxAs := func(signer core.Address) *core.Context {
		return &core.Context{KV: c.store, ChainID: c.chainID, Height: c.height, BlockTime: c.time, TxHash: []byte{1}, Signer: signer}
	}
	for i, a := range addrs {
		require.NoError(b, core.SetJSON(c.store, identity.AccountLinkKey(a),
			identity.AccountLink{Account: a, OwnerKind: identity.OwnerPerson, OwnerID: fmt.Sprintf("BENCH-%d", i)}))
	}
	seller := c.addr("admin-finance")
	parcelID := func(a int) string { return fmt.Sprintf("STATE-%07d", a) }
	for a := 0; a < n; a++ {
		require.NoError(b, land.RegisterParcel{ParcelID: parcelID(a), CadastralRef: "CAD", AreaM2: 1000, Denominator: 1,
			Owners: []land.Share{{Account: seller, Shares: 1}}, DocumentHash: docHash(parcelID(a))}.Exec(ctxAs(c.addr("registrar"))))
		require.NoError(b, auction.ListAsset{AssetKind: auction.AssetParcel, AssetID: parcelID(a), ReservePrice: 1000, Deposit: 100,
			Currency: "EUR", BiddingEndsAt: biddingEnds, RevealEndsAt: revealEnds}.Exec(ctxAs(seller)))
	}
	_, _, err := c.store.Commit()
	require.NoError(b, err)
	c.height = c.store.Version()

	// Bid j of auction a (ids from 1) is bidder (a*50+j) mod 1000's, of
	// 1000+a+j, so every auction has 50 distinct bidders and a winner.
	seq := make([]uint64, benchBidders)
	signAs := func(i int, m core.Msg) []byte {
		raw, err := NewTx(c.chainID, bidders[i], seq[i], m)
		require.NoError(b, err)
		seq[i]++
		return raw
	}
	bidder := func(a, j int) int { return (a*benchBidsPer + j) % benchBidders }
	salt := func(a, j int) core.Hash { return docHash(fmt.Sprintf("salt %d %d", a, j)) }
	amount := func(a, j int) int64 { return int64(1000 + a + j) }
	phase := func(each func(a, j int) []byte) [][][]byte {
		var blocks [][][]byte
		var cur [][]byte
		for a := 1; a <= n; a++ {
			for j := 0; j < benchBidsPer; j++ {
				cur = append(cur, each(a, j))
				if len(cur) == perBlock {
					blocks, cur = append(blocks, cur), nil
				}
			}
		}
		if len(cur) > 0 {
			blocks = append(blocks, cur)
		}
		return blocks
	}
	commits := phase(func(a, j int) []byte {
		i := bidder(a, j)
		return signAs(i, &auction.CommitBid{AuctionID: uint64(a), Commitment: auction.Commitment(uint64(a), addrs[i], amount(a, j), salt(a, j)), Bank: c.addr("bank")})
	})
	confirms := phase(func(a, j int) []byte {
		return c.sign("bank", &auction.ConfirmDeposit{AuctionID: uint64(a), Bidder: addrs[bidder(a, j)], Reference: "ESC"})
	})
	reveals := phase(func(a, j int) []byte {
		return signAs(bidder(a, j), &auction.RevealBid{AuctionID: uint64(a), Amount: amount(a, j), Salt: salt(a, j)})
	})
	var closes [][][]byte
	for a := 1; a <= n; a += perBlock {
		var blk [][]byte
		for id := a; id < a+perBlock && id <= n; id++ {
			blk = append(blk, c.sign("admin-finance", &auction.CloseAuction{AuctionID: uint64(id)}))
		}
		closes = append(closes, blk)
	}

	runPhase(b, tm, c, "commit", commits)
	runPhase(b, tm, c, "confirm", confirms)
	require.True(b, c.time.Before(biddingEnds), "bidding must still be open after the confirmations")
	c.time = biddingEnds.Add(-time.Second)
	runPhase(b, tm, c, "reveal", reveals)
	require.True(b, c.time.Before(revealEnds), "the reveal window must still be open after the reveals")
	c.time = revealEnds.Add(-time.Second)
	runPhase(b, tm, c, "close", closes)
	return c
}

// TestAuctionBenchWorkload runs the benchmark's workload at a tiny size
// (30 auctions: two blocks per bid phase) and checks its end state, so
// that the benchmark the lead runs is known to work: every transaction
// succeeds, and every auction is sold to its highest bidder.
func TestAuctionBenchWorkload(t *testing.T) {
	c := auctionWorkload(t, noTimer{}, state.EngineMemIAVL, 30)
	for _, id := range []uint64{1, 30} {
		q := c.query("/auction/auction/" + strconv.FormatUint(id, 10))
		require.NoError(t, q.Err)
		var a auction.Auction
		require.NoError(t, core.StrictUnmarshal(q.Value, &a))
		require.Equal(t, auction.StatusSold, a.Status)
		require.Equal(t, int64(1000+id+benchBidsPer-1), a.Outcome.Price)
		require.Equal(t, uint64(benchBidsPer), a.Outcome.Valid)
	}
}

// runPhase is the timed part of a phase of a workload benchmark: it
// finalizes and commits each of blocks (testChain.block, 10 s of block
// time apart) with tm's timer running, requires every transaction to
// succeed, and reports the phase's transactions per second and
// milliseconds per block under its name.
func runPhase(b testing.TB, tm benchTimer, c *testChain, name string, blocks [][][]byte) {
	b.Helper()
	tm.StartTimer()
	t0 := time.Now()
	txs, failed := 0, 0
	for _, blk := range blocks {
		for _, r := range c.block(blk...) {
			if r.Err != nil {
				failed++
				if failed == 1 {
					b.Logf("%s: first failure: %s: %v", name, r.Type, r.Err)
				}
			}
		}
		txs += len(blk)
	}
	tm.StopTimer()
	require.Zero(b, failed, "every %s transaction must succeed", name)
	d := time.Since(t0)
	tm.ReportMetric(float64(txs)/d.Seconds(), name+"-tx/s")
	tm.ReportMetric(float64(d.Milliseconds())/float64(len(blocks)), name+"-ms/block")
}
