package vehicle

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
	e.OK(c.registrar, registerMsg(vin1, "AB-1", c.alice))
	e.OK(c.registrar, registerMsg(vinE, "EU-1", c.alice))
	e.OK(c.alice, e.offer(vin1, c.bob, time.Hour))
	e.OK(c.bank, CreateLien{VIN: vinE, Amount: 1, Currency: "EUR", Reference: "r", DocumentHash: coretest.HashOf("l")})
	e.OK(c.bank2, CreateLien{VIN: vinE, Amount: 2, Currency: "EUR", Reference: "r2", DocumentHash: coretest.HashOf("l2")})
	e.OK(c.bank, ReleaseLien{LienID: 1})

	// vehicle/{vin}: the exact stored bytes.
	coretest.RequireStored(t, boundQuery, e.KV, []string{"vehicle", vin1}, VehicleKey(vin1))

	// History: anchor then history_count entries.
	require.Equal(t, []string{"register_vehicle", "offer_transfer"}, e.actions(vin1))
	require.Equal(t, []string{"register_vehicle", "create_lien", "create_lien", "release_lien"}, e.actions(vinE))

	// Liens: anchor then each active lien.
	res, err := boundQuery(t, e.KV, []string{"vehicle", vinE, "liens"})
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
		coretest.RequireStored(t, boundQuery, e.KV, q.path, q.key)
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
		coretest.RequireNotFound(t, boundQuery, e.KV, q.path, q.key, q.err)
	}

	// Unknown paths and malformed ids are invalid.
	coretest.RequireMalformed(t, boundQuery, e.KV, ErrUnknownQuery, [][]string{
		nil, {}, {"vehicle"}, {"vehicle", vin1, "owners"}, {"vehicle", "short"}, {"vehicle", ""},
		{"vehicle", "1M8GDM9AXKP04278O"}, {"vehicle", vin1, "history", "x"}, {"plate", ""}, {"plate", "ab-1"},
		{"plate", "A B"}, {"owner", "xyz", "vehicles"}, {"owner", "AB" + c.alice.String()[2:], "vehicles"},
		{"owner", c.alice.String()}, {"owner", c.alice.String(), "parcels"},
		{"transfer", "0"}, {"transfer", "01"}, {"transfer", "-1"}, {"transfer", "x"}, {"lien", ""},
		{"lien", "18446744073709551616"}, {"parcel", "P-1"},
	})
}
