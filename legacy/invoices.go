package legacy

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/invoice"
)

// Invoices is the invoice registry: one row per invoice, identified by its
// issuer and number ("ISSUER/NUMBER"). The importing account is a tax
// authority; each invoice is recorded under its own issuer (the seller)
// by invoice.ImportInvoice, counted in the tax period of its issue date,
// with the buyer's acknowledgement, the claim for its reimbursement and
// the credit notes against it that the legacy registry recorded, if any
// (the optional columns). A row claims its own number and its credit
// notes' numbers of its issuer: rows that claim the same number are all
// set aside (CodeDuplicate).
var Invoices = &Registry{
	Name:   "invoices",
	Module: invoice.Name,
	Role:   core.RoleTaxAuthority,
	Columns: []string{"issuer", "number", "buyer", "issued", "currency", "lines", "net_total", "tax_total",
		"gross_total", "document_sha256"},
	Optional:   []string{"acknowledged", "claimed", "claimant", "claim_reference", "credit_notes"},
	parse:      parseInvoice,
	claims:     invoiceClaims,
	claimName:  "a credit note",
	fields:     invoiceFields,
	recordKey:  invoiceKey,
	pathPrefix: "/invoice/invoice/",
	shared:     invoice.ImportSharedPrefixes(),
	id:         func(f []string) string { return f[0] + "/" + f[1] },
}

// invoiceKey is the store key of the invoice with id ISSUER/NUMBER.
func invoiceKey(id string) []byte {
	issuer, number, _ := strings.Cut(id, "/")
	a, _ := core.ParseAddress(issuer)
	return invoice.InvoiceKey(a, number)
}

// invoiceRow is an invoices row: the invoice its issuer issued at Issued,
// and what happened to it after (Life).
type invoiceRow struct {
	invoice.IssueInvoice
	Issuer core.Address
	Issued time.Time
	Life   invoice.Imported
}

// Validate implements core.Msg.
func (m invoiceRow) Validate() error {
	if err := m.IssueInvoice.Validate(); err != nil {
		return err
	}
	if m.Issuer == m.Buyer {
		return core.Wrapf(invoice.ErrBuyerIsIssuer, "account %s", m.Buyer)
	}
	return m.Life.Validate(m.IssueInvoice, m.Issued)
}

// latest is the row's latest date: of its issue, acknowledgement, claim
// and credit notes.
func (m invoiceRow) latest() time.Time {
	t := m.Issued
	if a := m.Life.Acknowledged; a.After(t) {
		t = a
	}
	if c := m.Life.Claim; c != nil && c.Time.After(t) {
		t = c.Time
	}
	for _, cn := range m.Life.CreditNotes {
		if cn.Time.After(t) {
			t = cn.Time
		}
	}
	return t
}

// Exec implements core.Msg.
func (m invoiceRow) Exec(ctx *core.Context) error {
	return invoice.ImportInvoice(ctx, m.Issuer, m.IssueInvoice, m.Issued, m.Life)
}

func parseInvoice(f []string) (core.Msg, string, error) {
	m := invoiceRow{IssueInvoice: invoice.IssueInvoice{Number: f[1], Currency: strings.ToUpper(f[4])}}
	var err error
	if m.Issuer, err = parseAddress("issuer", f[0]); err != nil {
		return nil, f[0] + "/" + f[1], err
	}
	id := m.Issuer.String() + "/" + m.Number
	if m.Buyer, err = parseAddress("buyer", f[2]); err != nil {
		return nil, id, err
	}
	if m.Issued, err = time.Parse(time.DateOnly, f[3]); err != nil {
		return nil, id, bad(CodeBadField, "issued: %q is not a date YYYY-MM-DD", f[3])
	}
	if m.Lines, err = parseLines("lines", f[5]); err != nil {
		return nil, id, err
	}
	for i, n := range []*int64{&m.NetTotal, &m.TaxTotal, &m.GrossTotal} {
		if *n, err = parseInt([]string{"net_total", "tax_total", "gross_total"}[i], f[6+i]); err != nil {
			return nil, id, err
		}
	}
	if m.DocumentHash, err = core.ParseHash(f[9]); err != nil {
		return nil, id, bad(CodeBadField, "document_sha256: %q is not 64 hex digits", f[9])
	}
	if m.Life, err = parseInvoiceLife(f[10:14]); err != nil {
		return nil, id, err
	}
	if m.Life.CreditNotes, err = parseCreditNotes(f[14]); err != nil {
		return nil, id, err
	}
	if err := m.Validate(); err != nil {
		code := CodeInvalid
		if core.ResultCode(err) == invoice.ErrAmountMismatch.Code() {
			code = CodeAmounts
		}
		return nil, id, &Reject{Code: code, ResultCode: core.ResultCode(err), Reason: err.Error()}
	}
	return m, id, nil
}

