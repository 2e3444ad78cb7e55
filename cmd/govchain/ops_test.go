package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/internal/devnode"
)

// get fetches url and returns its status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

// TestDevNodeMetricsAndHealth scrapes a development node's metrics port
// after an accepted and a refused transaction: CometBFT's and govchain's
// series on one /metrics, /healthz, and /readyz ready with its reasons.
func TestDevNodeMetricsAndHealth(t *testing.T) {
	n := startDevNode(t, "ops-1")
	out, errOut, code := n.cli("tx", "agency", "grant-role", "--from", "admin-finance", "--account", "alice", "--role", "business")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "code:   0")
	_, errOut, code = n.cli("tx", "agency", "grant-role", "--from", "admin-finance", "--account", "alice", "--role", "business")
	requireOneLineError(t, errOut, code, "code 101 (govchain)")

	status, body := get(t, n.metrics+"/metrics")
	require.Equal(t, http.StatusOK, status)
	require.Contains(t, body, `govchain_txs_total{code="0",type="agency/grant_role"} 1`+"\n")
	require.Contains(t, body, `govchain_mempool_refused_total{check="new",code="101"} 1`+"\n")
	require.Regexp(t, `(?m)^govchain_state_version [1-9]\d*$`, body)
	require.Regexp(t, `(?m)^govchain_commit_duration_seconds_count [1-9]\d*$`, body)
	require.Regexp(t, `(?m)^govchain_tx_cache_hits_total [1-9]\d*$`, body, "the block took the transaction from the cache")
	require.Regexp(t, `(?m)^govchain_peers_app_hash_differ 0$`, body)
	require.Regexp(t, `(?m)^govchain_ready 1$`, body)
	require.Regexp(t, `(?m)^govchain_snapshot_latest_height \d+$`, body)
	require.Regexp(t, `(?m)^govchain_disk_free_bytes [1-9]`, body)
	// CometBFT's series: those of the first node this test process
	// started (onceMetricsProvider), so any chain id.
	require.Regexp(t, `(?m)^cometbft_consensus_height\{chain_id="[^"]+"\} \d+$`, body)

	status, body = get(t, n.metrics+"/healthz")
	require.Equal(t, http.StatusOK, status)
	require.JSONEq(t, `{"status":"ok"}`, body)

	var rep ReadyReport
	require.Eventually(t, func() bool {
		status, body = get(t, n.metrics+"/readyz")
		require.NoError(t, json.Unmarshal([]byte(body), &rep), body)
		return status == http.StatusOK
	}, 30*time.Second, 200*time.Millisecond, "never ready: %s", body)
	require.True(t, rep.Ready)
	require.Empty(t, rep.Reasons)
	require.Positive(t, rep.Height)
	require.Regexp(t, regexp.MustCompile(`^[0-9A-F]{64}$`), rep.AppHash)
	require.Zero(t, rep.PeersAgree+rep.PeersDiffer+rep.PeersUnknown, "a dev node has no peers")
}

// peerRPC serves /block?height=H with appHash for heights up to top, and
// an RPC error above it, as CometBFT's RPC does.
func peerRPC(t *testing.T, appHash string, top int64) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var h int64
		_, _ = fmt.Sscan(r.URL.Query().Get("height"), &h)
		if h > top {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"error":{"data":"height must be less than or equal to the current blockchain height"}}`)
			return
		}
		_, _ = fmt.Fprintf(w, `{"result":{"block":{"header":{"height":"%d","app_hash":%q}}}}`, h, appHash)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestReadiness covers each reason /readyz gives, against peers that
// agree, differ, lag or do not answer.
func TestReadiness(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	ours := strings.Repeat("AB", 32)
	theirs := strings.Repeat("CD", 32)
	ready := func(syncing bool, age time.Duration, peers ...string) ReadyReport {
		r := &readiness{
			syncing:   func() bool { return syncing },
			lastBlock: func() (int64, time.Time) { return 10, now.Add(-age) },
			appInfo:   func() (int64, []byte) { return 10, []byte(strings.Repeat("\xab", 32)) },
			peers:     func() []string { return peers },
			now:       func() time.Time { return now },
			maxAge:    ReadyMaxBlockAge,
			client:    &http.Client{Timeout: time.Second},
		}
		return r.check(context.Background())
	}
	dead := "http://127.0.0.1:1"

	rep := ready(false, time.Second, peerRPC(t, ours, 20), peerRPC(t, ours, 20), peerRPC(t, theirs, 20), peerRPC(t, ours, 10), dead)
	require.True(t, rep.Ready, rep.Reasons)
	require.Equal(t, ours, rep.AppHash)
	require.Equal(t, [3]int{2, 1, 2}, [3]int{rep.PeersAgree, rep.PeersDiffer, rep.PeersUnknown}, "a lagging and a dead peer are unknown")

	rep = ready(false, time.Second, peerRPC(t, theirs, 20), peerRPC(t, theirs, 20), peerRPC(t, ours, 20))
	require.False(t, rep.Ready)
	require.Equal(t, []string{"app hash " + ours + " after block 10 differs from 2 of the 3 peers that answered"}, rep.Reasons)

	rep = ready(true, time.Minute)
	require.False(t, rep.Ready)
	require.Equal(t, []string{"the node is catching up (block sync or state sync)",
		"the last block (10) is 1m0s old, more than 30s"}, rep.Reasons)

	rep = ready(false, 0, dead)
	require.True(t, rep.Ready, "peers that do not answer do not make a node unready: %v", rep.Reasons)
}

// TestMetricsLaddrRefused: a --metrics-laddr that is not host:port, or
// whose port is taken, stops start with a one-line reason.
func TestMetricsLaddrRefused(t *testing.T) {
	dev := filepath.Join(t.TempDir(), "dev")
	_, errOut, code := govchain(t, "init", "--dev", "--home", dev, "--chain-id", "ops-2")
	require.Equal(t, 0, code, errOut)
	_, errOut, code = govchain(t, "start", "--home", dev, "--metrics-laddr", "nowhere")
	requireOneLineError(t, errOut, code, `--metrics-laddr: address "nowhere" is not host:port`)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	_, errOut, code = govchain(t, "start", "--home", dev, "--rpc-laddr", "tcp://"+devnode.FreeAddr(),
		"--p2p-laddr", "tcp://"+devnode.FreeAddr(), "--web-laddr", devnode.FreeAddr(),
		"--metrics-laddr", l.Addr().String())
	requireOneLineError(t, errOut, code, "--metrics-laddr: listen tcp "+l.Addr().String())
}
