// Package agency holds the messages by which the agencies (ministries)
// manage who may act in the registries: an agency's admin grants a role to
// an account, and revokes it. Which agency may grant which role is fixed in
// genesis and changed only by a 2/3 vote of the agencies (app/gov).
//
// A grant or revocation is effective from the next transaction: roles are
// read from the transaction's own branch of the state. Every change appends
// to the account's role history in the Merkle state.
//
// Like every registry this package must be deterministic: no wall clock, no
// randomness, no unsorted map iteration.
package agency