func invoiceFields(msg core.Msg) []string {
	m := msg.(invoiceRow)
	life := make([]string, 5)
	if a := m.Life.Acknowledged; !a.IsZero() {
		life[0] = a.Format(time.DateOnly)
	}
	if c := m.Life.Claim; c != nil {
		life[1], life[2], life[3] = c.Time.Format(time.DateOnly), c.Claimant.String(), c.Reference
	}
	life[4] = formatCreditNotes(m.Life.CreditNotes)
	return append([]string{m.Issuer.String(), m.Number, m.Buyer.String(), m.Issued.Format(time.DateOnly), m.Currency,
		formatLines(m.Lines), strconv.FormatInt(m.NetTotal, 10), strconv.FormatInt(m.TaxTotal, 10),
		strconv.FormatInt(m.GrossTotal, 10), m.DocumentHash.String()}, life...)
}

// parseInvoiceLife parses the optional columns acknowledged, claimed,
// claimant and claim_reference: a claim has a date and a claimant (its
// reference may be empty), or none of the three.
func parseInvoiceLife(f []string) (invoice.Imported, error) {
	var life invoice.Imported
	if f[0] != "" {
		t, err := time.Parse(time.DateOnly, f[0])
		if err != nil {
			return life, bad(CodeBadField, "acknowledged: %q is not a date YYYY-MM-DD", f[0])
		}
		life.Acknowledged = t
	}
	switch {
	case f[1] == "" && f[2] == "" && f[3] == "":
		return life, nil
	case f[1] == "" || f[2] == "":
		return life, bad(CodeBadField, "claimed, claimant: a claim needs both its date and its claimant (claimed %q, claimant %q)", f[1], f[2])
	}
	t, err := time.Parse(time.DateOnly, f[1])
	if err != nil {
		return life, bad(CodeBadField, "claimed: %q is not a date YYYY-MM-DD", f[1])
	}
	claimant, err := parseAddress("claimant", f[2])
	if err != nil {
		return life, err
	}
	life.Claim = &invoice.ImportedClaim{Claimant: claimant, Reference: f[3], Time: t}
	return life, nil
}

// invoiceClaims are the ids, ISSUER/NUMBER, of the credit notes of an
// invoices row: numbers of its issuer that no other row may claim.
func invoiceClaims(msg core.Msg) []string {
	m := msg.(invoiceRow)
	ids := make([]string, len(m.Life.CreditNotes))
	for i, cn := range m.Life.CreditNotes {
		ids[i] = m.Issuer.String() + "/" + cn.Number
	}
	return ids
}

// parseLines parses an invoice's or credit note's lines:
// description|quantity|unit_price|net_amount|tax_rate_bp|tax_amount,
// separated by ";".
func parseLines(field, s string) ([]invoice.Line, error) {
	var lines []invoice.Line
	for part := range strings.SplitSeq(s, ";") {
		p := strings.Split(strings.TrimSpace(part), "|")
		if len(p) != 6 {
			return nil, bad(CodeBadField, "%s: %q is not description|quantity|unit_price|net_amount|tax_rate_bp|tax_amount", field, part)
		}
		l := invoice.Line{Description: strings.TrimSpace(p[0])}
		for i, n := range []*int64{&l.Quantity, &l.UnitPrice, &l.NetAmount, &l.TaxRateBP, &l.TaxAmount} {
			var err error
			if *n, err = parseInt(field, strings.TrimSpace(p[i+1])); err != nil {
				return nil, err
			}
		}
		lines = append(lines, l)
	}
	return lines, nil
}

// formatLines is the canonical form of lines (parseLines' input).
func formatLines(lines []invoice.Line) string {
	parts := make([]string, len(lines))
	for i, l := range lines {
		parts[i] = strings.Join([]string{l.Description, strconv.FormatInt(l.Quantity, 10), strconv.FormatInt(l.UnitPrice, 10),
			strconv.FormatInt(l.NetAmount, 10), strconv.FormatInt(l.TaxRateBP, 10), strconv.FormatInt(l.TaxAmount, 10)}, "|")
	}
	return strings.Join(parts, ";")
}

