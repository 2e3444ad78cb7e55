package notary

import (
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Prefix is the first byte of every store key of this module (see
// core.Module); frozen, never reused.
const Prefix byte = 0x50

// Tables under Prefix. Each table byte is used by exactly one
// table and is never reused. A document is keyed by its 32-byte hash, so
// one key proves its existence and the same key's absence proves that it
// was never anchored.
const (
	// tableDocument: SHA-256 (32 bytes) -> Document.
	tableDocument byte = 0x01
	// tableHistory: SHA-256 (32 bytes), seq (8 bytes big-endian) ->
	// core.HistoryEntry.
	tableHistory byte = 0x02
)

// DocumentKey is the store key of an anchored document.
func DocumentKey(h core.Hash) []byte { return state.Key(Prefix, tableDocument, h[:]) }

// HistoryKey is the store key of entry seq (from 0) of a document's history.
func HistoryKey(h core.Hash, seq uint64) []byte {
	return core.HistoryKey(Prefix, tableHistory, h[:], seq)
}
