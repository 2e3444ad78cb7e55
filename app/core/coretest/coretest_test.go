package coretest_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/state"
)

// recorder is a testing.TB whose FailNow stops the check under test
// instead of the test, so a test can require a helper to fail.
type recorder struct {
	testing.TB
	msgs []string
}

type stopped struct{}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}
func (r *recorder) FailNow() { panic(stopped{}) }

// fails runs check with a recorder and reports whether it failed.
func fails(t *testing.T, check func(tb testing.TB)) (failed bool) {
	t.Helper()
	r := &recorder{TB: t}
	defer func() {
		if p := recover(); p != nil {
			if _, ok := p.(stopped); !ok {
				panic(p)
			}
			failed = true
		}
		failed = failed || len(r.msgs) > 0
	}()
	check(r)
	return false
}

// The test module: records under prefix 0xf1, table 1 by name, their
// history under table 2, an index of names under table 3.
const prefix byte = 0xf1

var (
	errNoRecord = core.NewError(core.ErrNotFound, "test: no record")
	errUnknown  = core.NewError(core.ErrInvalid, "test: unknown query")
)

func recordKey(name string) []byte { return state.Key(prefix, 1, []byte(name)) }
func historyKey(name string, seq uint64) []byte {
	return core.HistoryKey(prefix, 2, []byte(name), seq)
}
func indexKey(name string) []byte { return state.Key(prefix, 3, []byte(name)) }

type record struct {
	Name         string `json:"name"`
	Count        uint64 `json:"count"`
	HistoryCount uint64 `json:"history_count"`
}

type entry struct {
	Name string `json:"name"`
}

var module = &core.Module{Name: "test", Resolve: func(path []string) ([]byte, core.Answer, error) {
	switch {
	case len(path) == 2 && path[0] == "record":
		return recordKey(path[1]), core.Single(errNoRecord), nil
	case len(path) == 3 && path[0] == "record" && path[2] == "history":
		return recordKey(path[1]), core.HistoryOf(errNoRecord, func(s uint64) []byte { return historyKey(path[1], s) }), nil
	case len(path) == 3 && path[0] == "record" && path[2] == "index":
		return recordKey(path[1]), core.PrefixOf(errNoRecord, state.Key(prefix, 3)), nil
	}
	return nil, nil, core.Wrapf(errUnknown, "%q", path)
}}

func query(t testing.TB, r state.Reader, path []string) (*core.QueryResult, error) {
	return coretest.BoundQuery(t, module, r, path)
}

// store holds record "a" with two history entries and two index entries.
func store(t *testing.T) *coretest.MemKV {
	kv := coretest.NewMemKV()
	require.NoError(t, core.SetJSON(kv, recordKey("a"), record{Name: "a", Count: 2, HistoryCount: 2}))
	ctx := coretest.Context(kv, coretest.Address("s"), 1)
	var n uint64
	for _, action := range []string{"create", "change"} {
		require.NoError(t, ctx.RecordHistory(prefix, 2, []byte("a"), &n, action, nil))
	}
	for _, name := range []string{"x", "y"} {
		require.NoError(t, core.SetJSON(kv, indexKey(name), entry{Name: name}))
	}
	return kv
}

func TestQueryHelpersPass(t *testing.T) {
	kv := store(t)
	hist := coretest.History(t, query, kv, []string{"record", "a", "history"}, func(s uint64) []byte { return historyKey("a", s) })
	require.Equal(t, []string{"create", "change"}, coretest.Actions(hist))
	rec, entries, ok := coretest.Index(t, query, kv, []string{"record", "a", "index"}, recordKey("a"), errNoRecord,
		func(r record) uint64 { return r.Count }, func(e entry) []byte { return indexKey(e.Name) })
	require.True(t, ok)
	require.Equal(t, "a", rec.Name)
	require.Equal(t, []entry{{"x"}, {"y"}}, entries)
	_, _, ok = coretest.Index(t, query, kv, []string{"record", "b", "index"}, recordKey("b"), errNoRecord,
		func(r record) uint64 { return r.Count }, func(e entry) []byte { return indexKey(e.Name) })
	require.False(t, ok)
	got, ok := coretest.Lookup[record](t, query, kv, []string{"record", "a"}, recordKey("a"), errNoRecord)
	require.True(t, ok)
	require.Equal(t, uint64(2), got.HistoryCount)
	coretest.RequireStored(t, query, kv, []string{"record", "a"}, recordKey("a"))
	coretest.RequireNotFound(t, query, kv, []string{"record", "b"}, recordKey("b"), errNoRecord)
	coretest.RequireMalformed(t, query, kv, errUnknown, [][]string{nil, {"record"}, {"record", "a", "x"}})
}

