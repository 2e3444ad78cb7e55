package spending

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/app/invoice"
)

// TestSpendingLifecycle approves two lines, awards contracts up to the
// allocation, pays invoices up to a contract's amount, and checks every
// total: per line, per agency and year, per vendor and year.
func TestSpendingLifecycle(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	ev := e.OK(c.fin, approve("L-ROADS", "interior", 1_000_000))
	require.Equal(t, []string{"1000000"}, coretest.Attrs(t, ev, 0, EventType, "allocated"))
	e.OK(c.fin, approve("L-SCHOOLS", "interior", 500_000))

	e.OK(c.works, award("C-1", "L-ROADS", c.acme, 600_000))
	e.OK(c.works, award("C-2", "L-ROADS", c.build, 400_000)) // the line is now fully committed
	e.OK(c.works, award("C-3", "L-SCHOOLS", c.acme, 100_000))

	e.OK(c.acme, bill("INV-1", c.works, 250_000, "EUR"))
	e.OK(c.acme, bill("INV-2", c.works, 350_000, "EUR"))
	e.OK(c.acme, bill("INV-3", c.works, 60_000, "EUR"))
	e.OK(c.works, PayInvoice{ContractID: "C-1", InvoiceNumber: "INV-1", Reference: "TRSY-1"})
	ev = e.OK(c.works, PayInvoice{ContractID: "C-1", InvoiceNumber: "INV-2", Reference: "TRSY-2"})
	require.Equal(t, []string{"350000"}, coretest.Attrs(t, ev, 0, EventType, "amount"))
	e.OK(c.works, PayInvoice{ContractID: "C-3", InvoiceNumber: "INV-3", Reference: "TRSY-3"})

	// A partly credited invoice is paid for what remains.
	e.OK(c.build, bill("B-1", c.works, 100_000, "EUR"))
	e.OK(c.build, invoice.IssueCreditNote{Number: "B-1-CN", OriginalNumber: "B-1", Reason: "discount", Currency: "EUR",
		Lines:    []invoice.Line{{Description: "discount", Quantity: 1000, UnitPrice: 30_000, NetAmount: 30_000}},
		NetTotal: 30_000, GrossTotal: 30_000, DocumentHash: coretest.HashOf("cn")})
	e.OK(c.works, PayInvoice{ContractID: "C-2", InvoiceNumber: "B-1", Reference: "TRSY-4"})

	roads := e.line("L-ROADS")
	require.Equal(t, []int64{1_000_000, 1_000_000, 670_000}, []int64{roads.Allocated, roads.Committed, roads.Paid})
	require.Equal(t, uint64(2), roads.ContractCount)
	c1 := e.contract("C-1")
	require.Equal(t, []int64{600_000, 600_000}, []int64{c1.Amount, c1.Paid})
	require.Equal(t, "ORG-ACME", c1.VendorOrg)
	require.Equal(t, Totals{Owner: "interior", Year: 2027, Currency: "EUR", Allocated: 1_500_000, Committed: 1_100_000,
		Paid: 730_000, Lines: 2, Contracts: 3, Payments: 4}, e.totals(AgencyTotalsKey("interior", 2027, "EUR")))
	require.Equal(t, Totals{Owner: c.acme.String(), Year: 2027, Currency: "EUR", Committed: 700_000, Paid: 660_000,
		Contracts: 2, Payments: 3}, e.totals(VendorTotalsKey(c.acme, 2027, "EUR")))
	require.Equal(t, Totals{Owner: c.build.String(), Year: 2027, Currency: "EUR", Committed: 400_000, Paid: 70_000,
		Contracts: 1, Payments: 1}, e.totals(VendorTotalsKey(c.build, 2027, "EUR")))

	var p Payment
	found, err := core.GetJSON(e.KV, PaymentKey(c.build, "B-1"), &p)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, int64(70_000), p.Amount)
	require.Equal(t, "TRSY-4", p.Reference)

	require.Equal(t, []string{"approve_budget_line", "award_contract", "award_contract", "pay_invoice", "pay_invoice", "pay_invoice"},
		e.history("L-ROADS"))
}
