package legacy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/invoice"
	"github.com/govchain/govchain/legacy"
)

// creditNote is one credit note of the credit_notes column, crediting
// half a chair (of the 2 of the test rows' line) on date, as JSON.
func creditNote(number, date string) string {
	return fmt.Sprintf(`{"number":%q,"issued":%q,"reason":"goods returned","lines":"chairs|500|1500|750|2000|150","net_total":750,"tax_total":150,"gross_total":900,"document_sha256":%q}`,
		number, date, strings.Repeat("ef", 32))
}

// TestInvoicesCreditNotesRows: the credit_notes column is a JSON array in
// a CSV field or a JSON Lines value (a list, or a string holding it), put
// in canonical form (compact, keys in order, notes by date then number);
// rows that claim the same number of an issuer, as their own or as a
// credit note's, are all set aside as duplicates with the lines named,
// whatever the other rows do; malformed notes are bad fields and notes
// that credit more than the invoice are refused with the invoice
// module's code.
func TestInvoicesCreditNotesRows(t *testing.T) {
	head := strings.Join(legacy.Invoices.AllColumns(), ",") + "\n"
	a, b := strings.Repeat("0a", 20), strings.Repeat("0b", 20)
	doc := strings.Repeat("cd", 32)
	csvField := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	row := func(number, notes string) string {
		return a + "," + number + "," + b + ",2026-05-30,byn,\"chairs|2000|1500|3000|2000|600\",3000,600,3600," + doc + ",,,,," + csvField(notes) + "\n"
	}
	list := func(notes ...string) string { return "[" + strings.Join(notes, ", ") + "]" }
	dump := head +
		row("N-1", list(creditNote("N-2", "2026-06-01"))) + // claims N-2, which is row N-2's
		row("N-2", "") +
		row("N-3", list(creditNote("CN-X", "2026-06-01"))) + // CN-X twice
		row("N-4", list(creditNote("CN-X", "2026-06-02"))) +
		row("N-5", list(creditNote("CN-5b", "2026-06-03"), creditNote("CN-5a", "2026-06-03"), creditNote("CN-5c", "2026-06-01"))) +
		row("N-6", "[]") +
		row("N-7", `[{"number":"CN-7"}]`) +
		row("N-8", "not json") +
		row("N-9", strings.Replace(list(creditNote("CN-9", "2026-06-01")), `"net_total":750`, `"net_total":750.5`, 1)) +
		row("N-10", strings.Replace(list(creditNote("CN-10", "2026-06-01")), `"reason"`, `"motive"`, 1)) +
		row("N-11", list(creditNote("CN-11a", "2026-06-01"), creditNote("CN-11b", "2026-06-01"), creditNote("CN-11c", "2026-06-01"),
			creditNote("CN-11d", "2026-06-01"), creditNote("CN-11e", "2026-06-01"))) +
		row("N-12", list(creditNote("CN-12", "2026-05-01"))) +
		row("N-13", list(creditNote("CN-13", "2026-06-01")))
	d, err := legacy.Canonicalise(context.Background(), strings.NewReader(dump), legacy.Invoices, legacy.FormatCSV, nil)
	require.NoError(t, err)
	require.NoError(t, d.Settle(context.Background(), genesisTime, nil))

	base := a + ",N-%d," + b + ",2026-05-30,BYN,chairs|2000|1500|3000|2000|600,3000,600,3600," + doc + ",,,,,"
	canonical := func(notes ...string) string {
		var b bytes.Buffer
		require.NoError(t, json.Compact(&b, []byte(list(notes...))))
		return csvField(b.String())
	}
	var rows []string
	for _, r := range d.Rows {
		rows = append(rows, string(r))
	}
	require.Equal(t, []string{
		fmt.Sprintf(base, 13) + canonical(creditNote("CN-13", "2026-06-01")),
		fmt.Sprintf(base, 5) + canonical(creditNote("CN-5c", "2026-06-01"), creditNote("CN-5a", "2026-06-03"), creditNote("CN-5b", "2026-06-03")),
	}, rows)

	got := map[string]string{}
	results := map[string]uint32{}
	for _, r := range d.Rejects {
		got[r.ID[len(a)+1:]] = r.Code + " " + r.Reason
		results[r.ID[len(a)+1:]] = r.ResultCode
	}
	require.Equal(t, legacy.CodeDuplicate+" id "+a+"/N-2 is claimed on lines 2 (a credit note), 3", got["N-1"])
	require.Equal(t, got["N-1"], got["N-2"])
	require.Equal(t, legacy.CodeDuplicate+" id "+a+"/CN-X is claimed on lines 4 (a credit note), 5 (a credit note)", got["N-3"])
	require.Equal(t, got["N-3"], got["N-4"])
	for _, n := range []string{"N-6", "N-7", "N-8", "N-9", "N-10"} {
		require.True(t, strings.HasPrefix(got[n], legacy.CodeBadField+" credit_notes"), "%s: %s", n, got[n])
	}
	require.True(t, strings.HasPrefix(got["N-11"], legacy.CodeInvalid+" "), "two and a half chairs credited of two: %s", got["N-11"])
	require.Equal(t, invoice.ErrExceedsRemaining.Code(), results["N-11"])
	require.Contains(t, got["N-12"], "before the issue")
	require.Len(t, d.Rejects, 11)

	// JSON Lines: the list as a value or as a string holding it.
	obj := func(notes any) string {
		m := map[string]any{"issuer": a, "number": "N-5", "buyer": b, "issued": "2026-05-30", "currency": "BYN",
			"lines": "chairs|2000|1500|3000|2000|600", "net_total": "3000", "tax_total": "600", "gross_total": "3600",
			"document_sha256": doc, "credit_notes": notes}
		out, err := json.Marshal(m)
		require.NoError(t, err)
		return string(out) + "\n"
	}
	var value []any
	notes := list(creditNote("CN-5b", "2026-06-03"), creditNote("CN-5a", "2026-06-03"), creditNote("CN-5c", "2026-06-01"))
	require.NoError(t, json.Unmarshal([]byte(notes), &value))
	spaced := strings.Replace(obj(value), `"credit_notes":[`, `"credit_notes" :   [ `, 1)
	require.NotEqual(t, obj(value), spaced)
	for _, line := range []string{obj(value), obj(notes), spaced} {
		j, err := legacy.Canonicalise(context.Background(), strings.NewReader(line), legacy.Invoices, legacy.FormatJSONL, nil)
		require.NoError(t, err)
		require.Empty(t, j.Rejects, line)
		require.Equal(t, [][]byte{d.Rows[1]}, j.Rows, line)
	}
}

