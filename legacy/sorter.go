package legacy

import (
	"bufio"
	"bytes"
	"cmp"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unsafe"

	"github.com/golang/snappy"
)

// sorter sorts records (key, seq, payload) by key, then seq, in bounded
// memory: records collect in a buffer of about budget bytes; a full
// buffer is sorted and written to a run file in dir by a background
// goroutine while the next one fills (so at most two buffers are held);
// the last buffer stays in memory. Open merges the runs and the last
// buffer into one ordered stream, as often as needed. A sorter is used by
// one goroutine at a time; Close removes its files.
type sorter struct {
	dir    string
	budget int
	cur    *sortBuf
	runs   []string
	spill  chan error // the background spill's result; nil if none runs
	// spilling is the buffer being written; spare the one written last,
	// emptied for reuse
	spilling, spare *sortBuf
	final           *sortBuf // the last buffer, sorted, after finish
	n               int      // records added
	closed          bool
}

// sortBuf is one buffer of records: each at refs[i].off in data, encoded
// as uvarint key length, key, seq (8 bytes big-endian), uvarint payload
// length, payload.
type sortBuf struct {
	data []byte
	refs []recRef
}

// recRef locates a record in its buffer and holds what sorting compares:
// the key's first 16 bytes (big-endian, zero-padded), its place and the
// seq. Most comparisons end on the first bytes without reading the
// buffer, whose records are in the order they were added.
type recRef struct {
	off, koff, klen int32
	seq             uint64
	k0, k1          uint64
}

// recRefSize is the memory a recRef takes, counted in a buffer's budget.
const recRefSize = int(unsafe.Sizeof(recRef{}))

func (b *sortBuf) key(r recRef) []byte { return b.data[r.koff : r.koff+r.klen] }

// keyHead is the first 16 bytes of key as two big-endian numbers, the
// missing bytes zero.
func keyHead(key []byte) (k0, k1 uint64) {
	var head [16]byte
	copy(head[:], key)
	return binary.BigEndian.Uint64(head[:8]), binary.BigEndian.Uint64(head[8:])
}

// compare orders two records of b by key, then seq.
func (b *sortBuf) compare(x, y recRef) int {
	if x.k0 != y.k0 {
		return cmp.Compare(x.k0, y.k0)
	}
	if x.k1 != y.k1 {
		return cmp.Compare(x.k1, y.k1)
	}
	kx, ky := b.key(x), b.key(y)
	if len(kx) >= 16 && len(ky) >= 16 { // the first 16 bytes are equal
		kx, ky = kx[16:], ky[16:]
	}
	if c := bytes.Compare(kx, ky); c != 0 {
		return c
	}
	return cmp.Compare(x.seq, y.seq)
}

// sortRecord is a decoded record; its slices point into a buffer or a
// reader's storage and are valid until the stream moves on.
type sortRecord struct {
	key     []byte
	seq     uint64
	payload []byte
}

func newSorter(dir string, budget int) *sorter {
	return &sorter{dir: dir, budget: budget, cur: &sortBuf{}}
}

func decodeRecord(b []byte) (sortRecord, int, error) {
	kl, n := binary.Uvarint(b)
	if n <= 0 || uint64(len(b)-n) < kl+8 {
		return sortRecord{}, 0, errors.New("legacy: sorter: truncated record")
	}
	r := sortRecord{key: b[n : n+int(kl)]}
	p := n + int(kl)
	r.seq = binary.BigEndian.Uint64(b[p:])
	p += 8
	pl, m := binary.Uvarint(b[p:])
	if m <= 0 || uint64(len(b)-p-m) < pl {
		return sortRecord{}, 0, errors.New("legacy: sorter: truncated record")
	}
	r.payload = b[p+m : p+m+int(pl)]
	return r, p + m + int(pl), nil
}

func compareRecords(a, b sortRecord) int {
	if c := bytes.Compare(a.key, b.key); c != 0 {
		return c
	}
	return cmp.Compare(a.seq, b.seq)
}

