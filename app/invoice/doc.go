// Package invoice is the invoice registry: businesses issue invoices and
// credit notes, buyers acknowledge them, a reimbursing party (employer,
// insurer, any account) claims an invoice for reimbursement exactly once,
// and the registry keeps running totals per issuer and tax period that the
// tax authority reads, with proofs, without scanning.
//
// The app sees this package only through its Module value (module.go; see
// core.Module). Every message implements core.Msg: Validate is stateless
// and checks every amount of the document; Exec checks authorisation
// first, refuses with one of the sentinels in errors.go, and writes only
// through ctx.KV, so a refused message leaves nothing once the caller
// discards its branch.
//
// Amounts. Money is int64 minor units of an ISO 4217 currency. A line
// carries quantity in thousandths of its unit (QuantityScale: 1500 is 1.5
// units), unit_price in minor units per whole unit, net_amount, tax_rate_bp
// in basis points (2000 is 20%) and tax_amount. The issuer states every
// amount and the chain recomputes each exactly in integer arithmetic:
//
//	net_amount  = round(quantity × unit_price / 1000)
//	tax_amount  = round(net_amount × tax_rate_bp / 10000)
//	net_total   = Σ net_amount,  tax_total = Σ tax_amount
//	gross_total = net_total + tax_total
//
// where round is half up (every operand is non-negative) and tax is rounded
// per line. A document whose amounts differ by one minor unit is refused
// with ErrAmountMismatch.
//
// Usage protocol. A business (role business, granted by the tax
// authority's agency) issues an invoice (invoice/issue_invoice) under a
// number unique among its invoices and credit notes; the tax period is the
// calendar month (UTC) of the block time, "2026-11", and the issue time is
// the block time. The buyer may acknowledge it (invoice/acknowledge_invoice).
// Any account may claim it for reimbursement (invoice/claim_reimbursement),
// presenting the document's SHA-256; the first claim wins and every later
// one is refused. An invoice is never deleted or edited: the issuer reduces
// it only with credit notes (invoice/issue_credit_note) that reference it,
// each no larger than what remains (net, tax and gross each); an invoice
// credited in full is cancelled. A credit note counts in the totals of the
// period in which it is issued.
//
// This package must never read the wall clock, the environment or files,
// use random numbers or floating point, or iterate a map without sorting.
package invoice
