package notary

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/state"
)

// env is a chain of one-transaction blocks over a MemKV: each message runs
// Validate, then Exec on a state.Branch that is written only on success.
type env struct {
	*coretest.Env
}

func newEnv(t *testing.T) *env {
	return &env{Env: coretest.NewEnv(t)}
}

// account returns a test address holding the given roles: a grant per role
// and the RoleAccount summary that the agency registry keeps.
func (e *env) account(name string, roles ...core.Role) core.Address {
	a := coretest.Address(name)
	for _, r := range roles {
		require.NoError(e.T, coretest.Grant(e.KV, a, r))
	}
	if len(roles) > 0 {
		sorted := slices.Sorted(slices.Values(roles))
		require.NoError(e.T, core.SetJSON(e.KV, core.RoleAccountKey(a), core.RoleAccount{Account: a, Roles: sorted, HistoryCount: uint64(len(roles))}))
	}
	return a
}

// revokeAll leaves a with a RoleAccount that lists no role, as after the
// revocation of its last role.
func (e *env) revokeAll(a core.Address) {
	require.NoError(e.T, core.SetJSON(e.KV, core.RoleAccountKey(a), core.RoleAccount{Account: a, Roles: []core.Role{}, HistoryCount: 2}))
}

// okCtx runs m, requires success and returns its context (events, tx
// hash).
func (e *env) okCtx(signer core.Address, m core.Msg) *core.Context {
	e.T.Helper()
	e.OK(signer, m)
	return e.Last
}

// attrs returns the first event's attributes as a map (each key once).
func attrs(t *testing.T, ctx *core.Context) map[string]string {
	evs := ctx.Events()
	require.Len(t, evs, 1)
	require.Equal(t, EventType, evs[0].Type)
	out := map[string]string{}
	for _, a := range evs[0].Attrs {
		require.True(t, a.Index)
		_, dup := out[a.Key]
		require.False(t, dup, a.Key)
		out[a.Key] = a.Value
	}
	return out
}

// boundQuery is coretest.BoundQuery on this module.
func boundQuery(t testing.TB, r state.Reader, path []string) (*core.QueryResult, error) {
	t.Helper()
	return coretest.BoundQuery(t, Module, r, path)
}
