package auction

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

func TestQueries(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.parcel(c, "P-1", c.seller)
	e.OK(c.seller, e.listing(AssetParcel, "P-1"))
	e.bidAndLock(1, c.alice, 2000, c.bank)
	e.OK(c.bob, commit(1, c.bob, 3000, c.bank2))

	coretest.RequireStored(t, boundQuery, e.KV, []string{"auction", "1"}, AuctionKey(1))
	coretest.RequireStored(t, boundQuery, e.KV, []string{"bid", "1", c.bob.String()}, BidderKey(1, c.bob))
	coretest.RequireStored(t, boundQuery, e.KV, []string{"asset", AssetParcel, "P-1"}, AssetKey(AssetParcel, "P-1"))
	require.Equal(t, []string{"list_asset", "commit_bid", "confirm_deposit", "commit_bid"}, e.history(1))

	// bids: anchor then bid_count bids in seq order; before the reveal the
	// amounts are unknown.
	a, list := e.provenBids(1)
	require.Equal(t, uint64(2), a.BidCount)
	require.Len(t, list, 2)
	require.Equal(t, c.alice, list[0].Bidder)
	require.Equal(t, c.bob, list[1].Bidder)
	require.False(t, list[0].Revealed)
	require.Zero(t, list[0].Amount)
	require.Nil(t, list[0].Salt)
	_, single, err := resolve([]string{"auction", "1"})
	require.NoError(t, err)
	_, ok := core.NumberedListOf(single)
	require.False(t, ok, "auction/{id} is one record")
	_, answer, err := resolve([]string{"auction", "1", "bids"})
	require.NoError(t, err)
	bl, ok := core.NumberedListOf(answer)
	require.True(t, ok, "auction/{id}/bids is a numbered list, so its completeness is provable")
	require.Equal(t, "bid_count", bl.CountField)
	require.Equal(t, BidKey(1, 7), bl.EntryKey(7))

	for _, q := range []struct {
		path []string
		key  []byte
		err  error
	}{
		{[]string{"auction", "9"}, AuctionKey(9), ErrAuctionNotFound},
		{[]string{"auction", "9", "history"}, AuctionKey(9), ErrAuctionNotFound},
		{[]string{"auction", "9", "bids"}, AuctionKey(9), ErrAuctionNotFound},
		{[]string{"bid", "1", c.dave.String()}, BidderKey(1, c.dave), ErrBidNotFound},
		{[]string{"asset", AssetVehicle, "WVWZZZ1KZAW000001"}, AssetKey(AssetVehicle, "WVWZZZ1KZAW000001"), ErrAssetNotFound},
	} {
		coretest.RequireNotFound(t, boundQuery, e.KV, q.path, q.key, q.err)
	}

	coretest.RequireMalformed(t, boundQuery, e.KV, ErrUnknownQuery, [][]string{
		nil, {}, {"auction"}, {"auction", "0"}, {"auction", "01"}, {"auction", "x"}, {"auction", "1", "owners"},
		{"auction", "x", "bids"}, {"auction", "1", "bids", "0"}, {"bid", "1"}, {"bid", "0", c.bob.String()},
		{"bid", "1", "xyz"}, {"asset", "ship", "S-1"}, {"asset", AssetParcel, "a b"}, {"asset", AssetParcel},
		{"land", "1"},
	})
}
