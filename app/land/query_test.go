package land

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core/coretest"
)

func TestQueries(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.OK(c.registrar, registerMsg("P-1", 2, sh(c.alice, 1), sh(c.bob, 1)))
	e.OK(c.registrar, registerMsg("P-2", 1, sh(c.alice, 1)))
	e.OK(c.alice, ProposeTransfer{ParcelID: "P-1", Denominator: 2, Sellers: []Share{sh(c.alice, 1)},
		Buyers: []Share{sh(c.carol, 1)}, Price: 7, Currency: "EUR", ExpiresAt: e.Deadline(time.Hour)})
	e.OK(c.bob, ProposeTransfer{ParcelID: "P-1", Denominator: 2, Sellers: []Share{sh(c.bob, 1)},
		Buyers: []Share{sh(c.dave, 1)}, Price: 8, Currency: "EUR", ExpiresAt: e.Deadline(time.Hour)})
	e.OK(c.bank, CreateLien{ParcelID: "P-1", Amount: 1, Currency: "EUR", Reference: "r", DocumentHash: coretest.HashOf("l")})
	e.OK(c.court, FlagDispute{ParcelID: "P-1", Reason: "r", DocumentHash: coretest.HashOf("d")})

	// parcel/{id}: the exact stored bytes.
	coretest.RequireStored(t, boundQuery, e.KV, []string{"parcel", "P-1"}, ParcelKey("P-1"))

	// History: anchor then history_count entries.
	require.Equal(t, []string{"register_parcel", "propose_transfer", "propose_transfer", "create_lien", "flag_dispute"}, e.history("P-1"))

	// Pending transfers: anchor then each transfer, in the parcel's order.
	res, err := boundQuery(t, e.KV, []string{"parcel", "P-1", "transfers"})
	require.NoError(t, err)
	require.Equal(t, ParcelKey("P-1"), res.Key)
	require.Equal(t, res.Key, res.Entries[0].Key)
	require.Equal(t, res.Value, res.Entries[0].Value)
	require.Len(t, res.Entries, 3)
	for i, id := range []uint64{1, 2} {
		require.Equal(t, TransferKey(id), res.Entries[i+1].Key)
		var tr Transfer
		require.NoError(t, json.Unmarshal(res.Entries[i+1].Value, &tr))
		require.Equal(t, id, tr.ID)
		require.Equal(t, TransferPending, tr.Status)
	}
	res, err = boundQuery(t, e.KV, []string{"parcel", "P-1", "liens"})
	require.NoError(t, err)
	require.Len(t, res.Entries, 2)
	require.Equal(t, LienKey(1), res.Entries[1].Key)
	res, err = boundQuery(t, e.KV, []string{"parcel", "P-1", "disputes"})
	require.NoError(t, err)
	require.Len(t, res.Entries, 2)
	require.Equal(t, DisputeKey(1), res.Entries[1].Key)
	res, err = boundQuery(t, e.KV, []string{"parcel", "P-2", "transfers"})
	require.NoError(t, err)
	require.Len(t, res.Entries, 1)

	// Owner index: complete and sorted by key.
	o, entries, ok := e.ownerIndex(c.alice)
	require.True(t, ok)
	require.Equal(t, uint64(2), o.ParcelCount)
	require.Equal(t, []OwnerParcel{{"P-1", 1, 2}, {"P-2", 1, 1}}, entries)

	// Single records.
	for _, q := range []struct {
		path []string
		key  []byte
	}{
		{[]string{"transfer", "2"}, TransferKey(2)},
		{[]string{"lien", "1"}, LienKey(1)},
		{[]string{"dispute", "1"}, DisputeKey(1)},
	} {
		coretest.RequireStored(t, boundQuery, e.KV, q.path, q.key)
	}

	// Not found: the key whose absence proves it.
	for _, q := range []struct {
		path []string
		key  []byte
		err  error
	}{
		{[]string{"parcel", "NOPE"}, ParcelKey("NOPE"), ErrParcelNotFound},
		{[]string{"parcel", "NOPE", "history"}, ParcelKey("NOPE"), ErrParcelNotFound},
		{[]string{"parcel", "NOPE", "transfers"}, ParcelKey("NOPE"), ErrParcelNotFound},
		{[]string{"parcel", "NOPE", "liens"}, ParcelKey("NOPE"), ErrParcelNotFound},
		{[]string{"parcel", "NOPE", "disputes"}, ParcelKey("NOPE"), ErrParcelNotFound},
		{[]string{"owner", c.dave.String(), "parcels"}, OwnerKey(c.dave), ErrOwnerNotFound},
		{[]string{"transfer", "9"}, TransferKey(9), ErrTransferNotFound},
		{[]string{"lien", "9"}, LienKey(9), ErrLienNotFound},
		{[]string{"dispute", "9"}, DisputeKey(9), ErrDisputeNotFound},
	} {
		coretest.RequireNotFound(t, boundQuery, e.KV, q.path, q.key, q.err)
	}

	// Unknown paths and malformed ids are invalid.
	coretest.RequireMalformed(t, boundQuery, e.KV, ErrUnknownQuery, [][]string{
		nil, {}, {"parcel"}, {"parcel", "P-1", "owners"}, {"parcel", "a b"}, {"parcel", ""},
		{"parcel", "P-1", "history", "x"}, {"owner", "xyz", "parcels"},
		{"owner", "AB" + c.alice.String()[2:], "parcels"}, {"owner", c.alice.String()},
		{"transfer", "0"}, {"transfer", "01"}, {"transfer", "-1"}, {"transfer", "x"}, {"lien", ""},
		{"dispute", "18446744073709551616"}, {"vehicle", "1"},
	})
}
