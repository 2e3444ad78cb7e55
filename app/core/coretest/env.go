package coretest

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Env is the registries' test chain: one-transaction blocks over a MemKV.
// Each message runs Validate, then Exec on a state.Branch that is written
// only if Exec succeeds, as the app does; the refusal of a core.Recorder
// is then recorded as the app's refusal hook records it (Run). A
// registry's tests embed it and add their own record readers.
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
	// Coder gives the result code a refusal is recorded with; nil means
	// core.ResultCode, the code the app records and abci reports.
	Coder func(error) uint32
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
// and returns its events. On failure nothing of Exec is written; if m is a
// core.Recorder, Run then does what the app's refusal hook does: it calls
// RecordRefusal on a fresh branch, with the same context, the refusal and
// its code (Coder), keeps its writes if it returns nil, and returns its
// events with the refusal.
func (e *Env) Run(signer core.Address, m core.Msg) ([]core.Event, error) {
	e.Height++
	if err := m.Validate(); err != nil {
		return nil, err
	}
	br := state.NewBranch(e.KV)
	ctx := Context(br, signer, e.Height)
	err := m.Exec(ctx)
	if err == nil {
		require.NoError(e.T, br.Write())
		e.Last = ctx
		return ctx.Events(), nil
	}
	br.Discard()
	rec, ok := m.(core.Recorder)
	if !ok {
		return nil, err
	}
	br = state.NewBranch(e.KV)
	ctx = Context(br, signer, e.Height)
	if rec.RecordRefusal(ctx, err, e.code(err)) != nil {
		br.Discard()
		return nil, err
	}
	require.NoError(e.T, br.Write())
	return ctx.Events(), err
}

// code is the result code a refusal is recorded with.
func (e *Env) code(err error) uint32 {
	if e.Coder != nil {
		return e.Coder(err)
	}
	return core.ResultCode(err)
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

// RefuseRecorded runs m, a core.Recorder, and requires it to be refused
// with sentinel and the refusal to be recorded (Run): it returns the keys
// the recording added or changed, sorted, and its events, and requires
// that it deleted none. It records sentinel in Seen. The caller checks
// that the keys are exactly what the refusal's record consists of.
func (e *Env) RefuseRecorded(signer core.Address, m core.Recorder, sentinel error) ([]string, []core.Event) {
	e.T.Helper()
	before := e.Snapshot()
	ev, err := e.Run(signer, m)
	require.Error(e.T, err, "%s should be refused with %v", m.Type(), sentinel)
	require.ErrorIs(e.T, err, sentinel, "%s", m.Type())
	require.NotEmpty(e.T, ev, "a recorded refusal emits its events")
	after := e.Snapshot()
	var written []string
	for k, v := range after {
		if old, ok := before[k]; !ok || old != v {
			written = append(written, k)
		}
	}
	for k := range before {
		_, ok := after[k]
		require.True(e.T, ok, "recording the refusal of %s deleted key %x", m.Type(), k)
	}
	slices.Sort(written)
	e.Seen[sentinel] = true
	return written, ev
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
