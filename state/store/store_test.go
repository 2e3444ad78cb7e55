package store

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/state"
)

var engines = []string{state.EngineMemIAVL, state.EngineIAVL}

func testConfig(engine string) state.Config {
	cfg := state.DefaultConfig()
	cfg.Engine = engine
	cfg.CacheSize = 1000
	cfg.SnapshotInterval = 4
	return cfg
}

func openTest(t *testing.T, dir string, cfg state.Config) state.Store {
	t.Helper()
	s, err := Open(dir, cfg)
	require.NoError(t, err)
	return s
}

// op is one random write; value nil means delete.
type op struct{ key, value []byte }

// randomBlocks returns n blocks of random writes over a small key space,
// so that keys are overwritten and deleted often.
func randomBlocks(seed uint64, n, perBlock int) [][]op {
	r := rand.New(rand.NewPCG(seed, 1))
	blocks := make([][]op, n)
	for i := range blocks {
		for j := 0; j < perBlock; j++ {
			k := []byte(fmt.Sprintf("k%04d", r.IntN(500)))
			if r.IntN(4) == 0 {
				blocks[i] = append(blocks[i], op{key: k})
				continue
			}
			v := make([]byte, 1+r.IntN(40))
			for x := range v {
				v[x] = byte(r.Uint32())
			}
			blocks[i] = append(blocks[i], op{key: k, value: v})
		}
	}
	return blocks
}

func apply(t *testing.T, kv state.KV, ops []op) {
	t.Helper()
	for _, o := range ops {
		if o.value == nil {
			require.NoError(t, kv.Delete(o.key))
		} else {
			require.NoError(t, kv.Set(o.key, o.value))
		}
	}
}

func collect(t *testing.T, r state.Reader, start, end []byte, ascending bool) []string {
	t.Helper()
	it, err := r.Iterator(start, end, ascending)
	require.NoError(t, err)
	defer it.Close()
	var out []string
	for ; it.Valid(); it.Next() {
		out = append(out, string(it.Key())+"="+fmt.Sprintf("%x", it.Value()))
	}
	require.NoError(t, it.Error())
	return out
}

func TestEmptyStoreHash(t *testing.T) {
	var first []byte
	for _, eng := range engines {
		s := openTest(t, t.TempDir(), testConfig(eng))
		require.Equal(t, int64(0), s.Version())
		require.Equal(t, emptyHash, s.LastHash())
		require.Equal(t, emptyHash, s.WorkingHash())
		h, v, err := s.Commit()
		require.NoError(t, err)
		require.Equal(t, int64(1), v)
		if first == nil {
			first = h
		}
		require.Equal(t, first, h, eng)
		require.NoError(t, s.Close())
	}
}

func TestCrossEngineDeterminism(t *testing.T) {
	blocks := randomBlocks(7, 40, 150)
	dirs := map[string]string{}
	stores := map[string]state.Store{}
	for _, eng := range engines {
		dirs[eng] = t.TempDir()
		stores[eng] = openTest(t, dirs[eng], testConfig(eng))
	}
	for i, b := range blocks {
		var want []byte
		for _, eng := range engines {
			s := stores[eng]
			apply(t, s, b)
			wh := s.WorkingHash()
			h, v, err := s.Commit()
			require.NoError(t, err)
			require.Equal(t, int64(i+1), v)
			require.Equal(t, wh, h, "working hash equals committed hash")
			if want == nil {
				want = h
			}
			require.Equal(t, want, h, "engine %s at version %d", eng, v)
		}
		if i == 20 { // reopen both midway
			for _, eng := range engines {
				require.NoError(t, stores[eng].Close())
				stores[eng] = openTest(t, dirs[eng], testConfig(eng))
			}
		}
	}
	a, b := stores[state.EngineMemIAVL], stores[state.EngineIAVL]
	require.Equal(t, collect(t, a, nil, nil, true), collect(t, b, nil, nil, true))
	require.Equal(t, collect(t, a, []byte("k01"), []byte("k03"), false), collect(t, b, []byte("k01"), []byte("k03"), false))
	for _, s := range stores {
		require.NoError(t, s.Close())
	}
}

