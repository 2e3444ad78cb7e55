package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/internal/devnode"
)

// BenchmarkPathB: path B on a one-validator development chain (a node
// process with 200 ms blocks): `govchain import send` of a parcels dump of
// GOVCHAIN_BENCH_IMPORT_SEND_PARCELS rows (200,000 by default) with its
// default batch size and --in-flight. The node's app.toml [load] is the
// default, with the settings of GOVCHAIN_BENCH_IMPORT_SEND_LOAD
// ("block_max_work=500000,pending_max_bytes=8388608", say) over it. Prints the rows per second committed
// (from the first batch posted to the last one's block, as import send's
// own totals line says), the blocks it took, the largest block's
// transactions and the mean block interval. Run with -benchtime 1x
// (make bench-import-send).
func BenchmarkPathB(b *testing.B) {
	rows := 200_000
	if s := os.Getenv("GOVCHAIN_BENCH_IMPORT_SEND_PARCELS"); s != "" {
		var err error
		rows, err = strconv.Atoi(s)
		require.NoError(b, err, "GOVCHAIN_BENCH_IMPORT_SEND_PARCELS")
	}
	load := os.Getenv("GOVCHAIN_BENCH_IMPORT_SEND_LOAD")
	for range b.N {
		n, err := devnode.Start(devnode.Options{ChainID: "bench-import-send", Prefix: "govchain-bench-import-",
			Configure: func(home string) error { return setLoad(home, load) }})
		require.NoError(b, err)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Minute)
		bin := func(args ...string) *exec.Cmd {
			cmd := exec.CommandContext(ctx, n.Bin, append(args, "--home", n.Home, "--node", n.URL)...)
			cmd.Dir = n.Dir
			return cmd
		}
		dump := filepath.Join(n.Dir, "parcels.csv")
		out, err := exec.CommandContext(ctx, n.Bin, "import", "generate", "parcels", "--rows", strconv.Itoa(rows), "--seed", "1", "--out", dump).CombinedOutput()
		require.NoError(b, err, string(out))
		out, err = bin("tx", "agency", "grant-role", "--from", "admin-justice", "--account", "registrar", "--role", "importer").CombinedOutput()
		require.NoError(b, err, string(out))
		st, err := n.Client.RPC().Status(ctx)
		require.NoError(b, err)
		from := st.SyncInfo.LatestBlockHeight

		var stdout, stderr bytes.Buffer
		send := bin("import", "send", "parcels", dump, "--from", "registrar", "-o", "json")
		send.Stdout, send.Stderr = &stdout, &stderr
		require.NoError(b, send.Run(), stderr.String())
		var s sent
		require.NoError(b, json.Unmarshal(stdout.Bytes(), &s), stdout.String())
		require.Equal(b, s.Rows, s.Imported, "every row imported")
		m := regexp.MustCompile(`send parcels\.csv: (\d+) rows in (\S+), (\d+) rows/s`).FindStringSubmatch(stderr.String())
		require.NotNil(b, m, "no totals line: %s", stderr.String())
		took, err := time.ParseDuration(m[2])
		require.NoError(b, err)
		rate, err := strconv.ParseFloat(m[3], 64)
		require.NoError(b, err)
		b.ReportMetric(rate, "rows/s")

		// The blocks of the run: how many, the largest, their interval.
		st, err = n.Client.RPC().Status(ctx)
		require.NoError(b, err)
		to := st.SyncInfo.LatestBlockHeight
		most, blocks := 0, 0
		var first, last time.Time
		for h := from + 1; h <= to; h++ {
			blk, err := n.Client.RPC().Block(ctx, &h)
			require.NoError(b, err)
			if len(blk.Block.Txs) == 0 {
				continue
			}
			if first.IsZero() {
				first = blk.Block.Time
			}
			last = blk.Block.Time
			blocks++
			most = max(most, len(blk.Block.Txs))
		}
		interval := time.Duration(0)
		if blocks > 1 {
			interval = last.Sub(first) / time.Duration(blocks-1)
		}
		fmt.Printf("path B on a one-validator dev chain, [load] %q: %d rows in %s, %.0f rows/s committed; batches of %d rows, %d refused busy and posted again; %d blocks with batches, at most %d batches in one, one every %s\n",
			load, s.Rows, took, rate, s.Size, s.Busy, blocks, most, interval.Round(time.Millisecond))
		cancel()
		n.Stop()
	}
}

// setLoad sets the [load] settings of spec ("key=value" pairs separated
// by commas; empty: none) in home's app.toml.
func setLoad(home, spec string) error {
	cfg, err := LoadConfig(home)
	if err != nil {
		return err
	}
	for _, kv := range strings.Split(spec, ",") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("[load] %s: %w", k, err)
		}
		switch l := &cfg.Load; k {
		case "block_max_txs":
			l.BlockMaxTxs = int(n)
		case "block_max_bytes":
			l.BlockMaxBytes = n
		case "block_max_work":
			l.BlockMaxWork = n
		case "pending_max_txs":
			l.PendingMaxTxs = int(n)
		case "pending_max_bytes":
			l.PendingMaxBytes = n
		default:
			return fmt.Errorf("[load] has no setting %q", k)
		}
	}
	return WriteConfig(filepath.Join(home, "config", AppConfigFile), cfg)
}
