package spending

import (
	"testing"

	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/app/invoice"
)

// TestRefusals triggers every sentinel of the package at least once and
// checks that each refusal leaves the state unchanged.
func TestRefusals(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)

	bad := approve("L-1", "interior", 0)
	e.Refuse(c.fin, bad, ErrInvalidMessage)
	e.Refuse(c.works, approve("L-1", "interior", 1000), ErrNotFinanceMinistry)
	e.Refuse(c.acme, approve("L-1", "interior", 1000), ErrNotFinanceMinistry)
	e.Refuse(c.fin, approve("L-1", "defence", 1000), ErrAgencyNotFound)
	e.OK(c.fin, approve("L-1", "interior", 1000))
	e.Refuse(c.fin, approve("L-1", "interior", 1000), ErrLineExists)

	e.Refuse(c.works, award("C-1", "NOPE", c.acme, 100), ErrLineNotFound)
	e.Refuse(c.other, award("C-1", "L-1", c.acme, 100), ErrNotLineAgency)
	e.Refuse(c.works, award("C-1", "L-1", c.alice, 100), ErrVendorNotBusiness)
	e.Refuse(c.works, award("C-1", "L-1", coretest.Address("nobody"), 100), ErrVendorNotBusiness)
	e.Refuse(c.works, award("C-1", "L-1", c.acme, 1001), ErrAllocationExceeded)
	e.OK(c.works, award("C-1", "L-1", c.acme, 600))
	e.Refuse(c.works, award("C-1", "L-1", c.acme, 100), ErrContractExists)
	e.Refuse(c.works, award("C-2", "L-1", c.build, 401), ErrAllocationExceeded)
	e.OK(c.works, award("C-2", "L-1", c.build, 400))

	pay := func(contract, number string) PayInvoice {
		return PayInvoice{ContractID: contract, InvoiceNumber: number, Reference: "TRSY"}
	}
	e.OK(c.acme, bill("I-1", c.works, 500, "EUR"))
	e.OK(c.acme, bill("I-2", c.works, 101, "EUR"))
	e.OK(c.acme, bill("I-USD", c.works, 10, "USD"))
	e.OK(c.acme, bill("I-OTHER", c.other, 10, "EUR"))
	e.OK(c.acme, bill("I-GONE", c.works, 10, "EUR"))
	e.OK(c.acme, invoice.IssueCreditNote{Number: "CN-1", OriginalNumber: "I-GONE", Reason: "cancelled", Currency: "EUR",
		Lines:    []invoice.Line{{Description: "all", Quantity: 1000, UnitPrice: 10, NetAmount: 10}},
		NetTotal: 10, GrossTotal: 10, DocumentHash: coretest.HashOf("cn")})
	e.Refuse(c.works, pay("NOPE", "I-1"), ErrContractNotFound)
	e.Refuse(c.other, pay("C-1", "I-1"), ErrNotLineAgency)
	e.Refuse(c.works, pay("C-1", "I-404"), ErrInvoiceNotFound)
	e.Refuse(c.works, pay("C-2", "I-1"), ErrInvoiceNotFound) // acme's invoice, build's contract
	e.Refuse(c.works, pay("C-1", "I-USD"), ErrInvoiceNotPayable)
	e.Refuse(c.works, pay("C-1", "I-OTHER"), ErrInvoiceNotPayable)
	e.Refuse(c.works, pay("C-1", "I-GONE"), ErrInvoiceNotPayable)
	e.Refuse(c.works, pay("C-1", "CN-1"), ErrInvoiceNotPayable)
	e.OK(c.works, pay("C-1", "I-1"))
	e.Refuse(c.works, pay("C-1", "I-1"), ErrInvoicePaid)
	e.Refuse(c.works, pay("C-1", "I-2"), ErrContractExceeded)

	for _, q := range []struct {
		path []string
		err  error
	}{
		{[]string{"payment", c.acme.String(), "I-2"}, ErrPaymentNotFound},
		{[]string{"agency", "transport", "2027", "EUR"}, ErrTotalsNotFound},
	} {
		e.RefuseQuery(boundQuery, q.path, q.err)
	}
	e.RefuseQuery(boundQuery, []string{"line"}, ErrUnknownQuery)
	e.RequireSeen(Errors)
}
