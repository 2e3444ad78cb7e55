// Package testnet runs govchain networks on this machine and tests them
// from the outside, the way operators and clients use them: it builds the
// govchain binary, initialises homes, starts node processes on 127.0.0.1,
// and drives them through the command line and CometBFT's RPC only.
//
// Every test here is bounded in time and in the number of transactions,
// stops the processes it started, and targets no address but 127.0.0.1.
// It must never import the node's internals (app, abci, state) to reach
// around the binary; the client package, which any user may embed, is fine.
package testnet
