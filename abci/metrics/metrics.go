package metrics

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
)

// Namespace prefixes every metric of this package.
const Namespace = "govchain"

// Metric names, each with its namespace, as Prometheus shows them.
const (
	TxsTotal             = Namespace + "_txs_total"
	MempoolRefusedTotal  = Namespace + "_mempool_refused_total"
	CheckTxSeconds       = Namespace + "_check_tx_duration_seconds"
	FinalizeBlockSeconds = Namespace + "_finalize_block_duration_seconds"
	CommitSeconds        = Namespace + "_commit_duration_seconds"
	StateVersion         = Namespace + "_state_version"
	StateDiskBytes       = Namespace + "_state_disk_bytes"
	DiskFreeBytes        = Namespace + "_disk_free_bytes"
	DiskSizeBytes        = Namespace + "_disk_size_bytes"
	TxCacheHitsTotal     = Namespace + "_tx_cache_hits_total"
	TxCacheMissesTotal   = Namespace + "_tx_cache_misses_total"
	TxCacheEntries       = Namespace + "_tx_cache_entries"
	AccessRequestsTotal  = Namespace + "_sharing_access_requests_total"
	SnapshotHeight       = Namespace + "_snapshot_latest_height"
	MempoolTxs           = Namespace + "_mempool_txs"
	MempoolBytes         = Namespace + "_mempool_bytes"
	MempoolDroppedTotal  = Namespace + "_mempool_gossip_dropped_total"
	MempoolLimitTxs      = Namespace + "_mempool_limit_txs"
	MempoolLimitBytes    = Namespace + "_mempool_limit_bytes"
	BudgetScale          = Namespace + "_block_budget_scale"
	StateTreeSnapshot    = Namespace + "_state_tree_snapshot_version"
)

// Names lists every metric name this package registers (New and
// RegisterNode), for dashboards and alert rules to be checked against.
func Names() []string {
	return []string{TxsTotal, MempoolRefusedTotal, CheckTxSeconds, FinalizeBlockSeconds, CommitSeconds,
		StateVersion, StateDiskBytes, DiskFreeBytes, DiskSizeBytes, TxCacheHitsTotal, TxCacheMissesTotal,
		TxCacheEntries, AccessRequestsTotal, SnapshotHeight, Ready, LastBlockAgeSeconds, PeersAppHashAgree, PeersAppHashDiffer,
		MempoolTxs, MempoolBytes, MempoolDroppedTotal, MempoolLimitTxs, MempoolLimitBytes, BudgetScale, StateTreeSnapshot}
}

// droppedHelp is MempoolDroppedTotal's help text.
const droppedHelp = "Transactions peers gossiped that the application's mempool left out: reason busy (past twice the pending limit) or invalid (failed the checks)."

// UnknownType is the type label of a transaction that did not decode.
const UnknownType = "unknown"

// Sources are what the gauges read when Prometheus scrapes them.
type Sources struct {
	// TxCache reports the cache of checked transactions (app.App's
	// TxCacheStats); nil leaves its metrics out.
	TxCache func() app.TxCacheStats
	// StateDir is the state store's directory, whose size on disk is
	// StateDiskBytes, and whose filesystem's free space and size are
	// DiskFreeBytes and DiskSizeBytes; empty leaves them out.
	StateDir string
	// TreeSnapshot returns the version of the state engine's on-disk
	// snapshot the tree is read from (store.TreeSnapshot); nil leaves
	// StateTreeSnapshot out.
	TreeSnapshot func() int64
	// LatestSnapshot returns the height of the newest state-sync
	// snapshot on disk (0: none); nil leaves SnapshotHeight out.
	LatestSnapshot func() int64
	// Mempool reports the transactions waiting for a block (app.App's
	// MempoolStats); nil leaves its metrics out.
	Mempool func() app.MempoolStats
	// BudgetScale returns the multiple of the configured block budget
	// this node proposes with (app.App's BudgetScale); nil leaves
	// BudgetScale out.
	BudgetScale func() float64
}

// Metrics records the application's metrics. A nil *Metrics records
// nothing.
type Metrics struct {
	txs      *prometheus.CounterVec
	refused  *prometheus.CounterVec
	checkTx  *prometheus.HistogramVec
	finalize prometheus.Histogram
	commit   prometheus.Histogram
	version  prometheus.Gauge
	access   *prometheus.CounterVec
}

