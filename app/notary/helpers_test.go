package notary

import (
	"crypto/sha256"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/state"
)

func hashOf(s string) core.Hash { return sha256.Sum256([]byte(s)) }

// env is a chain of one-transaction blocks over a MemKV: each message runs
// Validate, then Exec on a state.Branch that is written only on success.
type env struct {
	t      *testing.T
	kv     *coretest.MemKV
	height int64
	seen   map[error]bool
}

func newEnv(t *testing.T) *env {
	return &env{t: t, kv: coretest.NewMemKV(), seen: map[error]bool{}}
}

// account returns a test address holding the given roles: a grant per role
// and the RoleAccount summary that the agency registry keeps.
func (e *env) account(name string, roles ...core.Role) core.Address {
	a := coretest.Address(name)
	for _, r := range roles {
		require.NoError(e.t, coretest.Grant(e.kv, a, r))
	}
	if len(roles) > 0 {
		sorted := slices.Sorted(slices.Values(roles))
		require.NoError(e.t, core.SetJSON(e.kv, core.RoleAccountKey(a), core.RoleAccount{Account: a, Roles: sorted, HistoryCount: uint64(len(roles))}))
	}
	return a
}

// revokeAll leaves a with a RoleAccount that lists no role, as after the
// revocation of its last role.
func (e *env) revokeAll(a core.Address) {
	require.NoError(e.t, core.SetJSON(e.kv, core.RoleAccountKey(a), core.RoleAccount{Account: a, Roles: []core.Role{}, HistoryCount: 2}))
}

// run executes m as the next block's only transaction.
func (e *env) run(signer core.Address, m core.Msg) (*core.Context, error) {
	e.height++
	if err := m.Validate(); err != nil {
		return nil, err
	}
	br := state.NewBranch(e.kv)
	ctx := coretest.Context(br, signer, e.height)
	if err := m.Exec(ctx); err != nil {
		br.Discard()
		return nil, err
	}
	require.NoError(e.t, br.Write())
	return ctx, nil
}

// ok runs m, requires success and returns its context (events, tx hash).
func (e *env) ok(signer core.Address, m core.Msg) *core.Context {
	e.t.Helper()
	ctx, err := e.run(signer, m)
	require.NoError(e.t, err, "%s", m.Type())
	require.NotEmpty(e.t, ctx.Events())
	return ctx
}

// refuse runs m, requires it to fail with sentinel and leave the state
// byte-for-byte unchanged.
func (e *env) refuse(signer core.Address, m core.Msg, sentinel error) {
	e.t.Helper()
	before := e.snapshot()
	_, err := e.run(signer, m)
	require.ErrorIs(e.t, err, sentinel, "%s", m.Type())
	require.Equal(e.t, before, e.snapshot(), "refused %s changed state", m.Type())
	e.seen[sentinel] = true
}

func (e *env) snapshot() map[string]string {
	it, err := e.kv.Iterator(nil, nil, true)
	require.NoError(e.t, err)
	defer it.Close()
	out := map[string]string{}
	for ; it.Valid(); it.Next() {
		out[string(it.Key())] = string(it.Value())
	}
	return out
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
