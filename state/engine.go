package state

import "crypto/sha256"

// Engine is one implementation of the versioned tree behind a Store. Package
// state/store turns an Engine into a Store: it adds the last-committed
// marker, the locking, the argument checks and the check of imported nodes.
// Each engine lives in a package of its own (state/memiavlengine,
// state/iavlengine) that only the node links; nothing but state/store calls
// an Engine.
//
// Contract, besides KV's:
//   - Calls are made one at a time; Views may be read concurrently with them.
//   - Set receives a non-empty key and a non-nil value, Delete a non-empty
//     key; both are the engine's to keep (the caller passes copies).
//     Deleting an absent key is a no-op.
//   - Commit saves the working version as the next version and returns
//     only once it is durable.
//   - The same sequence of writes gives the same hashes, proofs and exported
//     nodes under every engine; an empty tree's hash is EmptyHash.
type Engine interface {
	KV
	// WriteBatch applies changes in order, as Set and Delete would one by
	// one; keys are non-empty and the slices are the engine's to keep.
	WriteBatch(changes []Change) error
	// WorkingHash is the root hash the working version would commit to.
	WorkingHash() []byte
	// Commit saves the working version and returns its hash and version.
	Commit() (hash []byte, version int64, err error)
	// AfterCommit runs once the store's marker names version: the engine's
	// snapshots and pruning.
	AfterCommit(version int64) error
	// Rollback discards every write since the last commit.
	Rollback() error
	// View opens committed version v, 1 <= v <= latest (0 only for an
	// empty store); latest is the latest committed version.
	View(v, latest int64) (EngineView, error)
	// Import starts replacing the engine's contents, which are empty, with
	// an exported version.
	Import(version int64) (EngineImporter, error)
	Close() error
}

// EngineView is a View that can also stream its nodes for a snapshot.
type EngineView interface {
	View
	// Export streams the view's nodes in post-order; closing the Exporter
	// closes the view.
	Export() (Exporter, error)
}

// EngineImporter is an engine's half of an Importer.
type EngineImporter interface {
	// Add takes the next node of one post-order tree. The caller has checked
	// the stream (heights close two lower subtrees, no node newer than the
	// imported version): an engine may block or misbehave on a malformed one.
	Add(node *ExportNode) error
	// Commit makes the imported version the engine's committed version,
	// durably, and returns its hash. After a failure the engine should be
	// closed.
	Commit() ([]byte, error)
	// Close abandons the import and leaves the engine empty and usable.
	Close() error
}

// EmptyHash returns the root hash of an empty tree under every engine: the
// SHA-256 of nothing.
func EmptyHash() []byte { return sha256.New().Sum(nil) }
