package testnet

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/stretchr/testify/require"
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
	nodes   []*benchE2ENode
	// pprof is node 0's pprof listener (host:port), or "" when off.
	pprof string
}

// benchE2ENode is one node process.
type benchE2ENode struct {
	name, home, rpc, agency string
	cmd                     *exec.Cmd
	done                    chan struct{}
	log                     *os.File
}

// benchE2EStartNet generates a 4-validator network with govchain testnet
// init (extra registrars per ministry for the load generator), and starts
// it running app ("govchain", or "kvstore" with the kvnode binary). With
// pprof, node 0 serves net/http/pprof. GOVCHAIN_BENCH_E2E_GOVCHAIN_BIN
// names another govchain binary to start the nodes with (another build,
// to compare before and after a change); testnet init is always this
// tree's. It waits until every node answers
// and the chain has made a block; the network is killed at cleanup.
func benchE2EStartNet(tb testing.TB, app, kvnode string, extraRegistrars int, pprof bool) *benchE2ENet {
	tb.Helper()
	const validators = 4
	firstIP, p2pPort, rpcPort := pickAddresses(tb, validators)
	dir := filepath.Join(tb.TempDir(), app)
	out, err := exec.Command(binary, "testnet", "init", "--output", dir, "--chain-id", "bench-e2e",
		"--validators", strconv.Itoa(validators), "--first-ip", firstIP,
		"--p2p-port", strconv.Itoa(p2pPort), "--rpc-port", strconv.Itoa(rpcPort),
		"--extra-registrars", strconv.Itoa(extraRegistrars)).CombinedOutput()
	require.NoError(tb, err, "%s", out)
	b, err := os.ReadFile(filepath.Join(dir, "testnet.json"))
	require.NoError(tb, err)
	var spec testnetJSON
	require.NoError(tb, json.Unmarshal(b, &spec))
	nw := &benchE2ENet{tb: tb, app: app, dir: dir, chainID: spec.ChainID}
	for _, s := range spec.Nodes {
		nw.nodes = append(nw.nodes, &benchE2ENode{name: s.Name, home: filepath.Join(dir, s.Home), rpc: s.RPC, agency: s.Agency})
	}
	if pprof {
		nw.pprof = fmt.Sprintf("%s:%d", firstIP, freePort(tb))
		editNodeConfig(tb, nw.nodes[0].home, func(c *cmtcfg.Config) { c.RPC.PprofListenAddress = nw.pprof })
	}
	tb.Cleanup(nw.stop)
	for _, nd := range nw.nodes {
		bin, args := binary, []string{"start", "--home", nd.home}
		if other := os.Getenv("GOVCHAIN_BENCH_E2E_GOVCHAIN_BIN"); other != "" {
			bin = other
		}
		if app == "kvstore" {
			bin, args = kvnode, []string{"--home", nd.home}
		}
		logf, err := os.Create(filepath.Join(nd.home, "node.log"))
		require.NoError(tb, err)
		cmd := exec.Command(bin, args...)
		cmd.Stdout, cmd.Stderr = logf, logf
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		require.NoError(tb, cmd.Start())
		nd.cmd, nd.log, nd.done = cmd, logf, make(chan struct{})
		go func(done chan struct{}) { _ = cmd.Wait(); close(done) }(nd.done)
	}
	deadline := time.Now().Add(90 * time.Second)
	for _, nd := range nw.nodes {
		rpc := newBenchE2ERPC(nd.rpc)
		for {
			h, err := rpc.height(context.Background())
			if err == nil && h >= 1 {
				break
			}
			select {
			case <-nd.done:
				tb.Fatalf("%s %s exited while starting; log:\n%s", app, nd.name, nd.tail())
			default:
			}
			if time.Now().After(deadline) {
				tb.Fatalf("%s %s did not reach height 1 in 90s (%v); log:\n%s", app, nd.name, err, nd.tail())
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	return nw
}

// stop ends every node: SIGTERM to its process group, SIGKILL after 20 s.
// With GOVCHAIN_BENCH_E2E_LOGS=DIR, the node logs are then copied to
// DIR/<app>-<node>.log.
func (nw *benchE2ENet) stop() {
	defer nw.keepLogs(os.Getenv("GOVCHAIN_BENCH_E2E_LOGS"))
	for _, nd := range nw.nodes {
		if nd.cmd == nil {
			continue
		}
		_ = syscall.Kill(-nd.cmd.Process.Pid, syscall.SIGTERM)
	}
	for _, nd := range nw.nodes {
		if nd.cmd == nil {
			continue
		}
		select {
		case <-nd.done:
		case <-time.After(20 * time.Second):
			_ = syscall.Kill(-nd.cmd.Process.Pid, syscall.SIGKILL)
			<-nd.done
		}
		_ = nd.log.Close()
		nd.cmd = nil
	}
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
		select {
		case <-nd.done:
			return fmt.Errorf("%s %s exited; log:\n%s", nw.app, nd.name, nd.tail())
		default:
		}
	}
	return nil
}

// tail returns the end of the node's log.
func (nd *benchE2ENode) tail() string {
	b, _ := os.ReadFile(filepath.Join(nd.home, "node.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}
