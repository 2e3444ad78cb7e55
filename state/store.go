package state

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// emptyHash is the root hash of an empty tree under both engines.
var emptyHash = sha256.New().Sum(nil)

// engine is what each tree implementation provides; store adds the marker,
// locking and argument checks common to both.
type engine interface {
	get(key []byte) ([]byte, error)
	has(key []byte) (bool, error)
	iterator(start, end []byte, ascending bool) (Iterator, error)
	set(key, value []byte) error
	remove(key []byte) error
	workingHash() []byte
	// commit saves the working version; it is durable when commit returns.
	commit() (hash []byte, version int64, err error)
	// afterCommit runs once the marker names version: snapshots, pruning.
	afterCommit(version int64) error
	rollback() error
	// view opens committed version v (the latest committed is latest).
	view(v, latest int64) (View, error)
	// importer starts replacing the empty engine with an exported version.
	importer(version int64) (engineImporter, error)
	close() error
}

// engineImporter is an engine's half of Importer; commit returns the
// imported version's hash once it is durable.
type engineImporter interface {
	add(node *ExportNode) error
	commit() ([]byte, error)
	close() error
}

// store implements Store over an engine.
type store struct {
	mu      sync.Mutex
	dir     string
	name    string
	eng     engine
	version int64
	hash    []byte
	closed  bool
	// importing is set while an Importer is open; writes are refused.
	importing bool
}

// Open opens (creating it if needed) the store in dir with cfg. It reopens
// exactly the version named by the last-committed marker: a later version
// the engine saved before a crash is rolled back, and the reopened version's
// hash is checked against the marker. An engine behind the marker, or a hash
// mismatch, is ErrCorrupt.
func Open(dir string, cfg Config) (Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("state: create %s: %w", dir, err)
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
			return nil, fmt.Errorf("%w: %s holds %s data but no %s marker", ErrCorrupt, dir, cfg.Engine, markerFile)
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
			return nil, fmt.Errorf("state: reset %s: %w", engDir, err)
		}
		if err := syncDir(dir); err != nil {
			return nil, fmt.Errorf("state: reset %s: %w", engDir, err)
		}
	} else if _, err := os.Stat(engDir); err != nil {
		return nil, fmt.Errorf("%w: marker names version %d but there is no %s data in %s", ErrCorrupt, m.Version, cfg.Engine, dir)
	}
	var eng engine
	var hash []byte
	switch cfg.Engine {
	case EngineMemIAVL:
		eng, hash, err = openMemIAVL(engDir, cfg, m.Version)
	default:
		eng, hash, err = openIAVL(dir, cfg, m.Version)
	}
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(hash, m.Hash) {
		err := fmt.Errorf("%w: version %d has hash %X, marker says %X", ErrCorrupt, m.Version, hash, m.Hash)
		return nil, errors.Join(err, eng.close())
	}
	return &store{dir: dir, name: cfg.Engine, eng: eng, version: m.Version, hash: m.Hash}, nil
}

// engineDir is where engine name keeps its files inside the store directory.
func engineDir(dir, name string) string {
	if name == EngineMemIAVL {
		return filepath.Join(dir, "memiavl")
	}
	return filepath.Join(dir, iavlDBName+".db")
}

// Get implements Reader on the working version.
func (s *store) Get(key []byte) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return nil, err
	}
	return s.eng.get(key)
}

// Has implements Reader on the working version.
func (s *store) Has(key []byte) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return false, err
	}
	return s.eng.has(key)
}

// Iterator implements Reader on the working version. The store must not be
// written while the iterator is open.
func (s *store) Iterator(start, end []byte, ascending bool) (Iterator, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return nil, err
	}
	return s.eng.iterator(start, end, ascending)
}

// Set implements Writer. The store keeps its own copy of key and value.
func (s *store) Set(key, value []byte) error {
	if len(key) == 0 {
		return ErrEmptyKey
	}
	if value == nil {
		return ErrNilValue
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return err
	}
	return s.eng.set(bytes.Clone(key), bytes.Clone(value))
}

// Delete implements Writer; deleting an absent key is a no-op.
func (s *store) Delete(key []byte) error {
	if len(key) == 0 {
		return ErrEmptyKey
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return err
	}
	return s.eng.remove(bytes.Clone(key))
}

// usable reports whether the store can serve a call: not closed, and no
// Importer open (the engine is being replaced).
func (s *store) usable() error {
	if s.closed {
		return ErrClosed
	}
	if s.importing {
		return errImporting
	}
	return nil
}

var errImporting = errors.New("state: an import is in progress")

