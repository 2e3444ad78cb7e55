package spending

import (
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/invoice"
	"github.com/govchain/govchain/state"
)

// EventType is the type of every event this module emits. Its indexed
// attributes always include action, line_id, agency and signer.
const EventType = Name

func emit(ctx *core.Context, action string, l *BudgetLine, kv ...string) {
	attrs := []string{"action", action, "line_id", l.ID, "agency", l.Agency, "signer", ctx.Signer.String()}
	ctx.Emit(EventType, append(attrs, kv...)...)
}

func getLine(r state.Reader, id string) (*BudgetLine, error) {
	return core.Load[BudgetLine](r, LineKey(id), ErrLineNotFound, "line %s", id)
}

func getContract(r state.Reader, id string) (*Contract, error) {
	return core.Load[Contract](r, ContractKey(id), ErrContractNotFound, "contract %s", id)
}

// requireNew refuses with exists if key is present.
func requireNew(r state.Reader, key []byte, exists error, what string) error {
	ok, err := r.Has(key)
	if err != nil {
		return err
	}
	if ok {
		return core.Wrapf(exists, "%s", what)
	}
	return nil
}

// requireAgencyAdmin refuses (refusal) a signer who is not an admin of
// agency.
func requireAgencyAdmin(ctx *core.Context, agency string, refusal error) error {
	id, err := core.AdminAgency(ctx.KV, ctx.Signer)
	if err != nil {
		return err
	}
	if id != agency {
		return core.Wrapf(refusal, "%s is not an admin of %s", ctx.Signer, agency)
	}
	return nil
}

// addTotals adds to the totals under key (created on first use).
func addTotals(kv state.KV, key []byte, owner string, year uint64, currency string, add Totals) error {
	t := Totals{Owner: owner, Year: year, Currency: currency}
	if _, err := core.GetJSON(kv, key, &t); err != nil {
		return err
	}
	t.Allocated += add.Allocated
	t.Committed += add.Committed
	t.Paid += add.Paid
	t.Lines += add.Lines
	t.Contracts += add.Contracts
	t.Payments += add.Payments
	return core.SetJSON(kv, key, t)
}

// saveLine appends a history entry to l and saves it.
func saveLine(ctx *core.Context, l *BudgetLine, action string, details any) error {
	if err := ctx.RecordHistory(Prefix, tableHistory, []byte(l.ID), &l.HistoryCount, action, details); err != nil {
		return err
	}
	return core.SetJSON(ctx.KV, LineKey(l.ID), l)
}

// Exec implements core.Msg: the signer must be an admin of the finance
// ministry (Params.FinanceAgency); the agency a member; the line id new. The agency's totals for
// the year gain the allocation.
func (m ApproveBudgetLine) Exec(ctx *core.Context) error {
	params, err := GetParams(ctx.KV)
	if err != nil {
		return err
	}
	if err := requireAgencyAdmin(ctx, params.FinanceAgency, ErrNotFinanceMinistry); err != nil {
		return err
	}
	if _, found, err := core.GetAgency(ctx.KV, m.Agency); err != nil {
		return err
	} else if !found {
		return core.Wrapf(ErrAgencyNotFound, "agency %s", m.Agency)
	}
	if err := requireNew(ctx.KV, LineKey(m.LineID), ErrLineExists, "line "+m.LineID); err != nil {
		return err
	}
	l := &BudgetLine{
		ID: m.LineID, Agency: m.Agency, Year: m.Year, Description: m.Description, Currency: m.Currency,
		Allocated: m.Allocation, ApprovedBy: ctx.Signer, ApprovedHeight: ctx.Height, ApprovedAt: ctx.BlockTime.UTC(),
	}
	if err := addTotals(ctx.KV, AgencyTotalsKey(l.Agency, l.Year, l.Currency), l.Agency, l.Year, l.Currency,
		Totals{Allocated: l.Allocated, Lines: 1}); err != nil {
		return err
	}
	if err := saveLine(ctx, l, "approve_budget_line", m); err != nil {
		return err
	}
	emit(ctx, "approve_budget_line", l, "year", core.Dec(l.Year), "allocated", core.Dec(l.Allocated))
	return nil
}

