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

// TestInvoicesRows: malformed invoice rows are set aside with their codes
// (a gross total one unit off is amounts_mismatch with the invoice
// module's result code; a bad issue date is bad_field; an issuer who is the
// buyer, or an invoice issued after the genesis time, is refused by the
// module); CSV and JSON Lines give the same rows.
func TestInvoicesRows(t *testing.T) {
	var csvDump, jsonDump bytes.Buffer
	cfg := legacy.GenConfig{Rows: 100, Seed: 3, BadEvery: 5}
	require.NoError(t, legacy.Generate(&csvDump, legacy.Invoices, legacy.FormatCSV, cfg))
	require.NoError(t, legacy.Generate(&jsonDump, legacy.Invoices, legacy.FormatJSONL, cfg))
	c, err := legacy.Canonicalise(context.Background(), &csvDump, legacy.Invoices, legacy.FormatCSV, nil)
	require.NoError(t, err)
	j, err := legacy.Canonicalise(context.Background(), &jsonDump, legacy.Invoices, legacy.FormatJSONL, nil)
	require.NoError(t, err)
	require.Equal(t, c.Rows, j.Rows)
	codes := map[string]int{}
	for _, r := range c.Rejects {
		codes[r.Code]++
		if r.Code == legacy.CodeAmounts {
			require.Equal(t, invoice.ErrAmountMismatch.Code(), r.ResultCode)
			require.Contains(t, r.Reason, "gross_total")
		}
	}
	require.Equal(t, map[string]int{legacy.CodeEncoding: 4, legacy.CodeColumns: 4, legacy.CodeDuplicate: 8, legacy.CodeAmounts: 4, legacy.CodeBadField: 4}, codes)

	head := strings.Join(legacy.Invoices.Columns, ",") + "\n"
	a, b := strings.Repeat("0a", 20), strings.Repeat("0b", 20)
	doc := strings.Repeat("cd", 32)
	row := func(issuer, buyer, issued string) string {
		return issuer + ",N-1," + buyer + "," + issued + ",byn,\"chairs|2000|1500|3000|2000|600\",3000,600,3600," + doc + "\n"
	}
	d, err := legacy.Canonicalise(context.Background(), strings.NewReader(head+row(a, b, "2026-11-30")+row(b, a, "2026-12-02")+row(a, a, "2026-01-01")), legacy.Invoices, legacy.FormatCSV, nil)
	require.NoError(t, err)
	require.Len(t, d.Rejects, 1)
	require.Equal(t, legacy.CodeInvalid, d.Rejects[0].Code, d.Rejects[0].Reason)
	require.Equal(t, invoice.ErrBuyerIsIssuer.Code(), d.Rejects[0].ResultCode)
	require.NoError(t, d.Settle(context.Background(), genesisTime, nil))
	require.Len(t, d.Rows, 1)
	require.Equal(t, a+",N-1,"+b+",2026-11-30,BYN,chairs|2000|1500|3000|2000|600,3000,600,3600,"+doc, string(d.Rows[0]))
	require.Len(t, d.Rejects, 2)
	late := d.Rejects[0] // line 3
	require.Equal(t, legacy.CodeRefused, late.Code)
	require.Contains(t, late.Reason, "after the block time")
	require.Equal(t, b+"/N-1", late.ID)
}

// TestPathAInvoices: an invoices dump becomes, at InitChain on both
// engines, each invoice under its own issuer, in the tax period of its
// issue date, indexed for its buyer, with the issuers' totals; Match
// checks each record against its row.
func TestPathAInvoices(t *testing.T) {
	dumps := t.TempDir()
	var buf bytes.Buffer
	require.NoError(t, legacy.Generate(&buf, legacy.Invoices, legacy.FormatCSV, legacy.GenConfig{Rows: 150, Seed: 8, BadEvery: 30}))
	require.NoError(t, os.WriteFile(filepath.Join(dumps, "invoices.csv"), buf.Bytes(), 0o600))
	d, err := legacy.Canonicalise(context.Background(), bytes.NewReader(buf.Bytes()), legacy.Invoices, legacy.FormatCSV, nil)
	require.NoError(t, err)
	require.NoError(t, d.Settle(context.Background(), genesisTime, nil))
	require.NotEmpty(t, d.Rejects)
	gen := importGenesis(t, d.Ref("invoices.csv", importer))
	onBothEngines(t, dumps, gen, func(engine string, a *app.App) {
		gross := map[string]int64{} // issuer/period -> gross
		for i, row := range d.Rows {
			f, err := legacy.Fields(row)
			require.NoError(t, err)
			id := legacy.Invoices.RowID(row)
			require.Equal(t, f[0]+"/"+f[1], id)
			r := a.Query("invoice/invoice/"+id, 0, false)
			require.NoError(t, r.Err, id)
			var inv invoice.Invoice
			require.NoError(t, json.Unmarshal(r.Value, &inv))
			issued, err := time.Parse(time.DateOnly, f[3])
			require.NoError(t, err)
			require.Equal(t, f[0], inv.Issuer.String())
			require.Equal(t, f[2], inv.Buyer.String())
			require.Equal(t, issued.Format("2006-01"), inv.TaxPeriod)
			require.True(t, issued.Equal(inv.IssuedAt))
			require.Equal(t, int64(app.ImportHeight), inv.IssuedHeight)
			require.Equal(t, invoice.StatusIssued, inv.Status)
			require.NoError(t, legacy.Match("invoices", row, importer.String(), r.Value), id)
			// The record does not name the importer (its history does).
			require.NoError(t, legacy.Match("invoices", row, admin.String(), r.Value), id)
			other := d.Rows[(i+1)%len(d.Rows)]
			require.Error(t, legacy.Match("invoices", other, importer.String(), r.Value), id)
			gross[f[0]+"/"+inv.TaxPeriod] += inv.GrossTotal
		}
		for k, want := range gross {
			r := a.Query("invoice/totals/"+k, 0, false)
			require.NoError(t, r.Err, k)
			var tot invoice.Totals
			require.NoError(t, json.Unmarshal(r.Value, &tot))
			var got int64
			for _, c := range tot.Currencies {
				got += c.IssuedGross
			}
			require.Equal(t, want, got, k)
		}
	})
}

