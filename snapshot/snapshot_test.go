package snapshot

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/store"
)

var engines = []string{state.EngineMemIAVL, state.EngineIAVL}

func openStore(t *testing.T, engine string) state.Store {
	t.Helper()
	cfg := state.DefaultConfig()
	cfg.Engine = engine
	// memiavl: an older version needs a kept snapshot at or below it.
	cfg.SnapshotInterval, cfg.KeepRecent = 4, 100
	st, err := store.Open(t.TempDir(), cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// fill commits versions of random sets and deletes to st.
func fill(t *testing.T, st state.Store, versions, writes int, seed uint64) {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	var keys [][]byte
	for v := 0; v < versions; v++ {
		for i := 0; i < writes; i++ {
			if len(keys) > 10 && rng.IntN(8) == 0 {
				k := keys[rng.IntN(len(keys))]
				require.NoError(t, st.Delete(k))
				continue
			}
			k := make([]byte, 1+rng.IntN(40))
			for j := range k {
				k[j] = byte(rng.IntN(256))
			}
			val := bytes.Repeat([]byte{byte(rng.IntN(256))}, rng.IntN(300))
			require.NoError(t, st.Set(k, val))
			keys = append(keys, k)
		}
		_, _, err := st.Commit()
		require.NoError(t, err)
	}
}

func newManager(t *testing.T, st state.Store, cfg Config, chunkSize int) *Manager {
	t.Helper()
	m, err := NewManager(filepath.Join(t.TempDir(), "snapshots"), st, cfg, Options{ChunkSize: chunkSize})
	require.NoError(t, err)
	t.Cleanup(func() { _ = m.Close() })
	return m
}

// contents reads every key and value of r in order.
func contents(t *testing.T, r state.Reader) [][2][]byte {
	t.Helper()
	it, err := r.Iterator(nil, nil, true)
	require.NoError(t, err)
	defer it.Close()
	var out [][2][]byte
	for ; it.Valid(); it.Next() {
		out = append(out, [2][]byte{bytes.Clone(it.Key()), bytes.Clone(it.Value())})
	}
	require.NoError(t, it.Error())
	return out
}

func hashAt(t *testing.T, st state.Store, v int64) []byte {
	t.Helper()
	view, err := st.ViewAt(v)
	require.NoError(t, err)
	defer view.Close()
	return view.Hash()
}

// restoreAll offers info and applies every chunk src serves.
func restoreAll(t *testing.T, src, dst *Manager, info Info, trusted []byte) error {
	t.Helper()
	if err := dst.Offer(info, trusted); err != nil {
		return err
	}
	for i := uint32(0); i < info.Chunks; i++ {
		chunk, err := src.LoadChunk(info.Height, info.Format, i)
		require.NoError(t, err)
		done, err := dst.ApplyChunk(i, chunk)
		if err != nil {
			return err
		}
		require.Equal(t, i == info.Chunks-1, done)
	}
	return nil
}

func TestTreeHasherMatchesEngines(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng, func(t *testing.T) {
			st := openStore(t, eng)
			fill(t, st, 12, 60, 1)
			for _, v := range []int64{1, 8, 12} {
				ex, err := st.Export(v)
				require.NoError(t, err)
				var h treeHasher
				for {
					n, err := ex.Next()
					if errors.Is(err, state.ErrExportDone) {
						break
					}
					require.NoError(t, err)
					require.NoError(t, h.add(n))
				}
				require.NoError(t, ex.Close())
				root, err := h.root()
				require.NoError(t, err)
				require.Equal(t, hashAt(t, st, v), root, "version %d", v)
			}
		})
	}
	var h treeHasher
	root, err := h.root()
	require.NoError(t, err)
	require.Equal(t, sha256.New().Sum(nil), root, "empty tree")
}

// TestRoundTrip snapshots a version of each engine in many small chunks
// and restores it into a fresh store of each engine.
func TestRoundTrip(t *testing.T) {
	for _, from := range engines {
		for _, to := range engines {
			t.Run(from+"->"+to, func(t *testing.T) {
				src := openStore(t, from)
				fill(t, src, 10, 200, 2)
				sm := newManager(t, src, DefaultConfig(), 4<<10)
				require.NoError(t, sm.Snapshot(8)) // an older version
				require.NoError(t, sm.Wait())
				list, err := sm.List()
				require.NoError(t, err)
				require.Len(t, list, 1)
				info := list[0]
				require.Equal(t, uint64(8), info.Height)
				require.Equal(t, Format, info.Format)
				require.Greater(t, info.Chunks, uint32(3), "small chunks")

				dst := openStore(t, to)
				dm := newManager(t, dst, DefaultConfig(), 0)
				want := hashAt(t, src, 8)
				require.NoError(t, restoreAll(t, sm, dm, info, want))
				require.Equal(t, int64(8), dst.Version())
				require.Equal(t, want, dst.LastHash())
				view, err := src.ViewAt(8)
				require.NoError(t, err)
				require.Equal(t, contents(t, view), contents(t, dst))
				require.NoError(t, view.Close())

				// The restored store commits on, and can itself be snapshotted.
				require.NoError(t, dst.Set([]byte("after"), []byte("restore")))
				_, v, err := dst.Commit()
				require.NoError(t, err)
				require.Equal(t, int64(9), v)
				require.NoError(t, dm.Snapshot(9))
				require.NoError(t, dm.Wait())
			})
		}
	}
}

