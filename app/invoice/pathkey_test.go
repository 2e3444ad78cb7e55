package invoice

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/state"
)

// boundQuery is Query, failing t unless PathKey names the key the answer
// (or its not-found) rests on, and names none for a path Query refuses,
// except a page start beyond the count of an anchor that exists. Every
// query the tests make goes through it, so PathKey cannot drift from
// Query.
func boundQuery(t testing.TB, r state.Reader, path []string) (*core.QueryResult, error) {
	t.Helper()
	res, err := Query(r, path)
	if key, ok := PathKey(path); ok && errors.Is(err, ErrUnknownQuery) {
		has, herr := r.Has(key)
		require.NoError(t, herr)
		require.True(t, has, "%q: refused (%v) before its anchor %x was read", path, err, key)
		return res, err
	}
	require.NoError(t, coretest.CheckPathKey(PathKey, path, res, err))
	return res, err
}
