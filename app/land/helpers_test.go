package land

import (
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

func (e *env) parcel(id string) Parcel     { return coretest.Read(e.T, getParcel, e.KV, id) }
func (e *env) transfer(id uint64) Transfer { return coretest.Read(e.T, getTransfer, e.KV, id) }
func (e *env) lien(id uint64) Lien         { return coretest.Read(e.T, getLien, e.KV, id) }
func (e *env) dispute(id uint64) Dispute   { return coretest.Read(e.T, getDispute, e.KV, id) }

// history returns the actions of a parcel's history, via Query.
func (e *env) history(id string) []string {
	return coretest.Actions(coretest.History(e.T, boundQuery, e.KV, []string{"parcel", id, "history"},
		func(seq uint64) []byte { return HistoryKey(id, seq) }))
}

// ownerIndex returns an account's owner record and index entries, or
// ok=false when it owns nothing.
func (e *env) ownerIndex(a core.Address) (Owner, []OwnerParcel, bool) {
	return coretest.Index(e.T, boundQuery, e.KV, []string{"owner", a.String(), "parcels"}, OwnerKey(a), ErrOwnerNotFound,
		func(o Owner) uint64 { return o.ParcelCount },
		func(op OwnerParcel) []byte { return OwnerParcelKey(a, op.ParcelID) })
}

// attr returns every value of an attribute of the first land event.
func attr(t *testing.T, evs []core.Event, key string) []string {
	return coretest.Attrs(t, evs, 0, EventType, key)
}

func registerMsg(id string, den uint64, owners ...Share) RegisterParcel {
	return RegisterParcel{
		ParcelID: id, CadastralRef: "CAD-" + id, AreaM2: 1000, Location: "Main St 1",
		Description: "a field", Denominator: den, Owners: owners, DocumentHash: coretest.HashOf("deed " + id),
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
