package invoice

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

func TestInvoiceLifecycle(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)

	// The shop invoices alice: 3 items at 33.33 with 20% tax.
	// 3 × 33.33 = 99.99 net, 20% = 19.998 -> 20.00 tax, 119.99 gross.
	m := issue("INV-1", c.alice, line("consultation", 3000, 3333, 2000))
	require.Equal(t, int64(11999), m.GrossTotal)
	ev := e.OK(c.shop, m)
	require.Equal(t, []string{"issue_invoice"}, attr(t, ev, "action"))
	require.Equal(t, []string{c.shop.String()}, attr(t, ev, "issuer"))
	require.Equal(t, []string{"INV-1"}, attr(t, ev, "number"))
	require.Equal(t, []string{c.alice.String()}, attr(t, ev, "buyer"))
	require.Equal(t, []string{"2026-01"}, attr(t, ev, "tax_period"))
	require.Equal(t, []string{"11999"}, attr(t, ev, "gross_total"))

	inv := e.doc(c.shop, "INV-1")
	require.Equal(t, KindInvoice, inv.Kind)
	require.Equal(t, StatusIssued, inv.Status)
	require.Equal(t, c.shop, inv.Issuer)
	require.Equal(t, "2026-01", inv.TaxPeriod)
	require.Equal(t, coretest.T0.Add(time.Duration(inv.IssuedHeight)*time.Second), inv.IssuedAt)
	require.Equal(t, m.Lines, inv.Lines)
	require.Equal(t, []string{}, inv.CreditNotes)
	require.Nil(t, inv.Acknowledgement)
	require.Nil(t, inv.Claim)

	// alice acknowledges; her employer claims it for reimbursement.
	e.OK(c.alice, AcknowledgeInvoice{Issuer: c.shop, Number: "INV-1"})
	ev = e.OK(c.employer, ClaimReimbursement{Issuer: c.shop, Number: "INV-1", DocumentHash: m.DocumentHash, Reference: "EXP-7"})
	require.Equal(t, []string{c.employer.String()}, attr(t, ev, "claimant"))
	require.Equal(t, []string{"11999"}, attr(t, ev, "amount"))
	// Nobody can claim it again, not even the same party.
	e.Refuse(c.insurer, ClaimReimbursement{Issuer: c.shop, Number: "INV-1", DocumentHash: m.DocumentHash}, ErrAlreadyClaimed)
	e.Refuse(c.employer, ClaimReimbursement{Issuer: c.shop, Number: "INV-1", DocumentHash: m.DocumentHash}, ErrAlreadyClaimed)
	inv = e.doc(c.shop, "INV-1")
	require.Equal(t, c.alice, inv.Acknowledgement.Buyer)
	require.Equal(t, Claim{Claimant: c.employer, Reference: "EXP-7", Amount: 11999, Height: inv.Claim.Height, Time: inv.Claim.Time}, *inv.Claim)

	// A partial credit note: one item back (33.33 net, 6.67 tax). The event
	// names the claimant so the employer learns of it.
	ev = e.OK(c.shop, credit("CN-1", "INV-1", line("consultation cancelled", 1000, 3333, 2000)))
	require.Equal(t, []string{"issue_credit_note"}, attr(t, ev, "action"))
	require.Equal(t, []string{"INV-1"}, attr(t, ev, "original_number"))
	require.Equal(t, []string{StatusPartiallyCredited}, attr(t, ev, "status"))
	require.Equal(t, []string{c.employer.String()}, attr(t, ev, "claimant"))
	inv = e.doc(c.shop, "INV-1")
	require.Equal(t, StatusPartiallyCredited, inv.Status)
	require.Equal(t, []int64{3333, 667, 4000}, []int64{inv.CreditedNet, inv.CreditedTax, inv.CreditedGross})
	require.Equal(t, int64(7999), inv.RemainingGross())
	require.Equal(t, []string{"CN-1"}, inv.CreditNotes)
	cn := e.doc(c.shop, "CN-1")
	require.Equal(t, KindCreditNote, cn.Kind)
	require.Equal(t, "INV-1", cn.Original)
	require.Equal(t, c.alice, cn.Buyer)
	require.Equal(t, "returned goods", cn.Reason)
	// The buyer may acknowledge a credit note too.
	e.OK(c.alice, AcknowledgeInvoice{Issuer: c.shop, Number: "CN-1"})

	// More than what remains is refused; exactly what remains cancels it.
	e.Refuse(c.shop, credit("CN-2", "INV-1", line("too much", 3000, 3333, 2000)), ErrExceedsRemaining)
	ev = e.OK(c.shop, credit("CN-2", "INV-1", line("rest", 2000, 3333, 2000)))
	require.Equal(t, []string{StatusCancelled}, attr(t, ev, "status"))
	inv = e.doc(c.shop, "INV-1")
	require.Equal(t, StatusCancelled, inv.Status)
	require.Equal(t, int64(0), inv.RemainingGross())
	require.Equal(t, []string{"CN-1", "CN-2"}, inv.CreditNotes)
	e.Refuse(c.shop, credit("CN-3", "INV-1", line("more", 1000, 1, 0)), ErrInvoiceCancelled)

	require.Equal(t, []string{"issue_invoice", "acknowledge_invoice", "claim_reimbursement", "credit_invoice", "credit_invoice"},
		e.history(c.shop, "INV-1"))
	require.Equal(t, []string{"issue_credit_note", "acknowledge_invoice"}, e.history(c.shop, "CN-1"))

	// Totals for 2026-01: one invoice, two credit notes; tax due is zero.
	tot, ok := e.totals(c.shop, "2026-01")
	require.True(t, ok)
	require.Equal(t, Totals{Issuer: c.shop, Period: "2026-01", EntryCount: 3, Currencies: []CurrencyTotals{{
		Currency: "EUR", InvoiceCount: 1, CreditNoteCount: 2,
		IssuedNet: 9999, IssuedTax: 2000, IssuedGross: 11999,
		CreditedNet: 9999, CreditedTax: 2000, CreditedGross: 11999, TaxDue: 0,
	}}}, tot)

	// The buyer's index lists the invoice and both credit notes.
	b, entries := e.buyerIndex(c.alice)
	require.Equal(t, uint64(3), b.DocumentCount)
	require.Equal(t, []string{"INV-1", "CN-1", "CN-2"}, []string{entries[0].Number, entries[1].Number, entries[2].Number})
	require.Equal(t, []string{KindInvoice, KindCreditNote, KindCreditNote}, []string{entries[0].Kind, entries[1].Kind, entries[2].Kind})
	require.Equal(t, int64(11999), entries[0].GrossTotal)
	require.Equal(t, uint64(2), e.doc(c.shop, "CN-2").BuyerSeq)
}

