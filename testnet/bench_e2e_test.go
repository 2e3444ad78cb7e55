package testnet

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// BenchmarkE2E is the end-to-end benchmark (make bench-e2e; not a test,
// and not part of make test). For each app, govchain and then CometBFT's
// example kvstore, it starts a fresh 4-validator network made by
// `govchain testnet init` on this machine (bench_e2e_net_test.go) and
// drives it with closed-loop senders over broadcast_tx_sync, spread over
// the four nodes, in steps of rising concurrency until saturation
// (bench_e2e_load_test.go): govchain signed parcel registrations by 68
// land registrars with pipelined sequences, kvstore 214-byte "key=value"
// transactions from as many sources, each with at most
// benchE2EMaxInFlight transactions in flight. Each step runs a warm-up, a measured window and a drain;
// it reports committed tx/s in the window, the latency from accepted
// submission to the block on node 0 (p50, p95; and p95 from the first
// try, since a transaction refused by a full mempool or a busy govchain
// node is sent again), the blocks node 0 saw in the window, and the
// gossiped transactions govchain's nodes left out for load (read from
// their Prometheus metrics). It prints
// a table of both apps side by side with govchain's throughput as a ratio
// of kvstore's, and the machine it ran on. Run it alone: it measures the
// whole machine.
//
//	go test -run '^$' -bench '^BenchmarkE2E$' -benchtime 1x -timeout 30m ./testnet/
//
// GOVCHAIN_BENCH_E2E_SENDERS (default 4,8,16,32,64) sets the steps,
// GOVCHAIN_BENCH_E2E_WINDOW (default 20s) the measured window of each,
// GOVCHAIN_BENCH_E2E_APPS (default govchain,kvstore) the apps, and
// GOVCHAIN_BENCH_E2E_PROFILE=DIR saves a CPU profile of node 0 during each
// window as DIR/<app>-<senders>.pprof, GOVCHAIN_BENCH_E2E_LOGS=DIR keeps the
// node logs, GOVCHAIN_BENCH_E2E_GOVCHAIN_BIN runs the govchain nodes
// with another build, GOVCHAIN_BENCH_E2E_KV_BYTES (default 214) sets
// the size of a kvstore transaction (617 gives govchain's size, to see how
// much of the gap is the transaction's size alone),
// GOVCHAIN_BENCH_E2E_MEMPOOL sets the govchain nodes' config.toml [mempool]
// type ("flood" for CometBFT's own instead of testnet init's "app"), and
// GOVCHAIN_BENCH_E2E_APP_TOML=key=value,... sets keys of their app.toml
// (block_max_txs=1500,block_max_bytes=786432, say), and
// GOVCHAIN_BENCH_E2E_INIT_FLAGS adds flags to testnet init, for both apps
// ("--timeout-propose 2s", say).
func BenchmarkE2E(b *testing.B) {
	senders := benchE2EEnvInts(b, "GOVCHAIN_BENCH_E2E_SENDERS", []int{4, 8, 16, 32, 64})
	window := benchE2EEnvDuration(b, "GOVCHAIN_BENCH_E2E_WINDOW", 20*time.Second)
	apps := strings.Split(benchE2EEnv("GOVCHAIN_BENCH_E2E_APPS", "govchain,kvstore"), ",")
	profDir := os.Getenv("GOVCHAIN_BENCH_E2E_PROFILE")
	kvBytes := benchE2EEnvInts(b, "GOVCHAIN_BENCH_E2E_KV_BYTES", []int{benchE2EKVSize})
	if len(kvBytes) != 1 || kvBytes[0] < 32 || kvBytes[0] > 64*1024 {
		b.Fatalf("GOVCHAIN_BENCH_E2E_KV_BYTES: one size from 32 to 65536 bytes, got %v", kvBytes)
	}
	const warmup, drain, extraRegistrars = 5 * time.Second, 30 * time.Second, 16

	kvnode := filepath.Join(b.TempDir(), "kvnode")
	out, err := exec.Command("go", "build", "-o", kvnode, "github.com/govchain/govchain/scripts/kvnode").CombinedOutput()
	require.NoError(b, err, "build kvnode: %s", out)
	if profDir != "" {
		require.NoError(b, os.MkdirAll(profDir, 0o755))
	}

	machine := benchE2EMachine()
	results := map[string][]benchE2EStep{}
	var govTxSize int
	for _, app := range apps {
		started := time.Now()
		nw := benchE2EStartNet(b, app, kvnode, extraRegistrars, profDir != "")
		var signers []*benchE2ESigner
		switch app {
		case "govchain":
			signers, govTxSize, err = benchE2EGovchainSigners(nw, extraRegistrars)
			require.NoError(b, err)
		case "kvstore":
			signers = benchE2EKVSigners(nw, 4*(1+extraRegistrars), kvBytes[0])
		default:
			b.Fatalf("GOVCHAIN_BENCH_E2E_APPS: unknown app %q (govchain, kvstore)", app)
		}
		load := newBenchE2ELoad(nw, signers)
		ctx, cancel := context.WithCancel(context.Background())
		require.NoError(b, load.watch(ctx))
		est := 1000.0 // tx/s expected at the next step, to pre-build
		for _, s := range senders {
			need := int(2*est*(warmup+window).Seconds())/len(signers) + 50
			load.prepare(need)
			var prof string
			if profDir != "" {
				prof = filepath.Join(profDir, fmt.Sprintf("%s-%d.pprof", app, s))
			}
			st, err := load.runStep(s, warmup, window, drain, prof)
			require.NoError(b, err)
			results[app] = append(results[app], st)
			est = max(est, st.submitted)
			b.Logf("%s %2d senders: submitted %6.0f/s committed %6.0f tx/s p50 %s p95 %s (from first try %s), %d blocks (%d after round 0, longest interval %s), failed %d lost %d refused %d retries %d busy %d gossip dropped %d %s",
				app, s, st.submitted, st.committed, st.p50.Round(time.Millisecond), st.p95.Round(time.Millisecond), st.p95first.Round(time.Millisecond),
				st.blocks, st.laterRounds, st.gap.Round(time.Millisecond), st.failed, st.lost, st.refused, st.retries, st.busy, st.gossipDropped, st.refusal)
		}
		cancel()
		nw.stop()
		b.Logf("%s: %s", app, time.Since(started).Round(time.Second))
	}
	fmt.Print(benchE2ETable(machine, senders, window, govTxSize, kvBytes[0], results))
	if gov, kv := benchE2EPeak(results["govchain"]), benchE2EPeak(results["kvstore"]); gov > 0 {
		b.ReportMetric(gov, "govchain-tx/s")
		if kv > 0 {
			b.ReportMetric(kv, "kvstore-tx/s")
			b.ReportMetric(gov/kv, "ratio")
		}
	}
}

