package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/iavlengine"
	"github.com/govchain/govchain/state/memiavlengine"
)

// emptyHash is the root hash of an empty tree under both engines.
var emptyHash = state.EmptyHash()

// store implements state.Store over a state.Engine, adding the marker,
// locking and argument checks common to both engines.
type store struct {
	mu      sync.Mutex
	dir     string
	name    string
	eng     state.Engine
	version int64
	hash    []byte
	closed  bool
	// importing is set while an Importer is open; writes are refused.
	importing bool
}

// Open opens (creating it if needed) the store in dir with cfg's engine. It
// reopens exactly the version named by the last-committed marker: a later
// version the engine saved before a crash is rolled back, and the reopened
// version's hash is checked against the marker. An engine behind the marker,
// or a hash mismatch, is state.ErrCorrupt.
func Open(dir string, cfg state.Config) (state.Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("store: create %s: %w", dir, err)
	}
	engDir := engineDir(dir, cfg.Engine)
	m, ok, err := readMarker(dir)
	if err != nil {
		return nil, err
	}
	if !ok {
		// A fresh store: the marker (version 0) is written before the engine
		// creates anything, so engine data without a marker means damage.
		if _, err := os.Stat(engDir); err == nil {
			return nil, fmt.Errorf("%w: %s holds %s data but no %s marker", state.ErrCorrupt, dir, cfg.Engine, markerFile)
		}
		m = marker{Version: 0, Hash: emptyHash}
		if err := writeMarker(dir, m); err != nil {
			return nil, err
		}
	}
	if m.Version == 0 {
		// Rolling back to the empty version: whatever the engine wrote (a
		// first commit interrupted by a crash) goes.
		if err := os.RemoveAll(engDir); err != nil {
			return nil, fmt.Errorf("store: reset %s: %w", engDir, err)
		}
		if err := syncDir(dir); err != nil {
			return nil, fmt.Errorf("store: reset %s: %w", engDir, err)
		}
	} else if _, err := os.Stat(engDir); err != nil {
		return nil, fmt.Errorf("%w: marker names version %d but there is no %s data in %s", state.ErrCorrupt, m.Version, cfg.Engine, dir)
	}
	eng, hash, err := openEngine(dir, cfg, m.Version)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(hash, m.Hash) {
		err := fmt.Errorf("%w: version %d has hash %X, marker says %X", state.ErrCorrupt, m.Version, hash, m.Hash)
		return nil, errors.Join(err, eng.Close())
	}
	return &store{dir: dir, name: cfg.Engine, eng: eng, version: m.Version, hash: m.Hash}, nil
}

// openEngine opens cfg's engine in the store directory dir at exactly
// version target and returns that version's hash.
func openEngine(dir string, cfg state.Config, target int64) (state.Engine, []byte, error) {
	if cfg.Engine == state.EngineMemIAVL {
		e, hash, err := memiavlengine.Open(dir, cfg, target)
		if err != nil {
			return nil, nil, err
		}
		return e, hash, nil
	}
	e, hash, err := iavlengine.Open(dir, cfg, target)
	if err != nil {
		return nil, nil, err
	}
	return e, hash, nil
}

// engineDir is where engine name keeps its files inside the store directory.
func engineDir(dir, name string) string {
	if name == state.EngineMemIAVL {
		return filepath.Join(dir, memiavlengine.Dir)
	}
	return filepath.Join(dir, iavlengine.Dir)
}

// Get implements state.Reader on the working version.
func (s *store) Get(key []byte) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return nil, err
	}
	return s.eng.Get(key)
}

// Has implements state.Reader on the working version.
func (s *store) Has(key []byte) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return false, err
	}
	return s.eng.Has(key)
}

// Iterator implements state.Reader on the working version. The store must
// not be written while the iterator is open.
func (s *store) Iterator(start, end []byte, ascending bool) (state.Iterator, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return nil, err
	}
	return s.eng.Iterator(start, end, ascending)
}

// Set implements state.Writer. The store keeps its own copy of key and value.
func (s *store) Set(key, value []byte) error {
	if len(key) == 0 {
		return state.ErrEmptyKey
	}
	if value == nil {
		return state.ErrNilValue
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return err
	}
	return s.eng.Set(bytes.Clone(key), bytes.Clone(value))
}

// Delete implements state.Writer; deleting an absent key is a no-op.
func (s *store) Delete(key []byte) error {
	if len(key) == 0 {
		return state.ErrEmptyKey
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return err
	}
	return s.eng.Delete(bytes.Clone(key))
}

// WriteBatch implements state.BatchWriter: one lock and one engine call
// for the whole batch, whose slices the engine keeps without copies. A
// batch with an empty key is refused before anything is applied.
func (s *store) WriteBatch(changes []state.Change) error {
	for _, c := range changes {
		if len(c.Key) == 0 {
			return state.ErrEmptyKey
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return err
	}
	return s.eng.WriteBatch(changes)
}

// usable reports whether the store can serve a call: not closed, and no
// Importer open (the engine is being replaced).
func (s *store) usable() error {
	if s.closed {
		return state.ErrClosed
	}
	if s.importing {
		return errImporting
	}
	return nil
}

var errImporting = errors.New("store: an import is in progress")

// WorkingHash implements state.Store.
func (s *store) WorkingHash() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.usable() != nil {
		return nil
	}
	return bytes.Clone(s.eng.WorkingHash())
}