func TestReopenKeepsEverything(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng, func(t *testing.T) {
			dir := t.TempDir()
			s := openTest(t, dir, testConfig(eng))
			blocks := randomBlocks(3, 10, 50)
			hashes := map[int64][]byte{}
			for _, b := range blocks {
				apply(t, s, b)
				h, v, err := s.Commit()
				require.NoError(t, err)
				hashes[v] = h
			}
			all := collect(t, s, nil, nil, true)
			require.NoError(t, s.Close())
			require.ErrorIs(t, s.Close(), state.ErrClosed)
			_, err := s.Get([]byte("k"))
			require.ErrorIs(t, err, state.ErrClosed)

			s = openTest(t, dir, testConfig(eng))
			defer s.Close()
			require.Equal(t, int64(10), s.Version())
			require.Equal(t, hashes[10], s.LastHash())
			require.Equal(t, all, collect(t, s, nil, nil, true))
			// The tree is read from a snapshot at or before version 10:
			// memiavl writes one every SnapshotInterval (4) versions; iavl
			// has none.
			if snap := TreeSnapshot(s); eng == state.EngineIAVL {
				require.Zero(t, snap)
			} else {
				require.Zero(t, snap%4, "snapshot %d", snap)
				require.LessOrEqual(t, snap, int64(10))
			}
			// An older retained version is still readable.
			v, err := s.ViewAt(9)
			require.NoError(t, err)
			require.Equal(t, hashes[9], v.Hash())
			require.Equal(t, int64(9), v.Version())
			require.NoError(t, v.Close())
			_, err = s.ViewAt(11)
			require.ErrorIs(t, err, state.ErrVersionNotFound)
		})
	}
}

// TestMarkerRollback commits versions 1..5, moves the marker back to 3 (as
// if the process died after the engine saved 4 and 5 but before the marker
// named them) and checks that Open returns version 3 and can go on.
func TestMarkerRollback(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng, func(t *testing.T) {
			dir := t.TempDir()
			cfg := testConfig(eng)
			cfg.SnapshotInterval = 2 // memiavl: a snapshot beyond the marker too
			// A crash leaves the engine at most one version ahead; going
			// back two needs memiavl's older snapshots kept.
			if eng == state.EngineMemIAVL {
				cfg.KeepRecent = 2
			}
			s := openTest(t, dir, cfg)
			hashes := map[int64][]byte{}
			var state3 []string
			for i, b := range randomBlocks(11, 5, 40) {
				apply(t, s, b)
				h, v, err := s.Commit()
				require.NoError(t, err)
				hashes[v] = h
				if i == 2 {
					state3 = collect(t, s, nil, nil, true)
				}
			}
			require.NoError(t, s.Close())
			require.NoError(t, writeMarker(dir, marker{Version: 3, Hash: hashes[3]}))

			s = openTest(t, dir, cfg)
			require.Equal(t, int64(3), s.Version())
			require.Equal(t, hashes[3], s.LastHash())
			require.Equal(t, state3, collect(t, s, nil, nil, true))
			// Continue with different writes: version 4 is new.
			require.NoError(t, s.Set([]byte("fresh"), []byte("v")))
			h4, v, err := s.Commit()
			require.NoError(t, err)
			require.Equal(t, int64(4), v)
			require.NotEqual(t, hashes[4], h4)
			require.NoError(t, s.Close())

			s = openTest(t, dir, cfg)
			require.Equal(t, int64(4), s.Version())
			require.Equal(t, h4, s.LastHash())
			require.NoError(t, s.Close())

			// Back to the empty version: the engine's data is discarded.
			require.NoError(t, writeMarker(dir, marker{Version: 0, Hash: emptyHash}))
			s = openTest(t, dir, cfg)
			require.Equal(t, int64(0), s.Version())
			require.Equal(t, emptyHash, s.LastHash())
			require.NoError(t, s.Close())
		})
	}
}

func TestCorruptMarker(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng, func(t *testing.T) {
			dir := t.TempDir()
			cfg := testConfig(eng)
			s := openTest(t, dir, cfg)
			require.NoError(t, s.Set([]byte("a"), []byte("1")))
			h, _, err := s.Commit()
			require.NoError(t, err)
			require.NoError(t, s.Close())

			// Engine behind the marker.
			require.NoError(t, writeMarker(dir, marker{Version: 9, Hash: h}))
			_, err = Open(dir, cfg)
			require.ErrorIs(t, err, state.ErrCorrupt)
			// Right version, wrong hash.
			require.NoError(t, writeMarker(dir, marker{Version: 1, Hash: emptyHash}))
			_, err = Open(dir, cfg)
			require.ErrorIs(t, err, state.ErrCorrupt)
			// Other engine's data only.
			other := state.EngineIAVL
			if eng == state.EngineIAVL {
				other = state.EngineMemIAVL
			}
			require.NoError(t, writeMarker(dir, marker{Version: 1, Hash: h}))
			_, err = Open(dir, testConfig(other))
			require.ErrorIs(t, err, state.ErrCorrupt)
			// Engine data without a marker.
			require.NoError(t, os.Remove(filepath.Join(dir, markerFile)))
			_, err = Open(dir, cfg)
			require.ErrorIs(t, err, state.ErrCorrupt)
		})
	}
}

