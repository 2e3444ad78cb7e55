// Package scripts holds developer helpers that are not part of the node:
// scripts/codes prints the result-code table for the README, fuzz.sh runs
// every fuzz target for a while.
package scripts
