package invoice

import (
	"fmt"
	"slices"
	"time"

	"github.com/govchain/govchain/app/core"
)

// Imported is what a legacy invoice registry recorded of an invoice after
// its issue: the buyer's acknowledgement, the one claim for its
// reimbursement and the credit notes that reduced it, each at a date of
// the legacy registry's.
type Imported struct {
	// Acknowledged is when the buyer acknowledged the invoice (zero:
	// never).
	Acknowledged time.Time
	// Claim is the invoice's claim for reimbursement (nil: none).
	Claim *ImportedClaim
	// CreditNotes are the credit notes the issuer issued against the
	// invoice, in date order (at most MaxCreditNotes).
	CreditNotes []ImportedCreditNote
}

// ImportedCreditNote is a credit note a legacy registry holds against an
// invoice: a document of its own, under its own number of the invoice's
// issuer, in the invoice's currency, to its buyer, issued at Time.
type ImportedCreditNote struct {
	Number       string
	Time         time.Time
	Reason       string
	Lines        []Line
	NetTotal     int64
	TaxTotal     int64
	GrossTotal   int64
	DocumentHash core.Hash
}

// ImportedClaim is a claim for reimbursement a legacy registry holds: who
// claimed, their reference, and when.
type ImportedClaim struct {
	Claimant  core.Address
	Reference string
	Time      time.Time
}

// importAckDetails and importClaimDetails are the history details of an
// imported acknowledgement and claim: what the legacy registry recorded,
// with its date.
type importAckDetails struct {
	Buyer core.Address `json:"buyer"`
	Time  time.Time    `json:"time"`
}

type importClaimDetails struct {
	Claimant  core.Address `json:"claimant"`
	Reference string       `json:"reference"`
	Amount    int64        `json:"amount"`
	Time      time.Time    `json:"time"`
}

// importCreditDetails is the history detail, on an invoice, of an imported
// credit note that reduced it: creditDetails with the legacy date.
type importCreditDetails struct {
	CreditNote    string    `json:"credit_note"`
	NetTotal      int64     `json:"net_total"`
	TaxTotal      int64     `json:"tax_total"`
	GrossTotal    int64     `json:"gross_total"`
	CreditedGross int64     `json:"credited_gross"`
	Status        string    `json:"status"`
	Time          time.Time `json:"time"`
}