func TestRollbackDiscardsWrites(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng, func(t *testing.T) {
			s := openTest(t, t.TempDir(), testConfig(eng))
			defer s.Close()
			require.NoError(t, s.Set([]byte("a"), []byte("1")))
			h1, _, err := s.Commit()
			require.NoError(t, err)
			require.NoError(t, s.Set([]byte("b"), []byte("2")))
			require.NoError(t, s.Delete([]byte("a")))
			require.NotEqual(t, h1, s.WorkingHash())
			require.NoError(t, s.Rollback())
			require.Equal(t, h1, s.WorkingHash())
			got, err := s.Get([]byte("a"))
			require.NoError(t, err)
			require.Equal(t, []byte("1"), got)
			ok, err := s.Has([]byte("b"))
			require.NoError(t, err)
			require.False(t, ok)
			h2, v, err := s.Commit()
			require.NoError(t, err)
			require.Equal(t, int64(2), v)
			require.Equal(t, h1, h2)
		})
	}
}

func TestWriteArguments(t *testing.T) {
	for _, eng := range engines {
		s := openTest(t, t.TempDir(), testConfig(eng))
		require.ErrorIs(t, s.Set(nil, []byte("x")), state.ErrEmptyKey)
		require.ErrorIs(t, s.Set([]byte("k"), nil), state.ErrNilValue)
		require.ErrorIs(t, s.Delete([]byte{}), state.ErrEmptyKey)
		// Empty values are values; Set copies its arguments.
		k, v := []byte("k"), []byte{}
		require.NoError(t, s.Set(k, v))
		k[0] = 'x'
		got, err := s.Get([]byte("k"))
		require.NoError(t, err)
		require.NotNil(t, got, eng)
		require.Empty(t, got)
		ok, err := s.Has([]byte("k"))
		require.NoError(t, err)
		require.True(t, ok)
		_, _, err = s.Commit()
		require.NoError(t, err)
		view, err := s.ViewAt(0)
		require.NoError(t, err)
		got, err = view.Get([]byte("k"))
		require.NoError(t, err)
		require.NotNil(t, got, eng)
		require.NoError(t, view.Close())
		require.NoError(t, s.Close())
	}
}

// TestViewsBesideWrites reads a view from other goroutines while blocks are
// executed and committed (run with -race), across memiavl snapshot
// rewrites.
func TestViewsBesideWrites(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng, func(t *testing.T) {
			cfg := testConfig(eng)
			cfg.SnapshotInterval = 2
			dir := t.TempDir()
			s := openTest(t, dir, cfg)
			apply(t, s, randomBlocks(5, 1, 100)[0])
			h1, _, err := s.Commit()
			require.NoError(t, err)
			want := collect(t, s, nil, nil, true)

			view, err := s.ViewAt(0)
			require.NoError(t, err)
			var wg sync.WaitGroup
			for g := 0; g < 2; g++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < 20; i++ {
						it, err := view.Iterator(nil, nil, true)
						if err != nil {
							t.Error(err)
							return
						}
						n := 0
						for ; it.Valid(); it.Next() {
							n++
						}
						_ = it.Close()
						if n != len(want) {
							t.Errorf("view changed: %d keys, want %d", n, len(want))
						}
						if _, err := view.ProveExistence([]byte("k0001")); err != nil && !errors.Is(err, state.ErrKeyMissing) {
							t.Error(err)
						}
					}
				}()
			}
			for _, b := range randomBlocks(6, 12, 100) {
				apply(t, s, b)
				_, _, err := s.Commit()
				require.NoError(t, err)
			}
			wg.Wait()
			require.Equal(t, h1, view.Hash())
			require.Equal(t, want, collect(t, view, nil, nil, true))
			require.NoError(t, view.Close())
			_, err = view.Get([]byte("a"))
			require.ErrorIs(t, err, state.ErrClosed)

			// With the view closed, more commits let memiavl switch to a
			// new snapshot; reopening must find everything.
			for _, b := range randomBlocks(8, 5, 50) {
				apply(t, s, b)
				_, _, err := s.Commit()
				require.NoError(t, err)
			}
			last, all := s.LastHash(), collect(t, s, nil, nil, true)
			require.NoError(t, s.Close())
			s = openTest(t, dir, cfg)
			require.Equal(t, last, s.LastHash())
			require.Equal(t, all, collect(t, s, nil, nil, true))
			require.NoError(t, s.Close())
		})
	}
}

