package legacy

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// One CSV codec for rows: encoding/csv, with a fast path for the common
// row that needs no quoting. csvline_test.go checks both paths agree.

// splitCSV parses one line as one CSV record. A line without a quote is
// split at its commas, as encoding/csv would.
func splitCSV(text []byte) ([]string, error) {
	if len(text) > 0 && bytes.IndexByte(text, '"') < 0 && bytes.IndexByte(text, '\r') < 0 && bytes.IndexByte(text, '\n') < 0 {
		return strings.Split(string(text), ","), nil
	}
	return splitCSVSlow(text)
}

func splitCSVSlow(text []byte) ([]string, error) {
	cr := csv.NewReader(bytes.NewReader(text))
	cr.FieldsPerRecord = -1
	rec, err := cr.Read()
	if err != nil {
		return nil, err
	}
	if _, err := cr.Read(); err != io.EOF {
		return nil, errors.New("more than one record on the line")
	}
	return rec, nil
}

// canonicalRow encodes fields as one CSV record without its line end,
// exactly as encoding/csv's Writer does.
func canonicalRow(fields []string) ([]byte, error) {
	n := len(fields)
	for _, f := range fields {
		if needsQuotes(f) {
			return canonicalRowSlow(fields)
		}
		n += len(f)
	}
	b := make([]byte, 0, n)
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, f...)
	}
	return b, nil
}

// needsQuotes is encoding/csv's rule for a field the Writer quotes: the
// separator, a quote or a line break anywhere, a leading space (any
// Unicode space), or the field `\.`.
func needsQuotes(f string) bool {
	if f == "" {
		return false
	}
	if f == `\.` || strings.ContainsAny(f, ",\"\r\n") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(f)
	return unicode.IsSpace(r)
}

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
