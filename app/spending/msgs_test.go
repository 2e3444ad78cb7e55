package spending

import (
	"strings"
	"testing"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// validateCase is a mutation Validate must refuse (coretest.ValidateCase).
type validateCase coretest.ValidateCase

var checkValidate = coretest.Validator[validateCase](Module, ErrInvalidMessage)

var va = coretest.Address("a")

// TestModule checks the module's contract: every message type has a valid
// message that decodes strictly and re-encodes to the same bytes.
func TestModule(t *testing.T) {
	coretest.CheckModule(t, Module, []core.Msg{
		approve("L-1", "interior", 1000),
		award("C-1", "L-1", va, 100),
		PayInvoice{ContractID: "C-1", InvoiceNumber: "I-1", Reference: "TRSY-1"},
	})
}

func TestValidateApproveBudgetLine(t *testing.T) {
	f := coretest.Mutate[ApproveBudgetLine]
	checkValidate(t, approve("L-1", "interior", 1000), []validateCase{
		{"empty line id", f(func(m *ApproveBudgetLine) { m.LineID = "" })},
		{"line id with slash", f(func(m *ApproveBudgetLine) { m.LineID = "L/1" })},
		{"empty agency", f(func(m *ApproveBudgetLine) { m.Agency = "" })},
		{"year too early", f(func(m *ApproveBudgetLine) { m.Year = MinYear - 1 })},
		{"year too late", f(func(m *ApproveBudgetLine) { m.Year = MaxYear + 1 })},
		{"no description", f(func(m *ApproveBudgetLine) { m.Description = "" })},
		{"long description", f(func(m *ApproveBudgetLine) { m.Description = strings.Repeat("x", MaxDescriptionLen+1) })},
		{"zero allocation", f(func(m *ApproveBudgetLine) { m.Allocation = 0 })},
		{"negative allocation", f(func(m *ApproveBudgetLine) { m.Allocation = -1 })},
		{"huge allocation", f(func(m *ApproveBudgetLine) { m.Allocation = MaxAmount + 1 })},
		{"bad currency", f(func(m *ApproveBudgetLine) { m.Currency = "euro" })},
	})
}

func TestValidateAwardContract(t *testing.T) {
	f := coretest.Mutate[AwardContract]
	checkValidate(t, award("C-1", "L-1", va, 100), []validateCase{
		{"empty contract id", f(func(m *AwardContract) { m.ContractID = "" })},
		{"empty line id", f(func(m *AwardContract) { m.LineID = "" })},
		{"zero vendor", f(func(m *AwardContract) { m.Vendor = core.Address{} })},
		{"zero amount", f(func(m *AwardContract) { m.Amount = 0 })},
		{"negative amount", f(func(m *AwardContract) { m.Amount = -5 })},
		{"huge amount", f(func(m *AwardContract) { m.Amount = MaxAmount + 1 })},
		{"zero document", f(func(m *AwardContract) { m.DocumentHash = core.Hash{} })},
	})
}

func TestValidatePayInvoice(t *testing.T) {
	f := coretest.Mutate[PayInvoice]
	checkValidate(t, PayInvoice{ContractID: "C-1", InvoiceNumber: "I-1", Reference: "TRSY-1"}, []validateCase{
		{"empty contract id", f(func(m *PayInvoice) { m.ContractID = "" })},
		{"empty invoice number", f(func(m *PayInvoice) { m.InvoiceNumber = "" })},
		{"invoice number with space", f(func(m *PayInvoice) { m.InvoiceNumber = "I 1" })},
		{"no reference", f(func(m *PayInvoice) { m.Reference = "" })},
		{"long reference", f(func(m *PayInvoice) { m.Reference = strings.Repeat("x", MaxReferenceLen+1) })},
	})
}