func TestExportImportAcrossEngines(t *testing.T) {
	for _, from := range engines {
		for _, to := range engines {
			t.Run(from+"->"+to, func(t *testing.T) {
				src := openTest(t, t.TempDir(), testConfig(from))
				defer src.Close()
				for _, b := range randomBlocks(9, 6, 80) {
					apply(t, src, b)
					_, _, err := src.Commit()
					require.NoError(t, err)
				}
				ex, err := src.Export(5)
				require.NoError(t, err)
				dstDir := t.TempDir()
				dst := openTest(t, dstDir, testConfig(to))
				im, err := dst.Import(5)
				require.NoError(t, err)
				require.Error(t, dst.Set([]byte("x"), []byte("y")), "no writes during import")
				for {
					n, err := ex.Next()
					if errors.Is(err, state.ErrExportDone) {
						break
					}
					require.NoError(t, err)
					require.NoError(t, im.Add(n))
				}
				require.NoError(t, ex.Close())
				require.NoError(t, im.Commit())
				require.NoError(t, im.Close())

				view, err := src.ViewAt(5)
				require.NoError(t, err)
				require.Equal(t, int64(5), dst.Version())
				require.Equal(t, view.Hash(), dst.LastHash())
				require.Equal(t, collect(t, view, nil, nil, true), collect(t, dst, nil, nil, true))
				require.NoError(t, view.Close())

				// The imported store goes on committing and reopens.
				require.NoError(t, dst.Set([]byte("after"), []byte("import")))
				h6, v, err := dst.Commit()
				require.NoError(t, err)
				require.Equal(t, int64(6), v)
				require.NoError(t, dst.Close())
				dst = openTest(t, dstDir, testConfig(to))
				require.Equal(t, h6, dst.LastHash())
				require.NoError(t, dst.Close())
			})
		}
	}
}

func TestImportRefusesMalformedStream(t *testing.T) {
	for _, eng := range engines {
		s := openTest(t, t.TempDir(), testConfig(eng))
		im, err := s.Import(3)
		require.NoError(t, err)
		require.NoError(t, im.Add(&state.ExportNode{Key: []byte("a"), Value: []byte("1"), Version: 1}))
		require.Error(t, im.Add(&state.ExportNode{Key: []byte("a"), Version: 2, Height: 1}), "branch over one subtree")
		require.Error(t, im.Add(&state.ExportNode{Key: []byte("b"), Value: []byte("1"), Version: 4}), "version beyond import")
		require.NoError(t, im.Close())
		// The store is empty and usable again.
		require.Equal(t, int64(0), s.Version())
		require.NoError(t, s.Set([]byte("a"), []byte("1")))
		_, _, err = s.Commit()
		require.NoError(t, err)
		require.NoError(t, s.Close())
	}
}

// TestOpenRefusesBadConfig checks that Open validates its configuration
// before it touches the directory.
func TestOpenRefusesBadConfig(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	_, err := Open(dir, state.Config{Engine: "rocks"})
	require.ErrorContains(t, err, "unknown engine")
	_, err = os.Stat(dir)
	require.ErrorIs(t, err, os.ErrNotExist)
}

// TestBranchOverStore checks a Branch over each engine's working version:
// reads merge the branch's writes with the engine's iterator, and Write
// applies them.
func TestBranchOverStore(t *testing.T) {
	for _, eng := range engines {
		s := openTest(t, t.TempDir(), testConfig(eng))
		require.NoError(t, s.Set([]byte("a"), []byte("1")))
		require.NoError(t, s.Set([]byte("c"), []byte("3")))
		b := state.NewBranch(s)
		require.NoError(t, b.Set([]byte("b"), []byte("2")))
		require.NoError(t, b.Delete([]byte("c")))
		require.Equal(t, []string{"a=31", "b=32"}, collect(t, b, nil, nil, true))
		require.Equal(t, []string{"b=32", "a=31"}, collect(t, b, nil, nil, false))
		require.NoError(t, b.Write())
		require.Equal(t, []string{"a=31", "b=32"}, collect(t, s, nil, nil, true))
		require.NoError(t, s.Close())
	}
}

