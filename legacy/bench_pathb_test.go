package legacy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/migration"
	"github.com/govchain/govchain/legacy"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/store"
)

// benchSendParcels is GOVCHAIN_BENCH_IMPORT_SEND_PARCELS, or 200,000.
func benchSendParcels(b *testing.B) int {
	return benchEnvRows(b, "GOVCHAIN_BENCH_IMPORT_SEND_PARCELS", 200_000)
}

// BenchmarkPathBFinalize: path B's batches executed by one validator's
// app alone, without CometBFT: a parcels dump of
// GOVCHAIN_BENCH_IMPORT_SEND_PARCELS rows in batches of 128 rows (what
// import send takes under the default 32 KiB max_tx_bytes), 128 batches
// per block (import send's --in-flight), each block through
// FinalizeBlock and Commit on memiavl. Prints rows per second and the
// share of FinalizeBlock and of Commit: the ceiling of path B on one
// validator. Run with -benchtime 1x, and -cpuprofile to see where the
// time goes.
func BenchmarkPathBFinalize(b *testing.B) {
	n := benchSendParcels(b)
	var buf bytes.Buffer
	require.NoError(b, legacy.Generate(&buf, legacy.Parcels, legacy.FormatCSV, legacy.GenConfig{Rows: n, Seed: 1}))
	d, err := legacy.Canonicalise(context.Background(), &buf, legacy.Parcels, legacy.FormatCSV, nil)
	require.NoError(b, err)
	require.NoError(b, d.Settle(context.Background(), genesisTime, nil))
	const size, perBlock = 128, 128
	batches, err := d.Batches(size)
	require.NoError(b, err)
	key := ed25519.GenPrivKeyFromSecret([]byte("importer"))
	var txs [][]byte
	var seq uint64
	for first := 0; first < len(d.Rows); first += size {
		rows, aunts, err := batches.Prove(first)
		require.NoError(b, err)
		m := &migration.ImportBatch{Registry: "parcels", Root: batches.Root(), Total: uint64(len(d.Rows)), First: uint64(first), Size: size}
		for _, r := range rows {
			m.Rows = append(m.Rows, string(r))
		}
		for _, a := range aunts {
			m.Aunts = append(m.Aunts, a)
		}
		tx, err := app.NewTx("bench-import", key, seq, m)
		require.NoError(b, err)
		txs = append(txs, tx)
		seq++
	}
	g := app.Genesis{
		Params:   app.DefaultParams(),
		Agencies: []core.Agency{{ID: "justice", Name: "Ministry of Justice", Validator: core.Validator{PubKey: validator, Power: 10}, Admins: []core.Address{admin}}},
		RolePolicy: []core.RolePolicy{{Role: core.RoleImporter, Agencies: []string{"justice"}},
			{Role: core.RoleLandRegistrar, Agencies: []string{"justice"}}},
		Roles: []app.GenesisRole{{Account: importer, Role: core.RoleLandRegistrar, Agency: "justice"},
			{Account: importer, Role: core.RoleImporter, Agency: "justice"}},
	}
	gen, err := json.Marshal(g)
	require.NoError(b, err)
	for range b.N {
		cfg := state.DefaultConfig()
		cfg.Engine = state.EngineMemIAVL
		st, err := store.Open(b.TempDir(), cfg)
		require.NoError(b, err)
		a, err := app.New(st)
		require.NoError(b, err)
		_, _, err = a.InitChain("bench-import", genesisTime, 1, gen)
		require.NoError(b, err)
		var fin, commit time.Duration
		at := genesisTime
		for h, lo := int64(1), 0; lo < len(txs); h, lo = h+1, lo+perBlock {
			at = at.Add(time.Second)
			start := time.Now()
			res, err := a.FinalizeBlock(h, at, txs[lo:min(lo+perBlock, len(txs))])
			require.NoError(b, err)
			fin += time.Since(start)
			for i, r := range res.Txs {
				require.NoError(b, r.Err, "batch %d", lo+i)
			}
			start = time.Now()
			_, err = a.Commit()
			require.NoError(b, err)
			commit += time.Since(start)
		}
		require.NoError(b, a.Close())
		took := fin + commit
		rate := float64(len(d.Rows)) / took.Seconds()
		b.ReportMetric(rate, "rows/s")
		fmt.Printf("path B without consensus: %d rows in %d blocks of %d batches of %d rows: FinalizeBlock %s, Commit %s, %.0f rows/s\n",
			len(d.Rows), (len(txs)+perBlock-1)/perBlock, perBlock, size, fin.Round(time.Millisecond), commit.Round(time.Millisecond), rate)
	}
}
