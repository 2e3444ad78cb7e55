package invoice

import (
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Prefix is the first byte of every store key of this module (see
// core.Module); frozen, never reused.
const Prefix byte = 0x40

// Tables under Prefix. Each table byte is used by exactly one
// table and is never reused, even if the table is retired.
//
// The layout is built for tens of millions of documents: every record is
// reached by its own key (no scan), and every list is a per-owner sequence
// (buyer, or issuer and period) numbered from 0, so a page of a list is a
// range of keys that a verifier can derive from the anchor's count and
// check one by one. A transaction touches a bounded set of keys: issuing an
// invoice writes six (record, its first history entry, buyer anchor, buyer
// entry, period totals, period entry).
const (
	// tableInvoice: issuer (20 bytes), number -> Invoice (invoices and credit
	// notes share the issuer's number space).
	tableInvoice byte = 0x01
	// tableHistory: issuer (20 bytes) ‖ number, seq (8 bytes big-endian) ->
	// core.HistoryEntry of the document.
	tableHistory byte = 0x02
	// tableBuyer: buyer (20 bytes) -> Buyer (how many documents it received).
	tableBuyer byte = 0x03
	// tableBuyerEntry: buyer (20 bytes), seq (8 bytes big-endian) ->
	// BuyerEntry.
	tableBuyerEntry byte = 0x04
	// tableTotals: issuer (20 bytes), period ("2026-11") -> Totals.
	tableTotals byte = 0x05
	// tableTotalsEntry: issuer (20 bytes) ‖ period, seq (8 bytes big-endian)
	// -> core.HistoryEntry naming the document that changed the totals.
	tableTotalsEntry byte = 0x06
)

// InvoiceKey is the store key of an invoice or credit note.
func InvoiceKey(issuer core.Address, number string) []byte {
	return state.Key(Prefix, tableInvoice, issuer[:], []byte(number))
}

// docID is the history id of a document: the issuer's 20 bytes followed by
// the number (unambiguous, the address has a fixed length).
func docID(issuer core.Address, number string) []byte {
	return append(issuer[:], number...)
}

// HistoryKey is the store key of entry seq (from 0) of a document's history.
func HistoryKey(issuer core.Address, number string, seq uint64) []byte {
	return core.HistoryKey(Prefix, tableHistory, docID(issuer, number), seq)
}

// BuyerKey is the store key of a buyer's anchor record.
func BuyerKey(buyer core.Address) []byte {
	return state.Key(Prefix, tableBuyer, buyer[:])
}

// BuyerEntryKey is the store key of entry seq (from 0) of a buyer's index.
func BuyerEntryKey(buyer core.Address, seq uint64) []byte {
	return state.Key(Prefix, tableBuyerEntry, buyer[:], state.Uint64(seq))
}

// TotalsKey is the store key of an issuer's totals for a tax period.
func TotalsKey(issuer core.Address, period string) []byte {
	return state.Key(Prefix, tableTotals, issuer[:], []byte(period))
}

// totalsID is the history id of a totals record: issuer ‖ period.
func totalsID(issuer core.Address, period string) []byte {
	return append(issuer[:], period...)
}

// TotalsEntryKey is the store key of entry seq (from 0) of the documents
// counted in an issuer's totals for a period.
func TotalsEntryKey(issuer core.Address, period string, seq uint64) []byte {
	return core.HistoryKey(Prefix, tableTotalsEntry, totalsID(issuer, period), seq)
}

// ImportSharedPrefixes are the prefixes of the keys that recording one
// invoice reads or writes beyond the invoice's own records: the buyers'
// records and the tax periods' totals.
func ImportSharedPrefixes() [][]byte {
	return [][]byte{state.Key(Prefix, tableBuyer), state.Key(Prefix, tableTotals)}
}
