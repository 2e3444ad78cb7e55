package vehicle

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Query answers a vehicle query path (without the leading "vehicle") from a
// read-only view. Values are the exact stored bytes. The paths are:
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
func Query(r state.Reader, path []string) (*core.QueryResult, error) {
	key, answer, err := resolve(path)
	if err != nil {
		return nil, err
	}
	return answer(r, key)
}

// answerFunc answers a resolved path from the key it rests on.
type answerFunc func(r state.Reader, key []byte) (*core.QueryResult, error)

// resolve parses a query path into the key its answer rests on (the
// record, or the list's anchor) and the function that answers it from that
// key. A malformed or unknown path is the error Query refuses it with.
// Query and PathKey both resolve through here, so the key a node answers
// with and the key a client expects cannot differ.
func resolve(path []string) ([]byte, answerFunc, error) {
	switch {
	case len(path) == 2 && path[0] == "vehicle":
		vin, err := vinOf(path[1])
		if err != nil {
			return nil, nil, err
		}
		return VehicleKey(vin), singleOf(ErrVehicleNotFound), nil
	case len(path) == 3 && path[0] == "vehicle":
		vin, err := vinOf(path[1])
		if err != nil {
			return nil, nil, err
		}
		var keysOf func(*Vehicle) [][]byte
		switch path[2] {
		case "history":
			keysOf = func(v *Vehicle) [][]byte {
				keys := make([][]byte, 0, v.HistoryCount)
				for seq := uint64(0); seq < v.HistoryCount; seq++ {
					keys = append(keys, HistoryKey(vin, seq))
				}
				return keys
			}
		case "liens":
			keysOf = func(v *Vehicle) [][]byte {
				keys := make([][]byte, 0, len(v.ActiveLiens))
				for _, id := range v.ActiveLiens {
					keys = append(keys, LienKey(id))
				}
				return keys
			}
		}
		if keysOf != nil {
			return VehicleKey(vin), func(r state.Reader, key []byte) (*core.QueryResult, error) {
				return vehicleList(r, key, vin, keysOf)
			}, nil
		}
	case len(path) == 2 && path[0] == "plate":
		if err := ValidatePlate(path[1]); err != nil {
			return nil, nil, core.Wrapf(ErrUnknownQuery, "plate %q must be 1-%d upper-case letters, digits and -", path[1], MaxPlateLen)
		}
		return PlateKey(path[1]), singleOf(ErrPlateNotFound), nil
	case len(path) == 3 && path[0] == "owner" && path[2] == "vehicles":
		a, err := core.ParseAddress(path[1])
		if err != nil || a.String() != path[1] {
			return nil, nil, core.Wrapf(ErrUnknownQuery, "account %q must be 40 lower-case hex digits", path[1])
		}
		return OwnerKey(a), func(r state.Reader, key []byte) (*core.QueryResult, error) {
			return ownerVehicles(r, key, a)
		}, nil
	case len(path) == 2 && path[0] == "transfer":
		id, err := numericID(path[1])
		if err != nil {
			return nil, nil, err
		}
		return TransferKey(id), singleOf(ErrTransferNotFound), nil
	case len(path) == 2 && path[0] == "lien":
		id, err := numericID(path[1])
		if err != nil {
			return nil, nil, err
		}
		return LienKey(id), singleOf(ErrLienNotFound), nil
	}
	return nil, nil, core.Wrapf(ErrUnknownQuery, "%q", strings.Join(path, "/"))
}

func vinOf(s string) (string, error) {
	if !validVINChars(s) {
		return "", core.Wrapf(ErrUnknownQuery, "vin %q must be %d upper-case letters (not I, O, Q) and digits", s, VINLen)
	}
	return s, nil
}

// numericID parses a positive decimal id in canonical form (no sign, no
// leading zeros).
func numericID(s string) (uint64, error) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 || strconv.FormatUint(n, 10) != s {
		return 0, core.Wrapf(ErrUnknownQuery, "id %q must be a positive decimal number", s)
	}
	return n, nil
}

// singleOf answers a single record, notFound if it is missing.
func singleOf(notFound error) answerFunc {
	return func(r state.Reader, key []byte) (*core.QueryResult, error) {
		return single(r, key, notFound)
	}
}

func single(r state.Reader, key []byte, notFound error) (*core.QueryResult, error) {
	v, err := r.Get(key)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, &core.NotFound{Key: key, Err: notFound}
	}
	return &core.QueryResult{Key: key, Value: v}, nil
}

// vehicleList answers a list anchored on the record of vehicle vin under
// anchor: the vehicle, then the value of every key that keysOf derives
// from it. A listed key that is missing means the state is inconsistent
// and is an internal error.
func vehicleList(r state.Reader, anchor []byte, vin string, keysOf func(*Vehicle) [][]byte) (*core.QueryResult, error) {
	val, err := r.Get(anchor)
	if err != nil {
		return nil, err
	}
	if val == nil {
		return nil, &core.NotFound{Key: anchor, Err: ErrVehicleNotFound}
	}
	var v Vehicle
	if _, err := core.GetJSON(r, anchor, &v); err != nil {
		return nil, err
	}
	res := &core.QueryResult{Key: anchor, Value: val, Entries: []core.KVPair{{Key: anchor, Value: val}}}
	for _, k := range keysOf(&v) {
		ev, err := r.Get(k)
		if err != nil {
			return nil, err
		}
		if ev == nil {
			return nil, fmt.Errorf("vehicle: vin %s lists key %x that is missing", vin, k)
		}
		res.Entries = append(res.Entries, core.KVPair{Key: k, Value: ev})
	}
	return res, nil
}

// ownerVehicles answers owner/{account}/vehicles from the Owner record of
// a under anchor.
func ownerVehicles(r state.Reader, anchor []byte, a core.Address) (*core.QueryResult, error) {
	v, err := r.Get(anchor)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, &core.NotFound{Key: anchor, Err: ErrOwnerNotFound}
	}
	res := &core.QueryResult{Key: anchor, Value: v, Entries: []core.KVPair{{Key: anchor, Value: v}}}
	prefix := OwnerVehiclesPrefix(a)
	it, err := r.Iterator(prefix, state.PrefixEnd(prefix), true)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		res.Entries = append(res.Entries, core.KVPair{
			Key:   slices.Clone(it.Key()),
			Value: slices.Clone(it.Value()),
		})
	}
	if err := it.Error(); err != nil {
		return nil, err
	}
	return res, nil
}
