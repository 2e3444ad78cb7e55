package memiavlengine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	ics23 "github.com/cosmos/ics23/go"
	"github.com/crypto-org-chain/cronos/memiavl"
	"github.com/tidwall/wal"

	"github.com/govchain/govchain/internal/durable"
	"github.com/govchain/govchain/state"
)

// Dir is the directory, inside a store's directory, that holds the engine's
// files.
const Dir = "memiavl"

// treeName is the one tree of the memiavl DB; its root hash is the app hash.
const treeName = "state"

// memiavl keeps its files as described in memiavl/db.go: snapshot-N
// directories (mmap-ed by the trees), a "current" symlink naming the newest,
// and a tidwall/wal write-ahead log whose segment files are named by the
// 20-digit index of their first entry; the index of version v is v.
const (
	memSnapshotPrefix = "snapshot-"
	memCurrent        = "current"
	memWALDir         = "wal"
	walSegmentNameLen = 20
)

// generation guards the memory maps of one memiavl DB instance. A tree copy
// (a view, a snapshot writer) holds a read lock for as long as it reads; the
// DB is only closed (which unmaps its snapshot) under the write lock.
type generation struct{ mu sync.RWMutex }

// Engine is the memiavl engine. The DB's own snapshot rewriting is off (its
// interval is set beyond any version): the engine rewrites snapshots itself
// so that it can switch to a new one only when no view still reads the old
// one's memory maps.
type Engine struct {
	dir  string
	cfg  state.Config
	db   *memiavl.DB
	tree *memiavl.Tree // the working tree
	// committed is a copy of the tree as of the last commit, for views.
	committed *memiavl.Tree
	gen       *generation
	dirty     bool
	// loads counts the DB loads, each of which starts a generation.
	loads uint64
	// snapshot is the version of the snapshot the loaded DB reads its
	// tree from; read without the store's lock (metrics).
	snapshot atomic.Int64
	// trash wakes the goroutine that empties the trash (emptyTrash): one
	// pending wake-up at most; trashDone is closed when it has ended.
	trash     chan struct{}
	trashDone chan struct{}

	// rewrite receives the result of the running snapshot rewrite; nil when
	// none runs. switchReady is set once a rewrite finished.
	rewrite       chan error
	cancelRewrite context.CancelFunc
	switchReady   bool
}

var _ state.Engine = (*Engine)(nil)

// Open opens the memiavl DB in parent/Dir (creating it if target is 0) at
// exactly version target, rolling back later versions, and returns the
// engine and that version's hash.
func Open(parent string, cfg state.Config, target int64) (*Engine, []byte, error) {
	if target > math.MaxUint32 {
		return nil, nil, fmt.Errorf("memiavlengine: version %d exceeds memiavl's limit", target)
	}
	m := &Engine{dir: filepath.Join(parent, Dir), cfg: cfg, trash: make(chan struct{}, 1), trashDone: make(chan struct{})}
	if err := m.load(target); err != nil {
		return nil, nil, err
	}
	go m.deleteTrash()
	m.emptyTrash() // what a crash or a failed deletion left
	return m, m.committed.RootHash(), nil
}

