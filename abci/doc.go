// Package abci adapts the govchain state machine (package app) to
// CometBFT's ABCI 2.0 Application interface. It is the only package that
// speaks abcitypes.
//
// It holds no business rule: it converts requests to app calls, app errors
// to stable result codes (codes.go: the table derived from the codes each
// sentinel carries, core.NewCodedError, over core, app and app.Modules;
// testdata/codes.txt holds the whole released table, which may only grow),
// app events to ABCI events, and proofs to ProofOps. It must never decide whether a
// transaction is valid; the app does.
//
// A storage failure or an out-of-order block in FinalizeBlock or Commit is
// returned as an error, which stops the node: it is never turned into a
// transaction result.
package abci
