package auction

import (
	"strings"

	"github.com/govchain/govchain/app/core"
)

// resolve parses an auction query path (without the leading "auction")
// into the key its answer rests on and the function that answers it from
// that key. Module.Query and Module.PathKey both resolve through here, so
// the key a node answers with and the key a client expects cannot differ.
//
// Its answers are read from a committed view; values are the exact stored
// bytes. The paths are:
//
//	auction/{id}                the auction record (ids in decimal)
//	auction/{id}/history        anchor: the auction (history_count), then
//	                            every history entry in order
//	auction/{id}/bids           anchor: the auction (bid_count), then every
//	                            bid in seq order: what an auditor recomputes
//	                            the outcome from (Audit)
//	bid/{id}/{account}          the account's bid index entry (its seq)
//	asset/{kind}/{asset id}     the open auction of an asset (AssetEntry);
//	                            absent once it closes
//
// For a list answer, Key and Value are the anchor's and Entries holds the
// anchor first, then every entry. A missing record is a *core.NotFound with
// the key whose absence proves it. A path not listed here, or a malformed
// id in it, is ErrUnknownQuery.
func resolve(path []string) ([]byte, core.Answer, error) {
	switch {
	case len(path) == 2 && path[0] == "auction":
		return core.SingleByID(path[1], ErrUnknownQuery, AuctionKey, ErrAuctionNotFound)
	case len(path) == 3 && path[0] == "auction" && (path[2] == "history" || path[2] == "bids"):
		id, err := core.ParseQueryID(path[1], ErrUnknownQuery)
		if err != nil {
			return nil, nil, err
		}
		if path[2] == "history" {
			return AuctionKey(id), core.HistoryOf(ErrAuctionNotFound, func(seq uint64) []byte { return HistoryKey(id, seq) }), nil
		}
		return AuctionKey(id), BidList(id).Answer, nil
	case len(path) == 3 && path[0] == "bid":
		id, err := core.ParseQueryID(path[1], ErrUnknownQuery)
		if err != nil {
			return nil, nil, err
		}
		a, err := core.ParseQueryAddress(path[2], ErrUnknownQuery)
		if err != nil {
			return nil, nil, err
		}
		return BidderKey(id, a), core.Single(ErrBidNotFound), nil
	case len(path) == 3 && path[0] == "asset" && (path[1] == AssetParcel || path[1] == AssetVehicle):
		id, err := core.ParseQueryIdent("asset id", path[2], ErrUnknownQuery)
		if err != nil {
			return nil, nil, err
		}
		return AssetKey(path[1], id), core.Single(ErrAssetNotFound), nil
	}
	return nil, nil, core.Wrapf(ErrUnknownQuery, "%q", strings.Join(path, "/"))
}

// BidList is the numbered list of an auction's bids: anchored on the
// auction, counted by its bid_count, bid seq under BidKey(id, seq).
func BidList(id uint64) *core.NumberedList {
	return &core.NumberedList{NotFound: ErrAuctionNotFound, CountField: "bid_count", EntryKey: func(seq uint64) []byte { return BidKey(id, seq) }}
}
