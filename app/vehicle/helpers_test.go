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
	t      *testing.T
	kv     *coretest.MemKV
	height int64
	seen   map[error]bool
}

func newEnv(t *testing.T) *env {
	return &env{t: t, kv: coretest.NewMemKV(), seen: map[error]bool{}}
}

// withApproval sets the genesis parameter RegistrarApprovalRequired.
func (e *env) withApproval() *env {
	require.NoError(e.t, InitGenesis(e.kv, Params{RegistrarApprovalRequired: true}))
	return e
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

// die records a's account as deceased, as a civil registrar's death record
// would.
func (e *env) die(a core.Address) {
	require.NoError(e.t, core.SetAccountStatus(e.kv, core.AccountStatus{Account: a, Status: core.StatusDeceased, Reason: "death record", Height: e.height}))
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

func (e *env) vehicle(vin string) Vehicle {
	v, err := getVehicle(e.kv, vin)
	require.NoError(e.t, err)
	return *v
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

// history returns the entries of a vehicle's history, via Query.
func (e *env) history(vin string) []core.HistoryEntry {
	res, err := boundQuery(e.t, e.kv, []string{"vehicle", vin, "history"})
	require.NoError(e.t, err)
	var v Vehicle
	require.NoError(e.t, json.Unmarshal(res.Entries[0].Value, &v))
	require.Len(e.t, res.Entries, int(v.HistoryCount)+1)
	var out []core.HistoryEntry
	for i, kv := range res.Entries[1:] {
		var h core.HistoryEntry
		require.NoError(e.t, json.Unmarshal(kv.Value, &h))
		require.Equal(e.t, uint64(i), h.Seq)
		require.Equal(e.t, HistoryKey(vin, uint64(i)), kv.Key)
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
	res, err := boundQuery(e.t, e.kv, []string{"owner", a.String(), "vehicles"})
	var nf *core.NotFound
	if errors.As(err, &nf) {
		require.ErrorIs(e.t, err, ErrOwnerNotFound)
		require.Equal(e.t, OwnerKey(a), nf.Key)
		return Owner{}, nil, false
	}
	require.NoError(e.t, err)
	var o Owner
	require.NoError(e.t, json.Unmarshal(res.Value, &o))
	require.Len(e.t, res.Entries, int(o.VehicleCount)+1, "owner index complete")
	var out []OwnerVehicle
	for _, kv := range res.Entries[1:] {
		var ov OwnerVehicle
		require.NoError(e.t, json.Unmarshal(kv.Value, &ov))
		require.Equal(e.t, OwnerVehicleKey(a, ov.VIN), kv.Key)
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
		registrar: e.account("registrar", core.RoleVehicleRegistrar),
		station:   e.account("station", core.RoleInspectionStation),
		workshop:  e.account("workshop", core.RoleWorkshop),
		insurer:   e.account("insurer", core.RoleInsurer),
		bank:      e.account("bank", core.RoleBank),
		bank2:     e.account("bank2", core.RoleBank),
		notary:    e.account("notary", core.RoleNotary),
		alice:     e.account("alice"),
		bob:       e.account("bob"),
		carol:     e.account("carol"),
	}
}

func (e *env) deadline(d time.Duration) time.Time { return blockTime(e.height + 1).Add(d) }

func (e *env) offer(vin string, buyer core.Address, d time.Duration) OfferTransfer {
	return OfferTransfer{VIN: vin, Buyer: buyer, Price: 1_500_000, Currency: "EUR", ExpiresAt: e.deadline(d)}
}
