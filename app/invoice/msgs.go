package invoice

import (
	"math/bits"

	"github.com/govchain/govchain/app/core"
)

// Name is the registry's name: the prefix of its message types and of its
// query paths.
const Name = "invoice"

// The frozen message type strings.
const (
	TypeIssueInvoice       = "invoice/issue_invoice"
	TypeIssueCreditNote    = "invoice/issue_credit_note"
	TypeAcknowledgeInvoice = "invoice/acknowledge_invoice"
	TypeClaimReimbursement = "invoice/claim_reimbursement"
)

// Bounds enforced by Validate (and, for credit notes, by Exec).
const (
	// QuantityScale is the unit scale of Line.Quantity: quantities are in
	// thousandths of the line's unit.
	QuantityScale = 1000
	// BasisPoints is the scale of Line.TaxRateBP: 10000 is 100%.
	BasisPoints = 10_000
	// MaxLines is the most lines a document may have.
	MaxLines = 100
	// MaxQuantity bounds a line's quantity (in thousandths).
	MaxQuantity = 1_000_000_000_000_000
	// MaxAmount bounds a unit price and a line's net and tax amounts, in
	// minor units; with MaxLines lines, totals stay far from overflow.
	MaxAmount = 1_000_000_000_000_000
	// MaxTaxRateBP is the highest tax rate, in basis points (100%).
	MaxTaxRateBP = BasisPoints
	// MaxCreditNotes is the most credit notes an invoice may have, so its
	// record and history stay bounded.
	MaxCreditNotes = 100
	// Text field limits in bytes.
	MaxDescriptionLen = 140
	MaxReasonLen      = 512
	MaxReferenceLen   = 128
)

// IssueInvoice (invoice/issue_invoice, business) issues an invoice from the
// signer to Buyer under Number, which the signer has not used before. The
// lines and totals are checked exactly (package doc); DocumentHash is the
// SHA-256 of the full invoice document, which stays with the parties.
type IssueInvoice struct {
	Number       string       `json:"number"`
	Buyer        core.Address `json:"buyer"`
	Currency     string       `json:"currency"`
	Lines        []Line       `json:"lines"`
	NetTotal     int64        `json:"net_total"`
	TaxTotal     int64        `json:"tax_total"`
	GrossTotal   int64        `json:"gross_total"`
	DocumentHash core.Hash    `json:"document_hash"`
}

// Type implements core.Msg.
func (IssueInvoice) Type() string { return TypeIssueInvoice }

// Validate implements core.Msg.
func (m IssueInvoice) Validate() error {
	if err := validateNumber("number", m.Number); err != nil {
		return err
	}
	if m.Buyer.IsZero() {
		return fields.Invalidf("buyer is required")
	}
	return validateDocument(m.Currency, m.Lines, m.NetTotal, m.TaxTotal, m.GrossTotal, m.DocumentHash)
}

// IssueCreditNote (invoice/issue_credit_note, business, the issuer of the
// original) issues a credit note under Number that reduces the signer's
// invoice OriginalNumber. Its buyer is the invoice's; its currency must be
// the invoice's; its net, tax and gross must each not exceed what remains
// of the invoice. Lines and totals are checked like an invoice's.
type IssueCreditNote struct {
	Number         string    `json:"number"`
	OriginalNumber string    `json:"original_number"`
	Reason         string    `json:"reason"`
	Currency       string    `json:"currency"`
	Lines          []Line    `json:"lines"`
	NetTotal       int64     `json:"net_total"`
	TaxTotal       int64     `json:"tax_total"`
	GrossTotal     int64     `json:"gross_total"`
	DocumentHash   core.Hash `json:"document_hash"`
}

// Type implements core.Msg.
func (IssueCreditNote) Type() string { return TypeIssueCreditNote }