// New creates the metrics and registers them, with the gauges that read
// src, on reg. It fails if a name is already registered there.
func New(reg prometheus.Registerer, src Sources) (*Metrics, error) {
	// Blocks of a few thousand transactions take up to seconds; a CheckTx
	// takes tens of microseconds.
	blockBuckets := prometheus.ExponentialBuckets(0.001, 2, 14) // 1 ms .. 8 s
	m := &Metrics{
		txs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: TxsTotal,
			Help: "Transactions executed in blocks (FinalizeBlock), by message type and result code (0: success)."},
			[]string{"type", "code"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{Name: MempoolRefusedTotal,
			Help: "Transactions CheckTx refused (new) or removed from the mempool (recheck), by result code."},
			[]string{"check", "code"}),
		checkTx: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: CheckTxSeconds,
			Help:    "Time CheckTx took, by kind of check (new or recheck).",
			Buckets: prometheus.ExponentialBuckets(0.00001, 2, 14)}, // 10 µs .. 80 ms
			[]string{"check"}),
		finalize: prometheus.NewHistogram(prometheus.HistogramOpts{Name: FinalizeBlockSeconds,
			Help: "Time FinalizeBlock took to execute a block.", Buckets: blockBuckets}),
		commit: prometheus.NewHistogram(prometheus.HistogramOpts{Name: CommitSeconds,
			Help: "Time Commit took to persist a block's state.", Buckets: blockBuckets}),
		version: prometheus.NewGauge(prometheus.GaugeOpts{Name: StateVersion,
			Help: "Version (block height) of the last committed state."}),
		access: prometheus.NewCounterVec(prometheus.CounterOpts{Name: AccessRequestsTotal,
			Help: "Access requests to shared data (sharing/request_access) recorded in blocks, by outcome."},
			[]string{"outcome"}),
	}
	cs := []prometheus.Collector{m.txs, m.refused, m.checkTx, m.finalize, m.commit, m.version, m.access}
	if src.TxCache != nil {
		stats := src.TxCache
		cs = append(cs,
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: TxCacheHitsTotal,
				Help: "Lookups in the cache of checked transactions that found the transaction (no decoding, no signature check)."},
				func() float64 { return float64(stats().Hits) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: TxCacheMissesTotal,
				Help: "Lookups in the cache of checked transactions that had to decode and verify the transaction."},
				func() float64 { return float64(stats().Misses) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: TxCacheEntries,
				Help: "Transactions held in the cache of checked transactions."},
				func() float64 { return float64(stats().Entries) }))
	}
	if src.Mempool != nil {
		stats := src.Mempool
		cs = append(cs,
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: MempoolTxs,
				Help: "Transactions admitted and not yet executed, as CheckTx's shedding counts them (with the application's mempool: the transactions it holds)."},
				func() float64 { return float64(stats().Txs) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: MempoolBytes,
				Help: "Bytes of those transactions."},
				func() float64 { return float64(stats().Bytes) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: MempoolDroppedTotal, Help: droppedHelp,
				ConstLabels: prometheus.Labels{"reason": "busy"}},
				func() float64 { return float64(stats().DroppedBusy) }),
			prometheus.NewCounterFunc(prometheus.CounterOpts{Name: MempoolDroppedTotal, Help: droppedHelp,
				ConstLabels: prometheus.Labels{"reason": "invalid"}},
				func() float64 { return float64(stats().DroppedInvalid) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: MempoolLimitTxs,
				Help: "The pending limit in transactions CheckTx applies now, past which it answers busy: app.toml's pending_max_txs scaled by the pace and lowered to pending_max_wait of the commit rate (0: no bound)."},
				func() float64 { return float64(stats().LimitTxs) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: MempoolLimitBytes,
				Help: "The same limit in bytes (pending_max_bytes)."},
				func() float64 { return float64(stats().LimitBytes) }))
	}
	if src.BudgetScale != nil {
		cs = append(cs, prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: BudgetScale,
			Help: "The multiple of app.toml's block budget and pending limit this node applies now (1 to block_budget_max_scale, following the block interval and the rounds blocks need)."},
			src.BudgetScale))
	}
	if src.StateDir != "" {
		dir := src.StateDir
		cs = append(cs, prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: StateDiskBytes,
			Help: "Bytes of the files under the state store's directory (data/state)."},
			func() float64 { return float64(dirSize(dir)) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: DiskFreeBytes,
				Help: "Bytes available to the node on the filesystem holding data/state (0 where unknown)."},
				func() float64 { free, _, _ := diskSpace(dir); return float64(free) }),
			prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: DiskSizeBytes,
				Help: "Size in bytes of the filesystem holding data/state (0 where unknown)."},
				func() float64 { _, size, _ := diskSpace(dir); return float64(size) }))
	}
	if src.TreeSnapshot != nil {
		tree := src.TreeSnapshot
		cs = append(cs, prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: StateTreeSnapshot,
			Help: "Version of the memiavl snapshot the state tree is read from (0: iavl engine); the versions after it are in memory and the write-ahead log. It should rise every snapshot_interval versions."},
			func() float64 { return float64(tree()) }))
	}
	if src.LatestSnapshot != nil {
		latest := src.LatestSnapshot
		cs = append(cs, prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: SnapshotHeight,
			Help: "Height of the newest state-sync snapshot this node serves (0: none); its age in blocks is the state version minus this."},
			func() float64 { return float64(latest()) }))
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("metrics: register: %w", err)
		}
	}
	return m, nil
}

