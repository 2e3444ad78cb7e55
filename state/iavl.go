package state

import (
	"bytes"
	"errors"
	"fmt"
	"sync"

	dbm "github.com/cosmos/cosmos-db"
	"github.com/cosmos/iavl"
	idb "github.com/cosmos/iavl/db"
	ics23 "github.com/cosmos/ics23/go"
)

// iavlDBName is the pebble database's name: its files are in <dir>/iavl.db.
const iavlDBName = "iavl"

// iavlEngine is the cosmos/iavl engine on a pebble database. Every node
// write of a version goes through one pebble batch sequence whose last
// write is synced (iavl's Sync option), and pebble's log is sequential, so
// the whole version is durable when SaveVersion returns.
//
// Views read through a second tree instance on the same database: iavl's
// writer mutates cached persisted nodes (it drops their child pointers when
// cloning them), so views must not share its node cache.
type iavlEngine struct {
	cfg    Config
	db     dbm.DB
	tree   *iavl.MutableTree
	reader *iavl.MutableTree
}

// openIAVL opens the iavl tree in dir at exactly version target, deleting
// later (possibly partially written) versions, and returns its hash.
func openIAVL(dir string, cfg Config, target int64) (engine, []byte, error) {
	db, err := dbm.NewDB(iavlDBName, dbm.PebbleDBBackend, dir)
	if err != nil {
		return nil, nil, fmt.Errorf("state: open iavl database: %w", err)
	}
	e := &iavlEngine{cfg: cfg, db: db}
	e.tree = iavl.NewMutableTree(idb.NewWrapper(db), cfg.CacheSize, true, iavl.NewNopLogger(), iavl.SyncOption(true))
	e.reader = iavl.NewMutableTree(idb.NewWrapper(db), cfg.CacheSize, true, iavl.NewNopLogger())
	fail := func(err error) (engine, []byte, error) {
		return nil, nil, errors.Join(err, db.Close())
	}
	// getLatestVersion scans node keys, so it sees a version whose root was
	// never written (a crash inside SaveVersion); LoadVersion of such a
	// version fails, which is why the marker, not iavl, names the version.
	latest, err := e.tree.GetLatestVersion()
	if err != nil {
		return fail(fmt.Errorf("state: iavl latest version: %w", err))
	}
	switch {
	case latest < target:
		return fail(fmt.Errorf("%w: iavl holds versions up to %d, behind the marker's %d", ErrCorrupt, latest, target))
	case target == 0:
		if _, err := e.tree.Load(); err != nil {
			return fail(fmt.Errorf("state: iavl load: %w", err))
		}
		return e, emptyHash, nil
	case latest > target:
		err = e.tree.LoadVersionForOverwriting(target)
	default:
		_, err = e.tree.LoadVersion(target)
	}
	if err != nil {
		return fail(fmt.Errorf("state: iavl load version %d: %w", target, err))
	}
	if v := e.tree.Version(); v != target {
		return fail(fmt.Errorf("%w: iavl loaded version %d, want %d", ErrCorrupt, v, target))
	}
	return e, e.tree.Hash(), nil
}

func (e *iavlEngine) get(key []byte) ([]byte, error) { return e.tree.Get(key) }

func (e *iavlEngine) has(key []byte) (bool, error) { return e.tree.Has(key) }

func (e *iavlEngine) iterator(start, end []byte, ascending bool) (Iterator, error) {
	return e.tree.Iterator(start, end, ascending)
}

func (e *iavlEngine) set(key, value []byte) error {
	_, err := e.tree.Set(key, value)
	return err
}

func (e *iavlEngine) remove(key []byte) error {
	_, _, err := e.tree.Remove(key)
	return err
}

func (e *iavlEngine) workingHash() []byte { return e.tree.WorkingHash() }

func (e *iavlEngine) commit() ([]byte, int64, error) { return e.tree.SaveVersion() }

