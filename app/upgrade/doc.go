// Package upgrade runs the software upgrades the agencies schedule by
// governance (gov's schedule_upgrade change) on the binary's side: which
// upgrades this binary carries (Registry, each with a state migration) and
// what a node does at the start of every block (Begin).
//
// Usage protocol:
//
//  1. The agencies pass a schedule_upgrade proposal: the plan (name,
//     height H, the new binary's SHA-256, notes) is stored by gov under
//     gov.UpgradePlanKey.
//  2. At the start of every block, before anything of the block is
//     written, the app calls Begin with the registry of the running binary
//     (Carried, unless a test gives another).
//  3. At block H, a binary that does not carry the plan's name stops with
//     ErrUpgradeNeeded, whose message names the upgrade, the height, the
//     expected SHA-256 and what to do; the block is not executed and
//     nothing is written. The operator installs the approved binary and
//     starts the node again; CometBFT hands it block H again.
//  4. A binary that carries it runs the upgrade's Migrate on a branch of
//     the state; on success the branch is written together with gov's
//     UpgradeDone record (and the plan deleted), all in block H's state,
//     so the migration has run exactly once once block H is committed: a
//     restart finds the record and no plan, and never runs it again. A
//     migration that fails (or panics) stops the node with
//     ErrMigrationFailed and writes nothing; a crash before Commit
//     re-executes block H from the committed state, migration included.
//  5. From then on, every block (and New at start) refuses a state that
//     holds the UpgradeDone of an upgrade this binary does not carry
//     (ErrBinaryTooOld): an old binary restarted after the upgrade stops
//     with a message naming the binary to run, instead of executing new
//     state with old rules.
//
// A binary that carries an upgrade must execute every block before the
// upgrade's height exactly as the binaries before it did: the rules an
// upgrade brings are conditioned on its UpgradeDone record (Done), never on
// the binary alone. That is what lets a node that was down during the
// upgrade catch up on the new binary (it executes the blocks before H with
// the old rules, then runs the migration at H), lets a new node sync from
// genesis with the newest binary, and makes installing the new binary
// before the height harmless: nothing changes until block H.
//
// Carried is chosen at build time: the production binary carries no
// upgrade yet; the build tag upgradedemo adds the demonstration upgrade
// DemoName (demo.go), which the end-to-end test of an upgrade uses and a
// production build must never carry.
//
// This package must never read the wall clock, the environment or files;
// a migration must be deterministic like any block execution (no map
// iteration without sorting, no floats, no randomness).
package upgrade
