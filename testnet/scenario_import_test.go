package testnet

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/client"
)

// TestScenarioImport: one legacy parcels dump (owners, shares and liens,
// with malformed rows) reaches the same records on two 4-validator
// networks, by path A on one (the genesis names the dump; every validator
// builds its initial state from its own copy at InitChain) and by path B
// on the other (`govchain import send` posts it in batches to a running
// chain). The two chains cannot have the same app hash: path B's records
// carry the height and time of their batch's block, and its state holds
// what path A's has not (the importer's role and sequence, the dump's
// checkpoint, other blocks). So the test compares the record set through
// queries: every parcel of the canonical dump and each of its liens, on
// each network, equal but for the height and time they were made at
// (registered_height, registered_at; created_height, created_at,
// activated_height). Within each network all four validators hold the
// same block and app hash at the same height. Short version: a dump of
// 1,000 rows (about 10 s); GOVCHAIN_E2E_FULL=1: 20,000 rows (about 2 min).
func TestScenarioImport(t *testing.T) {
	t.Parallel()
	rows := 1000
	if fullE2E() {
		rows = 20_000
	}
	began := time.Now()
	dir := t.TempDir()
	dump := filepath.Join(dir, "parcels.csv")
	out, err := exec.Command(binary, "import", "generate", "parcels", "--rows", strconv.Itoa(rows), "--seed", "13",
		"--bad-every", "97", "--liens-every", "4", "--out", dump).CombinedOutput()
	require.NoError(t, err, "%s", out)
	canonical := filepath.Join(dir, "canonical.csv")
	out, err = exec.Command(binary, "import", "prepare", "parcels", dump, "--canonical", canonical,
		"--genesis-time", "2026-12-01T00:00:00Z").CombinedOutput()
	require.NoError(t, err, "%s", out)
	ids := canonicalIDs(t, canonical)
	require.Greater(t, len(ids), rows*9/10)

	// Path A: the dump in every validator's genesis and home.
	var importer string
	a := startNetwork(t, netConfig{validators: 4, before: func(nw *network) {
		k, err := nw.keys.Info("registrar-" + nw.nodes[0].agency)
		require.NoError(t, err)
		importer = k.Address().String()
		home := nw.nodes[0].home
		out, err := exec.Command(binary, "import", "genesis", "parcels", dump, "--home", home,
			"--agency-id", nw.nodes[0].agency, "--signer", importer).CombinedOutput()
		require.NoError(t, err, "%s", out)
		gen, err := os.ReadFile(filepath.Join(home, "config", "genesis.json"))
		require.NoError(t, err)
		data, err := os.ReadFile(filepath.Join(home, "import", "parcels.csv"))
		require.NoError(t, err)
		for _, nd := range nw.nodes[1:] {
			require.NoError(t, os.WriteFile(filepath.Join(nd.home, "config", "genesis.json"), gen, 0o644))
			require.NoError(t, os.MkdirAll(filepath.Join(nd.home, "import"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(nd.home, "import", "parcels.csv"), data, 0o644))
		}
	}})
	t.Logf("path A network up with %d rows in %s", len(ids), time.Since(began).Round(time.Millisecond))

	// Path B: a running network; its first ministry grants its registrar
	// the importer role, and the registrar sends the dump.
	b := startNetwork(t, netConfig{validators: 4})
	nb := b.nodes[0]
	kb, err := b.keys.Info("registrar-" + nb.agency)
	require.NoError(t, err)
	importerB := kb.Address().String()
	nb.tx("agency", "grant-role", "--from", "admin-"+nb.agency, "--account", "registrar-"+nb.agency, "--role", "importer")
	sending := time.Now()
	sendOut, sendErr, code := nb.cli("import", "send", "parcels", dump, "--from", "registrar-"+nb.agency, "-o", "json")
	require.Equal(t, 0, code, "import send\nstdout: %s\nstderr: %s", sendOut, sendErr)
	var sent struct {
		Rows, Imported, Refused uint64
		Batches                 uint64
	}
	require.NoError(t, json.Unmarshal([]byte(sendOut), &sent), sendOut)
	require.Equal(t, uint64(len(ids)), sent.Rows)
	require.Equal(t, sent.Rows, sent.Imported, "every row imported on the running chain")
	t.Logf("path B: %d rows in %d batches in %s", sent.Imported, sent.Batches, time.Since(sending).Round(time.Millisecond))

	// Each network agrees with itself.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for _, nw := range []*network{a, b} {
		nw.waitHeight(nw.maxHeight()+1, 30*time.Second)
		sameBlocks(ctx, t, nw)
	}

	// The same records on both, from different validators.
	ca, cb := a.nodes[1].Client(), b.nodes[2].Client()
	liens := 0
	for _, id := range ids {
		pa := record(ctx, t, ca, "land/parcel/"+id)
		pb := record(ctx, t, cb, "land/parcel/"+id)
		require.Equal(t, importer, pa["registered_by"], id)
		require.Equal(t, importerB, pb["registered_by"], id)
		require.Equal(t, float64(1), pa["registered_height"], "%s: path A's records are at height 1", id)
		la, lb := pa["active_liens"].([]any), pb["active_liens"].([]any)
		require.Len(t, lb, len(la), id)
		for i := range la {
			liens++
			ra := record(ctx, t, ca, "land/lien/"+jsonNumber(la[i]))
			rb := record(ctx, t, cb, "land/lien/"+jsonNumber(lb[i]))
			for _, f := range []string{"id", "created_height", "created_at", "activated_height"} {
				delete(ra, f)
				delete(rb, f)
			}
			require.Equal(t, ra, rb, "%s's lien %d", id, i)
		}
		// registered_by: each network's registrar has a key of its own.
		for _, f := range []string{"registered_by", "registered_height", "registered_at", "active_liens"} {
			delete(pa, f)
			delete(pb, f)
		}
		require.Equal(t, pa, pb, id)
	}
	require.Positive(t, liens)
	t.Logf("%d parcels and %d liens equal on both networks; %s in all", len(ids), liens, time.Since(began).Round(time.Millisecond))
}

