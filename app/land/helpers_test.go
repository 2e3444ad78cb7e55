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
	*coretest.Env
}

func newEnv(t *testing.T) *env {
	return &env{Env: coretest.NewEnv(t)}
}

func (e *env) parcel(id string) Parcel {
	var p Parcel
	found, err := core.GetJSON(e.KV, ParcelKey(id), &p)
	require.NoError(e.T, err)
	require.True(e.T, found, "parcel %s", id)
	return p
}

func (e *env) transfer(id uint64) Transfer {
	t, err := getTransfer(e.KV, id)
	require.NoError(e.T, err)
	return *t
}

func (e *env) lien(id uint64) Lien {
	l, err := getLien(e.KV, id)
	require.NoError(e.T, err)
	return *l
}

func (e *env) dispute(id uint64) Dispute {
	d, err := getDispute(e.KV, id)
	require.NoError(e.T, err)
	return *d
}

// history returns the actions of a parcel's history, via Query.
func (e *env) history(id string) []string {
	res, err := boundQuery(e.T, e.KV, []string{"parcel", id, "history"})
	require.NoError(e.T, err)
	var p Parcel
	require.NoError(e.T, json.Unmarshal(res.Entries[0].Value, &p))
	require.Len(e.T, res.Entries, int(p.HistoryCount)+1)
	var actions []string
	for i, kv := range res.Entries[1:] {
		var h core.HistoryEntry
		require.NoError(e.T, json.Unmarshal(kv.Value, &h))
		require.Equal(e.T, uint64(i), h.Seq)
		require.Equal(e.T, HistoryKey(id, uint64(i)), kv.Key)
		actions = append(actions, h.Action)
	}
	return actions
}

// ownerIndex returns an account's owner record and index entries, or
// ok=false when it owns nothing.
func (e *env) ownerIndex(a core.Address) (Owner, []OwnerParcel, bool) {
	res, err := boundQuery(e.T, e.KV, []string{"owner", a.String(), "parcels"})
	var nf *core.NotFound
	if errors.As(err, &nf) {
		require.ErrorIs(e.T, err, ErrOwnerNotFound)
		require.Equal(e.T, OwnerKey(a), nf.Key)
		return Owner{}, nil, false
	}
	require.NoError(e.T, err)
	var o Owner
	require.NoError(e.T, json.Unmarshal(res.Value, &o))
	require.Len(e.T, res.Entries, int(o.ParcelCount)+1, "owner index complete")
	var out []OwnerParcel
	for _, kv := range res.Entries[1:] {
		var op OwnerParcel
		require.NoError(e.T, json.Unmarshal(kv.Value, &op))
		require.Equal(e.T, OwnerParcelKey(a, op.ParcelID), kv.Key)
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

// boundQuery is coretest.BoundQuery on this module.
func boundQuery(t testing.TB, r state.Reader, path []string) (*core.QueryResult, error) {
	t.Helper()
	return coretest.BoundQuery(t, Module, r, path)
}

// forceOwners rewrites a parcel's ownership directly in the state, as no
// message can, to reach the guards that protect against such a state.
func (e *env) forceOwners(id string, den uint64, owners ...Share) {
	p := e.parcel(id)
	p.Owners, p.Denominator = owners, den
	require.NoError(e.T, putParcel(e.KV, &p))
}