// benchE2ETable renders the results as the Markdown table docs/measurements.md
// shows.
func benchE2ETable(machine string, senders []int, window time.Duration, govTxSize, kvTxSize int, res map[string][]benchE2EStep) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "\nEnd-to-end throughput, 4 validators on one machine (loopback, govchain testnet init defaults)\n")
	fmt.Fprintf(&sb, "machine: %s\n", machine)
	gov, kv := "not run", "not run"
	if _, ok := res["govchain"]; ok {
		gov = fmt.Sprintf("land/register_parcel by 68 registrars, %d-byte signed txs", govTxSize)
	}
	if _, ok := res["kvstore"]; ok {
		kv = fmt.Sprintf("%d-byte key=value txs", kvTxSize)
	}
	fmt.Fprintf(&sb, "govchain: %s; kvstore: %s\n", gov, kv)
	fmt.Fprintf(&sb, "closed-loop senders on broadcast_tx_sync over the 4 nodes, 68 signers with at most %d txs in flight each; %s window after a warm-up;\n", benchE2EMaxInFlight, window)
	fmt.Fprintf(&sb, "latency = submission accepted -> block seen on node 0; blocks = blocks seen on node 0 in the %s window\n\n", window)
	sb.WriteString("| senders | govchain tx/s | p50 | p95 | blocks | kvstore tx/s | p50 | p95 | blocks | govchain/kvstore |\n")
	sb.WriteString("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	cell := func(app string, i int) (benchE2EStep, bool) {
		if i < len(res[app]) {
			return res[app][i], true
		}
		return benchE2EStep{}, false
	}
	fmtStep := func(st benchE2EStep, ok bool) string {
		if !ok {
			return "- | - | - | -"
		}
		return fmt.Sprintf("%.0f | %s | %s | %d", st.committed, benchE2EDur(st.p50), benchE2EDur(st.p95), st.blocks)
	}
	ratio := func(g, k float64) string {
		if g == 0 || k == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2fx", g/k)
	}
	for i, s := range senders {
		g, gok := cell("govchain", i)
		k, kok := cell("kvstore", i)
		fmt.Fprintf(&sb, "| %d | %s | %s | %s |\n", s, fmtStep(g, gok), fmtStep(k, kok), ratio(g.committed, k.committed))
	}
	gp, kp := benchE2EPeak(res["govchain"]), benchE2EPeak(res["kvstore"])
	fmt.Fprintf(&sb, "| peak | %.0f | | | | %.0f | | | | %s |\n\n", gp, kp, ratio(gp, kp))
	sb.WriteString("| app | senders | submitted/s | committed tx/s | blocks | tx/block | blocks after round 0 | longest interval | p95 from first try | failed | lost | refused | mempool-full retries | busy retries | gossip dropped |\n")
	sb.WriteString("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, app := range []string{"govchain", "kvstore"} {
		for _, st := range res[app] {
			perBlock := 0.0
			if st.blocks > 0 {
				perBlock = st.committed * st.window.Seconds() / float64(st.blocks)
			}
			dropped := "-"
			if st.gossipDropped >= 0 {
				dropped = strconv.FormatInt(st.gossipDropped, 10)
			}
			fmt.Fprintf(&sb, "| %s | %d | %.0f | %.0f | %d | %.0f | %d | %s | %s | %d | %d | %d | %d | %d | %s |\n", app, st.senders, st.submitted, st.committed,
				st.blocks, perBlock, st.laterRounds, benchE2EDur(st.gap), benchE2EDur(st.p95first), st.failed, st.lost, st.refused, st.retries, st.busy, dropped)
		}
	}
	return sb.String()
}