// add appends a record; its slices are copied.
func (s *sorter) add(key []byte, seq uint64, payload ...[]byte) error {
	b := s.cur
	if b.data == nil {
		b.data = make([]byte, 0, s.budget)
	}
	off := len(b.data)
	b.data = binary.AppendUvarint(b.data, uint64(len(key)))
	k0, k1 := keyHead(key)
	b.refs = append(b.refs, recRef{off: int32(off), koff: int32(len(b.data)), klen: int32(len(key)), seq: seq, k0: k0, k1: k1})
	b.data = append(b.data, key...)
	b.data = binary.BigEndian.AppendUint64(b.data, seq)
	pl := 0
	for _, p := range payload {
		pl += len(p)
	}
	b.data = binary.AppendUvarint(b.data, uint64(pl))
	for _, p := range payload {
		b.data = append(b.data, p...)
	}
	s.n++
	if len(b.data)+recRefSize*len(b.refs) < s.budget {
		return nil
	}
	if err := s.waitSpill(); err != nil {
		return err
	}
	full := b
	if s.spare != nil { // the buffer the last spill wrote: fill it again
		s.cur, s.spare = s.spare, nil
	} else {
		s.cur = &sortBuf{data: make([]byte, 0, cap(full.data)), refs: make([]recRef, 0, cap(full.refs))}
	}
	f, err := os.CreateTemp(s.dir, "run-")
	if err != nil {
		return fmt.Errorf("legacy: sorter: %w", err)
	}
	s.runs = append(s.runs, f.Name())
	s.spill = make(chan error, 1)
	go func(done chan<- error) {
		err := full.writeRun(f)
		full.data, full.refs = full.data[:0], full.refs[:0]
		done <- err
	}(s.spill)
	s.spilling = full
	return nil
}

func (s *sorter) waitSpill() error {
	if s.spill == nil {
		return nil
	}
	err := <-s.spill
	s.spill = nil
	s.spare, s.spilling = s.spilling, nil
	return err
}

func (b *sortBuf) sort() {
	slices.SortFunc(b.refs, b.compare)
}

// runBlock is about how many bytes of records a run compresses as one
// block.
const runBlock = 256 << 10

// writeRun sorts the buffer and writes it to f, which it closes. A run is
// the records in order, in blocks: each block's compressed length
// (uvarint), then the block, whole records compressed by Snappy (its
// block format). Records are mostly JSON, which Snappy shrinks to about
// a third at more than 1 GB/s, so that a load writes, and the kernel
// caches and writes back, a third of the bytes.
func (b *sortBuf) writeRun(f *os.File) error {
	b.sort()
	path := f.Name()
	w := bufio.NewWriterSize(f, 1<<20)
	var block, packed, head []byte
	flush := func() {
		packed = snappy.Encode(packed[:cap(packed)], block)
		head = binary.AppendUvarint(head[:0], uint64(len(packed)))
		w.Write(head)
		w.Write(packed)
		block = block[:0]
	}
	for _, r := range b.refs {
		o := int(r.off)
		_, n, err := decodeRecord(b.data[o:])
		if err != nil {
			f.Close()
			return err
		}
		if len(block) > 0 && len(block)+n > runBlock {
			flush()
		}
		block = append(block, b.data[o:o+n]...)
	}
	if len(block) > 0 {
		flush()
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("legacy: sorter: write %s: %w", path, err)
	}
	return f.Close()
}

// finish ends the adding: it waits for the spill under way and sorts the
// last buffer.
func (s *sorter) finish() error {
	if s.final != nil {
		return nil
	}
	if err := s.waitSpill(); err != nil {
		return err
	}
	s.cur.sort()
	s.final, s.cur, s.spare = s.cur, nil, nil
	return nil
}

// sortStream yields records in order: next returns false at the end or on
// error (err tells). The record's slices stay valid until the next call
// to next.
type sortStream struct {
	h     sourceHeap
	files []*os.File
	cur   sortRecord
	// moved is the source of cur: it advances on the next call to next,
	// so that cur's slices (into its storage) stay valid until then.
	moved source
	err   error
}

// open returns a new ordered stream over every record added (finish must
// have been called).
func (s *sorter) open() (*sortStream, error) {
	if s.final == nil {
		return nil, errors.New("legacy: sorter: open before finish")
	}
	st := &sortStream{}
	for _, path := range s.runs {
		f, err := os.Open(path)
		if err != nil {
			st.close()
			return nil, fmt.Errorf("legacy: sorter: %w", err)
		}
		st.files = append(st.files, f)
		st.h = append(st.h, &runSource{r: bufio.NewReaderSize(f, 1<<20)})
	}
	st.h = append(st.h, &bufSource{b: s.final})
	live := st.h[:0]
	for _, src := range st.h {
		ok, err := src.advance()
		if err != nil {
			st.close()
			return nil, err
		}
		if ok {
			live = append(live, src)
		}
	}
	st.h = live
	heap.Init(&st.h)
	return st, nil
}

