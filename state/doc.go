// Package state is what every govchain program may know of the versioned
// Merkle store: the interfaces of the one IAVL tree that holds every byte of
// application state (its root hash after each block is the app hash), the key
// layout, the per-transaction write cache, and the checking of ICS23 proofs
// of existence and absence. The store itself, and the two storage engines
// under it, live in packages that only the node imports: state/store (Open,
// the last-committed marker, rollback, export and import), and
// state/memiavlengine and state/iavlengine.
//
// # What it is for
//
// Store is the contract the app writes to: Get/Has/Iterator/Set/Delete on
// the working version, WorkingHash, Commit (durable before it returns) and
// ViewAt for immutable, provable, concurrently readable committed versions;
// Export and Import stream a version's nodes for state-sync snapshots.
// Engine, EngineView and EngineImporter are the contract between state/store
// and an engine. Config (with DefaultConfig and Validate) is the node's
// [state] configuration and names the engine.
//
// NewBranch gives the write cache used per transaction and per block: writes
// are kept in the branch, read back merged with the parent, and applied to
// the parent in ascending key order by Write, or dropped by Discard.
//
// VerifyExistence and VerifyAbsence check proofs against a root hash with
// nothing but ics23, and EncodeProof and DecodeProof carry proofs as bytes,
// so light clients and offline certificate checkers can use them.
// AppendLeafHashInput and AppendInnerHashInput are the bytes an IAVL node's
// hash covers, for code that hashes a streamed tree (a snapshot's chunks,
// an imported tree) without an engine.
//
// Key, Uint64 and PrefixEnd build keys in the one layout of keys.go: a
// registry prefix byte, a table byte, then length-prefixed parts. Records
// are keyed directly by their external id, one key per record, rather than
// by an internal sequence number with an id index: one key, one lookup and
// one proof per answer. The measurement behind that choice is in package
// state/store's documentation, beside the benchmark that made it.
//
// # What it must never do
//
// It knows nothing of transactions, accounts, CometBFT's node, networking or
// RPC. It never imports a storage engine or database (memiavl, cosmos/iavl,
// cosmos-db, pebble), so that the client and the proof verifier, which
// import it through the app, link none: TestNoEngineOutsideTheNode checks
// this with the go command. Its non-test code never reads the clock, the
// environment or a random source, never uses floats, and never lets map
// iteration order reach the tree: the same sequence of writes gives the same
// hashes on every node and under both engines.
package state
