// Package scripts holds developer helpers that are not part of the node:
// scripts/codes prints the result-code table that docs/client.md shows, fuzz.sh runs
// every fuzz target for a while, testnet.sh drives `make testnet`, and
// scripts/kvnode runs CometBFT's kvstore example app as the reference
// network of `make bench-e2e`.
package scripts
