package legacy

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Reject codes: why a row was set aside. They are stable: files and tools
// compare them.
const (
	// CodeEncoding: the line is not UTF-8, not one CSV record, or not one
	// JSON object.
	CodeEncoding = "bad_encoding"
	// CodeColumns: a column is missing, or the row has too many.
	CodeColumns = "missing_column"
	// CodeBadField: a field does not parse (number, account, hash, list).
	CodeBadField = "bad_field"
	// CodeDuplicate: the row's id appears on more than one row; every such
	// row is set aside.
	CodeDuplicate = "duplicate_id"
	// CodeShares: owners' shares are not positive or do not sum to the
	// denominator.
	CodeShares = "shares_mismatch"
	// CodeAmounts: an invoice's line amounts or totals are not those its
	// quantities, prices and tax rates give.
	CodeAmounts = "amounts_mismatch"
	// CodeVIN: the VIN is not 17 valid characters or fails its check digit.
	CodeVIN = "invalid_vin"
	// CodeInvalid: the record fails its module's stateless check.
	CodeInvalid = "invalid_record"
	// CodeRefused: the module refuses the record against the rows before
	// it (a plate already taken); ResultCode says which refusal.
	CodeRefused = "refused"
)

// Reject is a row set aside: its line (from 1, the header being line 1),
// its id if one was read, a code, the module's result code when the
// module refused it, a reason and the line as read.
type Reject struct {
	Line       int
	ID         string
	Code       string
	ResultCode uint32
	Reason     string
	Raw        string
}

// Error implements error.
func (r *Reject) Error() string {
	return fmt.Sprintf("legacy: line %d: %s: %s", r.Line, r.Code, r.Reason)
}

// RejectsHeader is the header of the rejected rows' CSV.
var RejectsHeader = []string{"line", "id", "code", "result_code", "reason", "raw"}

