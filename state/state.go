package state

import (
	"errors"

	ics23 "github.com/cosmos/ics23/go"
)

// Engine names, the values of Config.Engine. They are part of the node's
// configuration file and never change.
const (
	EngineMemIAVL = "memiavl"
	EngineIAVL    = "iavl"
)

// ProofOpType is the CometBFT ProofOp type of every proof this package
// produces: an ICS23 commitment proof checked with ics23.IavlSpec.
const ProofOpType = "ics23:iavl"

var (
	// ErrVersionNotFound is returned when a requested version is not (or no
	// longer) available in the store.
	ErrVersionNotFound = errors.New("state: version not found")
	// ErrClosed is returned by every method of a closed store or view.
	ErrClosed = errors.New("state: store is closed")
	// ErrKeyExists is returned by ProveAbsence when the key is present.
	ErrKeyExists = errors.New("state: key exists, cannot prove absence")
	// ErrKeyMissing is returned by ProveExistence when the key is absent.
	ErrKeyMissing = errors.New("state: key missing, cannot prove existence")
	// ErrCorrupt is returned when the store's files disagree with the
	// last-committed marker in a way that cannot be repaired by rolling back.
	ErrCorrupt = errors.New("state: store is corrupt")
	// ErrEmptyKey is returned when a nil or empty key is written.
	ErrEmptyKey = errors.New("state: empty key")
	// ErrNilValue is returned when a nil value is written (an empty,
	// non-nil value is allowed).
	ErrNilValue = errors.New("state: nil value")
	// ErrEmptyTree is returned by ProveAbsence on an empty tree: ICS23 has
	// no non-existence proof without a neighbouring leaf.
	ErrEmptyTree = errors.New("state: cannot prove absence in an empty tree")
)

// Reader is read access to one version of the key space. Get returns
// (nil, nil) for an absent key. Values returned must not be modified by the
// caller and stay valid after the call.
type Reader interface {
	Get(key []byte) ([]byte, error)
	Has(key []byte) (bool, error)
	// Iterator returns keys in [start, end) in ascending or descending order.
	// A nil start or end means unbounded. The caller must Close it.
	Iterator(start, end []byte, ascending bool) (Iterator, error)
}

// Writer is write access to the working (uncommitted) version.
type Writer interface {
	Set(key, value []byte) error
	Delete(key []byte) error
}

// Change is one write of a batch (BatchWriter): Key = Value, or the
// deletion of Key if Value is nil.
type Change struct {
	Key   []byte
	Value []byte
}

// BatchWriter is a Writer that also takes a batch of writes in one call; a
// Store and a Branch implement it. WriteBatch applies changes in their
// order, exactly as the same Set and Delete calls one by one would (same
// tree, same hashes), and takes ownership of every Key and Value: the
// caller must not modify them afterwards. A key must not be empty. On
// error a prefix of the batch may have been applied.
type BatchWriter interface {
	WriteBatch(changes []Change) error
}

