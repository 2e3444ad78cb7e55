package core_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/state"
)

func TestNumberedList(t *testing.T) {
	kv := coretest.NewMemKV()
	anchor := state.Key(testPrefix, 1, []byte("log"))
	entry := func(seq uint64) []byte { return state.Key(testPrefix, 2, []byte("log"), state.Uint64(seq)) }
	list := &core.NumberedList{NotFound: errMissing, CountField: "count", EntryKey: entry}
	require.NoError(t, kv.Set(anchor, []byte(`{"subject":"S-1","count":2}`)))
	for seq := range uint64(3) { // entry 2 exists but is not counted
		require.NoError(t, kv.Set(entry(seq), []byte(fmt.Sprint(seq))))
	}

	res, err := list.Answer(kv, anchor)
	require.NoError(t, err)
	require.Equal(t, []core.KVPair{{Key: anchor, Value: []byte(`{"subject":"S-1","count":2}`)},
		{Key: entry(0), Value: []byte("0")}, {Key: entry(1), Value: []byte("1")}}, res.Entries,
		"the anchor, then as many entries as it counts")

	_, err = list.Answer(kv, state.Key(testPrefix, 1, []byte("none")))
	var nf *core.NotFound
	require.ErrorAs(t, err, &nf)
	require.ErrorIs(t, err, errMissing)

	require.NoError(t, kv.Set(anchor, []byte(`{"count":5}`)))
	_, err = list.Answer(kv, anchor)
	require.ErrorContains(t, err, "is missing", "a counted entry that is missing is an inconsistent state")
	require.NotErrorAs(t, err, &nf)

	for anchor, want := range map[string]uint64{`{"count":0}`: 0, `{"count":18446744073709551615,"x":[1]}`: 1<<64 - 1} {
		n, err := list.Count([]byte(anchor))
		require.NoError(t, err, anchor)
		require.Equal(t, want, n, anchor)
	}
	for _, bad := range []string{`{}`, `{"Count":1}`, `{"count":-1}`, `{"count":1.0}`, `{"count":"1"}`, `{"count":null}`,
		`{"count":18446744073709551616}`, `[1]`, `null`, `{"count":1`} {
		_, err := list.Count([]byte(bad))
		require.Error(t, err, bad)
	}
}

// TestNumberedListOf: the probe recognises exactly the answers built from
// a NumberedList (HistoryOf's among them) and reads nothing.
func TestNumberedListOf(t *testing.T) {
	keyOf := func(seq uint64) []byte { return state.Key(testPrefix, 3, state.Uint64(seq)) }
	l, ok := core.NumberedListOf(core.HistoryOf(errMissing, keyOf))
	require.True(t, ok)
	require.Equal(t, "history_count", l.CountField)
	require.Equal(t, keyOf(7), l.EntryKey(7))
	require.Equal(t, errMissing, l.NotFound)

	list := &core.NumberedList{NotFound: errMissing, CountField: "count", EntryKey: keyOf}
	got, ok := core.NumberedListOf(list.Answer)
	require.True(t, ok)
	require.Same(t, list, got)

	for name, answer := range map[string]core.Answer{
		"single": core.Single(errMissing),
		"list":   core.ListOf(errMissing, func(c *counted) [][]byte { return core.SeqKeys(c.Count, keyOf) }),
		"prefix": core.PrefixOf(errMissing, []byte{testPrefix}),
		"custom": func(r state.Reader, key []byte) (*core.QueryResult, error) {
			if _, err := r.Has(key); err != nil {
				return nil, err
			}
			return list.Answer(coretest.NewMemKV(), key)
		},
	} {
		_, ok := core.NumberedListOf(answer)
		require.False(t, ok, name)
	}
}
