package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cometbft/cometbft/crypto/merkle"
	"github.com/stretchr/testify/require"
)

func TestImportPrepareSetsRowsAsideAndNamesTheDump(t *testing.T) {
	dir := t.TempDir()
	dump := filepath.Join(dir, "vehicles.jsonl")
	_, stderr, code := govchain(t, "import", "generate", "vehicles", "--rows", "500", "--seed", "5", "--bad-every", "25", "--out", dump)
	require.Equal(t, 0, code, stderr)

	out, stderr, code := govchain(t, "import", "prepare", "vehicles", dump, "--genesis-time", "2026-12-01T00:00:00Z", "-o", "json")
	require.Equal(t, 0, code, stderr)
	var p prepared
	require.NoError(t, json.Unmarshal([]byte(out), &p))
	require.Equal(t, 500, p.Read)
	require.Equal(t, map[string]int{"bad_encoding": 4, "missing_column": 4, "duplicate_id": 8, "invalid_vin": 4, "bad_field": 4}, p.ByCode)
	require.Equal(t, 500-24, p.Rows)
	rejects, err := os.ReadFile(dump + ".rejected.csv")
	require.NoError(t, err)
	require.Contains(t, string(rejects), "line,id,code,result_code,reason,raw\n")
	require.Contains(t, string(rejects), ",invalid_vin,")

	// The same dump gives the same names; a proof of one row checks
	// against the root with CometBFT's merkle package.
	out2, _, code := govchain(t, "import", "prepare", "vehicles", dump, "--genesis-time", "2026-12-01T00:00:00Z", "-o", "json")
	require.Equal(t, 0, code)
	var p2 prepared
	require.NoError(t, json.Unmarshal([]byte(out2), &p2))
	require.Equal(t, p.SHA256, p2.SHA256)
	require.Equal(t, p.Root, p2.Root)
}

func TestImportProveChecksAgainstTheRoot(t *testing.T) {
	dir := t.TempDir()
	dump := filepath.Join(dir, "parcels.csv")
	_, _, code := govchain(t, "import", "generate", "parcels", "--rows", "100", "--out", dump)
	require.Equal(t, 0, code)
	out, stderr, code := govchain(t, "import", "prove", "parcels", dump, "--id", "BY-04-00000010")
	require.Equal(t, 0, code, stderr)
	var rp rowProof
	require.NoError(t, json.Unmarshal([]byte(out), &rp))
	require.Contains(t, rp.Row, "BY-04-00000010,")
	require.Equal(t, int64(100), rp.Total)
	proof := merkle.Proof{Total: rp.Total, Index: rp.Index}
	proof.LeafHash, _ = hex.DecodeString(rp.LeafHash)
	for _, a := range rp.Aunts {
		b, _ := hex.DecodeString(a)
		proof.Aunts = append(proof.Aunts, b)
	}
	root, _ := hex.DecodeString(rp.Root)
	require.NoError(t, proof.Verify(root, []byte(rp.Row)))
	require.Error(t, proof.Verify(root, []byte(rp.Row+" ")))

	// The totals of reading the dump come first; the error is one line.
	_, stderr, code = govchain(t, "import", "prove", "parcels", dump, "--id", "BY-00-missing")
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	requireOneLineError(t, lines[len(lines)-1], code, `no canonical row with id "BY-00-missing"`)
}