// next moves to the next record; record returns it.
func (st *sortStream) next() bool {
	if st.err != nil {
		return false
	}
	if st.moved != nil {
		ok, err := st.moved.advance()
		switch {
		case err != nil:
			st.err = err
			return false
		case ok:
			heap.Fix(&st.h, 0)
		default:
			heap.Pop(&st.h)
		}
		st.moved = nil
	}
	if len(st.h) == 0 {
		return false
	}
	st.moved = st.h[0]
	st.cur = st.moved.record()
	return true
}

func (st *sortStream) record() sortRecord { return st.cur }

func (st *sortStream) close() error {
	var errs []error
	for _, f := range st.files {
		errs = append(errs, f.Close())
	}
	st.files, st.h = nil, nil
	return errors.Join(errs...)
}

// close removes the sorter's run files.
func (s *sorter) close() error {
	if s.closed {
		return nil
	}
	s.closed = true
	werr := s.waitSpill()
	var errs []error
	for _, p := range s.runs {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	s.cur, s.final, s.spare = nil, nil, nil
	return errors.Join(append(errs, werr)...)
}

// source is one sorted input of a merge.
type source interface {
	advance() (bool, error)
	record() sortRecord
}

type sourceHeap []source

func (h sourceHeap) Len() int           { return len(h) }
func (h sourceHeap) Less(i, j int) bool { return compareRecords(h[i].record(), h[j].record()) < 0 }
func (h sourceHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *sourceHeap) Push(x any)        { *h = append(*h, x.(source)) }
func (h *sourceHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// bufSource reads a sorted buffer.
type bufSource struct {
	b   *sortBuf
	i   int
	cur sortRecord
}

func (s *bufSource) advance() (bool, error) {
	if s.i >= len(s.b.refs) {
		return false, nil
	}
	r, _, err := decodeRecord(s.b.data[s.b.refs[s.i].off:])
	s.i++
	s.cur = r
	return err == nil, err
}

func (s *bufSource) record() sortRecord { return s.cur }

// runSource reads a run file (see writeRun) block by block; a record's
// slices point into its block.
type runSource struct {
	r             *bufio.Reader
	packed, block []byte
	pos           int
	cur           sortRecord
}

// maxRunBlock bounds a block's compressed length, so that a damaged run
// fails instead of asking for any amount of memory.
const maxRunBlock = 1 << 30

func (s *runSource) advance() (bool, error) {
	if s.pos >= len(s.block) {
		n, err := binary.ReadUvarint(s.r)
		if errors.Is(err, io.EOF) {
			return false, nil
		}
		if err == nil && (n == 0 || n > maxRunBlock) {
			err = fmt.Errorf("a block of %d bytes", n)
		}
		if err == nil {
			s.packed = slices.Grow(s.packed[:0], int(n))[:n]
			_, err = io.ReadFull(s.r, s.packed)
		}
		if err == nil {
			s.block, err = snappy.Decode(s.block[:cap(s.block)], s.packed)
		}
		if err == nil && len(s.block) == 0 {
			err = errors.New("an empty block")
		}
		if err != nil {
			return false, fmt.Errorf("legacy: sorter: read run: %w", err)
		}
		s.pos = 0
	}
	r, n, err := decodeRecord(s.block[s.pos:])
	if err != nil {
		return false, err
	}
	s.pos += n
	s.cur = r
	return true, nil
}

func (s *runSource) record() sortRecord { return s.cur }

// workPattern matches the directories sorterDir makes.
const workPattern = "govchain-import-*"

// sorterDir makes a directory for a sorter's runs under dir ("": the
// system's temporary directory); remove it with os.RemoveAll.
func sorterDir(dir string) (string, error) {
	d, err := os.MkdirTemp(dir, strings.TrimSuffix(workPattern, "*"))
	if err != nil {
		return "", fmt.Errorf("legacy: work directory: %w", err)
	}
	return d, nil
}
