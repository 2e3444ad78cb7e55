package invoice

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/state"
)

// env is a chain of one-transaction blocks over a MemKV: each message runs
// Validate, then Exec on a state.Branch that is written only on success.
type env struct {
	*coretest.Env
}

func newEnv(t *testing.T) *env {
	return &env{Env: coretest.NewEnv(t)}
}

// doc reads a document through Query and checks the answer is the stored
// record.
func (e *env) doc(issuer core.Address, number string) Invoice {
	inv, ok := coretest.Lookup[Invoice](e.T, boundQuery, e.KV, []string{"invoice", issuer.String(), number},
		InvoiceKey(issuer, number), ErrInvoiceNotFound)
	require.True(e.T, ok, "invoice %s/%s", issuer, number)
	return inv
}

// history returns the actions of a document's history, via Query.
func (e *env) history(issuer core.Address, number string) []string {
	return coretest.Actions(coretest.History(e.T, boundQuery, e.KV, []string{"invoice", issuer.String(), number, "history"},
		func(seq uint64) []byte { return HistoryKey(issuer, number, seq) }))
}

// totals reads an issuer's totals for a period, or ok=false.
func (e *env) totals(issuer core.Address, period string) (Totals, bool) {
	return coretest.Lookup[Totals](e.T, boundQuery, e.KV, []string{"totals", issuer.String(), period},
		TotalsKey(issuer, period), ErrTotalsNotFound)
}

// buyerIndex returns every entry of a buyer's index, paging through it.
func (e *env) buyerIndex(a core.Address) (Buyer, []BuyerEntry) {
	var b Buyer
	var out []BuyerEntry
	for start := uint64(0); ; start += PageSize {
		path := []string{"buyer", a.String(), "invoices"}
		if start > 0 {
			path = append(path, core.Dec(int64(start)))
		}
		res, err := boundQuery(e.T, e.KV, path)
		require.NoError(e.T, err)
		require.Equal(e.T, BuyerKey(a), res.Entries[0].Key)
		require.NoError(e.T, json.Unmarshal(res.Value, &b))
		for i, kv := range res.Entries[1:] {
			var be BuyerEntry
			require.NoError(e.T, json.Unmarshal(kv.Value, &be))
			require.Equal(e.T, start+uint64(i), be.Seq)
			require.Equal(e.T, BuyerEntryKey(a, be.Seq), kv.Key)
			out = append(out, be)
		}
		if start+PageSize >= b.DocumentCount {
			require.Len(e.T, out, int(b.DocumentCount), "buyer index complete")
			return b, out
		}
	}
}

// attr returns every value of an attribute of the first invoice event.
func attr(t *testing.T, evs []core.Event, key string) []string {
	return coretest.Attrs(t, evs, 0, EventType, key)
}

// line builds a line with correctly computed amounts: qty in thousandths,
// price in minor units, rate in basis points.
func line(desc string, qty, price, rate int64) Line {
	net, ok := roundDiv(qty, price, QuantityScale)
	if !ok {
		panic("line too large")
	}
	tax, _ := roundDiv(net, rate, BasisPoints)
	return Line{Description: desc, Quantity: qty, UnitPrice: price, NetAmount: net, TaxRateBP: rate, TaxAmount: tax}
}

func sums(lines []Line) (net, tax int64) {
	for _, l := range lines {
		net += l.NetAmount
		tax += l.TaxAmount
	}
	return net, tax
}

// issue builds a valid invoice with correct totals.
func issue(number string, buyer core.Address, lines ...Line) IssueInvoice {
	net, tax := sums(lines)
	return IssueInvoice{Number: number, Buyer: buyer, Currency: "EUR", Lines: lines,
		NetTotal: net, TaxTotal: tax, GrossTotal: net + tax, DocumentHash: coretest.HashOf("invoice " + number)}
}

// credit builds a valid credit note with correct totals.
func credit(number, original string, lines ...Line) IssueCreditNote {
	net, tax := sums(lines)
	return IssueCreditNote{Number: number, OriginalNumber: original, Reason: "returned goods", Currency: "EUR",
		Lines: lines, NetTotal: net, TaxTotal: tax, GrossTotal: net + tax, DocumentHash: coretest.HashOf("credit note " + number)}
}

// cast holds the accounts of the tests.
type cast struct {
	shop, shop2, taxAuthority, alice, bob, employer, insurer core.Address
}

func newCast(e *env) cast {
	return cast{
		shop:         e.Account("shop", core.RoleBusiness),
		shop2:        e.Account("shop2", core.RoleBusiness),
		taxAuthority: e.Account("tax", core.RoleTaxAuthority),
		alice:        e.Account("alice"),
		bob:          e.Account("bob"),
		employer:     e.Account("employer", core.RoleBusiness),
		insurer:      e.Account("insurer", core.RoleInsurer),
	}
}

// boundQuery is Query, failing t unless PathKey names the key the answer
// (or its not-found) rests on, and names none for a path Query refuses,
// except a page start beyond the count of an anchor that exists. Every
// query the tests make goes through it, so PathKey cannot drift from
// Query.
func boundQuery(t testing.TB, r state.Reader, path []string) (*core.QueryResult, error) {
	t.Helper()
	res, err := Module.Query(r, path)
	if key, ok := Module.PathKey(path); ok && errors.Is(err, ErrUnknownQuery) {
		has, herr := r.Has(key)
		require.NoError(t, herr)
		require.True(t, has, "%q: refused (%v) before its anchor %x was read", path, err, key)
		return res, err
	}
	require.NoError(t, coretest.CheckPathKey(Module.PathKey, path, res, err))
	return res, err
}
