package legacy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"iter"
	"os"
	"runtime"
	"slices"
	"sync"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// A lean load executes an import's rows, in order, as their registry's
// messages without holding the state they build in memory. Each row runs
// on its own branch over a view that serves:
//   - the keys under a shared prefix (Registry.shared: counters and
//     per-account totals that many rows read and update) from an
//     in-memory map of their latest values over the base;
//   - every other key from the base (the genesis state) alone.
//
// A kept row's writes to shared keys update the map; its other writes go
// to an external sorter, tagged with the row's sequence number, together
// with every read of a key that was in neither the base nor the row's own
// writes (a miss), except, where the row's writes are known before its
// misses are (rows executed in parallel), a miss of a key the row then
// writes itself. A refused row's writes are dropped, its misses kept.
//
// The result is the base, the map and the sorted writes merged in key
// order. It is exactly the state executing the rows one after another on
// one store makes, provided no row reads or writes a non-shared key an
// earlier row wrote: the merge checks that for every key (two rows
// writing it, or a row missing it after an earlier row wrote it) and
// fails with the two rows named, so a registry whose rows share an
// undeclared key cannot load silently wrong.
type leanLoad struct {
	base     state.Reader
	baseKeys [][]byte          // the base's keys, sorted
	baseVals map[string][]byte // the base's pairs: read by every worker
	prefixes [][]byte
	// shared holds the shared keys' latest values (nil: deleted). Only
	// the committing goroutine writes it; workers read it through load.
	shared *sharedMap
	dir    string
	writes *sorter
	seq    uint64
	misses [][]byte
	fatal  error
	files  []loadFile
	// parallel execution (submit): the rows in flight, oldest first, and
	// the workers' queue
	window []*specJob
	jobs   chan *specJob
	again  int // rows executed again at commit
	panics int // speculative runs that panicked
	// added is how many keys the writes so far add to the base's (the
	// shared keys' counted at finish)
	added int
	// after finish
	sharedKeys [][]byte // sorted
	n          int
	finished   bool
}

// loadFile names the dump whose rows start at sequence number first.
type loadFile struct {
	first uint64
	name  string
}

// Write kinds in the sorter's payload.
const (
	opSet    byte = 's'
	opDelete byte = 'd'
	opMiss   byte = 'm'
)

// sharedPrefixes are the shared key prefixes of every registry: a load of
// several dumps keeps the same key shared whichever dump writes it.
func sharedPrefixes() [][]byte {
	var out [][]byte
	for _, r := range Registries {
		out = append(out, r.shared...)
	}
	return out
}

// newLeanLoad starts a lean load over base, with its sorter's runs in a
// new directory under dir ("": the system's temporary directory).
func newLeanLoad(base state.Reader, dir string) (*leanLoad, error) {
	l := &leanLoad{base: base, baseVals: map[string][]byte{}, prefixes: sharedPrefixes(), shared: newSharedMap()}
	it, err := base.Iterator(nil, nil, true)
	if err != nil {
		return nil, err
	}
	for ; it.Valid(); it.Next() {
		k := string(it.Key())
		l.baseKeys = append(l.baseKeys, []byte(k))
		l.baseVals[k] = bytes.Clone(it.Value())
	}
	if err := errors.Join(it.Error(), it.Close()); err != nil {
		return nil, err
	}
	if l.dir, err = sorterDir(dir); err != nil {
		return nil, err
	}
	l.writes = newSorter(l.dir, sortBudget)
	return l, nil
}

// baseGet reads the base (its snapshot: safe from any goroutine).
func (l *leanLoad) baseGet(key []byte) []byte { return l.baseVals[string(key)] }

