package main

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/internal/devnode"
)

// TestJSONLogs starts a development node with --log-format json, sends it
// a transaction that CheckTx refuses, lets it make blocks and stops it:
// every line it wrote must be one JSON object with a level and a
// message, the app's block lines must carry the height, and the refusal
// the transaction's hash as the RPC prints it. A format that is neither
// plain nor json stops start with a one-line reason.
func TestJSONLogs(t *testing.T) {
	home := filepath.Join(t.TempDir(), "dev")
	_, errOut, code := govchain(t, "init", "--dev", "--home", home, "--chain-id", "json-logs")
	require.Equal(t, 0, code, errOut)

	_, errOut, code = govchain(t, "start", "--home", home, "--log-format", "xml")
	require.NotEqual(t, 0, code)
	require.Equal(t, 1, strings.Count(strings.TrimSpace(errOut), "\n")+1, "one line: %q", errOut)
	require.Contains(t, errOut, `--log-format: "xml" is neither "plain" nor "json"`)

	rpc := devnode.FreeAddr()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "start", "--home", home, "--rpc-laddr", "tcp://"+rpc,
		"--p2p-laddr", "tcp://"+devnode.FreeAddr(), "--web-laddr", "127.0.0.1:0",
		"--metrics-laddr", devnode.FreeAddr(), "--log-format", "json", "--log-level", "abci:debug,*:info")
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	var out devnode.SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	defer func() { _ = cmd.Process.Kill() }()
	require.Eventually(t, func() bool {
		h, err := latestHeight("http://" + rpc)
		return err == nil && h >= 2
	}, 60*time.Second, 200*time.Millisecond, "the node made no blocks:\n%s", out.String())
	junk := []byte("not a transaction")
	resp, err := http.Get(fmt.Sprintf("http://%s/broadcast_tx_sync?tx=0x%x", rpc, junk))
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	h, err := latestHeight("http://" + rpc)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		got, err := latestHeight("http://" + rpc)
		return err == nil && got >= h+2
	}, 30*time.Second, 200*time.Millisecond)
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	require.NoError(t, cmd.Wait(), out.String())

	var blocks, refusals int
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	for _, raw := range lines {
		var l map[string]any
		require.NoError(t, json.Unmarshal([]byte(raw), &l), "not a JSON line: %s", raw)
		require.NotEmpty(t, l["level"], raw)
		require.NotEmpty(t, l["_msg"], raw)
		if l["module"] != "abci" {
			continue
		}
		switch l["_msg"] {
		case "executed block", "committed":
			require.Positive(t, l["height"], raw)
			blocks++
		case "refused transaction":
			require.Equal(t, fmt.Sprintf("%X", sha256.Sum256(junk)), l["tx_hash"], raw)
			refusals++
		}
	}
	t.Logf("%d JSON lines, %d of the app's block lines, %d refusal", len(lines), blocks, refusals)
	require.GreaterOrEqual(t, blocks, 4)
	require.Equal(t, 1, refusals)
}
