package invoice

import "github.com/govchain/govchain/app/core"

// The invoice registry's sentinels, each with its released result code
// (500-599) written beside it: a code never moves or changes meaning, and a
// new sentinel takes the next free code. Exec and Query return these
// (possibly wrapped with detail by core.Wrapf), so errors.Is(err, ErrXxx)
// and errors.Is(err, kind) both hold.
var (
	// ErrInvalidMessage is the sentinel of every stateless refusal
	// (Validate) other than an amount mismatch; kind core.ErrInvalid.
	ErrInvalidMessage = core.NewCodedError(500, core.ErrInvalid, "invoice: invalid message")
	// ErrAmountMismatch: a stated line amount or total differs from the one
	// the chain computes (see the package doc for the formulas).
	ErrAmountMismatch = core.NewCodedError(501, core.ErrInvalid, "invoice: amounts do not add up")
	// ErrUnknownQuery: the query path is not one of the registry's paths, or
	// an id in it is malformed.
	ErrUnknownQuery = core.NewCodedError(502, core.ErrInvalid, "invoice: unknown query path")
	// ErrBuyerIsIssuer: a business may not invoice itself.
	ErrBuyerIsIssuer = core.NewCodedError(503, core.ErrInvalid, "invoice: buyer is the issuer")

	// ErrInvoiceNotFound: the issuer has no invoice or credit note with the
	// number.
	ErrInvoiceNotFound = core.NewCodedError(504, core.ErrNotFound, "invoice: invoice not found")
	// ErrBuyerNotFound: the account is the buyer of no invoice (queries).
	ErrBuyerNotFound = core.NewCodedError(505, core.ErrNotFound, "invoice: account has no invoices as buyer")
	// ErrTotalsNotFound: the issuer issued nothing in the period (queries).
	ErrTotalsNotFound = core.NewCodedError(506, core.ErrNotFound, "invoice: no totals for the issuer and period")

	// ErrNotBuyer: only the buyer may acknowledge an invoice.
	ErrNotBuyer = core.NewCodedError(507, core.ErrUnauthorized, "invoice: signer is not the buyer")

	// ErrInvoiceExists: the issuer already used the number (for an invoice
	// or a credit note).
	ErrInvoiceExists = core.NewCodedError(508, core.ErrConflict, "invoice: number already used by the issuer")
	// ErrAlreadyAcknowledged: the buyer already acknowledged the document.
	ErrAlreadyAcknowledged = core.NewCodedError(509, core.ErrConflict, "invoice: already acknowledged")
	// ErrAlreadyClaimed: the invoice was already claimed for reimbursement,
	// by this or another account.
	ErrAlreadyClaimed = core.NewCodedError(510, core.ErrConflict, "invoice: already claimed for reimbursement")
	// ErrInvoiceCancelled: the invoice was credited in full.
	ErrInvoiceCancelled = core.NewCodedError(511, core.ErrConflict, "invoice: invoice is cancelled")
	// ErrNotAnInvoice: the document is a credit note, which cannot be
	// claimed or credited.
	ErrNotAnInvoice = core.NewCodedError(512, core.ErrConflict, "invoice: document is a credit note, not an invoice")
	// ErrCurrencyMismatch: a credit note's currency differs from its
	// invoice's.
	ErrCurrencyMismatch = core.NewCodedError(513, core.ErrConflict, "invoice: currency differs from the invoice's")
	// ErrExceedsRemaining: a credit note's net, tax or gross exceeds what
	// remains of the invoice after earlier credit notes.
	ErrExceedsRemaining = core.NewCodedError(514, core.ErrConflict, "invoice: credit note exceeds what remains of the invoice")
	// ErrDocumentMismatch: a claim presents another SHA-256 than the
	// invoice's document hash.
	ErrDocumentMismatch = core.NewCodedError(515, core.ErrConflict, "invoice: document hash does not match the invoice")
	// ErrTooManyCreditNotes: the invoice already has MaxCreditNotes credit
	// notes.
	ErrTooManyCreditNotes = core.NewCodedError(516, core.ErrConflict, "invoice: too many credit notes on the invoice")
	// ErrTotalsOverflow: the period's running totals would overflow int64.
	ErrTotalsOverflow = core.NewCodedError(517, core.ErrConflict, "invoice: running totals would overflow")
)

// Errors lists every coded sentinel of this package, for the module's code
// table and for tests. The slice must not be modified.
var Errors = []*core.Error{
	ErrInvalidMessage, ErrAmountMismatch, ErrUnknownQuery, ErrBuyerIsIssuer,
	ErrInvoiceNotFound, ErrBuyerNotFound, ErrTotalsNotFound,
	ErrNotBuyer,
	ErrInvoiceExists, ErrAlreadyAcknowledged, ErrAlreadyClaimed, ErrInvoiceCancelled, ErrNotAnInvoice,
	ErrCurrencyMismatch, ErrExceedsRemaining, ErrDocumentMismatch, ErrTooManyCreditNotes, ErrTotalsOverflow,
}

// mismatchf returns ErrAmountMismatch with a detail.
func mismatchf(format string, args ...any) error {
	return core.Wrapf(ErrAmountMismatch, format, args...)
}

// fields words the stateless refusals of this package (core.Fields).
var fields = core.Fields{Invalid: ErrInvalidMessage}