// ImportInvoice records m, an invoice that a legacy invoice registry holds,
// issued by issuer at issued (a time not after the block's), as
// IssueInvoice would have recorded it then: the same document under
// issuer and number, counted in the totals of issued's tax period, indexed
// for its buyer. Its issued_height is ctx's height; its first history entry
// (import_invoice) is signed by ctx.Signer, who must be a tax authority
// (the account that imports the registry), at ctx's height and time. The
// issuer needs no role: the legacy registry vouches for the invoice. It is
// the legacy import's only way to an invoice (package legacy); no message
// reaches it.
//
// Then it records what the legacy registry recorded after the issue (life),
// each at its legacy date (not before issued, not after the block time)
// and ctx's height, in date order (on one date: the acknowledgement, then
// the credit notes, then the claim), under the rules the chain's own
// messages follow:
//   - the buyer's acknowledgement (history entry import_acknowledgement),
//     refused if the invoice was cancelled by then;
//   - each credit note (import_credit_note on the credit note,
//     import_credit on the invoice): a document of its own as
//     IssueCreditNote would have made it at its date, counted in the
//     totals of that date's tax period and indexed for the buyer, its
//     number new among the issuer's; refused for an invoice cancelled by
//     then or with less remaining than the note credits;
//   - the claim for reimbursement (import_claim), whose amount is the
//     gross that remained at its date, refused for a cancelled invoice.
//
// Each history entry's details carry the legacy date.
func ImportInvoice(ctx *core.Context, issuer core.Address, m IssueInvoice, issued time.Time, life Imported) error {
	if err := ctx.RequireRole(core.RoleTaxAuthority); err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return err
	}
	if err := life.Validate(m, issued); err != nil {
		return err
	}
	if err := life.notAfter(ctx.BlockTime); err != nil {
		return err
	}
	switch {
	case issuer.IsZero():
		return fields.Invalidf("issuer is required")
	case issued.After(ctx.BlockTime):
		return fields.Invalidf("issued %s is after the block time %s", issued.UTC().Format(time.RFC3339), ctx.BlockTime.UTC().Format(time.RFC3339))
	case m.Buyer == issuer:
		return core.Wrapf(ErrBuyerIsIssuer, "account %s", m.Buyer)
	}
	if err := requireNewNumber(ctx.KV, issuer, m.Number); err != nil {
		return err
	}
	inv := &Invoice{
		Kind: KindInvoice, Issuer: issuer, Number: m.Number, Buyer: m.Buyer, Status: StatusIssued, Currency: m.Currency, Lines: m.Lines,
		NetTotal: m.NetTotal, TaxTotal: m.TaxTotal, GrossTotal: m.GrossTotal, DocumentHash: m.DocumentHash,
		TaxPeriod: periodOf(issued), IssuedHeight: ctx.Height, IssuedAt: issued.UTC(),
	}
	if err := registerDocument(ctx, inv, "import_invoice"); err != nil {
		return err
	}
	// The legacy events in date order; on one date the acknowledgement,
	// the credit notes (in their order), then the claim. The sort is
	// stable and the credit notes are in date order already.
	type event struct {
		at   time.Time
		rank int
		do   func() error
	}
	var events []event
	if a := life.Acknowledged; !a.IsZero() {
		events = append(events, event{a, 0, func() error {
			if inv.Status == StatusCancelled {
				return core.Wrapf(ErrInvoiceCancelled, "invoice %s was cancelled before its acknowledgement on %s", inv.Number, a.UTC().Format(time.DateOnly))
			}
			t := a.UTC()
			inv.Acknowledgement = &Acknowledgement{Buyer: inv.Buyer, Height: ctx.Height, Time: t}
			return appendHistory(ctx, inv, "import_acknowledgement", importAckDetails{Buyer: inv.Buyer, Time: t})
		}})
	}
	for _, cn := range life.CreditNotes {
		events = append(events, event{cn.Time, 1, func() error { return importCreditNote(ctx, inv, cn) }})
	}
	if c := life.Claim; c != nil {
		events = append(events, event{c.Time, 2, func() error {
			if inv.Status == StatusCancelled {
				return core.Wrapf(ErrInvoiceCancelled, "invoice %s was cancelled before its claim on %s", inv.Number, c.Time.UTC().Format(time.DateOnly))
			}
			inv.Claim = &Claim{Claimant: c.Claimant, Reference: c.Reference, Amount: inv.RemainingGross(), Height: ctx.Height, Time: c.Time.UTC()}
			return appendHistory(ctx, inv, "import_claim", importClaimDetails{
				Claimant: c.Claimant, Reference: c.Reference, Amount: inv.Claim.Amount, Time: inv.Claim.Time,
			})
		}})
	}
	slices.SortStableFunc(events, func(a, b event) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return a.rank - b.rank
	})
	for _, e := range events {
		if err := e.do(); err != nil {
			return err
		}
	}
	return putInvoice(ctx.KV, inv)
}

// importCreditNote records cn, a legacy credit note against inv, as
// IssueCreditNote would have at cn's date (see ImportInvoice); the caller
// saves inv.
func importCreditNote(ctx *core.Context, inv *Invoice, cn ImportedCreditNote) error {
	switch {
	case inv.Status == StatusCancelled:
		return core.Wrapf(ErrInvoiceCancelled, "invoice %s was cancelled before credit note %s", inv.Number, cn.Number)
	case len(inv.CreditNotes) >= MaxCreditNotes:
		return core.Wrapf(ErrTooManyCreditNotes, "invoice %s has %d", inv.Number, len(inv.CreditNotes))
	case cn.NetTotal > inv.NetTotal-inv.CreditedNet || cn.TaxTotal > inv.TaxTotal-inv.CreditedTax || cn.GrossTotal > inv.RemainingGross():
		return core.Wrapf(ErrExceedsRemaining, "invoice %s has net %d, tax %d, gross %d remaining; credit note %s: net %d, tax %d, gross %d",
			inv.Number, inv.NetTotal-inv.CreditedNet, inv.TaxTotal-inv.CreditedTax, inv.RemainingGross(),
			cn.Number, cn.NetTotal, cn.TaxTotal, cn.GrossTotal)
	}
	if err := requireNewNumber(ctx.KV, inv.Issuer, cn.Number); err != nil {
		return err
	}
	doc := &Invoice{
		Kind: KindCreditNote, Issuer: inv.Issuer, Number: cn.Number, Buyer: inv.Buyer, Status: StatusIssued, Currency: inv.Currency,
		Lines: cn.Lines, NetTotal: cn.NetTotal, TaxTotal: cn.TaxTotal, GrossTotal: cn.GrossTotal, DocumentHash: cn.DocumentHash,
		TaxPeriod: periodOf(cn.Time), IssuedHeight: ctx.Height, IssuedAt: cn.Time.UTC(), Original: inv.Number, Reason: cn.Reason,
	}
	if err := registerDocument(ctx, doc, "import_credit_note"); err != nil {
		return err
	}
	if err := putInvoice(ctx.KV, doc); err != nil {
		return err
	}
	applyCredit(inv, doc)
	return appendHistory(ctx, inv, "import_credit", importCreditDetails{
		CreditNote: cn.Number, NetTotal: cn.NetTotal, TaxTotal: cn.TaxTotal, GrossTotal: cn.GrossTotal,
		CreditedGross: inv.CreditedGross, Status: inv.Status, Time: doc.IssuedAt,
	})
}

