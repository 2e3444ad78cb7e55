package core_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/state"
)

func TestRecordHistory(t *testing.T) {
	kv := coretest.NewMemKV()
	signer := coretest.Address("s")
	ctx := coretest.Context(kv, signer, 3)
	var count uint64 = 2
	require.NoError(t, ctx.RecordHistory(testPrefix, 9, []byte("r"), &count, "act", map[string]int{"n": 1}))
	require.Equal(t, uint64(3), count, "the count moves past the entry written")
	var h core.HistoryEntry
	found, err := core.GetJSON(kv, core.HistoryKey(testPrefix, 9, []byte("r"), 2), &h)
	require.NoError(t, err)
	require.True(t, found, "entry number 2 is written under seq 2")
	require.Equal(t, core.HistoryEntry{Seq: 2, Action: "act", Actor: signer, TxHash: ctx.TxHash, Height: 3,
		Time: ctx.BlockTime, Details: json.RawMessage(`{"n":1}`)}, h)

	// A failed write leaves the count as it was.
	count = 5
	bad := coretest.Context(failingKV{kv}, signer, 4)
	require.Error(t, bad.RecordHistory(testPrefix, 9, []byte("r"), &count, "act", nil))
	require.Equal(t, uint64(5), count)
}

// failingKV refuses every write.
type failingKV struct{ state.KV }

func (failingKV) Set([]byte, []byte) error { return errDisk }

var errDisk = core.NewError(core.ErrConflict, "test: disk full")

func TestByAndAt(t *testing.T) {
	ctx := coretest.Context(coretest.NewMemKV(), coretest.Address("s"), 7)
	by, at := ctx.By(), ctx.At()
	require.Equal(t, ctx.Signer, *by)
	require.Equal(t, ctx.BlockTime.UTC(), *at)
	require.Equal(t, "UTC", at.Location().String())
	require.NotSame(t, by, ctx.By(), "each call is a new pointer")
	*by = core.Address{}
	require.Equal(t, coretest.Address("s"), ctx.Signer, "the context's signer cannot be changed through it")
}

func TestRemove(t *testing.T) {
	list := []uint64{1, 2, 3, 2}
	require.Equal(t, []uint64{1, 3}, core.Remove(list, 2))
	require.Equal(t, []uint64{1, 2, 3, 2}, list, "the list itself is unchanged")
	require.Equal(t, []uint64{1, 2, 3, 2}, core.Remove(list, 9))
	require.Empty(t, core.Remove([]uint64{}, 1))
	a, b := coretest.Address("a"), coretest.Address("b")
	require.Equal(t, []core.Address{b}, core.Remove([]core.Address{a, b}, a))
}

func TestIsDeceased(t *testing.T) {
	kv := coretest.NewMemKV()
	a := coretest.Address("a")
	dead, err := core.IsDeceased(kv, a)
	require.NoError(t, err)
	require.False(t, dead, "an account in good standing")
	require.NoError(t, core.SetAccountStatus(kv, core.AccountStatus{Account: a, Status: core.StatusDisabled}))
	dead, err = core.IsDeceased(kv, a)
	require.NoError(t, err)
	require.False(t, dead, "disabled is not deceased")
	require.NoError(t, core.SetAccountStatus(kv, core.AccountStatus{Account: a, Status: core.StatusDeceased}))
	dead, err = core.IsDeceased(kv, a)
	require.NoError(t, err)
	require.True(t, dead)
}

func TestRequireAgencyAdmin(t *testing.T) {
	kv := coretest.NewMemKV()
	admin, other := coretest.Address("admin"), coretest.Address("other")
	require.NoError(t, kv.Set(core.AgencyAdminKey(admin), []byte("justice")))
	id, err := coretest.Context(kv, admin, 1).RequireAgencyAdmin()
	require.NoError(t, err)
	require.Equal(t, "justice", id)
	_, err = coretest.Context(kv, other, 1).RequireAgencyAdmin()
	require.ErrorIs(t, err, core.ErrNotAgencyAdmin)
	require.ErrorContains(t, err, "is no agency's admin")
}

func TestRequireDeadline(t *testing.T) {
	refusal := core.NewError(core.ErrInvalid, "test: expires_at out of range")
	ctx := coretest.Context(coretest.NewMemKV(), coretest.Address("s"), 10)
	now := ctx.BlockTime
	require.NoError(t, ctx.RequireDeadline(now.Add(time.Second), time.Hour, refusal))
	require.NoError(t, ctx.RequireDeadline(now.Add(time.Hour), time.Hour, refusal), "exactly the horizon")
	for _, bad := range []time.Time{now, now.Add(-time.Second), now.Add(time.Hour + time.Second)} {
		err := ctx.RequireDeadline(bad, time.Hour, refusal)
		require.ErrorIs(t, err, refusal)
		require.EqualError(t, err, "test: expires_at out of range: expires_at "+bad.Format(time.RFC3339)+
			", block time 2026-01-01T00:00:10Z")
	}
}

func TestDecAndCompare(t *testing.T) {
	require.Equal(t, "0", core.Dec(uint64(0)))
	require.Equal(t, "18446744073709551615", core.Dec(uint64(1<<64-1)))
	require.Equal(t, "-9223372036854775808", core.Dec(int64(-1<<63)))
	require.Equal(t, "42", core.Dec(int64(42)))
	a, b := core.Address{1}, core.Address{2}
	require.Equal(t, -1, a.Compare(b))
	require.Equal(t, 1, b.Compare(a))
	require.Zero(t, a.Compare(a))
}