// WorkingHash implements Store.
func (s *store) WorkingHash() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.usable() != nil {
		return nil
	}
	return bytes.Clone(s.eng.workingHash())
}

// Commit implements Store: the engine makes the version durable, then the
// marker is replaced (durably) to name it.
func (s *store) Commit() ([]byte, int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return nil, 0, err
	}
	hash, v, err := s.eng.commit()
	if err != nil {
		return nil, 0, fmt.Errorf("state: commit version %d: %w", s.version+1, err)
	}
	if v != s.version+1 {
		return nil, 0, fmt.Errorf("%w: engine committed version %d after %d", ErrCorrupt, v, s.version)
	}
	hash = bytes.Clone(hash)
	if err := writeMarker(s.dir, marker{Version: v, Hash: hash}); err != nil {
		return nil, 0, err
	}
	s.version, s.hash = v, hash
	if err := s.eng.afterCommit(v); err != nil {
		return nil, 0, fmt.Errorf("state: after commit of version %d: %w", v, err)
	}
	return bytes.Clone(hash), v, nil
}

// Version implements Store.
func (s *store) Version() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version
}

// LastHash implements Store.
func (s *store) LastHash() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.hash)
}

// Rollback implements Store. With memiavl it reloads the tree from disk and
// first waits for open views of the working tree's generation to close.
func (s *store) Rollback() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return err
	}
	return s.eng.rollback()
}

// ViewAt implements Store.
func (s *store) ViewAt(version int64) (View, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return nil, err
	}
	if version == 0 {
		version = s.version
	}
	if version < 0 || version > s.version {
		return nil, fmt.Errorf("%w: %d (latest is %d)", ErrVersionNotFound, version, s.version)
	}
	return s.eng.view(version, s.version)
}

// Export implements Store; version 0 means the latest committed version.
func (s *store) Export(version int64) (Exporter, error) {
	v, err := s.ViewAt(version)
	if err != nil {
		return nil, err
	}
	ex, ok := v.(interface{ export() (Exporter, error) })
	if !ok {
		return nil, errors.Join(errors.New("state: view cannot export"), v.Close())
	}
	e, err := ex.export()
	if err != nil {
		return nil, errors.Join(err, v.Close())
	}
	return e, nil
}

// Import implements Store. The store must be empty (version 0, no pending
// writes); no other method may write until the Importer is closed.
func (s *store) Import(version int64) (Importer, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.usable(); err != nil {
		return nil, err
	}
	if s.version != 0 || !bytes.Equal(s.eng.workingHash(), emptyHash) {
		return nil, fmt.Errorf("state: import needs an empty store, this one is at version %d", s.version)
	}
	if version <= 0 {
		return nil, fmt.Errorf("state: cannot import version %d", version)
	}
	ei, err := s.eng.importer(version)
	if err != nil {
		return nil, fmt.Errorf("state: start import of version %d: %w", version, err)
	}
	s.importing = true
	return &importer{s: s, ei: ei, version: version}, nil
}

// Engine implements Store.
func (s *store) Engine() string { return s.name }

// Close implements Store. Views opened before Close stay usable with the
// iavl engine only until Close; close them first.
func (s *store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.closed = true
	return s.eng.close()
}

// importer implements Importer over an engineImporter.
type importer struct {
	s       *store
	ei      engineImporter
	version int64
	done    bool
}

// Add implements Importer.
func (im *importer) Add(node *ExportNode) error {
	if im.done {
		return errors.New("state: importer is closed")
	}
	return im.ei.add(node)
}

// Commit implements Importer: the imported version becomes the committed
// version, durably, and the marker names it. On failure the import is
// abandoned and the store should be closed.
func (im *importer) Commit() error {
	if im.done {
		return errors.New("state: importer is closed")
	}
	im.done = true
	s := im.s
	s.mu.Lock()
	defer s.mu.Unlock()
	s.importing = false
	hash, err := im.ei.commit()
	if err != nil {
		return fmt.Errorf("state: import version %d: %w", im.version, err)
	}
	hash = bytes.Clone(hash)
	if err := writeMarker(s.dir, marker{Version: im.version, Hash: hash}); err != nil {
		return err
	}
	s.version, s.hash = im.version, hash
	return nil
}

// Close implements Importer; closing without Commit abandons the import
// and leaves the store empty.
func (im *importer) Close() error {
	if im.done {
		return nil
	}
	im.done = true
	im.s.mu.Lock()
	defer im.s.mu.Unlock()
	im.s.importing = false
	return im.ei.close()
}
