// Package memiavlengine is the default state engine: a state.Engine over
// github.com/crypto-org-chain/cronos/memiavl. Package state/store opens it
// with Open and wraps it into a state.Store; nothing else uses it.
//
// # How it works
//
// One tree named "state" in a memiavl DB, in <store dir>/memiavl; the app
// hash is that tree's root hash, not memiavl's multistore commit-info hash.
// The tree lives in memory over memory-mapped snapshots, with a write-ahead
// log. memiavl opens its log without fsync, so Commit fsyncs the log's last
// segment and directory itself. Snapshots are written by this package
// (memiavl's own rewriting is switched off), fsynced before "current" points
// at them, and switched to only when no view still reads the old memory
// maps; Rollback, Import and Close wait for open views of the live tree.
// The switch prunes the snapshots Config.KeepRecent does not keep and the
// log segments before the oldest kept one by renaming them into
// <store dir>/memiavl.pruned, and deletes that in the background (Close
// waits for it; Open deletes what a crash left there), so that no commit
// waits for the deletion of gigabytes.
// View of an older version loads a separate read-only memiavl DB from the
// newest snapshot at or below it plus the log, so it works back to the
// oldest kept snapshot (Config.KeepRecent) and costs a log replay. Proofs
// are deep-copied out of the memory maps before they are returned.
// Import (state sync's restore and a bulk load) writes the imported tree's
// snapshot itself (treeWriter): byte for byte the files memiavl's own
// importer writes, with the leaves hashed on every core instead of one.
//
// # What it must never do
//
// It is never imported by the app, the client or the proof verifier (only
// through state/store, by the node). It never unmaps a snapshot that a view
// or the snapshot writer still reads, never points "current" at a snapshot
// that is not yet durable, and never lets the tree's hash depend on when
// snapshots are written. Its non-test code never reads the clock, the
// environment or a random source.
package memiavlengine
