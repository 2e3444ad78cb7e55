package app

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/invoice"
	"github.com/govchain/govchain/app/notary"
	"github.com/govchain/govchain/app/vehicle"
)

// otherRegistries generates a seeded mix of vehicle, invoice, notary and
// identity transactions for the determinism replay, valid and refused
// (an odometer rollback, a duplicate invoice number, a second claim, a
// second anchoring of the same hash).
type otherRegistries struct {
	vehicles []string          // VINs, in registration order
	owner    map[string]string // VIN -> owner's name at registration
	invoices []string          // invoice numbers issued by "shop"
	persons  []string
	n        int

	invoiceTries int
}

// benchVIN returns a valid 17-character North American VIN for n.
func benchVIN(n int) string {
	vin := []byte(fmt.Sprintf("1HGCM82630A%06d", n%1_000_000))
	vin[8] = vehicle.VINCheckDigit(string(vin))
	return string(vin)
}

func (o *otherRegistries) next(c *testChain, rng *rand.Rand) []byte {
	o.n++
	citizens := []string{"alice", "bob", "carol", "dave"}
	who := citizens[rng.IntN(len(citizens))]
	switch k := rng.IntN(8); {
	case k == 0 || len(o.vehicles) == 0:
		vin := benchVIN(o.n)
		o.vehicles = append(o.vehicles, vin)
		if o.owner == nil {
			o.owner = map[string]string{}
		}
		o.owner[vin] = who
		return c.sign("vreg", &vehicle.RegisterVehicle{VIN: vin, CheckDigitScheme: "north_american", Make: "Volvo",
			Model: "V70", Year: 2020, Colour: "grey", Plate: fmt.Sprintf("GC-%05d", o.n), Owner: c.addr(who), OdometerKM: 1000})
	case k == 1:
		// Random readings: some go backwards and raise a fraud flag.
		return c.sign("inspector", &vehicle.RecordOdometer{VIN: o.vehicles[rng.IntN(len(o.vehicles))], OdometerKM: int64(rng.IntN(50_000))})
	case k == 2:
		// The registered owner offers (a second offer while one is open is refused).
		vin := o.vehicles[rng.IntN(len(o.vehicles))]
		buyer := "dave"
		if o.owner[vin] == "dave" {
			buyer = "alice"
		}
		return c.sign(o.owner[vin], &vehicle.OfferTransfer{VIN: vin, Buyer: c.addr(buyer), Price: 500_000, Currency: "EUR", ExpiresAt: c.time.Add(time.Hour)})
	case k == 3 || len(o.invoices) == 0:
		num := fmt.Sprintf("INV-%d", o.n)
		o.invoiceTries++
		if o.invoiceTries%3 == 0 {
			num = o.invoices[0] // a duplicate number: refused
		} else {
			o.invoices = append(o.invoices, num)
		}
		line, err := invoice.NewLine("consulting", 1500, 10_000, 2100)
		if err != nil {
			panic(err)
		}
		net, tax, gross := invoice.SumLines([]invoice.Line{line})
		return c.sign("shop", &invoice.IssueInvoice{Number: num, Buyer: c.addr(who), Currency: "EUR",
			Lines: []invoice.Line{line}, NetTotal: net, TaxTotal: tax, GrossTotal: gross, DocumentHash: docHash(num)})
	case k == 4:
		num := o.invoices[rng.IntN(len(o.invoices))]
		// The employer claims; the second claim of an invoice is refused.
		return c.sign("employer", &invoice.ClaimReimbursement{Issuer: c.addr("shop"), Number: num, DocumentHash: docHash(num), Reference: "EXP"})
	case k == 5:
		return c.sign("notary", &notary.AnchorDocument{DocumentHash: docHash(fmt.Sprintf("doc-%d", rng.IntN(20))), DocType: "deed", Reference: ""})
	case k == 6 || len(o.persons) == 0:
		id := fmt.Sprintf("PSN-%d", o.n)
		o.persons = append(o.persons, id)
		return c.sign("civil", &identity.RegisterPerson{PersonID: id, DocumentHash: docHash(id),
			Commitments: []identity.Commitment{{Attribute: "name", Commitment: docHash("salt" + id)}}})
	default:
		id := o.persons[rng.IntN(len(o.persons))]
		return c.sign("issuer", &identity.IssueCredential{CredentialID: fmt.Sprintf("CRED-%d", o.n), CredentialType: "driving_licence",
			Subject: id, ClaimsHash: docHash("claims"), ValidFrom: c.time, ValidUntil: c.time.Add(365 * 24 * time.Hour)})
	}
}
