// Command codes prints govchain's result-code table as Markdown, for the
// README: go run ./scripts/codes. It reads the table from package abci, so
// the README cannot drift from the codes the node returns.
package main
