package legacy

import (
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
// with the buyer's acknowledgement and the claim for its reimbursement
// that the legacy registry recorded, if any (the optional columns).
var Invoices = &Registry{
	Name:   "invoices",
	Module: invoice.Name,
	Role:   core.RoleTaxAuthority,
	Columns: []string{"issuer", "number", "buyer", "issued", "currency", "lines", "net_total", "tax_total",
		"gross_total", "document_sha256"},
	Optional:   []string{"acknowledged", "claimed", "claimant", "claim_reference"},
	parse:      parseInvoice,
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
	for part := range strings.SplitSeq(f[5], ";") {
		p := strings.Split(strings.TrimSpace(part), "|")
		if len(p) != 6 {
			return nil, id, bad(CodeBadField, "lines: %q is not description|quantity|unit_price|net_amount|tax_rate_bp|tax_amount", part)
		}
		l := invoice.Line{Description: strings.TrimSpace(p[0])}
		for i, n := range []*int64{&l.Quantity, &l.UnitPrice, &l.NetAmount, &l.TaxRateBP, &l.TaxAmount} {
			if *n, err = parseInt("lines", strings.TrimSpace(p[i+1])); err != nil {
				return nil, id, err
			}
		}
		m.Lines = append(m.Lines, l)
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
	lines := make([]string, len(m.Lines))
	for i, l := range m.Lines {
		lines[i] = strings.Join([]string{l.Description, strconv.FormatInt(l.Quantity, 10), strconv.FormatInt(l.UnitPrice, 10),
			strconv.FormatInt(l.NetAmount, 10), strconv.FormatInt(l.TaxRateBP, 10), strconv.FormatInt(l.TaxAmount, 10)}, "|")
	}
	life := make([]string, 4)
	if a := m.Life.Acknowledged; !a.IsZero() {
		life[0] = a.Format(time.DateOnly)
	}
	if c := m.Life.Claim; c != nil {
		life[1], life[2], life[3] = c.Time.Format(time.DateOnly), c.Claimant.String(), c.Reference
	}
	return append([]string{m.Issuer.String(), m.Number, m.Buyer.String(), m.Issued.Format(time.DateOnly), m.Currency,
		strings.Join(lines, ";"), strconv.FormatInt(m.NetTotal, 10), strconv.FormatInt(m.TaxTotal, 10),
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
