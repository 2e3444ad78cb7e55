package metrics

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
)

func accessEvent(action, outcome string) core.Event {
	return core.Event{Type: sharing.EventType, Attrs: []core.Attr{
		{Key: "action", Value: action}, {Key: "signer", Value: "x"}, {Key: "outcome", Value: outcome}}}
}

// TestAccessRequestsByOutcome counts the sharing module's request_access
// events by outcome and ignores every other event.
func TestAccessRequestsByOutcome(t *testing.T) {
	reg := prometheus.NewRegistry()
	m, err := New(reg, Sources{})
	require.NoError(t, err)
	m.Block([]Tx{
		{Type: sharing.TypeRequestAccess, Events: []core.Event{accessEvent("request_access", sharing.OutcomeAllowed)}},
		{Type: sharing.TypeRequestAccess, Code: 7, Events: []core.Event{accessEvent("request_access", sharing.OutcomeRefused)}},
		{Type: sharing.TypeRequestAccess, Events: []core.Event{accessEvent("request_access", sharing.OutcomeAllowed)}},
		{Type: "sharing/grant_access", Events: []core.Event{accessEvent("grant_access", sharing.OutcomeAllowed),
			{Type: "message", Attrs: []core.Attr{{Key: "action", Value: "request_access"}, {Key: "outcome", Value: "allowed"}}}}},
	}, time.Millisecond)
	want := `
# HELP govchain_sharing_access_requests_total Access requests to shared data (sharing/request_access) recorded in blocks, by outcome.
# TYPE govchain_sharing_access_requests_total counter
govchain_sharing_access_requests_total{outcome="allowed"} 2
govchain_sharing_access_requests_total{outcome="refused"} 1
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(want), AccessRequestsTotal))
	require.Equal(t, 3, testutil.CollectAndCount(reg, TxsTotal), "request_access/0, request_access/7, grant_access/0")
}

// TestNilMetrics: a node without Prometheus records nothing and does not
// fail.
func TestNilMetrics(t *testing.T) {
	var m *Metrics
	require.NotPanics(t, func() {
		m.CheckTx(false, 5, time.Millisecond)
		m.Block([]Tx{{Type: "x"}}, time.Millisecond)
		m.Commit(3, time.Millisecond)
		m.SetVersion(3)
	})
}

// TestNewRefusesDuplicates: registering twice on one registry fails
// with an error instead of panicking.
func TestNewRefusesDuplicates(t *testing.T) {
	reg := prometheus.NewRegistry()
	_, err := New(reg, Sources{})
	require.NoError(t, err)
	_, err = New(reg, Sources{})
	require.ErrorContains(t, err, "metrics: register")
	for _, n := range Names() {
		require.True(t, strings.HasPrefix(n, Namespace+"_"), n)
	}
}

// TestRegisterNode: the health gauges show what the probe returns at
// each scrape.
func TestRegisterNode(t *testing.T) {
	reg := prometheus.NewRegistry()
	status := NodeStatus{Ready: true, LastBlockAge: 1500 * time.Millisecond, PeersAgree: 3}
	require.NoError(t, RegisterNode(reg, func() NodeStatus { return status }))
	want := `
# HELP govchain_peers_app_hash_differ Peers whose next header carries another app hash than this node's (this node or they diverged).
# TYPE govchain_peers_app_hash_differ gauge
govchain_peers_app_hash_differ %d
# HELP govchain_ready 1 when /readyz answers ready, else 0.
# TYPE govchain_ready gauge
govchain_ready %d
# HELP govchain_last_block_age_seconds Seconds since the time of the newest block this node stores.
# TYPE govchain_last_block_age_seconds gauge
govchain_last_block_age_seconds %s
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(fmt.Sprintf(want, 0, 1, "1.5")),
		Ready, LastBlockAgeSeconds, PeersAppHashDiffer))
	status = NodeStatus{LastBlockAge: time.Minute, PeersAgree: 1, PeersDiffer: 2}
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(fmt.Sprintf(want, 2, 0, "60")),
		Ready, LastBlockAgeSeconds, PeersAppHashDiffer))
}

