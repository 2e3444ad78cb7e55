package app

import (
	"bytes"

	"github.com/govchain/govchain/state"
)

// blockWriter is the state a block executes on while its writes reach the
// store on a goroutine of their own: reads see the block's writes so far
// (kept in a branch) over the committed version the block starts from (a
// view of it, which the engine allows to be read while the store is
// written), and every write is also queued, in the order it was made, for
// the writer, which applies it to the store exactly as the same call on
// the store would have: the store sees the same sequence of writes, so the
// tree and the app hash are the same, while the next transactions execute
// on the other core.
//
// Reads never touch the store's working version, so the writer needs no
// lock with them. Values written are shared between the branch and the
// store (the store owns them, nobody modifies them). Set and Delete refuse
// what the store would refuse (an empty key, a nil value) at once; an
// error of the store itself is reported by finish, and stops the node as
// it did when the write was made directly.
type blockWriter struct {
	// branch holds the block's writes over the committed view; it is
	// only read and written through, never Written or Discarded.
	branch *state.Branch
	store  blockStore
	// queued are the writes not yet handed to the writer, which takes
	// them sendEvery at a time (one wake-up of its goroutine for several).
	queued [][]state.Change
	ops    chan [][]state.Change
	done   chan struct{}
	// err is the store's first error; the writer sets it before done is
	// closed and skips every later write.
	err      error
	finished bool
	// hashes counts the writer's hashes of the working tree (read after
	// finish).
	hashes int
}

// blockStore is what the writer needs of the store: its writes, and the
// hash of its working version.
type blockStore interface {
	state.Writer
	WorkingHash() []byte
}

// sendEvery is how many writes the writer is handed at a time, and
// hashEvery how many it applies between two hashes of the working tree
// while it waits for more.
const (
	sendEvery = 16
	hashEvery = 64
)

// newBlockWriter starts a writer to store for a block executing on view,
// the store's committed version.
func newBlockWriter(view state.Reader, store blockStore) *blockWriter {
	w := &blockWriter{
		branch: state.NewBranch(readOnly{view}),
		store:  store,
		ops:    make(chan [][]state.Change, 64),
		done:   make(chan struct{}),
	}
	go w.run()
	return w
}

// run applies the queued writes in order. Whenever it has applied
// hashEvery batches and finds the queue empty, it hashes the working tree:
// the nodes written so far keep their hashes (a node written again loses
// its own and is hashed again), so the hash FinalizeBlock takes at the
// end has less left to do. A hash is a function of the tree alone, so
// when it is computed changes nothing.
func (w *blockWriter) run() {
	defer close(w.done)
	since := 0
	for group := range w.ops {
		for _, changes := range group {
			if w.err == nil {
				w.err = state.WriteChanges(w.store, changes)
				since++
			}
		}
		if since >= hashEvery && len(w.ops) == 0 && w.err == nil {
			w.store.WorkingHash()
			w.hashes++
			since = 0
		}
	}
}

// Get implements state.Reader: the block's writes over the committed view.
func (w *blockWriter) Get(key []byte) ([]byte, error) { return w.branch.Get(key) }

// Has implements state.Reader, as Get.
func (w *blockWriter) Has(key []byte) (bool, error) { return w.branch.Has(key) }

// Iterator implements state.Reader, as Get.
func (w *blockWriter) Iterator(start, end []byte, ascending bool) (state.Iterator, error) {
	return w.branch.Iterator(start, end, ascending)
}

// Set implements state.Writer: key = value in the block's branch, and the
// same write queued for the store (one change: as the store's Set).
func (w *blockWriter) Set(key, value []byte) error {
	if len(key) == 0 {
		return state.ErrEmptyKey
	}
	if value == nil {
		return state.ErrNilValue
	}
	return w.WriteBatch([]state.Change{{Key: bytes.Clone(key), Value: bytes.Clone(value)}})
}

// Delete implements state.Writer (as the store's: deleting an absent key
// changes nothing).
func (w *blockWriter) Delete(key []byte) error {
	if len(key) == 0 {
		return state.ErrEmptyKey
	}
	return w.WriteBatch([]state.Change{{Key: bytes.Clone(key)}})
}

// WriteBatch implements state.BatchWriter: the changes go into the block's
// branch and, as one batch, to the store, which owns their slices.
func (w *blockWriter) WriteBatch(changes []state.Change) error {
	if err := w.branch.WriteBatch(changes); err != nil {
		return err
	}
	if w.queued = append(w.queued, changes); len(w.queued) == sendEvery {
		w.ops <- w.queued
		w.queued = make([][]state.Change, 0, sendEvery)
	}
	return nil
}

// finish waits until the store holds every write queued and returns the
// store's first error. Later calls return the same; no write may follow.
func (w *blockWriter) finish() error {
	if !w.finished {
		w.finished = true
		if len(w.queued) > 0 {
			w.ops <- w.queued
		}
		close(w.ops)
		<-w.done
	}
	return w.err
}
