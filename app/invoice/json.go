package invoice

import "github.com/govchain/govchain/app/core"

// Hand-written canonical JSON of the records every invoice writes and
// reads (core.JSONAppender, core.JSONDecoder): the same bytes and values
// as encoding/json, which still decides anything they do not handle.
// json_test.go checks them against encoding/json.

func writeLines(w *core.JSONWriter, l []Line) {
	if l == nil {
		w.Null()
		return
	}
	w.OpenArray()
	for _, x := range l {
		w.Open()
		w.Key("description")
		w.String(x.Description)
		w.Key("quantity")
		w.Int(x.Quantity)
		w.Key("unit_price")
		w.Int(x.UnitPrice)
		w.Key("net_amount")
		w.Int(x.NetAmount)
		w.Key("tax_rate_bp")
		w.Int(x.TaxRateBP)
		w.Key("tax_amount")
		w.Int(x.TaxAmount)
		w.Close()
	}
	w.CloseArray()
}

func readLines(r *core.JSONReader) []Line {
	if r.Null() {
		return nil
	}
	r.OpenArray()
	out := []Line{}
	for r.More() {
		var x Line
		r.Open()
		r.Key("description")
		x.Description = r.String()
		r.Key("quantity")
		x.Quantity = r.Int()
		r.Key("unit_price")
		x.UnitPrice = r.Int()
		r.Key("net_amount")
		x.NetAmount = r.Int()
		r.Key("tax_rate_bp")
		x.TaxRateBP = r.Int()
		r.Key("tax_amount")
		x.TaxAmount = r.Int()
		r.Close()
		out = append(out, x)
	}
	return out
}

// AppendJSON implements core.JSONAppender.
func (inv Invoice) AppendJSON(b []byte) ([]byte, bool) {
	w := core.NewJSONWriter(b)
	w.Open()
	w.Key("kind")
	w.String(inv.Kind)
	w.Key("issuer")
	w.Hex(inv.Issuer[:])
	w.Key("number")
	w.String(inv.Number)
	w.Key("buyer")
	w.Hex(inv.Buyer[:])
	w.Key("status")
	w.String(inv.Status)
	w.Key("currency")
	w.String(inv.Currency)
	w.Key("lines")
	writeLines(&w, inv.Lines)
	w.Key("net_total")
	w.Int(inv.NetTotal)
	w.Key("tax_total")
	w.Int(inv.TaxTotal)
	w.Key("gross_total")
	w.Int(inv.GrossTotal)
	w.Key("document_hash")
	w.Hex(inv.DocumentHash[:])
	w.Key("tax_period")
	w.String(inv.TaxPeriod)
	w.Key("issued_height")
	w.Int(inv.IssuedHeight)
	w.Key("issued_at")
	w.Time(inv.IssuedAt)
	w.Key("buyer_seq")
	w.Uint(inv.BuyerSeq)
	w.Key("original")
	w.String(inv.Original)
	w.Key("reason")
	w.String(inv.Reason)
	w.Key("credited_net")
	w.Int(inv.CreditedNet)
	w.Key("credited_tax")
	w.Int(inv.CreditedTax)
	w.Key("credited_gross")
	w.Int(inv.CreditedGross)
	w.Key("credit_notes")
	w.Strings(inv.CreditNotes)
	w.Key("acknowledgement")
	if a := inv.Acknowledgement; a == nil {
		w.Null()
	} else {
		w.Open()
		w.Key("buyer")
		w.Hex(a.Buyer[:])
		w.Key("height")
		w.Int(a.Height)
		w.Key("time")
		w.Time(a.Time)
		w.Close()
	}
	w.Key("claim")
	if c := inv.Claim; c == nil {
		w.Null()
	} else {
		w.Open()
		w.Key("claimant")
		w.Hex(c.Claimant[:])
		w.Key("reference")
		w.String(c.Reference)
		w.Key("amount")
		w.Int(c.Amount)
		w.Key("height")
		w.Int(c.Height)
		w.Key("time")
		w.Time(c.Time)
		w.Close()
	}
	w.Key("history_count")
	w.Uint(inv.HistoryCount)
	w.Close()
	return w.Bytes()
}

// AppendJSON implements core.JSONAppender.
func (b Buyer) AppendJSON(dst []byte) ([]byte, bool) {
	return core.AppendAccountCount(dst, b.Account, "document_count", b.DocumentCount)
}

// DecodeJSON implements core.JSONDecoder.
func (b *Buyer) DecodeJSON(src []byte) bool {
	a, n, ok := core.DecodeAccountCount(src, "document_count")
	if ok {
		*b = Buyer{Account: a, DocumentCount: n}
	}
	return ok
}

// AppendJSON implements core.JSONAppender.
func (e BuyerEntry) AppendJSON(b []byte) ([]byte, bool) {
	w := core.NewJSONWriter(b)
	w.Open()
	w.Key("seq")
	w.Uint(e.Seq)
	w.Key("kind")
	w.String(e.Kind)
	w.Key("issuer")
	w.Hex(e.Issuer[:])
	w.Key("number")
	w.String(e.Number)
	w.Key("currency")
	w.String(e.Currency)
	w.Key("gross_total")
	w.Int(e.GrossTotal)
	w.Key("issued_at")
	w.Time(e.IssuedAt)
	w.Close()
	return w.Bytes()
}

