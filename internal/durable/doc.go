// Package durable holds the two file-system operations the node relies on
// for crash safety: writing a file and syncing it before it counts, and
// syncing a file or directory (so that entries created, renamed or
// removed in it survive a power cut). The state store and the snapshot
// manager both use it; it knows nothing of either.
package durable