// Commit implements state.Store: the engine makes the version durable, then
// the marker is replaced (durably) to name it.
func (s *store) Commit() ([]byte, int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return nil, 0, err
	}
	hash, v, err := s.eng.Commit()
	if err != nil {
		return nil, 0, fmt.Errorf("store: commit version %d: %w", s.version+1, err)
	}
	if v != s.version+1 {
		return nil, 0, fmt.Errorf("%w: engine committed version %d after %d", state.ErrCorrupt, v, s.version)
	}
	hash = bytes.Clone(hash)
	if err := writeMarker(s.dir, marker{Version: v, Hash: hash}); err != nil {
		return nil, 0, err
	}
	s.version, s.hash = v, hash
	if err := s.eng.AfterCommit(v); err != nil {
		return nil, 0, fmt.Errorf("store: after commit of version %d: %w", v, err)
	}
	return bytes.Clone(hash), v, nil
}

// Version implements state.Store.
func (s *store) Version() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version
}

// LastHash implements state.Store.
func (s *store) LastHash() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.hash)
}

// Rollback implements state.Store. With memiavl it reloads the tree from
// disk and first waits for open views of the working tree's generation to
// close.
func (s *store) Rollback() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return err
	}
	return s.eng.Rollback()
}

// ViewAt implements state.Store.
func (s *store) ViewAt(version int64) (state.View, error) {
	v, err := s.engineView(version)
	if err != nil {
		return nil, err
	}
	return v, nil
}

// engineView opens committed version (0: the latest) in the engine.
func (s *store) engineView(version int64) (state.EngineView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return nil, err
	}
	if version == 0 {
		version = s.version
	}
	if version < 0 || version > s.version {
		return nil, fmt.Errorf("%w: %d (latest is %d)", state.ErrVersionNotFound, version, s.version)
	}
	return s.eng.View(version, s.version)
}

// Export implements state.Store; version 0 means the latest committed
// version.
func (s *store) Export(version int64) (state.Exporter, error) {
	v, err := s.engineView(version)
	if err != nil {
		return nil, err
	}
	e, err := v.Export()
	if err != nil {
		return nil, errors.Join(err, v.Close())
	}
	return e, nil
}

// Import implements state.Store. The store must be empty (version 0, no
// pending writes); no other method may write until the Importer is closed.
func (s *store) Import(version int64) (state.Importer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return nil, err
	}
	if s.version != 0 || !bytes.Equal(s.eng.WorkingHash(), emptyHash) {
		return nil, fmt.Errorf("store: import needs an empty store, this one is at version %d", s.version)
	}
	if version <= 0 {
		return nil, fmt.Errorf("store: cannot import version %d", version)
	}
	ei, err := s.eng.Import(version)
	if err != nil {
		return nil, fmt.Errorf("store: start import of version %d: %w", version, err)
	}
	s.importing = true
	return &importer{s: s, ei: ei, version: version, check: importCheck{version: version}}, nil
}

// Engine implements state.Store.
func (s *store) Engine() string { return s.name }

// TreeSnapshot returns the version of the on-disk snapshot that st's tree
// is read from, for a store opened by Open on the memiavl engine: the
// engine rewrites its tree as a snapshot every SnapshotInterval versions
// and switches to it once no view reads the old one, so this number
// rising is the switch. It returns 0 for the iavl engine (no snapshots)
// and for any other implementation of state.Store. Safe to call
// concurrently with anything, including a commit.
func TreeSnapshot(st state.Store) int64 {
	s, ok := st.(*store)
	if !ok {
		return 0
	}
	if m, ok := s.eng.(*memiavlengine.Engine); ok {
		return m.Snapshot()
	}
	return 0
}

// Close implements state.Store. Views opened before Close stay usable with
// the iavl engine only until Close; close them first.
func (s *store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return state.ErrClosed
	}
	s.closed = true
	return s.eng.Close()
}

// importer implements state.Importer over a state.EngineImporter, which
// sees only nodes that passed check.
type importer struct {
	s       *store
	ei      state.EngineImporter
	version int64
	check   importCheck
	done    bool
}

// Add implements state.Importer. A node that does not fit a post-order tree
// of the imported version is refused before the engine sees it.
func (im *importer) Add(node *state.ExportNode) error {
	if im.done {
		return errors.New("store: importer is closed")
	}
	if err := im.check.add(node); err != nil {
		return err
	}
	return im.ei.Add(node)
}

// Commit implements state.Importer: the imported version becomes the
// committed version, durably, and the marker names it. On failure the import
// is abandoned and the store should be closed.
func (im *importer) Commit() error {
	if im.done {
		return errors.New("store: importer is closed")
	}
	im.done = true
	s := im.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.importing = false
	if err := im.check.done(); err != nil {
		return fmt.Errorf("store: import version %d: %w", im.version, errors.Join(err, im.ei.Close()))
	}
	hash, err := im.ei.Commit()
	if err != nil {
		return fmt.Errorf("store: import version %d: %w", im.version, err)
	}
	hash = bytes.Clone(hash)
	if err := writeMarker(s.dir, marker{Version: im.version, Hash: hash}); err != nil {
		return err
	}
	s.version, s.hash = im.version, hash
	return nil
}

// Close implements state.Importer; closing without Commit abandons the
// import and leaves the store empty.
func (im *importer) Close() error {
	if im.done {
		return nil
	}
	im.done = true
	im.s.mu.Lock()
	defer im.s.mu.Unlock()
	im.s.importing = false
	return im.ei.Close()
}
