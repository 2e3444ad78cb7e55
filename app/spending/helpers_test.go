package spending

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/invoice"
	"github.com/govchain/govchain/state"
)

// env is a chain of one-transaction blocks over a MemKV (coretest.Env).
type env struct {
	*coretest.Env
}

func newEnv(t *testing.T) *env { return &env{Env: coretest.NewEnv(t)} }

func (e *env) line(id string) BudgetLine   { return coretest.Read(e.T, getLine, e.KV, id) }
func (e *env) contract(id string) Contract { return coretest.Read(e.T, getContract, e.KV, id) }

// totals reads totals under key; ok is false if there are none.
func (e *env) totals(key []byte) Totals {
	e.T.Helper()
	var t Totals
	found, err := core.GetJSON(e.KV, key, &t)
	require.NoError(e.T, err)
	require.True(e.T, found, "totals %x", key)
	return t
}

// cast holds the accounts of the tests: fin administers the finance
// ministry, works the interior ministry (which owns the lines), other
// the transport ministry; acme and build are registered organisations
// with the business role; alice is a person with the business role.
type cast struct {
	fin, works, other, acme, build, alice core.Address
}

func newCast(e *env) cast {
	c := cast{
		fin: e.Account("fin"), works: e.Account("works"), other: e.Account("other"),
		acme:  e.Account("acme", core.RoleBusiness),
		build: e.Account("build", core.RoleBusiness),
		alice: e.Account("alice", core.RoleBusiness),
	}
	for id, admin := range map[string]core.Address{"finance": c.fin, "interior": c.works, "transport": c.other} {
		e.agency(id, admin)
	}
	e.link(c.acme, identity.OwnerOrg, "ORG-ACME")
	e.link(c.build, identity.OwnerOrg, "ORG-BUILD")
	e.link(c.alice, identity.OwnerPerson, "PSN-ALICE")
	return c
}

// agency writes agency id with admin directly, as genesis does.
func (e *env) agency(id string, admin core.Address) {
	require.NoError(e.T, core.SetJSON(e.KV, core.AgencyKey(id), core.Agency{ID: id, Name: id, Admins: []core.Address{admin}}))
	require.NoError(e.T, e.KV.Set(core.AgencyAdminKey(admin), []byte(id)))
}

// link links a to a person or organisation directly.
func (e *env) link(a core.Address, kind, owner string) {
	require.NoError(e.T, core.SetJSON(e.KV, identity.AccountLinkKey(a), identity.AccountLink{Account: a, OwnerKind: kind, OwnerID: owner}))
}

func approve(id, agency string, allocation int64) ApproveBudgetLine {
	return ApproveBudgetLine{LineID: id, Agency: agency, Year: 2027, Description: "road maintenance", Allocation: allocation, Currency: "EUR"}
}

func award(id, line string, vendor core.Address, amount int64) AwardContract {
	return AwardContract{ContractID: id, LineID: line, Vendor: vendor, Amount: amount, DocumentHash: coretest.HashOf("contract " + id)}
}

// bill is an invoice of gross (no tax) from its issuer to buyer.
func bill(number string, buyer core.Address, gross int64, currency string) invoice.IssueInvoice {
	l := invoice.Line{Description: "works", Quantity: 1000, UnitPrice: gross, NetAmount: gross}
	return invoice.IssueInvoice{Number: number, Buyer: buyer, Currency: currency, Lines: []invoice.Line{l},
		NetTotal: gross, GrossTotal: gross, DocumentHash: coretest.HashOf("invoice " + number)}
}

// boundQuery is coretest.BoundQuery on this module.
func boundQuery(t testing.TB, r state.Reader, path []string) (*core.QueryResult, error) {
	t.Helper()
	return coretest.BoundQuery(t, Module, r, path)
}

// history returns the actions of a line's history, via Query.
func (e *env) history(id string) []string {
	return coretest.Actions(coretest.History(e.T, boundQuery, e.KV, []string{"line", id, "history"},
		func(seq uint64) []byte { return HistoryKey(id, seq) }))
}
