package iavlengine

import (
	"bytes"
	"errors"
	"fmt"
	"sync"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/iavl"
	idb "github.com/cosmos/iavl/db"
	ics23 "github.com/cosmos/ics23/go"

	"github.com/govchain/govchain/state"
)

// dbName is the pebble database's name: cosmos-db keeps its files in
// <parent>/<dbName>.db.
const dbName = "iavl"

// Dir is the directory, inside a store's directory, that holds the engine's
// files.
const Dir = dbName + ".db"

// Engine is the cosmos/iavl engine on a pebble database. Every node
// write of a version goes through one pebble batch sequence whose last
// write is synced (iavl's Sync option), and pebble's log is sequential, so
// the whole version is durable when SaveVersion returns.
//
// Views read through a second tree instance on the same database: iavl's
// writer mutates cached persisted nodes (it drops their child pointers when
// cloning them), so views must not share its node cache.
type Engine struct {
	cfg    state.Config
	db     dbm.DB
	tree   *iavl.MutableTree
	reader *iavl.MutableTree
}

var _ state.Engine = (*Engine)(nil)

// Open opens the iavl tree in parent/Dir (creating it if needed) at exactly
// version target, deleting later (possibly partially written) versions, and
// returns the engine and that version's hash.
func Open(parent string, cfg state.Config, target int64) (*Engine, []byte, error) {
	db, err := dbm.NewDB(dbName, dbm.PebbleDBBackend, parent)
	if err != nil {
		return nil, nil, fmt.Errorf("iavlengine: open database: %w", err)
	}
	e := &Engine{cfg: cfg, db: db}
	cache := cfg.CacheSize
	if cache == 0 {
		cache = state.IAVLCacheSize
	}
	e.tree = iavl.NewMutableTree(idb.NewWrapper(db), cache, true, iavl.NewNopLogger(), iavl.SyncOption(true))
	e.reader = iavl.NewMutableTree(idb.NewWrapper(db), cache, true, iavl.NewNopLogger())
	fail := func(err error) (*Engine, []byte, error) {
		return nil, nil, errors.Join(err, db.Close())
	}
	// getLatestVersion scans node keys, so it sees a version whose root was
	// never written (a crash inside SaveVersion); LoadVersion of such a
	// version fails, which is why the marker, not iavl, names the version.
	latest, err := e.tree.GetLatestVersion()
	if err != nil {
		return fail(fmt.Errorf("iavlengine: latest version: %w", err))
	}
	switch {
	case latest < target:
		return fail(fmt.Errorf("%w: iavl holds versions up to %d, behind the marker's %d", state.ErrCorrupt, latest, target))
	case target == 0:
		if _, err := e.tree.Load(); err != nil {
			return fail(fmt.Errorf("iavlengine: load: %w", err))
		}
		return e, state.EmptyHash(), nil
	case latest > target:
		err = e.tree.LoadVersionForOverwriting(target)
	default:
		_, err = e.tree.LoadVersion(target)
	}
	if err != nil {
		return fail(fmt.Errorf("iavlengine: load version %d: %w", target, err))
	}
	if v := e.tree.Version(); v != target {
		return fail(fmt.Errorf("%w: iavl loaded version %d, want %d", state.ErrCorrupt, v, target))
	}
	return e, e.tree.Hash(), nil
}

// Get implements state.Reader on the working tree.
func (e *Engine) Get(key []byte) ([]byte, error) { return e.tree.Get(key) }

// Has implements state.Reader on the working tree.
func (e *Engine) Has(key []byte) (bool, error) { return e.tree.Has(key) }

// Iterator implements state.Reader on the working tree.
func (e *Engine) Iterator(start, end []byte, ascending bool) (state.Iterator, error) {
	return e.tree.Iterator(start, end, ascending)
}

// Set implements state.Writer.
func (e *Engine) Set(key, value []byte) error {
	_, err := e.tree.Set(key, value)
	return err
}

// Delete implements state.Writer.
func (e *Engine) Delete(key []byte) error {
	_, _, err := e.tree.Remove(key)
	return err
}