// TestQueryHelpersFail plants one mistake per check, each a mistake a
// module or its test could make, and requires the check to catch it.
func TestQueryHelpersFail(t *testing.T) {
	kv := store(t)
	histKey := func(s uint64) []byte { return historyKey("a", s) }
	for name, check := range map[string]func(tb testing.TB){
		"history entry under another key": func(tb testing.TB) {
			coretest.History(tb, query, kv, []string{"record", "a", "history"}, func(s uint64) []byte { return historyKey("a", s+1) })
		},
		"history of a missing record": func(tb testing.TB) {
			coretest.History(tb, query, kv, []string{"record", "b", "history"}, histKey)
		},
		"index count off by one": func(tb testing.TB) {
			coretest.Index(tb, query, kv, []string{"record", "a", "index"}, recordKey("a"), errNoRecord,
				func(r record) uint64 { return r.Count + 1 }, func(e entry) []byte { return indexKey(e.Name) })
		},
		"index entry under another key": func(tb testing.TB) {
			coretest.Index(tb, query, kv, []string{"record", "a", "index"}, recordKey("a"), errNoRecord,
				func(r record) uint64 { return r.Count }, func(e entry) []byte { return indexKey(e.Name + "!") })
		},
		"index not found with another sentinel": func(tb testing.TB) {
			coretest.Index(tb, query, kv, []string{"record", "b", "index"}, recordKey("b"), errUnknown,
				func(r record) uint64 { return r.Count }, func(e entry) []byte { return indexKey(e.Name) })
		},
		"lookup under another key": func(tb testing.TB) {
			coretest.Lookup[record](tb, query, kv, []string{"record", "a"}, recordKey("b"), errNoRecord)
		},
		"stored under another key": func(tb testing.TB) {
			coretest.RequireStored(tb, query, kv, []string{"record", "a"}, recordKey("b"))
		},
		"stored but missing": func(tb testing.TB) {
			coretest.RequireStored(tb, query, kv, []string{"record", "b"}, recordKey("b"))
		},
		"not found but present": func(tb testing.TB) {
			coretest.RequireNotFound(tb, query, kv, []string{"record", "a"}, recordKey("a"), errNoRecord)
		},
		"not found with another sentinel": func(tb testing.TB) {
			coretest.RequireNotFound(tb, query, kv, []string{"record", "b"}, recordKey("b"), errUnknown)
		},
		"not found proving another key": func(tb testing.TB) {
			coretest.RequireNotFound(tb, query, kv, []string{"record", "b"}, recordKey("c"), errNoRecord)
		},
		"malformed but answered": func(tb testing.TB) {
			coretest.RequireMalformed(tb, query, kv, errUnknown, [][]string{{"record", "a"}})
		},
		"malformed with another sentinel": func(tb testing.TB) {
			coretest.RequireMalformed(tb, query, kv, errNoRecord, [][]string{{"record"}})
		},
		"read of a missing record": func(tb testing.TB) {
			coretest.Read(tb, func(r state.Reader, name string) (*record, error) {
				return core.Load[record](r, recordKey(name), errNoRecord, "record %s", name)
			}, kv, "b")
		},
		"event of another type": func(tb testing.TB) {
			coretest.Attrs(tb, []core.Event{{Type: "other"}}, 0, "test", "k")
		},
		"attribute not indexed": func(tb testing.TB) {
			coretest.Attrs(tb, []core.Event{{Type: "test", Attrs: []core.Attr{{Key: "k", Value: "v"}}}}, 0, "test", "k")
		},
		"no such event": func(tb testing.TB) {
			coretest.Attrs(tb, nil, 0, "test", "k")
		},
	} {
		require.True(t, fails(t, check), name)
	}
}