// TestTotalsAcrossPeriodsAndCurrencies: totals are kept per issuer, per
// period of the block time, per currency; a credit note counts in the
// period it is issued in.
func TestTotalsAcrossPeriodsAndCurrencies(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	eur := issue("A-1", c.alice, line("x", 1000, 10000, 2000)) // 100.00 + 20.00
	usd := issue("A-2", c.bob, line("y", 2000, 5000, 1000))    // 100.00 + 10.00
	usd.Currency = "USD"
	e.OK(c.shop, eur)
	e.OK(c.shop, usd)
	e.OK(c.shop2, issue("A-1", c.alice, line("z", 1000, 1, 0))) // same number, other issuer

	// Jump to February: the credit note counts there.
	e.Height = int64(40 * 24 * time.Hour / time.Second)
	e.OK(c.shop, credit("C-1", "A-1", line("x back", 500, 10000, 2000))) // 50.00 + 10.00
	e.OK(c.shop, issue("B-1", c.alice, line("w", 1000, 300, 0)))

	jan, ok := e.totals(c.shop, "2026-01")
	require.True(t, ok)
	require.Equal(t, uint64(2), jan.EntryCount)
	require.Equal(t, []CurrencyTotals{
		{Currency: "EUR", InvoiceCount: 1, IssuedNet: 10000, IssuedTax: 2000, IssuedGross: 12000, TaxDue: 2000},
		{Currency: "USD", InvoiceCount: 1, IssuedNet: 10000, IssuedTax: 1000, IssuedGross: 11000, TaxDue: 1000},
	}, jan.Currencies)
	feb, ok := e.totals(c.shop, "2026-02")
	require.True(t, ok)
	require.Equal(t, []CurrencyTotals{{
		Currency: "EUR", InvoiceCount: 1, CreditNoteCount: 1, IssuedNet: 300, IssuedGross: 300,
		CreditedNet: 5000, CreditedTax: 1000, CreditedGross: 6000, TaxDue: -1000,
	}}, feb.Currencies)
	require.Equal(t, "2026-02", e.doc(c.shop, "C-1").TaxPeriod)
	_, ok = e.totals(c.shop, "2026-03")
	require.False(t, ok)
	other, ok := e.totals(c.shop2, "2026-01")
	require.True(t, ok)
	require.Equal(t, int64(1), other.Currencies[0].IssuedGross)

	// The period's entries name each counted document; their sums are the
	// totals.
	res, err := boundQuery(t, e.KV, []string{"totals", c.shop.String(), "2026-02", "entries"})
	require.NoError(t, err)
	require.Len(t, res.Entries, 3)
	var gross int64
	var numbers []string
	for i, kv := range res.Entries[1:] {
		require.Equal(t, TotalsEntryKey(c.shop, "2026-02", uint64(i)), kv.Key)
		var h core.HistoryEntry
		require.NoError(t, json.Unmarshal(kv.Value, &h))
		require.Equal(t, c.shop, h.Actor)
		var te TotalsEntry
		require.NoError(t, json.Unmarshal(h.Details, &te))
		numbers = append(numbers, te.Number)
		if te.Kind == KindInvoice {
			gross += te.GrossTotal
		} else {
			gross -= te.GrossTotal
			require.Equal(t, "A-1", te.Original)
		}
	}
	require.Equal(t, []string{"C-1", "B-1"}, numbers)
	require.Equal(t, feb.Currencies[0].IssuedGross-feb.Currencies[0].CreditedGross, gross)

	// alice received A-1 (shop), A-1 (shop2), C-1 and B-1.
	b, entries := e.buyerIndex(c.alice)
	require.Equal(t, uint64(4), b.DocumentCount)
	require.Equal(t, c.shop2, entries[1].Issuer)
}

