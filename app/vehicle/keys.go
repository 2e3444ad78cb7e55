package vehicle

import (
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Prefix is the first byte of every store key of this module (see
// core.Module); frozen, never reused.
const Prefix byte = 0x20

// Tables under Prefix. Each table byte is used by exactly one
// table and is never reused, even if the table is retired. Every record is
// keyed directly by its external id, so one key proves one answer.
const (
	// tableVehicle: VIN -> Vehicle.
	tableVehicle byte = 0x01
	// tableHistory: VIN, seq (8 bytes big-endian) -> core.HistoryEntry.
	tableHistory byte = 0x02
	// tablePlate: plate -> Plate (the VIN carrying it).
	tablePlate byte = 0x03
	// tableOwner: account (20 bytes) -> Owner (how many vehicles it owns).
	tableOwner byte = 0x04
	// tableOwnerVehicle: account (20 bytes), VIN -> OwnerVehicle.
	tableOwnerVehicle byte = 0x05
	// tableTransfer: transfer id (8 bytes big-endian) -> Transfer.
	tableTransfer byte = 0x06
	// tableLien: lien id (8 bytes big-endian) -> Lien.
	tableLien byte = 0x07
	// tableCounter: counter name -> last id assigned (8 bytes big-endian).
	tableCounter byte = 0x08
	// tableParams: the single key "params" -> Params (written at genesis).
	tableParams byte = 0x09
)

// Counter names under tableCounter.
const (
	counterTransfer = "transfer"
	counterLien     = "lien"
)

// VehicleKey is the store key of a vehicle record.
func VehicleKey(vin string) []byte { return state.Key(Prefix, tableVehicle, []byte(vin)) }

// HistoryKey is the store key of entry seq (from 0) of a vehicle's history.
func HistoryKey(vin string, seq uint64) []byte {
	return core.HistoryKey(Prefix, tableHistory, []byte(vin), seq)
}

// PlateKey is the store key of a plate index record.
func PlateKey(plate string) []byte { return state.Key(Prefix, tablePlate, []byte(plate)) }

// OwnerKey is the store key of an account's owner record (its vehicle
// count).
func OwnerKey(a core.Address) []byte { return state.Key(Prefix, tableOwner, a[:]) }

// OwnerVehicleKey is the store key of the index entry saying that account
// a owns the vehicle vin.
func OwnerVehicleKey(a core.Address, vin string) []byte {
	return state.Key(Prefix, tableOwnerVehicle, a[:], []byte(vin))
}

// OwnerVehiclesPrefix is the prefix of every owner index entry of account a.
func OwnerVehiclesPrefix(a core.Address) []byte {
	return state.Key(Prefix, tableOwnerVehicle, a[:])
}

// TransferKey is the store key of a transfer record.
func TransferKey(id uint64) []byte {
	return state.Key(Prefix, tableTransfer, state.Uint64(id))
}

// LienKey is the store key of a lien record.
func LienKey(id uint64) []byte { return state.Key(Prefix, tableLien, state.Uint64(id)) }

// ParamsKey is the store key of the registry's genesis parameters.
func ParamsKey() []byte { return state.Key(Prefix, tableParams, []byte("params")) }

// counterKey is the store key of a sequential id counter.
func counterKey(name string) []byte {
	return state.Key(Prefix, tableCounter, []byte(name))
}

// ImportSharedPrefixes are the prefixes of the keys that registering one
// vehicle reads or writes beyond the vehicle's own records: the plate
// index, the owners' totals and the id counters.
func ImportSharedPrefixes() [][]byte {
	return [][]byte{state.Key(Prefix, tablePlate), state.Key(Prefix, tableOwner), state.Key(Prefix, tableCounter)}
}