// load opens the DB at version target (rolling back later versions) and
// starts a new generation. The DB must be closed.
func (m *Engine) load(target int64) error {
	w, err := readMemWAL(m.dir)
	if err != nil {
		return fmt.Errorf("%w: memiavl: %v", state.ErrCorrupt, err)
	}
	if w.latest < target {
		return fmt.Errorf("%w: memiavl holds versions up to %d, behind the marker's %d", state.ErrCorrupt, w.latest, target)
	}
	overwrite := target > 0 && w.latest > target
	if overwrite && w.index(target) == 0 {
		// target is the version of an imported snapshot and the log holds
		// only later versions: memiavl cannot truncate the log to nothing.
		if err := m.resetToImport(target); err != nil {
			return fmt.Errorf("memiavlengine: roll back to imported version %d: %w", target, err)
		}
		overwrite = false
	}
	opts := memiavl.Options{
		CreateIfMissing:    target == 0,
		InitialStores:      []string{treeName},
		AsyncCommitBuffer:  -1,
		SnapshotInterval:   math.MaxUint32,
		SnapshotKeepRecent: m.cfg.KeepRecent,
		CacheSize:          m.cfg.CacheSize,
		TargetVersion:      uint32(target),
		LoadForOverwriting: overwrite,
	}
	db, err := memiavl.Load(m.dir, opts)
	if err != nil {
		return fmt.Errorf("memiavlengine: load version %d: %w", target, err)
	}
	if v := db.Version(); v != target {
		return errors.Join(fmt.Errorf("%w: memiavl loaded version %d, want %d", state.ErrCorrupt, v, target), db.Close())
	}
	tree := db.TreeByName(treeName)
	if tree == nil {
		return errors.Join(fmt.Errorf("%w: memiavl has no %q tree", state.ErrCorrupt, treeName), db.Close())
	}
	// Creating, rolling back and truncating touched directories that
	// memiavl does not fsync.
	if err := errors.Join(syncWAL(m.dir), durable.Sync(m.dir)); err != nil {
		return errors.Join(fmt.Errorf("memiavlengine: %w", err), db.Close())
	}
	if target == 0 {
		if err := syncTree(m.dir); err != nil {
			return errors.Join(fmt.Errorf("memiavlengine: %w", err), db.Close())
		}
	}
	m.db, m.tree, m.dirty = db, tree, false
	m.committed = tree.Copy(0)
	m.gen = &generation{}
	m.loads++
	m.snapshot.Store(db.SnapshotVersion())
	return nil
}

// Snapshot returns the version of the snapshot on disk that the tree is
// read from (its memory maps); versions after it are on the heap and in
// the write-ahead log. It changes when the engine switches to a newer
// snapshot after a rewrite, or after a rollback or import reloads the DB.
// Safe to call concurrently with anything.
func (m *Engine) Snapshot() int64 { return m.snapshot.Load() }

// SetSnapshotInterval sets how many versions pass between snapshot
// rewrites, from the next commit on (Config.SnapshotInterval at Open); n
// must be at least 1. A rewrite starts after a commit whose version is a
// multiple of n.
func (m *Engine) SetSnapshotInterval(n uint32) { m.cfg.SnapshotInterval = max(n, 1) }

// Loads reports how many times the engine has loaded its DB from disk: once
// at Open, then once for each switch to a rewritten snapshot, each Rollback
// of written state and each import. It rises when the tree starts reading a
// new snapshot's memory maps.
func (m *Engine) Loads() uint64 { return m.loads }

// resetToImport removes the log and any snapshot after the imported
// snapshot-<version>, and points "current" back at it.
func (m *Engine) resetToImport(version int64) error {
	if err := m.removeSnapshots(func(v int64) bool { return v > version }); err != nil {
		return err
	}
	if err := setCurrent(m.dir, snapshotDirName(version)); err != nil {
		return err
	}
	if err := os.RemoveAll(filepath.Join(m.dir, memWALDir)); err != nil {
		return err
	}
	return durable.Sync(m.dir)
}

// memWAL describes memiavl's files in a directory. Version v is WAL index
// v-initial+1 when the DB has an initial version above 1 (an imported
// snapshot at height h has initial version h+1), otherwise index v.
type memWAL struct {
	initial     int64
	first, last uint64
	latest      int64
}

func (w memWAL) index(v int64) uint64 {
	if w.initial > 1 {
		return uint64(max(v-w.initial+1, 0))
	}
	return uint64(v)
}