func TestProofs(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng, func(t *testing.T) {
			s := openTest(t, t.TempDir(), testConfig(eng))
			defer s.Close()
			empty, err := s.ViewAt(0)
			require.NoError(t, err)
			_, err = empty.ProveAbsence([]byte("a"))
			require.Error(t, err)
			require.NoError(t, empty.Close())
			for i := 0; i < 50; i++ {
				require.NoError(t, s.Set([]byte(fmt.Sprintf("key%03d", i*2)), []byte(fmt.Sprintf("value%d", i))))
			}
			root, _, err := s.Commit()
			require.NoError(t, err)
			// Write more so the view is not the working version.
			require.NoError(t, s.Set([]byte("key001"), []byte("later")))
			view, err := s.ViewAt(0)
			require.NoError(t, err)
			defer view.Close()
			require.Equal(t, root, view.Hash())

			key, value := []byte("key010"), []byte("value5")
			p, err := view.ProveExistence(key)
			require.NoError(t, err)
			require.NoError(t, state.VerifyExistence(root, p, key, value))
			require.Error(t, state.VerifyExistence(root, p, key, []byte("value6")))
			require.Error(t, state.VerifyExistence(root, p, []byte("key012"), value))
			require.Error(t, state.VerifyAbsence(root, p, key))
			other := bytes.Clone(root)
			other[0] ^= 1
			require.Error(t, state.VerifyExistence(other, p, key, value))
			bz, err := state.EncodeProof(p)
			require.NoError(t, err)
			p2, err := state.DecodeProof(bz)
			require.NoError(t, err)
			require.NoError(t, state.VerifyExistence(root, p2, key, value))
			p2.GetExist().Value = []byte("value6")
			require.Error(t, state.VerifyExistence(root, p2, key, []byte("value6")))
			_, err = view.ProveExistence([]byte("key001"))
			require.ErrorIs(t, err, state.ErrKeyMissing)

			for _, absent := range []string{"key001", "a", "zzz", "key0101"} {
				p, err := view.ProveAbsence([]byte(absent))
				require.NoError(t, err, absent)
				require.NoError(t, state.VerifyAbsence(root, p, []byte(absent)), absent)
				require.Error(t, state.VerifyAbsence(root, p, []byte("key003")), "proof for another key")
				require.Error(t, state.VerifyAbsence(other, p, []byte(absent)))
				require.Error(t, state.VerifyExistence(root, p, []byte(absent), []byte("x")))
			}
			_, err = view.ProveAbsence(key)
			require.ErrorIs(t, err, state.ErrKeyExists)
			// A non-existence proof whose neighbour is the key itself.
			np, err := view.ProveAbsence([]byte("key011"))
			require.NoError(t, err)
			np.GetNonexist().Key = key
			require.Error(t, state.VerifyAbsence(root, np, key))
		})
	}
}

func TestProofsAgreeAcrossEngines(t *testing.T) {
	var encoded [][]byte
	for _, eng := range engines {
		s := openTest(t, t.TempDir(), testConfig(eng))
		for _, b := range randomBlocks(21, 5, 60) {
			apply(t, s, b)
			_, _, err := s.Commit()
			require.NoError(t, err)
		}
		view, err := s.ViewAt(0)
		require.NoError(t, err)
		it, err := view.Iterator(nil, nil, true)
		require.NoError(t, err)
		key := it.Key()
		require.NoError(t, it.Close())
		p, err := view.ProveExistence(key)
		require.NoError(t, err)
		bz, err := state.EncodeProof(p)
		require.NoError(t, err)
		encoded = append(encoded, bz)
		require.NoError(t, view.Close())
		require.NoError(t, s.Close())
	}
	require.Equal(t, encoded[0], encoded[1])
}

// commitWithoutMarker saves a version in the engine only, as if the process
// died between the engine's commit and the marker's.
func commitWithoutMarker(t *testing.T, s state.Store) {
	t.Helper()
	st := s.(*store)
	st.mu.Lock()
	defer st.mu.Unlock()
	_, _, err := st.eng.Commit()
	require.NoError(t, err)
}

