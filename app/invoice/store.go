package invoice

import (
	"slices"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// PeriodLayout is the time layout of a tax period: the UTC calendar month.
const PeriodLayout = "2006-01"

// periodOf returns the tax period of a block time.
func periodOf(t time.Time) string { return t.UTC().Format(PeriodLayout) }

// validPeriod reports whether s is a tax period in canonical form.
func validPeriod(s string) bool {
	t, err := time.Parse(PeriodLayout, s)
	return err == nil && t.Format(PeriodLayout) == s
}

// getInvoice reads a document; a missing one is ErrInvoiceNotFound.
func getInvoice(r state.Reader, issuer core.Address, number string) (*Invoice, error) {
	return core.Load[Invoice](r, InvoiceKey(issuer, number), ErrInvoiceNotFound, "issuer %s, number %s", issuer, number)
}

func putInvoice(w state.Writer, inv *Invoice) error {
	if inv.Lines == nil {
		inv.Lines = []Line{}
	}
	if inv.CreditNotes == nil {
		inv.CreditNotes = []string{}
	}
	return core.SetJSON(w, InvoiceKey(inv.Issuer, inv.Number), inv)
}

// requireNewNumber refuses a number the issuer already used.
func requireNewNumber(r state.Reader, issuer core.Address, number string) error {
	ok, err := r.Has(InvoiceKey(issuer, number))
	if err != nil {
		return err
	}
	if ok {
		return core.Wrapf(ErrInvoiceExists, "issuer %s, number %s", issuer, number)
	}
	return nil
}

// appendHistory appends an entry to a document's history and bumps its
// count; the caller saves the document.
func appendHistory(ctx *core.Context, inv *Invoice, action string, details any) error {
	return ctx.RecordHistory(Prefix, tableHistory, docID(inv.Issuer, inv.Number), &inv.HistoryCount, action, details)
}

// indexForBuyer appends a document to its buyer's index and records its
// position in the document; the caller saves the document.
func indexForBuyer(kv state.KV, inv *Invoice) error {
	b := Buyer{Account: inv.Buyer}
	if _, err := core.GetJSON(kv, BuyerKey(inv.Buyer), &b); err != nil {
		return err
	}
	inv.BuyerSeq = b.DocumentCount
	entry := BuyerEntry{
		Seq: b.DocumentCount, Kind: inv.Kind, Issuer: inv.Issuer, Number: inv.Number,
		Currency: inv.Currency, GrossTotal: inv.GrossTotal, IssuedAt: inv.IssuedAt,
	}
	if err := core.SetJSON(kv, BuyerEntryKey(inv.Buyer, b.DocumentCount), entry); err != nil {
		return err
	}
	b.DocumentCount++
	return core.SetJSON(kv, BuyerKey(inv.Buyer), b)
}

// addToTotals counts a new document in its issuer's totals for its tax
// period and appends it to the period's entries. It refuses with
// ErrTotalsOverflow if a sum would overflow int64.
func addToTotals(ctx *core.Context, inv *Invoice) error {
	key := TotalsKey(inv.Issuer, inv.TaxPeriod)
	t := Totals{Issuer: inv.Issuer, Period: inv.TaxPeriod}
	if _, err := core.GetJSON(ctx.KV, key, &t); err != nil {
		return err
	}
	i, found := slices.BinarySearchFunc(t.Currencies, inv.Currency, func(c CurrencyTotals, cur string) int {
		switch {
		case c.Currency < cur:
			return -1
		case c.Currency > cur:
			return 1
		}
		return 0
	})
	if !found {
		t.Currencies = slices.Insert(t.Currencies, i, CurrencyTotals{Currency: inv.Currency})
	}
	c := &t.Currencies[i]
	var ok bool
	if inv.Kind == KindInvoice {
		c.InvoiceCount++
		ok = addAll(&c.IssuedNet, inv.NetTotal, &c.IssuedTax, inv.TaxTotal, &c.IssuedGross, inv.GrossTotal)
	} else {
		c.CreditNoteCount++
		ok = addAll(&c.CreditedNet, inv.NetTotal, &c.CreditedTax, inv.TaxTotal, &c.CreditedGross, inv.GrossTotal)
	}
	if !ok {
		return core.Wrapf(ErrTotalsOverflow, "issuer %s, period %s, currency %s", inv.Issuer, inv.TaxPeriod, inv.Currency)
	}
	c.TaxDue = c.IssuedTax - c.CreditedTax // both in [0, MaxInt64]: cannot overflow
	if err := ctx.RecordHistory(Prefix, tableTotalsEntry, totalsID(inv.Issuer, inv.TaxPeriod), &t.EntryCount, inv.Kind, TotalsEntry{
		Kind: inv.Kind, Number: inv.Number, Original: inv.Original, Currency: inv.Currency,
		NetTotal: inv.NetTotal, TaxTotal: inv.TaxTotal, GrossTotal: inv.GrossTotal,
	}); err != nil {
		return err
	}
	return core.SetJSON(ctx.KV, key, t)
}

// addAll adds three non-negative amounts to three sums, reporting false
// (and leaving garbage the caller discards) on overflow.
func addAll(s1 *int64, a1 int64, s2 *int64, a2 int64, s3 *int64, a3 int64) bool {
	for _, p := range []struct {
		sum *int64
		add int64
	}{{s1, a1}, {s2, a2}, {s3, a3}} {
		if *p.sum > 1<<63-1-p.add {
			return false
		}
		*p.sum += p.add
	}
	return true
}
