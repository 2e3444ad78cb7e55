// Package coretest holds test doubles for registry tests: an in-memory KV
// and a Context builder. It is imported only by _test.go files; it must never
// be used by the node.
package coretest
