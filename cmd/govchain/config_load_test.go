package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
)

// TestLoadConfig: [load] round-trips through app.toml, an app.toml
// written before it existed gets the app's defaults, and a negative bound
// is refused with a one-line reason naming the section.
func TestLoadConfig(t *testing.T) {
	home := t.TempDir()
	f := filepath.Join(home, "config", AppConfigFile)
	require.NoError(t, os.MkdirAll(filepath.Dir(f), 0o700))
	want := DefaultConfig()
	require.Equal(t, app.DefaultBlockBudget(), want.Load.Budget())
	require.Equal(t, app.DefaultPendingLimit(), want.Load.Pending())
	pace, err := want.Load.Pace(500 * time.Millisecond)
	require.NoError(t, err)
	require.Equal(t, app.BudgetPace{MaxEighths: 16, Target: time.Second}, pace, "up to twice the budget; twice timeout_commit")
	want.Load = LoadLimits{BlockMaxTxs: 7, BlockMaxBytes: 8, BlockMaxWork: 9, PendingMaxTxs: 10, PendingMaxBytes: 0,
		PendingMaxWait: 2500 * time.Millisecond, BlockBudgetMaxScale: 1.5, BlockIntervalTarget: 1500 * time.Millisecond}
	require.NoError(t, WriteConfig(f, want))
	got, err := LoadConfig(home)
	require.NoError(t, err)
	require.Equal(t, want, got)
	require.Equal(t, app.BlockBudget{MaxTxs: 7, MaxBytes: 8, MaxWork: 9}, got.Load.Budget())
	require.Equal(t, app.PendingLimit{MaxTxs: 10, MaxWait: 2500 * time.Millisecond}, got.Load.Pending())
	pace, err = got.Load.Pace(time.Second)
	require.NoError(t, err)
	require.Equal(t, app.BudgetPace{MaxEighths: 12, Target: 1500 * time.Millisecond}, pace)

	b, err := os.ReadFile(f)
	require.NoError(t, err)
	old, _, ok := strings.Cut(string(b), "[load]")
	require.True(t, ok)
	require.NoError(t, os.WriteFile(f, []byte(old), 0o644))
	got, err = LoadConfig(home)
	require.NoError(t, err)
	require.Equal(t, DefaultLoadLimits(), got.Load)

	require.NoError(t, os.WriteFile(f, []byte(old+"[load]\npending_max_txs = -1\n"), 0o644))
	_, err = LoadConfig(home)
	require.ErrorContains(t, err, "app.toml: [load] app: pending limit bounds must not be negative")
	require.NotContains(t, err.Error(), "\n")
	for bad, msg := range map[string]string{
		"block_budget_max_scale = 0.5":  "app.toml: [load] block_budget_max_scale 0.5 is not between 1 and 16 in steps of 1/8",
		"block_budget_max_scale = 17":   "app.toml: [load] block_budget_max_scale 17 is not between 1 and 16 in steps of 1/8",
		"block_budget_max_scale = 1.3":  "app.toml: [load] block_budget_max_scale 1.3 is not between 1 and 16 in steps of 1/8",
		`block_interval_target = "-1s"`: "app.toml: [load] app: block interval target -1s is negative",
		`pending_max_wait = "-1s"`:      "app.toml: [load] app: pending limit bounds must not be negative (max_txs 3750, max_bytes 1966080, max_wait -1s)",
		`block_interval_target = "1"`:   "app.toml: decoding failed due to the following error(s): 'load.block_interval_target' time: missing unit in duration",
	} {
		require.NoError(t, os.WriteFile(f, []byte(old+"[load]\n"+bad+"\n"), 0o644))
		_, err = LoadConfig(home)
		require.ErrorContains(t, err, msg, bad)
		require.NotContains(t, err.Error(), "\n")
	}
}