// AppendJSON implements core.JSONAppender.
func (t Totals) AppendJSON(b []byte) ([]byte, bool) {
	w := core.NewJSONWriter(b)
	w.Open()
	w.Key("issuer")
	w.Hex(t.Issuer[:])
	w.Key("period")
	w.String(t.Period)
	w.Key("currencies")
	if t.Currencies == nil {
		w.Null()
	} else {
		w.OpenArray()
		for _, c := range t.Currencies {
			w.Open()
			w.Key("currency")
			w.String(c.Currency)
			w.Key("invoice_count")
			w.Uint(c.InvoiceCount)
			w.Key("credit_note_count")
			w.Uint(c.CreditNoteCount)
			w.Key("issued_net")
			w.Int(c.IssuedNet)
			w.Key("issued_tax")
			w.Int(c.IssuedTax)
			w.Key("issued_gross")
			w.Int(c.IssuedGross)
			w.Key("credited_net")
			w.Int(c.CreditedNet)
			w.Key("credited_tax")
			w.Int(c.CreditedTax)
			w.Key("credited_gross")
			w.Int(c.CreditedGross)
			w.Key("tax_due")
			w.Int(c.TaxDue)
			w.Close()
		}
		w.CloseArray()
	}
	w.Key("entry_count")
	w.Uint(t.EntryCount)
	w.Close()
	return w.Bytes()
}

// DecodeJSON implements core.JSONDecoder.
func (t *Totals) DecodeJSON(b []byte) bool {
	r := core.NewJSONReader(b)
	var v Totals
	r.Open()
	r.Key("issuer")
	r.Hex(v.Issuer[:])
	r.Key("period")
	v.Period = r.String()
	r.Key("currencies")
	if !r.Null() {
		r.OpenArray()
		v.Currencies = []CurrencyTotals{}
		for r.More() {
			var c CurrencyTotals
			r.Open()
			r.Key("currency")
			c.Currency = r.String()
			r.Key("invoice_count")
			c.InvoiceCount = r.Uint()
			r.Key("credit_note_count")
			c.CreditNoteCount = r.Uint()
			r.Key("issued_net")
			c.IssuedNet = r.Int()
			r.Key("issued_tax")
			c.IssuedTax = r.Int()
			r.Key("issued_gross")
			c.IssuedGross = r.Int()
			r.Key("credited_net")
			c.CreditedNet = r.Int()
			r.Key("credited_tax")
			c.CreditedTax = r.Int()
			r.Key("credited_gross")
			c.CreditedGross = r.Int()
			r.Key("tax_due")
			c.TaxDue = r.Int()
			r.Close()
			v.Currencies = append(v.Currencies, c)
		}
	}
	r.Key("entry_count")
	v.EntryCount = r.Uint()
	r.Close()
	if !r.Done() {
		return false
	}
	*t = v
	return true
}

// AppendJSON implements core.JSONAppender (original is omitted when
// empty).
func (e TotalsEntry) AppendJSON(b []byte) ([]byte, bool) {
	w := core.NewJSONWriter(b)
	w.Open()
	w.Key("kind")
	w.String(e.Kind)
	w.Key("number")
	w.String(e.Number)
	if e.Original != "" {
		w.Key("original")
		w.String(e.Original)
	}
	w.Key("currency")
	w.String(e.Currency)
	w.Key("net_total")
	w.Int(e.NetTotal)
	w.Key("tax_total")
	w.Int(e.TaxTotal)
	w.Key("gross_total")
	w.Int(e.GrossTotal)
	w.Close()
	return w.Bytes()
}

// AppendJSON implements core.JSONAppender (original is omitted when
// empty).
func (d issueDetails) AppendJSON(b []byte) ([]byte, bool) {
	w := core.NewJSONWriter(b)
	w.Open()
	w.Key("kind")
	w.String(d.Kind)
	w.Key("buyer")
	w.Hex(d.Buyer[:])
	w.Key("currency")
	w.String(d.Currency)
	w.Key("net_total")
	w.Int(d.NetTotal)
	w.Key("tax_total")
	w.Int(d.TaxTotal)
	w.Key("gross_total")
	w.Int(d.GrossTotal)
	w.Key("document_hash")
	w.Hex(d.DocumentHash[:])
	w.Key("tax_period")
	w.String(d.TaxPeriod)
	if d.Original != "" {
		w.Key("original")
		w.String(d.Original)
	}
	w.Close()
	return w.Bytes()
}

// AppendJSON implements core.JSONAppender.
func (m IssueInvoice) AppendJSON(b []byte) ([]byte, bool) {
	w := core.NewJSONWriter(b)
	w.Open()
	w.Key("number")
	w.String(m.Number)
	w.Key("buyer")
	w.Hex(m.Buyer[:])
	w.Key("currency")
	w.String(m.Currency)
	w.Key("lines")
	writeLines(&w, m.Lines)
	w.Key("net_total")
	w.Int(m.NetTotal)
	w.Key("tax_total")
	w.Int(m.TaxTotal)
	w.Key("gross_total")
	w.Int(m.GrossTotal)
	w.Key("document_hash")
	w.Hex(m.DocumentHash[:])
	w.Close()
	return w.Bytes()
}

// DecodeJSON implements core.JSONDecoder.
func (m *IssueInvoice) DecodeJSON(b []byte) bool {
	r := core.NewJSONReader(b)
	var v IssueInvoice
	r.Open()
	r.Key("number")
	v.Number = r.String()
	r.Key("buyer")
	r.Hex(v.Buyer[:])
	r.Key("currency")
	v.Currency = r.String()
	r.Key("lines")
	v.Lines = readLines(&r)
	r.Key("net_total")
	v.NetTotal = r.Int()
	r.Key("tax_total")
	v.TaxTotal = r.Int()
	r.Key("gross_total")
	v.GrossTotal = r.Int()
	r.Key("document_hash")
	r.Hex(v.DocumentHash[:])
	r.Close()
	if !r.Done() {
		return false
	}
	*m = v
	return true
}
