package spending

import (
	"time"

	"github.com/govchain/govchain/app/core"
)

// BudgetLine is an allocation to one agency for one budget year, approved
// by the finance ministry, stored under LineKey. Committed is the sum of
// its contracts' amounts and Paid of their payments: Paid <= Committed <=
// Allocated always holds.
type BudgetLine struct {
	ID             string       `json:"id"`
	Agency         string       `json:"agency"`
	Year           uint64       `json:"year"`
	Description    string       `json:"description"`
	Currency       string       `json:"currency"`
	Allocated      int64        `json:"allocated"`
	Committed      int64        `json:"committed"`
	Paid           int64        `json:"paid"`
	ContractCount  uint64       `json:"contract_count"`
	ApprovedBy     core.Address `json:"approved_by"`
	ApprovedHeight int64        `json:"approved_height"`
	ApprovedAt     time.Time    `json:"approved_at"`
	HistoryCount   uint64       `json:"history_count"`
}

// Contract is a contract awarded against a budget line to a registered
// organisation, stored under ContractKey. Paid <= Amount always holds.
type Contract struct {
	ID            string       `json:"id"`
	LineID        string       `json:"line_id"`
	Agency        string       `json:"agency"`
	Year          uint64       `json:"year"`
	Vendor        core.Address `json:"vendor"`
	VendorOrg     string       `json:"vendor_org"`
	Currency      string       `json:"currency"`
	Amount        int64        `json:"amount"`
	Paid          int64        `json:"paid"`
	PaymentCount  uint64       `json:"payment_count"`
	DocumentHash  core.Hash    `json:"document_hash"`
	AwardedBy     core.Address `json:"awarded_by"`
	AwardedHeight int64        `json:"awarded_height"`
	AwardedAt     time.Time    `json:"awarded_at"`
}

// Payment records that a vendor's invoice (invoice registry) was paid
// under a contract, stored under PaymentKey: an invoice is paid at most
// once. Amount is the invoice's gross total not credited at payment time.
type Payment struct {
	Vendor        core.Address `json:"vendor"`
	InvoiceNumber string       `json:"invoice_number"`
	ContractID    string       `json:"contract_id"`
	LineID        string       `json:"line_id"`
	Amount        int64        `json:"amount"`
	Currency      string       `json:"currency"`
	Reference     string       `json:"reference"`
	PaidBy        core.Address `json:"paid_by"`
	PaidHeight    int64        `json:"paid_height"`
	PaidAt        time.Time    `json:"paid_at"`
}

// Totals are the running sums of an agency's or a vendor's budget year in
// one currency, stored under AgencyTotalsKey or VendorTotalsKey: what was
// allocated (agencies only), committed by contracts and paid, with the
// number of lines, contracts and payments they sum.
type Totals struct {
	Owner     string `json:"owner"`
	Year      uint64 `json:"year"`
	Currency  string `json:"currency"`
	Allocated int64  `json:"allocated"`
	Committed int64  `json:"committed"`
	Paid      int64  `json:"paid"`
	Lines     uint64 `json:"lines"`
	Contracts uint64 `json:"contracts"`
	Payments  uint64 `json:"payments"`
}
