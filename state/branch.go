package state

import (
	"bytes"
	"errors"

	"github.com/google/btree"
)

// Branch is a write cache over a parent KV: reads see the branch's writes
// over the parent's contents, and Write applies the writes to the parent in
// ascending key order (so the parent sees the same sequence of writes on
// every node, whatever order they were made in). Branches nest: a Branch is
// a KV, so a transaction's branch can sit on a block's branch.
//
// A Branch is not safe for concurrent use, and the parent must not be
// written while the branch holds unwritten changes that the caller expects
// to see merged with it. The zero value is not usable; use NewBranch.
type Branch struct {
	parent KV
	cache  *btree.BTreeG[*branchEntry]
}

// branchEntry is one cached write: a value, or a deletion (value nil).
type branchEntry struct {
	key   []byte
	value []byte
}

func entryLess(a, b *branchEntry) bool { return bytes.Compare(a.key, b.key) < 0 }

// NewBranch returns an empty branch over parent.
func NewBranch(parent KV) *Branch {
	return &Branch{parent: parent, cache: btree.NewG(32, entryLess)}
}

// Get returns the branch's value for key, or the parent's if the branch has
// not written key; nil if absent or deleted.
func (b *Branch) Get(key []byte) ([]byte, error) {
	if e, ok := b.cache.Get(&branchEntry{key: key}); ok {
		return e.value, nil
	}
	return b.parent.Get(key)
}

// Has reports whether Get would return a value.
func (b *Branch) Has(key []byte) (bool, error) {
	if e, ok := b.cache.Get(&branchEntry{key: key}); ok {
		return e.value != nil, nil
	}
	return b.parent.Has(key)
}

// Set records key = value in the branch; the branch keeps its own copies.
func (b *Branch) Set(key, value []byte) error {
	if len(key) == 0 {
		return ErrEmptyKey
	}
	if value == nil {
		return ErrNilValue
	}
	b.cache.ReplaceOrInsert(&branchEntry{key: bytes.Clone(key), value: bytes.Clone(value)})
	return nil
}

// Delete records the deletion of key in the branch.
func (b *Branch) Delete(key []byte) error {
	if len(key) == 0 {
		return ErrEmptyKey
	}
	b.cache.ReplaceOrInsert(&branchEntry{key: bytes.Clone(key)})
	return nil
}

// Iterator returns the merged view of the branch and the parent over
// [start, end), deleted keys hidden. It sees the branch as it was when the
// iterator was created; the branch must not be written through Write while
// the iterator is open (the parent would change under it).
func (b *Branch) Iterator(start, end []byte, ascending bool) (Iterator, error) {
	var cached []*branchEntry
	collect := func(e *branchEntry) bool {
		cached = append(cached, e)
		return true
	}
	lo, hi := &branchEntry{key: start}, &branchEntry{key: end}
	switch {
	case ascending && start == nil && end == nil:
		b.cache.Ascend(collect)
	case ascending && start == nil:
		b.cache.AscendLessThan(hi, collect)
	case ascending && end == nil:
		b.cache.AscendGreaterOrEqual(lo, collect)
	case ascending:
		b.cache.AscendRange(lo, hi, collect)
	default:
		collectDesc := func(e *branchEntry) bool {
			if end != nil && bytes.Equal(e.key, end) {
				return true // end is exclusive
			}
			if start != nil && bytes.Compare(e.key, start) < 0 {
				return false
			}
			cached = append(cached, e)
			return true
		}
		if end == nil {
			b.cache.Descend(collectDesc)
		} else {
			b.cache.DescendLessOrEqual(hi, collectDesc)
		}
	}
	p, err := b.parent.Iterator(start, end, ascending)
	if err != nil {
		return nil, err
	}
	it := &mergeIterator{parent: p, cached: cached, ascending: ascending}
	it.settle()
	return it, nil
}

