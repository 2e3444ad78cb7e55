package core_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/state"
)

// testPrefix is a key prefix no module uses.
const testPrefix byte = 0xf0

var errMissing = core.NewError(core.ErrNotFound, "test: no such record")

func TestQuerySingle(t *testing.T) {
	kv := coretest.NewMemKV()
	key := state.Key(testPrefix, 1, []byte("a"))
	require.NoError(t, kv.Set(key, []byte(`{"n":1}`)))

	res, err := core.QuerySingle(kv, key, errMissing)
	require.NoError(t, err)
	require.Equal(t, key, res.Key)
	require.Equal(t, []byte(`{"n":1}`), res.Value)
	require.Empty(t, res.Entries)

	other := state.Key(testPrefix, 1, []byte("b"))
	_, err = core.QuerySingle(kv, other, errMissing)
	var nf *core.NotFound
	require.ErrorAs(t, err, &nf)
	require.Equal(t, other, nf.Key, "the absent key is the one to prove")
	require.ErrorIs(t, err, errMissing)
}

type counted struct {
	Count uint64 `json:"count"`
}

func TestQueryListOf(t *testing.T) {
	kv := coretest.NewMemKV()
	anchor := state.Key(testPrefix, 1, []byte("p"))
	entry := func(i uint64) []byte { return state.Key(testPrefix, 2, []byte("p"), []byte{byte(i)}) }
	require.NoError(t, kv.Set(anchor, []byte(`{"count":3}`)))
	for i := uint64(0); i < 3; i++ {
		require.NoError(t, kv.Set(entry(i), []byte(fmt.Sprint(i))))
	}
	keysOf := func(c *counted) [][]byte { return core.SeqKeys(c.Count, entry) }

	res, err := core.QueryListOf(kv, anchor, errMissing, keysOf)
	require.NoError(t, err)
	require.Equal(t, anchor, res.Key)
	require.Len(t, res.Entries, 4)
	require.Equal(t, core.KVPair{Key: anchor, Value: []byte(`{"count":3}`)}, res.Entries[0], "the anchor comes first")
	for i := uint64(0); i < 3; i++ {
		require.Equal(t, core.KVPair{Key: entry(i), Value: []byte(fmt.Sprint(i))}, res.Entries[i+1])
	}

	// A listed key that is missing is an internal error, never a NotFound.
	require.NoError(t, kv.Delete(entry(1)))
	_, err = core.QueryListOf(kv, anchor, errMissing, keysOf)
	require.Error(t, err)
	var nf *core.NotFound
	require.False(t, errors.As(err, &nf))

	// An anchor that does not decode is an internal error.
	require.NoError(t, kv.Set(anchor, []byte(`not json`)))
	_, err = core.QueryListOf(kv, anchor, errMissing, keysOf)
	require.ErrorContains(t, err, "does not decode")

	// A missing anchor is the registry's not-found.
	require.NoError(t, kv.Delete(anchor))
	_, err = core.QueryListOf(kv, anchor, errMissing, keysOf)
	require.ErrorAs(t, err, &nf)
	require.Equal(t, anchor, nf.Key)
}

func TestQueryPrefix(t *testing.T) {
	kv := coretest.NewMemKV()
	anchor := state.Key(testPrefix, 1, []byte("o"))
	prefix := state.Key(testPrefix, 3, []byte("o"))
	require.NoError(t, kv.Set(anchor, []byte("anchor")))
	// Written out of order; answered in key order. A key of a neighbouring
	// owner is not included.
	for _, s := range []string{"c", "a", "b"} {
		require.NoError(t, kv.Set(append(append([]byte{}, prefix...), s...), []byte(s)))
	}
	require.NoError(t, kv.Set(state.Key(testPrefix, 3, []byte("p"), []byte("x")), []byte("x")))

	res, err := core.QueryPrefix(kv, anchor, errMissing, prefix)
	require.NoError(t, err)
	require.Len(t, res.Entries, 4)
	require.Equal(t, []byte("anchor"), res.Entries[0].Value)
	for i, s := range []string{"a", "b", "c"} {
		require.Equal(t, []byte(s), res.Entries[i+1].Value)
	}

	_, err = core.QueryPrefix(kv, state.Key(testPrefix, 1, []byte("none")), errMissing, prefix)
	require.ErrorIs(t, err, errMissing)
}

