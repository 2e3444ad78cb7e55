package invoice

import (
	"time"

	"github.com/govchain/govchain/app/core"
)

// Document kinds.
const (
	// KindInvoice is an invoice.
	KindInvoice = "invoice"
	// KindCreditNote is a credit note that reduces an invoice.
	KindCreditNote = "credit_note"
)

// Document statuses. A credit note is always StatusIssued.
const (
	// StatusIssued: an invoice with no credit note, or a credit note.
	StatusIssued = "issued"
	// StatusPartiallyCredited: an invoice reduced by credit notes but not to
	// zero.
	StatusPartiallyCredited = "partially_credited"
	// StatusCancelled: an invoice credited in full.
	StatusCancelled = "cancelled"
)

// Line is one line of an invoice or credit note. Quantity is in
// thousandths of the unit (QuantityScale); UnitPrice, NetAmount and
// TaxAmount are minor units; TaxRateBP is basis points. NetAmount and
// TaxAmount must equal the values computed from the others (see the
// package doc).
type Line struct {
	Description string `json:"description"`
	Quantity    int64  `json:"quantity"`
	UnitPrice   int64  `json:"unit_price"`
	NetAmount   int64  `json:"net_amount"`
	TaxRateBP   int64  `json:"tax_rate_bp"`
	TaxAmount   int64  `json:"tax_amount"`
}

// Acknowledgement records the buyer's acknowledgement of a document.
type Acknowledgement struct {
	Buyer  core.Address `json:"buyer"`
	Height int64        `json:"height"`
	Time   time.Time    `json:"time"`
}

// Claim records the one claim for reimbursement of an invoice: who claimed,
// their reference, and the gross amount that remained at that moment.
type Claim struct {
	Claimant  core.Address `json:"claimant"`
	Reference string       `json:"reference"`
	Amount    int64        `json:"amount"`
	Height    int64        `json:"height"`
	Time      time.Time    `json:"time"`
}

// Invoice is an invoice or a credit note, stored under InvoiceKey. For an
// invoice, Credited* sum its credit notes (listed by number in
// CreditNotes, in issue order) and never exceed the totals. For a credit
// note, Original names the invoice it reduces and Credited*/CreditNotes are
// zero and empty. TaxPeriod is the UTC calendar month of IssuedAt.
type Invoice struct {
	Kind            string           `json:"kind"`
	Issuer          core.Address     `json:"issuer"`
	Number          string           `json:"number"`
	Buyer           core.Address     `json:"buyer"`
	Status          string           `json:"status"`
	Currency        string           `json:"currency"`
	Lines           []Line           `json:"lines"`
	NetTotal        int64            `json:"net_total"`
	TaxTotal        int64            `json:"tax_total"`
	GrossTotal      int64            `json:"gross_total"`
	DocumentHash    core.Hash        `json:"document_hash"`
	TaxPeriod       string           `json:"tax_period"`
	IssuedHeight    int64            `json:"issued_height"`
	IssuedAt        time.Time        `json:"issued_at"`
	BuyerSeq        uint64           `json:"buyer_seq"`
	Original        string           `json:"original"`
	Reason          string           `json:"reason"`
	CreditedNet     int64            `json:"credited_net"`
	CreditedTax     int64            `json:"credited_tax"`
	CreditedGross   int64            `json:"credited_gross"`
	CreditNotes     []string         `json:"credit_notes"`
	Acknowledgement *Acknowledgement `json:"acknowledgement"`
	Claim           *Claim           `json:"claim"`
	HistoryCount    uint64           `json:"history_count"`
}

// RemainingGross is the gross amount not yet credited.
func (inv *Invoice) RemainingGross() int64 { return inv.GrossTotal - inv.CreditedGross }

// Buyer is a buyer's anchor under BuyerKey: how many documents (invoices
// and credit notes) name it as buyer, i.e. how many BuyerEntry records it
// has, numbered 0..DocumentCount-1.
type Buyer struct {
	Account       core.Address `json:"account"`
	DocumentCount uint64       `json:"document_count"`
}

// BuyerEntry is one entry of a buyer's index: a document issued to it, with
// the amounts as issued (its current status is in the document).
type BuyerEntry struct {
	Seq        uint64       `json:"seq"`
	Kind       string       `json:"kind"`
	Issuer     core.Address `json:"issuer"`
	Number     string       `json:"number"`
	Currency   string       `json:"currency"`
	GrossTotal int64        `json:"gross_total"`
	IssuedAt   time.Time    `json:"issued_at"`
}

// Totals is an issuer's running totals for one tax period, under
// TotalsKey, one entry per currency sorted by currency. EntryCount is the
// number of documents counted (TotalsEntryKey 0..EntryCount-1), so the tax
// authority can check the sums against the documents themselves.
type Totals struct {
	Issuer     core.Address     `json:"issuer"`
	Period     string           `json:"period"`
	Currencies []CurrencyTotals `json:"currencies"`
	EntryCount uint64           `json:"entry_count"`
}

// CurrencyTotals are the sums of one currency's documents in a period:
// invoices issued, credit notes issued, and the tax due, which is
// IssuedTax - CreditedTax (negative when the period's credit notes carry
// more tax than its invoices).
type CurrencyTotals struct {
	Currency        string `json:"currency"`
	InvoiceCount    uint64 `json:"invoice_count"`
	CreditNoteCount uint64 `json:"credit_note_count"`
	IssuedNet       int64  `json:"issued_net"`
	IssuedTax       int64  `json:"issued_tax"`
	IssuedGross     int64  `json:"issued_gross"`
	CreditedNet     int64  `json:"credited_net"`
	CreditedTax     int64  `json:"credited_tax"`
	CreditedGross   int64  `json:"credited_gross"`
	TaxDue          int64  `json:"tax_due"`
}

// TotalsEntry is the detail of a totals history entry: the document that
// changed the totals and its amounts.
type TotalsEntry struct {
	Kind       string `json:"kind"`
	Number     string `json:"number"`
	Original   string `json:"original,omitempty"`
	Currency   string `json:"currency"`
	NetTotal   int64  `json:"net_total"`
	TaxTotal   int64  `json:"tax_total"`
	GrossTotal int64  `json:"gross_total"`
}
