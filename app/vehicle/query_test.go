package vehicle

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
)

func TestQueries(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.OK(c.registrar, registerMsg(vin1, "AB-1", c.alice))
	e.OK(c.registrar, registerMsg(vinE, "EU-1", c.alice))
	e.OK(c.alice, e.offer(vin1, c.bob, time.Hour))
	e.OK(c.bank, CreateLien{VIN: vinE, Amount: 1, Currency: "EUR", Reference: "r", DocumentHash: hashOf("l")})
	e.OK(c.bank2, CreateLien{VIN: vinE, Amount: 2, Currency: "EUR", Reference: "r2", DocumentHash: hashOf("l2")})
	e.OK(c.bank, ReleaseLien{LienID: 1})

	// vehicle/{vin}: the exact stored bytes.
	res, err := boundQuery(t, e.KV, []string{"vehicle", vin1})
	require.NoError(t, err)
	require.Equal(t, VehicleKey(vin1), res.Key)
	stored, _ := e.KV.Get(VehicleKey(vin1))
	require.Equal(t, stored, res.Value)
	require.Empty(t, res.Entries)

	// History: anchor then history_count entries.
	require.Equal(t, []string{"register_vehicle", "offer_transfer"}, e.actions(vin1))
	require.Equal(t, []string{"register_vehicle", "create_lien", "create_lien", "release_lien"}, e.actions(vinE))

	// Liens: anchor then each active lien.
	res, err = boundQuery(t, e.KV, []string{"vehicle", vinE, "liens"})
	require.NoError(t, err)
	require.Equal(t, VehicleKey(vinE), res.Key)
	require.Equal(t, res.Key, res.Entries[0].Key)
	require.Equal(t, res.Value, res.Entries[0].Value)
	require.Len(t, res.Entries, 2)
	require.Equal(t, LienKey(2), res.Entries[1].Key)
	res, err = boundQuery(t, e.KV, []string{"vehicle", vin1, "liens"})
	require.NoError(t, err)
	require.Len(t, res.Entries, 1)

	// plate/{plate}: the index record naming the VIN.
	res, err = boundQuery(t, e.KV, []string{"plate", "EU-1"})
	require.NoError(t, err)
	require.Equal(t, PlateKey("EU-1"), res.Key)
	var p Plate
	require.NoError(t, json.Unmarshal(res.Value, &p))
	require.Equal(t, vinE, p.VIN)

	// Owner index: complete and in key order.
	o, entries, ok := e.ownerIndex(c.alice)
	require.True(t, ok)
	require.Equal(t, uint64(2), o.VehicleCount)
	require.Equal(t, vin1, entries[0].VIN)
	require.Equal(t, vinE, entries[1].VIN)

	// Single records.
	for _, q := range []struct {
		path []string
		key  []byte
	}{
		{[]string{"transfer", "1"}, TransferKey(1)},
		{[]string{"lien", "1"}, LienKey(1)},
		{[]string{"lien", "2"}, LienKey(2)},
	} {
		res, err := boundQuery(t, e.KV, q.path)
		require.NoError(t, err)
		require.Equal(t, q.key, res.Key)
		stored, _ := e.KV.Get(q.key)
		require.Equal(t, stored, res.Value)
	}

	// Not found: the key whose absence proves it.
	for _, q := range []struct {
		path []string
		key  []byte
		err  error
	}{
		{[]string{"vehicle", vin2}, VehicleKey(vin2), ErrVehicleNotFound},
		{[]string{"vehicle", vin2, "history"}, VehicleKey(vin2), ErrVehicleNotFound},
		{[]string{"vehicle", vin2, "liens"}, VehicleKey(vin2), ErrVehicleNotFound},
		{[]string{"plate", "NO-1"}, PlateKey("NO-1"), ErrPlateNotFound},
		{[]string{"owner", c.carol.String(), "vehicles"}, OwnerKey(c.carol), ErrOwnerNotFound},
		{[]string{"transfer", "9"}, TransferKey(9), ErrTransferNotFound},
		{[]string{"lien", "9"}, LienKey(9), ErrLienNotFound},
	} {
		_, err := boundQuery(t, e.KV, q.path)
		var nf *core.NotFound
		require.True(t, errors.As(err, &nf), "%v: %v", q.path, err)
		require.Equal(t, q.key, nf.Key)
		require.ErrorIs(t, err, q.err)
		require.ErrorIs(t, err, core.ErrNotFound)
		has, _ := e.KV.Has(nf.Key)
		require.False(t, has)
	}

	// Unknown paths and malformed ids are invalid.
	for _, path := range [][]string{
		nil, {}, {"vehicle"}, {"vehicle", vin1, "owners"}, {"vehicle", "short"}, {"vehicle", ""},
		{"vehicle", "1M8GDM9AXKP04278O"}, {"vehicle", vin1, "history", "x"}, {"plate", ""}, {"plate", "ab-1"},
		{"plate", "A B"}, {"owner", "xyz", "vehicles"}, {"owner", "AB" + c.alice.String()[2:], "vehicles"},
		{"owner", c.alice.String()}, {"owner", c.alice.String(), "parcels"},
		{"transfer", "0"}, {"transfer", "01"}, {"transfer", "-1"}, {"transfer", "x"}, {"lien", ""},
		{"lien", "18446744073709551616"}, {"parcel", "P-1"},
	} {
		_, err := boundQuery(t, e.KV, path)
		require.ErrorIs(t, err, ErrUnknownQuery, "%q", path)
		require.ErrorIs(t, err, core.ErrInvalid)
	}
}
