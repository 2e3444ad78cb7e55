package legacy_test

import (
	"bytes"
	"context"
	"encoding/json"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/legacy"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/store"
)

// genesisTime is the genesis time of the tests' chains.
var genesisTime = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

var (
	importer  = core.AddressOf(ed25519.GenPrivKeyFromSecret([]byte("importer")).PubKey().(ed25519.PubKey))
	admin     = core.AddressOf(ed25519.GenPrivKeyFromSecret([]byte("admin")).PubKey().(ed25519.PubKey))
	validator = ed25519.GenPrivKeyFromSecret([]byte("validator")).PubKey().Bytes()
)

// writeDump writes a parcels dump with malformed rows to dir and returns
// its settled canonical form.
func writeDump(t *testing.T, dir string, rows int) *legacy.Dump {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, "parcels.csv"))
	require.NoError(t, err)
	require.NoError(t, legacy.Generate(f, legacy.Parcels, legacy.FormatCSV, legacy.GenConfig{Rows: rows, Seed: 42, BadEvery: 17}))
	require.NoError(t, f.Close())
	f, err = os.Open(filepath.Join(dir, "parcels.csv"))
	require.NoError(t, err)
	defer f.Close()
	d, err := legacy.Canonicalise(context.Background(), f, legacy.Parcels, legacy.FormatCSV, nil)
	require.NoError(t, err)
	require.NoError(t, d.Settle(context.Background(), genesisTime, nil))
	require.NotEmpty(t, d.Rejects)
	return d
}

func importGenesis(t testing.TB, refs ...app.ImportRef) []byte {
	t.Helper()
	g := app.Genesis{
		Params:   app.DefaultParams(),
		Agencies: []core.Agency{{ID: "justice", Name: "Ministry of Justice", Validator: core.Validator{PubKey: validator, Power: 10}, Admins: []core.Address{admin}}},
		RolePolicy: []core.RolePolicy{{Role: core.RoleLandRegistrar, Agencies: []string{"justice"}}, {Role: core.RoleCivilRegistrar, Agencies: []string{"justice"}},
			{Role: core.RoleTaxAuthority, Agencies: []string{"justice"}}},
		Roles: []app.GenesisRole{{Account: importer, Role: core.RoleLandRegistrar, Agency: "justice"},
			{Account: importer, Role: core.RoleCivilRegistrar, Agency: "justice"}, {Account: importer, Role: core.RoleTaxAuthority, Agency: "justice"}},
		Import: refs,
	}
	b, err := json.Marshal(g)
	require.NoError(t, err)
	return b
}

// node opens a fresh store of engine and an App over it that reads dumps
// from dumps.
func node(t *testing.T, engine, dumps string) (*app.App, state.Store) {
	t.Helper()
	cfg := state.DefaultConfig()
	cfg.Engine = engine
	st, err := store.Open(t.TempDir(), cfg)
	require.NoError(t, err)
	a, err := app.New(st)
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Close() })
	a.SetGenesisLoader(legacy.NodeLoader(context.Background(), dumps, "", nil))
	return a, st
}

// onBothEngines runs InitChain of gen on a fresh node of each state
// engine reading dumps from dumps, calls check with each, requires the two
// app hashes to be equal and returns it.
func onBothEngines(t *testing.T, dumps string, gen []byte, check func(engine string, a *app.App)) []byte {
	t.Helper()
	var hashes [][]byte
	for _, engine := range []string{state.EngineMemIAVL, state.EngineIAVL} {
		a, _ := node(t, engine, dumps)
		hash, _, err := a.InitChain("import-chain", genesisTime, app.ImportHeight+1, gen)
		require.NoError(t, err, engine)
		hashes = append(hashes, hash)
		check(engine, a)
	}
	require.Equal(t, hashes[0], hashes[1], "the engines disagree")
	return hashes[0]
}

