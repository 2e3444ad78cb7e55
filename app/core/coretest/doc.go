// Package coretest holds test doubles for registry tests: an in-memory KV,
// a Context builder and Env, the chain of one-transaction blocks every
// registry's tests run messages on. It is imported only by _test.go files;
// it must never be used by the node.
package coretest
