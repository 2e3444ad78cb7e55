package vehicle

import (
	"strings"

	"github.com/govchain/govchain/app/core"
)

// resolve parses a vehicle query path (without the leading "vehicle") into
// the key its answer rests on (the record, or the list's anchor) and the
// function that answers it from that key. A malformed or unknown path is the
// error Module.Query refuses it with. Module.Query and Module.PathKey both
// resolve through here, so the key a node answers with and the key a client
// expects cannot differ.
//
// Its answers (Module.Query) are read from a committed view; values are
// the exact stored bytes. The paths are:
//
//	vehicle/{vin}               the vehicle record (Key, Value)
//	vehicle/{vin}/history       anchor: the vehicle record (history_count),
//	                            then every history entry in order
//	vehicle/{vin}/liens         anchor: the vehicle record (active_liens),
//	                            then each active lien in that order
//	plate/{plate}               the plate index record (its vin); the client
//	                            then reads vehicle/{vin} at the same height
//	owner/{account}/vehicles    anchor: the Owner record (vehicle_count),
//	                            then one OwnerVehicle entry per vehicle, in
//	                            key order (VINs in byte order)
//	transfer/{id}, lien/{id}    the record (ids in decimal)
//
// For a list answer, Key and Value are the anchor's and Entries holds the
// anchor first, then every entry. A missing record is a *core.NotFound with
// the key whose absence proves it and the registry's not-found sentinel. A
// path not listed here, or a malformed VIN, plate, account or id in it, is
// ErrUnknownQuery (kind core.ErrInvalid).
func resolve(path []string) ([]byte, core.Answer, error) {
	switch {
	case len(path) == 2 && path[0] == "vehicle":
		vin, err := vinOf(path[1])
		if err != nil {
			return nil, nil, err
		}
		return VehicleKey(vin), core.Single(ErrVehicleNotFound), nil
	case len(path) == 3 && path[0] == "vehicle":
		vin, err := vinOf(path[1])
		if err != nil {
			return nil, nil, err
		}
		switch path[2] {
		case "history":
			return VehicleKey(vin), core.HistoryOf(ErrVehicleNotFound, func(seq uint64) []byte { return HistoryKey(vin, seq) }), nil
		case "liens":
			return VehicleKey(vin), core.ListOf(ErrVehicleNotFound, func(v *Vehicle) [][]byte { return core.IDKeys(LienKey, v.ActiveLiens) }), nil
		}
	case len(path) == 2 && path[0] == "plate":
		if err := ValidatePlate(path[1]); err != nil {
			return nil, nil, core.Wrapf(ErrUnknownQuery, "plate %q must be 1-%d upper-case letters, digits and -", path[1], MaxPlateLen)
		}
		return PlateKey(path[1]), core.Single(ErrPlateNotFound), nil
	case len(path) == 3 && path[0] == "owner" && path[2] == "vehicles":
		a, err := core.ParseQueryAddress(path[1], ErrUnknownQuery)
		if err != nil {
			return nil, nil, err
		}
		return OwnerKey(a), core.PrefixOf(ErrOwnerNotFound, OwnerVehiclesPrefix(a)), nil
	case len(path) == 2 && path[0] == "transfer":
		return core.SingleByID(path[1], ErrUnknownQuery, TransferKey, ErrTransferNotFound)
	case len(path) == 2 && path[0] == "lien":
		return core.SingleByID(path[1], ErrUnknownQuery, LienKey, ErrLienNotFound)
	}
	return nil, nil, core.Wrapf(ErrUnknownQuery, "%q", strings.Join(path, "/"))
}

func vinOf(s string) (string, error) {
	if !validVINChars(s) {
		return "", core.Wrapf(ErrUnknownQuery, "vin %q must be %d upper-case letters (not I, O, Q) and digits", s, VINLen)
	}
	return s, nil
}
