package coretest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Env is the registries' test chain: one-transaction blocks over a MemKV.
// Each message runs Validate, then Exec on a state.Branch that is written
// only if Exec succeeds, as the app does. A registry's tests embed it and
// add their own record readers.
type Env struct {
	T  *testing.T
	KV *MemKV
	// Height is the height of the last block run (0 before the first).
	Height int64
	// Seen records every sentinel a Refuse has observed, so a test can
	// require that each of a registry's errors was hit.
	Seen map[error]bool
	// Last is the context of the last message that succeeded (events,
	// validator updates, tx hash); nil before the first.
	Last *core.Context
}

// NewEnv returns an empty chain.
func NewEnv(t *testing.T) *Env {
	return &Env{T: t, KV: NewMemKV(), Seen: map[error]bool{}}
}

// Account returns the test address of name (Address) after granting it
// each of roles directly (Grant).
func (e *Env) Account(name string, roles ...core.Role) core.Address {
	a := Address(name)
	for _, r := range roles {
		require.NoError(e.T, Grant(e.KV, a, r))
	}
	return a
}

// Revoke deletes a's grant of r directly.
func (e *Env) Revoke(a core.Address, r core.Role) {
	require.NoError(e.T, e.KV.Delete(core.RoleGrantKey(a, r)))
}

// Run executes m, signed by signer, as the next block's only transaction
// and returns its events. On failure nothing is written.
func (e *Env) Run(signer core.Address, m core.Msg) ([]core.Event, error) {
	e.Height++
	if err := m.Validate(); err != nil {
		return nil, err
	}
	br := state.NewBranch(e.KV)
	ctx := Context(br, signer, e.Height)
	if err := m.Exec(ctx); err != nil {
		br.Discard()
		return nil, err
	}
	require.NoError(e.T, br.Write())
	e.Last = ctx
	return ctx.Events(), nil
}

// OK runs m and requires it to succeed and emit at least one event.
func (e *Env) OK(signer core.Address, m core.Msg) []core.Event {
	e.T.Helper()
	ev, err := e.Run(signer, m)
	require.NoError(e.T, err, "%s", m.Type())
	require.NotEmpty(e.T, ev)
	return ev
}

// Refuse runs m and requires it to fail with sentinel and to leave the
// state byte for byte unchanged; it records sentinel in Seen and returns
// the error.
func (e *Env) Refuse(signer core.Address, m core.Msg, sentinel error) error {
	e.T.Helper()
	before := e.Snapshot()
	_, err := e.Run(signer, m)
	require.Error(e.T, err, "%s should be refused with %v", m.Type(), sentinel)
	require.ErrorIs(e.T, err, sentinel, "%s", m.Type())
	require.Equal(e.T, before, e.Snapshot(), "refused %s changed state", m.Type())
	e.Seen[sentinel] = true
	return err
}

// Snapshot returns every key and value of the state.
func (e *Env) Snapshot() map[string]string {
	it, err := e.KV.Iterator(nil, nil, true)
	require.NoError(e.T, err)
	defer it.Close()
	out := map[string]string{}
	for ; it.Valid(); it.Next() {
		out[string(it.Key())] = string(it.Value())
	}
	return out
}

// Deadline is d after the time of the next block: a workflow's expires_at
// for a message run next.
func (e *Env) Deadline(d time.Duration) time.Time { return BlockTime(e.Height + 1).Add(d) }

// Die marks a's account deceased directly, as the identity registry's
// death record does.
func (e *Env) Die(a core.Address) {
	require.NoError(e.T, core.SetAccountStatus(e.KV, core.AccountStatus{
		Account: a, Status: core.StatusDeceased, Reason: "death record", Height: e.Height,
	}))
}

// RefuseQuery requires q to refuse path with sentinel and records
// sentinel in Seen: how a test reaches a sentinel only a query returns.
func (e *Env) RefuseQuery(q Querier, path []string, sentinel error) {
	e.T.Helper()
	_, err := q(e.T, e.KV, path)
	require.ErrorIs(e.T, err, sentinel, "%q", path)
	e.Seen[sentinel] = true
}

// RequireSeen requires every one of sentinels (a module's Errors, say) to
// have been recorded in Seen by Refuse or RefuseQuery.
func (e *Env) RequireSeen(sentinels []*core.Error) {
	e.T.Helper()
	requireSeen(e.T, e.Seen, sentinels)
}

func requireSeen(t testing.TB, seen map[error]bool, sentinels []*core.Error) {
	t.Helper()
	for i, s := range sentinels {
		require.True(t, seen[s], "sentinel %d (%v) never triggered", i, s)
	}
}