func TestCorruptChunkIsRefused(t *testing.T) {
	src := openStore(t, state.EngineMemIAVL)
	fill(t, src, 5, 200, 3)
	sm := newManager(t, src, DefaultConfig(), 4<<10)
	require.NoError(t, sm.Snapshot(5))
	require.NoError(t, sm.Wait())
	list, err := sm.List()
	require.NoError(t, err)
	info := list[0]
	require.Greater(t, info.Chunks, uint32(2))

	dst := openStore(t, state.EngineIAVL)
	dm := newManager(t, dst, DefaultConfig(), 0)
	require.NoError(t, dm.Offer(info, src.LastHash()))
	for i := uint32(0); i < info.Chunks; i++ {
		chunk, err := sm.LoadChunk(info.Height, info.Format, i)
		require.NoError(t, err)
		if i == 1 {
			bad := bytes.Clone(chunk)
			bad[len(bad)/2] ^= 0x01
			_, err := dm.ApplyChunk(i, bad)
			require.ErrorIs(t, err, ErrChunkCorrupt)
			_, err = dm.ApplyChunk(i, chunk[:len(chunk)-1])
			require.ErrorIs(t, err, ErrChunkCorrupt)
		}
		_, err = dm.ApplyChunk(i, chunk)
		require.NoError(t, err, "the good copy is accepted after a corrupt one")
	}
	require.Equal(t, src.LastHash(), dst.LastHash())
}

// TestAppHashMismatchLeavesStoreEmpty restores a snapshot whose metadata
// claims the trusted root but whose nodes hash to another: the import is
// abandoned at the end and the store is empty and usable.
func TestAppHashMismatchLeavesStoreEmpty(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng, func(t *testing.T) {
			src := openStore(t, state.EngineMemIAVL)
			fill(t, src, 4, 100, 4)
			sm := newManager(t, src, DefaultConfig(), 2<<10)
			require.NoError(t, sm.Snapshot(4))
			require.NoError(t, sm.Wait())
			list, err := sm.List()
			require.NoError(t, err)
			honest := list[0]

			// A forger relabels the snapshot with the trusted root hash.
			trusted := sha256.Sum256([]byte("the chain's real app hash"))
			md, err := decodeMetadata(honest.Metadata)
			require.NoError(t, err)
			md.root = trusted[:]
			forged := md.info()

			dst := openStore(t, eng)
			dm := newManager(t, dst, DefaultConfig(), 0)
			err = restoreAll(t, sm, dm, forged, trusted[:])
			require.ErrorIs(t, err, ErrAppHashMismatch)
			require.Equal(t, int64(0), dst.Version())
			require.Equal(t, sha256.New().Sum(nil), dst.LastHash())
			_, err = dm.ApplyChunk(0, nil)
			require.ErrorIs(t, err, ErrNoRestore, "the restore is over")

			// The honest snapshot restores into the same store afterwards.
			require.NoError(t, restoreAll(t, sm, dm, honest, src.LastHash()))
			require.Equal(t, src.LastHash(), dst.LastHash())
			require.NoError(t, dst.Set([]byte("k"), []byte("v")))
			_, _, err = dst.Commit()
			require.NoError(t, err)
		})
	}
}

