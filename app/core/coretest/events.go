package coretest

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
)

// Attrs returns every value of attribute key, in order, of event i of
// evs, which must exist, be of type typ and have every attribute indexed.
func Attrs(t testing.TB, evs []core.Event, i int, typ, key string) []string {
	t.Helper()
	require.Greater(t, len(evs), i)
	require.Equal(t, typ, evs[i].Type)
	var vals []string
	for _, a := range evs[i].Attrs {
		require.True(t, a.Index, "attribute %s is not indexed", a.Key)
		if a.Key == key {
			vals = append(vals, a.Value)
		}
	}
	return vals
}
