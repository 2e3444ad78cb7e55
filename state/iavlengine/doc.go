// Package iavlengine is the alternative state engine: a state.Engine over
// github.com/cosmos/iavl v1 on a cosmos-db pebble database in
// <store dir>/iavl.db. Package state/store opens it with Open and wraps it
// into a state.Store; nothing else uses it.
//
// # How it works
//
// Writes are synced: SaveVersion's last batch is written with fsync, which
// makes pebble's whole log durable, so a version is durable when Commit
// returns. Views read through a second tree instance, so that they never
// share nodes the writer mutates. Config.KeepRecent > 0 prunes versions
// older than the KeepRecent latest after each commit. Its root hashes,
// proofs and exported nodes equal memiavl's for the same writes.
//
// # What it must never do
//
// It is never imported by the app, the client or the proof verifier (only
// through state/store, by the node). It never returns from Commit before the
// version is durable, and never lets a view share the writer's node cache.
// Its non-test code never reads the clock, the environment or a random
// source.
package iavlengine