// readMemWAL reads the current snapshot's metadata and the WAL's bounds;
// latest is the newest version memiavl could load.
func readMemWAL(dir string) (memWAL, error) {
	var w memWAL
	bz, err := os.ReadFile(filepath.Join(dir, memCurrent, memiavl.MetadataFileName))
	if errors.Is(err, os.ErrNotExist) {
		return w, nil // not created yet
	}
	if err != nil {
		return w, err
	}
	var md memiavl.MultiTreeMetadata
	if err := md.Unmarshal(bz); err != nil {
		return w, fmt.Errorf("snapshot metadata: %w", err)
	}
	w.initial = md.InitialVersion
	if md.CommitInfo != nil {
		w.latest = md.CommitInfo.Version
	}
	walDir := filepath.Join(dir, memWALDir)
	if _, err := os.Stat(walDir); errors.Is(err, os.ErrNotExist) {
		return w, nil
	}
	log, err := memiavl.OpenWAL(walDir, &wal.Options{NoCopy: true, NoSync: true})
	if err != nil {
		return w, err
	}
	first, err1 := log.FirstIndex()
	last, err2 := log.LastIndex()
	if err := errors.Join(err1, err2, log.Close()); err != nil {
		return w, err
	}
	w.first, w.last = first, last
	if last > 0 {
		v := int64(last)
		if w.initial > 1 {
			v += w.initial - 1
		}
		w.latest = max(w.latest, v)
	}
	return w, nil
}

func parseSnapshotName(name string) (int64, error) {
	if !strings.HasPrefix(name, memSnapshotPrefix) || len(name) != len(memSnapshotPrefix)+20 {
		return 0, fmt.Errorf("not a snapshot name: %q", name)
	}
	return strconv.ParseInt(name[len(memSnapshotPrefix):], 10, 64)
}

func snapshotDirName(v int64) string { return fmt.Sprintf("%s%020d", memSnapshotPrefix, v) }