func TestPathAHomesAgreeOnBothEngines(t *testing.T) {
	dumps := t.TempDir()
	d := writeDump(t, dumps, 300)
	gen := importGenesis(t, d.Ref("parcels.csv", importer))
	var hashes []string
	for _, engine := range []string{state.EngineMemIAVL, state.EngineIAVL} {
		for home := range 2 {
			a, st := node(t, engine, dumps)
			hash, vals, err := a.InitChain("import-chain", genesisTime, app.ImportHeight+1, gen)
			require.NoError(t, err, "%s home %d", engine, home)
			require.Len(t, vals, 1)
			require.Equal(t, int64(app.ImportHeight), st.Version())
			require.Equal(t, hash, st.LastHash())
			hashes = append(hashes, string(hash))

			// Every canonical row is a parcel equal to its mapping, and
			// its history names the row.
			for _, i := range []int{0, len(d.Rows) / 2, len(d.Rows) - 1} {
				f, err := legacy.Fields(d.Rows[i])
				require.NoError(t, err)
				r := a.Query("land/parcel/"+f[0], 0, true)
				require.NoError(t, r.Err)
				want, err := legacy.Expected(legacy.Parcels, d.Rows[i], legacy.Origin{Signer: importer, ChainID: "import-chain", Height: app.ImportHeight, Time: genesisTime})
				require.NoError(t, err)
				require.Equal(t, string(want.Value), string(r.Value))
				require.NoError(t, legacy.Match("parcels", d.Rows[i], importer.String(), r.Value))
				require.ErrorContains(t, legacy.Match("parcels", d.Rows[i], admin.String(), r.Value), "differs from the row's mapping")
				require.Error(t, legacy.Match("parcels", d.Rows[(i+1)%len(d.Rows)], importer.String(), r.Value))
				var p land.Parcel
				require.NoError(t, json.Unmarshal(r.Value, &p))
				require.Equal(t, importer, p.RegisteredBy)
				require.Equal(t, uint64(1), p.HistoryCount)
			}

			// The chain goes on from the next height.
			_, err = a.FinalizeBlock(app.ImportHeight+1, genesisTime.Add(time.Second), nil)
			require.NoError(t, err)
			v, err := a.Commit()
			require.NoError(t, err)
			require.Equal(t, int64(app.ImportHeight+1), v)
		}
	}
	for _, h := range hashes[1:] {
		require.Equal(t, hashes[0], h)
	}
}

func TestPathARefusesAnotherDumpOrNone(t *testing.T) {
	dumps := t.TempDir()
	d := writeDump(t, dumps, 60)
	gen := importGenesis(t, d.Ref("parcels.csv", importer))
	path := filepath.Join(dumps, "parcels.csv")
	orig, err := os.ReadFile(path)
	require.NoError(t, err)

	// One byte different: a digit of an area.
	changed := []byte(string(orig))
	for i := len(changed) - 40; i > 0; i-- {
		if changed[i] >= '0' && changed[i] <= '8' {
			changed[i]++
			break
		}
	}
	other := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(other, "parcels.csv"), changed, 0o600))
	a, st := node(t, state.EngineMemIAVL, other)
	_, _, err = a.InitChain("import-chain", genesisTime, app.ImportHeight+1, gen)
	require.ErrorContains(t, err, "not the dump this chain was made from")
	require.Equal(t, int64(0), st.Version())

	a, _ = node(t, state.EngineIAVL, t.TempDir())
	_, _, err = a.InitChain("import-chain", genesisTime, app.ImportHeight+1, gen)
	require.ErrorContains(t, err, "genesis names dump parcels.csv")
	require.ErrorIs(t, err, os.ErrNotExist)

	a, _ = node(t, state.EngineMemIAVL, dumps)
	a.SetGenesisLoader(nil)
	_, _, err = a.InitChain("import-chain", genesisTime, app.ImportHeight+1, gen)
	require.ErrorIs(t, err, app.ErrNoLoader)

	other = t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(other, "parcels.csv"), orig, 0o600))
	a, _ = node(t, state.EngineMemIAVL, other)
	ref := d.Ref("parcels.csv", admin)
	_, _, err = a.InitChain("import-chain", genesisTime, app.ImportHeight+1, importGenesis(t, ref))
	require.ErrorContains(t, err, "does not grant it role land_registrar")

	a, _ = node(t, state.EngineMemIAVL, dumps)
	_, _, err = a.InitChain("import-chain", genesisTime, 1, gen)
	require.ErrorContains(t, err, "needs initial_height 2")
}