// benchE2EPeak is the highest committed rate of the steps.
func benchE2EPeak(steps []benchE2EStep) float64 {
	var best float64
	for _, st := range steps {
		best = max(best, st.committed)
	}
	return best
}

// benchE2EDur formats a latency in seconds with two decimals.
func benchE2EDur(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// benchE2EMachine describes the machine: CPU model, cores, OS, Go, and
// the load average when the benchmark started (other work skews it).
func benchE2EMachine() string {
	model := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				model = strings.TrimSpace(v)
				break
			}
		}
		_ = f.Close()
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			load = fmt.Sprintf(", load average %s %s %s at start", f[0], f[1], f[2])
		}
	}
	return fmt.Sprintf("%s, %d cores, %s/%s, %s%s", model, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version(), load)
}

// benchE2EEnv is the environment variable name, or def when unset.
func benchE2EEnv(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// benchE2EEnvInts parses a comma-separated list of positive integers.
func benchE2EEnvInts(b *testing.B, name string, def []int) []int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	var out []int
	for _, s := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		require.NoError(b, err, name)
		require.Positive(b, n, name)
		out = append(out, n)
	}
	return out
}

// benchE2EEnvDuration parses a duration.
func benchE2EEnvDuration(b *testing.B, name string, def time.Duration) time.Duration {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	require.NoError(b, err, name)
	require.GreaterOrEqual(b, d, 2*time.Second, name)
	return d
}