func TestRoleAgency(t *testing.T) {
	kv := coretest.NewMemKV()
	officer, other := coretest.Address("officer"), coretest.Address("other")
	require.NoError(t, coretest.GrantFor(kv, officer, core.RoleDataOfficer, "finance"))
	id, err := coretest.Context(kv, officer, 1).RoleAgency(core.RoleDataOfficer)
	require.NoError(t, err)
	require.Equal(t, "finance", id)
	_, err = coretest.Context(kv, officer, 1).RoleAgency(core.RoleDataService)
	require.ErrorIs(t, err, core.ErrMissingRole, "a role the signer does not hold")
	_, err = coretest.Context(kv, other, 1).RoleAgency(core.RoleDataOfficer)
	require.ErrorIs(t, err, core.ErrMissingRole)
	require.ErrorContains(t, err, "needs role data_officer")
}

func TestRolesSortedAndValid(t *testing.T) {
	require.True(t, slices.IsSorted(core.Roles), "ValidRole searches the sorted list")
	for _, r := range []core.Role{core.RoleDataOfficer, core.RoleDataService, core.RoleOmbudsman, core.RoleAuditor, core.RoleWorkshop} {
		require.True(t, core.ValidRole(r), r)
	}
	require.False(t, core.ValidRole("data_owner"))
}

// listSection is a genesis section that is not comparable.
type listSection struct {
	Items []string `json:"items"`
}

func TestGenesisOfFunc(t *testing.T) {
	def := func() listSection { return listSection{Items: []string{"a", "b"}} }
	var written listSection
	sec := core.GenesisOfFunc(def, func(s listSection) bool { return len(s.Items) == 0 },
		func(s listSection) error {
			if slices.Contains(s.Items, "bad") {
				return errDisk
			}
			return nil
		},
		func(_ state.KV, s listSection) error { written = s; return nil })
	require.Equal(t, def(), sec.Default())
	for _, raw := range []json.RawMessage{nil, json.RawMessage(`{}`), json.RawMessage(`{"items":[]}`)} {
		v, err := sec.Check(raw)
		require.NoError(t, err, string(raw))
		require.Equal(t, def(), v, "%s stands for the default", raw)
	}
	v, err := sec.Check(json.RawMessage(`{"items":["c"]}`))
	require.NoError(t, err)
	require.Equal(t, listSection{Items: []string{"c"}}, v)
	require.NoError(t, sec.Init(coretest.NewMemKV(), v))
	require.Equal(t, v, written)
	_, err = sec.Check(json.RawMessage(`{"items":["bad"]}`))
	require.ErrorIs(t, err, errDisk, "validate refuses")
	_, err = sec.Check(json.RawMessage(`{"items":[],"extra":1}`))
	require.ErrorContains(t, err, "unknown field")
	require.Error(t, sec.Init(coretest.NewMemKV(), 7), "a value of another type")
}

func TestIsRefusal(t *testing.T) {
	for _, k := range []error{core.ErrInvalid, core.ErrNotFound, core.ErrUnauthorized, core.ErrConflict} {
		require.True(t, core.IsRefusal(core.Wrapf(k, "x")), k.Error())
	}
	require.True(t, core.IsRefusal(core.Wrapf(core.ErrMissingRole, "x")))
	require.False(t, core.IsRefusal(errors.New("disk failed")))
	require.False(t, core.IsRefusal(nil))
}

// Emit keeps events in order unless the context drops them; a dropping
// context says so (Emitting).
func TestEmitAndDropEvents(t *testing.T) {
	kv := coretest.NewMemKV()
	ctx := coretest.Context(kv, coretest.Address("s"), 3)
	require.True(t, ctx.Emitting())
	ctx.Emit("land", "action", "a", "parcel_id", "P-1")
	ctx.Emit("land", "action", "b")
	require.Equal(t, []core.Event{
		{Type: "land", Attrs: []core.Attr{{Key: "action", Value: "a", Index: true}, {Key: "parcel_id", Value: "P-1", Index: true}}},
		{Type: "land", Attrs: []core.Attr{{Key: "action", Value: "b", Index: true}}},
	}, ctx.Events())

	dropping := coretest.Context(kv, coretest.Address("s"), 3)
	dropping.DropEvents = true
	require.False(t, dropping.Emitting())
	dropping.Emit("land", "action", "a")
	require.Empty(t, dropping.Events())
}

// SetJSON on a branch stores its own bytes: a later write through the
// caller's key slice changes nothing stored.
func TestSetJSONOwnsItsBytes(t *testing.T) {
	b := state.NewBranch(coretest.NewMemKV())
	key := []byte("k1")
	require.NoError(t, core.SetJSON(b, key, map[string]int{"n": 1}))
	key[1] = '2'
	got, err := b.Get([]byte("k1"))
	require.NoError(t, err)
	require.Equal(t, `{"n":1}`, string(got))
	missing, err := b.Get([]byte("k2"))
	require.NoError(t, err)
	require.Nil(t, missing)
}