// Validate is life's stateless check against its invoice m, issued at
// issued: no date before issued; a claim with a claimant and a reference
// of at most MaxReferenceLen bytes of text; at most MaxCreditNotes credit
// notes, in date order, each a valid document in m's currency (as
// IssueCreditNote checks one) under a number that is neither m's nor
// another credit note's, together crediting no more than m's net, tax and
// gross totals. Whether the invoice was cancelled before a later event is
// ImportInvoice's check.
func (life Imported) Validate(m IssueInvoice, issued time.Time) error {
	if len(life.CreditNotes) > MaxCreditNotes {
		return fields.Invalidf("%d credit notes, at most %d", len(life.CreditNotes), MaxCreditNotes)
	}
	numbers := map[string]bool{m.Number: true}
	var net, tax, gross int64
	for i, cn := range life.CreditNotes {
		if err := validateNumber("credit note number", cn.Number); err != nil {
			return err
		}
		if numbers[cn.Number] {
			return fields.Invalidf("credit note %s: the number is the invoice's or another credit note's", cn.Number)
		}
		numbers[cn.Number] = true
		switch {
		case cn.Time.Before(issued):
			return fields.Invalidf("credit note %s of %s is before the issue %s", cn.Number, cn.Time.UTC().Format(time.RFC3339), issued.UTC().Format(time.RFC3339))
		case i > 0 && cn.Time.Before(life.CreditNotes[i-1].Time):
			return fields.Invalidf("credit note %s is dated before credit note %s, which comes first", cn.Number, life.CreditNotes[i-1].Number)
		}
		if err := fields.Text("reason", cn.Reason, true, MaxReasonLen); err != nil {
			return err
		}
		if err := validateDocument(m.Currency, cn.Lines, cn.NetTotal, cn.TaxTotal, cn.GrossTotal, cn.DocumentHash); err != nil {
			return fmt.Errorf("credit note %s: %w", cn.Number, err)
		}
		net, tax, gross = net+cn.NetTotal, tax+cn.TaxTotal, gross+cn.GrossTotal
		if net > m.NetTotal || tax > m.TaxTotal || gross > m.GrossTotal {
			return core.Wrapf(ErrExceedsRemaining, "credit notes up to %s credit net %d, tax %d, gross %d of the invoice's %d, %d, %d",
				cn.Number, net, tax, gross, m.NetTotal, m.TaxTotal, m.GrossTotal)
		}
	}
	if a := life.Acknowledged; !a.IsZero() && a.Before(issued) {
		return fields.Invalidf("acknowledged %s is before the issue %s", a.UTC().Format(time.RFC3339), issued.UTC().Format(time.RFC3339))
	}
	c := life.Claim
	if c == nil {
		return nil
	}
	if c.Claimant.IsZero() {
		return fields.Invalidf("claimant is required")
	}
	if c.Time.Before(issued) {
		return fields.Invalidf("claimed %s is before the issue %s", c.Time.UTC().Format(time.RFC3339), issued.UTC().Format(time.RFC3339))
	}
	return fields.Text("reference", c.Reference, false, MaxReferenceLen)
}

// notAfter refuses a date of life after now (the block time).
func (life Imported) notAfter(now time.Time) error {
	late := func(what string, t time.Time) error {
		return fields.Invalidf("%s %s is after the block time %s", what, t.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if a := life.Acknowledged; a.After(now) {
		return late("acknowledged", a)
	}
	if c := life.Claim; c != nil && c.Time.After(now) {
		return late("claimed", c.Time)
	}
	for _, cn := range life.CreditNotes {
		if cn.Time.After(now) {
			return late("credit note "+cn.Number, cn.Time)
		}
	}
	return nil
}
