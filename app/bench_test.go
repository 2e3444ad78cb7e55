package app

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/state"
)

// benchParcels is the state size of the land benchmark:
// GOVCHAIN_BENCH_PARCELS, 1,000,000 by default.
func benchParcels(b *testing.B) int { return benchEnvInt(b, "GOVCHAIN_BENCH_PARCELS", 1_000_000) }

// benchEnvInt is the integer in environment variable name, or def if it
// is unset; anything but an integer fails the benchmark.
func benchEnvInt(b *testing.B, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	require.NoError(b, err, name)
	return v
}

const benchOwners = 10_000

func ownerKey(i int) ed25519.PrivKey {
	return ed25519.GenPrivKeyFromSecret([]byte("bench-owner-" + strconv.Itoa(i)))
}

// BenchmarkLandBlocks measures signed land transactions through
// FinalizeBlock+Commit on a state of GOVCHAIN_BENCH_PARCELS parcels, in
// blocks of 1,000 (half new registrations by a registrar, half sale
// proposals by owners of existing parcels), and beside it the ed25519
// batch-verification rate of the same transactions' signatures in the same
// run: the ceiling for a chain that must check every signature.
//
//	go test ./app -run '^$' -bench LandBlocks -benchtime 20x -timeout 60m
func BenchmarkLandBlocks(b *testing.B) {
	for _, engine := range []string{state.EngineMemIAVL, state.EngineIAVL} {
		b.Run(engine, func(b *testing.B) { benchLandBlocks(b, engine) })
	}
}

func benchLandBlocks(b *testing.B, engine string) {
	parcels := benchParcels(b)
	c := newTestChain(b, engine, b.TempDir())
	c.block()

	owners := make([]ed25519.PrivKey, benchOwners)
	for i := range owners {
		owners[i] = ownerKey(i)
	}
	ownerOf := func(p int) int { return p % benchOwners }
	parcelMsg := func(p int) *land.RegisterParcel {
		return &land.RegisterParcel{ParcelID: fmt.Sprintf("BP-%09d-%x", p, uint32(p*2654435761)), CadastralRef: "CAD-" + strconv.Itoa(p),
			AreaM2: int64(100 + p%5000), Location: "bench district", Denominator: 1,
			Owners:       []land.Share{{Account: core.AddressOf(owners[ownerOf(p)].PubKey().(ed25519.PubKey)), Shares: 1}},
			DocumentHash: docHash(strconv.Itoa(p))}
	}

	// Fill the state with the registry's own handler, 10,000 parcels per
	// committed version, so the benchmark runs on a realistic tree.
	start := time.Now()
	registrar := c.addr("registrar")
	for p := 0; p < parcels; {
		c.height++
		c.time = c.time.Add(time.Second)
		for end := min(p+10_000, parcels); p < end; p++ {
			ctx := &core.Context{KV: c.store, ChainID: c.chainID, Height: c.height, BlockTime: c.time, TxHash: []byte{1}, Signer: registrar}
			require.NoError(b, parcelMsg(p).Exec(ctx))
		}
		_, _, err := c.store.Commit()
		require.NoError(b, err)
	}
	c.height = c.store.Version()
	b.Logf("%s: filled %d parcels in %s", engine, parcels, time.Since(start).Round(time.Second))

	const perBlock = 1000
	seq := make([]uint64, benchOwners)
	next := parcels
	makeBlock := func() [][]byte {
		txs := make([][]byte, 0, perBlock)
		for i := 0; i < perBlock/2; i++ {
			txs = append(txs, c.sign("registrar", parcelMsg(next)))
			next++
			p := (next * 7919) % parcels
			o := ownerOf(p)
			buyer := core.AddressOf(owners[(o+1)%benchOwners].PubKey().(ed25519.PubKey))
			raw, err := NewTx(c.chainID, owners[o], seq[o], &land.ProposeTransfer{ParcelID: parcelMsg(p).ParcelID, Denominator: 1,
				Sellers: []land.Share{{Account: core.AddressOf(owners[o].PubKey().(ed25519.PubKey)), Shares: 1}},
				Buyers:  []land.Share{{Account: buyer, Shares: 1}}, Price: 1000, Currency: "EUR", ExpiresAt: c.time.Add(24 * time.Hour)})
			require.NoError(b, err)
			seq[o]++
			txs = append(txs, raw)
		}
		return txs
	}
	blocks := make([][][]byte, b.N)
	for i := range blocks {
		blocks[i] = makeBlock()
	}

	b.ResetTimer()
	var failed int
	var inFinalize, inCommit time.Duration
	for i := 0; i < b.N; i++ {
		c.height++
		c.time = c.time.Add(time.Second)
		t0 := time.Now()
		block, err := c.app.FinalizeBlock(c.height, c.time, blocks[i])
		require.NoError(b, err)
		res := block.Txs
		t1 := time.Now()
		_, err = c.app.Commit()
		require.NoError(b, err)
		inFinalize += t1.Sub(t0)
		inCommit += time.Since(t1)
		for _, r := range res {
			if r.Err != nil {
				failed++
			}
		}
	}
	b.StopTimer()
	require.Zero(b, failed, "every benchmark transaction must succeed")
	txs := float64(b.N * perBlock)
	b.ReportMetric(txs/b.Elapsed().Seconds(), "tx/s")
	b.ReportMetric(float64(inFinalize.Milliseconds())/float64(b.N), "ms/finalize")
	b.ReportMetric(float64(inCommit.Milliseconds())/float64(b.N), "ms/commit")

	// The ceiling: batch-verify the same signatures, same run, one core.
	type sig struct{ pub, msg, sig []byte }
	var sigs []sig
	for _, blk := range blocks {
		for _, raw := range blk {
			var tx Tx
			require.NoError(b, json.Unmarshal(raw, &tx))
			sigs = append(sigs, sig{tx.Signer, tx.SignBytes(), tx.Signature})
		}
	}
	vstart := time.Now()
	for i := 0; i < len(sigs); i += perBlock {
		bv := ed25519.NewBatchVerifier()
		for _, s := range sigs[i:min(i+perBlock, len(sigs))] {
			require.NoError(b, bv.Add(ed25519.PubKey(s.pub), s.msg, s.sig))
		}
		ok, _ := bv.Verify()
		require.True(b, ok)
	}
	b.ReportMetric(float64(len(sigs))/time.Since(vstart).Seconds(), "batch-verify/s")
}