// TestInvoicesLife: the optional columns carry an invoice's
// acknowledgement and claim. A row without them keeps its ten canonical
// fields; one with them ends at its last non-empty field. A claim needs
// its date and claimant; dates before the issue, an overlong reference,
// or a date after the genesis time set the row aside with the invoice
// module's code.
func TestInvoicesLife(t *testing.T) {
	head := strings.Join(legacy.Invoices.AllColumns(), ",") + "\n"
	a, b, ins := strings.Repeat("0a", 20), strings.Repeat("0b", 20), strings.Repeat("1c", 20)
	doc := strings.Repeat("cd", 32)
	row := func(number, life string) string {
		return a + "," + number + "," + b + ",2026-05-30,byn,\"chairs|2000|1500|3000|2000|600\",3000,600,3600," + doc + "," + life + ",\n"
	}
	long := strings.Repeat("r", invoice.MaxReferenceLen+1)
	dump := head + row("N-1", ",,,") + row("N-2", "2026-06-02,,,") + row("N-3", ",2026-06-01,"+strings.ToUpper(ins)+",") +
		row("N-4", "2026-06-03,2026-06-01,"+ins+",EXP 7") + row("N-5", ",2026-06-01,,") + row("N-6", "2026-05-29,,,") +
		row("N-7", ",2026-06-01,"+ins+","+long) + row("N-8", "2026-12-02,,,") + row("N-9", "yesterday,,,") + row("N-10", ",2026-06-01,someone,")
	d, err := legacy.Canonicalise(context.Background(), strings.NewReader(dump), legacy.Invoices, legacy.FormatCSV, nil)
	require.NoError(t, err)
	require.NoError(t, d.Settle(context.Background(), genesisTime, nil))
	base := a + ",N-%d," + b + ",2026-05-30,BYN,chairs|2000|1500|3000|2000|600,3000,600,3600," + doc
	var rows []string
	for _, r := range d.Rows {
		rows = append(rows, string(r))
	}
	require.Equal(t, []string{
		fmt.Sprintf(base, 1),
		fmt.Sprintf(base, 2) + ",2026-06-02",
		fmt.Sprintf(base, 3) + ",,2026-06-01," + ins,
		fmt.Sprintf(base, 4) + ",2026-06-03,2026-06-01," + ins + ",EXP 7",
	}, rows)
	got := map[string]string{}
	for _, r := range d.Rejects {
		got[strings.TrimPrefix(r.ID, a+"/")] = fmt.Sprintf("%s %d", r.Code, r.ResultCode)
	}
	invalid := fmt.Sprintf("%s %d", legacy.CodeInvalid, invoice.ErrInvalidMessage.Code())
	require.Equal(t, map[string]string{
		"N-5":  legacy.CodeBadField + " 0",
		"N-6":  invalid,
		"N-7":  invalid,
		"N-8":  fmt.Sprintf("%s %d", legacy.CodeRefused, invoice.ErrInvalidMessage.Code()),
		"N-9":  legacy.CodeBadField + " 0",
		"N-10": legacy.CodeBadField + " 0",
	}, got)
}

// TestPathAInvoicesLife: a dump with acknowledgements and claims (CSV and
// JSON Lines alike) becomes, on both engines, invoices that carry them at
// their legacy dates, each record matching its row and no other.
func TestPathAInvoicesLife(t *testing.T) {
	dumps := t.TempDir()
	cfg := legacy.GenConfig{Rows: 120, Seed: 9, BadEvery: 40, LifeEvery: 2}
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
	gen := importGenesis(t, d.Ref("invoices.csv", importer))
	onBothEngines(t, dumps, gen, func(engine string, a *app.App) {
		acked, claimed := 0, 0
		for i, row := range d.Rows {
			f, err := legacy.Fields(row)
			require.NoError(t, err)
			f = append(f, make([]string, 14-len(f))...)
			id := legacy.Invoices.RowID(row)
			r := a.Query("invoice/invoice/"+id, 0, false)
			require.NoError(t, r.Err, id)
			var inv invoice.Invoice
			require.NoError(t, json.Unmarshal(r.Value, &inv))
			if f[10] == "" {
				require.Nil(t, inv.Acknowledgement, id)
			} else {
				acked++
				require.Equal(t, f[10], inv.Acknowledgement.Time.Format(time.DateOnly), id)
				require.Equal(t, inv.Buyer, inv.Acknowledgement.Buyer, id)
				require.Equal(t, int64(app.ImportHeight), inv.Acknowledgement.Height, id)
			}
			if f[11] == "" {
				require.Nil(t, inv.Claim, id)
			} else {
				claimed++
				require.Equal(t, f[11], inv.Claim.Time.Format(time.DateOnly), id)
				require.Equal(t, f[12], inv.Claim.Claimant.String(), id)
				require.Equal(t, f[13], inv.Claim.Reference, id)
				require.Equal(t, inv.GrossTotal, inv.Claim.Amount, id)
			}
			require.NoError(t, legacy.Match("invoices", row, importer.String(), r.Value), id)
			other := d.Rows[(i+1)%len(d.Rows)]
			require.Error(t, legacy.Match("invoices", other, importer.String(), r.Value), id)
		}
		require.Greater(t, acked, 10)
		require.Greater(t, claimed, 10)
	})
}