// dirSize sums the sizes of the regular files under dir; files that
// vanish during the walk (the store compacts) are skipped.
func dirSize(dir string) int64 {
	var n int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		if info, err := d.Info(); err == nil {
			n += info.Size()
		}
		return nil
	})
	return n
}

// CheckTx records one CheckTx: recheck tells a recheck after a block from
// a new transaction, code is the result code it answered.
func (m *Metrics) CheckTx(recheck bool, code uint32, took time.Duration) {
	if m == nil {
		return
	}
	check := "new"
	if recheck {
		check = "recheck"
	}
	m.checkTx.WithLabelValues(check).Observe(took.Seconds())
	if code != 0 {
		m.refused.WithLabelValues(check, strconv.FormatUint(uint64(code), 10)).Inc()
	}
}

// Tx is one transaction's result in a block, as FinalizeBlock returned it.
type Tx struct {
	// Type is the message type; empty if the transaction did not decode.
	Type string
	// Code is the result code (0: success).
	Code uint32
	// Events are the events the transaction emitted.
	Events []core.Event
}

// Block records one FinalizeBlock: its transactions' results and the
// sharing access requests among their events.
func (m *Metrics) Block(txs []Tx, took time.Duration) {
	if m == nil {
		return
	}
	m.finalize.Observe(took.Seconds())
	for _, tx := range txs {
		typ := tx.Type
		if typ == "" {
			typ = UnknownType
		}
		m.txs.WithLabelValues(typ, strconv.FormatUint(uint64(tx.Code), 10)).Inc()
		for _, ev := range tx.Events {
			if outcome, ok := accessOutcome(ev); ok {
				m.access.WithLabelValues(outcome).Inc()
			}
		}
	}
}

// accessOutcome returns the outcome of a sharing request_access event.
func accessOutcome(ev core.Event) (string, bool) {
	if ev.Type != sharing.EventType {
		return "", false
	}
	var action, outcome string
	for _, a := range ev.Attrs {
		switch a.Key {
		case "action":
			action = a.Value
		case "outcome":
			outcome = a.Value
		}
	}
	if action != "request_access" {
		return "", false
	}
	switch outcome {
	case sharing.OutcomeAllowed, sharing.OutcomeRefused:
		return outcome, true
	}
	return "other", true
}

// Commit records one Commit and the version it committed.
func (m *Metrics) Commit(version int64, took time.Duration) {
	if m == nil {
		return
	}
	m.commit.Observe(took.Seconds())
	m.version.Set(float64(version))
}

// SetVersion records the committed state version without a Commit (at
// start, before the first block).
func (m *Metrics) SetVersion(version int64) {
	if m == nil {
		return
	}
	m.version.Set(float64(version))
}
