package land

import (
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Prefix is the first byte of every store key of this module (see
// core.Module); frozen, never reused.
const Prefix byte = 0x10

// Tables under Prefix. Each table byte is used by exactly one
// table and is never reused, even if the table is retired. Every record is
// keyed directly by its external id, so one key proves one answer.
const (
	// tableParcel: parcel id -> Parcel.
	tableParcel byte = 0x01
	// tableHistory: parcel id, seq (8 bytes big-endian) -> core.HistoryEntry.
	tableHistory byte = 0x02
	// tableOwner: account (20 bytes) -> Owner (how many parcels it holds).
	tableOwner byte = 0x03
	// tableOwnerParcel: account (20 bytes), parcel id -> OwnerParcel.
	tableOwnerParcel byte = 0x04
	// tableTransfer: transfer id (8 bytes big-endian) -> Transfer.
	tableTransfer byte = 0x05
	// tableLien: lien id (8 bytes big-endian) -> Lien.
	tableLien byte = 0x06
	// tableDispute: dispute id (8 bytes big-endian) -> Dispute.
	tableDispute byte = 0x07
	// tableCounter: counter name -> last id assigned (8 bytes big-endian).
	tableCounter byte = 0x08
)

// Counter names under tableCounter.
const (
	counterTransfer = "transfer"
	counterLien     = "lien"
	counterDispute  = "dispute"
)

// ParcelKey is the store key of a parcel record.
func ParcelKey(id string) []byte { return state.Key(Prefix, tableParcel, []byte(id)) }

// HistoryKey is the store key of entry seq (from 0) of a parcel's history.
func HistoryKey(parcelID string, seq uint64) []byte {
	return core.HistoryKey(Prefix, tableHistory, []byte(parcelID), seq)
}

// OwnerKey is the store key of an account's owner record (its parcel count).
func OwnerKey(a core.Address) []byte { return state.Key(Prefix, tableOwner, a[:]) }

// OwnerParcelKey is the store key of the index entry saying that account a
// holds shares in a parcel.
func OwnerParcelKey(a core.Address, parcelID string) []byte {
	return state.Key(Prefix, tableOwnerParcel, a[:], []byte(parcelID))
}

// OwnerParcelsPrefix is the prefix of every owner index entry of account a.
func OwnerParcelsPrefix(a core.Address) []byte {
	return state.Key(Prefix, tableOwnerParcel, a[:])
}

// TransferKey is the store key of a transfer record.
func TransferKey(id uint64) []byte {
	return state.Key(Prefix, tableTransfer, state.Uint64(id))
}

// LienKey is the store key of a lien record.
func LienKey(id uint64) []byte { return state.Key(Prefix, tableLien, state.Uint64(id)) }

// DisputeKey is the store key of a dispute record.
func DisputeKey(id uint64) []byte {
	return state.Key(Prefix, tableDispute, state.Uint64(id))
}

// counterKey is the store key of a sequential id counter.
func counterKey(name string) []byte {
	return state.Key(Prefix, tableCounter, []byte(name))
}

// OwnersPrefix is the prefix of every owner record (OwnerKey): per-account
// totals that every registration of a parcel of the account updates.
func OwnersPrefix() []byte { return state.Key(Prefix, tableOwner) }

// CountersPrefix is the prefix of the module's id counters (the lien
// counter among them).
func CountersPrefix() []byte { return state.Key(Prefix, tableCounter) }
