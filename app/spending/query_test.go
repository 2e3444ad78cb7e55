package spending

import (
	"testing"

	"github.com/govchain/govchain/app/core/coretest"
)

func TestQueries(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.OK(c.fin, approve("L-1", "interior", 1000))
	e.OK(c.works, award("C-1", "L-1", c.acme, 600))
	e.OK(c.acme, bill("I-1", c.works, 500, "EUR"))
	e.OK(c.works, PayInvoice{ContractID: "C-1", InvoiceNumber: "I-1", Reference: "TRSY"})

	for _, q := range []struct {
		path []string
		key  []byte
	}{
		{[]string{"line", "L-1"}, LineKey("L-1")},
		{[]string{"contract", "C-1"}, ContractKey("C-1")},
		{[]string{"payment", c.acme.String(), "I-1"}, PaymentKey(c.acme, "I-1")},
		{[]string{"agency", "interior", "2027", "EUR"}, AgencyTotalsKey("interior", 2027, "EUR")},
		{[]string{"vendor", c.acme.String(), "2027", "EUR"}, VendorTotalsKey(c.acme, 2027, "EUR")},
	} {
		coretest.RequireStored(t, boundQuery, e.KV, q.path, q.key)
	}
	for _, q := range []struct {
		path []string
		key  []byte
		err  error
	}{
		{[]string{"line", "L-9"}, LineKey("L-9"), ErrLineNotFound},
		{[]string{"line", "L-9", "history"}, LineKey("L-9"), ErrLineNotFound},
		{[]string{"contract", "C-9"}, ContractKey("C-9"), ErrContractNotFound},
		{[]string{"payment", c.build.String(), "I-1"}, PaymentKey(c.build, "I-1"), ErrPaymentNotFound},
		{[]string{"agency", "interior", "2028", "EUR"}, AgencyTotalsKey("interior", 2028, "EUR"), ErrTotalsNotFound},
		{[]string{"vendor", c.acme.String(), "2027", "USD"}, VendorTotalsKey(c.acme, 2027, "USD"), ErrTotalsNotFound},
	} {
		coretest.RequireNotFound(t, boundQuery, e.KV, q.path, q.key, q.err)
	}
	coretest.RequireMalformed(t, boundQuery, e.KV, ErrUnknownQuery, [][]string{
		nil, {}, {"line"}, {"line", "a b"}, {"line", "L-1", "contracts"}, {"contract", ""}, {"payment", "xyz", "I-1"},
		{"payment", c.acme.String(), "a/b"}, {"agency", "interior", "27", "EUR"}, {"agency", "interior", "02027", "EUR"},
		{"agency", "interior", "2027", "eur"}, {"vendor", "interior", "2027", "EUR"}, {"agency", "a b", "2027", "EUR"},
		{"auction", "1"},
	})
}