func TestParseQueryID(t *testing.T) {
	unknown := core.NewError(core.ErrInvalid, "test: unknown query")
	n, err := core.ParseQueryID("42", unknown)
	require.NoError(t, err)
	require.Equal(t, uint64(42), n)
	for _, bad := range []string{"0", "042", "+1", "-1", "1.0", "", "x", "18446744073709551616"} {
		_, err := core.ParseQueryID(bad, unknown)
		require.ErrorIs(t, err, unknown, "%q", bad)
	}
}

func TestIDKeys(t *testing.T) {
	keyOf := func(id uint64) []byte { return []byte{byte(id)} }
	require.Equal(t, [][]byte{{3}, {1}}, core.IDKeys(keyOf, []uint64{3, 1}))
	require.Empty(t, core.IDKeys(keyOf, nil))
	require.Equal(t, [][]byte{{0}, {1}}, core.SeqKeys(2, keyOf))
	require.Empty(t, core.SeqKeys(0, keyOf))
}

// TestAnswers checks the Answers resolvers are built from against the
// Query functions they stand for.
func TestAnswers(t *testing.T) {
	kv := coretest.NewMemKV()
	anchor := state.Key(testPrefix, 1, []byte("h"))
	entry := func(seq uint64) []byte { return state.Key(testPrefix, 2, []byte("h"), state.Uint64(seq)) }
	require.NoError(t, kv.Set(anchor, []byte(`{"id":"h","history_count":2,"count":1}`)))
	for seq := uint64(0); seq < 3; seq++ { // entry 2 exists but is not counted
		require.NoError(t, kv.Set(entry(seq), []byte(fmt.Sprint(seq))))
	}

	res, err := core.HistoryOf(errMissing, entry)(kv, anchor)
	require.NoError(t, err)
	require.Equal(t, anchor, res.Key)
	require.Equal(t, []core.KVPair{{Key: anchor, Value: res.Value}, {Key: entry(0), Value: []byte("0")}, {Key: entry(1), Value: []byte("1")}}, res.Entries)

	res, err = core.ListOf(errMissing, func(c *counted) [][]byte { return core.SeqKeys(c.Count, entry) })(kv, anchor)
	require.NoError(t, err)
	require.Len(t, res.Entries, 2)
	require.Equal(t, entry(0), res.Entries[1].Key)

	res, err = core.PrefixOf(errMissing, state.Key(testPrefix, 2, []byte("h")))(kv, anchor)
	require.NoError(t, err)
	require.Len(t, res.Entries, 4, "the anchor, then every key under the prefix")

	missing := state.Key(testPrefix, 1, []byte("none"))
	for _, answer := range []core.Answer{
		core.HistoryOf(errMissing, entry), core.PrefixOf(errMissing, missing),
		core.ListOf(errMissing, func(*counted) [][]byte { return nil }),
	} {
		_, err := answer(kv, missing)
		var nf *core.NotFound
		require.ErrorAs(t, err, &nf)
		require.Equal(t, missing, nf.Key)
		require.ErrorIs(t, err, errMissing)
	}
}

func TestQueryPathSegments(t *testing.T) {
	unknown := core.NewError(core.ErrInvalid, "test: unknown query")
	keyOf := func(id uint64) []byte { return state.Key(testPrefix, 4, state.Uint64(id)) }
	key, answer, err := core.SingleByID("7", unknown, keyOf, errMissing)
	require.NoError(t, err)
	require.Equal(t, keyOf(7), key)
	_, err = answer(coretest.NewMemKV(), key)
	require.ErrorIs(t, err, errMissing)
	_, _, err = core.SingleByID("07", unknown, keyOf, errMissing)
	require.ErrorIs(t, err, unknown)

	a := coretest.Address("a")
	got, err := core.ParseQueryAddress(a.String(), unknown)
	require.NoError(t, err)
	require.Equal(t, a, got)
	for _, bad := range []string{"", "xyz", strings.ToUpper(a.String()), a.String() + "00"} {
		_, err := core.ParseQueryAddress(bad, unknown)
		require.ErrorIs(t, err, unknown, "%q", bad)
		require.ErrorContains(t, err, "must be 40 lower-case hex digits")
	}

	id, err := core.ParseQueryIdent("parcel id", "P-1", unknown)
	require.NoError(t, err)
	require.Equal(t, "P-1", id)
	for _, bad := range []string{"", "a b", "P/1", strings.Repeat("x", 65)} {
		_, err := core.ParseQueryIdent("parcel id", bad, unknown)
		require.ErrorIs(t, err, unknown, "%q", bad)
		require.ErrorContains(t, err, "parcel id")
	}
}
