package invoice

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/state"
)

// t0 is the block time of height 0 in coretest.Context (period 2026-01).
var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func hashOf(s string) core.Hash { return sha256.Sum256([]byte(s)) }

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
	res, err := boundQuery(e.T, e.KV, []string{"invoice", issuer.String(), number})
	require.NoError(e.T, err)
	require.Equal(e.T, InvoiceKey(issuer, number), res.Key)
	var inv Invoice
	require.NoError(e.T, json.Unmarshal(res.Value, &inv))
	return inv
}

// history returns the actions of a document's history, via Query.
func (e *env) history(issuer core.Address, number string) []string {
	res, err := boundQuery(e.T, e.KV, []string{"invoice", issuer.String(), number, "history"})
	require.NoError(e.T, err)
	var inv Invoice
	require.NoError(e.T, json.Unmarshal(res.Entries[0].Value, &inv))
	require.Len(e.T, res.Entries, int(inv.HistoryCount)+1)
	var actions []string
	for i, kv := range res.Entries[1:] {
		var h core.HistoryEntry
		require.NoError(e.T, json.Unmarshal(kv.Value, &h))
		require.Equal(e.T, uint64(i), h.Seq)
		require.Equal(e.T, HistoryKey(issuer, number, uint64(i)), kv.Key)
		actions = append(actions, h.Action)
	}
	return actions
}

// totals reads an issuer's totals for a period, or ok=false.
func (e *env) totals(issuer core.Address, period string) (Totals, bool) {
	res, err := boundQuery(e.T, e.KV, []string{"totals", issuer.String(), period})
	var nf *core.NotFound
	if errors.As(err, &nf) {
		require.ErrorIs(e.T, err, ErrTotalsNotFound)
		require.Equal(e.T, TotalsKey(issuer, period), nf.Key)
		return Totals{}, false
	}
	require.NoError(e.T, err)
	var t Totals
	require.NoError(e.T, json.Unmarshal(res.Value, &t))
	return t, true
}

// buyerIndex returns every entry of a buyer's index, paging through it.
func (e *env) buyerIndex(a core.Address) (Buyer, []BuyerEntry) {
	var b Buyer
	var out []BuyerEntry
	for start := uint64(0); ; start += PageSize {
		path := []string{"buyer", a.String(), "invoices"}
		if start > 0 {
			path = append(path, itoa(int64(start)))
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
	require.NotEmpty(t, evs)
	require.Equal(t, EventType, evs[0].Type)
	var vals []string
	for _, a := range evs[0].Attrs {
		require.True(t, a.Index)
		if a.Key == key {
			vals = append(vals, a.Value)
		}
	}
	return vals
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
		NetTotal: net, TaxTotal: tax, GrossTotal: net + tax, DocumentHash: hashOf("invoice " + number)}
}

// credit builds a valid credit note with correct totals.
func credit(number, original string, lines ...Line) IssueCreditNote {
	net, tax := sums(lines)
	return IssueCreditNote{Number: number, OriginalNumber: original, Reason: "returned goods", Currency: "EUR",
		Lines: lines, NetTotal: net, TaxTotal: tax, GrossTotal: net + tax, DocumentHash: hashOf("credit note " + number)}
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
