// Command kvnode runs a CometBFT node with CometBFT's example kvstore
// application in-process, over a node home made by `govchain testnet
// init`: the same config.toml, keys and genesis (kvstore ignores the
// govchain app_state), the same in-process ABCI connection. It exists only
// as the baseline of the end-to-end benchmark (testnet/bench_e2e_test.go,
// `make bench-e2e`) and must never be used to run a govchain network.
//
//	kvnode --home DIR
//
// The kvstore state is kept in goleveldb under <home>/data/kvstore.
// SIGINT or SIGTERM stops the node cleanly.
package main