func (l *leanLoad) isShared(key []byte) bool {
	for _, p := range l.prefixes {
		if bytes.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// Get implements state.Reader for the rows' branches.
func (l *leanLoad) Get(key []byte) ([]byte, error) {
	if l.isShared(key) {
		if v, ok := l.shared.get(key); ok {
			return v, nil
		}
		return l.baseGet(key), nil
	}
	v := l.baseGet(key)
	if v == nil {
		l.misses = append(l.misses, bytes.Clone(key))
	}
	return v, nil
}

// Has implements state.Reader.
func (l *leanLoad) Has(key []byte) (bool, error) {
	v, err := l.Get(key)
	return v != nil, err
}

// errLeanIterate is why a row that iterates the store cannot be loaded
// lean: the rows before it are not in one store to iterate.
var errLeanIterate = errors.New("legacy: a row iterates the store, which a bulk import cannot serve")

// Iterator implements state.Reader: a lean load cannot serve it, and the
// load fails.
func (l *leanLoad) Iterator(start, end []byte, ascending bool) (state.Iterator, error) {
	l.fatal = fmt.Errorf("%w (keys from %x)", errLeanIterate, start)
	return nil, l.fatal
}

// Set implements state.Writer.
func (l *leanLoad) Set(key, value []byte) error {
	return l.WriteBatch([]state.Change{{Key: key, Value: value}})
}

// Delete implements state.Writer.
func (l *leanLoad) Delete(key []byte) error {
	return l.WriteBatch([]state.Change{{Key: key}})
}

// WriteBatch implements state.BatchWriter: a kept row's writes.
func (l *leanLoad) WriteBatch(changes []state.Change) error { return l.writeBatch(changes, nil) }

// writeBatch is WriteBatch for a row whose shared reads are known (reads,
// all still valid; nil: none known): a shared key the row read from the
// map is set through the entry it was found at, without a lookup.
func (l *leanLoad) writeBatch(changes []state.Change, reads []specRead) error {
	for _, c := range changes {
		if !l.isShared(c.Key) {
			continue
		}
		i := slices.IndexFunc(reads, func(r specRead) bool { return r.seen.ent != 0 && r.key == string(c.Key) })
		if i >= 0 {
			l.shared.setSeen(reads[i].seen, c.Value)
		} else {
			l.shared.set(c.Key, c.Value)
		}
	}
	for _, c := range changes {
		if l.isShared(c.Key) {
			continue
		}
		// A key no other row writes (the merge checks it): a new key, or
		// one of the base replaced or deleted.
		_, inBase := l.baseVals[string(c.Key)]
		var err error
		if c.Value == nil {
			if inBase {
				l.added--
			}
			err = l.writes.add(c.Key, l.seq, []byte{opDelete})
		} else {
			if !inBase {
				l.added++
			}
			err = l.writes.add(c.Key, l.seq, []byte{opSet}, c.Value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// begin names the dump whose rows follow.
func (l *leanLoad) begin(file string) { l.files = append(l.files, loadFile{first: l.seq, name: file}) }

// where names row seq of the load.
func (l *leanLoad) where(seq uint64) string {
	for i := len(l.files) - 1; i >= 0; i-- {
		if seq >= l.files[i].first {
			return fmt.Sprintf("canonical row %d of %s", seq-l.files[i].first+1, l.files[i].name)
		}
	}
	return fmt.Sprintf("row %d", seq+1)
}

// exec runs one canonical row of reg at origin. refusal is the module's
// refusal of the row (its writes dropped); err is a failure of the load.
func (l *leanLoad) exec(reg *Registry, row []byte, origin Origin) (refusal, err error) {
	if l.finished {
		return nil, errors.New("legacy: load already finished")
	}
	b := state.NewBranch(l)
	l.misses = l.misses[:0]
	refusal = execRow(b, reg, row, origin)
	if l.fatal != nil {
		return nil, fmt.Errorf("%s: %w", l.where(l.seq), l.fatal)
	}
	for _, k := range l.misses {
		if err := l.writes.add(k, l.seq, []byte{opMiss}); err != nil {
			return nil, err
		}
	}
	if refusal != nil {
		b.Discard()
	} else if err := b.Write(); err != nil {
		return nil, err
	}
	l.seq++
	return refusal, nil
}

// finish ends the rows: it sorts the rest of the writes and counts the
// keys of the merged state. With check it also merges everything once,
// which checks that no two rows shared a key they did not declare (see
// leanLoad); without, that check happens while the state is read, whose
// iterator then fails.
func (l *leanLoad) finish(check bool) error {
	if l.finished {
		return nil
	}
	if err := l.flush(); err != nil {
		return err
	}
	if err := l.writes.finish(); err != nil {
		return err
	}
	l.sharedKeys = make([][]byte, 0, l.shared.len())
	for k, v := range l.shared.all() {
		l.sharedKeys = append(l.sharedKeys, []byte(k))
		_, inBase := l.baseVals[k]
		switch {
		case v != nil && !inBase:
			l.added++
		case v == nil && inBase:
			l.added--
		}
	}
	slices.SortFunc(l.sharedKeys, bytes.Compare)
	l.finished = true
	l.n = len(l.baseKeys) + l.added
	if !check {
		return nil
	}
	it, err := l.merged()
	if err != nil {
		return err
	}
	n := 0
	for ; it.Valid(); it.Next() {
		n++
	}
	if err := errors.Join(it.Error(), it.Close()); err != nil {
		return err
	}
	if n != l.n {
		return fmt.Errorf("legacy: the merged state has %d keys, the writes counted %d", n, l.n)
	}
	return nil
}

// Len is the number of keys of the merged state (core.ImportedState).
func (l *leanLoad) Len() int { return l.n }

// merged returns the merged state in ascending key order
// (core.ImportedState's Iterator).
func (l *leanLoad) merged() (state.Iterator, error) {
	if !l.finished {
		return nil, errors.New("legacy: load not finished")
	}
	ws, err := l.writes.open()
	if err != nil {
		return nil, err
	}
	it := &mergedState{l: l, ws: ws}
	it.wok = ws.next()
	it.group()
	it.step()
	return it, nil
}

// Close stops the workers and removes the load's files.
func (l *leanLoad) Close() error {
	if l.jobs != nil {
		close(l.jobs)
		for _, j := range l.window {
			<-j.done
		}
		l.jobs, l.window = nil, nil
	}
	return errors.Join(l.writes.close(), os.RemoveAll(l.dir))
}

// mergedState is the iterator over a lean load's state: the base, the
// shared map and the rows' writes, merged by key; for the same key the
// rows' write wins over the map, the map over the base; deleted keys are
// skipped.
type mergedState struct {
	l   *leanLoad
	bi  int // next base key
	si  int // next shared key
	ws  *sortStream
	wok bool // ws has a record
	// the head group of writes: its key, its write (0: only misses) and
	// the value written
	gvalid bool
	gkey   []byte
	gop    byte
	gval   []byte

	valid      bool
	key, value []byte
	err        error
	// copies holds the keys and values the iterator hands out: they stay
	// valid after it moves on (the tree's builder keeps them until it has
	// written them).
	copies slab
}

// slab makes copies of byte slices in large blocks rather than one
// allocation each: the merge hands out two for each of tens of millions
// of keys. A block is freed once no copy in it is referenced.
type slab struct{ block []byte }

// slabBlock is the size of a slab's blocks; a larger slice gets a block of
// its own.
const slabBlock = 1 << 20

// clone returns a copy of b (nil if b is nil, empty if it is empty),
// capped so that no append through it reaches the rest of the block.
func (s *slab) clone(b []byte) []byte {
	switch {
	case b == nil:
		return nil
	case len(b) == 0:
		return []byte{}
	}
	if len(b) > cap(s.block)-len(s.block) {
		s.block = make([]byte, 0, max(slabBlock, len(b)))
	}
	n := len(s.block)
	s.block = append(s.block, b...)
	return s.block[n:len(s.block):len(s.block)]
}

// group reads the writes and misses of the next key from the sorted
// writes, checking that one row at most wrote it and no later row missed
// it.
func (m *mergedState) group() {
	m.gvalid = false
	if !m.wok {
		if m.ws.err != nil {
			m.err = m.ws.err
		}
		return
	}
	r := m.ws.record()
	m.gkey, m.gop, m.gval = m.copies.clone(r.key), 0, nil
	var writer uint64
	for m.wok {
		r := m.ws.record()
		if !bytes.Equal(r.key, m.gkey) {
			break
		}
		if len(r.payload) == 0 {
			m.err = errors.New("legacy: sorter: empty write record")
			return
		}
		switch op := r.payload[0]; op {
		case opSet, opDelete:
			if m.gop != 0 {
				m.err = fmt.Errorf("legacy: %s and %s both write key %x; a bulk import keeps such a key to one row unless its registry names its prefix as shared",
					m.l.where(writer), m.l.where(r.seq), m.gkey)
				return
			}
			m.gop, writer = op, r.seq
			if op == opSet {
				m.gval = m.copies.clone(r.payload[1:])
			}
		case opMiss:
			if m.gop != 0 && r.seq > writer {
				m.err = fmt.Errorf("legacy: %s reads key %x, which %s wrote before it; a bulk import keeps such a key to one row unless its registry names its prefix as shared",
					m.l.where(r.seq), m.gkey, m.l.where(writer))
				return
			}
		default:
			m.err = fmt.Errorf("legacy: sorter: unknown write kind %q", op)
			return
		}
		m.wok = m.ws.next()
	}
	if !m.wok && m.ws.err != nil {
		m.err = m.ws.err
		return
	}
	m.gvalid = true
}

// step moves to the next key that has a value.
func (m *mergedState) step() {
	m.valid = false
	for m.err == nil {
		var k []byte
		if m.bi < len(m.l.baseKeys) {
			k = m.l.baseKeys[m.bi]
		}
		if m.si < len(m.l.sharedKeys) {
			if sk := m.l.sharedKeys[m.si]; k == nil || bytes.Compare(sk, k) < 0 {
				k = sk
			}
		}
		if m.gvalid && (k == nil || bytes.Compare(m.gkey, k) < 0) {
			k = m.gkey
		}
		if k == nil {
			return
		}
		var (
			value   []byte
			decided bool
		)
		if m.gvalid && bytes.Equal(m.gkey, k) {
			switch m.gop {
			case opSet:
				value, decided = m.gval, true
			case opDelete:
				decided = true
			}
			m.group()
		}
		if m.si < len(m.l.sharedKeys) && bytes.Equal(m.l.sharedKeys[m.si], k) {
			if !decided {
				value, _ = m.l.shared.get(k)
				decided = true
			}
			m.si++
		}
		if m.bi < len(m.l.baseKeys) && bytes.Equal(m.l.baseKeys[m.bi], k) {
			if !decided {
				value = m.l.baseVals[string(k)]
			}
			m.bi++
		}
		if value != nil {
			m.key, m.value, m.valid = k, value, true
			return
		}
	}
}

// Valid implements state.Iterator.
func (m *mergedState) Valid() bool { return m.valid && m.err == nil }

// Next implements state.Iterator.
func (m *mergedState) Next() { m.step() }

// Key implements state.Iterator.
func (m *mergedState) Key() []byte { return m.key }

// Value implements state.Iterator.
func (m *mergedState) Value() []byte { return m.value }

// Error implements state.Iterator.
func (m *mergedState) Error() error { return m.err }

// Close implements state.Iterator.
func (m *mergedState) Close() error { return m.ws.close() }

var _ core.ImportedState = (*importedState)(nil)

// importedState is a finished lean load as core.ImportedState.
type importedState struct{ l *leanLoad }

func (s *importedState) Len() int                          { return s.l.Len() }
func (s *importedState) Iterator() (state.Iterator, error) { return s.l.merged() }
func (s *importedState) Close() error                      { return s.l.Close() }

// Parallel execution. submit hands rows to workers that execute each on
// its own branch over a specView: the shared keys as committed so far
// (each read recorded with the value seen) and the base. The submitting
// goroutine commits the rows in order: a row whose every shared read
// still holds the value it saw would execute now exactly as it did, so its
// writes and misses are applied as they are; any other row is executed
// again, in order, by exec. The state and the refusals are those of exec
// on every row in turn, whatever the workers' timing.

// specWindow is how many rows may be in flight.
const specWindow = 256

// specJob is one row in flight.
type specJob struct {
	reg     *Registry
	row     []byte
	origin  Origin
	result  func(refusal error) error
	reads   []specRead
	misses  [][]byte
	changes []state.Change
	refusal error
	fatal   error
	// panicked: the speculative execution panicked
	panicked bool
	done     chan struct{}
}

// specRead is a shared key a job read and what it saw.
type specRead struct {
	key     string
	value   []byte
	present bool
	seen    sharedSeen // where the map had it (seen.ent 0: not in the map)
}

// submit queues row of reg at origin; result is called with the row's
// refusal (nil: kept), in the order the rows were submitted, on this
// goroutine, by a later submit, flush or finish.
func (l *leanLoad) submit(reg *Registry, row []byte, origin Origin, result func(refusal error) error) error {
	if l.finished {
		return errors.New("legacy: load already finished")
	}
	if l.jobs == nil {
		l.jobs = make(chan *specJob, specWindow)
		for range max(1, runtime.GOMAXPROCS(0)) {
			go func(jobs <-chan *specJob) {
				for j := range jobs {
					j.run(l)
					close(j.done)
				}
			}(l.jobs)
		}
	}
	j := &specJob{reg: reg, row: row, origin: origin, result: result, done: make(chan struct{})}
	l.window = append(l.window, j)
	l.jobs <- j
	if len(l.window) >= specWindow {
		return l.commitOldest()
	}
	return nil
}

// run submits the rows rows yields (in order, each with its line) as reg's
// messages at origin and commits them all; result is told each row's
// outcome in the same order (refusal nil: kept). Every ProgressEvery rows
// it stops if ctx has ended and tells progress (may be nil) the rows
// submitted.
func (l *leanLoad) run(ctx context.Context, rows func(yield func(line int, row []byte) error) error, reg *Registry, origin Origin,
	progress func(done int), result func(line int, row []byte, refusal error) error) error {
	done := 0
	err := rows(func(line int, row []byte) error {
		if done%ProgressEvery == 0 && done > 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("legacy: stopped after %d rows: %w", done, err)
			}
			if progress != nil {
				progress(done)
			}
		}
		done++
		return l.submit(reg, row, origin, func(refusal error) error { return result(line, row, refusal) })
	})
	if err != nil {
		return err
	}
	return l.flush()
}

// flush commits every row in flight.
func (l *leanLoad) flush() error {
	for len(l.window) > 0 {
		if err := l.commitOldest(); err != nil {
			return err
		}
	}
	return nil
}

func (l *leanLoad) commitOldest() error {
	j := l.window[0]
	l.window[0] = nil
	l.window = l.window[1:]
	<-j.done
	// A speculative run that panicked or failed the load may have seen
	// shared keys from different moments: only the run in order decides.
	valid := !j.panicked && j.fatal == nil
	for _, r := range j.reads {
		if !valid {
			break
		}
		if l.shared.same(r.seen) {
			continue
		}
		v, ok := l.shared.getString(r.key) // this goroutine is the only writer
		if !ok {
			v = l.baseVals[r.key]
		}
		valid = (v != nil) == r.present && bytes.Equal(v, r.value)
	}
	if j.panicked {
		l.panics++
	}
	if !valid {
		l.again++
		refusal, err := l.exec(j.reg, j.row, j.origin)
		if err != nil {
			return err
		}
		return j.result(refusal)
	}
	for _, k := range j.misses {
		// A kept row's miss of a key it then writes itself is left out:
		// any other row writing that key fails the merge as a second
		// writer, whichever came first.
		if j.refusal == nil && slices.ContainsFunc(j.changes, func(c state.Change) bool { return bytes.Equal(c.Key, k) }) {
			continue
		}
		if err := l.writes.add(k, l.seq, []byte{opMiss}); err != nil {
			return err
		}
	}
	if j.refusal == nil {
		if err := l.writeBatch(j.changes, j.reads); err != nil {
			return err
		}
	}
	l.seq++
	return j.result(j.refusal)
}

// run executes the job's row on a branch over its view. A panic is not
// the row's outcome: the row saw shared keys from different moments and is
// executed again, in order, at its commit.
func (j *specJob) run(l *leanLoad) {
	defer func() {
		if recover() != nil {
			j.panicked = true
		}
	}()
	v := &specView{l: l, j: j}
	b := state.NewBranch(v)
	j.refusal = execRow(b, j.reg, j.row, j.origin)
	if j.refusal == nil && j.fatal == nil {
		if err := b.Write(); err != nil {
			j.fatal = err
		}
	}
}

// specView is a job's view of the load: see the Parallel execution
// comment.
type specView struct {
	l *leanLoad
	j *specJob
}

// Get implements state.Reader.
func (v *specView) Get(key []byte) ([]byte, error) {
	l := v.l
	if l.isShared(key) {
		val, ok, seen := l.shared.load(key)
		if !ok {
			val = l.baseGet(key)
		}
		v.j.reads = append(v.j.reads, specRead{key: string(key), value: val, present: val != nil, seen: seen})
		return val, nil
	}
	val := l.baseGet(key)
	if val == nil {
		v.j.misses = append(v.j.misses, bytes.Clone(key))
	}
	return val, nil
}

// Has implements state.Reader.
func (v *specView) Has(key []byte) (bool, error) {
	val, err := v.Get(key)
	return val != nil, err
}

// Iterator implements state.Reader: as leanLoad's, it fails the load.
func (v *specView) Iterator(start, end []byte, ascending bool) (state.Iterator, error) {
	v.j.fatal = fmt.Errorf("%w (keys from %x)", errLeanIterate, start)
	return nil, v.j.fatal
}

// Set implements state.Writer.
func (v *specView) Set(key, value []byte) error {
	return v.WriteBatch([]state.Change{{Key: key, Value: value}})
}

// Delete implements state.Writer.
func (v *specView) Delete(key []byte) error { return v.WriteBatch([]state.Change{{Key: key}}) }

// WriteBatch implements state.BatchWriter: the row's writes, kept until
// the row commits.
func (v *specView) WriteBatch(changes []state.Change) error {
	v.j.changes = append(v.j.changes, changes...)
	return nil
}

// sharedMap is the shared keys' values, split into shards by a hash of the
// key, each under its own lock: one goroutine writes (set) and reads
// without locking (get); the workers read (load) under the shard's read
// lock, so a write blocks only the readers of its own shard, not every
// worker at every committed row.
//
// A shard holds no pointers the garbage collector must follow but its
// chunks': keys and values are appended to an arena of byte chunks,
// entries are positions in it, and the index maps a key's 64-bit hash to
// its entry. At national scale the map holds millions of keys (one total
// per owner), and a map of strings to slices made the collector trace
// every one of them at each cycle. The arena grows by new chunks, so
// growing copies nothing. Bytes once written to a chunk never change, so
// a value returned by get or load stays valid after later writes (a
// compaction writes new chunks, and the old ones live on while a value
// refers to them); and an entry whose value still has the position and
// length a reader saw, in the same generation of chunks, still has the
// value it saw (see sharedSeen).
type sharedMap struct {
	seed   maphash.Seed
	shards [sharedShards]sharedShard
}

const sharedShards = 64

// sharedChunk is the size of a shard's arena chunks once it has grown
// (the first are smaller, so that a small load stays small); a larger
// key or value gets a chunk of its own size.
const sharedChunk = 1 << 20

type sharedShard struct {
	mu sync.RWMutex
	// index maps a key's hash to its first entry, plus one; entries with
	// the same hash are chained by next.
	index map[uint64]uint32
	ents  []sharedEnt
	// chunks is the arena; a position in it is chunk<<32 | offset.
	chunks [][]byte
	// used counts the bytes appended to the chunks, dead those no entry
	// refers to any more.
	used, dead int
	// compactions counts the arena's compactions: each starts new chunks.
	compactions uint32
}

// sharedEnt is a key and its latest value in a shard's arena: at
// positions kpos and vpos.
type sharedEnt struct {
	kpos, vpos uint64
	klen, vlen uint32
	next       uint32 // the next entry with the same hash, plus one; 0: none
	deleted    bool   // the value is nil
}

// sharedSeen is where a reader found a shared key: its shard and entry,
// the shard's generation (compactions) and the value's position, length
// and presence. Until the entry is set again or the shard compacts, those
// stay the same, and so does the value (its bytes never change): the
// writer checks that without looking the key up again (sharedMap.same),
// and sets the key through the entry (sharedMap.setSeen).
type sharedSeen struct {
	shard   uint32
	ent     uint32 // plus one; 0: the key was absent
	gen     uint32
	vlen    uint32
	vpos    uint64
	deleted bool
}

// compactAt is how many dead arena bytes a shard keeps before it compacts
// (when they are also more than the live ones); a variable for the tests.
var compactAt = 16 << 20

func newSharedMap() *sharedMap {
	s := &sharedMap{seed: maphash.MakeSeed()}
	for i := range s.shards {
		s.shards[i].index = map[uint64]uint32{}
	}
	return s
}

func (s *sharedMap) shardOf(h uint64) uint32 { return uint32(h % sharedShards) }

// at is the n bytes at position pos of the arena.
func (sh *sharedShard) at(pos uint64, n uint32) []byte { return chunkAt(sh.chunks, pos, n) }

// chunkAt is the n bytes at position pos of chunks, capped so that no
// append through them reaches a chunk.
func chunkAt(chunks [][]byte, pos uint64, n uint32) []byte {
	c, off := chunks[pos>>32], uint32(pos)
	return c[off : off+n : off+n]
}

// put appends b to the arena and returns its position.
func (sh *sharedShard) put(b []byte) uint64 {
	n := len(sh.chunks)
	if n == 0 || len(sh.chunks[n-1])+len(b) > cap(sh.chunks[n-1]) {
		size := sharedChunk
		if n > 0 {
			size = min(size, 2*cap(sh.chunks[n-1]))
		} else {
			size = 4 << 10
		}
		sh.chunks = append(sh.chunks, make([]byte, 0, max(size, len(b))))
		n++
	}
	c := &sh.chunks[n-1]
	pos := uint64(n-1)<<32 | uint64(len(*c))
	*c = append(*c, b...)
	sh.used += len(b)
	return pos
}

// find returns key's entry, plus one (0: absent).
func (sh *sharedShard) find(h uint64, key []byte) uint32 {
	for i := sh.index[h]; i != 0; i = sh.ents[i-1].next {
		e := &sh.ents[i-1]
		if bytes.Equal(sh.at(e.kpos, e.klen), key) {
			return i
		}
	}
	return 0
}

// value is entry i's value (nil: deleted).
func (sh *sharedShard) value(i uint32) []byte {
	e := &sh.ents[i-1]
	if e.deleted {
		return nil
	}
	return sh.at(e.vpos, e.vlen)
}

// seen is where entry i (0: none) of shard si stands now.
func (sh *sharedShard) seen(si, i uint32) sharedSeen {
	if i == 0 {
		return sharedSeen{shard: si}
	}
	e := &sh.ents[i-1]
	return sharedSeen{shard: si, ent: i, gen: sh.compactions, vlen: e.vlen, vpos: e.vpos, deleted: e.deleted}
}

func (s *sharedMap) lookup(h uint64, key []byte, lock bool) ([]byte, bool, sharedSeen) {
	si := s.shardOf(h)
	sh := &s.shards[si]
	if lock {
		sh.mu.RLock()
		defer sh.mu.RUnlock()
	}
	i := sh.find(h, key)
	if i == 0 {
		return nil, false, sharedSeen{shard: si}
	}
	return sh.value(i), true, sh.seen(si, i)
}

// get is the writer's read: no lock.
func (s *sharedMap) get(key []byte) ([]byte, bool) {
	v, ok, _ := s.lookup(maphash.Bytes(s.seed, key), key, false)
	return v, ok
}

// getString is get of a key held as a string.
func (s *sharedMap) getString(key string) ([]byte, bool) {
	v, ok, _ := s.lookup(maphash.String(s.seed, key), []byte(key), false)
	return v, ok
}

// load is a worker's read; seen tells where it found the key.
func (s *sharedMap) load(key []byte) (value []byte, ok bool, seen sharedSeen) {
	return s.lookup(maphash.Bytes(s.seed, key), key, true)
}

// same reports whether the key a reader found at seen (present then) has
// not been set since; the writer's only. False does not mean the value
// differs: the caller then compares it.
func (s *sharedMap) same(seen sharedSeen) bool {
	if seen.ent == 0 {
		return false
	}
	sh := &s.shards[seen.shard]
	return sh.seen(seen.shard, seen.ent) == seen
}

// set stores value under key (nil: deleted); the writer's only.
func (s *sharedMap) set(key, value []byte) {
	h := maphash.Bytes(s.seed, key)
	si := s.shardOf(h)
	sh := &s.shards[si]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	i := sh.find(h, key)
	if i == 0 {
		sh.ents = append(sh.ents, sharedEnt{kpos: sh.put(key), klen: uint32(len(key)), next: sh.index[h]})
		i = uint32(len(sh.ents))
		sh.index[h] = i
	}
	sh.setEnt(i, value)
}

// setSeen stores value under the key a reader found at seen (present:
// seen.ent is not 0), without looking it up; the writer's only.
func (s *sharedMap) setSeen(seen sharedSeen, value []byte) {
	sh := &s.shards[seen.shard]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.setEnt(seen.ent, value)
}

// setEnt stores value as entry i's; the shard is locked.
func (sh *sharedShard) setEnt(i uint32, value []byte) {
	e := &sh.ents[i-1]
	sh.dead += int(e.vlen)
	e.deleted = value == nil
	e.vpos, e.vlen = sh.put(value), uint32(len(value))
	if sh.dead > compactAt && sh.dead > sh.used-sh.dead {
		sh.compact()
	}
}

// compact copies the live keys and values into new chunks.
func (sh *sharedShard) compact() {
	old := sh.chunks
	sh.chunks, sh.used, sh.dead = nil, 0, 0
	for i := range sh.ents {
		e := &sh.ents[i]
		e.kpos = sh.put(chunkAt(old, e.kpos, e.klen))
		e.vpos = sh.put(chunkAt(old, e.vpos, e.vlen))
	}
	sh.compactions++
}

func (s *sharedMap) len() int {
	n := 0
	for i := range s.shards {
		n += len(s.shards[i].ents)
	}
	return n
}

// all yields every key and value, shard by shard (the writer's, after the
// last set).
func (s *sharedMap) all() iter.Seq2[string, []byte] {
	return func(yield func(string, []byte) bool) {
		for i := range s.shards {
			sh := &s.shards[i]
			for j := range sh.ents {
				e := &sh.ents[j]
				if !yield(string(sh.at(e.kpos, e.klen)), sh.value(uint32(j+1))) {
					return
				}
			}
		}
	}
}
