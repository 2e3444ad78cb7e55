package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestEndToEnd runs a development node in-process on 127.0.0.1 and drives
// it through the command line only: a role grant, a refused grant, a
// parcel registration and a sale proposal, and queries with verified
// proofs of presence and absence.
func TestEndToEnd(t *testing.T) {
	home := filepath.Join(t.TempDir(), "dev")
	_, errOut, code := govchain(t, "init", "--dev", "--home", home, "--chain-id", "e2e-1")
	require.Equal(t, 0, code, errOut)

	rpc := fmt.Sprintf("tcp://127.0.0.1:%d", freePort(t))
	node := "http://" + strings.TrimPrefix(rpc, "tcp://")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"start", "--home", home, "--rpc-laddr", rpc,
			"--p2p-laddr", fmt.Sprintf("tcp://127.0.0.1:%d", freePort(t)), "--log-level", "*:error"}, io.Discard, io.Discard)
	}()

	cli := func(args ...string) (string, string, int) {
		return govchain(t, append(args, "--home", home, "--node", node)...)
	}
	require.Eventually(t, func() bool {
		_, _, code := cli("query", "chain")
		return code == 0
	}, 60*time.Second, 200*time.Millisecond, "the node never answered")

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

	cancel()
	select {
	case code := <-done:
		require.Equal(t, 0, code, "start stops cleanly")
	case <-time.After(30 * time.Second):
		t.Fatal("start did not stop")
	}
}
