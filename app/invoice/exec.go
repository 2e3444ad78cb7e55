package invoice

import (
	"github.com/govchain/govchain/app/core"
)

// EventType is the type of every event this registry emits. Its indexed
// attributes always include action (the message's verb_noun), issuer,
// number, buyer and signer.
const EventType = Name

// emit emits the invoice event of one message about document inv.
func emit(ctx *core.Context, action string, inv *Invoice, kv ...string) {
	attrs := []string{
		"action", action, "issuer", inv.Issuer.String(), "number", inv.Number,
		"buyer", inv.Buyer.String(), "signer", ctx.Signer.String(),
	}
	ctx.Emit(EventType, append(attrs, kv...)...)
}

// issueDetails is the history detail of a document's issue.
type issueDetails struct {
	Kind         string       `json:"kind"`
	Buyer        core.Address `json:"buyer"`
	Currency     string       `json:"currency"`
	NetTotal     int64        `json:"net_total"`
	TaxTotal     int64        `json:"tax_total"`
	GrossTotal   int64        `json:"gross_total"`
	DocumentHash core.Hash    `json:"document_hash"`
	TaxPeriod    string       `json:"tax_period"`
	Original     string       `json:"original,omitempty"`
}

// creditDetails is the history detail, on an invoice, of a credit note
// that reduced it.
type creditDetails struct {
	CreditNote    string `json:"credit_note"`
	NetTotal      int64  `json:"net_total"`
	TaxTotal      int64  `json:"tax_total"`
	GrossTotal    int64  `json:"gross_total"`
	CreditedGross int64  `json:"credited_gross"`
	Status        string `json:"status"`
}

// claimDetails is the history detail of a claim for reimbursement.
type claimDetails struct {
	Claimant  core.Address `json:"claimant"`
	Reference string       `json:"reference"`
	Amount    int64        `json:"amount"`
}

// newDocument creates, indexes and counts a document issued by the signer
// at the block time, and appends its first history entry; the caller has
// checked authorisation and the number.
func newDocument(ctx *core.Context, inv *Invoice, action string) error {
	inv.Issuer = ctx.Signer
	inv.Status = StatusIssued
	inv.IssuedHeight = ctx.Height
	inv.IssuedAt = ctx.BlockTime.UTC()
	inv.TaxPeriod = periodOf(ctx.BlockTime)
	if err := registerDocument(ctx, inv, action); err != nil {
		return err
	}
	return putInvoice(ctx.KV, inv)
}

// registerDocument counts inv, whose issuer, tax period and amounts are
// set, in its issuer's totals, indexes it for its buyer and appends its
// first history entry (action, with the issue's details); the caller
// saves it.
func registerDocument(ctx *core.Context, inv *Invoice, action string) error {
	if err := addToTotals(ctx, inv); err != nil {
		return err
	}
	if err := indexForBuyer(ctx.KV, inv); err != nil {
		return err
	}
	return appendHistory(ctx, inv, action, issueDetails{
		Kind: inv.Kind, Buyer: inv.Buyer, Currency: inv.Currency, NetTotal: inv.NetTotal, TaxTotal: inv.TaxTotal,
		GrossTotal: inv.GrossTotal, DocumentHash: inv.DocumentHash, TaxPeriod: inv.TaxPeriod, Original: inv.Original,
	})
}

// applyCredit reduces invoice inv by credit note cn: its credited amounts,
// its list of credit notes and its status (cancelled when nothing
// remains). The caller has checked that cn fits; it saves inv.
func applyCredit(inv, cn *Invoice) {
	inv.CreditedNet += cn.NetTotal
	inv.CreditedTax += cn.TaxTotal
	inv.CreditedGross += cn.GrossTotal
	inv.CreditNotes = append(inv.CreditNotes, cn.Number)
	inv.Status = StatusPartiallyCredited
	if inv.RemainingGross() == 0 {
		inv.Status = StatusCancelled
	}
}

// Exec implements core.Msg: the signer must be a business, not the buyer,
// and must not have used the number. The invoice is counted in the
// signer's totals for the block time's tax period.
func (m IssueInvoice) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleBusiness); err != nil {
		return err
	}
	if m.Buyer == ctx.Signer {
		return core.Wrapf(ErrBuyerIsIssuer, "account %s", m.Buyer)
	}
	if err := requireNewNumber(ctx.KV, ctx.Signer, m.Number); err != nil {
		return err
	}
	inv := &Invoice{
		Kind: KindInvoice, Number: m.Number, Buyer: m.Buyer, Currency: m.Currency, Lines: m.Lines,
		NetTotal: m.NetTotal, TaxTotal: m.TaxTotal, GrossTotal: m.GrossTotal, DocumentHash: m.DocumentHash,
	}
	if err := newDocument(ctx, inv, "issue_invoice"); err != nil {
		return err
	}
	emit(ctx, "issue_invoice", inv, "kind", KindInvoice, "tax_period", inv.TaxPeriod,
		"currency", inv.Currency, "gross_total", core.Dec(inv.GrossTotal), "status", inv.Status)
	return nil
}