func TestRequireSeen(t *testing.T) {
	errA := core.NewCodedError(901, core.ErrConflict, "test: a")
	errB := core.NewCodedError(902, core.ErrNotFound, "test: b")
	seen := map[error]bool{errA: true}
	require.False(t, fails(t, func(tb testing.TB) { coretest.RequireSeenIn(tb, seen, []*core.Error{errA}) }))
	require.True(t, fails(t, func(tb testing.TB) { coretest.RequireSeenIn(tb, seen, []*core.Error{errA, errB}) }),
		"a sentinel never triggered")

	// Env records what Refuse and RefuseQuery saw.
	e := coretest.NewEnv(t)
	e.RefuseQuery(query, []string{"record", "a"}, errNoRecord)
	e.RefuseQuery(query, []string{"nope"}, errUnknown)
	e.RequireSeen([]*core.Error{})
	require.True(t, e.Seen[errNoRecord] && e.Seen[errUnknown])
}

func TestAuthorised(t *testing.T) {
	roles := []core.Role{core.RoleBank, core.RoleCourt}
	for _, tc := range []struct {
		roles  []core.Role
		anyone bool
		role   core.Role
		party  bool
		want   bool
	}{
		{roles, false, core.RoleBank, true, true},
		{roles, false, core.RoleCourt, true, true},
		{roles, false, core.RoleNotary, true, false},
		{roles, false, "", true, false},
		{nil, false, "", true, true},
		{nil, false, core.RoleBank, true, true},
		{nil, false, "", false, false},
		{nil, false, core.RoleBank, false, false},
		{nil, true, "", true, true},
		{nil, true, core.RoleBank, true, true},
	} {
		require.Equal(t, tc.want, coretest.Authorised(tc.roles, tc.anyone, tc.role, tc.party), "%+v", tc)
	}
}

// recorder messages: Exec writes under "exec" and refuses with errExec;
// RecordRefusal writes the code it is given under "refused" and emits an
// event, or refuses to record if the message says so.
var errExec = core.NewCodedError(903, core.ErrConflict, "test: refused")

type recMsg struct {
	Record bool
	OK     bool
}

func (recMsg) Type() string    { return "test/record" }
func (recMsg) Validate() error { return nil }
func (m recMsg) Exec(ctx *core.Context) error {
	if err := ctx.KV.Set([]byte("exec"), []byte{1}); err != nil {
		return err
	}
	if m.OK {
		ctx.Emit("test", "action", "ok")
		return nil
	}
	return core.Wrapf(errExec, "detail")
}
func (m recMsg) RecordRefusal(ctx *core.Context, refusal error, code uint32) error {
	if !m.Record {
		return core.Wrapf(core.ErrMissingRole, "not recorded")
	}
	if has, err := ctx.KV.Has([]byte("exec")); err != nil || has {
		return fmt.Errorf("test: the refusal's writes are visible (%v)", err)
	}
	ctx.Emit("test", "action", "refused", "reason", refusal.Error())
	return ctx.KV.Set([]byte("refused"), []byte(core.Dec(uint64(code))))
}

func TestRunRecordsRefusals(t *testing.T) {
	e := coretest.NewEnv(t)
	s := coretest.Address("s")

	// A recorded refusal: Exec's writes discarded, the record kept, the
	// refusal returned with the record's events.
	written, ev := e.RefuseRecorded(s, recMsg{Record: true}, errExec)
	require.Equal(t, []string{"refused"}, written)
	require.Equal(t, []string{"refused"}, coretest.Attrs(t, ev, 0, "test", "action"))
	require.Equal(t, []string{"test: refused: detail"}, coretest.Attrs(t, ev, 0, "test", "reason"))
	v, err := e.KV.Get([]byte("refused"))
	require.NoError(t, err)
	require.Equal(t, "903", string(v), "the sentinel's own code (core.ResultCode) by default")
	require.Nil(t, e.Last, "a refusal is not a success")

	// The code comes from Coder when the test supplies one.
	e.Coder = func(err error) uint32 { return 42 }
	written, _ = e.RefuseRecorded(s, recMsg{Record: true}, errExec)
	require.Equal(t, []string{"refused"}, written)
	v, err = e.KV.Get([]byte("refused"))
	require.NoError(t, err)
	require.Equal(t, "42", string(v))

	// A refusal RecordRefusal will not record changes nothing.
	e.Refuse(s, recMsg{}, errExec)

	// A success is not recorded as a refusal.
	e.OK(s, recMsg{OK: true})
	has, err := e.KV.Has([]byte("exec"))
	require.NoError(t, err)
	require.True(t, has)
}
