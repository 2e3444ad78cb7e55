package coretest

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
	"github.com/stretchr/testify/require"
)

// CheckPathKey returns an error unless pathKey, a registry's PathKey,
// agrees with what the registry's Query answered for path (res, err): an
// answer rests on the key pathKey names (and a list's first entry is that
// anchor), a not-found answer proves the absence of that key, and a path
// refused as invalid (kind core.ErrInvalid) names no key. Other errors
// (an inconsistent store) are not checked.
func CheckPathKey(pathKey func([]string) ([]byte, bool), path []string, res *core.QueryResult, err error) error {
	key, ok := pathKey(path)
	var nf *core.NotFound
	var got []byte
	switch {
	case err == nil:
		got = res.Key
		if len(res.Entries) > 0 && !bytes.Equal(res.Entries[0].Key, res.Key) {
			return fmt.Errorf("%q: first entry %x is not the answer's key %x", path, res.Entries[0].Key, res.Key)
		}
	case errors.As(err, &nf):
		got = nf.Key
	case errors.Is(err, core.ErrInvalid):
		if ok {
			return fmt.Errorf("%q: Query refused the path (%v) but PathKey names %x", path, err, key)
		}
		return nil
	default:
		return nil
	}
	if !ok {
		return fmt.Errorf("%q: Query answered with key %x but PathKey names none", path, got)
	}
	if !bytes.Equal(key, got) {
		return fmt.Errorf("%q: Query answered with key %x but PathKey names %x", path, got, key)
	}
	return nil
}

// BoundQuery is m.Query, failing t unless m.PathKey names the key the
// answer (or its not-found) rests on, and names none for a path Query
// refuses (CheckPathKey). A module's tests make every query through it,
// so PathKey cannot drift from Query.
func BoundQuery(t testing.TB, m *core.Module, r state.Reader, path []string) (*core.QueryResult, error) {
	t.Helper()
	res, err := m.Query(r, path)
	require.NoError(t, CheckPathKey(m.PathKey, path, res, err))
	return res, err
}