// TestPathAPersonsBesideParcels: a genesis naming two dumps, parcels and
// persons (salted commitments, made by Commit), gives one hash on both
// engines; the person records hold commitments and no personal value.
func TestPathAPersonsBesideParcels(t *testing.T) {
	dumps := t.TempDir()
	parcels := writeDump(t, dumps, 120)
	var civil bytes.Buffer
	require.NoError(t, legacy.Generate(&civil, legacy.Persons, legacy.FormatCSV, legacy.GenConfig{Rows: 80, Seed: 8}))
	f, err := os.Create(filepath.Join(dumps, "persons.csv"))
	require.NoError(t, err)
	var salts bytes.Buffer
	_, rejects, err := legacy.Commit(context.Background(), &civil, f, &salts, mrand.NewChaCha8([32]byte{1}))
	require.NoError(t, err)
	require.Empty(t, rejects)
	require.NoError(t, f.Close())
	b, err := os.ReadFile(filepath.Join(dumps, "persons.csv"))
	require.NoError(t, err)
	persons, err := legacy.Canonicalise(context.Background(), bytes.NewReader(b), legacy.Persons, legacy.FormatCSV, nil)
	require.NoError(t, err)
	require.NoError(t, persons.Settle(context.Background(), genesisTime, nil))
	require.Len(t, persons.Rows, 80)

	gen := importGenesis(t, parcels.Ref("parcels.csv", importer), persons.Ref("persons.csv", importer))
	onBothEngines(t, dumps, gen, func(engine string, a *app.App) {
		r := a.Query("identity/person/BY-P-00000007", 0, false)
		require.NoError(t, r.Err)
		require.Contains(t, string(r.Value), `"attribute":"given_name"`)
		for _, name := range legacy.GivenNames {
			require.NotContains(t, string(r.Value), name)
		}
		want, err := legacy.Expected(legacy.Persons, persons.Rows[7], legacy.Origin{Signer: importer, Height: app.ImportHeight, Time: genesisTime})
		require.NoError(t, err)
		require.Equal(t, string(want.Value), string(r.Value))
	})
}