// Validate implements core.Msg.
func (m IssueCreditNote) Validate() error {
	if err := validateNumber("number", m.Number); err != nil {
		return err
	}
	if err := validateNumber("original_number", m.OriginalNumber); err != nil {
		return err
	}
	if m.Number == m.OriginalNumber {
		return fields.Invalidf("a credit note cannot reference its own number")
	}
	if err := fields.Text("reason", m.Reason, true, MaxReasonLen); err != nil {
		return err
	}
	return validateDocument(m.Currency, m.Lines, m.NetTotal, m.TaxTotal, m.GrossTotal, m.DocumentHash)
}

// AcknowledgeInvoice (invoice/acknowledge_invoice, the buyer) records that
// the buyer received the invoice or credit note. It is refused for a
// cancelled invoice.
type AcknowledgeInvoice struct {
	Issuer core.Address `json:"issuer"`
	Number string       `json:"number"`
}

// Type implements core.Msg.
func (AcknowledgeInvoice) Type() string { return TypeAcknowledgeInvoice }

// Validate implements core.Msg.
func (m AcknowledgeInvoice) Validate() error { return validateRef(m.Issuer, m.Number) }

// ClaimReimbursement (invoice/claim_reimbursement, any account: employer,
// insurer, ...) claims an invoice for reimbursement. DocumentHash must be
// the invoice's, so the claimant shows it holds that exact document. Only
// the first claim of an invoice succeeds; the invoice must not be
// cancelled. The claim records the gross amount remaining at that moment.
type ClaimReimbursement struct {
	Issuer       core.Address `json:"issuer"`
	Number       string       `json:"number"`
	DocumentHash core.Hash    `json:"document_hash"`
	Reference    string       `json:"reference"`
}

// Type implements core.Msg.
func (ClaimReimbursement) Type() string { return TypeClaimReimbursement }

// Validate implements core.Msg.
func (m ClaimReimbursement) Validate() error {
	if err := validateRef(m.Issuer, m.Number); err != nil {
		return err
	}
	if err := fields.Hash("document_hash", m.DocumentHash); err != nil {
		return err
	}
	return fields.Text("reference", m.Reference, false, MaxReferenceLen)
}

func validateRef(issuer core.Address, number string) error {
	if issuer.IsZero() {
		return fields.Invalidf("issuer is required")
	}
	return validateNumber("number", number)
}

// validateNumber accepts a document number usable as a key part and a query
// path segment: 1-64 letters, digits and - _ . : (no "/").
func validateNumber(field, n string) error { return fields.ID(field, n) }

// validateDocument checks the currency, every line, the totals and the
// document hash of an invoice or credit note. Field bounds are
// ErrInvalidMessage; a stated amount that differs from the computed one is
// ErrAmountMismatch. Sums cannot overflow: at most MaxLines amounts of at
// most MaxAmount each.
func validateDocument(currency string, lines []Line, net, tax, gross int64, doc core.Hash) error {
	if err := fields.Currency(currency); err != nil {
		return err
	}
	if len(lines) == 0 || len(lines) > MaxLines {
		return fields.Invalidf("a document needs 1-%d lines, got %d", MaxLines, len(lines))
	}
	for i, l := range lines {
		if err := validateLine(i+1, l); err != nil {
			return err
		}
	}
	if net < 0 || tax < 0 || gross <= 0 {
		return fields.Invalidf("totals must not be negative and gross_total must be positive")
	}
	var sumNet, sumTax int64
	for i, l := range lines {
		wantNet, ok := roundDiv(l.Quantity, l.UnitPrice, QuantityScale)
		if !ok || wantNet > MaxAmount {
			return fields.Invalidf("line %d: quantity × unit_price exceeds %d minor units", i+1, int64(MaxAmount))
		}
		if l.NetAmount != wantNet {
			return mismatchf("line %d: net_amount %d, but round(%d × %d / %d) = %d",
				i+1, l.NetAmount, l.Quantity, l.UnitPrice, QuantityScale, wantNet)
		}
		wantTax, _ := roundDiv(l.NetAmount, l.TaxRateBP, BasisPoints)
		if l.TaxAmount != wantTax {
			return mismatchf("line %d: tax_amount %d, but round(%d × %d / %d) = %d",
				i+1, l.TaxAmount, l.NetAmount, l.TaxRateBP, BasisPoints, wantTax)
		}
		sumNet += l.NetAmount
		sumTax += l.TaxAmount
	}
	if net != sumNet {
		return mismatchf("net_total %d, but the lines' net amounts sum to %d", net, sumNet)
	}
	if tax != sumTax {
		return mismatchf("tax_total %d, but the lines' tax amounts sum to %d", tax, sumTax)
	}
	if gross != sumNet+sumTax {
		return mismatchf("gross_total %d, but net_total + tax_total = %d", gross, sumNet+sumTax)
	}
	if err := fields.Hash("document_hash", doc); err != nil {
		return err
	}
	return nil
}

