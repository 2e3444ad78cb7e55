package abci

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/abci/metrics"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/store"
)

// TestCommitLogsTheSwitchToATreeSnapshot runs blocks on a memiavl store
// that rewrites its tree as a snapshot every 3 versions, as start wires
// it: Commit logs one line each time the node switches to a newer
// snapshot (with the snapshot's version and the one before it), and the
// gauge shows the snapshot the tree is read from.
func TestCommitLogsTheSwitchToATreeSnapshot(t *testing.T) {
	var buf bytes.Buffer
	cfg := state.DefaultConfig()
	cfg.Engine = state.EngineMemIAVL
	cfg.SnapshotInterval = 3
	s, st := faultTestAppOn(t, t.TempDir(), cfg, cmtlog.NewTMJSONLogger(&buf))
	tree := func() int64 { return store.TreeSnapshot(st) }
	s.SetTreeSnapshot(tree)
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg, metrics.Sources{TreeSnapshot: tree})
	require.NoError(t, err)
	s.SetMetrics(m)
	require.Zero(t, tree(), "a new store reads the snapshot it was created with")

	type line struct {
		Msg      string `json:"_msg"`
		Height   int64  `json:"height"`
		Snapshot int64  `json:"snapshot"`
		Previous int64  `json:"previous"`
	}
	switches := func() []line {
		var out []line
		for _, raw := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
			if raw == "" {
				continue
			}
			var l line
			require.NoError(t, json.Unmarshal([]byte(raw), &l), raw)
			if l.Msg == "state tree switched to its snapshot" {
				out = append(out, l)
			}
		}
		return out
	}
	h := int64(1)
	for deadline := time.Now().Add(30 * time.Second); len(switches()) < 3; h++ {
		require.True(t, time.Now().Before(deadline), "fewer than 3 switches by height %d:\n%s", h, buf.String())
		faultTestBlock(t, s, h)
		time.Sleep(5 * time.Millisecond) // let the background rewrite run
	}
	prev := int64(0)
	for _, l := range switches() {
		require.Equal(t, prev, l.Previous, "%+v", l)
		require.Greater(t, l.Snapshot, prev, "%+v", l)
		require.Zero(t, l.Snapshot%3, "snapshots are written every 3 versions: %+v", l)
		require.Less(t, l.Snapshot, l.Height, "the switch happens at a commit after the snapshot's version: %+v", l)
		prev = l.Snapshot
	}
	require.Equal(t, prev, tree())
	require.Equal(t, float64(prev), metricValue(t, reg, metrics.StateTreeSnapshot))
}
