package invoice

import (
	"encoding/json"
	"testing"

	"github.com/govchain/govchain/app/core/coretest"
	"github.com/stretchr/testify/require"
)

func TestQueries(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.OK(c.shop, issue("INV-1", c.alice, line("x", 1000, 100, 2000)))
	e.OK(c.shop, issue("INV-2", c.alice, line("y", 1000, 200, 2000)))
	e.OK(c.alice, AcknowledgeInvoice{Issuer: c.shop, Number: "INV-1"})

	// invoice/{issuer}/{number}: the exact stored bytes.
	coretest.RequireStored(t, boundQuery, e.KV, []string{"invoice", c.shop.String(), "INV-1"}, InvoiceKey(c.shop, "INV-1"))

	// History: anchor then history_count entries.
	require.Equal(t, []string{"issue_invoice", "acknowledge_invoice"}, e.history(c.shop, "INV-1"))

	// Buyer index: anchor then entries, exact bytes.
	res, err := boundQuery(t, e.KV, []string{"buyer", c.alice.String(), "invoices"})
	require.NoError(t, err)
	require.Equal(t, BuyerKey(c.alice), res.Key)
	require.Equal(t, res.Key, res.Entries[0].Key)
	require.Equal(t, res.Value, res.Entries[0].Value)
	require.Len(t, res.Entries, 3)
	for i, kv := range res.Entries[1:] {
		require.Equal(t, BuyerEntryKey(c.alice, uint64(i)), kv.Key)
		stored, _ := e.KV.Get(kv.Key)
		require.Equal(t, stored, kv.Value)
	}
	res, err = boundQuery(t, e.KV, []string{"buyer", c.alice.String(), "invoices", "1"})
	require.NoError(t, err)
	require.Len(t, res.Entries, 2)
	require.Equal(t, BuyerEntryKey(c.alice, 1), res.Entries[1].Key)

	// Totals and their entries.
	res, err = boundQuery(t, e.KV, []string{"totals", c.shop.String(), "2026-01"})
	require.NoError(t, err)
	require.Equal(t, TotalsKey(c.shop, "2026-01"), res.Key)
	var tot Totals
	require.NoError(t, json.Unmarshal(res.Value, &tot))
	require.Equal(t, int64(360), tot.Currencies[0].IssuedGross)
	res, err = boundQuery(t, e.KV, []string{"totals", c.shop.String(), "2026-01", "entries"})
	require.NoError(t, err)
	require.Len(t, res.Entries, 3)
	require.Equal(t, TotalsEntryKey(c.shop, "2026-01", 1), res.Entries[2].Key)

	// Not found: the key whose absence proves it.
	for _, q := range []struct {
		path []string
		key  []byte
		err  error
	}{
		{[]string{"invoice", c.shop.String(), "NOPE"}, InvoiceKey(c.shop, "NOPE"), ErrInvoiceNotFound},
		{[]string{"invoice", c.bob.String(), "INV-1"}, InvoiceKey(c.bob, "INV-1"), ErrInvoiceNotFound},
		{[]string{"invoice", c.shop.String(), "NOPE", "history"}, InvoiceKey(c.shop, "NOPE"), ErrInvoiceNotFound},
		{[]string{"buyer", c.bob.String(), "invoices"}, BuyerKey(c.bob), ErrBuyerNotFound},
		{[]string{"buyer", c.bob.String(), "invoices", "0"}, BuyerKey(c.bob), ErrBuyerNotFound},
		{[]string{"totals", c.shop.String(), "2026-02"}, TotalsKey(c.shop, "2026-02"), ErrTotalsNotFound},
		{[]string{"totals", c.bob.String(), "2026-01", "entries"}, TotalsKey(c.bob, "2026-01"), ErrTotalsNotFound},
	} {
		coretest.RequireNotFound(t, boundQuery, e.KV, q.path, q.key, q.err)
	}

	// Unknown paths and malformed segments are invalid.
	shop := c.shop.String()
	coretest.RequireMalformed(t, boundQuery, e.KV, ErrUnknownQuery, [][]string{
		nil, {}, {"invoice"}, {"invoice", shop}, {"invoice", "xyz", "INV-1"}, {"invoice", "AB" + shop[2:], "INV-1"},
		{"invoice", shop, "a b"}, {"invoice", shop, "INV-1", "lines"}, {"invoice", shop, "INV-1", "history", "0"},
		{"buyer", shop}, {"buyer", shop, "invoices", "x"}, {"buyer", shop, "invoices", "01"}, {"buyer", shop, "invoices", "-1"},
		{"buyer", c.alice.String(), "invoices", "3"}, {"buyer", shop, "invoices", "0", "1"},
		{"totals", shop}, {"totals", shop, "2026-1"}, {"totals", shop, "2026-13"}, {"totals", shop, "26-01"},
		{"totals", shop, "2026-01", "history"}, {"totals", shop, "2026-01", "entries", "3"},
		{"totals", shop, "2026-01", "entries", "0", "1"}, {"land", "parcel", "P-1"},
	})
}
