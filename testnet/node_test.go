package testnet

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/client"
)

// binary is the govchain binary built once by TestMain; faultBinary is
// the same program built with -tags faultinject, whose GOVCHAIN_FAULT_*
// hooks crash a node inside Commit or make it a byzantine proposer
// (abci/faults_inject.go). A test runs it on a node with nd.bin and nd.env.
var binary, faultBinary string

// TestMain builds both binaries, concurrently, runs the tests and removes
// the binaries.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "govchain-testnet-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "testnet:", err)
		os.Exit(1)
	}
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

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// node is one govchain process with its home.
type node struct {
	t    *testing.T
	home string
	rpc  string // http://127.0.0.1:port
	rpcL string
	p2pL string
	cmd  *exec.Cmd
	log  *os.File
}

// newDevNode initialises a development home (one validator, demo keys
// for every role) with the given state engine.
func newDevNode(t *testing.T, engine string) *node {
	t.Helper()
	home := filepath.Join(t.TempDir(), "home")
	out, err := exec.Command(binary, "init", "--dev", "--home", home, "--chain-id", "e2e-"+engine, "--moniker", "e2e", "--engine", engine).CombinedOutput()
	require.NoError(t, err, "%s", out)
	rpcPort := freePort(t)
	n := &node{t: t, home: home,
		rpc:  fmt.Sprintf("http://127.0.0.1:%d", rpcPort),
		rpcL: fmt.Sprintf("tcp://127.0.0.1:%d", rpcPort),
		p2pL: fmt.Sprintf("tcp://127.0.0.1:%d", freePort(t)),
	}
	t.Cleanup(n.stop)
	return n
}

// start runs the node process and waits until its RPC answers.
func (n *node) start() {
	n.t.Helper()
	logf, err := os.OpenFile(filepath.Join(n.home, "node.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	require.NoError(n.t, err)
	n.log = logf
	n.cmd = exec.Command(binary, "start", "--home", n.home, "--rpc-laddr", n.rpcL, "--p2p-laddr", n.p2pL, "--log-level", "*:info")
	n.cmd.Stdout, n.cmd.Stderr = logf, logf
	require.NoError(n.t, n.cmd.Start())
	deadline := time.Now().Add(60 * time.Second)
	for {
		if h, err := n.height(); err == nil && h > 0 {
			return
		}
		if time.Now().After(deadline) {
			n.t.Fatalf("node did not come up in 60s; log:\n%s", n.tail())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// kill stops the process with SIGKILL, as a power cut would.
func (n *node) kill() {
	n.t.Helper()
	require.NoError(n.t, n.cmd.Process.Signal(syscall.SIGKILL))
	_ = n.cmd.Wait()
	n.cmd = nil
	_ = n.log.Close()
}

// stop interrupts the process and waits for a clean exit.
func (n *node) stop() {
	if n.cmd == nil {
		return
	}
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- n.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = n.cmd.Process.Kill()
		<-done
	}
	n.cmd = nil
	_ = n.log.Close()
}

func (n *node) tail() string {
	b, _ := os.ReadFile(filepath.Join(n.home, "node.log"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

func (n *node) client() *client.Client {
	c, err := client.New(n.rpc)
	require.NoError(n.t, err)
	return c
}

// height is the latest block height the node reports.
func (n *node) height() (int64, error) { return rpcHeight(n.rpc) }

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

// cli runs the binary against this node and returns stdout, stderr and the
// exit code.
func (n *node) cli(args ...string) (string, string, int) {
	n.t.Helper()
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
		require.NoError(n.t, err)
	}
	return out.String(), errb.String(), code
}

// tx runs a transaction command with JSON output and requires success.
func (n *node) tx(args ...string) client.TxResult {
	n.t.Helper()
	out, errOut, code := n.cli(append([]string{"tx"}, append(args, "--output", "json")...)...)
	require.Equal(n.t, 0, code, "govchain tx %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), out, errOut)
	var res client.TxResult
	require.NoError(n.t, json.Unmarshal([]byte(out), &res), out)
	require.Zero(n.t, res.Code)
	return res
}

// query runs a proven query, requires success and a verified proof, and
// decodes the JSON printed on stdout.
func (n *node) query(v any, args ...string) {
	n.t.Helper()
	out, errOut, code := n.cli(append([]string{"query"}, append(args, "--prove")...)...)
	require.Equal(n.t, 0, code, "govchain query %s\nstdout: %s\nstderr: %s", strings.Join(args, " "), out, errOut)
	require.Regexp(n.t, `proof: verified \d+ key\(s\) against app hash [0-9A-F]{64} of block \d+`, errOut)
	require.NoError(n.t, json.Unmarshal([]byte(out), v), out)
}