// TestBuyerIndexPaging: a buyer with more than a page of invoices is read
// page by page, each page anchored on the count.
func TestBuyerIndexPaging(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	n := PageSize*2 + 5
	for i := range n {
		e.OK(c.shop, issue("N-"+core.Dec(int64(i)), c.bob, line("x", 1000, int64(i+1), 0)))
	}
	b, entries := e.buyerIndex(c.bob)
	require.Equal(t, uint64(n), b.DocumentCount)
	for i, be := range entries {
		require.Equal(t, "N-"+core.Dec(int64(i)), be.Number)
		require.Equal(t, int64(i+1), be.GrossTotal)
	}
	res, err := boundQuery(t, e.KV, []string{"buyer", c.bob.String(), "invoices", core.Dec(int64(n))})
	require.NoError(t, err)
	require.Len(t, res.Entries, 1, "a page at the end holds only the anchor")
	res, err = boundQuery(t, e.KV, []string{"totals", c.shop.String(), "2026-01", "entries", "200"})
	require.NoError(t, err)
	require.Len(t, res.Entries, 6)
}

// TestDeterministicReplay runs the same transactions on two fresh stores
// and requires byte-identical states and events.
func TestDeterministicReplay(t *testing.T) {
	play := func() (map[string]string, [][]core.Event) {
		e := newEnv(t)
		c := newCast(e)
		var evs [][]core.Event
		for i := range 20 {
			buyer := c.alice
			if i%3 == 0 {
				buyer = c.bob
			}
			m := issue("R-"+core.Dec(int64(i)), buyer, line("x", int64(1000+i*250), int64(100+i), int64(i*100)))
			if i%4 == 0 {
				m.Currency = "USD"
			}
			evs = append(evs, e.OK(c.shop, m))
			if i%5 == 0 {
				evs = append(evs, e.OK(c.employer, ClaimReimbursement{Issuer: c.shop, Number: m.Number, DocumentHash: m.DocumentHash}))
			}
		}
		evs = append(evs, e.OK(c.shop, credit("RC-1", "R-1", line("x", 1000, 100, 100))))
		return e.Snapshot(), evs
	}
	s1, ev1 := play()
	s2, ev2 := play()
	require.Equal(t, s1, s2)
	require.Equal(t, ev1, ev2)
}
