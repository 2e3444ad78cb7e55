package datasvc

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/seal"
)

// Line is one line of a load file: a subject (a person id of the identity
// registry) and the value of every field of the class.
//
//	{"subject":"P-1","fields":{"address":"1 Main St","income":"52000"}}
type Line struct {
	Subject string            `json:"subject"`
	Fields  map[string]string `json:"fields"`
}

// MaxLineBytes bounds one line of a load file.
const MaxLineBytes = 1 << 20

// LineError is a line of a load file that was refused: its number (from
// 1) and why. Nothing of a refused line is stored or posted.
type LineError struct {
	Line int
	Err  error
}

// Error implements error.
func (e *LineError) Error() string { return fmt.Sprintf("datasvc: line %d: %v", e.Line, e.Err) }

// Unwrap returns the reason.
func (e *LineError) Unwrap() error { return e.Err }

// ParseLines reads a load file for a class with the given fields (sorted):
// one JSON object a line (blank lines are skipped), each covering exactly
// the class's fields with values of valid UTF-8, each subject once. It
// returns the lines with their numbers, or the first bad line as a
// *LineError.
func ParseLines(in io.Reader, classFields []string) ([]Line, []int, error) {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64*1024), MaxLineBytes)
	var lines []Line
	var numbers []int
	seen := map[string]int{}
	n := 0
	for sc.Scan() {
		n++
		raw := bytes.TrimSpace(sc.Bytes())
		if len(raw) == 0 {
			continue
		}
		l, err := parseLine(raw, classFields)
		if err == nil {
			if first, dup := seen[l.Subject]; dup {
				err = fmt.Errorf("subject %s is already on line %d", l.Subject, first)
			}
		}
		if err != nil {
			return nil, nil, &LineError{Line: n, Err: err}
		}
		seen[l.Subject] = n
		lines = append(lines, l)
		numbers = append(numbers, n)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, nil, &LineError{Line: n + 1, Err: fmt.Errorf("longer than %d bytes", MaxLineBytes)}
		}
		return nil, nil, fmt.Errorf("datasvc: read the load file: %w", err)
	}
	return lines, numbers, nil
}

