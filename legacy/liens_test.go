package legacy

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
)

// parcelsWith canonicalises a parcels CSV of rows under head.
func parcelsWith(t *testing.T, head string, rows ...string) *Dump {
	t.Helper()
	d, err := Canonicalise(context.Background(), strings.NewReader(head+"\n"+strings.Join(rows, "\n")+"\n"), Parcels, FormatCSV, nil)
	require.NoError(t, err)
	return d
}

func TestLiensColumn(t *testing.T) {
	doc := strings.Repeat("ab", 32)
	own := strings.Repeat("0a", 20)
	bankA, bankB := strings.Repeat("0b", 20), strings.Repeat("0c", 20)
	plain := "P-1,ref-1,20,Brest,plot," + doc + ",1," + own + ":1"
	head := strings.Join(Parcels.Columns, ",")

	// Without the column, or with it empty: the rows and the root are
	// those of a dump made before liens existed.
	before := parcelsWith(t, head, plain)
	empty := parcelsWith(t, head+",liens", plain+",")
	require.Empty(t, empty.Rejects)
	require.Equal(t, before.Rows, empty.Rows)
	require.Equal(t, before.Root(), empty.Root())
	require.Equal(t, plain, string(before.Rows[0]))

	// Liens are normalised and sorted by date, lender and amount.
	d := parcelsWith(t, "liens,"+head,
		`" `+strings.ToUpper(bankB)+`:500:byn:2019-03-04 ; `+bankA+`:700:BYN:2019-03-04;`+bankA+`:100:EUR:2001-12-31",`+plain)
	require.Empty(t, d.Rejects)
	want := plain + "," + bankA + ":100:EUR:2001-12-31;" + bankA + ":700:BYN:2019-03-04;" + bankB + ":500:BYN:2019-03-04"
	require.Equal(t, want, string(d.Rows[0]))
	m, err := Parcels.Msg(mustFields(t, d.Rows[0]))
	require.NoError(t, err)
	pl := m.(parcelWithLiens)
	require.Len(t, pl.Liens, 3)
	require.Equal(t, land.ImportedLien{Bank: mustAddr(t, bankA), Amount: 100, Currency: "EUR", Reference: "registered 2001-12-31",
		DocumentHash: pl.DocumentHash}, pl.Liens[0])

	// JSON Lines give the same row.
	j, err := Canonicalise(context.Background(), strings.NewReader(`{"parcel_id":"P-1","cadastral_ref":"ref-1","area_m2":20,"location":"Brest","description":"plot","document_sha256":"`+doc+`","denominator":"1","owners":"`+own+`:1","liens":"`+bankB+`:500:BYN:2019-03-04;`+bankA+`:100:EUR:2001-12-31;`+bankA+`:700:BYN:2019-03-04"}`+"\n"), Parcels, FormatJSONL, nil)
	require.NoError(t, err)
	require.Equal(t, d.Rows, j.Rows)

	// A bad lien sets its row aside with a reason and a code.
	for liens, tc := range map[string]struct {
		code, reason string
		result       uint32
	}{
		"nobody:5:BYN:2020-01-01":                                  {code: CodeBadField, reason: "is not an account"},
		bankA + ":5:BYN":                                           {code: CodeBadField, reason: "is not lender:amount:currency:registered"},
		bankA + ":five:BYN:2020-01-01":                             {code: CodeBadField, reason: "is not a whole number"},
		bankA + ":5:BYN:2020-13-01":                                {code: CodeBadField, reason: "is not a date"},
		bankA + ":0:BYN:2020-01-01":                                {code: CodeInvalid, reason: "amount must be positive", result: land.ErrInvalidMessage.Code()},
		bankA + ":5:RUBLES:2020-01-01":                             {code: CodeInvalid, reason: "currency", result: land.ErrInvalidMessage.Code()},
		strings.Repeat("00", 20) + ":5:BYN:2020-01-01":             {code: CodeInvalid, reason: "bank is required", result: land.ErrInvalidMessage.Code()},
		bankA + ":5:BYN:2020-01-01;" + bankA + ":5:byn:2020-01-01": {code: CodeBadField, reason: "listed twice"},
	} {
		bad := parcelsWith(t, head+",liens", plain+`,"`+liens+`"`)
		require.Empty(t, bad.Rows, liens)
		require.Len(t, bad.Rejects, 1, liens)
		r := bad.Rejects[0]
		require.Equal(t, tc.code, r.Code, liens)
		require.Contains(t, r.Reason, tc.reason, liens)
		require.Equal(t, tc.result, r.ResultCode, liens)
		require.Equal(t, "P-1", r.ID, liens)
	}
	var many []string
	for i := range MaxLiens + 1 {
		many = append(many, fmt.Sprintf("%s:5:BYN:2020-01-%02d", bankA, 10+i))
	}
	tooMany := parcelsWith(t, head+",liens", plain+`,"`+strings.Join(many, ";")+`"`)
	require.Len(t, tooMany.Rejects, 1)
	require.Contains(t, tooMany.Rejects[0].Reason, "17 liens, at most 16")

	// The canonical dump names the column once a row fills it, and reads
	// back to the same rows.
	both := parcelsWith(t, head+",liens", plain+",", strings.Replace(plain, "P-1", "P-2", 1)+","+bankA+":5:BYN:2020-01-01")
	var out strings.Builder
	require.NoError(t, both.WriteCanonical(&out))
	require.True(t, strings.HasPrefix(out.String(), head+",liens\n"+plain+",\n"), out.String())
	again, err := Canonicalise(context.Background(), strings.NewReader(out.String()), Parcels, FormatCSV, nil)
	require.NoError(t, err)
	require.Equal(t, both.Rows, again.Rows)
}

func mustFields(t *testing.T, row []byte) []string {
	t.Helper()
	f, err := Fields(row)
	require.NoError(t, err)
	return f
}

func mustAddr(t *testing.T, s string) core.Address {
	t.Helper()
	a, err := core.ParseAddress(s)
	require.NoError(t, err)
	return a
}
