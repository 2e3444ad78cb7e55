package coretest

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Querier is how a module's tests make its queries: BoundQuery on the
// module (or a module's stricter variant of it), so that every answer the
// helpers below check is also checked against the module's PathKey.
type Querier func(t testing.TB, r state.Reader, path []string) (*core.QueryResult, error)

// Read returns the record get reads under k, failing t if it cannot: a
// module's typed reader (getParcel, getLien, ...) in a test.
func Read[K, T any](t testing.TB, get func(state.Reader, K) (*T, error), r state.Reader, k K) T {
	t.Helper()
	v, err := get(r, k)
	require.NoError(t, err)
	return *v
}

// History queries path, a record's history, and returns its entries: the
// answer must be the record, whose history_count says how many entries
// follow, then exactly that many, numbered from 0 in order, entry seq
// under keyOf(seq).
func History(t testing.TB, q Querier, r state.Reader, path []string, keyOf func(seq uint64) []byte) []core.HistoryEntry {
	t.Helper()
	res, err := q(t, r, path)
	require.NoError(t, err, "%q", path)
	require.NotEmpty(t, res.Entries, "%q", path)
	require.Equal(t, res.Key, res.Entries[0].Key, "%q: the record comes first", path)
	var anchor struct {
		HistoryCount uint64 `json:"history_count"`
	}
	require.NoError(t, json.Unmarshal(res.Entries[0].Value, &anchor))
	require.Len(t, res.Entries, int(anchor.HistoryCount)+1, "%q: history_count entries", path)
	out := make([]core.HistoryEntry, 0, anchor.HistoryCount)
	for i, kv := range res.Entries[1:] {
		var h core.HistoryEntry
		require.NoError(t, json.Unmarshal(kv.Value, &h))
		require.Equal(t, uint64(i), h.Seq)
		require.Equal(t, keyOf(uint64(i)), kv.Key)
		out = append(out, h)
	}
	return out
}

// Actions returns the action of each history entry, in order.
func Actions(entries []core.HistoryEntry) []string {
	var out []string
	for _, h := range entries {
		out = append(out, h.Action)
	}
	return out
}

// Index queries path, a list anchored on a record of type A under anchor
// whose count says how many entries of type E follow (an owner index, say),
// and returns the decoded anchor and entries: exactly count of them, each
// stored under the key keyOf names for it. If the anchor does not exist,
// the answer must be a not-found with notFound proving anchor absent, and
// ok is false.
func Index[A, E any](t testing.TB, q Querier, r state.Reader, path []string, anchor []byte, notFound error,
	count func(A) uint64, keyOf func(E) []byte) (a A, entries []E, ok bool) {
	t.Helper()
	res, err := q(t, r, path)
	if isNotFound(t, err, notFound, anchor) {
		return a, nil, false
	}
	require.NoError(t, err, "%q", path)
	require.Equal(t, anchor, res.Key)
	require.NoError(t, json.Unmarshal(res.Value, &a))
	require.Len(t, res.Entries, int(count(a))+1, "%q: index complete", path)
	for _, kv := range res.Entries[1:] {
		var e E
		require.NoError(t, json.Unmarshal(kv.Value, &e))
		require.Equal(t, keyOf(e), kv.Key)
		entries = append(entries, e)
	}
	return a, entries, true
}

// Lookup queries path, a single record of type T under key, and returns it
// decoded from the stored bytes. If it does not exist, the answer must be a
// not-found with notFound proving key absent, and ok is false.
func Lookup[T any](t testing.TB, q Querier, r state.Reader, path []string, key []byte, notFound error) (v T, ok bool) {
	t.Helper()
	res, err := q(t, r, path)
	if isNotFound(t, err, notFound, key) {
		return v, false
	}
	require.NoError(t, err, "%q", path)
	require.Equal(t, key, res.Key)
	require.NoError(t, json.Unmarshal(res.Value, &v))
	return v, true
}

// isNotFound reports whether err is a not-found answer, which must then be
// notFound proving key absent.
func isNotFound(t testing.TB, err, notFound error, key []byte) bool {
	t.Helper()
	var nf *core.NotFound
	if !errors.As(err, &nf) {
		return false
	}
	require.ErrorIs(t, err, notFound)
	require.Equal(t, key, nf.Key)
	return true
}

// RequireStored requires path to be answered with the single record under
// key: its exact stored bytes, and no entries.
func RequireStored(t testing.TB, q Querier, r state.Reader, path []string, key []byte) {
	t.Helper()
	res, err := q(t, r, path)
	require.NoError(t, err, "%q", path)
	require.Equal(t, key, res.Key, "%q", path)
	stored, err := r.Get(key)
	require.NoError(t, err)
	require.NotNil(t, stored, "%q", path)
	require.Equal(t, stored, res.Value, "%q: the exact stored bytes", path)
	require.Empty(t, res.Entries, "%q", path)
}

// RequireNotFound requires path to be answered not found: a *core.NotFound
// of kind core.ErrNotFound, and sentinel unless it is nil, whose key is key
// and absent from r (so its absence proof proves the answer).
func RequireNotFound(t testing.TB, q Querier, r state.Reader, path []string, key []byte, sentinel error) {
	t.Helper()
	_, err := q(t, r, path)
	var nf *core.NotFound
	require.True(t, errors.As(err, &nf), "%q: %v", path, err)
	require.Equal(t, key, nf.Key, "%q", path)
	require.ErrorIs(t, err, core.ErrNotFound, "%q", path)
	if sentinel != nil {
		require.ErrorIs(t, err, sentinel, "%q", path)
	}
	has, err := r.Has(nf.Key)
	require.NoError(t, err)
	require.False(t, has, "%q: key %x is present", path, nf.Key)
}

// RequireMalformed requires every one of paths to be refused with
// sentinel (nil: any error), of kind core.ErrInvalid.
func RequireMalformed(t testing.TB, q Querier, r state.Reader, sentinel error, paths [][]string) {
	t.Helper()
	for _, path := range paths {
		_, err := q(t, r, path)
		require.ErrorIs(t, err, core.ErrInvalid, "%q", path)
		if sentinel != nil {
			require.ErrorIs(t, err, sentinel, "%q", path)
		}
	}
}
