package testnet

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/internal/devnode"
)

// The fault-injection harness. A network is the output of `govchain
// testnet init` run into the test's temporary directory, on its own
// loopback addresses (127.0.X.1 upwards, X random) so that it collides
// neither with `make testnet` nor with other tests. Every peer link goes
// through a proxy the test controls: node i's persistent_peers name, for
// each other node j, a proxy on node i's address that forwards to j's P2P
// listener. Cutting or slowing the proxies of both directions of a pair
// cuts or slows the link between those two nodes; nothing else changes.
//
// Node processes are started by startProcess (process_test.go) and
// killed, with their process groups, when the test ends, failed or not,
// or when the test binary ends. Every wait is bounded.

// netConfig is what startNetwork builds.
type netConfig struct {
	validators, fullNodes int
	// engines is testnet init's --engines (empty: memiavl everywhere).
	engines string
	// timeoutCommit is the consensus timeout_commit (default 300ms).
	timeoutCommit time.Duration
	// startLater lists node indices startNetwork does not start (a late
	// joiner, a second copy of a key); the test starts them itself.
	startLater []int
	// before, if set, runs after the homes and proxies exist and before
	// any node starts: to edit configs, copy keys, or set a node's
	// binary or environment.
	before func(nw *network)
	// startWait bounds the wait for every started node to reach height 1
	// and be ready (default 60 s; longer for a large import at InitChain).
	startWait time.Duration
}

// network is a running testnet under the test's control.
type network struct {
	t       testing.TB
	dir     string
	chainID string
	nodes   []*node
	// proxies[i][j] carries the connections node i dials to node j.
	proxies [][]*linkProxy
	keys    *client.Keyring
}

// testnetJSON mirrors the fields of testnet.json the harness reads.
type testnetJSON struct {
	ChainID string `json:"chain_id"`
	Keyring string `json:"keyring"`
	Nodes   []struct {
		Name      string `json:"name"`
		Home      string `json:"home"`
		Validator bool   `json:"validator"`
		Agency    string `json:"agency"`
		NodeID    string `json:"node_id"`
		RPC       string `json:"rpc"`
		P2P       string `json:"p2p"`
		Metrics   string `json:"metrics"`
	} `json:"nodes"`
}

// claimedBlocks are the loopback blocks 127.0.X.0/24 a network of this
// test binary has used: scenarios run in parallel (t.Parallel), and a
// block is never given to two networks, even one after the other.
var claimedBlocks struct {
	sync.Mutex
	x map[int]bool
}

// claimBlock reserves block x for the caller; false if it was taken.
func claimBlock(x int) bool {
	claimedBlocks.Lock()
	defer claimedBlocks.Unlock()
	if claimedBlocks.x == nil {
		claimedBlocks.x = make(map[int]bool)
	}
	if claimedBlocks.x[x] {
		return false
	}
	claimedBlocks.x[x] = true
	return true
}

// pickAddresses chooses a loopback block 127.0.X.1.. that no other
// network of this test binary has had, and two ports that every node
// address can bind right now.
func pickAddresses(t testing.TB, n int) (firstIP string, p2pPort, rpcPort int) {
	t.Helper()
	for attempt := 0; attempt < 20; attempt++ {
		x := 10 + rand.IntN(240)
		if !claimBlock(x) {
			continue
		}
		firstIP = fmt.Sprintf("127.0.%d.1", x)
		p2pPort, rpcPort = devnode.FreePort(), devnode.FreePort()
		if p2pPort == rpcPort {
			continue
		}
		ok := true
		for i := 0; i < n && ok; i++ {
			for _, port := range []int{p2pPort, rpcPort} {
				l, err := net.Listen("tcp", fmt.Sprintf("127.0.%d.%d:%d", x, i+1, port))
				if err != nil {
					ok = false
					break
				}
				_ = l.Close()
			}
		}
		if ok {
			return firstIP, p2pPort, rpcPort
		}
	}
	t.Fatal("no free loopback block for the network")
	return "", 0, 0
}

// startNetwork generates a network with govchain testnet init, puts a
// proxy on every peer link, starts every node and waits until each RPC
// answers, the chain has made a block and every node it started is ready
// on /readyz.
func startNetwork(t testing.TB, cfg netConfig) *network {
	t.Helper()
	if cfg.timeoutCommit == 0 {
		cfg.timeoutCommit = 300 * time.Millisecond
	}
	n := cfg.validators + cfg.fullNodes
	firstIP, p2pPort, rpcPort := pickAddresses(t, n)
	dir := filepath.Join(t.TempDir(), "net")
	args := []string{"testnet", "init", "--dir", dir, "--chain-id", "e2e-net",
		"--validators", strconv.Itoa(cfg.validators), "--full-nodes", strconv.Itoa(cfg.fullNodes),
		"--first-ip", firstIP, "--p2p-port", strconv.Itoa(p2pPort), "--rpc-port", strconv.Itoa(rpcPort),
		"--timeout-commit", cfg.timeoutCommit.String()}
	if cfg.engines != "" {
		args = append(args, "--engines", cfg.engines)
	}
	out, err := exec.Command(binary, args...).CombinedOutput()
	require.NoError(t, err, "%s", out)
	b, err := os.ReadFile(filepath.Join(dir, "testnet.json"))
	require.NoError(t, err)
	var spec testnetJSON
	require.NoError(t, json.Unmarshal(b, &spec))
	require.Len(t, spec.Nodes, n)

	nw := &network{t: t, dir: dir, chainID: spec.ChainID, keys: client.NewKeyring(filepath.Join(dir, spec.Keyring))}
	for i, s := range spec.Nodes {
		nw.nodes = append(nw.nodes, &node{tb: t, idx: i, name: s.Name, home: filepath.Join(dir, s.Home),
			rpc: s.RPC, metrics: s.Metrics, nodeID: s.NodeID, validator: s.Validator, agency: s.Agency,
			p2pAddr: s.P2P[strings.IndexByte(s.P2P, '@')+1:]})
	}
	// Proxies, then each node's persistent peers through them.
	nw.proxies = make([][]*linkProxy, n)
	for i, from := range nw.nodes {
		nw.proxies[i] = make([]*linkProxy, n)
		var peers []string
		for j, to := range nw.nodes {
			if i == j {
				continue
			}
			p, err := newLinkProxy(proxyHost(from.p2pAddr, i)+":0", to.p2pAddr)
			require.NoError(t, err)
			t.Cleanup(p.Close)
			nw.proxies[i][j] = p
			peers = append(peers, to.nodeID+"@"+p.Addr())
		}
		editNodeConfig(t, from.home, func(c *cmtcfg.Config) { c.P2P.PersistentPeers = strings.Join(peers, ",") })
	}
	t.Cleanup(nw.killAll)
	if cfg.before != nil {
		cfg.before(nw)
	}
	for i, nd := range nw.nodes {
		if !slices.Contains(cfg.startLater, i) {
			nd.Start()
		}
	}
	wait := cmp.Or(cfg.startWait, 60*time.Second)
	nw.waitHeight(1, wait)
	nw.waitReady(wait)
	return nw
}