// canonicalIDs are the ids (first field) of a canonical dump's rows.
func canonicalIDs(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	require.NoError(t, err)
	var ids []string
	for _, rec := range recs[1:] {
		ids = append(ids, rec[0])
	}
	return ids
}

// record queries path on cl and decodes the record's JSON.
func record(ctx context.Context, t *testing.T, cl *client.Client, path string) map[string]any {
	t.Helper()
	res, err := cl.Query(ctx, path, client.QueryOptions{})
	require.NoError(t, err, path)
	var v map[string]any
	require.NoError(t, json.Unmarshal(res.Value, &v), path)
	return v
}

func jsonNumber(v any) string { return strconv.FormatFloat(v.(float64), 'f', -1, 64) }

// sameBlocks requires every node of nw to hold the same block id and app
// hash at each height from the chain's first to the lowest node's tip.
func sameBlocks(ctx context.Context, t testing.TB, nw *network) {
	t.Helper()
	top := int64(-1)
	for _, nd := range nw.nodes {
		h, err := nd.Height()
		require.NoError(t, err)
		if top < 0 || h < top {
			top = h
		}
	}
	first, err := nw.nodes[0].Client().RPC().Status(ctx)
	require.NoError(t, err)
	var ref []string
	for i, nd := range nw.nodes {
		cl := nd.Client()
		var got []string
		for h := first.SyncInfo.EarliestBlockHeight; h <= top; h++ {
			blk, err := cl.RPC().Block(ctx, &h)
			require.NoError(t, err, "%s block %d", nd.name, h)
			got = append(got, blk.BlockID.Hash.String()+" "+strings.ToUpper(blk.Block.AppHash.String()))
		}
		if i == 0 {
			ref = got
			continue
		}
		require.Equal(t, ref, got, "%s's blocks differ from %s's", nd.name, nw.nodes[0].name)
	}
}