// TestPathARestartsInTheCrashWindow: a node whose store committed the
// imported state but whose CometBFT never saved the hash InitChain gave
// (it stopped in between) reopens reporting height 0, so CometBFT sends
// InitChain again; InitChain returns the same hash without importing
// again, on both engines, and refuses a genesis the state was not made
// from. The chain then goes on from the next height.
func TestPathARestartsInTheCrashWindow(t *testing.T) {
	dumps := t.TempDir()
	d := writeDump(t, dumps, 80)
	gen := importGenesis(t, d.Ref("parcels.csv", importer))
	for _, engine := range []string{state.EngineMemIAVL, state.EngineIAVL} {
		cfg := state.DefaultConfig()
		cfg.Engine = engine
		dir := t.TempDir()
		open := func() (*app.App, state.Store) {
			st, err := store.Open(dir, cfg)
			require.NoError(t, err)
			a, err := app.New(st)
			require.NoError(t, err)
			a.SetGenesisLoader(legacy.NodeLoader(context.Background(), dumps, "", nil))
			return a, st
		}
		a, st := open()
		hash, _, err := a.InitChain("import-chain", genesisTime, app.ImportHeight+1, gen)
		require.NoError(t, err, engine)
		require.Equal(t, hash, st.LastHash())
		h, appHash := a.Info()
		require.Equal(t, int64(0), h, "an import without a block reports height 0")
		require.Nil(t, appHash)
		require.NoError(t, a.Close())

		// The crash: the store holds version 1, CometBFT holds nothing.
		a, st = open()
		h, _ = a.Info()
		require.Equal(t, int64(0), h)
		require.Equal(t, int64(app.ImportHeight), st.Version())

		// Another genesis (one more grant) is refused and changes nothing.
		var g app.Genesis
		require.NoError(t, json.Unmarshal(gen, &g))
		g.Roles = append(g.Roles, app.GenesisRole{Account: admin, Role: core.RoleLandRegistrar, Agency: "justice"})
		other, err := json.Marshal(g)
		require.NoError(t, err)
		_, _, err = a.InitChain("import-chain", genesisTime, app.ImportHeight+1, other)
		require.ErrorContains(t, err, "was made from another genesis")
		_, _, err = a.InitChain("another-chain", genesisTime, app.ImportHeight+1, gen)
		require.ErrorContains(t, err, "was made from another genesis")
		require.Equal(t, hash, st.LastHash())

		again, vals, err := a.InitChain("import-chain", genesisTime, app.ImportHeight+1, gen)
		require.NoError(t, err)
		require.Equal(t, hash, again)
		require.Len(t, vals, 1)
		require.Equal(t, int64(app.ImportHeight), st.Version())
		require.Equal(t, "import-chain", a.ChainID())

		_, err = a.FinalizeBlock(app.ImportHeight+1, genesisTime.Add(time.Second), nil)
		require.NoError(t, err)
		v, err := a.Commit()
		require.NoError(t, err)
		require.Equal(t, int64(app.ImportHeight+1), v)
		h, appHash = a.Info()
		require.Equal(t, int64(app.ImportHeight+1), h)
		require.Equal(t, st.LastHash(), appHash)
		_, _, err = a.InitChain("import-chain", genesisTime, app.ImportHeight+1, gen)
		require.ErrorContains(t, err, "InitChain on a store at version 2")
		require.NoError(t, a.Close())
	}
}

// TestPathALiens: a parcels dump with a liens column builds, at
// InitChain, each parcel's liens as active lien records of their banks,
// numbered in row order, recorded in the parcel's history; Match checks
// a parcel with liens; both engines agree.
func TestPathALiens(t *testing.T) {
	dumps := t.TempDir()
	f, err := os.Create(filepath.Join(dumps, "parcels.csv"))
	require.NoError(t, err)
	require.NoError(t, legacy.Generate(f, legacy.Parcels, legacy.FormatCSV, legacy.GenConfig{Rows: 200, Seed: 9, LiensEvery: 3}))
	require.NoError(t, f.Close())
	f, err = os.Open(filepath.Join(dumps, "parcels.csv"))
	require.NoError(t, err)
	d, err := legacy.Canonicalise(context.Background(), f, legacy.Parcels, legacy.FormatCSV, nil)
	require.NoError(t, f.Close())
	require.NoError(t, err)
	require.NoError(t, d.Settle(context.Background(), genesisTime, nil))
	require.Len(t, d.Rows, 200)
	gen := importGenesis(t, d.Ref("parcels.csv", importer))

	onBothEngines(t, dumps, gen, func(engine string, a *app.App) {
		next, withLiens := uint64(1), 0
		for _, row := range d.Rows {
			fields, err := legacy.Fields(row)
			require.NoError(t, err)
			r := a.Query("land/parcel/"+fields[0], 0, false)
			require.NoError(t, r.Err)
			var p land.Parcel
			require.NoError(t, json.Unmarshal(r.Value, &p))
			if len(fields) < 9 {
				require.Empty(t, p.ActiveLiens)
				require.Equal(t, uint64(1), p.HistoryCount)
				continue
			}
			withLiens++
			liens := strings.Split(fields[8], ";")
			require.Len(t, p.ActiveLiens, len(liens), fields[0])
			require.Equal(t, uint64(1+len(liens)), p.HistoryCount)
			for i, id := range p.ActiveLiens {
				require.Equal(t, next, id, "lien ids follow the rows' order")
				next++
				lr := a.Query("land/lien/"+core.Dec(id), 0, false)
				require.NoError(t, lr.Err)
				var l land.Lien
				require.NoError(t, json.Unmarshal(lr.Value, &l))
				parts := strings.Split(liens[i], ":")
				require.Equal(t, land.LienActive, l.Status)
				require.Equal(t, parts[0], l.Bank.String())
				require.Equal(t, parts[1], core.Dec(uint64(l.Amount)))
				require.Equal(t, parts[2], l.Currency)
				require.Equal(t, "registered "+parts[3], l.Reference)
				require.Equal(t, p.DocumentHash, l.DocumentHash)
				require.Equal(t, p.ID, l.ParcelID)
				require.Equal(t, int64(app.ImportHeight), l.CreatedHeight)
				require.Empty(t, l.Acceptances)
			}
			require.NoError(t, legacy.Match("parcels", row, importer.String(), r.Value))
			want, err := legacy.ExpectedFrom(legacy.Parcels, row, legacy.Origin{Signer: importer, ChainID: "import-chain",
				Height: app.ImportHeight, Time: genesisTime}, p.ActiveLiens[0])
			require.NoError(t, err)
			require.Equal(t, string(want.Value), string(r.Value))
		}
		require.Greater(t, withLiens, 50)
	})
}

