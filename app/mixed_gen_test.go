package app

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/gov"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/invoice"
	"github.com/govchain/govchain/app/notary"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/app/vehicle"
	"github.com/govchain/govchain/seal"
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

// sharingFlow generates the determinism replay's data sharing: persons
// and a linked citizen (carol), finance's income class, justice's keys,
// finance's data service committing records, grants to justice (one
// with consent, one limited to a subject), consent given and withdrawn,
// allowed and refused access requests by justice's data officer,
// deliveries, a complaint, a revocation, an erasure, a key rotation, the
// revocation of every grant to justice, a purpose added by vote, and
// deferred disclosure: a law enforcement grant, covert requests (one
// within the grant, one exceeding it, one refused for its sealed size,
// and a plain one that is refused unrecorded), a delivery, an early
// release by justice's court and a disclosure by the officer, recorded as
// a violation. One step runs per block; a step may read the results of
// earlier blocks (the request ids it delivers or discloses).
type sharingFlow struct {
	step    int
	allowed []uint64 // ids of allowed plain requests, in order
	covert  []uint64 // ids of allowed covert requests, in order
}

// The covert requests' details: A asks for a granted field, B for one
// the law enforcement grant does not cover.
var (
	covertA = sharing.CovertDetails{Fields: []string{"income"}, CaseRef: docHash("case covert A"), Salt: docHash("salt covert A")}
	covertB = sharing.CovertDetails{Fields: []string{"employer"}, CaseRef: docHash("case covert B"), Salt: docHash("salt covert B")}
)

// covertRequest is justice's officer's covert request for d about
// subject under grant (of address and income), to be disclosed at at.
// Its sealed copies are deterministic stand-ins of the exact size the
// chain requires (x25519 keys k2 of justice, f1 of finance): the chain
// checks sizes only, and a real seal draws a fresh ephemeral key, which
// a replay cannot.
func covertRequest(grant uint64, subject string, d sharing.CovertDetails, at time.Time) *sharing.RequestAccess {
	n, err := sharing.SealedLen(seal.SuiteX25519, []string{"address", "income"})
	if err != nil {
		panic(err)
	}
	return &sharing.RequestAccess{GrantID: grant, Subject: subject, Purpose: "law_enforcement", DetailsCommitment: d.Commitment(),
		OverseerKeyID: "k2", OverseerSealed: standIn("overseer "+d.CaseRef.String(), n),
		OwnerKeyID: "f1", OwnerSealed: standIn("owner "+d.CaseRef.String(), n), DiscloseAt: at}
}

// standIn returns n deterministic bytes derived from label.
func standIn(label string, n int) []byte {
	var out []byte
	for i := 0; len(out) < n; i++ {
		h := docHash(label + " " + strconv.Itoa(i))
		out = append(out, h[:]...)
	}
	return out[:n]
}

func sharingCommit(subject string) *sharing.CommitRecord {
	var fields []sharing.FieldCommitment
	for _, f := range []string{"address", "employer", "income"} {
		salt := docHash("salt " + subject + " " + f)
		fields = append(fields, sharing.FieldCommitment{Name: f, Commitment: seal.Commitment(salt, f, subject+" "+f)})
	}
	return &sharing.CommitRecord{ClassID: "income", Subject: subject, Fields: fields}
}

func sharingRequest(grant uint64, subject string, fields ...string) *sharing.RequestAccess {
	return &sharing.RequestAccess{GrantID: grant, Subject: subject, Fields: fields, Purpose: "benefit_eligibility",
		CaseRef: docHash("case " + subject)}
}

// lastAllowed is the id of the last allowed request (0 before the first).
func (f *sharingFlow) lastAllowed() uint64 {
	if len(f.allowed) == 0 {
		return 0
	}
	return f.allowed[len(f.allowed)-1]
}

