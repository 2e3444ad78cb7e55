package testnet

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/internal/devnode"
)

// binary is the govchain binary built once by TestMain; faultBinary is
// the same program built with -tags faultinject, whose GOVCHAIN_FAULT_*
// hooks crash a node inside Commit or make it a byzantine proposer
// (abci/faults_inject.go). A test runs it on a node with nd.bin and nd.env.
var binary, faultBinary string

// TestMain makes the binary stop every process it starts when it exits
// (guardExit, process_test.go), builds both binaries, concurrently, runs
// the tests and removes the binaries. Run as a stand-in node or as the
// child of an orphan test (orphan_test.go), it does only that.
func TestMain(m *testing.M) {
	if os.Getenv(envStandIn) != "" {
		standIn(os.Args[1:]) // never returns
	}
	if os.Getenv(envOrphanMode) != "" {
		// The child side of TestNodesDieWithTheTestBinary: it starts
		// stand-ins only, and needs no govchain binary. It catches the
		// signals its parent sends even if it inherited them ignored.
		guardExit(func() {}, true)
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "govchain-testnet-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "testnet:", err)
		os.Exit(1)
	}
	guardExit(func() { _ = os.RemoveAll(dir) }, false)
	binary = filepath.Join(dir, "govchain")
	faultBinary = filepath.Join(dir, "govchain-faultinject")
	builds := []*exec.Cmd{
		exec.Command("go", "build", "-o", binary, "github.com/govchain/govchain/cmd/govchain"),
		exec.Command("go", "build", "-tags", "faultinject", "-o", faultBinary, "github.com/govchain/govchain/cmd/govchain"),
	}
	errs := make(chan error, len(builds))
	for _, b := range builds {
		b.Stdout, b.Stderr = os.Stderr, os.Stderr
		go func() {
			if err := b.Run(); err != nil {
				errs <- fmt.Errorf("%s: %w", strings.Join(b.Args, " "), err)
				return
			}
			errs <- nil
		}()
	}
	failed := false
	for range builds {
		if err := <-errs; err != nil {
			fmt.Fprintln(os.Stderr, "testnet: build govchain:", err)
			failed = true
		}
	}
	if failed {
		_ = os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// node is one node process and its home: a govchain node (a lone
// development node, or one of a network), a kvnode of the end-to-end
// benchmark, or a stand-in. It is the only process wrapper of the
// package: every test and benchmark starts and stops its nodes through
// it, and it starts them through startProcess (process_test.go), so that
// none outlives the test binary.
type node struct {
	tb   testing.TB
	idx  int // the node's index in its network
	name string
	home string
	rpc  string // http://host:port
	// metrics is the base URL of the node's /metrics, /healthz and
	// /readyz (empty: none).
	metrics   string
	nodeID    string
	p2pAddr   string // the node's real P2P listener, host:port
	validator bool
	agency    string
	// bin is the program the node runs (empty: the govchain binary
	// TestMain built), args its arguments (empty: start --home <home>),
	// and env is added to the process environment. All apply at the next
	// Start.
	bin  string
	args []string
	env  []string

	mu     sync.Mutex
	cmd    *exec.Cmd
	done   <-chan struct{} // closed when the process has been reaped
	frozen bool
	log    *os.File
}

// newDevNode initialises a development home (one validator, demo keys
// for every role) with the given state engine, on two ports of
// 127.0.0.1. The node is stopped (SIGTERM) when the test ends.
func newDevNode(t *testing.T, engine string) *node {
	t.Helper()
	home := filepath.Join(t.TempDir(), "home")
	out, err := exec.Command(binary, "init", "--dev", "--home", home, "--chain-id", "e2e-"+engine, "--moniker", "e2e", "--engine", engine).CombinedOutput()
	require.NoError(t, err, "%s", out)
	return newLoneNode(t, "e2e", home)
}

// newLoneNode is a node on home that listens on ports of 127.0.0.1 chosen
// now (given on its command line, overriding config.toml's; its HTTP API,
// where app.toml enables it, on a port the system picks), and is stopped
// (SIGTERM) when the test ends.
func newLoneNode(t *testing.T, name, home string) *node {
	t.Helper()
	rpcPort, p2pPort := devnode.FreePort(), devnode.FreePort()
	n := &node{tb: t, name: name, home: home,
		rpc:     fmt.Sprintf("http://127.0.0.1:%d", rpcPort),
		p2pAddr: fmt.Sprintf("127.0.0.1:%d", p2pPort),
	}
	n.args = []string{"start", "--home", home, "--rpc-laddr", fmt.Sprintf("tcp://127.0.0.1:%d", rpcPort),
		"--p2p-laddr", "tcp://" + n.p2pAddr, "--web-laddr", "127.0.0.1:0", "--log-level", "*:info"}
	t.Cleanup(n.Stop)
	return n
}

// Start runs the node's process and waits until its RPC answers.
func (nd *node) Start() {
	nd.tb.Helper()
	nd.startUntil(0)
}

// StartBlock runs the node's process and waits until it reports a block
// (a lone node, or one that state-syncs, answers on RPC before that).
func (nd *node) StartBlock() {
	nd.tb.Helper()
	nd.startUntil(1)
}

// startUntil runs the node's process and waits, at most 60 s, until its
// RPC reports height h or more; it fails the test at once if the process
// ends.
func (nd *node) startUntil(h int64) {
	nd.tb.Helper()
	done := nd.Spawn()
	deadline := time.Now().Add(60 * time.Second)
	for {
		got, err := nd.Height()
		if err == nil && got >= h {
			return
		}
		select {
		case <-done:
			nd.tb.Fatalf("%s exited while starting; log:\n%s", nd.name, nd.Tail())
		default:
		}
		if time.Now().After(deadline) {
			nd.tb.Fatalf("%s did not answer at height %d or more in 60s (at %d, %v); log:\n%s", nd.name, h, got, err, nd.Tail())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// WaitHeight waits until the node reports height h or more, failing the
// test if the process ends or the deadline passes first.
func (nd *node) WaitHeight(h int64, deadline time.Time) {
	nd.tb.Helper()
	nd.mu.Lock()
	done := nd.done
	nd.mu.Unlock()
	for {
		got, err := nd.Height()
		if err == nil && got >= h {
			return
		}
		select {
		case <-done:
			nd.tb.Fatalf("%s (%s) exited before height %d; log:\n%s", nd.name, filepath.Base(nd.program()), h, nd.Tail())
		default:
		}
		if time.Now().After(deadline) {
			nd.tb.Fatalf("%s (%s) did not reach height %d in time (at %d, %v); log:\n%s", nd.name, filepath.Base(nd.program()), h, got, err, nd.Tail())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Spawn runs the node's process without waiting for it, and returns a
// channel closed when the process has ended and been reaped (see
// Exited).
func (nd *node) Spawn() <-chan struct{} {
	nd.tb.Helper()
	done, err := nd.spawn()
	require.NoError(nd.tb, err)
	return done
}

// spawn is Spawn returning its error: before it starts the process it
// checks that every address the node will listen on is free, and names
// the process that holds one that is not (checkListenFree).
func (nd *node) spawn() (<-chan struct{}, error) {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	if nd.cmd != nil {
		return nil, fmt.Errorf("%s is already running", nd.name)
	}
	addrs, err := nd.listenAddrs()
	if err != nil {
		return nil, err
	}
	for _, a := range addrs {
		if err := checkListenFree(a); err != nil {
			return nil, fmt.Errorf("cannot start %s: %w", nd.name, err)
		}
	}
	logf, err := os.OpenFile(filepath.Join(nd.home, "node.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	args := nd.args
	if len(args) == 0 {
		args = []string{"start", "--home", nd.home}
	}
	cmd := exec.Command(nd.program(), args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), nd.env...)
	done, err := startProcess(cmd)
	if err != nil {
		_ = logf.Close()
		return nil, fmt.Errorf("start %s: %w", nd.name, err)
	}
	nd.cmd, nd.done, nd.log, nd.frozen = cmd, done, logf, false
	return done, nil
}

// program is the binary the node runs.
func (nd *node) program() string {
	if nd.bin != "" {
		return nd.bin
	}
	return binary
}

// listenAddrs returns every TCP address (host:port) the node will listen
// on: those of its config.toml (RPC, gRPC, pprof, P2P, Prometheus), if
// the home has one, with the --rpc-laddr and --p2p-laddr of its command
// line in their place.
func (nd *node) listenAddrs() ([]string, error) {
	var rpc, grpc, pprof, p2p, prom string
	if _, err := os.Stat(filepath.Join(nd.home, "config", "config.toml")); err == nil {
		conf, err := readNodeConfig(nd.home)
		if err != nil {
			return nil, err
		}
		rpc, grpc, pprof, p2p = conf.RPC.ListenAddress, conf.RPC.GRPCListenAddress, conf.RPC.PprofListenAddress, conf.P2P.ListenAddress
		if conf.Instrumentation.Prometheus {
			prom = conf.Instrumentation.PrometheusListenAddr
		}
	}
	for i := 0; i+1 < len(nd.args); i++ {
		switch nd.args[i] {
		case "--rpc-laddr":
			rpc = nd.args[i+1]
		case "--p2p-laddr":
			p2p = nd.args[i+1]
		}
	}
	var out []string
	for _, a := range []string{rpc, grpc, pprof, p2p, prom} {
		if a == "" || strings.HasPrefix(a, "unix://") {
			continue
		}
		out = append(out, strings.TrimPrefix(a, "tcp://"))
	}
	return out, nil
}

// Exited waits up to timeout for a spawned process to end by itself and
// reports whether it did, with its exit code; a process that ended is
// cleared so that the node can be started again.
func (nd *node) Exited(timeout time.Duration) (bool, int) {
	nd.mu.Lock()
	cmd, done := nd.cmd, nd.done
	nd.mu.Unlock()
	if cmd == nil {
		return false, 0
	}
	select {
	case <-done:
	case <-time.After(timeout):
		return false, 0
	}
	nd.mu.Lock()
	defer nd.mu.Unlock()
	_ = nd.log.Close()
	code := cmd.ProcessState.ExitCode()
	nd.cmd, nd.done, nd.log, nd.frozen = nil, nil, nil, false
	return true, code
}

// Running reports whether the process runs and is not frozen.
func (nd *node) Running() bool {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	return nd.cmd != nil && !nd.frozen
}

// Ended reports whether the node's process has ended by itself: it was
// started, and neither Exited nor a stop has cleared it since.
func (nd *node) Ended() bool {
	nd.mu.Lock()
	done := nd.done
	nd.mu.Unlock()
	if done == nil {
		return false
	}
	select {
	case <-done:
		return true
	default:
		return false
	}
}

// Pid is the process id of the node's process, or 0 if it is not
// running.
func (nd *node) Pid() int {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	if nd.cmd == nil {
		return 0
	}
	return nd.cmd.Process.Pid
}

// signalAndWait sends sig to the process group and waits up to timeout
// for the process to end; then it kills the group. It does nothing if the
// node is not running.
func (nd *node) signalAndWait(sig syscall.Signal, timeout time.Duration) {
	nd.mu.Lock()
	if nd.cmd == nil {
		nd.mu.Unlock()
		return
	}
	pgid, done, frozen := nd.cmd.Process.Pid, nd.done, nd.frozen
	// From now on the node counts as not running; the lock is not held
	// while the process shuts down.
	nd.frozen = true
	nd.mu.Unlock()
	if frozen && sig != syscall.SIGKILL {
		_ = syscall.Kill(-pgid, syscall.SIGCONT)
	}
	_ = syscall.Kill(-pgid, sig)
	select {
	case <-done:
	case <-time.After(timeout):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-done
	}
	nd.mu.Lock()
	defer nd.mu.Unlock()
	_ = nd.log.Close()
	nd.cmd, nd.done, nd.log, nd.frozen = nil, nil, nil, false
}

// Kill stops the node with SIGKILL, as a power cut would.
func (nd *node) Kill() { nd.signalAndWait(syscall.SIGKILL, 10*time.Second) }

// Stop stops the node with SIGTERM, and SIGKILL if it has not exited
// within 30 s.
func (nd *node) Stop() { nd.signalAndWait(syscall.SIGTERM, 30*time.Second) }

// Restart stops the node cleanly and starts it again.
func (nd *node) Restart() {
	nd.tb.Helper()
	nd.Stop()
	nd.Start()
}

// Freeze suspends the process (SIGSTOP): it keeps its sockets but
// answers nothing.
func (nd *node) Freeze() { nd.signalFrozen(syscall.SIGSTOP, true) }

// Thaw resumes a frozen process (SIGCONT).
func (nd *node) Thaw() { nd.signalFrozen(syscall.SIGCONT, false) }

func (nd *node) signalFrozen(sig syscall.Signal, frozen bool) {
	nd.tb.Helper()
	nd.mu.Lock()
	defer nd.mu.Unlock()
	require.NotNil(nd.tb, nd.cmd, "%s is not running", nd.name)
	require.NoError(nd.tb, syscall.Kill(-nd.cmd.Process.Pid, sig))
	nd.frozen = frozen
}

// stopNodes sends sig to every node at once and waits up to timeout for
// each to end, then kills what is left.
func stopNodes(nodes []*node, sig syscall.Signal, timeout time.Duration) {
	var wg sync.WaitGroup
	for _, nd := range nodes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			nd.signalAndWait(sig, timeout)
		}()
	}
	wg.Wait()
}

// Client returns an RPC client of the node.
func (nd *node) Client() *client.Client {
	c, err := client.New(nd.rpc)
	require.NoError(nd.tb, err)
	return c
}

// Height is the node's latest block height (0 before the first block).
func (nd *node) Height() (int64, error) { return rpcHeight(nd.rpc) }

// Log returns the node's whole log.
func (nd *node) Log() string {
	nd.tb.Helper()
	b, err := os.ReadFile(filepath.Join(nd.home, "node.log"))
	require.NoError(nd.tb, err)
	return string(b)
}

// Tail returns the end of the node's log.
func (nd *node) Tail() string {
	b, _ := os.ReadFile(filepath.Join(nd.home, "node.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// rpcHeight asks the node at the RPC URL for its latest block height
// (0 before the first block), waiting at most 2 s.
func rpcHeight(rpc string) (int64, error) {
	h, _, err := rpcSyncInfo(rpc)
	return h, err
}

// rpcSyncInfo returns a node's latest block height and whether it is still
// catching up (block or state sync: it refuses transactions until it is
// in consensus).
func rpcSyncInfo(rpc string) (int64, bool, error) {
	c, err := client.New(rpc)
	if err != nil {
		return 0, false, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st, err := c.RPC().Status(ctx)
	if err != nil {
		return 0, false, err
	}
	return st.SyncInfo.LatestBlockHeight, st.SyncInfo.CatchingUp, nil
}

// readyReport is the part of /readyz's answer (cmd/govchain's
// ReadyReport) the harness reads.
type readyReport struct {
	Ready   bool     `json:"ready"`
	Reasons []string `json:"reasons"`
	Height  int64    `json:"height"`
	Syncing bool     `json:"syncing"`
	AppHash string   `json:"app_hash"`
}

// Ready asks the node's /readyz, waiting at most 3 s (its peers' app
// hashes are fetched within the request).
func (nd *node) Ready() (readyReport, error) {
	var rep readyReport
	if nd.metrics == "" {
		return rep, fmt.Errorf("%s serves no /readyz", nd.name)
	}
	cl := http.Client{Timeout: 3 * time.Second}
	resp, err := cl.Get(nd.metrics + "/readyz")
	if err != nil {
		return rep, err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&rep); err != nil {
		return rep, fmt.Errorf("/readyz (HTTP %d): %w", resp.StatusCode, err)
	}
	if rep.Ready != (resp.StatusCode == http.StatusOK) {
		return rep, fmt.Errorf("/readyz says ready=%v with HTTP %d", rep.Ready, resp.StatusCode)
	}
	return rep, nil
}

// readyAt returns the node's height and "" if it is ready at height tip
// or above, else why not: /readyz's reasons, the error of asking it, or,
// for a node without a metrics address, what its RPC status says.
func (nd *node) readyAt(tip int64) (int64, string) {
	if nd.metrics == "" {
		h, catchingUp, err := rpcSyncInfo(nd.rpc)
		switch {
		case err != nil:
			return h, "RPC status: " + err.Error()
		case catchingUp:
			return h, "catching up (RPC status)"
		case h < tip:
			return h, fmt.Sprintf("below the tip %d", tip)
		}
		return h, ""
	}
	rep, err := nd.Ready()
	switch {
	case err != nil:
		return rep.Height, "/readyz: " + err.Error()
	case !rep.Ready:
		return rep.Height, "not ready: " + strings.Join(rep.Reasons, "; ")
	case rep.Height < tip:
		return rep.Height, fmt.Sprintf("ready but below the tip %d", tip)
	}
	return rep.Height, ""
}

// cli runs the binary against this node and returns stdout, stderr and the
// exit code.
func (n *node) cli(args ...string) (string, string, int) {
	n.tb.Helper()
	args = append(args, "--home", n.home)
	if !slices.Contains(args, "--node") { // a test may aim at another node
		args = append(args, "--node", n.rpc)
	}
	cmd := exec.Command(binary, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(n.tb, err)
	}
	return out.String(), errb.String(), code
}

// tx runs a transaction command with JSON output and requires success.
func (n *node) tx(args ...string) client.TxResult {
	n.tb.Helper()
	out, errOut, code := n.cli(append([]string{"tx"}, append(args, "--output", "json")...)...)
	require.Equal(n.tb, 0, code, "govchain tx %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), out, errOut)
	var res client.TxResult
	require.NoError(n.tb, json.Unmarshal([]byte(out), &res), out)
	require.Zero(n.tb, res.Code)
	return res
}

// query runs a proven query, requires success and a verified proof, and
// decodes the JSON printed on stdout.
func (n *node) query(v any, args ...string) {
	n.tb.Helper()
	out, errOut, code := n.cli(append([]string{"query"}, append(args, "--prove")...)...)
	require.Equal(n.tb, 0, code, "govchain query %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), out, errOut)
	require.Regexp(n.tb, `proof: verified \d+ key\(s\) against app hash [0-9A-F]{64} of block \d+`, errOut)
	require.NoError(n.tb, json.Unmarshal([]byte(out), v), out)
}