// WriteRejects writes rejects as CSV with RejectsHeader; in the id and the
// raw line, bytes that are not UTF-8 are written as U+FFFD.
func WriteRejects(w io.Writer, rejects []Reject) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(RejectsHeader); err != nil {
		return err
	}
	for _, r := range rejects {
		if err := cw.Write([]string{strconv.Itoa(r.Line), strings.ToValidUTF8(r.ID, "\uFFFD"), r.Code,
			strconv.FormatUint(uint64(r.ResultCode), 10), r.Reason, strings.ToValidUTF8(r.Raw, "\uFFFD")}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// Format is how a dump is written: FormatCSV or FormatJSONL.
type Format string

// Dump formats.
const (
	FormatCSV   Format = "csv"
	FormatJSONL Format = "jsonl"
)

// FormatOf returns the format a file name's extension names.
func FormatOf(name string) (Format, error) {
	switch {
	case strings.HasSuffix(name, ".csv"):
		return FormatCSV, nil
	case strings.HasSuffix(name, ".jsonl"):
		return FormatJSONL, nil
	}
	return "", fmt.Errorf("legacy: %s: a dump's name ends in .csv or .jsonl", name)
}

// MaxLine is the longest line a dump may have, in bytes.
const MaxLine = 1 << 20

// Dump is a canonicalised legacy dump: the SHA-256 of its bytes as read,
// its canonical rows sorted by id (each the CSV encoding of the row's
// normalised fields, no line end), and the rows set aside, by line.
type Dump struct {
	Registry *Registry
	SHA256   [32]byte
	// Read is the number of data lines read (header and blank lines
	// excluded).
	Read    int
	Rows    [][]byte
	Rejects []Reject
	lines   []int // lines[i] is the line of Rows[i]
	leaves  [][]byte
}

// Progress is told, every few thousand lines and at the end, how many
// lines were read and how many rows were set aside so far.
type Progress func(read, rejected int)

// ProgressEvery is how many lines pass between two Progress calls.
const ProgressEvery = 10000

type entry struct {
	id   string
	row  []byte
	line int
	raw  string
	// claims are the ids the row claims beyond its own (Registry.claims).
	claims []string
}

// Canonicalise reads a dump of reg in format from r: a header line naming
// reg's columns (CSV) or one JSON object per line (JSON Lines). Rows that
// do not map to a valid record are set aside with a reason and never stop
// the read; an unreadable stream, a bad header or ctx's end does. progress
// may be nil. The rows are sorted on disk, in the system's temporary
// directory, when they do not fit a few hundred megabytes.
func Canonicalise(ctx context.Context, r io.Reader, reg *Registry, format Format, progress Progress) (*Dump, error) {
	s, err := scan(ctx, r, reg, format, "", true, progress)
	if err != nil {
		return nil, err
	}
	d := &Dump{Registry: reg, SHA256: s.sha, Read: s.read}
	if err := s.each(func(_ string, line int, row []byte) error {
		d.Rows = append(d.Rows, row)
		d.lines = append(d.lines, line)
		return nil
	}); err != nil {
		return nil, err
	}
	d.Rejects = s.rejects
	if progress != nil {
		progress(d.Read, len(d.Rejects))
	}
	return d, nil
}

// header maps reg's columns to their positions in a CSV header line (-1:
// an optional column the header leaves out).
func header(reg *Registry, text []byte) ([]int, error) {
	names, err := splitCSV(text)
	if err != nil {
		return nil, fmt.Errorf("legacy: header line: %w", err)
	}
	pos := map[string]int{}
	for i, n := range names {
		n = strings.TrimSpace(n)
		if _, dup := pos[n]; dup {
			return nil, fmt.Errorf("legacy: header names column %q twice", n)
		}
		pos[n] = i
	}
	all := reg.AllColumns()
	index := make([]int, len(all))
	for i, c := range all {
		p, ok := pos[c]
		if !ok && i >= len(reg.Columns) {
			index[i] = -1 // an optional column left out: empty
			continue
		}
		if !ok {
			return nil, fmt.Errorf("legacy: header lacks column %q (a %s dump has %s)", c, reg.Name, strings.Join(reg.Columns, ","))
		}
		index[i] = p
		delete(pos, c)
	}
	if len(pos) > 0 {
		extra := make([]string, 0, len(pos))
		for n := range pos {
			extra = append(extra, n)
		}
		slices.Sort(extra)
		return nil, fmt.Errorf("legacy: header has unknown columns %s", strings.Join(extra, ","))
	}
	return index, nil
}

// parseLine maps one data line to its entry: id and canonical row.
func parseLine(reg *Registry, format Format, index []int, text []byte) (entry, error) {
	if !utf8.Valid(text) {
		return entry{}, bad(CodeEncoding, "the line is not valid UTF-8")
	}
	all := reg.AllColumns()
	fields := make([]string, len(all))
	switch format {
	case FormatCSV:
		rec, err := splitCSV(text)
		if err != nil {
			return entry{}, bad(CodeEncoding, "not one CSV record: %v", err)
		}
		width := 0 // the header's columns
		for _, p := range index {
			if p >= 0 {
				width++
			}
		}
		if len(rec) != width {
			return entry{}, bad(CodeColumns, "%d fields, the header has %d", len(rec), width)
		}
		for i, p := range index {
			if p >= 0 {
				fields[i] = strings.TrimSpace(rec[p])
			}
		}
	default:
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(text, &obj); err != nil || obj == nil {
			return entry{}, bad(CodeEncoding, "not one JSON object")
		}
		for i, c := range all {
			raw, ok := obj[c]
			if !ok && i >= len(reg.Columns) {
				continue
			}
			if !ok {
				return entry{}, bad(CodeColumns, "no field %q", c)
			}
			var s string
			if len(raw) > 0 && raw[0] == '[' {
				// A list (an invoice's credit notes): its JSON text, which
				// the column's parser reads and writes canonically.
				fields[i] = string(raw)
				delete(obj, c)
				continue
			}
			if err := json.Unmarshal(raw, &s); err != nil {
				var n json.Number
				if err := json.Unmarshal(raw, &n); err != nil {
					return entry{}, bad(CodeBadField, "%s: neither a string nor a number", c)
				}
				s = n.String()
			}
			fields[i] = strings.TrimSpace(s)
			delete(obj, c)
		}
		for k := range obj {
			return entry{}, bad(CodeColumns, "unknown field %q", k)
		}
	}
	m, id, err := reg.parse(fields)
	if err != nil {
		rj := asReject(err, CodeBadField)
		rj.ID = id
		return entry{id: id}, rj
	}
	e := entry{id: id, row: canonicalRow(reg.canonicalFields(m))}
	if reg.claims != nil {
		e.claims = reg.claims(m)
	}
	return e, nil
}

// Fields decodes a canonical row into its fields.
func Fields(row []byte) ([]string, error) { return splitCSV(row) }

// Index is the position in d.Rows of the row whose id is id or, in a
// registry whose rows claim ids beyond their own, of the row that claims
// it (the invoice that lists credit note id); false if there is none.
func (d *Dump) Index(id string) (int, bool) {
	reg := d.Registry
	i := sort.Search(len(d.Rows), func(i int) bool { return reg.RowID(d.Rows[i]) >= id })
	if i < len(d.Rows) && reg.RowID(d.Rows[i]) == id {
		return i, true
	}
	if reg.claims == nil {
		return 0, false
	}
	for i, row := range d.Rows {
		if m, err := rowMsg(reg, row); err == nil && slices.Contains(reg.claims(m), id) {
			return i, true
		}
	}
	return 0, false
}

// Leaves returns the rows' leaf hashes, computed once.
func (d *Dump) Leaves() [][]byte {
	if d.leaves == nil {
		d.leaves = make([][]byte, len(d.Rows))
		for i, r := range d.Rows {
			d.leaves[i] = LeafHash(r)
		}
	}
	return d.leaves
}

// Root is the Merkle root over the canonical rows in order.
func (d *Dump) Root() []byte { return rootOfLeaves(d.Leaves()) }

// Prove returns the proof that row i (from 0) of the canonical rows is
// what it is, against Root.
func (d *Dump) Prove(i int) (*RowProof, error) {
	if i < 0 || i >= len(d.Rows) {
		return nil, fmt.Errorf("legacy: row %d is outside the dump's %d rows", i, len(d.Rows))
	}
	leaves := d.Leaves()
	p := &RowProof{Row: d.Rows[i]}
	p.Proof.Total, p.Proof.Index, p.Proof.LeafHash = int64(len(leaves)), int64(i), leaves[i]
	p.Proof.Aunts = aunts(leaves, i)
	return p, nil
}

// WriteCanonical writes the canonical dump: reg's header line, then each
// canonical row on its own line. The header names the optional columns
// that some row fills, and the rows that end before them are padded with
// empty fields to the header's width; read again, the file gives the same
// canonical rows.
func (d *Dump) WriteCanonical(w io.Writer) error {
	width := len(d.Registry.Columns)
	for _, r := range d.Rows {
		if f, err := Fields(r); err == nil {
			width = max(width, len(f))
		}
	}
	bw := bufio.NewWriter(w)
	bw.Write(canonicalRow(d.Registry.AllColumns()[:width]))
	bw.WriteByte('\n')
	for _, r := range d.Rows {
		bw.Write(r)
		if f, err := Fields(r); err == nil {
			for range width - len(f) {
				bw.WriteByte(',')
			}
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