// Write applies the branch's writes to the parent in ascending key order
// and empties the branch. On error the parent may hold a prefix of the
// writes and the branch is left as it was.
func (b *Branch) Write() error {
	if parent, ok := b.parent.(*Branch); ok {
		// A branch on a branch (a governance change's on its
		// transaction's): hand the entries over as they are. Entries are never modified once
		// cached, and this branch drops them below, so the parent owns
		// them; the copies Set would make are not needed.
		b.cache.Ascend(func(e *branchEntry) bool {
			parent.cache.ReplaceOrInsert(e)
			return true
		})
		b.cache.Clear(false)
		return nil
	}
	if bw, ok := b.parent.(BatchWriter); ok {
		// One call for the whole branch, in the same ascending order; the
		// entries are dropped below, so the parent may keep their slices.
		changes := make([]Change, 0, b.cache.Len())
		b.cache.Ascend(func(e *branchEntry) bool {
			changes = append(changes, Change{Key: e.key, Value: e.value})
			return true
		})
		if err := bw.WriteBatch(changes); err != nil {
			return err
		}
		b.cache.Clear(false)
		return nil
	}
	var err error
	b.cache.Ascend(func(e *branchEntry) bool {
		if e.value == nil {
			err = b.parent.Delete(e.key)
		} else {
			err = b.parent.Set(e.key, e.value)
		}
		return err == nil
	})
	if err != nil {
		return err
	}
	b.cache.Clear(false)
	return nil
}

// WriteBatch implements BatchWriter: the changes are recorded in the
// branch in order, as Set and Delete would, without copying them.
func (b *Branch) WriteBatch(changes []Change) error {
	for _, c := range changes {
		if len(c.Key) == 0 {
			return ErrEmptyKey
		}
	}
	for _, c := range changes {
		b.cache.ReplaceOrInsert(&branchEntry{key: c.Key, value: c.Value})
	}
	return nil
}

// Discard drops the branch's writes; the branch stays usable.
func (b *Branch) Discard() { b.cache.Clear(false) }

// mergeIterator merges a sorted slice of cached writes with the parent's
// iterator; a cached write wins over the parent for the same key.
type mergeIterator struct {
	parent    Iterator
	cached    []*branchEntry
	ascending bool
	// fromCache tells whether the current item is cached[0].
	fromCache bool
	valid     bool
	err       error
}

// before reports whether key a comes before key b in iteration order.
func (it *mergeIterator) before(a, b []byte) bool {
	if it.ascending {
		return bytes.Compare(a, b) < 0
	}
	return bytes.Compare(a, b) > 0
}

// settle positions the iterator on the next visible item.
func (it *mergeIterator) settle() {
	for {
		pValid := it.parent.Valid()
		switch {
		case len(it.cached) == 0 && !pValid:
			it.valid = false
			it.err = it.parent.Error()
			return
		case len(it.cached) == 0:
			it.fromCache, it.valid = false, true
			return
		case !pValid || !it.before(it.parent.Key(), it.cached[0].key):
			if pValid && bytes.Equal(it.parent.Key(), it.cached[0].key) {
				it.parent.Next() // shadowed by the cache
			}
			if it.cached[0].value == nil {
				it.cached = it.cached[1:] // deleted
				continue
			}
			it.fromCache, it.valid = true, true
			return
		default:
			it.fromCache, it.valid = false, true
			return
		}
	}
}

// Valid implements Iterator.
func (it *mergeIterator) Valid() bool { return it.valid }

// Next implements Iterator.
func (it *mergeIterator) Next() {
	if !it.valid {
		panic("state: Next on an invalid iterator")
	}
	if it.fromCache {
		it.cached = it.cached[1:]
	} else {
		it.parent.Next()
	}
	it.settle()
}

// Key implements Iterator.
func (it *mergeIterator) Key() []byte {
	if !it.valid {
		panic("state: Key on an invalid iterator")
	}
	if it.fromCache {
		return it.cached[0].key
	}
	return it.parent.Key()
}

// Value implements Iterator.
func (it *mergeIterator) Value() []byte {
	if !it.valid {
		panic("state: Value on an invalid iterator")
	}
	if it.fromCache {
		return it.cached[0].value
	}
	return it.parent.Value()
}

// Error implements Iterator.
func (it *mergeIterator) Error() error { return it.err }

// Close implements Iterator.
func (it *mergeIterator) Close() error {
	it.valid = false
	return errors.Join(it.parent.Close())
}

var (
	_ KV          = (*Branch)(nil)
	_ BatchWriter = (*Branch)(nil)
)
