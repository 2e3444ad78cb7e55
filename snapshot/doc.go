// Package snapshot makes and restores state-sync snapshots of the state
// store: the files behind ABCI's ListSnapshots, LoadSnapshotChunk,
// OfferSnapshot and ApplySnapshotChunk, so that a new node joins a network
// from a recent version instead of replaying every block.
//
// # Usage protocol
//
// NewManager opens the snapshot directory of one node (<home>/data/snapshots)
// over its state.Store, removing what a crash left half written. Then:
//
//   - Serving: after each Commit the caller calls AfterCommit(version); every
//     Config.Interval versions it exports that version in the background (one
//     export at a time; a version that comes due while one runs is skipped)
//     and keeps the Config.KeepRecent newest snapshots. List and LoadChunk
//     answer peers.
//   - Restoring (store at version 0): Offer(info, trustedAppHash), then
//     ApplyChunk for chunks 0, 1, ... in order. The last chunk returns done
//     once the store holds the version durably; the caller then reloads its
//     view of the store. The sentinel errors say what CometBFT should do.
//   - Close cancels a running export and abandons an unfinished restore; it
//     must be called before the store is closed (a running export holds a
//     view of the store).
//
// # Format 1
//
// A snapshot of version H is the stream of state.ExportNodes of the IAVL
// tree at H, in the engine's post-order, cut into chunks. A chunk is a zlib
// stream (best speed) of whole records; a chunk is closed once its records
// reach Options.ChunkSize (4 MiB) uncompressed, so every chunk decodes on
// its own. A record is
//
//	uvarint(len(body)) body
//	body = height (1 byte, int8) | varint(version) | uvarint(len(key)) key
//	       [ uvarint(len(value)) value ]   (leaves, height 0, only)
//
// The snapshot's metadata (abci Snapshot.Metadata) is
//
//	uvarint(format) | uvarint(height) | root hash (32) | uvarint(chunks) |
//	chunks × SHA-256 of the chunk's bytes (32 each)
//
// and its hash (Snapshot.Hash) is the SHA-256 of the chunk hashes
// concatenated. On disk, snapshot H is the directory <dir>/<H, 20 digits>
// holding "metadata" and one file per chunk, "000000", "000001", ...; it is
// written as <name>.tmp, every file and the directory fsynced, then renamed,
// so a crash leaves either a whole snapshot or a .tmp directory that the
// next NewManager removes.
//
// # Trust
//
// Nothing a peer sends is trusted until the end. Offer checks the metadata
// for consistency (and refuses a declared root hash other than the trusted
// app hash, to save the download); ApplyChunk refuses a chunk whose SHA-256
// is not the listed one (ErrChunkCorrupt: refetch it, reject its sender),
// decodes it with size limits, and recomputes the IAVL root hash from the
// node stream as it goes (the same hash cosmos/iavl and memiavl compute).
// Only if that root equals the trusted app hash from the light client is
// the import committed; otherwise it is abandoned, which leaves the store
// empty and usable for the next snapshot (ErrAppHashMismatch).
//
// # What it must never do
//
// It imports state and the standard library only: nothing of app, abci,
// cmd or CometBFT's types. It never slows Commit by more than opening a view
// of the version; it never serves or lists a half-written snapshot; it never
// commits an import whose root hash differs from the trusted one.
package snapshot
