package app

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/app/invoice"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/app/vehicle"
)

// FuzzRecordJSON feeds arbitrary bytes to the registries' hand-written
// record decoders (core.JSONDecoder) and requires each to agree with
// encoding/json on whatever it accepts, and to leave its receiver as it
// was on whatever it refuses.
func FuzzRecordJSON(f *testing.F) {
	at := time.Date(2026, 12, 4, 3, 0, 0, 123456789, time.UTC)
	a, b := core.Address{1, 2, 3}, core.Address{0xfe, 0xed}
	for _, v := range []any{
		land.Parcel{ID: "P-1", CadastralRef: "CAD-1", AreaM2: 120, Location: "Минск", DocumentHash: core.Hash{9}, Denominator: 2,
			Owners: []land.Share{{Account: a, Shares: 1}, {Account: b, Shares: 1}}, Status: land.ParcelActive, Parents: []string{},
			Children: []string{"P-2"}, PendingTransfers: []uint64{}, PendingLiens: []uint64{3}, ActiveLiens: []uint64{}, OpenDisputes: []uint64{},
			RegisteredBy: a, RegisteredHeight: 7, RegisteredAt: at, HistoryCount: 2},
		land.Owner{Account: a, ParcelCount: 3},
		land.OwnerParcel{ParcelID: "P-1", Shares: 1, Denominator: 2},
		vehicle.Vehicle{VIN: "1HGCM82633A004352", CheckDigitScheme: "north_american", Make: "Skoda", Model: "Octavia", Year: 2021,
			Colour: "blue", Plate: "B-1", Owner: a, OwnerSince: at, TaxLiable: b, TaxLiableSince: at, Status: "active",
			OdometerKM: 10, LastInspection: &vehicle.Inspection{Station: b, Result: "pass", OdometerKM: 9, Height: 3, Time: at},
			ActiveLiens: []uint64{}, RegisteredBy: a, RegisteredAt: at},
		vehicle.Owner{Account: b, VehicleCount: 1},
		invoice.Buyer{Account: a, DocumentCount: 12},
		invoice.Totals{Issuer: a, Period: "2026-12", Currencies: []invoice.CurrencyTotals{{Currency: "EUR", InvoiceCount: 1, IssuedNet: 100, TaxDue: -3}}, EntryCount: 1},
	} {
		raw, err := json.Marshal(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		coretest.CheckJSONDecode[land.Parcel](t, raw)
		coretest.CheckJSONDecode[land.Owner](t, raw)
		coretest.CheckJSONDecode[land.OwnerParcel](t, raw)
		coretest.CheckJSONDecode[vehicle.Vehicle](t, raw)
		coretest.CheckJSONDecode[vehicle.Owner](t, raw)
		coretest.CheckJSONDecode[invoice.Buyer](t, raw)
		coretest.CheckJSONDecode[invoice.Totals](t, raw)
	})
}