// TestSnapshotHeight reads the newest snapshot's height at each scrape.
func TestSnapshotHeight(t *testing.T) {
	reg := prometheus.NewRegistry()
	latest := int64(0)
	_, err := New(reg, Sources{LatestSnapshot: func() int64 { return latest }})
	require.NoError(t, err)
	want := `
# HELP govchain_snapshot_latest_height Height of the newest state-sync snapshot this node serves (0: none); its age in blocks is the state version minus this.
# TYPE govchain_snapshot_latest_height gauge
govchain_snapshot_latest_height %d
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(fmt.Sprintf(want, 0)), SnapshotHeight))
	latest = 1200
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(fmt.Sprintf(want, 1200)), SnapshotHeight))
}

// TestMempoolMetrics: the mempool gauges and the dropped counters read
// the App's MempoolStats at each scrape.
func TestMempoolMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	st := app.MempoolStats{Txs: 3, Bytes: 1851, DroppedBusy: 7, DroppedInvalid: 1, LimitTxs: 2400, LimitBytes: 1500000}
	_, err := New(reg, Sources{Mempool: func() app.MempoolStats { return st }})
	require.NoError(t, err)
	want := `
# HELP govchain_mempool_bytes Bytes of those transactions.
# TYPE govchain_mempool_bytes gauge
govchain_mempool_bytes %d
# HELP govchain_mempool_gossip_dropped_total Transactions peers gossiped that the application's mempool left out: reason busy (past twice the pending limit) or invalid (failed the checks).
# TYPE govchain_mempool_gossip_dropped_total counter
govchain_mempool_gossip_dropped_total{reason="busy"} %d
govchain_mempool_gossip_dropped_total{reason="invalid"} %d
# HELP govchain_mempool_limit_bytes The same limit in bytes (pending_max_bytes).
# TYPE govchain_mempool_limit_bytes gauge
govchain_mempool_limit_bytes %d
# HELP govchain_mempool_limit_txs The pending limit in transactions CheckTx applies now, past which it answers busy: app.toml's pending_max_txs scaled by the pace and lowered to pending_max_wait of the commit rate (0: no bound).
# TYPE govchain_mempool_limit_txs gauge
govchain_mempool_limit_txs %d
# HELP govchain_mempool_txs Transactions admitted and not yet executed, as CheckTx's shedding counts them (with the application's mempool: the transactions it holds).
# TYPE govchain_mempool_txs gauge
govchain_mempool_txs %d
`
	names := []string{MempoolTxs, MempoolBytes, MempoolDroppedTotal, MempoolLimitTxs, MempoolLimitBytes}
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(fmt.Sprintf(want, 1851, 7, 1, 1500000, 2400, 3)), names...))
	st = app.MempoolStats{DroppedBusy: 9, DroppedInvalid: 2, LimitTxs: 1500, LimitBytes: 786432}
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(fmt.Sprintf(want, 0, 9, 2, 786432, 1500, 0)), names...))
}

// TestBudgetScale: the gauge shows the App's scale at each scrape.
func TestBudgetScale(t *testing.T) {
	reg := prometheus.NewRegistry()
	scale := 1.0
	_, err := New(reg, Sources{BudgetScale: func() float64 { return scale }})
	require.NoError(t, err)
	const want = `
# HELP govchain_block_budget_scale The multiple of app.toml's block budget and pending limit this node applies now (1 to block_budget_max_scale, following the block interval and the rounds blocks need).
# TYPE govchain_block_budget_scale gauge
govchain_block_budget_scale %g
`
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(fmt.Sprintf(want, 1.0)), BudgetScale))
	scale = 1.625
	require.NoError(t, testutil.GatherAndCompare(reg, strings.NewReader(fmt.Sprintf(want, 1.625)), BudgetScale))
}
