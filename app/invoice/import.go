package invoice

import (
	"time"

	"github.com/govchain/govchain/app/core"
)

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
func ImportInvoice(ctx *core.Context, issuer core.Address, m IssueInvoice, issued time.Time) error {
	if err := ctx.RequireRole(core.RoleTaxAuthority); err != nil {
		return err
	}
	if err := m.Validate(); err != nil {
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
	return putInvoice(ctx.KV, inv)
}
