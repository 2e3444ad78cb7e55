// Package state is govchain's versioned Merkle store: one IAVL tree that
// holds every byte of application state, whose root hash after each block is
// the app hash, with ICS23 proofs of existence and absence and snapshot
// export/import for state sync.
//
// # What it is for
//
// Open returns a Store: Get/Has/Iterator/Set/Delete on the working version,
// WorkingHash, Commit (durable before it returns) and ViewAt for immutable,
// provable, concurrently readable committed versions. NewBranch gives the
// write cache used per transaction and per block: writes are kept in the
// branch, read back merged with the parent, and applied to the parent in
// ascending key order by Write, or dropped by Discard. VerifyExistence and
// VerifyAbsence check proofs against a root hash with nothing but ics23, so
// light clients and offline certificate checkers can use them.
//
// # What it must never do
//
// It knows nothing of transactions, accounts, CometBFT's node, networking or
// RPC. Its non-test code never reads the clock, the environment or a random
// source, never uses floats, and never lets map iteration order reach the
// tree: the same sequence of writes gives the same hashes on every node and
// under both engines. A storage failure is returned, never hidden; callers
// stop the node on an error from Commit.
//
// # Engines
//
// Two engines produce identical root hashes, proofs and exports for the same
// writes (tests check this version by version, and export from one imports
// into the other):
//
//   - memiavl (default): github.com/crypto-org-chain/cronos/memiavl, one tree
//     named "state" in a memiavl DB; the app hash is that tree's root hash,
//     not memiavl's multistore commit-info hash. The tree lives in memory
//     over memory-mapped snapshots, with a write-ahead log. memiavl opens
//     its log without fsync, so Commit fsyncs the log's last segment and
//     directory itself. Snapshots are written by this package (memiavl's
//     own rewriting is switched off), fsynced before "current" points at
//     them, and switched to only when no view still reads the old memory
//     maps; Rollback, Import and Close wait for open views of the live tree.
//     ViewAt of an older version loads a separate read-only memiavl DB from
//     the newest snapshot at or below it plus the log, so it works back to
//     the oldest kept snapshot (Config.KeepRecent) and costs a log replay.
//   - iavl: github.com/cosmos/iavl v1 on a cosmos-db pebble database, with
//     synced writes (SaveVersion's last batch is written with fsync, which
//     makes pebble's whole log durable). Views read through a second tree
//     instance so that they never share nodes the writer mutates.
//     Config.KeepRecent > 0 prunes older versions.
//
// # Last-committed marker
//
// The engine's own idea of its latest version is not trusted after a crash
// (iavl v1 can even fail to load a version whose commit was cut short).
// Commit writes a small marker file, LAST_COMMIT, naming the version and its
// hash, atomically (temporary file, fsync, rename, fsync of the directory)
// after the engine made the version durable. Open reopens exactly the
// marker's version: a later engine version is rolled back, the hash is
// checked against the marker, and an engine behind the marker (or a
// mismatch) is ErrCorrupt.
//
// # Key layout decision
//
// Records are keyed directly by their external id, one key per record
// (keys.go: registry prefix, table byte, length-prefixed id), rather than by
// an internal sequence number with an id index. That keeps one key, one
// lookup and one proof per answer. The cost is random insertion points in
// the tree, measured with BenchmarkLoad (1,000,000 keys of 200-byte values,
// blocks of 1,000 keys each followed by Commit, 2-core VM):
//
//	engine   layout                keys/s (commit incl.)  µs/proof  proof bytes
//	memiavl  random 32-byte ids            32,240           23.4       1,203
//	memiavl  sequential 8-byte BE          96,464           17.3       1,152
//	iavl     random 32-byte ids             2,086          457         1,203
//	iavl     sequential 8-byte BE          32,783          514         1,152
//
// (go test -run '^$' -bench '^BenchmarkLoad$' -benchtime=1x ./state/, with
// GOVCHAIN_BENCH_KEYS unset.) memiavl with random ids meets the goal
// (>= 30,000 key writes/s including commit, proofs < 50 µs), though with
// little margin (26,000 keys/s was seen with another process sharing the
// CPUs), so the simpler layout stands. Sequential keys are 3x faster to
// write but would need a second, id-to-number index key per record (two
// writes and two proofs per answer) and a counter every writer contends
// on. iavl is 15x slower than memiavl with random ids and 20x slower to
// prove: it stays the alternative engine, not the default, and a node that
// runs it should expect ~2,000 random-key writes/s.
package state