// TestScenarioImportJoin: a node that joins a chain built by path A
// catches up by state sync. Four validators start from a parcels dump
// named in their genesis (2,000 rows; GOVCHAIN_E2E_FULL=1: 100,000;
// GOVCHAIN_E2E_JOIN_ROWS=N: N) and snapshot every 5 blocks (20 in the
// full version, 100 in the sized one); once a snapshot is
// usable, a full node that was not started joins by state sync (trusting
// header 2, the chain's first block). It must restore a snapshot instead
// of replaying (its log names the height), reach the tip, and then answer
// the first and last parcels of the dump exactly as a validator does.
// The test logs the time from its start to the tip and the snapshot's
// size on disk (docs/measurements.md).
func TestScenarioImportJoin(t *testing.T) {
	// Not parallel: it measures how long the join takes.
	rows, interval := 2000, 5
	if fullE2E() {
		rows, interval = 100_000, 20
	}
	if v := os.Getenv("GOVCHAIN_E2E_JOIN_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "GOVCHAIN_E2E_JOIN_ROWS")
		require.Positive(t, n, "GOVCHAIN_E2E_JOIN_ROWS")
		// Snapshots further apart, so that the one restored is still on
		// disk when the join ends (ten are kept).
		rows, interval = n, 100
	}
	// Waits grow with the dump: each validator imports it at InitChain,
	// snapshots it, and the joiner restores it.
	scale := time.Duration(max(1, rows/100_000))
	began := time.Now()
	dir := t.TempDir()
	dump := filepath.Join(dir, "parcels.csv")
	out, err := exec.Command(binary, "import", "generate", "parcels", "--rows", strconv.Itoa(rows), "--seed", "17",
		"--liens-every", "4", "--out", dump).CombinedOutput()
	require.NoError(t, err, "%s", out)
	canonical := filepath.Join(dir, "canonical.csv")
	out, err = exec.Command(binary, "import", "prepare", "parcels", dump, "--canonical", canonical,
		"--genesis-time", "2026-12-01T00:00:00Z").CombinedOutput()
	require.NoError(t, err, "%s", out)
	ids := canonicalIDs(t, canonical)

	nw := startNetwork(t, netConfig{validators: 4, fullNodes: 1, startLater: []int{4}, startWait: scale * time.Minute, before: func(nw *network) {
		k, err := nw.keys.Info("registrar-" + nw.nodes[0].agency)
		require.NoError(t, err)
		home := nw.nodes[0].home
		out, err := exec.Command(binary, "import", "genesis", "parcels", dump, "--home", home,
			"--agency-id", nw.nodes[0].agency, "--signer", k.Address().String()).CombinedOutput()
		require.NoError(t, err, "%s", out)
		gen, err := os.ReadFile(filepath.Join(home, "config", "genesis.json"))
		require.NoError(t, err)
		data, err := os.ReadFile(filepath.Join(home, "import", "parcels.csv"))
		require.NoError(t, err)
		for _, nd := range nw.nodes[1:4] {
			require.NoError(t, os.WriteFile(filepath.Join(nd.home, "config", "genesis.json"), gen, 0o644))
			require.NoError(t, os.MkdirAll(filepath.Join(nd.home, "import"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(nd.home, "import", "parcels.csv"), data, 0o644))
		}
		// The joiner has the genesis but no copy of the dump: state sync
		// brings the imported state.
		require.NoError(t, os.WriteFile(filepath.Join(nw.nodes[4].home, "config", "genesis.json"), gen, 0o644))
		for _, v := range nw.validators() {
			setSnapshotConfig(t, v.home, interval, 10)
		}
		editNodeConfig(t, nw.nodes[4].home, func(c *cmtcfg.Config) { c.LogLevel = "statesync:info," + c.LogLevel })
	}})
	t.Logf("path A network up with %d rows in %s", len(ids), time.Since(began).Round(time.Millisecond))

	// A snapshot at 2*interval is usable once headers up to 2 past it exist.
	nw.waitHeight(int64(2*interval)+3, scale*3*time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), scale*5*time.Minute)
	defer cancel()
	joiner := nw.nodes[4]
	enableStateSync(ctx, t, nw, joiner)
	from := nw.maxHeight()
	joined := time.Now()
	joiner.Start()
	took := nw.waitTip(joiner, scale*4*time.Minute)
	restored := joinLogHeight(t, joiner, `Snapshot restored.*height=(\d+)`)
	require.Zero(t, restored%int64(interval), "restored height %d is no snapshot height", restored)
	st, err := joiner.Client().RPC().Status(ctx)
	require.NoError(t, err)
	require.Greater(t, st.SyncInfo.EarliestBlockHeight, restored, "%s's block store must start after its snapshot", joiner.name)
	size, files := dirSize(t, filepath.Join(nw.nodes[0].home, "data", "snapshots", fmt.Sprintf("%020d", restored)))
	t.Logf("%s joined at height %d by state sync: at the tip in %s (%s after its start); restored the snapshot at height %d, %d bytes in %d files on %s",
		joiner.name, from, took.Round(time.Millisecond), time.Since(joined).Round(time.Millisecond), restored, size, files, nw.nodes[0].name)

	for _, id := range []string{ids[0], ids[len(ids)-1]} {
		require.Equal(t, record(ctx, t, nw.nodes[0].Client(), "land/parcel/"+id), record(ctx, t, joiner.Client(), "land/parcel/"+id), id)
	}
	joiner.checkInfoAppHash(ctx)
}

// dirSize is the bytes and number of the files under dir.
func dirSize(t *testing.T, dir string) (int64, int) {
	t.Helper()
	var size int64
	files := 0
	require.NoError(t, filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		size += info.Size()
		files++
		return nil
	}))
	return size, files
}
