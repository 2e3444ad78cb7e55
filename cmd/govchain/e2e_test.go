package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/internal/devnode"
)

// devNode is a development chain's node run in-process by start, on
// 127.0.0.1 with free ports. It stops when the test ends.
type devNode struct {
	t    *testing.T
	home string
	// url is the node's RPC endpoint, http://127.0.0.1:PORT.
	url string
	// web is the HTTP API the node serves ([web] of init --dev),
	// http://127.0.0.1:PORT.
	web string
	// metrics serves /metrics, /healthz and /readyz, http://127.0.0.1:PORT.
	metrics string
	cancel  context.CancelFunc
	done    chan int
}

// startDevNode initialises a development chain's home with chainID and
// starts its node, returning once it answers queries.
func startDevNode(t *testing.T, chainID string) *devNode {
	t.Helper()
	return startDevNodeWith(t, chainID, nil)
}

// startDevNodeWith is startDevNode with prepare (if not nil) run on the
// home between init and start.
func startDevNodeWith(t *testing.T, chainID string, prepare func(home string)) *devNode {
	t.Helper()
	home := filepath.Join(t.TempDir(), "dev")
	_, errOut, code := govchain(t, "init", "--dev", "--home", home, "--chain-id", chainID)
	require.Equal(t, 0, code, errOut)
	// Blocks every 250 ms rather than the dev chain's second: each step
	// of these tests waits for its transaction's block.
	cfgPath := filepath.Join(home, "config", "config.toml")
	cfg, err := os.ReadFile(cfgPath)
	require.NoError(t, err)
	fast := strings.Replace(string(cfg), "\ntimeout_commit = \"1s\"\n", "\ntimeout_commit = \"250ms\"\n", 1)
	require.NotEqual(t, string(cfg), fast, "config.toml has no timeout_commit of 1s")
	require.NoError(t, os.WriteFile(cfgPath, []byte(fast), 0o600))
	if prepare != nil {
		prepare(home)
	}
	n := &devNode{t: t, home: home}
	n.launch()
	return n
}

// launch starts the node of n's home with free ports and returns once it
// answers queries. It stops when the test ends.
func (n *devNode) launch() {
	t := n.t
	t.Helper()
	rpc := "tcp://" + devnode.FreeAddr()
	web := devnode.FreeAddr()
	metrics := devnode.FreeAddr()
	ctx, cancel := context.WithCancel(context.Background())
	n.url, n.web, n.metrics = "http://"+strings.TrimPrefix(rpc, "tcp://"), "http://"+web, "http://"+metrics
	n.cancel, n.done = cancel, make(chan int, 1)
	done, errOut := n.done, &devnode.SyncBuffer{}
	go func() {
		done <- run(ctx, []string{"start", "--home", n.home, "--rpc-laddr", rpc,
			"--p2p-laddr", "tcp://" + devnode.FreeAddr(), "--web-laddr", web, "--metrics-laddr", metrics, "--log-level", "*:error"}, io.Discard, errOut)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
		}
	})
	deadline := time.Now().Add(time.Minute)
	for {
		_, qErr, code := n.cli("query", "chain")
		// Checked after the query, before its answer counts: whatever took
		// the port of a node that exited may answer on it.
		select {
		case code := <-done:
			done <- code
			t.Fatalf("the node exited with status %d before it answered:\n%s", code, errOut.String())
		default:
		}
		if code == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the node never answered in a minute: %s\n%s", strings.TrimSpace(qErr), errOut.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// cli runs the command line with --home and --node set to the node's.
func (n *devNode) cli(args ...string) (string, string, int) {
	n.t.Helper()
	return govchain(n.t, append(args, "--home", n.home, "--node", n.url)...)
}

// stop stops the node and requires a clean stop (exit status 0).
func (n *devNode) stop() {
	n.t.Helper()
	n.cancel()
	select {
	case code := <-n.done:
		require.Equal(n.t, 0, code, "start stops cleanly")
		n.done <- code
	case <-time.After(30 * time.Second):
		n.t.Fatal("start did not stop")
	}
}

// TestEndToEnd runs a development node in-process on 127.0.0.1 and drives
// it through the command line only: a role grant, a refused grant, a
// parcel registration and a sale proposal, and queries with verified
// proofs of presence and absence.
func TestEndToEnd(t *testing.T) {
	n := startDevNode(t, "e2e-1")
	cli := n.cli

	out, errOut, code := cli("query", "agency", "list", "--prove")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"justice"`)
	require.Regexp(t, `^proof: verified 5 key\(s\) against app hash [0-9A-F]{64} of block \d+\n$`, errOut)

	out, errOut, code = cli("tx", "agency", "grant-role", "--from", "admin-finance", "--account", "alice", "--role", "business")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "code:   0")
	require.Contains(t, out, "event agency: action=grant_role")

	_, errOut, code = cli("tx", "agency", "grant-role", "--from", "admin-finance", "--account", "alice", "--role", "business")
	requireOneLineError(t, errOut, code, "code 101 (govchain): agency: account already holds the role")

	out, errOut, code = cli("tx", "land", "register-parcel", "--from", "registrar", "--parcel-id", "P-1",
		"--cadastral-ref", "C-1", "--area-m2", "1200", "--location", "12 Main St, Springfield",
		"--denominator", "2", "--owner", "alice:1", "--owner", "bob:1",
		"--document-hash", strings.Repeat("ab", 32))
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "parcel_id=P-1")

	out, errOut, code = cli("query", "land", "parcel", "P-1", "--prove")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"area_m2": 1200`)
	require.Contains(t, errOut, "proof: verified 1 key(s)")

	_, errOut, code = cli("query", "land", "parcel", "P-404", "--prove")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "is absent: verified 1 key(s)")
	require.Contains(t, errOut, "error: code")

	out, errOut, code = cli("tx", "land", "propose-transfer", "--from", "alice", "--parcel-id", "P-1",
		"--denominator", "2", "--seller", "alice:1", "--buyer", "carol:1", "--price", "100000", "--currency", "EUR")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "transfer_id=1")

	out, errOut, code = cli("query", "land", "transfers", "P-1", "--prove")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"status": "pending"`)
	require.Contains(t, errOut, "proof: verified 2 key(s)")

	// A refused transfer step: bob is not a party to transfer 1.
	_, errOut, code = cli("tx", "land", "accept-transfer", "--from", "bob", "--transfer-id", "1")
	requireOneLineError(t, errOut, code, "code ")

	n.stop()
}
