package legacy

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var csvSeeds = []string{
	"a,b,c", "", ",", "a,,b", " a,b", "\ta", `\.`, `a,"b,c",d`, `"a""b"`, "a\rb", "x\r", "é,ü", `a,b"c`,
	`"a",b`, `a,"b"`, `"a"x`, `"a""`, `"",""`, `a,"b""c",d`, `"a,`, ` "a"`, `"a" ,b`, `a,"b",`,
	"BY-01-00000007,62401134493:56:592:0007,23853,\"Baranovichi, Pobedy st. 167\",commercial plot",
	`"a""b""c",d`, `"""",x`, `"a""""b"`, `"a""b`, `x,"""a"""`, `"a""b"c`, `"a""b",`,
}

// FuzzSplitCSV: the fast path splits every line as encoding/csv does.
func FuzzSplitCSV(f *testing.F) {
	for _, s := range csvSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		fast, ferr := splitCSV([]byte(line))
		slow, serr := splitCSVSlow([]byte(line))
		require.Equal(t, serr != nil, ferr != nil, "line %q: errors %v, %v", line, ferr, serr)
		if serr == nil {
			require.Equal(t, slow, fast, "line %q", line)
		}
	})
}

// FuzzCanonicalRow: the fast path writes every record as encoding/csv does,
// and reading it back gives the fields.
func FuzzCanonicalRow(f *testing.F) {
	for _, s := range csvSeeds {
		f.Add(s, "x")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		fields := []string{a, b, "z"}
		slow, err := canonicalRowSlow(fields)
		require.NoError(t, err)
		require.Equal(t, string(slow), string(canonicalRow(fields)), "fields %q", fields)
	})
}

func TestCSVPathsAgreeOnSeeds(t *testing.T) {
	for _, s := range csvSeeds {
		fast, ferr := splitCSV([]byte(s))
		slow, serr := splitCSVSlow([]byte(s))
		require.Equal(t, serr != nil, ferr != nil, s)
		require.Equal(t, slow, fast, s)
		for _, fields := range [][]string{{s}, {s, s}, {"", s, ""}} {
			sr, err := canonicalRowSlow(fields)
			require.NoError(t, err)
			require.Equal(t, string(sr), string(canonicalRow(fields)), "%q", fields)
		}
	}
}

// canonicalRowSlow is encoding/csv's Writer on one record, its line end
// cut: the reference that canonicalRow must match.
func canonicalRowSlow(fields []string) ([]byte, error) {
	var b bytes.Buffer
	cw := csv.NewWriter(&b)
	if err := cw.Write(fields); err != nil {
		return nil, err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// FuzzCreditNotes: the credit_notes column's canonical form is a fixed
// point: what parses, written canonically, parses to the same notes and
// is written the same again, so a canonical row read back gives itself.
func FuzzCreditNotes(f *testing.F) {
	note := `{"number":"CN-1","issued":"2024-03-02","reason":"goods returned","lines":"chairs|1000|1500|1500|2000|300","net_total":1500,"tax_total":300,"gross_total":1800,"document_sha256":"` + strings.Repeat("Ab", 32) + `"}`
	for _, s := range []string{"", "[]", "[" + note + "]", "[" + note + "," + strings.Replace(note, "CN-1", " CN-0 ", 1) + "]",
		`[{"number":"x"}]`, strings.Replace("["+note+"]", "1500,", `"1500",`, 1), strings.Replace("["+note+"]", "2024-03-02", "2024-02-30", 1)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		notes, err := parseCreditNotes(s)
		if err != nil {
			return
		}
		canon := formatCreditNotes(notes)
		again, err := parseCreditNotes(canon)
		require.NoError(t, err, "%q from %q", canon, s)
		require.Equal(t, notes, again, "%q from %q", canon, s)
		require.Equal(t, canon, formatCreditNotes(again))
	})
}
