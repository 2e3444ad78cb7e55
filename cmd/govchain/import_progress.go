package main

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"
)

// progress reports a long step on w: on a terminal one line rewritten in
// place (rows, rows per second, rows set aside, ETA when the size is
// known) and the totals at the end; otherwise a plain line every
// every rows (plainEvery unless the step sets it) and, after any, the totals.
type progress struct {
	w       io.Writer
	label   string
	tty     bool
	start   time.Time
	last    time.Time
	size    int64 // bytes to read, 0 if unknown
	total   int   // rows to do, 0 if unknown
	rows    int
	rejects int
	nextLog int
	every   int // rows between two plain lines
}

// plainEvery is how many rows pass between two plain progress lines.
const plainEvery = 1_000_000

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func newProgress(w io.Writer, label string, size int64) *progress {
	now := time.Now()
	return &progress{w: w, label: label, tty: isTerminal(w), start: now, last: now, size: size, nextLog: plainEvery, every: plainEvery}
}

func (p *progress) rate() float64 {
	s := time.Since(p.start).Seconds()
	if s <= 0 {
		return 0
	}
	return float64(p.rows) / s
}

// update records rows done, rows set aside and bytes read (0 if unknown).
func (p *progress) update(rows, rejects int, read int64) {
	p.rows, p.rejects = rows, rejects
	if p.tty {
		if time.Since(p.last) < 200*time.Millisecond {
			return
		}
		p.last = time.Now()
		eta := ""
		elapsed := time.Since(p.start)
		switch {
		case p.size > 0 && read > 0:
			eta = " ETA " + (time.Duration(float64(elapsed) * float64(p.size-read) / float64(read))).Round(time.Second).String()
		case p.total > 0 && rows > 0:
			eta = " ETA " + (time.Duration(float64(elapsed) * float64(p.total-rows) / float64(rows))).Round(time.Second).String()
		}
		fmt.Fprintf(p.w, "\r%s: %d rows, %.0f rows/s, %d set aside%s   ", p.label, rows, p.rate(), rejects, eta)
		return
	}
	if rows >= p.nextLog {
		p.nextLog = rows + p.every
		fmt.Fprintf(p.w, "%s: %d rows, %.0f rows/s, %d set aside\n", p.label, rows, p.rate(), rejects)
	}
}

// done ends the report with the step's totals: on a terminal, and in
// plain lines when the step was long enough to print any.
func (p *progress) done() {
	switch {
	case p.tty:
		fmt.Fprint(p.w, "\r\033[K")
	case p.nextLog == p.every:
		return
	}
	fmt.Fprintf(p.w, "%s: %d rows in %s, %.0f rows/s, %d set aside\n", p.label, p.rows,
		time.Since(p.start).Round(time.Millisecond), p.rate(), p.rejects)
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	atomic.AddInt64(&c.n, int64(n))
	return n, err
}

// abandon ends the report of a step that failed: the terminal's line is
// cleared, so the error that follows stands alone.
func (p *progress) abandon() {
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