// creditNoteJSON is one credit note of the credit_notes column, a JSON
// array of them, in the canonical order of its keys.
type creditNoteJSON struct {
	Number         string      `json:"number"`
	Issued         string      `json:"issued"`
	Reason         string      `json:"reason"`
	Lines          string      `json:"lines"`
	NetTotal       json.Number `json:"net_total"`
	TaxTotal       json.Number `json:"tax_total"`
	GrossTotal     json.Number `json:"gross_total"`
	DocumentSHA256 string      `json:"document_sha256"`
}

// parseCreditNotes parses the credit_notes column: empty, or a JSON array
// (in a CSV dump, the field's text; in JSON Lines, the field's value or a
// string holding it) of objects with exactly the keys of creditNoteJSON,
// every one present, the totals whole numbers. Number and reason are
// trimmed. The notes are put in canonical order: by date, then by number.
func parseCreditNotes(s string) ([]invoice.ImportedCreditNote, error) {
	if s == "" {
		return nil, nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, bad(CodeBadField, "credit_notes: not a JSON array of objects: %v", err)
	}
	var notes []creditNoteJSON
	if err := dec.Decode(&notes); err != nil {
		return nil, bad(CodeBadField, "credit_notes: %v", err)
	}
	if dec.More() {
		return nil, bad(CodeBadField, "credit_notes: more than one JSON value")
	}
	if len(notes) == 0 {
		return nil, bad(CodeBadField, "credit_notes: an empty list (leave the field empty for none)")
	}
	keys := []string{"number", "issued", "reason", "lines", "net_total", "tax_total", "gross_total", "document_sha256"}
	out := make([]invoice.ImportedCreditNote, len(notes))
	for i, n := range notes {
		for _, k := range keys {
			if _, ok := raw[i][k]; !ok {
				return nil, bad(CodeBadField, "credit_notes: credit note %d has no %q", i+1, k)
			}
		}
		cn := invoice.ImportedCreditNote{Number: strings.TrimSpace(n.Number), Reason: strings.TrimSpace(n.Reason)}
		what := "credit_notes: " + cn.Number
		t, err := time.Parse(time.DateOnly, n.Issued)
		if err != nil {
			return nil, bad(CodeBadField, "%s: issued %q is not a date YYYY-MM-DD", what, n.Issued)
		}
		cn.Time = t
		if cn.Lines, err = parseLines(what+": lines", n.Lines); err != nil {
			return nil, err
		}
		for j, v := range []json.Number{n.NetTotal, n.TaxTotal, n.GrossTotal} {
			name := []string{"net_total", "tax_total", "gross_total"}[j]
			x, err := strconv.ParseInt(v.String(), 10, 64)
			if err != nil {
				return nil, bad(CodeBadField, "%s: %s %q is not a whole number", what, name, v)
			}
			*[]*int64{&cn.NetTotal, &cn.TaxTotal, &cn.GrossTotal}[j] = x
		}
		if cn.DocumentHash, err = core.ParseHash(n.DocumentSHA256); err != nil {
			return nil, bad(CodeBadField, "%s: document_sha256 %q is not 64 hex digits", what, n.DocumentSHA256)
		}
		out[i] = cn
	}
	slices.SortStableFunc(out, func(a, b invoice.ImportedCreditNote) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.Number, b.Number)
	})
	return out, nil
}

// formatCreditNotes is the canonical form of the credit_notes column:
// empty for none, else compact JSON, keys in creditNoteJSON's order,
// totals as numbers.
func formatCreditNotes(notes []invoice.ImportedCreditNote) string {
	if len(notes) == 0 {
		return ""
	}
	out := make([]creditNoteJSON, len(notes))
	for i, cn := range notes {
		out[i] = creditNoteJSON{Number: cn.Number, Issued: cn.Time.Format(time.DateOnly), Reason: cn.Reason, Lines: formatLines(cn.Lines),
			NetTotal: json.Number(strconv.FormatInt(cn.NetTotal, 10)), TaxTotal: json.Number(strconv.FormatInt(cn.TaxTotal, 10)),
			GrossTotal: json.Number(strconv.FormatInt(cn.GrossTotal, 10)), DocumentSHA256: cn.DocumentHash.String()}
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(out) // strings and numbers only: cannot fail
	return strings.TrimSuffix(b.String(), "\n")
}
