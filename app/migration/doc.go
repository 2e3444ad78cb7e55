// Package migration is path B of a legacy registry's migration: an
// account holding the importer role (granted by an agency) posts a
// settled dump's canonical rows (package legacy) onto a running chain in
// batches, and the chain keeps one checkpoint per dump.
//
// # Usage protocol
//
//   - A batch (ImportBatch) names the dump by its registry, Merkle root
//     and row count, and carries the rows [First, First+n) of a batch of
//     Size rows (a power of two, First a multiple of it) with the aunts
//     that prove them all against the root (legacy.VerifyBatch). Validate
//     checks the proof; it reads no state.
//   - Exec requires the signer to hold RoleImporter and the registry's own
//     role. The dump's checkpoint (CheckpointKey of its root) must expect
//     exactly First: a batch below it was imported (ErrBatchImported), one
//     above it skips rows (ErrBatchOutOfOrder); the first batch of a dump
//     is at row 0. Nothing is written by a refused batch.
//   - CheckTx sees only the committed checkpoint, so it admits a batch
//     ahead of it (ImportBatch is a core.Recorder that records nothing,
//     and only for ErrBatchOutOfOrder): an importer may sign consecutive
//     batches with consecutive sequences and post them without waiting
//     for their blocks; PrepareProposal puts them in sequence order. One
//     still out of order in a block is refused there with its code.
//   - Each row runs as legacy.ExecRow does for path A at the block's
//     height and time: the record and its first history entry are those
//     the registry's register message signed by the importer makes, its
//     transaction hash the row's SHA-256. A row the registry refuses (its
//     id already taken on this chain, say) leaves no write and is counted
//     as refused; the batch goes on.
//   - The checkpoint then expects the next row and counts the batches,
//     the rows imported and the rows refused. An importer that stopped,
//     or whose node did, reads it (query migration/checkpoint/{root}) and
//     resumes after it; a batch posted twice is refused, so no row is
//     imported twice.
//
// It must never read files, the clock or anything but the state and the
// message: every validator checks and executes the same rows.
package migration
