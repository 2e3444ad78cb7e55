package bulk_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/bulk"
	"github.com/govchain/govchain/state/store"
)

// sliceIter is a state.Iterator over fixed pairs.
type sliceIter struct {
	keys, vals [][]byte
	i          int
}

func (s *sliceIter) Valid() bool   { return s.i < len(s.keys) }
func (s *sliceIter) Next()         { s.i++ }
func (s *sliceIter) Key() []byte   { return s.keys[s.i] }
func (s *sliceIter) Value() []byte { return s.vals[s.i] }
func (s *sliceIter) Error() error  { return nil }
func (s *sliceIter) Close() error  { return nil }

func pairs(n int) *sliceIter {
	it := &sliceIter{}
	for i := range n {
		it.keys = append(it.keys, fmt.Appendf(nil, "key-%06d", i))
		it.vals = append(it.vals, fmt.Appendf(nil, "value %d", i))
	}
	return it
}

func open(t *testing.T, engine, dir string) state.Store {
	t.Helper()
	cfg := state.DefaultConfig()
	cfg.Engine = engine
	st, err := store.Open(dir, cfg)
	require.NoError(t, err)
	return st
}

func TestBuildGivesOneHashOnBothEnginesAndAWorkingStore(t *testing.T) {
	for _, n := range []int{1, 2, 3, 100, 1025} {
		var hashes [][]byte
		for _, engine := range []string{state.EngineMemIAVL, state.EngineIAVL} {
			dir := t.TempDir()
			st := open(t, engine, dir)
			hash, err := bulk.Build(st, 1, pairs(n), n)
			require.NoError(t, err, "%s %d", engine, n)
			require.Equal(t, int64(1), st.Version())
			hashes = append(hashes, hash)

			// Every key reads back, proves, and the tree takes writes.
			v, err := st.ViewAt(0)
			require.NoError(t, err)
			for _, i := range []int{0, n / 2, n - 1} {
				k := fmt.Appendf(nil, "key-%06d", i)
				got, err := v.Get(k)
				require.NoError(t, err)
				require.Equal(t, fmt.Sprintf("value %d", i), string(got))
				p, err := v.ProveExistence(k)
				require.NoError(t, err)
				require.NoError(t, state.VerifyExistence(hash, p, k, got))
			}
			require.NoError(t, v.Close())
			require.NoError(t, st.Set([]byte("key-zzz"), []byte("new")))
			_, version, err := st.Commit()
			require.NoError(t, err)
			require.Equal(t, int64(2), version)
			require.NoError(t, st.Close())

			st = open(t, engine, dir)
			require.Equal(t, int64(2), st.Version())
			require.NoError(t, st.Close())
		}
		require.Equal(t, hashes[0], hashes[1], "%d keys", n)
	}
}

func TestBuildRefusesBadInputAndLeavesTheStoreEmpty(t *testing.T) {
	st := open(t, state.EngineMemIAVL, t.TempDir())
	defer st.Close()
	it := pairs(5)
	it.keys[3], it.keys[2] = it.keys[2], it.keys[3]
	_, err := bulk.Build(st, 1, it, 5)
	require.ErrorContains(t, err, "keys must ascend")
	require.Equal(t, int64(0), st.Version())

	_, err = bulk.Build(st, 1, pairs(3), 5)
	require.ErrorContains(t, err, "5 keys announced, only 3 given")
	_, err = bulk.Build(st, 1, pairs(5), 3)
	require.ErrorContains(t, err, "more than the 3 keys announced")
	_, err = bulk.Build(st, 1, pairs(0), 0)
	require.ErrorContains(t, err, "nothing to import")

	hash, err := bulk.Build(st, 1, pairs(4), 4)
	require.NoError(t, err)
	require.Equal(t, hash, st.LastHash())
}