func TestImportRefusesBadInputWithOneLine(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "parcels.csv")
	require.NoError(t, os.WriteFile(bad, []byte("parcel_id,area\nP-1,3\n"), 0o600))
	_, stderr, code := govchain(t, "import", "prepare", "parcels", bad)
	requireOneLineError(t, stderr, code, `legacy: header lacks column "cadastral_ref"`)
	_, stderr, code = govchain(t, "import", "prepare", "lands", bad)
	requireOneLineError(t, stderr, code, `legacy: unknown registry "lands"`)
	_, stderr, code = govchain(t, "import", "generate", "parcels", "--rows", "-1", "--out", filepath.Join(dir, "x.csv"))
	requireOneLineError(t, stderr, code, "must not be negative")
	_, stderr, code = govchain(t, "import", "generate", "parcels", "--out", filepath.Join(dir, "x.txt"))
	requireOneLineError(t, stderr, code, ".csv or .jsonl")

	// Stopped (Ctrl-C): one line, and no rejected-rows file.
	dump := filepath.Join(dir, "big.csv")
	_, _, code = govchain(t, "import", "generate", "parcels", "--rows", "30000", "--out", dump)
	require.Equal(t, 0, code)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, stderr, code = govchainCtx(ctx, t, "import", "prepare", "parcels", dump)
	requireOneLineError(t, stderr, code, "legacy: stopped after 0 rows: context canceled")
	_, err := os.Stat(dump + ".rejected.csv")
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestImportGenesisNamesTheDump(t *testing.T) {
	dir := t.TempDir()
	home := filepath.Join(dir, "home")
	_, stderr, code := govchain(t, "init", "--home", home, "--chain-id", "imp-1", "--agency-id", "justice", "--keyring-backend", "test")
	require.Equal(t, 0, code, stderr)
	dump := filepath.Join(dir, "parcels.csv")
	_, _, code = govchain(t, "import", "generate", "parcels", "--rows", "50", "--out", dump)
	require.Equal(t, 0, code)
	signer := "00112233445566778899aabbccddeeff00112233"
	out, stderr, code := govchain(t, "import", "genesis", "parcels", dump, "--home", home, "--signer", signer, "--agency-id", "justice", "-o", "json")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, `"rows": 50`)
	doc, g := readGenesisFile(t, home)
	require.Equal(t, int64(2), doc.InitialHeight)
	require.Len(t, g.Import, 1)
	require.Equal(t, "parcels.csv", g.Import[0].File)
	require.True(t, hasGrant(g, g.Import[0].Signer, "land_registrar"))
	copied, err := os.ReadFile(filepath.Join(home, "import", "parcels.csv"))
	require.NoError(t, err)
	orig, err := os.ReadFile(dump)
	require.NoError(t, err)
	require.Equal(t, orig, copied)

	_, stderr, code = govchain(t, "import", "genesis", "parcels", dump, "--home", home, "--signer", signer)
	requireOneLineError(t, stderr, code, "already names a dump parcels.csv")
}

// TestImportEndToEnd: a development node whose genesis names a parcels
// dump starts at height 2 with every canonical row as a parcel; a
// migration certificate of one parcel verifies offline, and one whose row
// was altered does not.
func TestImportEndToEnd(t *testing.T) {
	dir := t.TempDir()
	dump := filepath.Join(dir, "parcels.csv")
	_, _, code := govchain(t, "import", "generate", "parcels", "--rows", "2000", "--bad-every", "50", "--out", dump)
	require.Equal(t, 0, code)
	n := startDevNodeWith(t, "import-e2e-1", func(home string) {
		out, _, code := govchain(t, "keys", "show", "registrar", "--address", "--home", home)
		require.Equal(t, 0, code)
		signer := strings.Fields(out)[0]
		_, stderr, code := govchain(t, "import", "genesis", "parcels", dump, "--home", home, "--signer", signer)
		require.Equal(t, 0, code, stderr)
	})
	out, stderr, code := n.cli("query", "land", "parcel", "BY-02-00000001")
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, `"area_m2"`)

	cert := filepath.Join(dir, "migration.json")
	out, stderr, code = govchain(t, "import", "certify", "parcels", dump, "--id", "BY-02-00000001", "--out", cert, "--node", n.url)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "wrote migration certificate of /land/parcel/BY-02-00000001")
	genesis := filepath.Join(n.home, "config", "genesis.json")
	out, stderr, code = govchain(t, "import", "verify", cert, "--trust", genesis)
	require.Equal(t, 0, code, stderr)
	require.Regexp(t, `^MIGRATED /land/parcel/BY-02-00000001 from row \d+ of 1952 of parcels.csv \(sha256 [0-9a-f]{64}, root [0-9a-f]{64}\)\n$`, out)

	b, err := os.ReadFile(cert)
	require.NoError(t, err)
	require.Contains(t, string(b), `"row": "BY-02-00000001,`)
	b = []byte(strings.Replace(string(b), `"row": "BY-02-00000001,`, `"row": "BY-02-00000001,x`, 1))
	altered := filepath.Join(dir, "altered.json")
	require.NoError(t, os.WriteFile(altered, b, 0o600))
	_, stderr, code = govchain(t, "import", "verify", altered, "--trust", genesis)
	requireOneLineError(t, stderr, code, "NOT VERIFIED: verify: migration not proven")
}
