package abci

import (
	"context"
	"fmt"
	"testing"

	abcitypes "github.com/cometbft/cometbft/abci/types"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/abci/metrics"
	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// TestMetricsObserveHooks drives the Application through CheckTx and
// blocks and reads the registry: transactions by type and code, mempool
// refusals by code, one latency sample per hook, the state version and
// the cache of checked transactions.
func TestMetricsObserveHooks(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := faultTestApp(t, dir, state.EngineMemIAVL, cmtlog.NewNopLogger())
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg, metrics.Sources{TxCache: s.app.TxCacheStats, StateDir: dir})
	require.NoError(t, err)
	s.SetMetrics(m)
	faultTestBlock(t, s, 1)

	grant, err := app.NewTx("c", key("admin"), 0, &agency.GrantRole{Account: addr("alice"), Role: core.RoleNotary})
	require.NoError(t, err)
	bad, err := app.NewTx("c", key("alice"), 0, &agency.GrantRole{Account: addr("bob"), Role: core.RoleNotary})
	require.NoError(t, err)
	for _, tx := range [][]byte{grant, grant, bad} {
		_, err := s.CheckTx(ctx, &abcitypes.RequestCheckTx{Tx: tx})
		require.NoError(t, err)
	}
	_, err = s.CheckTx(ctx, &abcitypes.RequestCheckTx{Tx: []byte("junk"), Type: abcitypes.CheckTxType_Recheck})
	require.NoError(t, err)
	notAdmin := Code(core.ErrNotAgencyAdmin)

	codes := faultTestBlock(t, s, 2, grant, bad, []byte("junk"))
	require.Equal(t, []uint32{CodeOK, notAdmin}, codes[:2])
	codes = append(codes, faultTestBlock(t, s, 3, grant)...) // replayed: sequence used

	rows := []struct {
		typ  string
		code uint32
		want float64
	}{
		{agency.TypeGrantRole, CodeOK, 1},
		{agency.TypeGrantRole, notAdmin, 1},
		{agency.TypeGrantRole, codes[3], 1},
		{metrics.UnknownType, codes[2], 1},
	}
	require.NotEqual(t, CodeOK, codes[2])
	require.NotEqual(t, CodeOK, codes[3])
	for _, r := range rows {
		require.Equal(t, r.want, metricValue(t, reg, metrics.TxsTotal, "type", r.typ, "code", fmt.Sprint(r.code)), "%s code %d", r.typ, r.code)
	}
	require.Equal(t, len(rows), testutil.CollectAndCount(reg, metrics.TxsTotal))

	require.Equal(t, 2, testutil.CollectAndCount(reg, metrics.MempoolRefusedTotal), "one per (check, code)")
	require.Equal(t, float64(1), metricValue(t, reg, metrics.MempoolRefusedTotal, "check", "new", "code", fmt.Sprint(notAdmin)))
	require.Equal(t, float64(1), metricValue(t, reg, metrics.MempoolRefusedTotal, "check", "recheck", "code", fmt.Sprint(codes[2])))

	require.Equal(t, float64(3), metricValue(t, reg, metrics.StateVersion))
	require.Equal(t, uint64(3), histogramCount(t, reg, metrics.FinalizeBlockSeconds))
	require.Equal(t, uint64(3), histogramCount(t, reg, metrics.CommitSeconds))
	require.Equal(t, uint64(4), histogramCount(t, reg, metrics.CheckTxSeconds))

	// The second CheckTx of grant and its block hit the cache.
	stats := s.app.TxCacheStats()
	require.GreaterOrEqual(t, stats.Hits, uint64(2))
	require.Equal(t, float64(stats.Hits), metricValue(t, reg, metrics.TxCacheHitsTotal))
	require.Equal(t, float64(stats.Misses), metricValue(t, reg, metrics.TxCacheMissesTotal))
	require.Positive(t, metricValue(t, reg, metrics.StateDiskBytes))
	free, size := metricValue(t, reg, metrics.DiskFreeBytes), metricValue(t, reg, metrics.DiskSizeBytes)
	require.Positive(t, free)
	require.Less(t, free, size)
}

// metricValue returns the value of the counter or gauge series of name in
// reg whose labels include the given name/value pairs, failing if there
// is not exactly one.
func metricValue(t *testing.T, reg *prometheus.Registry, name string, labels ...string) float64 {
	t.Helper()
	got, err := reg.Gather()
	require.NoError(t, err)
	var found []float64
	for _, mf := range got {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, mt := range mf.GetMetric() {
			have := map[string]string{}
			for _, lp := range mt.GetLabel() {
				have[lp.GetName()] = lp.GetValue()
			}
			for i := 0; i+1 < len(labels); i += 2 {
				if have[labels[i]] != labels[i+1] {
					continue series
				}
			}
			switch {
			case mt.GetCounter() != nil:
				found = append(found, mt.GetCounter().GetValue())
			case mt.GetGauge() != nil:
				found = append(found, mt.GetGauge().GetValue())
			}
		}
	}
	require.Len(t, found, 1, "series %s%v", name, labels)
	return found[0]
}

// histogramCount sums the sample counts of every series of the named
// histogram in reg.
func histogramCount(t *testing.T, reg *prometheus.Registry, name string) uint64 {
	t.Helper()
	got, err := reg.Gather()
	require.NoError(t, err)
	var n uint64
	for _, mf := range got {
		if mf.GetName() != name {
			continue
		}
		for _, mt := range mf.GetMetric() {
			n += mt.GetHistogram().GetSampleCount()
		}
	}
	return n
}