// TestPathAInvoicesCreditNotes: generated credit notes (CSV and JSON
// Lines alike) become, on both engines, credit notes of their own that
// reduce their invoices, counted in their own tax periods; a credit
// note's record matches the invoice row that lists it, at the import's
// height, and no other row; Index finds that row by the credit note's id.
func TestPathAInvoicesCreditNotes(t *testing.T) {
	dumps := t.TempDir()
	cfg := legacy.GenConfig{Rows: 150, Seed: 12, BadEvery: 50, LifeEvery: 2, CreditEvery: 3}
	var buf, jl bytes.Buffer
	require.NoError(t, legacy.Generate(&buf, legacy.Invoices, legacy.FormatCSV, cfg))
	require.NoError(t, legacy.Generate(&jl, legacy.Invoices, legacy.FormatJSONL, cfg))
	require.NoError(t, os.WriteFile(filepath.Join(dumps, "invoices.csv"), buf.Bytes(), 0o600))
	d, err := legacy.Canonicalise(context.Background(), bytes.NewReader(buf.Bytes()), legacy.Invoices, legacy.FormatCSV, nil)
	require.NoError(t, err)
	j, err := legacy.Canonicalise(context.Background(), &jl, legacy.Invoices, legacy.FormatJSONL, nil)
	require.NoError(t, err)
	require.Equal(t, d.Rows, j.Rows)
	require.NoError(t, d.Settle(context.Background(), genesisTime, nil))
	for _, r := range d.Rejects {
		require.NotEqual(t, legacy.CodeRefused, r.Code, "the generator's credit notes are all valid: %+v", r)
	}

	// The same dump without credit notes: every row is the same but for
	// its credit_notes field.
	var plain bytes.Buffer
	cfg.CreditEvery = 0
	require.NoError(t, legacy.Generate(&plain, legacy.Invoices, legacy.FormatCSV, cfg))
	p, err := legacy.Canonicalise(context.Background(), &plain, legacy.Invoices, legacy.FormatCSV, nil)
	require.NoError(t, err)
	require.NoError(t, p.Settle(context.Background(), genesisTime, nil))
	require.Len(t, p.Rows, len(d.Rows))
	for i := range d.Rows {
		with, err := legacy.Fields(d.Rows[i])
		require.NoError(t, err)
		without, err := legacy.Fields(p.Rows[i])
		require.NoError(t, err)
		if len(with) == 15 {
			with = with[:14]
			for len(with) > 10 && with[len(with)-1] == "" {
				with = with[:len(with)-1]
			}
		}
		require.Equal(t, without, with, "row %d", i)
	}

	gen := importGenesis(t, d.Ref("invoices.csv", importer))
	onBothEngines(t, dumps, gen, func(engine string, a *app.App) {
		notes := 0
		for i, row := range d.Rows {
			f, err := legacy.Fields(row)
			require.NoError(t, err)
			id := legacy.Invoices.RowID(row)
			if len(f) < 15 {
				continue
			}
			var cns []struct {
				Number string `json:"number"`
				Issued string `json:"issued"`
				Gross  int64  `json:"gross_total"`
			}
			require.NoError(t, json.Unmarshal([]byte(f[14]), &cns), id)
			r := a.Query("invoice/invoice/"+id, 0, false)
			require.NoError(t, r.Err, id)
			var inv invoice.Invoice
			require.NoError(t, json.Unmarshal(r.Value, &inv))
			require.Equal(t, invoice.StatusPartiallyCredited, inv.Status, id)
			var credited int64
			var numbers []string
			issuer, _, _ := strings.Cut(id, "/")
			for _, cn := range cns {
				notes++
				numbers = append(numbers, cn.Number)
				credited += cn.Gross
				cid := issuer + "/" + cn.Number
				cr := a.Query("invoice/invoice/"+cid, 0, false)
				require.NoError(t, cr.Err, cid)
				var got invoice.Invoice
				require.NoError(t, json.Unmarshal(cr.Value, &got))
				require.Equal(t, invoice.KindCreditNote, got.Kind, cid)
				require.Equal(t, inv.Number, got.Original, cid)
				require.Equal(t, inv.Buyer, got.Buyer, cid)
				require.Equal(t, cn.Issued, got.IssuedAt.Format(time.DateOnly), cid)
				require.Equal(t, cn.Issued[:7], got.TaxPeriod, cid)
				require.Equal(t, int64(app.ImportHeight), got.IssuedHeight, cid)

				require.NoError(t, legacy.Match("invoices", row, importer.String(), cr.Value), cid)
				require.Error(t, legacy.Match("invoices", d.Rows[(i+1)%len(d.Rows)], importer.String(), cr.Value), cid)
				require.Error(t, legacy.MatchAt("invoices", row, importer.String(), app.ImportHeight+1, cr.Value), cid)
				k, ok := d.Index(cid)
				require.True(t, ok, cid)
				require.Equal(t, i, k, cid)
			}
			require.Equal(t, numbers, inv.CreditNotes, id)
			require.Equal(t, credited, inv.CreditedGross, id)
			require.NoError(t, legacy.Match("invoices", row, importer.String(), r.Value), id)
		}
		require.Greater(t, notes, 40)
		_, ok := d.Index(strings.Repeat("0", 40) + "/CN-none")
		require.False(t, ok)
	})
}
