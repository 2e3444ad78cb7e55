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
	if len(text) > 0 && bytes.IndexByte(text, '\r') < 0 && bytes.IndexByte(text, '\n') < 0 {
		if bytes.IndexByte(text, '"') < 0 {
			return strings.Split(string(text), ","), nil
		}
		if f, ok := splitQuoted(text); ok {
			return f, nil
		}
	}
	return splitCSVSlow(text)
}

// splitQuoted splits a one-line record whose quoted fields are well formed
// (each opens at the field's start and closes before a comma or the end,
// quotes inside doubled), as encoding/csv does; ok is false for any other
// line, which encoding/csv then reads (or refuses) itself. The fields are
// substrings of one copy of text, but for a quoted field with doubled
// quotes, which is a string of its own.
func splitQuoted(text []byte) (fields []string, ok bool) {
	line := string(text)
	fields = make([]string, 0, strings.Count(line, ",")+1)
	i := 0
	for {
		if i < len(line) && line[i] == '"' {
			j := i + 1
			k := strings.IndexByte(line[j:], '"')
			if k < 0 {
				return nil, false
			}
			f := line[j : j+k]
			j += k + 1
			if j < len(line) && line[j] == '"' { // doubled quotes: unquote
				b := []byte(f)
				for j < len(line) && line[j] == '"' {
					b = append(b, '"')
					k := strings.IndexByte(line[j+1:], '"')
					if k < 0 {
						return nil, false
					}
					b = append(b, line[j+1:j+1+k]...)
					j += k + 2
				}
				f = string(b)
			}
			fields = append(fields, f)
			switch {
			case j == len(line):
				return fields, true
			case line[j] != ',':
				return nil, false
			}
			i = j + 1
			continue
		}
		k := strings.IndexByte(line[i:], ',')
		f := line[i:]
		if k >= 0 {
			f = line[i : i+k]
		}
		if strings.IndexByte(f, '"') >= 0 {
			return nil, false
		}
		fields = append(fields, f)
		if k < 0 {
			return fields, true
		}
		i += k + 1
	}
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
// exactly as encoding/csv's Writer does (with its defaults): a field that
// needs quotes (needsQuotes) is written between quotes with each quote
// doubled, every other field as it is.
func canonicalRow(fields []string) []byte {
	n := len(fields)
	for _, f := range fields {
		n += len(f) + 2
	}
	b := make([]byte, 0, n)
	for i, f := range fields {
		if i > 0 {
			b = append(b, ',')
		}
		if !needsQuotes(f) {
			b = append(b, f...)
			continue
		}
		b = append(b, '"')
		for {
			j := strings.IndexByte(f, '"')
			if j < 0 {
				break
			}
			b = append(b, f[:j+1]...)
			b = append(b, '"')
			f = f[j+1:]
		}
		b = append(b, f...)
		b = append(b, '"')
	}
	return b
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
