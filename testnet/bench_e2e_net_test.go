package testnet

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/internal/devnode"
)

// The networks of the end-to-end benchmark (bench_e2e_test.go). Both apps
// run on homes made by the same `govchain testnet init` command, so they
// share every CometBFT setting (consensus timeouts, mempool, P2P, indexer)
// and the topology: four validators on 127.0.X.1-4, every node a
// persistent peer of every other, peers dialled directly (no fault proxy:
// the benchmark injects no fault, and a proxy would cost both apps CPU).
// govchain nodes run the binary TestMain built; kvstore nodes run
// scripts/kvnode, CometBFT's example kvstore in-process, on the same
// config.toml, keys and genesis.

// benchE2ENet is one running benchmark network.
type benchE2ENet struct {
	tb      testing.TB
	app     string
	dir     string
	chainID string
	nodes   []*node
	// pprof is node 0's pprof listener (host:port), or "" when off.
	pprof string
}

// benchE2EStartNet generates a 4-validator network with govchain testnet
// init (extra registrars per ministry for the load generator), and starts
// it running app ("govchain", or "kvstore" with the kvnode binary);
// GOVCHAIN_BENCH_E2E_INIT_FLAGS adds flags to testnet init for both apps
// ("--timeout-propose 2s", say). With
// pprof, node 0 serves net/http/pprof. GOVCHAIN_BENCH_E2E_GOVCHAIN_BIN
// names another govchain binary to start the nodes with (another build,
// to compare before and after a change); testnet init is always this
// tree's. It waits until every node answers
// and the chain has made a block; the network is stopped at cleanup.
func benchE2EStartNet(tb testing.TB, app, kvnode string, extraRegistrars int, pprof bool) *benchE2ENet {
	tb.Helper()
	const validators = 4
	firstIP, p2pPort, rpcPort := pickAddresses(tb, validators)
	dir := filepath.Join(tb.TempDir(), app)
	args := []string{"testnet", "init", "--dir", dir, "--chain-id", "bench-e2e",
		"--validators", strconv.Itoa(validators), "--first-ip", firstIP,
		"--p2p-port", strconv.Itoa(p2pPort), "--rpc-port", strconv.Itoa(rpcPort),
		"--extra-registrars", strconv.Itoa(extraRegistrars)}
	args = append(args, strings.Fields(os.Getenv("GOVCHAIN_BENCH_E2E_INIT_FLAGS"))...)
	out, err := exec.Command(binary, args...).CombinedOutput()
	require.NoError(tb, err, "%s", out)
	b, err := os.ReadFile(filepath.Join(dir, "testnet.json"))
	require.NoError(tb, err)
	var spec testnetJSON
	require.NoError(tb, json.Unmarshal(b, &spec))
	nw := &benchE2ENet{tb: tb, app: app, dir: dir, chainID: spec.ChainID}
	for i, s := range spec.Nodes {
		nd := &node{tb: tb, idx: i, name: s.Name, home: filepath.Join(dir, s.Home), rpc: s.RPC, agency: s.Agency,
			bin: os.Getenv("GOVCHAIN_BENCH_E2E_GOVCHAIN_BIN")}
		if app == "kvstore" {
			nd.bin, nd.args = kvnode, []string{"--home", nd.home}
			// CometBFT's kvstore keeps no mempool of its own: it runs with
			// CometBFT's (testnet init writes govchain's, type "app").
			editNodeConfig(tb, nd.home, func(c *cmtcfg.Config) {
				root := c.Mempool.RootDir
				c.Mempool = cmtcfg.DefaultMempoolConfig()
				c.Mempool.RootDir = root
			})
		}
		nw.nodes = append(nw.nodes, nd)
	}
	if mp := os.Getenv("GOVCHAIN_BENCH_E2E_MEMPOOL"); mp != "" && app == "govchain" {
		for _, nd := range nw.nodes {
			editNodeConfig(tb, nd.home, func(c *cmtcfg.Config) { c.Mempool.Type = mp })
		}
	}
	if set := os.Getenv("GOVCHAIN_BENCH_E2E_APP_TOML"); set != "" && app == "govchain" {
		for _, nd := range nw.nodes {
			f := filepath.Join(nd.home, "config", "app.toml")
			b, err := os.ReadFile(f)
			require.NoError(tb, err)
			for _, kv := range strings.Split(set, ",") {
				k, v, _ := strings.Cut(kv, "=")
				b = regexp.MustCompile(`(?m)^`+k+` = .*$`).ReplaceAll(b, []byte(k+" = "+v))
			}
			require.NoError(tb, os.WriteFile(f, b, 0o600))
		}
	}
	if pprof {
		nw.pprof = fmt.Sprintf("%s:%d", firstIP, devnode.FreePort())
		editNodeConfig(tb, nw.nodes[0].home, func(c *cmtcfg.Config) { c.RPC.PprofListenAddress = nw.pprof })
	}
	tb.Cleanup(nw.stop)
	for _, nd := range nw.nodes {
		nd.Spawn()
	}
	deadline := time.Now().Add(90 * time.Second)
	for _, nd := range nw.nodes {
		nd.WaitHeight(1, deadline)
	}
	return nw
}

// stop ends every node: SIGTERM to its process group, SIGKILL after 20 s.
// With GOVCHAIN_BENCH_E2E_LOGS=DIR, the node logs are then copied to
// DIR/<app>-<node>.log.
func (nw *benchE2ENet) stop() {
	defer nw.keepLogs(os.Getenv("GOVCHAIN_BENCH_E2E_LOGS"))
	stopNodes(nw.nodes, syscall.SIGTERM, 20*time.Second)
}

// keepLogs copies every node's log into dir (nothing if dir is empty).
func (nw *benchE2ENet) keepLogs(dir string) {
	if dir == "" {
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		nw.tb.Logf("keep logs: %v", err)
		return
	}
	for _, nd := range nw.nodes {
		b, err := os.ReadFile(filepath.Join(nd.home, "node.log"))
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, nw.app+"-"+nd.name+".log"), b, 0o644)
		}
		if err != nil {
			nw.tb.Logf("keep logs: %v", err)
		}
	}
}

// running reports an error naming the first node whose process has
// ended.
func (nw *benchE2ENet) running() error {
	for _, nd := range nw.nodes {
		if nd.Ended() {
			return fmt.Errorf("%s %s exited; log:\n%s", nw.app, nd.name, nd.Tail())
		}
	}
	return nil
}