// syncWAL makes memiavl's write-ahead log durable. memiavl opens it with
// NoSync; tidwall/wal appends only to the last segment (it fsyncs a segment
// before starting the next), so fsyncing the last segment file and the
// directory (a new segment may have been created) covers every entry.
func syncWAL(dir string) error {
	walDir := filepath.Join(dir, memWALDir)
	entries, err := os.ReadDir(walDir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	last := ""
	for _, e := range entries {
		if n := e.Name(); len(n) == walSegmentNameLen && !e.IsDir() && n > last {
			last = n
		}
	}
	if last != "" {
		if err := durable.Sync(filepath.Join(walDir, last)); err != nil {
			return err
		}
	}
	return durable.Sync(walDir)
}

// Get implements state.Reader on the working tree.
func (m *Engine) Get(key []byte) ([]byte, error) { return m.tree.Get(key), nil }

// Has implements state.Reader on the working tree.
func (m *Engine) Has(key []byte) (bool, error) { return m.tree.Has(key), nil }

// Iterator implements state.Reader on the working tree.
func (m *Engine) Iterator(start, end []byte, ascending bool) (state.Iterator, error) {
	return m.tree.Iterator(start, end, ascending), nil
}

// Set implements state.Writer.
func (m *Engine) Set(key, value []byte) error {
	m.dirty = true
	return m.db.ApplyChangeSet(treeName, memiavl.ChangeSet{Pairs: []*memiavl.KVPair{{Key: key, Value: value}}})
}

// Delete implements state.Writer.
func (m *Engine) Delete(key []byte) error {
	if !m.tree.Has(key) {
		return nil
	}
	m.dirty = true
	return m.db.ApplyChangeSet(treeName, memiavl.ChangeSet{Pairs: []*memiavl.KVPair{{Key: key, Delete: true}}})
}

// WriteBatch implements state.Engine: runs of sets go to memiavl as one
// change set each, in order; a deletion is applied on its own, and only if
// the key is present (as Delete does), so the tree and the write-ahead log
// see the same sequence as one Set or Delete per change.
func (m *Engine) WriteBatch(changes []state.Change) error {
	pairs := make([]memiavl.KVPair, len(changes))
	run := make([]*memiavl.KVPair, 0, len(changes))
	flush := func() error {
		if len(run) == 0 {
			return nil
		}
		m.dirty = true
		err := m.db.ApplyChangeSet(treeName, memiavl.ChangeSet{Pairs: run})
		// memiavl may keep run as its pending log and append to it.
		run = nil
		return err
	}
	for i, c := range changes {
		if c.Value != nil {
			pairs[i] = memiavl.KVPair{Key: c.Key, Value: c.Value}
			run = append(run, &pairs[i])
			continue
		}
		if err := flush(); err != nil {
			return err
		}
		if err := m.Delete(c.Key); err != nil {
			return err
		}
	}
	return flush()
}

// WorkingHash implements state.Engine.
func (m *Engine) WorkingHash() []byte { return m.tree.RootHash() }

// Commit saves the version into the tree and the WAL, then fsyncs the WAL.
func (m *Engine) Commit() ([]byte, int64, error) {
	v, err := m.db.Commit()
	if err != nil {
		return nil, 0, err
	}
	if err := syncWAL(m.dir); err != nil {
		return nil, 0, fmt.Errorf("fsync wal: %w", err)
	}
	m.dirty = false
	m.committed = m.tree.Copy(0)
	return m.committed.RootHash(), v, nil
}

// AfterCommit collects a finished snapshot rewrite, switches to the new
// snapshot when no view reads the old one, and starts a rewrite every
// SnapshotInterval versions.
func (m *Engine) AfterCommit(version int64) error {
	if m.rewrite != nil {
		select {
		case err := <-m.rewrite:
			m.rewrite, m.cancelRewrite = nil, nil
			if err != nil {
				return fmt.Errorf("memiavl snapshot rewrite: %w", err)
			}
			m.switchReady = true
		default:
		}
	}
	if m.switchReady && m.gen.mu.TryLock() {
		return m.reload()
	}
	if m.rewrite == nil && !m.switchReady && version%int64(m.cfg.SnapshotInterval) == 0 {
		m.startRewrite(version)
	}
	return nil
}

// startRewrite writes the committed tree as snapshot-<version> in the
// background and points "current" at it once it is durable.
func (m *Engine) startRewrite(version int64) {
	g := m.gen
	g.mu.RLock()
	cp := m.db.Copy()
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan error, 1)
	m.rewrite, m.cancelRewrite = ch, cancel
	dir := m.dir
	go func() {
		defer g.mu.RUnlock()
		// cp shares the DB's snapshot: it must never be closed.
		ch <- writeMemSnapshot(ctx, cp, dir, version)
	}()
}

func writeMemSnapshot(ctx context.Context, cp *memiavl.DB, dir string, version int64) error {
	name := snapshotDirName(version)
	tmp := filepath.Join(dir, name+memiavl.TmpSuffix)
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	if err := cp.WriteSnapshotWithContext(ctx, tmp); err != nil {
		return errors.Join(err, os.RemoveAll(tmp))
	}
	if err := syncTree(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return err
	}
	if err := durable.Sync(dir); err != nil {
		return err
	}
	return setCurrent(dir, name)
}

// setCurrent atomically and durably points the "current" symlink at name.
func setCurrent(dir, name string) error {
	tmp := filepath.Join(dir, memCurrent+memiavl.TmpSuffix)
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Symlink(name, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, memCurrent)); err != nil {
		return err
	}
	return durable.Sync(dir)
}

// reload closes the DB, prunes snapshots and the WAL, and reopens the DB at
// the last committed version; uncommitted writes are lost. The caller holds
// m.gen.mu for writing (no view reads the old DB's memory maps).
func (m *Engine) reload() error {
	old := m.gen
	defer old.mu.Unlock()
	version := m.db.Version()
	if m.rewrite != nil {
		// The writer released its read lock before we got the write lock,
		// so its result is waiting.
		err := <-m.rewrite
		m.rewrite, m.cancelRewrite = nil, nil
		if err != nil {
			return fmt.Errorf("memiavl snapshot rewrite: %w", err)
		}
	}
	m.switchReady = false
	if err := m.db.Close(); err != nil {
		return fmt.Errorf("close memiavl: %w", err)
	}
	if err := m.prune(version); err != nil {
		return fmt.Errorf("prune memiavl: %w", err)
	}
	return m.load(version)
}

