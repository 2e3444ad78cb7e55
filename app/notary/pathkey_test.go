package notary

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/state"
)

// boundQuery is Query, failing t unless PathKey names the key the answer
// (or its not-found) rests on, and names none for a path Query refuses.
// Every query the tests make goes through it, so PathKey cannot drift from
// Query.
func boundQuery(t testing.TB, r state.Reader, path []string) (*core.QueryResult, error) {
	t.Helper()
	res, err := Query(r, path)
	require.NoError(t, coretest.CheckPathKey(PathKey, path, res, err))
	return res, err
}