func TestOfferChecks(t *testing.T) {
	src := openStore(t, state.EngineMemIAVL)
	fill(t, src, 3, 50, 5)
	sm := newManager(t, src, DefaultConfig(), 1<<10)
	require.NoError(t, sm.Snapshot(3))
	require.NoError(t, sm.Wait())
	list, err := sm.List()
	require.NoError(t, err)
	good := list[0]
	trusted := src.LastHash()

	dst := openStore(t, state.EngineMemIAVL)
	dm := newManager(t, dst, DefaultConfig(), 0)
	mod := func(f func(*Info)) Info {
		i := good
		i.Hash, i.Metadata = bytes.Clone(good.Hash), bytes.Clone(good.Metadata)
		f(&i)
		return i
	}
	require.ErrorIs(t, dm.Offer(mod(func(i *Info) { i.Format = 2 }), trusted), ErrUnknownFormat)
	for name, bad := range map[string]Info{
		"metadata":     mod(func(i *Info) { i.Metadata = i.Metadata[:len(i.Metadata)-1] }),
		"trailing":     mod(func(i *Info) { i.Metadata = append(i.Metadata, 0) }),
		"empty":        mod(func(i *Info) { i.Metadata = nil }),
		"chunk count":  mod(func(i *Info) { i.Chunks++ }),
		"height":       mod(func(i *Info) { i.Height++ }),
		"hash":         mod(func(i *Info) { i.Hash[0] ^= 1 }),
		"chunk hashes": mod(func(i *Info) { i.Metadata[len(i.Metadata)-1] ^= 1 }),
	} {
		require.ErrorIs(t, dm.Offer(bad, trusted), ErrInvalidSnapshot, name)
	}
	wrong := sha256.Sum256([]byte("other"))
	require.ErrorIs(t, dm.Offer(good, wrong[:]), ErrInvalidSnapshot, "declared root is not the trusted hash")

	// Out of order, then the right order.
	require.NoError(t, dm.Offer(good, trusted))
	c1, err := sm.LoadChunk(good.Height, good.Format, 1)
	require.NoError(t, err)
	_, err = dm.ApplyChunk(1, c1)
	require.ErrorIs(t, err, ErrChunkOrder)
	// A new offer abandons the restore in progress.
	require.NoError(t, restoreAll(t, sm, dm, good, trusted))
	require.Equal(t, trusted, dst.LastHash())

	// A store that holds state cannot restore.
	err = dm.Offer(good, trusted)
	require.Error(t, err)
	require.Contains(t, err.Error(), "needs an empty store")

	// Chunks this node does not have.
	_, err = sm.LoadChunk(good.Height, good.Format, good.Chunks)
	require.ErrorIs(t, err, ErrNotFound)
	_, err = sm.LoadChunk(good.Height+1, good.Format, 0)
	require.ErrorIs(t, err, ErrNotFound)
	_, err = sm.LoadChunk(good.Height, 2, 0)
	require.ErrorIs(t, err, ErrNotFound)
}

func TestBadContentIsRejected(t *testing.T) {
	st := openStore(t, state.EngineIAVL)
	m := newManager(t, st, DefaultConfig(), 0)
	// A branch with no subtrees below it, correctly listed and hashed.
	raw := appendRecord(nil, &state.ExportNode{Key: []byte("k"), Version: 1, Height: 1})
	chunk, err := compress(raw)
	require.NoError(t, err)
	sum := sha256.Sum256(chunk)
	trusted := sha256.Sum256([]byte("x"))
	md := &metadata{format: Format, height: 1, root: trusted[:], chunks: [][]byte{sum[:]}}
	require.NoError(t, m.Offer(md.info(), trusted[:]))
	_, err = m.ApplyChunk(0, chunk)
	require.ErrorIs(t, err, ErrBadContent)
	require.Equal(t, int64(0), st.Version())
	require.NoError(t, st.Set([]byte("a"), []byte("b")), "the store is usable again")
}

func TestIntervalAndKeepRecent(t *testing.T) {
	st := openStore(t, state.EngineMemIAVL)
	m := newManager(t, st, Config{Interval: 5, KeepRecent: 2}, 0)
	for v := int64(1); v <= 23; v++ {
		require.NoError(t, st.Set([]byte(fmt.Sprintf("k%d", v)), []byte("v")))
		_, got, err := st.Commit()
		require.NoError(t, err)
		require.Equal(t, v, got)
		m.AfterCommit(v)
		require.NoError(t, m.Wait())
	}
	list, err := m.List()
	require.NoError(t, err)
	var heights []uint64
	for _, i := range list {
		heights = append(heights, i.Height)
	}
	require.Equal(t, []uint64{20, 15}, heights, "newest first, keep_recent of them")
	entries, err := os.ReadDir(m.dir)
	require.NoError(t, err)
	require.Len(t, entries, 2, "pruned snapshots are gone from disk")

	// Interval 0 takes none.
	m0 := newManager(t, st, Config{Interval: 0, KeepRecent: 1}, 0)
	m0.AfterCommit(20)
	require.NoError(t, m0.Wait())
	list, err = m0.List()
	require.NoError(t, err)
	require.Empty(t, list)
}