// prune removes all but the newest snapshot at or below version and the
// KeepRecent snapshots before it, then the WAL segments that hold only
// entries older than the oldest snapshot kept. The DB must be closed.
//
// It runs inside the commit that switches to a new snapshot, so it only
// moves what it prunes into a directory of the trash (renames, then an
// fsync of the directories they left) and deletes that in the background:
// deleting a snapshot or a thousand versions of log takes from a tenth of
// a second to seconds on a disk mounted with discard, which a block would
// otherwise wait for. A rename is atomic: after a crash each pruned entry
// is either still in place (pruned again at the next switch) or in the
// trash (deleted when the engine next opens).
func (m *Engine) prune(version int64) error {
	snaps, err := m.snapshots()
	if err != nil {
		return err
	}
	var upTo []int64
	for _, v := range snaps {
		if v <= version {
			upTo = append(upTo, v)
		}
	}
	keep := 1 + int(m.cfg.KeepRecent)
	if len(upTo) <= keep {
		return nil
	}
	oldest := upTo[len(upTo)-keep]
	w, err := readMemWAL(m.dir)
	if err != nil {
		return err
	}
	// Whole segments only, each ending before the entry of the oldest
	// kept snapshot's own version (so that rolling back to exactly that
	// version can still truncate the log behind it). The rest of the
	// segment holding that entry stays: a few versions more of log.
	walDir := filepath.Join(m.dir, memWALDir)
	var segments []string
	if idx := w.index(oldest); idx > w.first && idx <= w.last {
		if segments, err = walSegmentsBefore(walDir, idx); err != nil {
			return err
		}
	}
	trash, err := m.newTrash(version)
	if err != nil {
		return err
	}
	for _, v := range upTo[:len(upTo)-keep] {
		name := snapshotDirName(v)
		if err := os.Rename(filepath.Join(m.dir, name), filepath.Join(trash, name)); err != nil {
			return err
		}
	}
	// In ascending order: a crash that keeps only the first renames
	// leaves a log that starts later, without a gap.
	for _, name := range segments {
		if err := os.Rename(filepath.Join(walDir, name), filepath.Join(trash, name)); err != nil {
			return err
		}
	}
	if err := errors.Join(durable.Sync(m.dir), durable.Sync(walDir)); err != nil {
		return err
	}
	m.emptyTrash()
	return nil
}

// walSegmentsBefore returns the names, ascending, of the WAL segment files
// in walDir whose entries all come before index idx: every segment but the
// last whose successor starts at or before idx.
func walSegmentsBefore(walDir string, idx uint64) ([]string, error) {
	entries, err := os.ReadDir(walDir)
	if err != nil {
		return nil, err
	}
	var names []string
	var starts []uint64
	for _, e := range entries { // ReadDir sorts by name: 20 digits sort as numbers
		n := e.Name()
		if len(n) != walSegmentNameLen || e.IsDir() {
			continue
		}
		start, err := strconv.ParseUint(n, 10, 64)
		if err != nil {
			continue
		}
		names, starts = append(names, n), append(starts, start)
	}
	var out []string
	for k := 0; k+1 < len(names) && starts[k+1] <= idx; k++ {
		out = append(out, names[k])
	}
	return out, nil
}

// trashDir holds what prune moved out of the engine's directory until it
// is deleted: beside that directory, not in it, because memiavl's Load
// deletes the "-tmp" entries in it before it returns.
func (m *Engine) trashDir() string { return m.dir + ".pruned" }