// WriteBatch implements state.Engine: Set and Delete, one change at a
// time, in order.
func (e *Engine) WriteBatch(changes []state.Change) error {
	for _, c := range changes {
		var err error
		if c.Value == nil {
			err = e.Delete(c.Key)
		} else {
			err = e.Set(c.Key, c.Value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// WorkingHash implements state.Engine.
func (e *Engine) WorkingHash() []byte { return e.tree.WorkingHash() }

// Commit implements state.Engine: SaveVersion's last batch is synced.
func (e *Engine) Commit() ([]byte, int64, error) { return e.tree.SaveVersion() }

// AfterCommit deletes versions older than the KeepRecent latest ones.
func (e *Engine) AfterCommit(version int64) error {
	if k := int64(e.cfg.KeepRecent); k > 0 && version > k {
		return e.tree.DeleteVersionsTo(version - k)
	}
	return nil
}

// Rollback implements state.Engine.
func (e *Engine) Rollback() error {
	e.tree.Rollback()
	return nil
}

// View implements state.Engine: a committed version read through the
// reader tree (an empty tree for v == 0).
func (e *Engine) View(v, _ int64) (state.EngineView, error) {
	if v == 0 {
		t := iavl.NewImmutableTree(idb.NewWrapper(e.db), 0, true, iavl.NewNopLogger())
		return &iavlView{tree: t, hash: t.Hash()}, nil
	}
	t, err := e.reader.GetImmutable(v)
	if err != nil {
		return nil, fmt.Errorf("%w: %d: %v", state.ErrVersionNotFound, v, err)
	}
	return &iavlView{tree: t, hash: t.Hash()}, nil
}

// Import implements state.Engine.
func (e *Engine) Import(version int64) (state.EngineImporter, error) {
	im, err := e.tree.Import(version)
	if err != nil {
		return nil, err
	}
	return &iavlImporter{e: e, im: im}, nil
}

// Close implements state.Engine.
func (e *Engine) Close() error {
	return errors.Join(e.tree.Close(), e.reader.Close(), e.db.Close())
}

// iavlView is a read-only iavl version; iavl's ImmutableTree is safe for
// concurrent reads as long as the version is not pruned.
type iavlView struct {
	mu     sync.Mutex
	tree   *iavl.ImmutableTree
	hash   []byte
	closed bool
}

func (v *iavlView) isClosed() bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.closed
}

func (v *iavlView) Get(key []byte) ([]byte, error) {
	if v.isClosed() {
		return nil, state.ErrClosed
	}
	return v.tree.Get(key)
}

func (v *iavlView) Has(key []byte) (bool, error) {
	if v.isClosed() {
		return false, state.ErrClosed
	}
	return v.tree.Has(key)
}

func (v *iavlView) Iterator(start, end []byte, ascending bool) (state.Iterator, error) {
	if v.isClosed() {
		return nil, state.ErrClosed
	}
	return v.tree.Iterator(start, end, ascending)
}

func (v *iavlView) Version() int64 { return v.tree.Version() }

func (v *iavlView) Hash() []byte { return bytes.Clone(v.hash) }

func (v *iavlView) ProveExistence(key []byte) (*ics23.CommitmentProof, error) {
	if v.isClosed() {
		return nil, state.ErrClosed
	}
	ok, err := v.tree.Has(key)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, state.ErrKeyMissing
	}
	return v.tree.GetMembershipProof(key)
}

func (v *iavlView) ProveAbsence(key []byte) (*ics23.CommitmentProof, error) {
	if v.isClosed() {
		return nil, state.ErrClosed
	}
	ok, err := v.tree.Has(key)
	if err != nil {
		return nil, err
	}
	if ok {
		return nil, state.ErrKeyExists
	}
	if v.tree.Size() == 0 {
		return nil, state.ErrEmptyTree
	}
	return v.tree.GetNonMembershipProof(key)
}

func (v *iavlView) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.closed = true
	return nil
}

// Export streams the view's nodes; closing the exporter closes the view.
func (v *iavlView) Export() (state.Exporter, error) {
	ex, err := v.tree.Export()
	if err != nil {
		return nil, err
	}
	return &iavlExporter{ex: ex, view: v}, nil
}

type iavlExporter struct {
	ex   *iavl.Exporter
	view *iavlView
}

func (e *iavlExporter) Next() (*state.ExportNode, error) {
	n, err := e.ex.Next()
	if errors.Is(err, iavl.ErrorExportDone) {
		return nil, state.ErrExportDone
	}
	if err != nil {
		return nil, err
	}
	return &state.ExportNode{Key: n.Key, Value: n.Value, Version: n.Version, Height: n.Height}, nil
}

func (e *iavlExporter) Close() error {
	e.ex.Close()
	return e.view.Close()
}

type iavlImporter struct {
	e  *Engine
	im *iavl.Importer
}

func (im *iavlImporter) Add(n *state.ExportNode) error {
	return im.im.Add(&iavl.ExportNode{Key: n.Key, Value: n.Value, Version: n.Version, Height: n.Height})
}

// Commit writes the imported version with a synced batch and loads it; on
// failure the import is abandoned.
func (im *iavlImporter) Commit() ([]byte, error) {
	if err := im.im.Commit(); err != nil {
		im.im.Close()
		return nil, err
	}
	return im.e.tree.Hash(), nil
}

func (im *iavlImporter) Close() error {
	im.im.Close()
	return nil
}