// afterCommit deletes versions older than the KeepRecent latest ones.
func (e *iavlEngine) afterCommit(version int64) error {
	if k := int64(e.cfg.KeepRecent); k > 0 && version > k {
		return e.tree.DeleteVersionsTo(version - k)
	}
	return nil
}

func (e *iavlEngine) rollback() error {
	e.tree.Rollback()
	return nil
}

func (e *iavlEngine) view(v, _ int64) (View, error) {
	if v == 0 {
		t := iavl.NewImmutableTree(idb.NewWrapper(e.db), 0, true, iavl.NewNopLogger())
		return &iavlView{tree: t, hash: t.Hash()}, nil
	}
	t, err := e.reader.GetImmutable(v)
	if err != nil {
		return nil, fmt.Errorf("%w: %d: %v", ErrVersionNotFound, v, err)
	}
	return &iavlView{tree: t, hash: t.Hash()}, nil
}

func (e *iavlEngine) importer(version int64) (engineImporter, error) {
	im, err := e.tree.Import(version)
	if err != nil {
		return nil, err
	}
	return &iavlImporter{e: e, im: im, check: importCheck{version: version}}, nil
}

func (e *iavlEngine) close() error {
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
		return nil, ErrClosed
	}
	return v.tree.Get(key)
}

func (v *iavlView) Has(key []byte) (bool, error) {
	if v.isClosed() {
		return false, ErrClosed
	}
	return v.tree.Has(key)
}

func (v *iavlView) Iterator(start, end []byte, ascending bool) (Iterator, error) {
	if v.isClosed() {
		return nil, ErrClosed
	}
	return v.tree.Iterator(start, end, ascending)
}

func (v *iavlView) Version() int64 { return v.tree.Version() }

func (v *iavlView) Hash() []byte { return bytes.Clone(v.hash) }

func (v *iavlView) ProveExistence(key []byte) (*ics23.CommitmentProof, error) {
	if v.isClosed() {
		return nil, ErrClosed
	}
	ok, err := v.tree.Has(key)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrKeyMissing
	}
	return v.tree.GetMembershipProof(key)
}

func (v *iavlView) ProveAbsence(key []byte) (*ics23.CommitmentProof, error) {
	if v.isClosed() {
		return nil, ErrClosed
	}
	ok, err := v.tree.Has(key)
	if err != nil {
		return nil, err
	}
	if ok {
		return nil, ErrKeyExists
	}
	if v.tree.Size() == 0 {
		return nil, errEmptyTreeAbsence
	}
	return v.tree.GetNonMembershipProof(key)
}

func (v *iavlView) Close() error {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.closed = true
	return nil
}

// export streams the view's nodes; closing the exporter closes the view.
func (v *iavlView) export() (Exporter, error) {
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

func (e *iavlExporter) Next() (*ExportNode, error) {
	n, err := e.ex.Next()
	if errors.Is(err, iavl.ErrorExportDone) {
		return nil, ErrExportDone
	}
	if err != nil {
		return nil, err
	}
	return &ExportNode{Key: n.Key, Value: n.Value, Version: n.Version, Height: n.Height}, nil
}

func (e *iavlExporter) Close() error {
	e.ex.Close()
	return e.view.Close()
}

type iavlImporter struct {
	e     *iavlEngine
	im    *iavl.Importer
	check importCheck
}

func (im *iavlImporter) add(n *ExportNode) error {
	if err := im.check.add(n); err != nil {
		return err
	}
	return im.im.Add(&iavl.ExportNode{Key: n.Key, Value: n.Value, Version: n.Version, Height: n.Height})
}

// commit writes the imported version with a synced batch and loads it; on
// failure the import is abandoned.
func (im *iavlImporter) commit() ([]byte, error) {
	if err := im.check.done(); err != nil {
		im.im.Close()
		return nil, err
	}
	if err := im.im.Commit(); err != nil {
		im.im.Close()
		return nil, err
	}
	return im.e.tree.Hash(), nil
}

func (im *iavlImporter) close() error {
	im.im.Close()
	return nil
}