// newTrash creates and returns an empty directory in the trash for one
// prune at version: named by the version, with a suffix if a directory of
// that name is still there.
func (m *Engine) newTrash(version int64) (string, error) {
	if err := os.MkdirAll(m.trashDir(), 0o755); err != nil {
		return "", err
	}
	base := filepath.Join(m.trashDir(), fmt.Sprintf("%020d", version))
	for n := 0; ; n++ {
		p := base
		if n > 0 {
			p = fmt.Sprintf("%s-%d", base, n)
		}
		err := os.Mkdir(p, 0o755)
		if err == nil {
			return p, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return "", err
		}
	}
}

// emptyTrash has the trash deleted in the background, after what is
// being deleted now, if anything; Close waits for the deletion.
func (m *Engine) emptyTrash() {
	select {
	case m.trash <- struct{}{}:
	default: // a wake-up is pending: it will see this prune's files too
	}
}

// deleteTrash deletes everything in the trash at each wake-up, until
// Close. A deletion that fails leaves the trash for the next one.
func (m *Engine) deleteTrash() {
	defer close(m.trashDone)
	for range m.trash {
		entries, _ := os.ReadDir(m.trashDir())
		for _, e := range entries {
			_ = os.RemoveAll(filepath.Join(m.trashDir(), e.Name()))
		}
	}
}