// proxyHost is the loopback address node i's outgoing link proxies listen
// on: 127.0.X.(101+i) beside the node's own 127.0.X.(1+i), so that the
// proxies' ephemeral ports can never take a port a node is about to bind.
func proxyHost(nodeP2P string, i int) string {
	host := nodeP2P[:strings.LastIndexByte(nodeP2P, ':')]
	return host[:strings.LastIndexByte(host, '.')+1] + strconv.Itoa(101+i)
}

// killAll kills every node still running; it is the test's cleanup.
func (nw *network) killAll() { stopNodes(nw.nodes, syscall.SIGKILL, 10*time.Second) }

// validators returns the validator nodes.
func (nw *network) validators() []*node {
	var out []*node
	for _, nd := range nw.nodes {
		if nd.validator {
			out = append(out, nd)
		}
	}
	return out
}

// running returns the nodes whose process runs and is not frozen.
func (nw *network) running() []*node {
	var out []*node
	for _, nd := range nw.nodes {
		if nd.Running() {
			out = append(out, nd)
		}
	}
	return out
}

// maxHeight is the highest latest height any running node reports.
func (nw *network) maxHeight() int64 {
	var best int64
	for _, nd := range nw.running() {
		if h, err := nd.Height(); err == nil && h > best {
			best = h
		}
	}
	return best
}

// waitHeight waits until every running node has reached height h.
func (nw *network) waitHeight(h int64, timeout time.Duration) {
	nw.t.Helper()
	deadline := time.Now().Add(timeout)
	for _, nd := range nw.running() {
		for {
			got, err := nd.Height()
			if err == nil && got >= h {
				break
			}
			if time.Now().After(deadline) {
				nw.t.Fatalf("%s did not reach height %d in %s (at %d, %v); log:\n%s", nd.name, h, timeout, got, err, nd.Tail())
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

// waitTip waits until nd has caught up with the highest height the other
// running nodes had when waitTip was called and says it is ready on
// /readyz (out of block sync, a recent last block, its app hash that of
// the peers), and returns how long it took. A node without a metrics
// address is judged by its RPC status instead (caught up, out of block
// sync). On timeout the failure quotes the node's last readiness reasons.
func (nw *network) waitTip(nd *node, timeout time.Duration) time.Duration {
	nw.t.Helper()
	start := time.Now()
	tip := nw.maxHeight()
	for {
		h, why := nd.readyAt(tip)
		if why == "" {
			return time.Since(start)
		}
		if time.Since(start) > timeout {
			nw.t.Fatalf("%s did not reach the tip %d ready within %s (at %d: %s); log:\n%s", nd.name, tip, timeout, h, why, nd.Tail())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitReady waits until every running node says it is ready on /readyz
// (or, without a metrics address, is out of block sync), failing with the
// reasons of the first that is not.
func (nw *network) waitReady(timeout time.Duration) {
	nw.t.Helper()
	deadline := time.Now().Add(timeout)
	for _, nd := range nw.running() {
		for {
			h, why := nd.readyAt(0)
			if why == "" {
				break
			}
			if time.Now().After(deadline) {
				nw.t.Fatalf("%s is not ready after %s (at %d: %s); log:\n%s", nd.name, timeout, h, why, nd.Tail())
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

// CutLink drops every connection between nodes i and j and refuses new
// ones, in both directions.
func (nw *network) CutLink(i, j int) {
	nw.proxies[i][j].SetCut(true)
	nw.proxies[j][i].SetCut(true)
}

// RestoreLink undoes CutLink and SlowLink between i and j.
func (nw *network) RestoreLink(i, j int) {
	for _, p := range []*linkProxy{nw.proxies[i][j], nw.proxies[j][i]} {
		p.SetCut(false)
		p.SetDelay(0)
	}
}

// SlowLink delays all traffic between i and j by d in each direction.
func (nw *network) SlowLink(i, j int, d time.Duration) {
	nw.proxies[i][j].SetDelay(d)
	nw.proxies[j][i].SetDelay(d)
}

// Isolate cuts every link of node i.
func (nw *network) Isolate(i int) {
	for j := range nw.nodes {
		if j != i {
			nw.CutLink(i, j)
		}
	}
}