// TestMatchAtHeightOfABatch: a record made by a batch at height 7 (path
// B) matches its row at that height, with the importer the record names
// (signer "") or given; at another height, with another importer, or
// against another row, it does not. ImportedHeight reads the height back.
func TestMatchAtHeightOfABatch(t *testing.T) {
	d := writeDump(t, t.TempDir(), 50)
	at := genesisTime.Add(time.Hour)
	r, err := legacy.Expected(legacy.Parcels, d.Rows[0], legacy.Origin{Signer: importer, ChainID: "c", Height: 7, Time: at})
	require.NoError(t, err)
	h, err := legacy.ImportedHeight(r.Value)
	require.NoError(t, err)
	require.Equal(t, int64(7), h)
	require.NoError(t, legacy.MatchAt("parcels", d.Rows[0], "", 7, r.Value))
	require.NoError(t, legacy.MatchAt("parcels", d.Rows[0], importer.String(), 7, r.Value))
	require.ErrorContains(t, legacy.MatchAt("parcels", d.Rows[0], "", 8, r.Value), "differs from the row's mapping")
	require.ErrorContains(t, legacy.MatchAt("parcels", d.Rows[0], admin.String(), 7, r.Value), "differs from the row's mapping")
	require.Error(t, legacy.MatchAt("parcels", d.Rows[1], "", 7, r.Value))
	require.ErrorContains(t, legacy.Match("parcels", d.Rows[0], importer.String(), r.Value), "differs from the row's mapping", "path A's height is 1")
	_, err = legacy.ImportedHeight([]byte(`{"id":"x"}`))
	require.ErrorContains(t, err, "names no height")
}

// A node's import leaves nothing in its work directory, and removes what
// an import stopped midway (a killed node) left there.
func TestPathAWorkDirectoryIsCleared(t *testing.T) {
	dumps, work := t.TempDir(), t.TempDir()
	d := writeDump(t, dumps, 50)
	gen := importGenesis(t, d.Ref("parcels.csv", importer))
	stale := filepath.Join(work, "govchain-import-123")
	require.NoError(t, os.MkdirAll(stale, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(stale, "run-1"), []byte("left by a killed node"), 0o644))
	mine := filepath.Join(work, "operator-notes")
	require.NoError(t, os.MkdirAll(mine, 0o755))

	a, _ := node(t, state.EngineMemIAVL, dumps)
	var said []string
	a.SetGenesisLoader(legacy.NodeLoader(context.Background(), dumps, work, func(msg string) { said = append(said, msg) }))
	_, _, err := a.InitChain("import-chain", genesisTime, app.ImportHeight+1, gen)
	require.NoError(t, err)
	left, err := os.ReadDir(work)
	require.NoError(t, err)
	require.Len(t, left, 1, "only what is not the import's stays")
	require.Equal(t, "operator-notes", left[0].Name())
	require.Contains(t, strings.Join(said, "\n"), "removing "+stale)
}