func TestCrashBeforeMarker(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng, func(t *testing.T) {
			dir := t.TempDir()
			cfg := testConfig(eng)
			cfg.SnapshotInterval = 2
			cfg.KeepRecent = 0
			s := openTest(t, dir, cfg)
			var last []byte
			for i, b := range randomBlocks(13, 12, 30) {
				apply(t, s, b)
				if i < 9 {
					h, _, err := s.Commit()
					require.NoError(t, err)
					last = h
					continue
				}
				commitWithoutMarker(t, s)
				require.NoError(t, s.Close())
				s = openTest(t, dir, cfg)
				require.Equal(t, int64(9), s.Version())
				require.Equal(t, last, s.LastHash())
			}
			// The same writes again give the same version 10.
			apply(t, s, randomBlocks(13, 12, 30)[9])
			_, v, err := s.Commit()
			require.NoError(t, err)
			require.Equal(t, int64(10), v)
			require.NoError(t, s.Close())
		})
	}
}

func TestCrashAfterImport(t *testing.T) {
	for _, eng := range engines {
		t.Run(eng, func(t *testing.T) {
			src := openTest(t, t.TempDir(), testConfig(eng))
			defer src.Close()
			for _, b := range randomBlocks(17, 3, 30) {
				apply(t, src, b)
				_, _, err := src.Commit()
				require.NoError(t, err)
			}
			ex, err := src.Export(0)
			require.NoError(t, err)
			dir := t.TempDir()
			dst := openTest(t, dir, testConfig(eng))
			im, err := dst.Import(3)
			require.NoError(t, err)
			for {
				n, err := ex.Next()
				if errors.Is(err, state.ErrExportDone) {
					break
				}
				require.NoError(t, err)
				require.NoError(t, im.Add(n))
			}
			require.NoError(t, ex.Close())
			require.NoError(t, im.Commit())
			require.NoError(t, dst.Set([]byte("x"), []byte("y")))
			commitWithoutMarker(t, dst)
			require.NoError(t, dst.Close())

			dst = openTest(t, dir, testConfig(eng))
			require.Equal(t, int64(3), dst.Version())
			require.Equal(t, src.LastHash(), dst.LastHash())
			require.NoError(t, dst.Set([]byte("x"), []byte("z")))
			_, v, err := dst.Commit()
			require.NoError(t, err)
			require.Equal(t, int64(4), v)
			require.NoError(t, dst.Close())
		})
	}
}

// TestWriteBatchMatchesOneByOne: the same random blocks (overwrites and
// deletions of present and absent keys) written as batches, with a
// deletion now and then between runs of sets, give every version the
// hash that one Set or Delete per change gives, under both engines, and
// the batch store reopens at that hash (memiavl replays its log). A batch
// with an empty key is refused before anything is written.
func TestWriteBatchMatchesOneByOne(t *testing.T) {
	blocks := randomBlocks(7, 12, 120)
	for _, eng := range engines {
		t.Run(eng, func(t *testing.T) {
			one := openTest(t, t.TempDir(), testConfig(eng))
			defer one.Close()
			dir := t.TempDir()
			batched := openTest(t, dir, testConfig(eng))
			bw, ok := batched.(state.BatchWriter)
			require.True(t, ok, "a store is a BatchWriter")
			for i, ops := range blocks {
				apply(t, one, ops)
				// Two batches per block, to cross a batch boundary too.
				for _, part := range [][]op{ops[:len(ops)/3], ops[len(ops)/3:]} {
					changes := make([]state.Change, len(part))
					for j, o := range part {
						changes[j] = state.Change{Key: bytes.Clone(o.key), Value: bytes.Clone(o.value)}
					}
					require.NoError(t, bw.WriteBatch(changes))
				}
				require.Equal(t, one.WorkingHash(), batched.WorkingHash(), "block %d", i)
				h1, v1, err := one.Commit()
				require.NoError(t, err)
				h2, v2, err := batched.Commit()
				require.NoError(t, err)
				require.Equal(t, h1, h2, "block %d", i)
				require.Equal(t, v1, v2)
			}
			require.Equal(t, collect(t, one, nil, nil, true), collect(t, batched, nil, nil, true))
			before := one.WorkingHash()
			require.ErrorIs(t, bw.WriteBatch([]state.Change{{Key: []byte("zz"), Value: []byte("v")}, {Key: nil, Value: []byte("v")}}), state.ErrEmptyKey)
			require.Equal(t, before, batched.WorkingHash(), "a refused batch writes nothing")
			require.NoError(t, batched.Close())
			again := openTest(t, dir, testConfig(eng))
			defer again.Close()
			require.Equal(t, before, again.LastHash())
		})
	}
}
