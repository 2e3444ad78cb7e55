// Command govchain is the one binary of a govchain network: it initialises
// a node's home (init), runs a node with CometBFT embedded in-process
// (start), keeps account keys (keys), signs and posts transactions (tx) and
// reads records with Merkle proofs (query). It also signs for a validator
// from another process (signer) and backs up and restores a node's state
// at a height (backup, restore).
//
// This package is wiring only: cobra commands and viper configuration
// around the app, abci, state and client packages. It holds no business
// rule; every check a transaction must pass lives in app/ and is enforced
// by the chain.
//
// Every command prints its result on stdout and exits 0; an error is one
// line on stderr, "error: code N (govchain): log" for a refusal by the
// chain's rules (with the abci package's code and log, also when the
// command caught it before sending) and "error: reason" for anything else,
// with exit status 1. With --output json (-o json, on every command but
// testnet init, whose --output is a directory) results are JSON, and the
// error line is one JSON object: {"code","codespace","log"}, with code 1
// and codespace "cli" for an error no rule of the chain gave. An unknown
// command or flag fails at every level, with suggestions; so does a
// command group given no command. The root command's help states this
// contract for users. Every flag can also be given in the environment as
// GOVCHAIN_<FLAG> (upper case, - as _), e.g. GOVCHAIN_HOME=.govchain-dev.
package main
