package land

import (
	"slices"
	"strings"

	"github.com/govchain/govchain/app/core"
)

// resolve parses a land query path (without the leading "land") into the key
// its answer rests on (the record, or the list's anchor) and the function
// that answers it from that key. A malformed or unknown path is the error
// Module.Query refuses it with. Module.Query and Module.PathKey both resolve
// through here, so the key a node answers with and the key a client expects
// cannot differ.
//
// Its answers (Module.Query) are read from a committed view; values are
// the exact stored bytes. The paths are:
//
//	parcel/{id}                 the parcel record (Key, Value)
//	parcel/{id}/history         anchor: the parcel record (history_count),
//	                            then every history entry in order
//	parcel/{id}/transfers       anchor: the parcel record (pending_transfers),
//	                            then each pending transfer in that order
//	parcel/{id}/liens           anchor: the parcel record, then each pending
//	                            lien, then each active lien, in list order
//	parcel/{id}/disputes        anchor: the parcel record, then each open
//	                            dispute in list order
//	owner/{account}/parcels     anchor: the Owner record (parcel_count), then
//	                            one OwnerParcel entry per parcel, in key
//	                            order (shorter parcel ids first, then bytes)
//	transfer/{id}, lien/{id}, dispute/{id}
//	                            the record (ids in decimal)
//
// For a list answer, Key and Value are the anchor's and Entries holds the
// anchor first, then every entry. A missing record is a *core.NotFound with
// the key whose absence proves it and the registry's not-found sentinel. A
// path not listed here, or a malformed id in it, is ErrUnknownQuery (kind
// core.ErrInvalid).
func resolve(path []string) ([]byte, core.Answer, error) {
	switch {
	case len(path) == 2 && path[0] == "parcel":
		id, err := core.ParseQueryIdent("parcel id", path[1], ErrUnknownQuery)
		if err != nil {
			return nil, nil, err
		}
		return ParcelKey(id), core.Single(ErrParcelNotFound), nil
	case len(path) == 3 && path[0] == "parcel":
		id, err := core.ParseQueryIdent("parcel id", path[1], ErrUnknownQuery)
		if err != nil {
			return nil, nil, err
		}
		if answer := parcelList(id, path[2]); answer != nil {
			return ParcelKey(id), answer, nil
		}
	case len(path) == 3 && path[0] == "owner" && path[2] == "parcels":
		a, err := core.ParseQueryAddress(path[1], ErrUnknownQuery)
		if err != nil {
			return nil, nil, err
		}
		return OwnerKey(a), core.PrefixOf(ErrOwnerNotFound, OwnerParcelsPrefix(a)), nil
	case len(path) == 2 && path[0] == "transfer":
		return core.SingleByID(path[1], ErrUnknownQuery, TransferKey, ErrTransferNotFound)
	case len(path) == 2 && path[0] == "lien":
		return core.SingleByID(path[1], ErrUnknownQuery, LienKey, ErrLienNotFound)
	case len(path) == 2 && path[0] == "dispute":
		return core.SingleByID(path[1], ErrUnknownQuery, DisputeKey, ErrDisputeNotFound)
	}
	return nil, nil, core.Wrapf(ErrUnknownQuery, "%q", strings.Join(path, "/"))
}

// parcelList is the answer of the list parcel/{id}/{list}, anchored on the
// parcel, or nil for an unknown list.
func parcelList(id, list string) core.Answer {
	switch list {
	case "history":
		return core.HistoryOf(ErrParcelNotFound, func(seq uint64) []byte { return HistoryKey(id, seq) })
	case "transfers":
		return core.ListOf(ErrParcelNotFound, func(p *Parcel) [][]byte { return core.IDKeys(TransferKey, p.PendingTransfers) })
	case "liens":
		return core.ListOf(ErrParcelNotFound, func(p *Parcel) [][]byte {
			return core.IDKeys(LienKey, slices.Concat(p.PendingLiens, p.ActiveLiens))
		})
	case "disputes":
		return core.ListOf(ErrParcelNotFound, func(p *Parcel) [][]byte { return core.IDKeys(DisputeKey, p.OpenDisputes) })
	}
	return nil
}
