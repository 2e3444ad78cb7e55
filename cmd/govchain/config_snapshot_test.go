package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/snapshot"
)

func TestSnapshotConfig(t *testing.T) {
	home := t.TempDir()
	f := filepath.Join(home, "config", AppConfigFile)
	require.NoError(t, os.MkdirAll(filepath.Dir(f), 0o700))
	want := DefaultConfig()
	require.Equal(t, snapshot.DefaultConfig(), want.Snapshot)
	want.Snapshot = snapshot.Config{Interval: 10, KeepRecent: 3}
	require.NoError(t, WriteConfig(f, want))
	got, err := LoadConfig(home)
	require.NoError(t, err)
	require.Equal(t, want, got)

	// An app.toml written before [snapshot] existed gets the defaults.
	b, err := os.ReadFile(f)
	require.NoError(t, err)
	old, _, ok := strings.Cut(string(b), "[snapshot]")
	require.True(t, ok)
	require.NoError(t, os.WriteFile(f, []byte(old), 0o644))
	got, err = LoadConfig(home)
	require.NoError(t, err)
	require.Equal(t, snapshot.DefaultConfig(), got.Snapshot)

	// keep_recent 0 would delete every snapshot as it is made.
	require.NoError(t, os.WriteFile(f, []byte(old+"[snapshot]\ninterval = 5\nkeep_recent = 0\n"), 0o644))
	_, err = LoadConfig(home)
	require.ErrorContains(t, err, "app.toml: [snapshot] snapshot: keep_recent")
	// interval 0 disables snapshots.
	require.NoError(t, os.WriteFile(f, []byte(old+"[snapshot]\ninterval = 0\nkeep_recent = 0\n"), 0o644))
	got, err = LoadConfig(home)
	require.NoError(t, err)
	require.Zero(t, got.Snapshot.Interval)
}
