package land

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/state"
)

// t0 is the block time of height 0 in coretest.Context.
var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func blockTime(h int64) time.Time { return t0.Add(time.Duration(h) * time.Second) }

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

// account returns a test address and grants it the given roles.
func (e *env) account(name string, roles ...core.Role) core.Address {
	a := coretest.Address(name)
	for _, r := range roles {
		require.NoError(e.t, coretest.Grant(e.kv, a, r))
	}
	return a
}

func (e *env) revoke(a core.Address, r core.Role) {
	require.NoError(e.t, e.kv.Delete(core.RoleGrantKey(a, r)))
}

// run executes m as the next block's only transaction.
func (e *env) run(signer core.Address, m core.Msg) ([]core.Event, error) {
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
	return ctx.Events(), nil
}

// ok runs m and requires success.
func (e *env) ok(signer core.Address, m core.Msg) []core.Event {
	e.t.Helper()
	ev, err := e.run(signer, m)
	require.NoError(e.t, err, "%s", m.Type())
	require.NotEmpty(e.t, ev)
	return ev
}

// refuse runs m, requires it to fail with sentinel and leave the state
// byte-for-byte unchanged.
func (e *env) refuse(signer core.Address, m core.Msg, sentinel error) error {
	e.t.Helper()
	before := e.snapshot()
	_, err := e.run(signer, m)
	require.Error(e.t, err, "%s should be refused with %v", m.Type(), sentinel)
	require.ErrorIs(e.t, err, sentinel, "%s", m.Type())
	require.Equal(e.t, before, e.snapshot(), "refused %s changed state", m.Type())
	e.seen[sentinel] = true
	return err
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

func (e *env) parcel(id string) Parcel {
	var p Parcel
	found, err := core.GetJSON(e.kv, ParcelKey(id), &p)
	require.NoError(e.t, err)
	require.True(e.t, found, "parcel %s", id)
	return p
}

func (e *env) transfer(id uint64) Transfer {
	t, err := getTransfer(e.kv, id)
	require.NoError(e.t, err)
	return *t
}

func (e *env) lien(id uint64) Lien {
	l, err := getLien(e.kv, id)
	require.NoError(e.t, err)
	return *l
}

func (e *env) dispute(id uint64) Dispute {
	d, err := getDispute(e.kv, id)
	require.NoError(e.t, err)
	return *d
}

// history returns the actions of a parcel's history, via Query.
func (e *env) history(id string) []string {
	res, err := boundQuery(e.t, e.kv, []string{"parcel", id, "history"})
	require.NoError(e.t, err)
	var p Parcel
	require.NoError(e.t, json.Unmarshal(res.Entries[0].Value, &p))
	require.Len(e.t, res.Entries, int(p.HistoryCount)+1)
	var actions []string
	for i, kv := range res.Entries[1:] {
		var h core.HistoryEntry
		require.NoError(e.t, json.Unmarshal(kv.Value, &h))
		require.Equal(e.t, uint64(i), h.Seq)
		require.Equal(e.t, HistoryKey(id, uint64(i)), kv.Key)
		actions = append(actions, h.Action)
	}
	return actions
}

// ownerIndex returns an account's owner record and index entries, or
// ok=false when it owns nothing.
func (e *env) ownerIndex(a core.Address) (Owner, []OwnerParcel, bool) {
	res, err := boundQuery(e.t, e.kv, []string{"owner", a.String(), "parcels"})
	var nf *core.NotFound
	if errors.As(err, &nf) {
		require.ErrorIs(e.t, err, ErrOwnerNotFound)
		require.Equal(e.t, OwnerKey(a), nf.Key)
		return Owner{}, nil, false
	}
	require.NoError(e.t, err)
	var o Owner
	require.NoError(e.t, json.Unmarshal(res.Value, &o))
	require.Len(e.t, res.Entries, int(o.ParcelCount)+1, "owner index complete")
	var out []OwnerParcel
	for _, kv := range res.Entries[1:] {
		var op OwnerParcel
		require.NoError(e.t, json.Unmarshal(kv.Value, &op))
		require.Equal(e.t, OwnerParcelKey(a, op.ParcelID), kv.Key)
		out = append(out, op)
	}
	return o, out, true
}

// attr returns every value of an attribute of the first land event.
func attr(t *testing.T, evs []core.Event, key string) []string {
	require.NotEmpty(t, evs)
	require.Equal(t, EventType, evs[0].Type)
	var vals []string
	for _, a := range evs[0].Attrs {
		require.True(t, a.Index)
		if a.Key == key {
			vals = append(vals, a.Value)
		}
	}
	return vals
}

func registerMsg(id string, den uint64, owners ...Share) RegisterParcel {
	return RegisterParcel{
		ParcelID: id, CadastralRef: "CAD-" + id, AreaM2: 1000, Location: "Main St 1",
		Description: "a field", Denominator: den, Owners: owners, DocumentHash: hashOf("deed " + id),
	}
}

func sh(a core.Address, n uint64) Share { return Share{Account: a, Shares: n} }
