// Package legacy reads the dumps of the registries that predate the chain
// and turns them into the chain's records (docs/import.md is the format).
//
// A dump is one file per registry, CSV with a header line or JSON Lines,
// one record per line. Canonicalise reads it: every row is parsed,
// normalised and checked by its module's stateless check; rows that fail
// are set aside with a line number, a stable code and a reason, and never
// stop the read. Settle then runs the remaining rows through their module
// in order on a scratch state and sets aside those the module refuses.
// What is left are the canonical rows: each the CSV encoding of the row's
// normalised fields, sorted by the record's id, unique.
//
// A dump is named by two values: the SHA-256 of its bytes as read, and the
// root of CometBFT's simple Merkle tree (crypto/merkle) over its canonical
// rows in order. Prove gives the proof that row N is under that root; an
// auditor holding the dump recomputes both values with this package.
//
// NodeLoader (a node's InitChain) executes canonical rows over the genesis
// state as their module's messages, signed by the importing account, with
// each row's SHA-256 as the transaction hash: the records are exactly
// those the messages would have made, and their first history entry names
// the row. It runs in bounded memory: rows and records are sorted on disk,
// rows execute on GOMAXPROCS workers and commit in order, and only
// the keys a registry declares shared stay in memory; the merge refuses a
// load in which rows shared any other key. Prepare is the same run for the
// offline `govchain import prepare`.
//
// Generate writes realistic dumps of any size, deterministic from a seed,
// with malformed rows on request.
//
// The package never writes to the chain's store itself, reads no clock and
// no environment: its results depend on the dump's bytes alone. It writes
// sorted runs, removed when done, in the work directory it is given.
package legacy
