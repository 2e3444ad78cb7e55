// Command codes prints govchain's result-code table as Markdown, as
// docs/client.md shows it: go run ./scripts/codes. It reads the table from
// package abci, and the docs test compares the page with its output, so the
// page cannot drift from the codes the node returns.
package main