func parseLine(raw []byte, classFields []string) (Line, error) {
	var l Line
	if !utf8.Valid(raw) {
		return l, errors.New("the line is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return l, fmt.Errorf("not a JSON object {\"subject\":…,\"fields\":{…}}: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return l, errors.New("data after the JSON object")
	}
	if err := core.ValidateID("subject", l.Subject); err != nil {
		return l, err
	}
	for _, name := range classFields {
		v, ok := l.Fields[name]
		if !ok {
			return l, fmt.Errorf("field %s of the class is missing", name)
		}
		// encoding/json turns an escaped lone surrogate into U+FFFD
		// without a word: refuse a value that changed so.
		if strings.ContainsRune(v, utf8.RuneError) && !bytes.ContainsRune(raw, utf8.RuneError) && !bytes.Contains(bytes.ToLower(raw), []byte(`\ufffd`)) {
			return l, fmt.Errorf("the value of field %s holds an escape that is not a character", name)
		}
	}
	if len(l.Fields) != len(classFields) {
		for _, name := range slices.Sorted(maps.Keys(l.Fields)) {
			if _, ok := slices.BinarySearch(classFields, name); !ok {
				return l, fmt.Errorf("field %s is not one of the class's %v", name, classFields)
			}
		}
	}
	return l, nil
}

// LoadResult counts what Load did.
type LoadResult struct {
	Class     string `json:"class"`
	Agency    string `json:"agency"`
	Lines     int    `json:"lines"`
	New       int    `json:"new"`
	Changed   int    `json:"changed"`
	Unchanged int    `json:"unchanged"`
	// Committed is how many commit_record transactions were posted and
	// committed; Refused lists the lines the chain refused.
	Committed int         `json:"committed"`
	Refused   []LineError `json:"-"`
}

// loadBatch is how many commit_record transactions Load keeps in flight:
// below app.MaxSequenceAhead.
const loadBatch = 128

// Load stores the records of a load file (see ParseLines) in the database
// and commits them on chain, signed by a data service of the agency that
// declared the class: a record new or changed since the database's
// latest version gets a new version with a fresh salt per field, stored
// first, then a sharing/commit_record of its commitments. A record whose
// values and commitments are already on chain is left alone, so loading a
// file twice posts nothing the second time. A bad line refuses the whole
// file before anything is done (a *LineError). A line the chain refuses
// is removed from the database and listed in Refused; the others are
// committed.
func Load(ctx context.Context, st *Store, r Reader, sg *Signer, class string, in io.Reader) (*LoadResult, error) {
	agency, err := roleAgency(ctx, r, sg.Account(), core.RoleDataService, 0)
	if err != nil {
		return nil, err
	}
	if err := st.BindAgency(ctx, agency); err != nil {
		return nil, err
	}
	cls, _, err := readJSON[sharing.DataClass](ctx, r, fmt.Sprintf("/sharing/class/%s/%s", agency, class), 0)
	if err != nil {
		return nil, err
	}
	if cls == nil {
		return nil, fmt.Errorf("datasvc: agency %s declared no class %s on chain", agency, class)
	}
	lines, numbers, err := ParseLines(in, cls.Fields)
	if err != nil {
		return nil, err
	}
	res := &LoadResult{Class: class, Agency: agency, Lines: len(lines)}
	var todo []pendingCommit
	for i, l := range lines {
		v, kind, err := prepare(ctx, st, r, agency, class, l)
		if err != nil {
			var le *LineError
			if errors.As(err, &le) {
				le.Line = numbers[i]
				res.Refused = append(res.Refused, *le)
				continue
			}
			return res, err
		}
		switch kind {
		case "unchanged":
			res.Unchanged++
			continue
		case "new":
			res.New++
		default:
			res.Changed++
		}
		todo = append(todo, pendingCommit{line: numbers[i], v: v})
	}
	for start := 0; start < len(todo); start += loadBatch {
		if err := commitBatch(ctx, st, sg, cls.Fields, todo[start:min(start+loadBatch, len(todo))], res); err != nil {
			return res, err
		}
	}
	slices.SortFunc(res.Refused, func(a, b LineError) int { return a.Line - b.Line })
	return res, nil
}

type pendingCommit struct {
	line int
	v    *Version
	hash []byte
}

// prepare returns the version of line l to commit, and whether it is
// "new", "changed" or "unchanged" (nil version: already on chain). A
// line that can never be committed (an erased record) is a *LineError.
func prepare(ctx context.Context, st *Store, r Reader, agency, class string, l Line) (*Version, string, error) {
	rec, _, err := readJSON[sharing.Record](ctx, r, fmt.Sprintf("/sharing/record/%s/%s/%s", agency, class, l.Subject), 0)
	if err != nil {
		return nil, "", err
	}
	if rec != nil && rec.Status == sharing.RecordErased {
		return nil, "", &LineError{Err: fmt.Errorf("the record of %s is erased on chain and can never be committed again", l.Subject)}
	}
	latest, err := st.LatestVersion(ctx, class, l.Subject)
	if err != nil {
		return nil, "", err
	}
	if latest != nil && maps.Equal(latest.Values(), l.Fields) {
		switch {
		case rec != nil && onChain(rec, latest):
			if latest.ChainVersion != rec.Version {
				if err := st.ConfirmVersion(ctx, class, l.Subject, latest.Version, rec.Version); err != nil {
					return nil, "", err
				}
			}
			return nil, "unchanged", nil
		case latest.ChainVersion == 0:
			// Stored by a load whose commit is not on chain: commit it.
			return latest, "changed", nil
		}
	}
	fields := make([]seal.Field, 0, len(l.Fields))
	for _, name := range slices.Sorted(maps.Keys(l.Fields)) {
		fields = append(fields, seal.Field{Name: name, Value: l.Fields[name], Salt: seal.NewSalt()})
	}
	v, err := st.AddVersion(ctx, class, l.Subject, fields)
	if err != nil {
		return nil, "", err
	}
	if latest == nil && rec == nil {
		return v, "new", nil
	}
	return v, "changed", nil
}

// onChain reports whether record rec on chain carries the commitments of
// version v.
func onChain(rec *sharing.Record, v *Version) bool {
	c := v.Commitments()
	if len(rec.Fields) != len(c) {
		return false
	}
	for _, f := range rec.Fields {
		if want, ok := c[f.Name]; !ok || want != f.Commitment {
			return false
		}
	}
	return true
}

// commitBatch posts the commit_record of each version, then waits for
// each: a committed one is confirmed with its chain version, a refused
// one removed and listed in res.Refused.
func commitBatch(ctx context.Context, st *Store, sg *Signer, classFields []string, batch []pendingCommit, res *LoadResult) error {
	for i := range batch {
		p := &batch[i]
		c := p.v.Commitments()
		msg := &sharing.CommitRecord{ClassID: p.v.Class, Subject: p.v.Subject}
		for _, name := range classFields {
			msg.Fields = append(msg.Fields, sharing.FieldCommitment{Name: name, Commitment: c[name]})
		}
		hash, err := sg.Broadcast(ctx, msg)
		if err != nil {
			if refusedLine(ctx, st, p, err, res) {
				continue
			}
			return fmt.Errorf("datasvc: line %d: %w", p.line, err)
		}
		p.hash = hash
	}
	for i := range batch {
		p := &batch[i]
		if p.hash == nil {
			continue
		}
		tx, err := sg.WaitTx(ctx, p.hash)
		if err != nil {
			if refusedLine(ctx, st, p, err, res) {
				continue
			}
			return fmt.Errorf("datasvc: line %d: %w", p.line, err)
		}
		attr, _ := tx.Attr("version")
		chainVersion, err := strconv.ParseUint(attr, 10, 64)
		if err != nil || chainVersion == 0 {
			return fmt.Errorf("datasvc: line %d: the commit's event names no record version (%q)", p.line, attr)
		}
		if err := st.ConfirmVersion(ctx, p.v.Class, p.v.Subject, p.v.Version, chainVersion); err != nil {
			return err
		}
		res.Committed++
	}
	return nil
}

// refusedLine handles err, the failure of a line's commit: a refusal by
// the chain removes the line's pending version and lists the line; it
// reports false for any other error.
func refusedLine(ctx context.Context, st *Store, p *pendingCommit, err error, res *LoadResult) bool {
	var te *client.TxError
	if !errors.As(err, &te) {
		return false
	}
	if derr := st.DeletePendingVersion(ctx, p.v.Class, p.v.Subject, p.v.Version); derr != nil {
		return false
	}
	res.Refused = append(res.Refused, LineError{Line: p.line, Err: err})
	return true
}
