package auction

import (
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Prefix is the first byte of every store key of this module (see
// core.Module); frozen, never reused.
const Prefix byte = 0x80

// Tables under Prefix. Each table byte is used by exactly one table and is
// never reused, even if the table is retired.
const (
	// tableAuction: auction id (8 bytes big-endian) -> Auction.
	tableAuction byte = 0x01
	// tableHistory: auction id, seq (8 bytes big-endian) -> core.HistoryEntry.
	tableHistory byte = 0x02
	// tableBid: auction id, seq (8 bytes big-endian) -> Bid.
	tableBid byte = 0x03
	// tableBidder: auction id, bidder (20 bytes) -> BidderEntry.
	tableBidder byte = 0x04
	// tableAsset: asset kind, asset id -> AssetEntry, while an auction of
	// the asset is open.
	tableAsset byte = 0x05
	// tableCounter: counter name -> last id assigned (8 bytes big-endian).
	tableCounter byte = 0x06
)

// counterAuction names the auction id counter under tableCounter.
const counterAuction = "auction"

// AuctionKey is the store key of an auction record.
func AuctionKey(id uint64) []byte { return state.Key(Prefix, tableAuction, state.Uint64(id)) }

// HistoryKey is the store key of entry seq (from 0) of an auction's history.
func HistoryKey(id, seq uint64) []byte {
	return core.HistoryKey(Prefix, tableHistory, state.Uint64(id), seq)
}

// BidKey is the store key of bid seq (from 0, in commitment order) of an
// auction.
func BidKey(id, seq uint64) []byte {
	return state.Key(Prefix, tableBid, state.Uint64(id), state.Uint64(seq))
}

// BidderKey is the store key of the index entry naming the bid an account
// committed in an auction.
func BidderKey(id uint64, bidder core.Address) []byte {
	return state.Key(Prefix, tableBidder, state.Uint64(id), bidder[:])
}

// AssetKey is the store key of the index entry naming the open auction of
// an asset.
func AssetKey(kind, assetID string) []byte {
	return state.Key(Prefix, tableAsset, []byte(kind), []byte(assetID))
}

// counterKey is the store key of a sequential id counter.
func counterKey(name string) []byte { return state.Key(Prefix, tableCounter, []byte(name)) }
