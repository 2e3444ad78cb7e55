// Package metrics holds the govchain application's Prometheus metrics,
// all under the "govchain_" namespace: transactions by message type and
// result code, mempool refusals by code, the latency of CheckTx,
// FinalizeBlock and Commit, the committed state version, the memiavl
// snapshot the state tree is read from, the size of the state on disk and
// the free space beside it, the newest state-sync
// snapshot's height, the cache of checked
// transactions, the sharing module's access requests by outcome, and the
// node's health as its /readyz computes it (RegisterNode).
//
// Usage: New registers the metrics on a prometheus.Registerer (the node
// passes prometheus.DefaultRegisterer, which CometBFT's /metrics serves,
// so one endpoint shows both CometBFT's and govchain's series); the abci
// package calls CheckTx, Block and Commit after each hook with what the
// hook returned and how long it took. A nil *Metrics records nothing, so
// a node with Prometheus off pays nothing.
//
// The metrics observe results; they must never be read by the state
// machine or change what a hook returns. Label values come from bounded
// sets only (message types, result codes, outcomes), never from
// addresses, hashes or other per-transaction data.
package metrics
