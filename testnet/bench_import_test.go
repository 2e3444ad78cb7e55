package testnet

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmtypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"
)

// BenchmarkPathBTestnet: path B on the 4-validator testnet (make
// bench-import-testnet; not a test, and not part of make test). It starts
// a network of four memiavl validators as the fault harness does
// (startNetwork: govchain testnet init on 127.0.X.1-4, 300 ms
// timeout_commit), except that the peers dial each other directly, not
// through the harness's fault proxies, which would cost CPU a real
// network does not spend. Every validator's app.toml [load] is the
// default, with the settings of GOVCHAIN_BENCH_IMPORT_TESTNET_LOAD
// ("block_max_work=500000,pending_max_bytes=8388608", say) over it. The
// first ministry grants its registrar the importer role, and the
// registrar posts a parcels dump of GOVCHAIN_BENCH_IMPORT_TESTNET_PARCELS
// rows (100,000 by default; `govchain import generate parcels --seed 1`,
// the dump of BenchmarkPathB in cmd/govchain) to node 0 with `govchain
// import send` and its defaults (batch size, --in-flight).
//
// It reports the rows per second committed (from the first batch posted
// to the checkpoint that shows the last one, as import send's own totals
// line says), the busy refusals import send posted again, and, from node
// 0's blocks of the run, the blocks that hold transactions, the most any
// holds, and, from the first of them to the last, the mean block interval,
// the empty blocks, and each proposer's blocks and batches.
// It prints them as a Markdown table row for docs/measurements.md, and
// the figure counts only once all four validators hold the same blocks
// and app hashes up to a common height. Run it alone, with -benchtime 1x:
// it measures the whole machine.
func BenchmarkPathBTestnet(b *testing.B) {
	rows := 100_000
	if s := os.Getenv("GOVCHAIN_BENCH_IMPORT_TESTNET_PARCELS"); s != "" {
		var err error
		rows, err = strconv.Atoi(s)
		require.NoError(b, err, "GOVCHAIN_BENCH_IMPORT_TESTNET_PARCELS")
		require.Positive(b, rows, "GOVCHAIN_BENCH_IMPORT_TESTNET_PARCELS")
	}
	spec := os.Getenv("GOVCHAIN_BENCH_IMPORT_TESTNET_LOAD")
	load, err := parseLoadSpec(spec)
	require.NoError(b, err, "GOVCHAIN_BENCH_IMPORT_TESTNET_LOAD")
	settings := "default"
	if spec != "" {
		settings = "`" + spec + "`"
	}
	for range b.N {
		dump := filepath.Join(b.TempDir(), "parcels.csv")
		out, err := exec.Command(binary, "import", "generate", "parcels", "--rows", strconv.Itoa(rows), "--seed", "1", "--out", dump).CombinedOutput()
		require.NoError(b, err, "%s", out)
		nw := startNetwork(b, netConfig{validators: 4, before: func(nw *network) {
			for _, nd := range nw.nodes {
				var peers []string
				for _, to := range nw.nodes {
					if to != nd {
						peers = append(peers, to.nodeID+"@"+to.p2pAddr)
					}
				}
				editNodeConfig(b, nd.home, func(c *cmtcfg.Config) { c.P2P.PersistentPeers = strings.Join(peers, ",") })
				setAppConfig(b, nd.home, "load", load)
			}
		}})
		nd := nw.nodes[0]
		importer := "registrar-" + nd.agency
		nd.tx("agency", "grant-role", "--from", "admin-"+nd.agency, "--account", importer, "--role", "importer")
		from, err := nd.Height()
		require.NoError(b, err)

		stdout, stderr, code := nd.cli("import", "send", "parcels", dump, "--from", importer, "-o", "json")
		require.Equal(b, 0, code, "import send\nstdout: %s\nstderr: %s", stdout, stderr)
		var sent struct {
			Rows, Imported uint64
			Size           int `json:"batch_size"`
			Busy           int
		}
		require.NoError(b, json.Unmarshal([]byte(stdout), &sent), stdout)
		require.Equal(b, sent.Rows, sent.Imported, "every row imported")
		m := regexp.MustCompile(`send parcels\.csv: (\d+) rows in (\S+), (\d+) rows/s`).FindStringSubmatch(stderr)
		require.NotNil(b, m, "no totals line: %s", stderr)
		took, err := time.ParseDuration(m[2])
		require.NoError(b, err)
		rate, err := strconv.ParseFloat(m[3], 64)
		require.NoError(b, err)
		to, err := nd.Height()
		require.NoError(b, err)

		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		blk := importBlocks(ctx, b, nd, from+1, to)
		// The figure is of a working chain: every validator holds the
		// same blocks and app hashes.
		nw.waitHeight(nw.maxHeight()+1, 30*time.Second)
		sameBlocks(ctx, b, nw)
		cancel()

		b.ReportMetric(rate, "rows/s")
		fmt.Printf("path B on the 4-validator testnet, [load] %s: %d rows in %s, %.0f rows/s committed; batches of %d rows, %d refused busy and posted again; "+
			"%d blocks with batches, at most %d batches in one, a block every %s, %d empty blocks among them; blocks/batches by proposer: %s\n",
			settings, sent.Rows, took, rate, sent.Size, sent.Busy, blk.full, blk.most, blk.interval.Round(time.Millisecond), blk.empty, blk.byProposer())
		fmt.Println("| `[load]` | rows | seconds | rows/s committed | blocks with batches | mean block interval | most batches in a block | busy refusals |")
		fmt.Println("|---|--:|--:|--:|--:|--:|--:|--:|")
		fmt.Printf("| %s | %d | %.1f | %.0f | %d | %d ms | %d | %d |\n",
			settings, sent.Rows, took.Seconds(), rate, blk.full, blk.interval.Milliseconds(), blk.most, sent.Busy)
		nw.killAll()
	}
}