// next returns the transactions of the flow's next step (none once it is
// done).
func (f *sharingFlow) next(c *testChain) [][]byte {
	f.step++
	grant := func(subjects []string, consent bool) *sharing.CreateGrant {
		return &sharing.CreateGrant{Grantee: "justice", ClassID: "income", Fields: []string{"address", "income"},
			Subjects: subjects, Purpose: "benefit_eligibility", LegalBasis: "Social Benefits Act s. 12",
			LegalBasisHash: docHash("act"), ExpiresAt: c.time.Add(30 * 24 * time.Hour), MaxRequests: 5,
			PeriodSeconds: 3600, ConsentRequired: consent}
	}
	key := func(id string) *sharing.RegisterKey {
		seed := docHash("hpke " + id)
		k, err := seal.ParsePrivateKey(seal.SuiteX25519, seed[:])
		if err != nil {
			panic(err)
		}
		return &sharing.RegisterKey{KeyID: id, Suite: seal.SuiteX25519, PublicKey: k.PublicKeyBytes(), ValidUntil: c.time.Add(365 * 24 * time.Hour)}
	}
	deliver := func(id uint64) *sharing.RecordDelivery {
		return &sharing.RecordDelivery{RequestID: id, PayloadHash: docHash("sealed " + strconv.FormatUint(id, 10)), KeyID: "k1"}
	}
	one := func(name string, m core.Msg) [][]byte { return [][]byte{c.sign(name, m)} }
	switch f.step {
	case 1:
		return [][]byte{
			c.sign("civil", &identity.RegisterPerson{PersonID: "SUBJ-1", DocumentHash: docHash("SUBJ-1"),
				Commitments: []identity.Commitment{{Attribute: "name", Commitment: docHash("salt SUBJ-1")}}}),
			c.sign("civil", &identity.RegisterPerson{PersonID: "SUBJ-2", DocumentHash: docHash("SUBJ-2"),
				Commitments: []identity.Commitment{{Attribute: "name", Commitment: docHash("salt SUBJ-2")}}}),
		}
	case 2:
		return [][]byte{
			c.sign("civil", &identity.LinkAccount{PersonID: "SUBJ-1", Account: c.addr("carol")}),
			c.sign("admin-finance", &sharing.DeclareClass{ClassID: "income", Description: "income declared for tax",
				Fields: []string{"address", "employer", "income"}, Purposes: []string{"benefit_eligibility", "law_enforcement", "tax_assessment"}}),
			c.sign("admin-justice", key("k1")),
		}
	case 3:
		return [][]byte{c.sign("datasvc", sharingCommit("SUBJ-1")), c.sign("datasvc", sharingCommit("SUBJ-2"))}
	case 4:
		return one("admin-finance", grant(nil, true)) // grant 1
	case 5:
		return one("officer", sharingRequest(1, "SUBJ-1", "income")) // refused: no consent
	case 6:
		return one("carol", &sharing.GiveConsent{Agency: "justice", Purpose: "benefit_eligibility"})
	case 7:
		return [][]byte{
			c.sign("officer", sharingRequest(1, "SUBJ-1", "address", "income")), // allowed
			c.sign("officer", sharingRequest(1, "SUBJ-1", "employer")),          // refused: field not granted
		}
	case 8:
		return one("datasvc", deliver(f.lastAllowed()))
	case 9:
		return one("officer", &sharing.FileComplaint{RequestID: f.lastAllowed(), Field: "income",
			ReceivedCommitment: docHash("tampered"), PayloadHash: docHash("sealed " + strconv.FormatUint(f.lastAllowed(), 10))})
	case 10:
		return one("admin-finance", grant([]string{"SUBJ-2"}, false)) // grant 2
	case 11:
		return [][]byte{
			c.sign("officer", sharingRequest(2, "SUBJ-2", "address")), // allowed
			c.sign("officer", sharingRequest(2, "SUBJ-1", "address")), // refused: subject not covered
		}
	case 12:
		return [][]byte{c.sign("datasvc", deliver(f.lastAllowed())), c.sign("admin-finance", &sharing.RevokeGrant{GrantID: 1, Reason: "benefit decided"})}
	case 13:
		return one("officer", sharingRequest(1, "SUBJ-1", "income")) // refused: revoked
	case 14:
		return [][]byte{
			c.sign("admin-finance", &sharing.EraseRecord{ClassID: "income", Subject: "SUBJ-2", LegalBasis: "court order 7",
				LegalBasisHash: docHash("order")}),
			c.sign("carol", &sharing.WithdrawConsent{Agency: "justice", Purpose: "benefit_eligibility"}),
		}
	case 15:
		return [][]byte{
			c.sign("officer", sharingRequest(2, "SUBJ-2", "address")), // refused: erased
			c.sign("admin-justice", key("k2")),
		}
	case 16:
		return [][]byte{c.sign("admin-justice", &sharing.RevokeKey{KeyID: "k1"}),
			c.sign("admin-finance", &sharing.RevokeGrantee{Grantee: "justice", Reason: "agreement ended"})}
	case 17:
		return one("admin-finance", &gov.SubmitProposal{Summary: "research may use shared data",
			Change: gov.Change{SetPurpose: &gov.SetPurpose{Code: "research", Description: "scientific research"}}})
	case 18:
		return [][]byte{c.sign("admin-finance", &gov.CastVote{ProposalID: 1, Option: gov.OptionYes}),
			c.sign("admin-justice", &gov.CastVote{ProposalID: 1, Option: gov.OptionYes})}
	case 19:
		g := grant(nil, false)
		g.Purpose = "law_enforcement"
		k := key("f1")
		return [][]byte{c.sign("admin-finance", k), c.sign("admin-finance", g)} // grant 3
	case 20:
		badSize := covertRequest(3, "SUBJ-1", covertA, c.time.Add(24*time.Hour))
		badSize.OwnerSealed = badSize.OwnerSealed[1:]
		plain := sharingRequest(3, "SUBJ-1", "income")
		plain.Purpose = "law_enforcement"
		return [][]byte{
			c.sign("officer", covertRequest(3, "SUBJ-1", covertA, c.time.Add(24*time.Hour))),   // allowed, sealed for a day
			c.sign("officer", covertRequest(3, "SUBJ-1", covertB, c.time.Add(15*time.Second))), // allowed, exceeds the grant
			c.sign("officer", badSize), // refused: sealed size, recorded
			c.sign("officer", plain),   // refused: the plain form under a covert purpose, not recorded
		}
	case 21:
		return [][]byte{
			c.sign("datasvc", &sharing.RecordDelivery{RequestID: f.covert[0], PayloadHash: docHash("sealed covert A"), KeyID: "k2"}),
			c.sign("court", &sharing.DiscloseRequest{RequestID: f.covert[0], Fields: covertA.Fields, CaseRef: covertA.CaseRef, Salt: covertA.Salt}),
		}
	case 22:
		return one("officer", &sharing.DiscloseRequest{RequestID: f.covert[1], Fields: covertB.Fields, CaseRef: covertB.CaseRef, Salt: covertB.Salt})
	}
	return nil
}

// observe notes the id of an allowed access request, plain or covert.
func (f *sharingFlow) observe(r TxResult) {
	if r.Err == nil && r.Type == sharing.TypeRequestAccess {
		id, err := strconv.ParseUint(eventAttr(r.Events, "request_id"), 10, 64)
		switch {
		case err != nil:
		case eventAttr(r.Events, "covert") == "true":
			f.covert = append(f.covert, id)
		default:
			f.allowed = append(f.allowed, id)
		}
	}
}
