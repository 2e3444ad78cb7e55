package invoice

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// importMsg runs ImportInvoice as a message, as package legacy does.
type importMsg struct {
	issuer core.Address
	m      IssueInvoice
	issued time.Time
	life   Imported
}

func (importMsg) Type() string    { return "test/import_invoice" }
func (importMsg) Validate() error { return nil }
func (i importMsg) Exec(ctx *core.Context) error {
	return ImportInvoice(ctx, i.issuer, i.m, i.issued, i.life)
}

// TestImportInvoiceLife: an imported invoice carries the legacy registry's
// acknowledgement and claim, dated as the registry dated them, at the
// import's height, each with a history entry in date order; an imported
// claim stops any claim on the chain (no invoice is reimbursed twice) and
// an imported acknowledgement any acknowledgement; dates before the issue
// or after the block time, a claim without claimant or with an overlong
// reference are refused and write nothing.
func TestImportInvoiceLife(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	issued := coretest.T0.AddDate(0, -3, 0)
	day := func(n int) time.Time { return issued.AddDate(0, 0, n) }
	doc := func(n string) IssueInvoice { return issue(n, c.alice, line("chairs", 2000, 1500, 2000)) }
	run := func(number string, life Imported) error {
		_, err := e.Run(c.taxAuthority, importMsg{issuer: c.shop, m: doc(number), issued: issued, life: life})
		return err
	}

	require.NoError(t, run("INV-1", Imported{Acknowledged: day(10), Claim: &ImportedClaim{Claimant: c.employer, Reference: "EXP-9", Time: day(4)}}))
	inv := e.doc(c.shop, "INV-1")
	require.Equal(t, &Acknowledgement{Buyer: c.alice, Height: e.Height, Time: day(10).UTC()}, inv.Acknowledgement)
	require.Equal(t, &Claim{Claimant: c.employer, Reference: "EXP-9", Amount: inv.GrossTotal, Height: e.Height, Time: day(4).UTC()}, inv.Claim)
	require.Equal(t, StatusIssued, inv.Status)
	require.Equal(t, []string{"import_invoice", "import_claim", "import_acknowledgement"}, e.history(c.shop, "INV-1"))
	e.Refuse(c.insurer, ClaimReimbursement{Issuer: c.shop, Number: "INV-1", DocumentHash: inv.DocumentHash}, ErrAlreadyClaimed)
	e.Refuse(c.alice, AcknowledgeInvoice{Issuer: c.shop, Number: "INV-1"}, ErrAlreadyAcknowledged)

	// On the same day the acknowledgement comes first; its history
	// details carry the legacy date.
	require.NoError(t, run("INV-2", Imported{Acknowledged: day(5), Claim: &ImportedClaim{Claimant: c.employer, Time: day(5)}}))
	require.Equal(t, []string{"import_invoice", "import_acknowledgement", "import_claim"}, e.history(c.shop, "INV-2"))
	raw, err := e.KV.Get(HistoryKey(c.shop, "INV-2", 1))
	require.NoError(t, err)
	var h struct {
		Details importAckDetails `json:"details"`
	}
	require.NoError(t, json.Unmarshal(raw, &h), "%s", raw)
	require.Equal(t, importAckDetails{Buyer: c.alice, Time: day(5).UTC()}, h.Details)

	// Without them, an imported invoice is acknowledged and claimed on the
	// chain as any other.
	require.NoError(t, run("INV-3", Imported{}))
	inv = e.doc(c.shop, "INV-3")
	require.Nil(t, inv.Acknowledgement)
	require.Nil(t, inv.Claim)
	e.OK(c.alice, AcknowledgeInvoice{Issuer: c.shop, Number: "INV-3"})
	e.OK(c.employer, ClaimReimbursement{Issuer: c.shop, Number: "INV-3", DocumentHash: inv.DocumentHash})

	for name, life := range map[string]Imported{
		"acknowledged before the issue":   {Acknowledged: day(-1)},
		"claimed before the issue":        {Claim: &ImportedClaim{Claimant: c.employer, Time: day(-1)}},
		"acknowledged after the block":    {Acknowledged: coretest.BlockTime(e.Height + 1000)},
		"claimed after the block":         {Claim: &ImportedClaim{Claimant: c.employer, Time: coretest.BlockTime(e.Height + 1000)}},
		"a claim without claimant":        {Claim: &ImportedClaim{Time: day(1)}},
		"a reference over the byte limit": {Claim: &ImportedClaim{Claimant: c.employer, Reference: string(make([]byte, MaxReferenceLen+1)), Time: day(1)}},
	} {
		before := e.Snapshot()
		err := run("INV-9", life)
		require.ErrorIs(t, err, ErrInvalidMessage, name)
		require.Equal(t, before, e.Snapshot(), name)
	}
}