// validateLine checks the bounds of a line's fields (not its arithmetic).
func validateLine(n int, l Line) error {
	if err := fields.Text("description", l.Description, true, MaxDescriptionLen); err != nil {
		return fields.Invalidf("line %d: %v", n, err)
	}
	switch {
	case l.Quantity <= 0 || l.Quantity > MaxQuantity:
		return fields.Invalidf("line %d: quantity must be 1-%d thousandths, got %d", n, int64(MaxQuantity), l.Quantity)
	case l.UnitPrice < 0 || l.UnitPrice > MaxAmount:
		return fields.Invalidf("line %d: unit_price must be 0-%d, got %d", n, int64(MaxAmount), l.UnitPrice)
	case l.NetAmount < 0 || l.NetAmount > MaxAmount:
		return fields.Invalidf("line %d: net_amount must be 0-%d, got %d", n, int64(MaxAmount), l.NetAmount)
	case l.TaxRateBP < 0 || l.TaxRateBP > MaxTaxRateBP:
		return fields.Invalidf("line %d: tax_rate_bp must be 0-%d, got %d", n, MaxTaxRateBP, l.TaxRateBP)
	case l.TaxAmount < 0 || l.TaxAmount > MaxAmount:
		return fields.Invalidf("line %d: tax_amount must be 0-%d, got %d", n, int64(MaxAmount), l.TaxAmount)
	}
	return nil
}

// roundDiv returns round(a × b / den), half up, computed exactly in 128
// bits, for non-negative a and b and positive den. ok is false if the
// result does not fit in an int64.
func roundDiv(a, b, den int64) (int64, bool) {
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	lo, carry := bits.Add64(lo, uint64(den/2), 0)
	hi += carry
	if hi >= uint64(den) {
		return 0, false
	}
	q, _ := bits.Div64(hi, lo, uint64(den))
	if q > 1<<63-1 {
		return 0, false
	}
	return int64(q), true
}

// NewLine returns a line whose net and tax amounts are computed by the
// chain's rule from quantity (thousandths), unit price (minor units) and
// tax rate (basis points), for clients that build documents. It refuses
// out-of-range fields like Validate.
func NewLine(description string, quantity, unitPrice, taxRateBP int64) (Line, error) {
	l := Line{Description: description, Quantity: quantity, UnitPrice: unitPrice, TaxRateBP: taxRateBP}
	if err := validateLine(1, l); err != nil {
		return Line{}, err
	}
	net, ok := roundDiv(quantity, unitPrice, QuantityScale)
	if !ok || net > MaxAmount {
		return Line{}, fields.Invalidf("quantity × unit_price exceeds %d minor units", int64(MaxAmount))
	}
	l.NetAmount = net
	l.TaxAmount, _ = roundDiv(net, taxRateBP, BasisPoints)
	return l, nil
}

// SumLines returns the totals of lines as Validate computes them: the sums
// of the net and tax amounts, and their sum. Lines must be within the
// bounds Validate enforces, so the sums cannot overflow.
func SumLines(lines []Line) (net, tax, gross int64) {
	for _, l := range lines {
		net += l.NetAmount
		tax += l.TaxAmount
	}
	return net, tax, net + tax
}