// writeHeapProfile writes the heap profile (allocations since the start
// included) to path.
func writeHeapProfile(b *testing.B, path string) {
	runtime.GC() // the profile shows allocations up to the last GC
	f, err := os.Create(path)
	require.NoError(b, err)
	require.NoError(b, pprof.Lookup("heap").WriteTo(f, 0))
	require.NoError(b, f.Close())
}

// runBenchBlocks is the timed part of a block benchmark: it finalizes and
// commits each of blocks (b.N of them, one a second of block time),
// requires every transaction to succeed, and reports tx/s, the major
// page faults per block (reads from disk) and the process's CPU time per
// transaction (all cores). With
// GOVCHAIN_BENCH_PROFILE=FILE it writes a CPU profile of these blocks alone
// (not the fill before them) to FILE; with GOVCHAIN_BENCH_ALLOCS=FILE, heap
// profiles before and after them to FILE.base and FILE, so that
// `go tool pprof -sample_index=alloc_space -base FILE.base FILE` shows
// what these blocks allocated.
func runBenchBlocks(b *testing.B, c *testChain, blocks [][][]byte) (txPerSec float64) {
	if path := os.Getenv("GOVCHAIN_BENCH_ALLOCS"); path != "" && b.N > 1 {
		writeHeapProfile(b, path+".base")
		defer writeHeapProfile(b, path)
	}
	if path := os.Getenv("GOVCHAIN_BENCH_PROFILE"); path != "" && b.N > 1 {
		f, err := os.Create(path)
		require.NoError(b, err)
		require.NoError(b, pprof.StartCPUProfile(f))
		defer func() {
			pprof.StopCPUProfile()
			require.NoError(b, f.Close())
		}()
	}
	faults, cpu := majorFaults(), cpuTime()
	b.ResetTimer()
	failed, txs := 0, 0
	for i := 0; i < b.N; i++ {
		c.height++
		c.time = c.time.Add(time.Second)
		block, err := c.app.FinalizeBlock(c.height, c.time, blocks[i])
		require.NoError(b, err)
		_, err = c.app.Commit()
		require.NoError(b, err)
		txs += len(blocks[i])
		for _, r := range block.Txs {
			if r.Err != nil {
				failed++
				if failed == 1 {
					b.Logf("first failure: %s: %v", r.Type, r.Err)
				}
			}
		}
	}
	b.StopTimer()
	if after := majorFaults(); faults >= 0 && after >= 0 {
		// Reads of memory-mapped state files that missed the page cache:
		// a run with many is measuring the disk, not the code.
		b.ReportMetric(float64(after-faults)/float64(b.N), "major-faults/block")
	}
	if after := cpuTime(); cpu >= 0 && after >= 0 && txs > 0 {
		// CPU on every core: what the blocks cost a machine whose cores
		// are shared (four validators on two cores, as bench-e2e runs).
		b.ReportMetric(float64((after-cpu).Microseconds())/float64(txs), "cpu-µs/tx")
	}
	require.Zero(b, failed, "every benchmark transaction must succeed")
	txPerSec = float64(txs) / b.Elapsed().Seconds()
	b.ReportMetric(txPerSec, "tx/s")
	return txPerSec
}
