package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/invoice"
	"github.com/govchain/govchain/app/spending"
	"github.com/govchain/govchain/state"
)

// newSpendingChain is a test chain whose genesis also makes "employer" a
// tax authority of finance, which keeps the business register.
func newSpendingChain(t testing.TB, engine string) *testChain {
	return newTestChainWith(t, engine, t.TempDir(), func(c *testChain, g *Genesis) {
		g.RolePolicy = append(g.RolePolicy, core.RolePolicy{Role: core.RoleTaxAuthority, Agencies: []string{"finance"}})
		g.Roles = append(g.Roles, GenesisRole{Account: c.addr("employer"), Role: core.RoleTaxAuthority, Agency: "finance"})
	})
}

// spendingInvoice is an invoice of gross (no tax) addressed to buyer.
func spendingInvoice(number string, buyer core.Address, gross int64) invoice.IssueInvoice {
	l := invoice.Line{Description: "works", Quantity: 1000, UnitPrice: gross, NetAmount: gross}
	return invoice.IssueInvoice{Number: number, Buyer: buyer, Currency: "EUR", Lines: []invoice.Line{l},
		NetTotal: gross, GrossTotal: gross, DocumentHash: docHash("invoice " + number)}
}

// runSpending drives c through the spending workload: the shop registered
// as an organisation, two budget lines of justice approved by finance,
// contracts against them (one refused beyond the allocation), the shop's
// invoices paid (one refused as paid twice, one beyond its contract). It
// returns the workload's app hashes, one per block.
func runSpending(c *testChain) []string {
	c.t.Helper()
	from := len(c.hashes)
	justice := c.addr("admin-justice")
	requireOK(c, c.block(c.sign("employer", identity.RegisterOrg{OrgID: "ORG-SHOP", Name: "Shop SRL",
		DocumentHash: docHash("shop statutes"), Accounts: []core.Address{c.addr("shop")}})))
	requireOK(c, c.block(
		c.sign("admin-finance", spending.ApproveBudgetLine{LineID: "JUS-2027-IT", Agency: "justice", Year: 2027,
			Description: "court IT systems", Allocation: 1_000_000, Currency: "EUR"}),
		c.sign("admin-finance", spending.ApproveBudgetLine{LineID: "JUS-2027-BLD", Agency: "justice", Year: 2027,
			Description: "court buildings", Allocation: 300_000, Currency: "EUR"}),
	))
	requireOK(c, c.block(
		c.sign("admin-justice", spending.AwardContract{ContractID: "JUS-C-1", LineID: "JUS-2027-IT", Vendor: c.addr("shop"),
			Amount: 600_000, DocumentHash: docHash("contract 1")}),
		c.sign("admin-justice", spending.AwardContract{ContractID: "JUS-C-2", LineID: "JUS-2027-BLD", Vendor: c.addr("shop"),
			Amount: 300_000, DocumentHash: docHash("contract 2")}),
	))
	require.ErrorIs(c.t, c.exec("admin-justice", spending.AwardContract{ContractID: "JUS-C-3", LineID: "JUS-2027-IT",
		Vendor: c.addr("shop"), Amount: 400_001, DocumentHash: docHash("contract 3")}), spending.ErrAllocationExceeded)
	requireOK(c, c.block(
		c.sign("shop", spendingInvoice("SH-1", justice, 250_000)),
		c.sign("shop", spendingInvoice("SH-2", justice, 350_000)),
		c.sign("shop", spendingInvoice("SH-3", justice, 1)),
	))
	requireOK(c, c.block(
		c.sign("admin-justice", spending.PayInvoice{ContractID: "JUS-C-1", InvoiceNumber: "SH-1", Reference: "TRSY-1"}),
		c.sign("admin-justice", spending.PayInvoice{ContractID: "JUS-C-1", InvoiceNumber: "SH-2", Reference: "TRSY-2"}),
	))
	require.ErrorIs(c.t, c.exec("admin-justice", spending.PayInvoice{ContractID: "JUS-C-2", InvoiceNumber: "SH-1", Reference: "TRSY-3"}),
		spending.ErrInvoicePaid)
	require.ErrorIs(c.t, c.exec("admin-justice", spending.PayInvoice{ContractID: "JUS-C-1", InvoiceNumber: "SH-3", Reference: "TRSY-4"}),
		spending.ErrContractExceeded)
	return c.hashes[from:]
}

// TestSpendingDeterminismAcrossEngines runs the spending workload on a
// fresh store of each engine and requires the same app hash at every
// height, and the hashes to equal the golden ones in testdata (go test
// -update rewrites them).
func TestSpendingDeterminismAcrossEngines(t *testing.T) {
	var runs [][]string
	for _, engine := range []string{state.EngineMemIAVL, state.EngineIAVL} {
		runs = append(runs, runSpending(newSpendingChain(t, engine)))
	}
	require.Equal(t, runs[0], runs[1], "the engines' app hashes differ")
	golden := filepath.Join("testdata", "golden_apphash_spending.txt")
	got := strings.Join(runs[0], "\n") + "\n"
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./app -run SpendingDeterminism -update to create it")
	require.Equal(t, string(want), got, "app hashes changed: if the state layout changed on purpose, run with -update")
}

// TestSpendingThroughApp checks the workload's totals with proven queries:
// per line, per agency and year, per vendor and year.
func TestSpendingThroughApp(t *testing.T) {
	c := newSpendingChain(t, state.EngineMemIAVL)
	runSpending(c)
	var l spending.BudgetLine
	q := c.query("/spending/line/JUS-2027-IT")
	require.NoError(t, q.Err)
	require.NoError(t, core.StrictUnmarshal(q.Value, &l))
	require.Equal(t, []int64{1_000_000, 600_000, 600_000}, []int64{l.Allocated, l.Committed, l.Paid})
	var tot spending.Totals
	q = c.query("/spending/agency/justice/2027/EUR")
	require.NoError(t, q.Err)
	require.NoError(t, core.StrictUnmarshal(q.Value, &tot))
	require.Equal(t, spending.Totals{Owner: "justice", Year: 2027, Currency: "EUR", Allocated: 1_300_000, Committed: 900_000,
		Paid: 600_000, Lines: 2, Contracts: 2, Payments: 2}, tot)
	q = c.query("/spending/vendor/" + c.addr("shop").String() + "/2027/EUR")
	require.NoError(t, q.Err)
	require.NoError(t, core.StrictUnmarshal(q.Value, &tot))
	require.Equal(t, int64(600_000), tot.Paid)
	q = c.query("/spending/payment/" + c.addr("shop").String() + "/SH-3")
	require.ErrorIs(t, q.Err, spending.ErrPaymentNotFound)
	require.Len(t, q.Proofs, 1, "an unpaid invoice is proven unpaid")
}