// WriteChanges applies changes to w in order: in one WriteBatch call if w
// is a BatchWriter (which then owns the slices), else one Set or Delete
// per change, stopping at the first error.
func WriteChanges(w Writer, changes []Change) error {
	if bw, ok := w.(BatchWriter); ok {
		return bw.WriteBatch(changes)
	}
	for _, c := range changes {
		var err error
		if c.Value == nil {
			err = w.Delete(c.Key)
		} else {
			err = w.Set(c.Key, c.Value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// KV is read and write access; a Store, an Engine and a Branch implement it.
type KV interface {
	Reader
	Writer
}

// Iterator walks a range of keys. It follows the cosmos-db iterator
// protocol: check Valid before Key/Value, call Next to advance, Close always.
type Iterator interface {
	Valid() bool
	Next()
	Key() []byte
	Value() []byte
	Error() error
	Close() error
}

// Store is the one versioned Merkle tree holding all application state. The
// root hash of a committed version is the app hash. Package state/store opens
// one over an Engine.
//
// Contract:
//   - Reads and writes through the KV methods see the working version:
//     the last committed version plus the writes made since.
//   - Commit saves the working version as Version()+1, is durable (fsynced)
//     before it returns, and records a last-committed marker; store.Open
//     reopens exactly the version named by that marker, even if the engine
//     wrote a later version before a crash.
//   - Hashes are identical across engines for the same sequence of writes.
//   - A Store is not safe for concurrent writes; Views may be used
//     concurrently with writes to the working version.
type Store interface {
	KV
	// WorkingHash is the root hash the working version would commit to.
	WorkingHash() []byte
	// Commit persists the working version and returns its hash and version.
	Commit() (hash []byte, version int64, err error)
	// Version is the last committed version (0 for an empty store).
	Version() int64
	// LastHash is the root hash of the last committed version.
	LastHash() []byte
	// Rollback discards all writes since the last commit.
	Rollback() error
	// ViewAt returns a read-only view of a committed version; version 0 means
	// the latest committed version. The view stays valid until closed, even
	// while newer versions are committed.
	ViewAt(version int64) (View, error)
	// Export streams the nodes of a committed version for a snapshot.
	Export(version int64) (Exporter, error)
	// Import replaces an empty store's contents with an exported version.
	Import(version int64) (Importer, error)
	// Engine names the engine (EngineMemIAVL or EngineIAVL).
	Engine() string
	Close() error
}

// View is a read-only, immutable committed version with proofs.
type View interface {
	Reader
	Version() int64
	Hash() []byte
	// ProveExistence returns an ICS23 existence proof of key (ErrKeyMissing
	// if absent).
	ProveExistence(key []byte) (*ics23.CommitmentProof, error)
	// ProveAbsence returns an ICS23 non-existence proof of key (ErrKeyExists
	// if present, ErrEmptyTree if the tree is empty).
	ProveAbsence(key []byte) (*ics23.CommitmentProof, error)
	Close() error
}

// ProofSpec is the ICS23 spec every proof of this package verifies under.
func ProofSpec() *ics23.ProofSpec { return ics23.IavlSpec }

// ExportNode is one node of an exported tree, in the order the engine
// exports them (post-order, as cosmos/iavl and memiavl both do).
type ExportNode struct {
	Key     []byte
	Value   []byte
	Version int64
	Height  int8
}

// Exporter yields the nodes of one version. Next returns ErrExportDone after
// the last node.
type Exporter interface {
	Next() (*ExportNode, error)
	Close() error
}

// ErrExportDone is returned by Exporter.Next after the last node.
var ErrExportDone = errors.New("state: export done")

// Importer rebuilds a version from exported nodes. Commit makes it the
// store's committed version (durably, marker included).
type Importer interface {
	Add(node *ExportNode) error
	Commit() error
	Close() error
}

// Config selects and tunes the engine. The zero value is not valid; use
// DefaultConfig.
type Config struct {
	// Engine is EngineMemIAVL (default) or EngineIAVL.
	Engine string `mapstructure:"engine" toml:"engine"`
	// CacheSize is the engine's cache: for iavl, its node cache, in
	// nodes; for memiavl, its cache of recently read and written keys, in
	// entries. 0 lets the engine choose: IAVLCacheSize nodes for iavl,
	// no key cache for memiavl (its lookups in the tree cost less than
	// keeping the cache, measured on path B imports and mixed blocks).
	CacheSize int `mapstructure:"cache_size" toml:"cache_size"`
	// SnapshotInterval (memiavl) is how many versions between on-disk
	// snapshots; the write-ahead log covers the versions in between.
	SnapshotInterval uint32 `mapstructure:"snapshot_interval" toml:"snapshot_interval"`
	// KeepRecent is how much history stays readable through ViewAt. iavl:
	// the number of latest versions kept (0 keeps all). memiavl: the number
	// of snapshots kept besides the newest; every version from the oldest
	// kept snapshot on stays readable.
	KeepRecent uint32 `mapstructure:"keep_recent" toml:"keep_recent"`
}
