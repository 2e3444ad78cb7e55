package state

import "errors"

// ErrReadOnly is returned by the writes of Empty.
var ErrReadOnly = errors.New("state: the empty state is read-only")

// Empty is an empty, read-only key space: a scratch Branch over it holds
// exactly the writes made to the branch, and its Write fails.
type Empty struct{}

// Get returns (nil, nil): no key is present.
func (Empty) Get([]byte) ([]byte, error) { return nil, nil }

// Has returns false.
func (Empty) Has([]byte) (bool, error) { return false, nil }

// Iterator returns an iterator over no keys.
func (Empty) Iterator(_, _ []byte, _ bool) (Iterator, error) { return emptyIterator{}, nil }

// Set returns ErrReadOnly.
func (Empty) Set([]byte, []byte) error { return ErrReadOnly }

// Delete returns ErrReadOnly.
func (Empty) Delete([]byte) error { return ErrReadOnly }

type emptyIterator struct{}

func (emptyIterator) Valid() bool   { return false }
func (emptyIterator) Next()         {}
func (emptyIterator) Key() []byte   { return nil }
func (emptyIterator) Value() []byte { return nil }
func (emptyIterator) Error() error  { return nil }
func (emptyIterator) Close() error  { return nil }
