package legacy

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Prepared is a dump canonicalised and settled by Prepare: what a genesis
// names it by and what was set aside.
type Prepared struct {
	Registry *Registry
	// SHA256 is the SHA-256 of the dump's bytes as read.
	SHA256 [32]byte
	// Root is the Merkle root over the canonical rows that settle kept.
	Root []byte
	// Read is the number of data lines read; Rows the canonical rows kept.
	Read, Rows int
	// Rejects are the rows set aside, by line.
	Rejects []Reject
}

// Ref is the genesis entry naming the prepared dump, read from file and
// signed by signer.
func (p *Prepared) Ref(file string, signer core.Address) core.ImportRef {
	return importRef(p.Registry, file, p.SHA256, p.Root, p.Rows, signer)
}

// PrepareOptions tune Prepare.
type PrepareOptions struct {
	// At is the time the records are to be created at (the genesis time).
	At time.Time
	// Work is the directory under which sorted runs are written while
	// Prepare runs ("": the system's temporary directory).
	Work string
	// Canonical, if not nil, receives the canonical dump as
	// Dump.WriteCanonical writes it.
	Canonical io.Writer
	// Read (may be nil) is told the lines read and rows set aside, every
	// few thousand lines; Checked (may be nil) the canonical rows checked
	// of the rows read and kept (of: rows sharing an id still counted).
	Read    Progress
	Checked func(done, of int)
}

// Prepare canonicalises and settles the dump of reg in format read from
// r, as Canonicalise then Dump.Settle do, in bounded memory: the rows are
// sorted on disk and the records settle makes are streamed, not held, so
// a dump of millions of rows needs no more memory than a small one (the
// rows set aside and 32 bytes a row for the root excepted).
func Prepare(ctx context.Context, r io.Reader, reg *Registry, format Format, opt PrepareOptions) (*Prepared, error) {
	l, origin, err := newSettleLoad(reg, opt.Work, opt.At)
	if err != nil {
		return nil, err
	}
	defer l.Close()
	s, err := scan(ctx, r, reg, format, l.dir, true, opt.Read)
	if err != nil {
		return nil, err
	}
	var canon *canonicalFile
	if opt.Canonical != nil {
		if canon, err = newCanonicalFile(l.dir); err != nil {
			s.rows.close()
			return nil, err
		}
		defer canon.close()
	}
	of := s.rows.n
	var (
		leaves  [][32]byte
		refused []Reject
	)
	var checked func(done int)
	if opt.Checked != nil {
		checked = func(done int) { opt.Checked(done, of) }
	}
	if err := l.run(ctx, s.rowsOf, reg, origin, checked, func(line int, row []byte, refusal error) error {
		if refusal != nil {
			refused = append(refused, refusedRow(reg, line, row, refusal))
			return nil
		}
		leaves = append(leaves, leafHash(row))
		if canon != nil {
			return canon.add(row)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := l.finish(true); err != nil {
		return nil, err
	}
	if opt.Checked != nil {
		opt.Checked(len(leaves)+len(refused), len(leaves)+len(refused))
	}
	if canon != nil {
		if err := canon.writeTo(opt.Canonical, reg); err != nil {
			return nil, err
		}
	}
	p := &Prepared{Registry: reg, SHA256: s.sha, Root: rootOfHashes(leaves), Read: s.read, Rows: len(leaves),
		Rejects: mergeRejects(s.rejects, refused)}
	return p, nil
}

// newSettleLoad is a lean load over a scratch state where the settling
// account holds reg's role, and the origin its rows run at: created at at.
func newSettleLoad(reg *Registry, work string, at time.Time) (*leanLoad, Origin, error) {
	scratch := state.NewBranch(state.Empty{})
	if err := core.SetJSON(scratch, core.RoleGrantKey(settleSigner, reg.Role),
		core.RoleGrant{Account: settleSigner, Role: reg.Role, Agency: "import"}); err != nil {
		return nil, Origin{}, err
	}
	l, err := newLeanLoad(scratch, work)
	if err != nil {
		return nil, Origin{}, err
	}
	l.begin("the dump")
	return l, Origin{Signer: settleSigner, ChainID: "settle", Height: 1, Time: at}, nil
}

// mergeRejects merges two lists of rejects sorted by line.
func mergeRejects(a, b []Reject) []Reject {
	out := make([]Reject, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if b[0].Line < a[0].Line {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}

// canonicalFile holds the canonical rows on disk until the header, whose
// width depends on every row, can be written.
type canonicalFile struct {
	f     *os.File
	w     *bufio.Writer
	width int
}

func newCanonicalFile(dir string) (*canonicalFile, error) {
	f, err := os.CreateTemp(dir, "canonical-")
	if err != nil {
		return nil, fmt.Errorf("legacy: %w", err)
	}
	return &canonicalFile{f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

// add appends a row with its field count.
func (c *canonicalFile) add(row []byte) error {
	f, err := Fields(row)
	if err != nil {
		return err
	}
	c.width = max(c.width, len(f))
	var hdr []byte
	hdr = binary.AppendUvarint(hdr, uint64(len(f)))
	hdr = binary.AppendUvarint(hdr, uint64(len(row)))
	c.w.Write(hdr)
	_, err = c.w.Write(row)
	return err
}

// writeTo writes the canonical dump: reg's header naming the optional
// columns some row fills, then the rows padded to its width.
func (c *canonicalFile) writeTo(w io.Writer, reg *Registry) error {
	if err := c.w.Flush(); err != nil {
		return fmt.Errorf("legacy: %w", err)
	}
	if _, err := c.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("legacy: %w", err)
	}
	width := max(len(reg.Columns), c.width)
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.Write(canonicalRow(reg.AllColumns()[:width]))
	bw.WriteByte('\n')
	r := bufio.NewReaderSize(c.f, 1<<20)
	var row []byte
	for {
		n, err := binary.ReadUvarint(r)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("legacy: canonical rows: %w", err)
		}
		size, err := binary.ReadUvarint(r)
		if err != nil {
			return fmt.Errorf("legacy: canonical rows: %w", err)
		}
		if uint64(cap(row)) < size {
			row = make([]byte, size)
		}
		row = row[:size]
		if _, err := io.ReadFull(r, row); err != nil {
			return fmt.Errorf("legacy: canonical rows: %w", err)
		}
		bw.Write(row)
		for range width - int(n) {
			bw.WriteByte(',')
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

func (c *canonicalFile) close() error {
	return errors.Join(c.f.Close(), os.Remove(c.f.Name()))
}
