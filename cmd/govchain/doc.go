// Command govchain is the one binary of a govchain network: it initialises
// a node's home (init), runs a node with CometBFT embedded in-process
// (start), keeps account keys (keys), signs and posts transactions (tx) and
// reads records with Merkle proofs (query).
//
// This package is wiring only: cobra commands and viper configuration
// around the app, abci, state and client packages. It holds no business
// rule; every check a transaction must pass lives in app/ and is enforced
// by the chain.
//
// Every command prints its result on stdout; an error is one line on
// stderr, "error: ...", with exit status 1. Every flag can also be given in
// the environment as GOVCHAIN_<FLAG> (upper case, - as _), e.g.
// GOVCHAIN_HOME=.govchain-dev.
package main
