package app

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/state"
)

// timedStore is a state.Store that adds up the wall time its callers spend
// in it: reads (Get, Has and opening an iterator; stepping an iterator is
// not counted), writes (Set, Delete, WriteBatch), hashing the working
// tree (WorkingHash) and Commit. FinalizeBlock and Commit call the store
// from one goroutine, so the sums are plain fields; a benchmark reads them
// between blocks.
type timedStore struct {
	state.Store
	read, write, hash, commit time.Duration
}

func (s *timedStore) Get(k []byte) ([]byte, error) {
	t := time.Now()
	v, err := s.Store.Get(k)
	s.read += time.Since(t)
	return v, err
}

func (s *timedStore) Has(k []byte) (bool, error) {
	t := time.Now()
	ok, err := s.Store.Has(k)
	s.read += time.Since(t)
	return ok, err
}

func (s *timedStore) Iterator(start, end []byte, asc bool) (state.Iterator, error) {
	t := time.Now()
	it, err := s.Store.Iterator(start, end, asc)
	s.read += time.Since(t)
	return it, err
}

func (s *timedStore) Set(k, v []byte) error {
	t := time.Now()
	err := s.Store.Set(k, v)
	s.write += time.Since(t)
	return err
}

func (s *timedStore) Delete(k []byte) error {
	t := time.Now()
	err := s.Store.Delete(k)
	s.write += time.Since(t)
	return err
}

// WriteBatch implements state.BatchWriter, passing the batch on as one
// call if the store takes batches (state.WriteChanges).
func (s *timedStore) WriteBatch(changes []state.Change) error {
	t := time.Now()
	err := state.WriteChanges(s.Store, changes)
	s.write += time.Since(t)
	return err
}

func (s *timedStore) WorkingHash() []byte {
	t := time.Now()
	h := s.Store.WorkingHash()
	s.hash += time.Since(t)
	return h
}

func (s *timedStore) Commit() ([]byte, int64, error) {
	t := time.Now()
	h, v, err := s.Store.Commit()
	s.commit += time.Since(t)
	return h, v, err
}

// ViewAt implements state.Store with a view whose reads count in s.read:
// FinalizeBlock reads the block's committed view (blockWriter), not the
// working version.
func (s *timedStore) ViewAt(version int64) (state.View, error) {
	v, err := s.Store.ViewAt(version)
	if err != nil {
		return nil, err
	}
	return &timedView{View: v, s: s}, nil
}

// timedView is a state.View whose reads count in its store's read sum.
type timedView struct {
	state.View
	s *timedStore
}

func (v *timedView) Get(k []byte) ([]byte, error) {
	t := time.Now()
	val, err := v.View.Get(k)
	v.s.read += time.Since(t)
	return val, err
}

func (v *timedView) Has(k []byte) (bool, error) {
	t := time.Now()
	ok, err := v.View.Has(k)
	v.s.read += time.Since(t)
	return ok, err
}

func (v *timedView) Iterator(start, end []byte, asc bool) (state.Iterator, error) {
	t := time.Now()
	it, err := v.View.Iterator(start, end, asc)
	v.s.read += time.Since(t)
	return it, err
}

// reset zeroes the sums.
func (s *timedStore) reset() { s.read, s.write, s.hash, s.commit = 0, 0, 0, 0 }

// report adds the store's share of a benchmark's time per transaction:
// tree-µs/tx is the writes, the hash and the commit; tree-bound-tx/s is
// the rate they would allow done one after another on one core (FinalizeBlock's
// block writer makes the writes and most of the hashing on a second
// goroutine, beside the execution, so this is no longer a bound on the
// chain's rate); read-µs/tx is the reads.
func (s *timedStore) report(b *testing.B, txs int) {
	require.Positive(b, txs)
	tree := s.write + s.hash + s.commit
	perTx := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(txs) }
	b.ReportMetric(perTx(tree), "tree-µs/tx")
	b.ReportMetric(perTx(s.write), "write-µs/tx")
	b.ReportMetric(perTx(s.hash), "hash-µs/tx")
	b.ReportMetric(perTx(s.commit), "commit-µs/tx")
	b.ReportMetric(perTx(s.read), "read-µs/tx")
	b.ReportMetric(float64(txs)/tree.Seconds(), "tree-bound-tx/s")
}

// TestTimedStoreCounts checks that the wrapper passes calls through and
// counts each kind in its own sum: a benchmark figure built on it must
// not be zero by construction.
func TestTimedStoreCounts(t *testing.T) {
	c := newTestChain(t, state.EngineMemIAVL, t.TempDir())
	ts := &timedStore{Store: c.store}
	require.NoError(t, ts.WriteBatch([]state.Change{{Key: []byte("k1"), Value: []byte("v1")}, {Key: []byte("k2"), Value: []byte("v2")}}))
	require.NoError(t, ts.Set([]byte("k3"), []byte("v3")))
	v, err := ts.Get([]byte("k1"))
	require.NoError(t, err)
	require.Equal(t, []byte("v1"), v)
	ok, err := c.store.Has([]byte("k3"))
	require.NoError(t, err)
	require.True(t, ok)
	require.NotEmpty(t, ts.WorkingHash())
	_, _, err = ts.Commit()
	require.NoError(t, err)
	require.Positive(t, ts.read)
	require.Positive(t, ts.write)
	require.Positive(t, ts.hash)
	require.Positive(t, ts.commit)
	ts.reset()
	require.Zero(t, ts.read+ts.write+ts.hash+ts.commit)
}
