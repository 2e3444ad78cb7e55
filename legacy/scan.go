package legacy

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
)

// sortBudget is the memory, in bytes, a sorter fills before it writes a
// sorted run to disk.
var sortBudget = 256 << 20

// scanned is a dump read, parsed and sorted by id: the SHA-256 of its
// bytes, the data lines read, the rows set aside while reading, and the
// parsed rows in a sorter (key: id; seq: line; payload: the canonical
// row's length, the row, and the line as read if raw lines are kept).
type scanned struct {
	sha     [32]byte
	read    int
	rejects []Reject
	rows    *sorter
	// claimed holds, for a registry whose rows claim ids beyond their own,
	// every id each row claims (key: id; seq: line; payload: 1 for a
	// claim beyond the row's own id, else 0); nil for other registries.
	claimed *sorter
	// claimName names a claim beyond a row's own id in a reason
	// (Registry.claimName).
	claimName string
	// collided are the lines set aside for claiming an id another line
	// claims too, with the reason (collisions).
	collided map[int]string
}

// scanBatch is a run of consecutive lines handed to a parsing worker and
// what the worker made of them.
type scanBatch struct {
	first   int // line number of lines[0]
	lines   [][]byte
	read    int // lines that are not blank
	entries []entry
	rejects []Reject
	done    chan struct{}
}

// scanLines is how many lines make one batch.
const scanLines = 1024