// parseLoadSpec reads [load] settings written "key=value" separated by
// commas (empty: none), as BenchmarkPathB's GOVCHAIN_BENCH_IMPORT_SEND_LOAD;
// each value a non-negative integer. Whether app.toml has the key is
// checked when the settings are written (setAppConfig).
func parseLoadSpec(spec string) ([]appSetting, error) {
	var out []appSetting
	for _, kv := range strings.Split(spec, ",") {
		if kv == "" {
			continue
		}
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("testnet: [load] %q is not key=value", kv)
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("testnet: [load] %s: %q is not a non-negative integer", k, v)
		}
		out = append(out, appSetting{key: k, value: n})
	}
	return out, nil
}

// blockStats summarises the blocks of a run.
type blockStats struct {
	// full counts the blocks that hold transactions and most is the
	// largest number one holds.
	full, most int
	// empty counts the blocks without transactions from the first block
	// that holds some to the last, and interval is the mean time between
	// two consecutive blocks of that span.
	empty    int
	interval time.Duration
	// proposers maps each proposer's address (hex, first 8 digits) to
	// the blocks it proposed from the first block that holds
	// transactions to the last, and the transactions in them.
	proposers map[string][2]int
}

// byProposer renders st.proposers: "ADDRESS blocks/transactions", in
// address order.
func (st blockStats) byProposer() string {
	var out []string
	for addr, n := range st.proposers {
		out = append(out, fmt.Sprintf("%s %d/%d", addr, n[0], n[1]))
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// importBlocks summarises nd's blocks from..to from their headers.
func importBlocks(ctx context.Context, tb testing.TB, nd *node, from, to int64) blockStats {
	tb.Helper()
	var st blockStats
	var first, last time.Time
	var firstH, lastH int64
	var metas []*cmtypes.BlockMeta
	cl := nd.Client()
	for lo := from; lo <= to; lo += 20 {
		hi := min(lo+19, to)
		res, err := cl.RPC().BlockchainInfo(ctx, lo, hi)
		require.NoError(tb, err, "%s blockchain %d-%d", nd.name, lo, hi)
		metas = append(metas, res.BlockMetas...)
		for _, bm := range res.BlockMetas {
			if bm.NumTxs == 0 {
				continue
			}
			st.full++
			st.most = max(st.most, bm.NumTxs)
			if h := bm.Header.Height; firstH == 0 || h < firstH {
				firstH, first = h, bm.Header.Time
			}
			if h := bm.Header.Height; h > lastH {
				lastH, last = h, bm.Header.Time
			}
		}
	}
	if lastH > firstH {
		st.interval = last.Sub(first) / time.Duration(lastH-firstH)
		st.empty = int(lastH-firstH+1) - st.full
	}
	st.proposers = map[string][2]int{}
	for _, bm := range metas {
		if h := bm.Header.Height; h >= firstH && h <= lastH {
			addr := bm.Header.ProposerAddress.String()[:8]
			n := st.proposers[addr]
			st.proposers[addr] = [2]int{n[0] + 1, n[1] + bm.NumTxs}
		}
	}
	return st
}

func TestParseLoadSpec(t *testing.T) {
	got, err := parseLoadSpec("block_max_work=500000,,pending_max_bytes=8388608")
	require.NoError(t, err)
	require.Equal(t, []appSetting{{"block_max_work", 500000}, {"pending_max_bytes", 8388608}}, got)
	got, err = parseLoadSpec("")
	require.NoError(t, err)
	require.Empty(t, got)
	for _, bad := range []string{"block_max_work", "=5", "block_max_work=-1", "block_max_work=1e6", "block_max_work="} {
		_, err := parseLoadSpec(bad)
		require.Error(t, err, bad)
	}
}

// TestSetAppConfig: setAppConfig changes the named keys of its section
// only, even where another section has a key of the same name.
func TestSetAppConfig(t *testing.T) {
	home := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(home, "config"), 0o755))
	f := filepath.Join(home, "config", "app.toml")
	const before = "[state]\nkeep_recent = 1\n\n[snapshot]\n# every interval blocks\ninterval = 0\nkeep_recent = 2\n\n[load]\nblock_max_work = 100000\npending_max_bytes = 1310720\n"
	require.NoError(t, os.WriteFile(f, []byte(before), 0o644))
	setAppConfig(t, home, "snapshot", []appSetting{{"keep_recent", 7}})
	setAppConfig(t, home, "load", []appSetting{{"pending_max_bytes", 8388608}, {"block_max_work", 500000}})
	b, err := os.ReadFile(f)
	require.NoError(t, err)
	require.Equal(t, "[state]\nkeep_recent = 1\n\n[snapshot]\n# every interval blocks\ninterval = 0\nkeep_recent = 7\n\n[load]\nblock_max_work = 500000\npending_max_bytes = 8388608\n", string(b))
}
