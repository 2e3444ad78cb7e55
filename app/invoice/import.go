package invoice

import (
	"time"

	"github.com/govchain/govchain/app/core"
)

// Imported is what a legacy invoice registry recorded of an invoice after
// its issue: the buyer's acknowledgement and the one claim for its
// reimbursement, each at a date of the legacy registry's.
type Imported struct {
	// Acknowledged is when the buyer acknowledged the invoice (zero:
	// never).
	Acknowledged time.Time
	// Claim is the invoice's claim for reimbursement (nil: none).
	Claim *ImportedClaim
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
// Then it records what the legacy registry recorded after the issue (life):
// the buyer's acknowledgement and the claim for reimbursement, each at its
// legacy date (not before issued, not after the block time) and ctx's
// height, with the amount of the claim the invoice's gross total; each
// gets a history entry (import_acknowledgement, import_claim, in date
// order, the acknowledgement first on the same date) whose details carry
// the legacy date.
func ImportInvoice(ctx *core.Context, issuer core.Address, m IssueInvoice, issued time.Time, life Imported) error {
	if err := ctx.RequireRole(core.RoleTaxAuthority); err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
		return err
	}
	if err := life.Validate(issued); err != nil {
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
	if err := addToTotals(ctx, inv); err != nil {
		return err
	}
	if err := indexForBuyer(ctx.KV, inv); err != nil {
		return err
	}
	if err := appendHistory(ctx, inv, "import_invoice", issueDetails{
		Kind: inv.Kind, Buyer: inv.Buyer, Currency: inv.Currency, NetTotal: inv.NetTotal, TaxTotal: inv.TaxTotal,
		GrossTotal: inv.GrossTotal, DocumentHash: inv.DocumentHash, TaxPeriod: inv.TaxPeriod,
	}); err != nil {
		return err
	}
	ack := func() error {
		t := life.Acknowledged.UTC()
		inv.Acknowledgement = &Acknowledgement{Buyer: inv.Buyer, Height: ctx.Height, Time: t}
		return appendHistory(ctx, inv, "import_acknowledgement", importAckDetails{Buyer: inv.Buyer, Time: t})
	}
	claim := func() error {
		c := life.Claim
		inv.Claim = &Claim{Claimant: c.Claimant, Reference: c.Reference, Amount: inv.RemainingGross(), Height: ctx.Height, Time: c.Time.UTC()}
		return appendHistory(ctx, inv, "import_claim", importClaimDetails{
			Claimant: c.Claimant, Reference: c.Reference, Amount: inv.Claim.Amount, Time: inv.Claim.Time,
		})
	}
	acked := !life.Acknowledged.IsZero()
	claimFirst := acked && life.Claim != nil && life.Claim.Time.Before(life.Acknowledged)
	if acked && !claimFirst {
		if err := ack(); err != nil {
			return err
		}
	}
	if life.Claim != nil {
		if err := claim(); err != nil {
			return err
		}
	}
	if claimFirst {
		if err := ack(); err != nil {
			return err
		}
	}
	return putInvoice(ctx.KV, inv)
}

// Validate is life's stateless check against the invoice's issue time:
// no date before issued, a claim with a claimant and a reference of at
// most MaxReferenceLen bytes of text.
func (life Imported) Validate(issued time.Time) error {
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
	return nil
}
