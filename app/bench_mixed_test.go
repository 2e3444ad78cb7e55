package app

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/invoice"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/app/vehicle"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/store"
)

// BenchmarkMixedBlocks measures signed transactions of three registries
// through FinalizeBlock+Commit on a state of GOVCHAIN_BENCH_PARCELS records
// per registry (1,000,000 by default: parcels, vehicles and invoices), in
// blocks of 999: a third land (new parcels), a third vehicles (new vehicles
// and odometer readings), a third invoices (new invoices). Beside it, the
// ed25519 batch-verification rate of the same signatures, same run, the
// tx/s as a share of two cores' batch rate, and the time the blocks spent
// in the state store (timedStore.report).
// After the fill the chain runs empty blocks up to memiavl's first
// snapshot (version 1,000) and switches to it, as a running node does, so
// the filled tree is read from the snapshot's memory maps, not the heap;
// GOVCHAIN_BENCH_SNAPSHOT=N makes N such switches (2: up to version 2,000,
// whose switch prunes the first snapshot, a whole state's), and 0 measures
// right after the fill instead, the whole tree on the heap.
//
//	go test ./app -run '^$' -bench MixedBlocks -benchtime 20x -timeout 60m
func BenchmarkMixedBlocks(b *testing.B) {
	records := benchParcels(b)
	cfg := state.DefaultConfig()
	cfg.Engine = state.EngineMemIAVL
	dir := b.TempDir()
	st, err := store.Open(dir, cfg)
	require.NoError(b, err)
	timed := &timedStore{Store: st}
	c := newTestChainOn(b, timed, nil)
	c.block()
	owners := make([]ed25519.PrivKey, benchOwners)
	for i := range owners {
		owners[i] = ownerKey(i)
	}
	ownerAddr := func(i int) core.Address { return core.AddressOf(owners[i%benchOwners].PubKey().(ed25519.PubKey)) }
	parcel := func(p int) *land.RegisterParcel {
		return &land.RegisterParcel{ParcelID: fmt.Sprintf("MP-%09d-%x", p, uint32(p*2654435761)), CadastralRef: "CAD-" + strconv.Itoa(p),
			AreaM2: int64(100 + p%5000), Location: "bench district", Denominator: 1,
			Owners: []land.Share{{Account: ownerAddr(p), Shares: 1}}, DocumentHash: docHash(strconv.Itoa(p))}
	}
	car := func(v int) *vehicle.RegisterVehicle {
		vin := []byte(fmt.Sprintf("1HGCM8263%c%07d", "ABCDEFGHJKLMNPRSTUVWXYZ"[(v/10_000_000)%23], v%10_000_000))
		vin[8] = vehicle.VINCheckDigit(string(vin))
		return &vehicle.RegisterVehicle{VIN: string(vin), CheckDigitScheme: "north_american", Make: "Skoda", Model: "Octavia",
			Year: 2021, Colour: "blue", Plate: fmt.Sprintf("B-%08d", v), Owner: ownerAddr(v), OdometerKM: 10}
	}
	line, err := invoice.NewLine("services", 1000, 12_345, 2100)
	require.NoError(b, err)
	net, tax, gross := invoice.SumLines([]invoice.Line{line})
	bill := func(i int) *invoice.IssueInvoice {
		return &invoice.IssueInvoice{Number: fmt.Sprintf("F-%09d", i), Buyer: ownerAddr(i), Currency: "EUR",
			Lines: []invoice.Line{line}, NetTotal: net, TaxTotal: tax, GrossTotal: gross, DocumentHash: docHash("inv" + strconv.Itoa(i))}
	}

	// Fill each registry through its own handler, 10,000 records per version.
	start := time.Now()
	fill := func(signer string, msg func(int) core.Msg) {
		for i := 0; i < records; {
			c.height++
			c.time = c.time.Add(time.Second)
			for end := min(i+10_000, records); i < end; i++ {
				ctx := &core.Context{KV: c.store, ChainID: c.chainID, Height: c.height, BlockTime: c.time, TxHash: []byte{1}, Signer: c.addr(signer)}
				require.NoError(b, msg(i).Exec(ctx))
			}
			_, _, err := c.store.Commit()
			require.NoError(b, err)
		}
	}
	fill("registrar", func(i int) core.Msg { return parcel(i) })
	fill("vreg", func(i int) core.Msg { return car(i) })
	fill("shop", func(i int) core.Msg { return bill(i) })
	c.height = c.store.Version()
	b.Logf("filled %d parcels, %d vehicles, %d invoices in %s", records, records, records, time.Since(start).Round(time.Second))
	// As a node does every SnapshotInterval versions: write the tree to
	// disk and reload it from the snapshot's memory maps, leaving only
	// later writes on the heap. Empty blocks up to each snapshot's
	// version, then more while the rewrite runs.
	for n := int64(1); n <= int64(benchEnvInt(b, "GOVCHAIN_BENCH_SNAPSHOT", 1)); n++ {
		version := n * int64(cfg.SnapshotInterval)
		for c.store.Version() < version {
			c.block()
		}
		start := time.Now()
		var switching time.Duration // the last empty block: its commit switched
		for deadline := start.Add(20 * time.Minute); store.TreeSnapshot(st) != version; {
			require.True(b, time.Now().Before(deadline), "no switch to snapshot %d", version)
			time.Sleep(100 * time.Millisecond)
			t0 := time.Now()
			c.block()
			switching = time.Since(t0)
		}
		b.Logf("snapshot at version %d written and switched to in %s; the empty block whose commit switched took %s",
			version, time.Since(start).Round(time.Millisecond), switching.Round(time.Millisecond))
	}

	const perBlock = 999
	next := records
	blocks := make([][][]byte, b.N)
	for i := range blocks {
		txs := make([][]byte, 0, perBlock)
		for j := 0; j < perBlock/3; j++ {
			txs = append(txs, c.sign("registrar", parcel(next)))
			if j%2 == 0 {
				txs = append(txs, c.sign("vreg", car(next)))
			} else {
				txs = append(txs, c.sign("inspector", &vehicle.RecordOdometer{VIN: car((next * 7919) % records).VIN, OdometerKM: int64(100 + next)}))
			}
			txs = append(txs, c.sign("shop", bill(next)))
			next++
		}
		blocks[i] = txs
	}

	timed.reset()
	rate := runBenchBlocks(b, c, blocks)
	timed.report(b, b.N*perBlock)
	// What stays on the heap: the tree's nodes not yet in a snapshot (and
	// the benchmark's own blocks of signed transactions).
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "live-heap-MiB")

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
	batch := float64(len(sigs)) / time.Since(vstart).Seconds()
	b.ReportMetric(batch, "batch-verify/s")
	// Goal 3 of issue 16 compares tx/s with two cores' batch rate.
	b.ReportMetric(100*rate/(2*batch), "%-of-2-core-batch")
}
