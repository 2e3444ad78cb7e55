package spending

import "github.com/govchain/govchain/app/core"

// The spending module's sentinels, each with its released result code
// (1000-1099) written beside it: a code never moves or changes meaning,
// and a new sentinel takes the next free code.
var (
	// ErrInvalidMessage is the sentinel of every stateless refusal.
	ErrInvalidMessage = core.NewCodedError(1000, core.ErrInvalid, "spending: invalid message")
	// ErrUnknownQuery: the query path is not one of the module's paths.
	ErrUnknownQuery = core.NewCodedError(1001, core.ErrInvalid, "spending: unknown query path")

	// ErrLineNotFound: no budget line has the id.
	ErrLineNotFound = core.NewCodedError(1002, core.ErrNotFound, "spending: budget line not found")
	// ErrContractNotFound: no contract has the id.
	ErrContractNotFound = core.NewCodedError(1003, core.ErrNotFound, "spending: contract not found")
	// ErrInvoiceNotFound: the vendor issued no invoice with the number.
	ErrInvoiceNotFound = core.NewCodedError(1004, core.ErrNotFound, "spending: invoice not found")
	// ErrPaymentNotFound: the invoice was not paid (queries).
	ErrPaymentNotFound = core.NewCodedError(1005, core.ErrNotFound, "spending: payment not found")
	// ErrTotalsNotFound: no totals for the agency or vendor, year and
	// currency (queries).
	ErrTotalsNotFound = core.NewCodedError(1006, core.ErrNotFound, "spending: no totals for the year")
	// ErrAgencyNotFound: the budget line names no member agency.
	ErrAgencyNotFound = core.NewCodedError(1007, core.ErrNotFound, "spending: agency not found")

	// ErrNotFinanceMinistry: budget lines are approved by an admin of the
	// finance ministry (Params.FinanceAgency) only.
	ErrNotFinanceMinistry = core.NewCodedError(1008, core.ErrUnauthorized, "spending: signer is not an admin of the finance ministry")
	// ErrNotLineAgency: the signer is not an admin of the agency that owns
	// the budget line or contract.
	ErrNotLineAgency = core.NewCodedError(1009, core.ErrUnauthorized, "spending: signer is not an admin of the line's agency")

	// ErrLineExists: a budget line with the id already exists.
	ErrLineExists = core.NewCodedError(1010, core.ErrConflict, "spending: budget line already exists")
	// ErrContractExists: a contract with the id already exists.
	ErrContractExists = core.NewCodedError(1011, core.ErrConflict, "spending: contract already exists")
	// ErrVendorNotBusiness: the vendor's account is linked to no registered
	// organisation.
	ErrVendorNotBusiness = core.NewCodedError(1012, core.ErrConflict, "spending: vendor is not a registered organisation")
	// ErrAllocationExceeded: the contract would commit the line beyond its
	// allocation.
	ErrAllocationExceeded = core.NewCodedError(1013, core.ErrConflict, "spending: contract exceeds the line's remaining allocation")
	// ErrContractExceeded: the payment would pay the contract beyond its
	// amount.
	ErrContractExceeded = core.NewCodedError(1014, core.ErrConflict, "spending: payment exceeds the contract's unpaid amount")
	// ErrInvoicePaid: the invoice was already paid.
	ErrInvoicePaid = core.NewCodedError(1015, core.ErrConflict, "spending: invoice already paid")
	// ErrInvoiceNotPayable: the invoice is a credit note, cancelled, in
	// another currency, or not addressed to the contract's agency.
	ErrInvoiceNotPayable = core.NewCodedError(1016, core.ErrConflict, "spending: invoice cannot be paid under the contract")
)

// Errors lists every coded sentinel of this package. The slice must not be
// modified.
var Errors = []*core.Error{
	ErrInvalidMessage, ErrUnknownQuery,
	ErrLineNotFound, ErrContractNotFound, ErrInvoiceNotFound, ErrPaymentNotFound, ErrTotalsNotFound, ErrAgencyNotFound,
	ErrNotFinanceMinistry, ErrNotLineAgency,
	ErrLineExists, ErrContractExists, ErrVendorNotBusiness, ErrAllocationExceeded, ErrContractExceeded,
	ErrInvoicePaid, ErrInvoiceNotPayable,
}

// fields words the stateless refusals of this package (core.Fields).
var fields = core.Fields{Invalid: ErrInvalidMessage}