// snapshots lists the snapshot versions in the directory, ascending.
func (m *Engine) snapshots() ([]int64, error) {
	entries, err := os.ReadDir(m.dir)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, e := range entries {
		if v, err := parseSnapshotName(e.Name()); err == nil && e.IsDir() {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

// removeSnapshots removes the snapshots whose version matches. Each is
// renamed first, as memiavl does: Load removes *-tmp leftovers, and a
// half-removed snapshot must never be picked up.
func (m *Engine) removeSnapshots(match func(int64) bool) error {
	snaps, err := m.snapshots()
	if err != nil {
		return err
	}
	for _, v := range snaps {
		if !match(v) {
			continue
		}
		p := filepath.Join(m.dir, snapshotDirName(v))
		if err := os.Rename(p, p+memiavl.TmpSuffix); err != nil {
			return err
		}
		if err := durable.Sync(m.dir); err != nil {
			return err
		}
		if err := os.RemoveAll(p + memiavl.TmpSuffix); err != nil {
			return err
		}
	}
	return nil
}

// Rollback reloads the tree from disk if anything was written since the
// last commit. It waits until open views of the current tree are closed.
func (m *Engine) Rollback() error {
	if !m.dirty {
		return nil
	}
	m.gen.mu.Lock()
	return m.reload()
}

// View returns version v: a copy of the committed tree for the latest
// version, otherwise a separate read-only memiavl DB loaded at v (which
// needs a snapshot at or below v and the WAL after it).
func (m *Engine) View(v, latest int64) (state.EngineView, error) {
	if v == latest {
		m.gen.mu.RLock()
		return &memView{tree: m.committed.Copy(0), version: v, hash: m.committed.RootHash(), gen: m.gen}, nil
	}
	db, err := memiavl.Load(m.dir, memiavl.Options{ReadOnly: true, TargetVersion: uint32(v)})
	if err != nil {
		return nil, fmt.Errorf("%w: %d: %v", state.ErrVersionNotFound, v, err)
	}
	tree := db.TreeByName(treeName)
	if db.Version() != v || tree == nil {
		return nil, errors.Join(fmt.Errorf("%w: %d", state.ErrVersionNotFound, v), db.Close())
	}
	// RootHash computes missing hashes in place: do it once, here, so the
	// view's readers never write.
	return &memView{tree: tree, version: v, hash: tree.RootHash(), db: db}, nil
}

// Close implements state.Engine. It waits for the snapshot writer and for
// open views of the live tree.
func (m *Engine) Close() error {
	if m.cancelRewrite != nil {
		m.cancelRewrite()
	}
	// Wait for the snapshot writer and for open views: closing the DB
	// unmaps the files they read.
	m.gen.mu.Lock()
	defer m.gen.mu.Unlock()
	if m.rewrite != nil {
		<-m.rewrite
		m.rewrite = nil
	}
	err := m.db.Close()
	close(m.trash)
	<-m.trashDone
	return err
}

// memView is a read-only version of a memiavl tree. Its tree has no cache,
// so concurrent reads are safe.
type memView struct {
	mu      sync.Mutex
	tree    *memiavl.Tree
	version int64
	hash    []byte
	gen     *generation // set for a copy of the live tree
	db      *memiavl.DB // set for a separately loaded old version
	closed  bool
}

func (v *memView) isClosed() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.closed
}

func (v *memView) Get(key []byte) ([]byte, error) {
	if v.isClosed() {
		return nil, state.ErrClosed
	}
	return v.tree.Get(key), nil
}

func (v *memView) Has(key []byte) (bool, error) {
	if v.isClosed() {
		return false, state.ErrClosed
	}
	return v.tree.Has(key), nil
}

func (v *memView) Iterator(start, end []byte, ascending bool) (state.Iterator, error) {
	if v.isClosed() {
		return nil, state.ErrClosed
	}
	return v.tree.Iterator(start, end, ascending), nil
}

func (v *memView) Version() int64 { return v.version }

func (v *memView) Hash() []byte { return bytes.Clone(v.hash) }

func (v *memView) ProveExistence(key []byte) (*ics23.CommitmentProof, error) {
	if v.isClosed() {
		return nil, state.ErrClosed
	}
	if !v.tree.Has(key) {
		return nil, state.ErrKeyMissing
	}
	p, err := v.tree.GetMembershipProof(key)
	return cloneProof(p), err
}

func (v *memView) ProveAbsence(key []byte) (*ics23.CommitmentProof, error) {
	if v.isClosed() {
		return nil, state.ErrClosed
	}
	if v.tree.Has(key) {
		return nil, state.ErrKeyExists
	}
	if v.tree.IsEmpty() {
		return nil, state.ErrEmptyTree
	}
	p, err := v.tree.GetNonMembershipProof(key)
	return cloneProof(p), err
}

func (v *memView) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.closed {
		return nil
	}
	v.closed = true
	if v.gen != nil {
		v.gen.mu.RUnlock()
		return nil
	}
	return v.db.Close()
}

// Export streams the view's nodes; closing the exporter closes the view.
func (v *memView) Export() (state.Exporter, error) {
	return &memExporter{ex: v.tree.Export(), view: v}, nil
}

type memExporter struct {
	ex   *memiavl.Exporter
	view *memView
}

func (e *memExporter) Next() (*state.ExportNode, error) {
	n, err := e.ex.Next()
	if errors.Is(err, memiavl.ErrorExportDone) {
		return nil, state.ErrExportDone
	}
	if err != nil {
		return nil, err
	}
	// Snapshot exports point into memory maps that Close unmaps.
	return &state.ExportNode{Key: bytes.Clone(n.Key), Value: bytes.Clone(n.Value), Version: n.Version, Height: n.Height}, nil
}

func (e *memExporter) Close() error {
	e.ex.Close()
	return e.view.Close()
}

// Import closes the DB and replaces its directory with the imported
// snapshot. It waits for open views to close.
func (m *Engine) Import(version int64) (state.EngineImporter, error) {
	if version > math.MaxUint32 {
		return nil, fmt.Errorf("version %d exceeds memiavl's limit", version)
	}
	m.gen.mu.Lock()
	if err := m.db.Close(); err != nil {
		m.gen.mu.Unlock()
		return nil, err
	}
	if err := errors.Join(os.RemoveAll(m.dir), os.MkdirAll(m.dir, 0o755)); err != nil {
		m.gen.mu.Unlock()
		return nil, err
	}
	mti, err := memiavl.NewMultiTreeImporter(m.dir, uint64(version))
	if err != nil {
		m.gen.mu.Unlock()
		return nil, err
	}
	// The tree goes where memiavl's own importer would write it (the
	// multi-tree importer's temporary directory), written by treeWriter;
	// Finalize then writes the multi-tree's metadata and moves it in place.
	tw, err := newTreeWriter(filepath.Join(m.dir, fmt.Sprintf("%s%020d%s", memiavl.SnapshotPrefix, version, memiavl.TmpSuffix), treeName), version)
	if err != nil {
		m.gen.mu.Unlock()
		return nil, errors.Join(err, mti.Close())
	}
	return &memImporter{m: m, mti: mti, tw: tw, version: version}, nil
}

type memImporter struct {
	m       *Engine
	mti     *memiavl.MultiTreeImporter
	tw      *treeWriter
	version int64
}

// Add hands n to the tree writer; the caller checks the stream first (a
// malformed one fails Commit).
func (im *memImporter) Add(n *state.ExportNode) error {
	im.tw.add(n)
	return nil
}

// Commit writes the snapshot and loads it. memiavl records the imported
// version + 1 as the DB's initial version: the next commit is WAL index 1.
func (im *memImporter) Commit() ([]byte, error) {
	m := im.m
	if err := im.finalize(); err != nil {
		return nil, errors.Join(err, im.Close())
	}
	defer m.gen.mu.Unlock()
	if err := m.load(im.version); err != nil {
		return nil, err
	}
	return m.committed.RootHash(), nil
}

func (im *memImporter) finalize() error {
	err := im.tw.finish()
	im.tw = nil
	if err != nil {
		return err
	}
	err = im.mti.Finalize()
	err = errors.Join(err, im.mti.Close())
	im.mti = nil
	if err != nil {
		return err
	}
	return syncTree(im.m.dir)
}

// Close abandons the import and reopens an empty DB.
func (im *memImporter) Close() error {
	m := im.m
	defer m.gen.mu.Unlock()
	var err error
	if im.tw != nil {
		_ = im.tw.stop() // abandoned: its files are removed below
		im.tw = nil
	}
	if im.mti != nil {
		err = im.mti.Close()
		im.mti = nil
	}
	if err := errors.Join(err, os.RemoveAll(m.dir)); err != nil {
		return err
	}
	return m.load(0)
}

// cloneProof deep-copies the byte slices of an existence or non-existence
// proof: memiavl builds proofs from slices of memory-mapped files that are
// unmapped when the view closes.
func cloneProof(p *ics23.CommitmentProof) *ics23.CommitmentProof {
	if p == nil {
		return nil
	}
	if ep := p.GetExist(); ep != nil {
		return &ics23.CommitmentProof{Proof: &ics23.CommitmentProof_Exist{Exist: cloneExist(ep)}}
	}
	if np := p.GetNonexist(); np != nil {
		return &ics23.CommitmentProof{Proof: &ics23.CommitmentProof_Nonexist{Nonexist: &ics23.NonExistenceProof{
			Key:   bytes.Clone(np.Key),
			Left:  cloneExist(np.Left),
			Right: cloneExist(np.Right),
		}}}
	}
	return p
}

func cloneExist(ep *ics23.ExistenceProof) *ics23.ExistenceProof {
	if ep == nil {
		return nil
	}
	out := &ics23.ExistenceProof{Key: bytes.Clone(ep.Key), Value: bytes.Clone(ep.Value)}
	if ep.Leaf != nil {
		leaf := *ep.Leaf
		leaf.Prefix = bytes.Clone(leaf.Prefix)
		out.Leaf = &leaf
	}
	out.Path = make([]*ics23.InnerOp, len(ep.Path))
	for i, op := range ep.Path {
		c := *op
		c.Prefix, c.Suffix = bytes.Clone(op.Prefix), bytes.Clone(op.Suffix)
		out.Path[i] = &c
	}
	return out
}

// syncTree fsyncs every directory under root (root included) and every
// regular file in them.
func syncTree(root string) error {
	return filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || d.Type().IsRegular() {
			return durable.Sync(path)
		}
		return nil
	})
}
