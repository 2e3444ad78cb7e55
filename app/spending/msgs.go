package spending

import "github.com/govchain/govchain/app/core"

// Name is the module's name: the prefix of its message types and of its
// query paths.
const Name = "spending"

// The frozen message type strings.
const (
	TypeApproveBudgetLine = "spending/approve_budget_line"
	TypeAwardContract     = "spending/award_contract"
	TypePayInvoice        = "spending/pay_invoice"
)

// Bounds enforced by Validate.
const (
	// MaxAmount bounds an allocation or a contract (minor units), so sums
	// of up to MaxContracts of them never overflow.
	MaxAmount = 1_000_000_000_000_000
	// MinYear and MaxYear bound a budget year.
	MinYear = 2000
	MaxYear = 2200
	// MaxDescriptionLen and MaxReferenceLen bound free text in bytes.
	MaxDescriptionLen = 512
	MaxReferenceLen   = 128
)

// ApproveBudgetLine (spending/approve_budget_line, an admin of the finance
// ministry) allocates Allocation minor units of Currency to Agency for
// budget year Year under a new line id.
type ApproveBudgetLine struct {
	LineID      string `json:"line_id"`
	Agency      string `json:"agency"`
	Year        uint64 `json:"year"`
	Description string `json:"description"`
	Allocation  int64  `json:"allocation"`
	Currency    string `json:"currency"`
}

// Type implements core.Msg.
func (ApproveBudgetLine) Type() string { return TypeApproveBudgetLine }

// Validate implements core.Msg.
func (m ApproveBudgetLine) Validate() error {
	if err := fields.ID("line_id", m.LineID); err != nil {
		return err
	}
	if err := fields.ID("agency", m.Agency); err != nil {
		return err
	}
	if m.Year < MinYear || m.Year > MaxYear {
		return fields.Invalidf("year must be %d-%d, got %d", MinYear, MaxYear, m.Year)
	}
	if err := fields.Text("description", m.Description, true, MaxDescriptionLen); err != nil {
		return err
	}
	if m.Allocation <= 0 || m.Allocation > MaxAmount {
		return fields.Invalidf("allocation must be 1-%d, got %d", int64(MaxAmount), m.Allocation)
	}
	return fields.Currency(m.Currency)
}

// AwardContract (spending/award_contract, an admin of the line's agency)
// commits Amount of a budget line to a contract with Vendor, an account
// linked to a registered organisation; DocumentHash is the signed
// contract's SHA-256.
type AwardContract struct {
	ContractID   string       `json:"contract_id"`
	LineID       string       `json:"line_id"`
	Vendor       core.Address `json:"vendor"`
	Amount       int64        `json:"amount"`
	DocumentHash core.Hash    `json:"document_hash"`
}

// Type implements core.Msg.
func (AwardContract) Type() string { return TypeAwardContract }

// Validate implements core.Msg.
func (m AwardContract) Validate() error {
	if err := fields.ID("contract_id", m.ContractID); err != nil {
		return err
	}
	if err := fields.ID("line_id", m.LineID); err != nil {
		return err
	}
	if m.Vendor.IsZero() {
		return fields.Invalidf("vendor must not be the zero account")
	}
	if m.Amount <= 0 || m.Amount > MaxAmount {
		return fields.Invalidf("amount must be 1-%d, got %d", int64(MaxAmount), m.Amount)
	}
	return fields.Hash("document_hash", m.DocumentHash)
}

// PayInvoice (spending/pay_invoice, an admin of the contract's agency)
// pays the contract's vendor's invoice InvoiceNumber (invoice registry)
// in full under the contract; Reference is the treasury's payment
// reference.
type PayInvoice struct {
	ContractID    string `json:"contract_id"`
	InvoiceNumber string `json:"invoice_number"`
	Reference     string `json:"reference"`
}

// Type implements core.Msg.
func (PayInvoice) Type() string { return TypePayInvoice }

// Validate implements core.Msg.
func (m PayInvoice) Validate() error {
	if err := fields.ID("contract_id", m.ContractID); err != nil {
		return err
	}
	if err := fields.ID("invoice_number", m.InvoiceNumber); err != nil {
		return err
	}
	return fields.Text("reference", m.Reference, true, MaxReferenceLen)
}