func TestConfigValidate(t *testing.T) {
	require.NoError(t, DefaultConfig().Validate())
	require.NoError(t, Config{}.Validate(), "disabled")
	require.ErrorContains(t, Config{Interval: 10}.Validate(), "keep_recent")
	require.ErrorContains(t, Config{Interval: 10, KeepRecent: 5000}.Validate(), "keep_recent")
}

// TestCrashLeftoversAreIgnoredAndRemoved: a crash while writing leaves a
// .tmp directory (and while pruning a .del one); List never shows them
// and the next NewManager removes them.
func TestCrashLeftoversAreIgnoredAndRemoved(t *testing.T) {
	st := openStore(t, state.EngineMemIAVL)
	fill(t, st, 6, 50, 6)
	dir := filepath.Join(t.TempDir(), "snapshots")
	m, err := NewManager(dir, st, DefaultConfig(), Options{})
	require.NoError(t, err)
	require.NoError(t, m.Snapshot(3))
	require.NoError(t, m.Wait())
	// What a crash in the middle of writing snapshot 6 leaves.
	half := filepath.Join(dir, fmt.Sprintf("%020d", 6)+tmpSuffix)
	require.NoError(t, os.MkdirAll(half, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(half, chunkName(0)), []byte("half a chunk"), 0o644))
	gone := filepath.Join(dir, fmt.Sprintf("%020d", 1)+delSuffix)
	require.NoError(t, os.MkdirAll(gone, 0o755))
	list, err := m.List()
	require.NoError(t, err)
	require.Len(t, list, 1)
	require.Equal(t, uint64(3), list[0].Height)
	require.NoError(t, m.Close())

	m, err = NewManager(dir, st, DefaultConfig(), Options{})
	require.NoError(t, err)
	defer m.Close()
	require.NoDirExists(t, half)
	require.NoDirExists(t, gone)
	require.NoError(t, m.Snapshot(6), "the interrupted snapshot can be taken again")
	require.NoError(t, m.Wait())
	list, err = m.List()
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Equal(t, uint64(6), list[0].Height)
}

// TestSnapshotRunsInBackground: Snapshot returns before the snapshot is
// written, a second one meanwhile is refused with ErrBusy, the store keeps
// committing, and Close stops a running snapshot without leaving a .tmp.
func TestSnapshotRunsInBackground(t *testing.T) {
	st := openStore(t, state.EngineMemIAVL)
	fill(t, st, 2, 20_000, 7)
	m := newManager(t, st, DefaultConfig(), 64<<10)
	require.NoError(t, m.Snapshot(2))
	require.ErrorIs(t, m.Snapshot(1), ErrBusy)
	require.NoError(t, st.Set([]byte("during"), []byte("snapshot")))
	_, _, err := st.Commit()
	require.NoError(t, err)
	require.NoError(t, m.Wait())
	list, err := m.List()
	require.NoError(t, err)
	require.Len(t, list, 1)

	require.NoError(t, m.Snapshot(3))
	require.NoError(t, m.Close())
	require.ErrorIs(t, m.Snapshot(3), ErrClosed)
	entries, err := os.ReadDir(m.dir)
	require.NoError(t, err)
	for _, e := range entries {
		require.NotContains(t, e.Name(), ".", "no temporary directory after Close")
	}
}

func TestChunkDecodingLimits(t *testing.T) {
	var raw []byte
	raw = appendRecord(raw, &state.ExportNode{Key: []byte("a"), Value: []byte{}, Version: 3})
	raw = appendRecord(raw, &state.ExportNode{Key: []byte("b"), Value: []byte("v"), Version: 1})
	raw = appendRecord(raw, &state.ExportNode{Key: []byte("b"), Version: 3, Height: 1})
	chunk, err := compress(raw)
	require.NoError(t, err)
	var got []*state.ExportNode
	require.NoError(t, decodeChunk(chunk, func(n *state.ExportNode) error { got = append(got, n); return nil }))
	require.Equal(t, []*state.ExportNode{
		{Key: []byte("a"), Value: []byte{}, Version: 3},
		{Key: []byte("b"), Value: []byte("v"), Version: 1},
		{Key: []byte("b"), Version: 3, Height: 1},
	}, got)

	nop := func(*state.ExportNode) error { return nil }
	truncated, err := compress(raw[:len(raw)-1])
	require.NoError(t, err)
	require.ErrorIs(t, decodeChunk(truncated, nop), ErrMalformed)
	require.ErrorIs(t, decodeChunk([]byte("not zlib"), nop), ErrMalformed)
	bomb, err := compress(make([]byte, maxRawChunk+1))
	require.NoError(t, err)
	require.ErrorIs(t, decodeChunk(bomb, nop), ErrMalformed)
}