// Exec implements core.Msg: the signer must be an admin of the line's
// agency; the contract id new; the vendor linked to a registered
// organisation; the line's remaining allocation at least Amount. The
// line's, the agency's and the vendor's committed totals grow by Amount.
func (m AwardContract) Exec(ctx *core.Context) error {
	l, err := getLine(ctx.KV, m.LineID)
	if err != nil {
		return err
	}
	if err := requireAgencyAdmin(ctx, l.Agency, ErrNotLineAgency); err != nil {
		return err
	}
	if err := requireNew(ctx.KV, ContractKey(m.ContractID), ErrContractExists, "contract "+m.ContractID); err != nil {
		return err
	}
	var link identity.AccountLink
	if found, err := core.GetJSON(ctx.KV, identity.AccountLinkKey(m.Vendor), &link); err != nil {
		return err
	} else if !found || link.OwnerKind != identity.OwnerOrg {
		return core.Wrapf(ErrVendorNotBusiness, "account %s", m.Vendor)
	}
	if m.Amount > l.Allocated-l.Committed {
		return core.Wrapf(ErrAllocationExceeded, "line %s: %d allocated, %d committed, contract of %d",
			l.ID, l.Allocated, l.Committed, m.Amount)
	}
	c := &Contract{
		ID: m.ContractID, LineID: l.ID, Agency: l.Agency, Year: l.Year, Vendor: m.Vendor, VendorOrg: link.OwnerID,
		Currency: l.Currency, Amount: m.Amount, DocumentHash: m.DocumentHash,
		AwardedBy: ctx.Signer, AwardedHeight: ctx.Height, AwardedAt: ctx.BlockTime.UTC(),
	}
	if err := core.SetJSON(ctx.KV, ContractKey(c.ID), c); err != nil {
		return err
	}
	l.Committed += m.Amount
	l.ContractCount++
	add := Totals{Committed: m.Amount, Contracts: 1}
	if err := addTotals(ctx.KV, AgencyTotalsKey(l.Agency, l.Year, l.Currency), l.Agency, l.Year, l.Currency, add); err != nil {
		return err
	}
	if err := addTotals(ctx.KV, VendorTotalsKey(c.Vendor, l.Year, l.Currency), c.Vendor.String(), l.Year, l.Currency, add); err != nil {
		return err
	}
	if err := saveLine(ctx, l, "award_contract", m); err != nil {
		return err
	}
	emit(ctx, "award_contract", l, "contract_id", c.ID, "vendor", c.Vendor.String(), "amount", core.Dec(c.Amount))
	return nil
}

// Exec implements core.Msg: the signer must be an admin of the contract's
// agency; the invoice, issued by the contract's vendor, must be an
// invoice (not a credit note) not cancelled, in the contract's currency,
// addressed to an admin account of the agency, and not yet paid; its
// remaining gross total must fit in the contract's unpaid amount. The
// contract's, the line's, the agency's and the vendor's paid totals grow
// by it.
func (m PayInvoice) Exec(ctx *core.Context) error {
	c, err := getContract(ctx.KV, m.ContractID)
	if err != nil {
		return err
	}
	if err := requireAgencyAdmin(ctx, c.Agency, ErrNotLineAgency); err != nil {
		return err
	}
	inv, err := core.Load[invoice.Invoice](ctx.KV, invoice.InvoiceKey(c.Vendor, m.InvoiceNumber), ErrInvoiceNotFound,
		"vendor %s, number %s", c.Vendor, m.InvoiceNumber)
	if err != nil {
		return err
	}
	if err := requireNew(ctx.KV, PaymentKey(c.Vendor, m.InvoiceNumber), ErrInvoicePaid, "invoice "+m.InvoiceNumber); err != nil {
		return err
	}
	buyerAgency, err := core.AdminAgency(ctx.KV, inv.Buyer)
	if err != nil {
		return err
	}
	switch {
	case inv.Kind != invoice.KindInvoice || inv.Status == invoice.StatusCancelled:
		return core.Wrapf(ErrInvoiceNotPayable, "%s %s is a %s, %s", inv.Kind, inv.Number, inv.Kind, inv.Status)
	case inv.Currency != c.Currency:
		return core.Wrapf(ErrInvoiceNotPayable, "invoice in %s, contract in %s", inv.Currency, c.Currency)
	case buyerAgency != c.Agency:
		return core.Wrapf(ErrInvoiceNotPayable, "invoice addressed to %s, not an admin of %s", inv.Buyer, c.Agency)
	}
	amount := inv.RemainingGross()
	if amount > c.Amount-c.Paid {
		return core.Wrapf(ErrContractExceeded, "contract %s: %d of %d paid, invoice of %d", c.ID, c.Paid, c.Amount, amount)
	}
	l, err := getLine(ctx.KV, c.LineID)
	if err != nil {
		return err
	}
	p := &Payment{
		Vendor: c.Vendor, InvoiceNumber: m.InvoiceNumber, ContractID: c.ID, LineID: l.ID, Amount: amount,
		Currency: c.Currency, Reference: m.Reference, PaidBy: ctx.Signer, PaidHeight: ctx.Height, PaidAt: ctx.BlockTime.UTC(),
	}
	if err := core.SetJSON(ctx.KV, PaymentKey(p.Vendor, p.InvoiceNumber), p); err != nil {
		return err
	}
	c.Paid += amount
	c.PaymentCount++
	if err := core.SetJSON(ctx.KV, ContractKey(c.ID), c); err != nil {
		return err
	}
	l.Paid += amount
	add := Totals{Paid: amount, Payments: 1}
	if err := addTotals(ctx.KV, AgencyTotalsKey(l.Agency, l.Year, l.Currency), l.Agency, l.Year, l.Currency, add); err != nil {
		return err
	}
	if err := addTotals(ctx.KV, VendorTotalsKey(c.Vendor, l.Year, l.Currency), c.Vendor.String(), l.Year, l.Currency, add); err != nil {
		return err
	}
	if err := saveLine(ctx, l, "pay_invoice", p); err != nil {
		return err
	}
	emit(ctx, "pay_invoice", l, "contract_id", c.ID, "vendor", c.Vendor.String(), "invoice_number", p.InvoiceNumber,
		"amount", core.Dec(amount))
	return nil
}