// Exec implements core.Msg: the signer must be a business and the issuer
// of the original, which must be an invoice that is not cancelled, in the
// same currency, with fewer than MaxCreditNotes credit notes and at least
// the credit note's net, tax and gross remaining. The invoice becomes
// partially credited, or cancelled when nothing remains. The credit note is
// counted in the totals of the block time's tax period. If the invoice was
// claimed for reimbursement, the event names the claimant, so that the
// reimbursing party learns of the reduction.
func (m IssueCreditNote) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleBusiness); err != nil {
		return err
	}
	if err := requireNewNumber(ctx.KV, ctx.Signer, m.Number); err != nil {
		return err
	}
	orig, err := getInvoice(ctx.KV, ctx.Signer, m.OriginalNumber)
	if err != nil {
		return err
	}
	switch {
	case orig.Kind != KindInvoice:
		return core.Wrapf(ErrNotAnInvoice, "%s is a %s", orig.Number, orig.Kind)
	case orig.Status == StatusCancelled:
		return core.Wrapf(ErrInvoiceCancelled, "invoice %s", orig.Number)
	case orig.Currency != m.Currency:
		return core.Wrapf(ErrCurrencyMismatch, "invoice %s is in %s, credit note in %s", orig.Number, orig.Currency, m.Currency)
	case len(orig.CreditNotes) >= MaxCreditNotes:
		return core.Wrapf(ErrTooManyCreditNotes, "invoice %s has %d", orig.Number, len(orig.CreditNotes))
	case m.NetTotal > orig.NetTotal-orig.CreditedNet || m.TaxTotal > orig.TaxTotal-orig.CreditedTax || m.GrossTotal > orig.RemainingGross():
		return core.Wrapf(ErrExceedsRemaining, "invoice %s has net %d, tax %d, gross %d remaining; credit note: net %d, tax %d, gross %d",
			orig.Number, orig.NetTotal-orig.CreditedNet, orig.TaxTotal-orig.CreditedTax, orig.RemainingGross(),
			m.NetTotal, m.TaxTotal, m.GrossTotal)
	}
	cn := &Invoice{
		Kind: KindCreditNote, Number: m.Number, Buyer: orig.Buyer, Currency: m.Currency, Lines: m.Lines,
		NetTotal: m.NetTotal, TaxTotal: m.TaxTotal, GrossTotal: m.GrossTotal, DocumentHash: m.DocumentHash,
		Original: orig.Number, Reason: m.Reason,
	}
	if err := newDocument(ctx, cn, "issue_credit_note"); err != nil {
		return err
	}
	applyCredit(orig, cn)
	if err := appendHistory(ctx, orig, "credit_invoice", creditDetails{
		CreditNote: cn.Number, NetTotal: cn.NetTotal, TaxTotal: cn.TaxTotal, GrossTotal: cn.GrossTotal,
		CreditedGross: orig.CreditedGross, Status: orig.Status,
	}); err != nil {
		return err
	}
	if err := putInvoice(ctx.KV, orig); err != nil {
		return err
	}
	kv := []string{"kind", KindCreditNote, "original_number", orig.Number, "tax_period", cn.TaxPeriod,
		"currency", cn.Currency, "gross_total", core.Dec(cn.GrossTotal), "status", orig.Status}
	if orig.Claim != nil {
		kv = append(kv, "claimant", orig.Claim.Claimant.String())
	}
	emit(ctx, "issue_credit_note", cn, kv...)
	return nil
}

// Exec implements core.Msg: the signer must be the document's buyer; the
// document must not be a cancelled invoice nor already acknowledged.
func (m AcknowledgeInvoice) Exec(ctx *core.Context) error {
	inv, err := getInvoice(ctx.KV, m.Issuer, m.Number)
	if err != nil {
		return err
	}
	if inv.Buyer != ctx.Signer {
		return core.Wrapf(ErrNotBuyer, "signer %s, %s %s", ctx.Signer, inv.Kind, inv.Number)
	}
	if inv.Status == StatusCancelled {
		return core.Wrapf(ErrInvoiceCancelled, "invoice %s", inv.Number)
	}
	if inv.Acknowledgement != nil {
		return core.Wrapf(ErrAlreadyAcknowledged, "%s %s at height %d", inv.Kind, inv.Number, inv.Acknowledgement.Height)
	}
	inv.Acknowledgement = &Acknowledgement{Buyer: ctx.Signer, Height: ctx.Height, Time: ctx.BlockTime.UTC()}
	if err := appendHistory(ctx, inv, "acknowledge_invoice", nil); err != nil {
		return err
	}
	if err := putInvoice(ctx.KV, inv); err != nil {
		return err
	}
	emit(ctx, "acknowledge_invoice", inv, "kind", inv.Kind)
	return nil
}

// Exec implements core.Msg: any signer may claim; the document must be an
// invoice, never claimed before, not cancelled, whose document hash is the
// one presented.
func (m ClaimReimbursement) Exec(ctx *core.Context) error {
	inv, err := getInvoice(ctx.KV, m.Issuer, m.Number)
	if err != nil {
		return err
	}
	switch {
	case inv.Kind != KindInvoice:
		return core.Wrapf(ErrNotAnInvoice, "%s is a %s", inv.Number, inv.Kind)
	case inv.Claim != nil:
		return core.Wrapf(ErrAlreadyClaimed, "invoice %s by %s at height %d", inv.Number, inv.Claim.Claimant, inv.Claim.Height)
	case inv.Status == StatusCancelled:
		return core.Wrapf(ErrInvoiceCancelled, "invoice %s", inv.Number)
	case inv.DocumentHash != m.DocumentHash:
		return core.Wrapf(ErrDocumentMismatch, "invoice %s", inv.Number)
	}
	inv.Claim = &Claim{
		Claimant: ctx.Signer, Reference: m.Reference, Amount: inv.RemainingGross(),
		Height: ctx.Height, Time: ctx.BlockTime.UTC(),
	}
	if err := appendHistory(ctx, inv, "claim_reimbursement", claimDetails{
		Claimant: ctx.Signer, Reference: m.Reference, Amount: inv.Claim.Amount,
	}); err != nil {
		return err
	}
	if err := putInvoice(ctx.KV, inv); err != nil {
		return err
	}
	emit(ctx, "claim_reimbursement", inv, "claimant", ctx.Signer.String(), "amount", core.Dec(inv.Claim.Amount))
	return nil
}
