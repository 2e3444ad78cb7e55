package vehicle

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

// naVIN returns body (17 characters) with its North American check digit
// in position 9.
func naVIN(body string) string {
	b := []byte(body)
	b[8] = VINCheckDigit(body)
	return string(b)
}

// Test VINs: two North American (check digit enforced), one European.
var (
	vin1 = "1M8GDM9AXKP042788" // the classic 49 CFR 565 example, check digit X
	vin2 = naVIN("2HGFA16508H000001")
	vinE = "WVWZZZ1JZXW000001"
)

// env is a chain of one-transaction blocks over a MemKV: each message runs
// Validate, then Exec on a state.Branch that is written only on success.
type env struct {
	*coretest.Env
}

func newEnv(t *testing.T) *env {
	return &env{Env: coretest.NewEnv(t)}
}

// withApproval sets the genesis parameter RegistrarApprovalRequired.
func (e *env) withApproval() *env {
	require.NoError(e.T, InitGenesis(e.KV, Params{RegistrarApprovalRequired: true}))
	return e
}

// die records a's account as deceased, as a civil registrar's death record
// would.
func (e *env) die(a core.Address) {
	require.NoError(e.T, core.SetAccountStatus(e.KV, core.AccountStatus{Account: a, Status: core.StatusDeceased, Reason: "death record", Height: e.Height}))
}

func (e *env) vehicle(vin string) Vehicle {
	v, err := getVehicle(e.KV, vin)
	require.NoError(e.T, err)
	return *v
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

// history returns the entries of a vehicle's history, via Query.
func (e *env) history(vin string) []core.HistoryEntry {
	res, err := boundQuery(e.T, e.KV, []string{"vehicle", vin, "history"})
	require.NoError(e.T, err)
	var v Vehicle
	require.NoError(e.T, json.Unmarshal(res.Entries[0].Value, &v))
	require.Len(e.T, res.Entries, int(v.HistoryCount)+1)
	var out []core.HistoryEntry
	for i, kv := range res.Entries[1:] {
		var h core.HistoryEntry
		require.NoError(e.T, json.Unmarshal(kv.Value, &h))
		require.Equal(e.T, uint64(i), h.Seq)
		require.Equal(e.T, HistoryKey(vin, uint64(i)), kv.Key)
		out = append(out, h)
	}
	return out
}

// actions returns the actions of a vehicle's history.
func (e *env) actions(vin string) []string {
	var out []string
	for _, h := range e.history(vin) {
		out = append(out, h.Action)
	}
	return out
}

// ownerIndex returns an account's owner record and index entries, or
// ok=false when it owns nothing.
func (e *env) ownerIndex(a core.Address) (Owner, []OwnerVehicle, bool) {
	res, err := boundQuery(e.T, e.KV, []string{"owner", a.String(), "vehicles"})
	var nf *core.NotFound
	if errors.As(err, &nf) {
		require.ErrorIs(e.T, err, ErrOwnerNotFound)
		require.Equal(e.T, OwnerKey(a), nf.Key)
		return Owner{}, nil, false
	}
	require.NoError(e.T, err)
	var o Owner
	require.NoError(e.T, json.Unmarshal(res.Value, &o))
	require.Len(e.T, res.Entries, int(o.VehicleCount)+1, "owner index complete")
	var out []OwnerVehicle
	for _, kv := range res.Entries[1:] {
		var ov OwnerVehicle
		require.NoError(e.T, json.Unmarshal(kv.Value, &ov))
		require.Equal(e.T, OwnerVehicleKey(a, ov.VIN), kv.Key)
		out = append(out, ov)
	}
	return o, out, true
}

// ownedVINs returns the VINs in an account's owner index.
func (e *env) ownedVINs(a core.Address) []string {
	_, entries, _ := e.ownerIndex(a)
	var out []string
	for _, ov := range entries {
		out = append(out, ov.VIN)
	}
	return out
}

// attrs returns every value of an attribute of the i-th event.
func attrs(t *testing.T, evs []core.Event, i int, key string) []string {
	require.Greater(t, len(evs), i)
	require.Equal(t, EventType, evs[i].Type)
	var vals []string
	for _, a := range evs[i].Attrs {
		require.True(t, a.Index)
		if a.Key == key {
			vals = append(vals, a.Value)
		}
	}
	return vals
}

// attr returns every value of an attribute of the first event.
func attr(t *testing.T, evs []core.Event, key string) []string { return attrs(t, evs, 0, key) }

func registerMsg(vin, plate string, owner core.Address) RegisterVehicle {
	scheme := SchemeNorthAmerican
	if vin[0] < '1' || vin[0] > '5' {
		scheme = SchemeNone
	}
	return RegisterVehicle{
		VIN: vin, CheckDigitScheme: scheme, Make: "Ford", Model: "Focus", Year: 2020,
		Colour: "blue", Plate: plate, Owner: owner, OdometerKM: 1000,
	}
}

// cast holds the accounts of the tests.
type cast struct {
	registrar, station, workshop, insurer, bank, bank2, notary core.Address
	alice, bob, carol                                          core.Address
}

func newCast(e *env) cast {
	return cast{
		registrar: e.Account("registrar", core.RoleVehicleRegistrar),
		station:   e.Account("station", core.RoleInspectionStation),
		workshop:  e.Account("workshop", core.RoleWorkshop),
		insurer:   e.Account("insurer", core.RoleInsurer),
		bank:      e.Account("bank", core.RoleBank),
		bank2:     e.Account("bank2", core.RoleBank),
		notary:    e.Account("notary", core.RoleNotary),
		alice:     e.Account("alice"),
		bob:       e.Account("bob"),
		carol:     e.Account("carol"),
	}
}

func (e *env) deadline(d time.Duration) time.Time { return blockTime(e.Height + 1).Add(d) }

func (e *env) offer(vin string, buyer core.Address, d time.Duration) OfferTransfer {
	return OfferTransfer{VIN: vin, Buyer: buyer, Price: 1_500_000, Currency: "EUR", ExpiresAt: e.deadline(d)}
}

// boundQuery is coretest.BoundQuery on this module.
func boundQuery(t testing.TB, r state.Reader, path []string) (*core.QueryResult, error) {
	t.Helper()
	return coretest.BoundQuery(t, Module, r, path)
}
