package legacy

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/merkle"
	"github.com/stretchr/testify/require"
)

func canon(t *testing.T, reg *Registry, format Format, cfg GenConfig) *Dump {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, Generate(&b, reg, format, cfg))
	d, err := Canonicalise(context.Background(), &b, reg, format, nil)
	require.NoError(t, err)
	require.NoError(t, d.Settle(context.Background(), genesisTime, nil))
	return d
}

var genesisTime = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func codes(d *Dump) map[string]int {
	out := map[string]int{}
	for _, r := range d.Rejects {
		out[r.Code]++
	}
	return out
}

func TestMalformedRowsAreSetAsideWithReasons(t *testing.T) {
	for _, format := range []Format{FormatCSV, FormatJSONL} {
		// 100 rows, every 5th bad: 20 faults, 4 of each kind; a duplicate
		// sets aside both rows of the id.
		d := canon(t, Parcels, format, GenConfig{Rows: 100, Seed: 7, BadEvery: 5})
		require.Equal(t, 100, d.Read, format)
		require.Equal(t, map[string]int{CodeEncoding: 4, CodeColumns: 4, CodeDuplicate: 8, CodeShares: 4, CodeBadField: 4}, codes(d), format)
		require.Len(t, d.Rows, 100-24, format)
		for _, r := range d.Rejects {
			require.NotEmpty(t, r.Reason)
			require.Positive(t, r.Line)
		}
		v := canon(t, Vehicles, format, GenConfig{Rows: 100, Seed: 7, BadEvery: 5})
		require.Equal(t, map[string]int{CodeEncoding: 4, CodeColumns: 4, CodeDuplicate: 8, CodeVIN: 4, CodeBadField: 4}, codes(v), format)
	}
}

func TestCSVAndJSONLinesGiveTheSameCanonicalRows(t *testing.T) {
	cfg := GenConfig{Rows: 200, Seed: 3}
	a := canon(t, Parcels, FormatCSV, cfg)
	b := canon(t, Parcels, FormatJSONL, cfg)
	require.Equal(t, a.Rows, b.Rows)
	require.Equal(t, a.Root(), b.Root())
	require.NotEqual(t, a.SHA256, b.SHA256)
}

func TestCanonicalRowsAreSortedNormalisedAndOrderFree(t *testing.T) {
	head := strings.Join(Parcels.Columns, ",") + "\n"
	doc := strings.Repeat("ab", 32)
	own := strings.Repeat("0A", 20)
	rowB := "P-2, ref-2 ,10,Minsk,,  " + strings.ToUpper(doc) + ",1," + own + ":1\n"
	rowA := "P-1,ref-1,20,Brest,plot," + doc + ",2," + own + ":1;" + strings.Repeat("01", 20) + ":1\n"
	d1, err := Canonicalise(context.Background(), strings.NewReader(head+rowB+rowA), Parcels, FormatCSV, nil)
	require.NoError(t, err)
	d2, err := Canonicalise(context.Background(), strings.NewReader(head+rowA+rowB), Parcels, FormatCSV, nil)
	require.NoError(t, err)
	require.Empty(t, d1.Rejects)
	require.Equal(t, d1.Rows, d2.Rows)
	require.Equal(t, d1.Root(), d2.Root())
	require.NotEqual(t, d1.SHA256, d2.SHA256)
	require.Equal(t, "P-1,ref-1,20,Brest,plot,"+doc+",2,"+strings.Repeat("01", 20)+":1;"+strings.Repeat("0a", 20)+":1", string(d1.Rows[0]))
	require.Equal(t, "P-2,ref-2,10,Minsk,,"+doc+",1,"+strings.Repeat("0a", 20)+":1", string(d1.Rows[1]))
}

func TestBadHeaderStopsTheRead(t *testing.T) {
	_, err := Canonicalise(context.Background(), strings.NewReader("parcel_id,area_m2\n"), Parcels, FormatCSV, nil)
	require.ErrorContains(t, err, `legacy: header lacks column "cadastral_ref"`)
	_, err = Canonicalise(context.Background(), strings.NewReader(""), Parcels, FormatCSV, nil)
	require.ErrorContains(t, err, "empty")
}

func TestSettleSetsAsideRowsTheModuleRefuses(t *testing.T) {
	head := strings.Join(Vehicles.Columns, ",") + "\n"
	own := strings.Repeat("0a", 20)
	rows := "WVWZZZ1JZXW000001,none,VW,Golf,2001,red,AB-1," + own + ",,100\n" +
		"WVWZZZ1JZXW000002,none,VW,Golf,2001,red,AB-1," + own + ",,100\n"
	d, err := Canonicalise(context.Background(), strings.NewReader(head+rows), Vehicles, FormatCSV, nil)
	require.NoError(t, err)
	require.Len(t, d.Rows, 2)
	require.NoError(t, d.Settle(context.Background(), genesisTime, nil))
	require.Len(t, d.Rows, 1)
	require.Len(t, d.Rejects, 1)
	require.Equal(t, CodeRefused, d.Rejects[0].Code)
	require.Equal(t, 3, d.Rejects[0].Line)
	require.NotZero(t, d.Rejects[0].ResultCode)
}

func TestRootAndProofsAreCometBFTs(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 8, 33} {
		d := canon(t, Parcels, FormatCSV, GenConfig{Rows: n, Seed: uint64(n)})
		require.Len(t, d.Rows, n)
		require.Equal(t, merkle.HashFromByteSlices(d.Rows), d.Root(), n)
		for i := range n {
			p, err := d.Prove(i)
			require.NoError(t, err)
			require.NoError(t, p.Verify(d.Root()))
			p.Row = append(bytes.Clone(p.Row), ' ')
			require.Error(t, p.Verify(d.Root()))
		}
	}
	d := canon(t, Parcels, FormatCSV, GenConfig{Rows: 4, Seed: 1})
	_, err := d.Prove(4)
	require.ErrorContains(t, err, "outside")
}

func TestGenerateIsDeterministic(t *testing.T) {
	var a, b, c bytes.Buffer
	require.NoError(t, Generate(&a, Vehicles, FormatCSV, GenConfig{Rows: 50, Seed: 9}))
	require.NoError(t, Generate(&b, Vehicles, FormatCSV, GenConfig{Rows: 50, Seed: 9}))
	require.NoError(t, Generate(&c, Vehicles, FormatCSV, GenConfig{Rows: 50, Seed: 10}))
	require.Equal(t, a.Bytes(), b.Bytes())
	require.NotEqual(t, a.Bytes(), c.Bytes())
}
