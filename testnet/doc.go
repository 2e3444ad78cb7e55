// Package testnet runs govchain networks on this machine and tests them
// from the outside, the way operators and clients use them: it builds the
// govchain binary, initialises homes, starts node processes on 127.0.0.1,
// and drives them through the command line and CometBFT's RPC only.
//
// Every test here is bounded in time and in the number of transactions,
// stops the processes it started (one process wrapper, node, starts them
// all, and none outlives the test binary however it ends:
// process_test.go), and targets loopback addresses only
// (127.0.0.1, and 127.0.X.Y for the multi-node networks of the fault
// harness, harness_test.go). The harness judges a node caught up by its
// /readyz answer, and quotes its reasons when it is not. Each network
// has a loopback block 127.0.X.0/24 no other network of the run has had,
// so the fault scenarios run two at a time as parallel tests (most of
// their time is spent waiting on blocks). The fault
// scenarios run in a short version by default and in a long one with
// GOVCHAIN_E2E_FULL=1 (make e2e). Besides the production binary the tests
// build two test-only ones: the faultinject build (crash points inside
// Commit, a byzantine proposer) and the fault-OS build (overlay_test.go: a
// skewed wall clock, and a journal of fsyncs from which a power cut is
// emulated), which exists only in the test's temporary directory.
// It must never import the node's internals (app, abci, state) to reach
// around the binary; the client package, which any user may embed, is fine.
package testnet
