package bulk

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/govchain/govchain/state"
)

// Build imports the n pairs it yields, in ascending key order, as the
// store's committed version: a balanced tree whose every node is at
// version. It commits the import and returns the store's hash. On error the
// import is abandoned and the store left empty.
func Build(st state.Store, version int64, it state.Iterator, n int) ([]byte, error) {
	if n <= 0 {
		return nil, errors.New("bulk: nothing to import")
	}
	im, err := st.Import(version)
	if err != nil {
		return nil, err
	}
	b := &builder{im: im, it: it, version: version, n: n}
	if _, _, err := b.build(n); err != nil {
		return nil, errors.Join(err, im.Close())
	}
	if it.Valid() {
		return nil, errors.Join(fmt.Errorf("bulk: more than the %d keys announced", n), im.Close())
	}
	if err := im.Commit(); err != nil {
		return nil, err
	}
	return st.LastHash(), nil
}

type builder struct {
	im      state.Importer
	it      state.Iterator
	version int64
	n       int // keys announced
	last    []byte
	count   int // keys added so far
}

// build adds the next n pairs as one subtree and returns its height and
// smallest key.
func (b *builder) build(n int) (int8, []byte, error) {
	if n == 1 {
		if err := b.it.Error(); err != nil {
			return 0, nil, err
		}
		if !b.it.Valid() {
			return 0, nil, fmt.Errorf("bulk: %d keys announced, only %d given", b.n, b.count)
		}
		k, v := b.it.Key(), b.it.Value()
		if b.last != nil && bytes.Compare(b.last, k) >= 0 {
			return 0, nil, fmt.Errorf("bulk: key %X after %X: keys must ascend", k, b.last)
		}
		b.last = k
		b.count++
		if err := b.im.Add(&state.ExportNode{Key: k, Value: v, Version: b.version}); err != nil {
			return 0, nil, err
		}
		b.it.Next()
		return 0, k, nil
	}
	left := (n + 1) / 2
	hl, first, err := b.build(left)
	if err != nil {
		return 0, nil, err
	}
	hr, mid, err := b.build(n - left)
	if err != nil {
		return 0, nil, err
	}
	h := max(hl, hr) + 1
	if err := b.im.Add(&state.ExportNode{Key: mid, Version: b.version, Height: h}); err != nil {
		return 0, nil, err
	}
	return h, first, nil
}
