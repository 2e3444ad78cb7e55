package legacy_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/legacy"
)

var update = flag.Bool("update", false, "rewrite testdata/golden_apphash_pathA.txt")

// goldenDumps writes one dump of every registry (malformed rows, liens,
// a plate taken twice among the vehicles) to dir and returns their
// genesis entries, as `govchain import genesis` makes them.
func goldenDumps(t *testing.T, dir string) []app.ImportRef {
	t.Helper()
	var refs []app.ImportRef
	for _, c := range []struct {
		reg  *legacy.Registry
		file string
		cfg  legacy.GenConfig
	}{
		{legacy.Invoices, "invoices.csv", legacy.GenConfig{Rows: 300, Seed: 7, BadEvery: 43}},
		{legacy.Parcels, "parcels.csv", legacy.GenConfig{Rows: 600, Seed: 5, BadEvery: 37, LiensEvery: 3}},
		{legacy.Persons, "persons.csv", legacy.GenConfig{Rows: 200, Seed: 8}},
		{legacy.Vehicles, "vehicles.jsonl", legacy.GenConfig{Rows: 400, Seed: 6, BadEvery: 41}},
	} {
		format, err := legacy.FormatOf(c.file)
		require.NoError(t, err)
		var buf bytes.Buffer
		require.NoError(t, legacy.Generate(&buf, c.reg, format, c.cfg))
		if c.reg == legacy.Persons {
			var dump, salts bytes.Buffer
			_, _, err := legacy.Commit(context.Background(), &buf, &dump, &salts, rand.NewChaCha8([32]byte{8}))
			require.NoError(t, err)
			buf = dump
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, c.file), buf.Bytes(), 0o644))
		d, err := legacy.Canonicalise(context.Background(), bytes.NewReader(buf.Bytes()), c.reg, format, nil)
		require.NoError(t, err)
		require.NoError(t, d.Settle(context.Background(), genesisTime, nil))
		refs = append(refs, d.Ref(c.file, importer))
	}
	return refs
}

// TestPathAGoldenAppHash: a genesis naming a dump of every registry gives
// the same initial app hash on both engines, and the hash of
// testdata/golden_apphash_pathA.txt: the state path A builds is part of
// the protocol (run with -update only after an intended change).
func TestPathAGoldenAppHash(t *testing.T) {
	dumps := t.TempDir()
	var g app.Genesis
	require.NoError(t, json.Unmarshal(importGenesis(t, goldenDumps(t, dumps)...), &g))
	g.RolePolicy = append(g.RolePolicy, core.RolePolicy{Role: core.RoleVehicleRegistrar, Agencies: []string{"justice"}})
	g.Roles = append(g.Roles, app.GenesisRole{Account: importer, Role: core.RoleVehicleRegistrar, Agency: "justice"})
	gen, err := json.Marshal(g)
	require.NoError(t, err)
	got := hex.EncodeToString(onBothEngines(t, dumps, gen, func(string, *app.App) {}))
	golden := filepath.Join("testdata", "golden_apphash_pathA.txt")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(got+"\n"), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./legacy -run PathAGolden -update to create it")
	require.Equal(t, string(want), got+"\n", "path A's initial state changed: if on purpose, run with -update")
}
