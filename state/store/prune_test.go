package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/memiavlengine"
)

// walStarts returns the first index of each memiavl WAL segment in a
// store directory, ascending.
func walStarts(t *testing.T, dir string) []uint64 {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(dir, memiavlengine.Dir, "wal"))
	require.NoError(t, err)
	var out []uint64
	for _, e := range entries {
		if v, err := strconv.ParseUint(e.Name(), 10, 64); err == nil && len(e.Name()) == 20 {
			out = append(out, v)
		}
	}
	return out
}

// TestSwitchPrunesWholeSegmentsInTheBackground writes more than two of
// memiavl's 20 MB WAL segments, then lets the engine rewrite a snapshot and
// switch to it: the switch moves the old snapshot and every segment that
// holds only older versions out of the engine's directory (into the
// trash, which Close leaves empty), keeps the segment holding the
// snapshot's own version, and the store reopens at the same version and
// hash with every key, and still serves a view at the kept snapshot.
func TestSwitchPrunesWholeSegmentsInTheBackground(t *testing.T) {
	dir := t.TempDir()
	cfg := state.DefaultConfig()
	cfg.Engine = state.EngineMemIAVL
	cfg.KeepRecent = 0
	s := openTest(t, dir, cfg)
	m := s.(*store).eng.(*memiavlengine.Engine)
	m.SetSnapshotInterval(1 << 30) // none until the test asks
	value := make([]byte, 64<<10)
	const versions, keys = 60, 12 // 60 versions of 768 KiB: about 45 MiB of log
	for v := 1; v <= versions; v++ {
		for k := 0; k < keys; k++ {
			value[0], value[1] = byte(v), byte(k)
			require.NoError(t, s.Set([]byte(fmt.Sprintf("k%02d", k)), value))
		}
		_, _, err := s.Commit()
		require.NoError(t, err)
	}
	before := walStarts(t, dir)
	require.GreaterOrEqual(t, len(before), 3, "segments %v", before)
	require.Equal(t, uint64(1), before[0])

	// A rewrite starts after the next commit (version 61) and the engine
	// switches to it at a later one.
	m.SetSnapshotInterval(1)
	_, _, err := s.Commit()
	require.NoError(t, err)
	m.SetSnapshotInterval(1 << 30)
	for deadline := time.Now().Add(30 * time.Second); m.Snapshot() == 0; {
		require.True(t, time.Now().Before(deadline), "no switch")
		time.Sleep(10 * time.Millisecond)
		_, _, err := s.Commit()
		require.NoError(t, err)
	}
	snap := m.Snapshot()
	require.Equal(t, int64(versions+1), snap)
	after := walStarts(t, dir)
	require.Greater(t, after[0], uint64(1), "the front segments were pruned: %v", after)
	require.LessOrEqual(t, after[0], uint64(snap), "the segment holding the snapshot's own version is kept: %v", after)
	require.Equal(t, before[len(before)-1], after[0], "only whole segments before the last one were pruned")
	_, err = os.Stat(filepath.Join(dir, memiavlengine.Dir, "snapshot-00000000000000000000"))
	require.ErrorIs(t, err, os.ErrNotExist, "snapshot 0 was pruned")

	version, hash := s.Version(), s.LastHash()
	all := collect(t, s, nil, nil, true)
	require.NoError(t, s.Close())
	trash, err := os.ReadDir(filepath.Join(dir, memiavlengine.Dir+".pruned"))
	require.NoError(t, err)
	require.Empty(t, trash, "Close waits for the trash to be emptied")

	// What a crash between the move and the deletion leaves in the trash
	// is deleted once the store is open again.
	left := filepath.Join(dir, memiavlengine.Dir+".pruned", "00000000000000000061", "wal-leftover")
	require.NoError(t, os.MkdirAll(filepath.Dir(left), 0o755))
	require.NoError(t, os.WriteFile(left, value, 0o644))
	s = openTest(t, dir, cfg)
	require.Equal(t, version, s.Version())
	require.Equal(t, hash, s.LastHash())
	require.Equal(t, all, collect(t, s, nil, nil, true))
	v, err := s.ViewAt(snap)
	require.NoError(t, err, "the kept snapshot's version is still readable")
	require.NoError(t, v.Close())
	require.NoError(t, s.Close())
	trash, err = os.ReadDir(filepath.Join(dir, memiavlengine.Dir+".pruned"))
	require.NoError(t, err)
	require.Empty(t, trash, "the leftover was deleted")
}