// scan reads a dump of reg in format from r: the header (CSV), then every
// data line, parsed by parallel workers and added to a sorter in dir
// (keepRaw: with the line as read, for the rejected rows' file). Rows that
// do not map to a valid record are set aside with a reason; an unreadable
// stream, a bad header or ctx's end stops it. progress may be nil.
func scan(ctx context.Context, r io.Reader, reg *Registry, format Format, dir string, keepRaw bool, progress Progress) (_ *scanned, err error) {
	h := sha256.New()
	sc := bufio.NewScanner(io.TeeReader(r, h))
	sc.Buffer(make([]byte, 64<<10), MaxLine)
	s := &scanned{rows: newSorter(dir, sortBudget)}
	if reg.claims != nil {
		s.claimed, s.claimName = newSorter(dir, sortBudget/4), reg.claimName
	}
	defer func() {
		if err != nil {
			s.rows.close()
			if s.claimed != nil {
				s.claimed.close()
			}
		}
	}()
	stopped := func(err error) error { return fmt.Errorf("legacy: stopped after %d rows: %w", s.read, err) }
	var index []int // column i of reg is field index[i] of a CSV line
	line := 0
	if format == FormatCSV {
		if !sc.Scan() {
			if err := sc.Err(); err != nil {
				return nil, fmt.Errorf("legacy: read dump at line 1: %w", err)
			}
			return nil, errors.New("legacy: the dump is empty (no header line)")
		}
		line = 1
		text := bytes.TrimSuffix(bytes.TrimPrefix(sc.Bytes(), []byte("\xef\xbb\xbf")), []byte("\r"))
		if index, err = header(reg, text); err != nil {
			return nil, err
		}
	}

	// The reader cuts the lines into batches in order; workers parse them;
	// this goroutine takes the batches back in the same order.
	stop := make(chan struct{})
	defer close(stop)
	work := make(chan *scanBatch, 8)
	order := make(chan *scanBatch, 16)
	readErr := make(chan error, 1)
	go func() {
		defer close(work)
		defer close(order)
		b := &scanBatch{first: line + 1, done: make(chan struct{})}
		send := func() bool {
			select {
			case order <- b:
			case <-stop:
				return false
			}
			select {
			case work <- b:
			case <-stop:
				return false
			}
			return true
		}
		for sc.Scan() {
			line++
			text := sc.Bytes()
			if line == 1 {
				text = bytes.TrimPrefix(text, []byte("\xef\xbb\xbf"))
			}
			b.lines = append(b.lines, bytes.Clone(bytes.TrimSuffix(text, []byte("\r"))))
			if len(b.lines) == scanLines {
				if !send() {
					return
				}
				b = &scanBatch{first: line + 1, done: make(chan struct{})}
			}
		}
		if err := sc.Err(); err != nil {
			readErr <- fmt.Errorf("legacy: read dump at line %d: %w", line+1, err)
			return
		}
		if len(b.lines) > 0 {
			send()
		}
		readErr <- nil
	}()
	for range max(1, runtime.GOMAXPROCS(0)) {
		go func() {
			for b := range work {
				b.parse(reg, format, index, keepRaw)
				close(b.done)
			}
		}()
	}

	report := func() {
		if progress != nil {
			progress(s.read, len(s.rejects))
		}
	}
	var payload []byte
	for b := range order {
		select {
		case <-b.done:
		case <-ctx.Done():
		}
		if err := ctx.Err(); err != nil {
			return nil, stopped(err)
		}
		before := s.read
		s.read += b.read
		if s.read/ProgressEvery != before/ProgressEvery {
			report()
		}
		s.rejects = append(s.rejects, b.rejects...)
		for _, e := range b.entries {
			payload = binary.AppendUvarint(payload[:0], uint64(len(e.row)))
			if err := s.rows.add([]byte(e.id), uint64(e.line), payload, e.row, []byte(e.raw)); err != nil {
				return nil, err
			}
			if s.claimed != nil {
				if err := s.claimed.add([]byte(e.id), uint64(e.line), []byte{0}); err != nil {
					return nil, err
				}
				for _, c := range e.claims {
					if err := s.claimed.add([]byte(c), uint64(e.line), []byte{1}); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	if err := <-readErr; err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, stopped(err)
	}
	if err := s.rows.finish(); err != nil {
		return nil, err
	}
	if s.collided, err = s.collisions(); err != nil {
		return nil, err
	}
	copy(s.sha[:], h.Sum(nil))
	report()
	return s, nil
}

// parse parses the batch's lines (blank lines skipped).
func (b *scanBatch) parse(reg *Registry, format Format, index []int, keepRaw bool) {
	for i, text := range b.lines {
		if len(bytes.TrimSpace(text)) == 0 {
			continue
		}
		b.read++
		line := b.first + i
		e, err := parseLine(reg, format, index, text)
		e.line = line
		if err != nil {
			rj := asReject(err, CodeBadField)
			rj.Line, rj.Raw = line, string(text)
			if rj.ID == "" {
				rj.ID = e.id
			}
			b.rejects = append(b.rejects, *rj)
			continue
		}
		if keepRaw {
			e.raw = string(text)
		}
		b.entries = append(b.entries, e)
	}
}

// collisions reads and closes the claimed sorter (if any): it returns
// every line that claims an id some other line claims too, where at least
// one of the claims is beyond a row's own id, with the reason. Rows that
// share their own id and nothing else are each's to set aside.
func (s *scanned) collisions() (map[int]string, error) {
	if s.claimed == nil {
		return nil, nil
	}
	defer s.claimed.close()
	if err := s.claimed.finish(); err != nil {
		return nil, err
	}
	st, err := s.claimed.open()
	if err != nil {
		return nil, err
	}
	defer st.close()
	type claim struct {
		line   int
		beyond bool
	}
	var (
		id       string
		group    []claim
		collided map[int]string
	)
	flush := func() {
		beyond := false
		for _, c := range group {
			beyond = beyond || c.beyond
		}
		if len(group) < 2 || !beyond || group[0].line == group[len(group)-1].line {
			return
		}
		parts := make([]string, len(group))
		for i, c := range group {
			parts[i] = strconv.Itoa(c.line)
			if c.beyond {
				parts[i] += " (" + s.claimName + ")"
			}
		}
		reason := "id " + id + " is claimed on lines " + strings.Join(parts, ", ")
		if collided == nil {
			collided = map[int]string{}
		}
		for _, c := range group {
			if _, ok := collided[c.line]; !ok {
				collided[c.line] = reason
			}
		}
	}
	for st.next() {
		r := st.record()
		if len(r.payload) != 1 {
			return nil, errors.New("legacy: sorter: bad claim record")
		}
		if string(r.key) != id {
			flush()
			id, group = string(r.key), group[:0]
		}
		group = append(group, claim{line: int(r.seq), beyond: r.payload[0] == 1})
	}
	if st.err != nil {
		return nil, st.err
	}
	flush()
	return collided, nil
}

// rowsOf is each as leanLoad.run reads rows: each with its line.
func (s *scanned) rowsOf(yield func(line int, row []byte) error) error {
	return s.each(func(_ string, line int, row []byte) error { return yield(line, row) })
}

// each calls fn with every row whose id is on no other row and that
// claims no id another row claims, in id order; the others are set aside
// (CodeDuplicate). row is the caller's to keep. It may run once; it
// closes the sorter.
func (s *scanned) each(fn func(id string, line int, row []byte) error) error {
	defer s.rows.close()
	st, err := s.rows.open()
	if err != nil {
		return err
	}
	defer st.close()
	type held struct {
		line int
		row  []byte
		raw  string
	}
	var (
		id    string
		group []held
	)
	flush := func() error {
		switch len(group) {
		case 0:
			return nil
		case 1:
			g := group[0]
			if reason, ok := s.collided[g.line]; ok {
				s.rejects = append(s.rejects, Reject{Line: g.line, ID: id, Code: CodeDuplicate, Reason: reason, Raw: g.raw})
				return nil
			}
			return fn(id, g.line, g.row)
		}
		lines := make([]string, len(group))
		for i, g := range group {
			lines[i] = strconv.Itoa(g.line)
		}
		for _, g := range group {
			reason, ok := s.collided[g.line]
			if !ok {
				reason = "id " + id + " is on lines " + strings.Join(lines, ", ")
			}
			s.rejects = append(s.rejects, Reject{Line: g.line, ID: id, Code: CodeDuplicate, Reason: reason, Raw: g.raw})
		}
		return nil
	}
	for st.next() {
		r := st.record()
		rl, n := binary.Uvarint(r.payload)
		if n <= 0 || uint64(len(r.payload)-n) < rl {
			return errors.New("legacy: sorter: bad row record")
		}
		if string(r.key) != id {
			if err := flush(); err != nil {
				return err
			}
			id, group = string(r.key), group[:0]
		}
		// The record's storage is reused once the stream moves on: the
		// group keeps copies.
		group = append(group, held{line: int(r.seq), row: bytes.Clone(r.payload[n : n+int(rl)]), raw: string(r.payload[n+int(rl):])})
	}
	if st.err != nil {
		return st.err
	}
	if err := flush(); err != nil {
		return err
	}
	slices.SortFunc(s.rejects, func(a, b Reject) int { return a.Line - b.Line })
	return nil
}