// importedCredit is an ImportedCreditNote with correct totals, dated t.
func importedCredit(number string, t time.Time, lines ...Line) ImportedCreditNote {
	net, tax := sums(lines)
	return ImportedCreditNote{Number: number, Time: t, Reason: "returned goods", Lines: lines,
		NetTotal: net, TaxTotal: tax, GrossTotal: net + tax, DocumentHash: coretest.HashOf("credit note " + number)}
}

// TestImportInvoiceCreditNotes: an imported invoice's legacy credit notes
// become documents of their own, dated as the registry dated them and
// counted in their own tax periods, and reduce the invoice in date order
// among its acknowledgement and claim (a claim after a credit note claims
// what remains); a credit note that would credit more than remains, one
// after the invoice was cancelled, an acknowledgement or claim after it,
// a number already used, notes out of date order and dates outside the
// invoice's life are refused and write nothing.
func TestImportInvoiceCreditNotes(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	issued := time.Date(2025, 10, 20, 0, 0, 0, 0, time.UTC)
	require.True(t, coretest.BlockTime(e.Height).After(issued.AddDate(0, 2, 0)), "the test's dates are before the block time")
	day := func(n int) time.Time { return issued.AddDate(0, 0, n) }
	chairs, table := line("chairs", 2000, 1500, 2000), line("table", 1000, 9000, 2000)
	doc := func(n string) IssueInvoice { return issue(n, c.alice, chairs, table) }
	run := func(number string, life Imported) error {
		_, err := e.Run(c.taxAuthority, importMsg{issuer: c.shop, m: doc(number), issued: issued, life: life})
		return err
	}

	cn1 := importedCredit("CN-1", day(15), line("chairs", 1000, 1500, 2000))
	require.NoError(t, run("INV-1", Imported{
		Acknowledged: day(2),
		Claim:        &ImportedClaim{Claimant: c.employer, Reference: "EXP-1", Time: day(20)},
		CreditNotes:  []ImportedCreditNote{cn1},
	}))
	inv := e.doc(c.shop, "INV-1")
	require.Equal(t, StatusPartiallyCredited, inv.Status)
	require.Equal(t, []string{"CN-1"}, inv.CreditNotes)
	require.Equal(t, cn1.GrossTotal, inv.CreditedGross)
	require.Equal(t, inv.GrossTotal-cn1.GrossTotal, inv.Claim.Amount, "the claim, after the credit note, claims what remained")
	require.Equal(t, []string{"import_invoice", "import_acknowledgement", "import_credit", "import_claim"}, e.history(c.shop, "INV-1"))

	got := e.doc(c.shop, "CN-1")
	require.Equal(t, Invoice{
		Kind: KindCreditNote, Issuer: c.shop, Number: "CN-1", Buyer: c.alice, Status: StatusIssued, Currency: "EUR",
		Lines: cn1.Lines, NetTotal: cn1.NetTotal, TaxTotal: cn1.TaxTotal, GrossTotal: cn1.GrossTotal, DocumentHash: cn1.DocumentHash,
		TaxPeriod: "2025-11", IssuedHeight: e.Height, IssuedAt: day(15), BuyerSeq: 1, Original: "INV-1", Reason: "returned goods",
		CreditNotes: []string{}, HistoryCount: 1,
	}, got)
	require.Equal(t, []string{"import_credit_note"}, e.history(c.shop, "CN-1"))
	raw, err := e.KV.Get(HistoryKey(c.shop, "INV-1", 2))
	require.NoError(t, err)
	var h struct {
		Details importCreditDetails `json:"details"`
	}
	require.NoError(t, json.Unmarshal(raw, &h), "%s", raw)
	require.Equal(t, importCreditDetails{CreditNote: "CN-1", NetTotal: cn1.NetTotal, TaxTotal: cn1.TaxTotal, GrossTotal: cn1.GrossTotal,
		CreditedGross: cn1.GrossTotal, Status: StatusPartiallyCredited, Time: day(15)}, h.Details)

	// The invoice counts in October's totals, its credit note in November's.
	jan, ok := e.totals(c.shop, "2025-10")
	require.True(t, ok)
	require.Equal(t, uint64(1), jan.Currencies[0].InvoiceCount)
	require.Zero(t, jan.Currencies[0].CreditNoteCount)
	feb, ok := e.totals(c.shop, "2025-11")
	require.True(t, ok)
	require.Equal(t, uint64(1), feb.Currencies[0].CreditNoteCount)
	require.Equal(t, cn1.TaxTotal, feb.Currencies[0].CreditedTax)
	_, entries := e.buyerIndex(c.alice)
	require.Len(t, entries, 2)
	require.Equal(t, []string{"INV-1", "CN-1"}, []string{entries[0].Number, entries[1].Number})

	// The chain's own credit notes go on from what the import left.
	rest := credit("CN-2", "INV-1", line("chairs", 1000, 1500, 2000), table)
	e.OK(c.shop, rest)
	require.Equal(t, StatusCancelled, e.doc(c.shop, "INV-1").Status)

	// Two notes crediting everything cancel the invoice; the claim comes
	// before them, so it claims the whole gross.
	all := importedCredit("CN-4", day(30), table)
	require.NoError(t, run("INV-2", Imported{
		Claim:       &ImportedClaim{Claimant: c.employer, Time: day(3)},
		CreditNotes: []ImportedCreditNote{importedCredit("CN-3", day(30), chairs), all},
	}))
	inv = e.doc(c.shop, "INV-2")
	require.Equal(t, StatusCancelled, inv.Status)
	require.Equal(t, inv.GrossTotal, inv.Claim.Amount)
	require.Equal(t, []string{"import_invoice", "import_claim", "import_credit", "import_credit"}, e.history(c.shop, "INV-2"))

	over := importedCredit("CN-9", day(5), chairs, table, line("extra", 1000, 100, 0))
	for name, life := range map[string]Imported{
		"a note crediting more than the invoice": {CreditNotes: []ImportedCreditNote{over}},
		"notes crediting more together": {CreditNotes: []ImportedCreditNote{
			importedCredit("CN-9", day(5), chairs, table), importedCredit("CN-10", day(6), chairs)}},
		"a claim after the invoice was cancelled": {CreditNotes: []ImportedCreditNote{importedCredit("CN-9", day(5), chairs, table)},
			Claim: &ImportedClaim{Claimant: c.employer, Time: day(6)}},
		"an acknowledgement after the invoice was cancelled": {CreditNotes: []ImportedCreditNote{importedCredit("CN-9", day(5), chairs, table)},
			Acknowledged: day(6)},
		"a number the issuer used":               {CreditNotes: []ImportedCreditNote{importedCredit("INV-1", day(5), chairs)}},
		"the invoice's own number":               {CreditNotes: []ImportedCreditNote{importedCredit("INV-9", day(5), chairs)}},
		"one number twice":                       {CreditNotes: []ImportedCreditNote{importedCredit("CN-9", day(5), chairs), importedCredit("CN-9", day(6), table)}},
		"notes out of date order":                {CreditNotes: []ImportedCreditNote{importedCredit("CN-9", day(6), chairs), importedCredit("CN-10", day(5), table)}},
		"a note before the issue":                {CreditNotes: []ImportedCreditNote{importedCredit("CN-9", day(-1), chairs)}},
		"a note after the block":                 {CreditNotes: []ImportedCreditNote{importedCredit("CN-9", coretest.BlockTime(e.Height+1000), chairs)}},
		"a note without reason":                  {CreditNotes: []ImportedCreditNote{func() ImportedCreditNote { n := importedCredit("CN-9", day(5), chairs); n.Reason = ""; return n }()}},
		"a note whose totals are not its lines'": {CreditNotes: []ImportedCreditNote{func() ImportedCreditNote { n := importedCredit("CN-9", day(5), chairs); n.GrossTotal++; return n }()}},
	} {
		before := e.Snapshot()
		err := run("INV-9", life)
		require.Error(t, err, name)
		require.Equal(t, before, e.Snapshot(), name)
	}
	// The refusals have the codes of the chain's own messages.
	require.ErrorIs(t, run("INV-9", Imported{CreditNotes: []ImportedCreditNote{over}}), ErrExceedsRemaining)
	require.ErrorIs(t, run("INV-9", Imported{CreditNotes: []ImportedCreditNote{importedCredit("CN-9", day(5), chairs, table)},
		Claim: &ImportedClaim{Claimant: c.employer, Time: day(6)}}), ErrInvoiceCancelled)
	require.ErrorIs(t, run("INV-9", Imported{CreditNotes: []ImportedCreditNote{importedCredit("INV-1", day(5), chairs)}}), ErrInvoiceExists)
}
