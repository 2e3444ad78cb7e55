package vehicle

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/state"
)

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

func (e *env) vehicle(vin string) Vehicle  { return coretest.Read(e.T, getVehicle, e.KV, vin) }
func (e *env) transfer(id uint64) Transfer { return coretest.Read(e.T, getTransfer, e.KV, id) }
func (e *env) lien(id uint64) Lien         { return coretest.Read(e.T, getLien, e.KV, id) }

// history returns the entries of a vehicle's history, via Query.
func (e *env) history(vin string) []core.HistoryEntry {
	return coretest.History(e.T, boundQuery, e.KV, []string{"vehicle", vin, "history"},
		func(seq uint64) []byte { return HistoryKey(vin, seq) })
}

// actions returns the actions of a vehicle's history.
func (e *env) actions(vin string) []string { return coretest.Actions(e.history(vin)) }

// ownerIndex returns an account's owner record and index entries, or
// ok=false when it owns nothing.
func (e *env) ownerIndex(a core.Address) (Owner, []OwnerVehicle, bool) {
	return coretest.Index(e.T, boundQuery, e.KV, []string{"owner", a.String(), "vehicles"}, OwnerKey(a), ErrOwnerNotFound,
		func(o Owner) uint64 { return o.VehicleCount },
		func(ov OwnerVehicle) []byte { return OwnerVehicleKey(a, ov.VIN) })
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
	return coretest.Attrs(t, evs, i, EventType, key)
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

func (e *env) offer(vin string, buyer core.Address, d time.Duration) OfferTransfer {
	return OfferTransfer{VIN: vin, Buyer: buyer, Price: 1_500_000, Currency: "EUR", ExpiresAt: e.Deadline(d)}
}

// boundQuery is coretest.BoundQuery on this module.
func boundQuery(t testing.TB, r state.Reader, path []string) (*core.QueryResult, error) {
	t.Helper()
	return coretest.BoundQuery(t, Module, r, path)
}
