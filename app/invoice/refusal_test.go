package invoice

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// TestRefusals triggers every sentinel of the package at least once and
// checks that each refusal leaves the state unchanged.
func TestRefusals(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)

	// Stateless refusals.
	bad := issue("INV-1", c.alice, line("x", 1000, 100, 0))
	bad.Currency = "eur"
	e.Refuse(c.shop, bad, ErrInvalidMessage)
	bad = issue("INV-1", c.alice, line("x", 1000, 100, 0))
	bad.GrossTotal++
	e.Refuse(c.shop, bad, ErrAmountMismatch)

	// Issue refusals.
	e.Refuse(c.alice, issue("INV-1", c.bob, line("x", 1000, 100, 0)), core.ErrMissingRole)
	e.Refuse(c.shop, issue("INV-1", c.shop, line("x", 1000, 100, 0)), ErrBuyerIsIssuer)
	inv := issue("INV-1", c.alice, line("x", 10000, 100, 2000)) // 10.00 + 2.00
	e.OK(c.shop, inv)
	e.Refuse(c.shop, issue("INV-1", c.bob, line("other", 1000, 5, 0)), ErrInvoiceExists)
	e.OK(c.shop2, issue("INV-1", c.bob, line("other", 1000, 5, 0))) // numbers are per issuer

	// Acknowledgement.
	e.Refuse(c.alice, AcknowledgeInvoice{Issuer: c.shop, Number: "NOPE"}, ErrInvoiceNotFound)
	e.Refuse(c.bob, AcknowledgeInvoice{Issuer: c.shop, Number: "INV-1"}, ErrNotBuyer)
	e.Refuse(c.shop, AcknowledgeInvoice{Issuer: c.shop, Number: "INV-1"}, ErrNotBuyer)
	e.OK(c.alice, AcknowledgeInvoice{Issuer: c.shop, Number: "INV-1"})
	e.Refuse(c.alice, AcknowledgeInvoice{Issuer: c.shop, Number: "INV-1"}, ErrAlreadyAcknowledged)

	// Claims.
	claim := ClaimReimbursement{Issuer: c.shop, Number: "INV-1", DocumentHash: inv.DocumentHash}
	e.Refuse(c.employer, ClaimReimbursement{Issuer: c.shop, Number: "NOPE", DocumentHash: inv.DocumentHash}, ErrInvoiceNotFound)
	e.Refuse(c.employer, ClaimReimbursement{Issuer: c.shop, Number: "INV-1", DocumentHash: coretest.HashOf("forged")}, ErrDocumentMismatch)
	e.OK(c.employer, claim)
	e.Refuse(c.insurer, claim, ErrAlreadyClaimed)

	// Credit notes.
	e.Refuse(c.shop, credit("CN-1", "NOPE", line("x", 1000, 1, 0)), ErrInvoiceNotFound)
	e.Refuse(c.shop2, credit("CN-1", "NOPE", line("x", 1000, 1, 0)), ErrInvoiceNotFound)
	e.Refuse(c.shop, credit("INV-1", "INV-2", line("x", 1000, 1, 0)), ErrInvoiceExists)
	usd := credit("CN-1", "INV-1", line("x", 1000, 1, 0))
	usd.Currency = "USD"
	e.Refuse(c.shop, usd, ErrCurrencyMismatch)
	e.Refuse(c.shop, credit("CN-1", "INV-1", line("x", 10010, 100, 2000)), ErrExceedsRemaining)
	e.Refuse(c.alice, credit("CN-1", "INV-1", line("x", 1000, 1, 0)), core.ErrMissingRole)
	e.OK(c.shop, credit("CN-1", "INV-1", line("x", 1000, 100, 2000))) // 1.00 + 0.20
	e.Refuse(c.employer, ClaimReimbursement{Issuer: c.shop, Number: "CN-1", DocumentHash: coretest.HashOf("credit note CN-1")}, ErrNotAnInvoice)
	e.Refuse(c.shop, credit("CN-2", "CN-1", line("x", 1000, 1, 0)), ErrNotAnInvoice)

	// Only the tax may exceed what remains: an untaxed invoice cannot be
	// credited with tax.
	e.OK(c.shop, issue("INV-3", c.alice, line("untaxed", 1000, 1000, 0)))
	e.Refuse(c.shop, credit("CN-3", "INV-3", line("taxed", 1000, 100, 2000)), ErrExceedsRemaining)

	// Cancelled: no acknowledgement, no claim, no further credit.
	e.OK(c.shop, issue("INV-2", c.bob, line("x", 1000, 100, 0)))
	e.OK(c.shop, credit("CN-2", "INV-2", line("x", 1000, 100, 0)))
	e.Refuse(c.bob, AcknowledgeInvoice{Issuer: c.shop, Number: "INV-2"}, ErrInvoiceCancelled)
	e.Refuse(c.employer, ClaimReimbursement{Issuer: c.shop, Number: "INV-2", DocumentHash: coretest.HashOf("invoice INV-2")}, ErrInvoiceCancelled)
	e.Refuse(c.shop, credit("CN-9", "INV-2", line("x", 1000, 1, 0)), ErrInvoiceCancelled)

	// At most MaxCreditNotes credit notes per invoice.
	e.OK(c.shop, issue("INV-4", c.alice, line("many", 1000, 1000, 0)))
	for i := range MaxCreditNotes {
		e.OK(c.shop, credit("M-"+core.Dec(int64(i)), "INV-4", line("one", 1000, 1, 0)))
	}
	e.Refuse(c.shop, credit("M-X", "INV-4", line("one", 1000, 1, 0)), ErrTooManyCreditNotes)

	// A period's totals cannot overflow: seed a total near the limit.
	require.NoError(t, core.SetJSON(e.KV, TotalsKey(c.shop2, periodOf(coretest.T0)), Totals{
		Issuer: c.shop2, Period: periodOf(coretest.T0), EntryCount: 1,
		Currencies: []CurrencyTotals{{Currency: "EUR", InvoiceCount: 1, IssuedNet: 1<<63 - 10, IssuedGross: 1<<63 - 10}},
	}))
	e.Refuse(c.shop2, issue("BIG", c.alice, line("x", 1000, 10, 0)), ErrTotalsOverflow)

	// A business whose role was revoked can no longer issue.
	e.Revoke(c.shop, core.RoleBusiness)
	e.Refuse(c.shop, issue("INV-5", c.alice, line("x", 1000, 1, 0)), core.ErrMissingRole)

	// Query-only sentinels.
	for _, q := range []struct {
		path []string
		err  error
	}{
		{[]string{"buyer", c.alice.String(), "nope"}, ErrUnknownQuery},
		{[]string{"buyer", c.employer.String(), "invoices"}, ErrBuyerNotFound},
		{[]string{"totals", c.employer.String(), "2026-01"}, ErrTotalsNotFound},
	} {
		e.RefuseQuery(boundQuery, q.path, q.err)
	}

	e.RequireSeen(Errors)
}
