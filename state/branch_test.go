package state

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

// mapKV is a plain in-memory KV used as a reference and as a parent that
// records the order of writes.
type mapKV struct {
	m   map[string][]byte
	log []string
}

func newMapKV() *mapKV { return &mapKV{m: map[string][]byte{}} }

func (kv *mapKV) Get(key []byte) ([]byte, error) { return kv.m[string(key)], nil }

func (kv *mapKV) Has(key []byte) (bool, error) {
	_, ok := kv.m[string(key)]
	return ok, nil
}

func (kv *mapKV) Set(key, value []byte) error {
	kv.log = append(kv.log, "set "+string(key))
	kv.m[string(key)] = bytes.Clone(value)
	return nil
}

func (kv *mapKV) Delete(key []byte) error {
	kv.log = append(kv.log, "del "+string(key))
	delete(kv.m, string(key))
	return nil
}

func (kv *mapKV) Iterator(start, end []byte, ascending bool) (Iterator, error) {
	var keys []string
	for k := range kv.m {
		if (start == nil || k >= string(start)) && (end == nil || k < string(end)) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if !ascending {
		for i, j := 0, len(keys)-1; i < j; i, j = i+1, j-1 {
			keys[i], keys[j] = keys[j], keys[i]
		}
	}
	return &sliceIter{keys: keys, kv: kv.m}, nil
}

type sliceIter struct {
	keys []string
	kv   map[string][]byte
}

func (it *sliceIter) Valid() bool   { return len(it.keys) > 0 }
func (it *sliceIter) Next()         { it.keys = it.keys[1:] }
func (it *sliceIter) Key() []byte   { return []byte(it.keys[0]) }
func (it *sliceIter) Value() []byte { return it.kv[it.keys[0]] }
func (it *sliceIter) Error() error  { return nil }
func (it *sliceIter) Close() error  { return nil }

func TestBranchReadsThrough(t *testing.T) {
	parent := newMapKV()
	require.NoError(t, parent.Set([]byte("a"), []byte("1")))
	require.NoError(t, parent.Set([]byte("b"), []byte("2")))
	b := NewBranch(parent)
	require.NoError(t, b.Set([]byte("c"), []byte("3")))
	require.NoError(t, b.Delete([]byte("a")))
	require.NoError(t, b.Set([]byte("b"), []byte("22")))

	got, _ := b.Get([]byte("a"))
	require.Nil(t, got)
	ok, _ := b.Has([]byte("a"))
	require.False(t, ok)
	got, _ = b.Get([]byte("b"))
	require.Equal(t, []byte("22"), got)
	ok, _ = b.Has([]byte("c"))
	require.True(t, ok)
	// The parent is untouched until Write.
	got, _ = parent.Get([]byte("b"))
	require.Equal(t, []byte("2"), got)

	require.ErrorIs(t, b.Set(nil, []byte("x")), ErrEmptyKey)
	require.ErrorIs(t, b.Set([]byte("x"), nil), ErrNilValue)
	require.ErrorIs(t, b.Delete(nil), ErrEmptyKey)

	b.Discard()
	got, _ = b.Get([]byte("a"))
	require.Equal(t, []byte("1"), got)
	require.NoError(t, b.Write())
	require.Empty(t, parent.log[2:])
}

func TestBranchWriteIsSortedAndNests(t *testing.T) {
	parent := newMapKV()
	block := NewBranch(parent)
	tx := NewBranch(block)
	for _, k := range []string{"z", "m", "a", "q"} {
		require.NoError(t, tx.Set([]byte(k), []byte("v"+k)))
	}
	require.NoError(t, tx.Delete([]byte("m")))
	require.NoError(t, tx.Delete([]byte("nothing")))
	// A failed tx: its branch is discarded, the block never sees it.
	failed := NewBranch(block)
	require.NoError(t, failed.Set([]byte("bad"), []byte("x")))
	failed.Discard()

	require.NoError(t, tx.Write())
	got, _ := block.Get([]byte("q"))
	require.Equal(t, []byte("vq"), got)
	require.Empty(t, parent.log)
	// The written branch is empty and reusable; its later writes do not
	// reach the block until written.
	require.NoError(t, tx.Set([]byte("q"), []byte("later")))
	got, _ = block.Get([]byte("q"))
	require.Equal(t, []byte("vq"), got)
	tx.Discard()
	got, _ = tx.Get([]byte("q"))
	require.Equal(t, []byte("vq"), got)
	require.NoError(t, block.Write())
	require.Equal(t, []string{"set a", "del m", "del nothing", "set q", "set z"}, parent.log)
	ok, _ := parent.Has([]byte("bad"))
	require.False(t, ok)
}

// TestBranchIteratorMatchesReference applies random writes to a branch
// over a random parent and compares every iteration with the same writes
// applied to a plain map.
func TestBranchIteratorMatchesReference(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	key := func() []byte { return []byte(fmt.Sprintf("%02d", r.IntN(40))) }
	for round := 0; round < 50; round++ {
		parent, ref := newMapKV(), newMapKV()
		for i := 0; i < 20; i++ {
			k, v := key(), []byte{byte(i)}
			require.NoError(t, parent.Set(k, v))
			require.NoError(t, ref.Set(k, v))
		}
		outer := NewBranch(parent)
		b := NewBranch(outer)
		inInner := map[string]bool{}
		for i := 0; i < 30; i++ {
			k := key()
			target := KV(b)
			if i%3 == 0 && !inInner[string(k)] {
				target = outer // writes below the inner branch show through it
			} else {
				inInner[string(k)] = true
			}
			if r.IntN(3) == 0 {
				require.NoError(t, target.Delete(k))
				require.NoError(t, ref.Delete(k))
			} else {
				v := []byte{byte(100 + i)}
				require.NoError(t, target.Set(k, v))
				require.NoError(t, ref.Set(k, v))
			}
		}
		bounds := [][2][]byte{{nil, nil}, {[]byte("10"), nil}, {nil, []byte("25")}, {[]byte("05"), []byte("30")}, {[]byte("20"), []byte("20")}}
		for _, bd := range bounds {
			for _, asc := range []bool{true, false} {
				require.Equal(t, collect(t, ref, bd[0], bd[1], asc), collect(t, b, bd[0], bd[1], asc), "round %d %q %v", round, bd, asc)
			}
		}
		require.NoError(t, b.Write())
		require.NoError(t, outer.Write())
		require.Equal(t, ref.m, parent.m)
	}
}

// collect returns every key=hex(value) of r in [start, end), in order.
func collect(t *testing.T, r Reader, start, end []byte, ascending bool) []string {
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

// batchKV is a mapKV that is also a BatchWriter, recording each batch.
type batchKV struct {
	*mapKV
	batches int
}

func (kv *batchKV) WriteBatch(changes []Change) error {
	kv.batches++
	for _, c := range changes {
		if c.Value == nil {
			_ = kv.Delete(c.Key)
		} else {
			_ = kv.Set(c.Key, c.Value)
		}
	}
	return nil
}

// TestBranchWriteBatches: over a BatchWriter, Write hands the whole branch
// over in one batch in ascending key order, deletions included, and a
// branch takes a batch as the same Sets and Deletes (an empty key refused
// with nothing recorded).
func TestBranchWriteBatches(t *testing.T) {
	parent := &batchKV{mapKV: newMapKV()}
	require.NoError(t, parent.Set([]byte("b"), []byte("old")))
	parent.log = nil
	br := NewBranch(parent)
	require.NoError(t, br.Set([]byte("c"), []byte("3")))
	require.NoError(t, br.Delete([]byte("b")))
	require.NoError(t, br.Set([]byte("a"), []byte("1")))
	require.NoError(t, br.Write())
	require.Equal(t, 1, parent.batches)
	require.Equal(t, []string{"set a", "del b", "set c"}, parent.log)
	require.Equal(t, map[string][]byte{"a": []byte("1"), "c": []byte("3")}, parent.m)

	inner := NewBranch(newMapKV())
	require.ErrorIs(t, inner.WriteBatch([]Change{{Key: []byte("x"), Value: []byte("1")}, {Key: nil}}), ErrEmptyKey)
	require.Equal(t, 0, inner.cache.Len(), "a refused batch records nothing")
	require.NoError(t, inner.WriteBatch([]Change{{Key: []byte("x"), Value: []byte("1")}, {Key: []byte("y")}}))
	v, err := inner.Get([]byte("x"))
	require.NoError(t, err)
	require.Equal(t, []byte("1"), v)
	has, err := inner.Has([]byte("y"))
	require.NoError(t, err)
	require.False(t, has)
}
