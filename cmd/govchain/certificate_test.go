package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/verify"
)

// TestCertificateEndToEnd runs a development node in-process, exports a
// record, a history and an absence certificate through the command line,
// verifies them with no node (the node is stopped first) against
// genesis.json, and sees a tampered certificate refused; and the same for
// a complete history certificate. Before stopping
// the node it checks query --prove --verify with both trust roots: the
// genesis file, and the light client from a trusted header hash.
func TestCertificateEndToEnd(t *testing.T) {
	dir := t.TempDir()
	n := startDevNode(t, "cert-e2e-1")
	home, node, cli := n.home, n.url, n.cli
	genesis := filepath.Join(home, "config", "genesis.json")

	_, errOut, code := cli("tx", "land", "register-parcel", "--from", "registrar", "--parcel-id", "P-1",
		"--cadastral-ref", "C-1", "--area-m2", "1200", "--location", "12 Main St, Springfield",
		"--denominator", "1", "--owner", "alice:1", "--document-hash", strings.Repeat("ab", 32))
	require.Equal(t, 0, code, errOut)

	certs := map[string]string{
		"record":  "/land/parcel/P-1",
		"history": "/land/parcel/P-1/history",
		"absence": "/land/lien/1",
	}
	for kind, path := range certs {
		out, errOut, code := cli("certificate", "export", path, "--out", filepath.Join(dir, kind+".json"))
		require.Equal(t, 0, code, errOut)
		require.Contains(t, out, "wrote "+kind+" certificate of "+path)
	}

	// A complete history: the parcel and its two entries, and the proof
	// that a third is absent. --complete refuses a path that is not a
	// numbered list, and a list whose anchor is absent.
	_, errOut, code = cli("tx", "land", "create-lien", "--from", "bank", "--parcel-id", "P-1", "--amount", "5000000",
		"--reference", "LOAN-1", "--document-hash", strings.Repeat("cd", 32))
	require.Equal(t, 0, code, errOut)
	completePath := "/land/parcel/P-1/history"
	out, errOut, code := cli("certificate", "export", completePath, "--complete", "--out", filepath.Join(dir, "complete.json"))
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^wrote complete certificate of /land/parcel/P-1/history at height \d+ \(header \d+, 4 key\(s\)\) to `, out)
	_, errOut, code = cli("certificate", "export", "/land/parcel/P-1", "--complete", "--out", filepath.Join(dir, "x.json"))
	requireOneLineError(t, errOut, code, "--complete needs a numbered list (a record's /history, or /gov/evidence): /land/parcel/P-1 is not one")
	_, errOut, code = cli("certificate", "export", "/land/parcel/P-404/history", "--complete", "--out", filepath.Join(dir, "x.json"))
	requireOneLineError(t, errOut, code, "/land/parcel/P-404/history has no anchor at state ")
	require.NoFileExists(t, filepath.Join(dir, "x.json"))
	_, errOut, code = cli("query", "land", "parcel", "P-1", "--history", "--prove", "--verify", "--trust", genesis)
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^VERIFIED height \d+ `, errOut)

	// query --prove --verify against genesis, and through the light
	// client from header 1 with the node as its own witness.
	_, errOut, code = cli("query", "land", "parcel", "P-1", "--prove", "--verify", "--trust", genesis)
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^VERIFIED height \d+ time \S+ app hash [0-9A-F]{64}\n$`, errOut)
	_, errOut, code = cli("query", "land", "parcel", "P-404", "--prove", "--verify", "--trust", genesis)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "is absent at state")
	var commit struct {
		Result struct {
			SignedHeader struct {
				Commit struct {
					BlockID struct {
						Hash string `json:"hash"`
					} `json:"block_id"`
				} `json:"commit"`
			} `json:"signed_header"`
		} `json:"result"`
	}
	require.NoError(t, getJSON(node+"/commit?height=1", &commit))
	hash := commit.Result.SignedHeader.Commit.BlockID.Hash
	require.Len(t, hash, 64)
	_, errOut, code = cli("query", "land", "parcel", "P-1", "--prove", "--verify",
		"--trust-height", "1", "--trust-hash", hash, "--witness", node)
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^VERIFIED height \d+ `, errOut)
	wrong := strings.Repeat("0", 64)
	_, errOut, code = cli("query", "land", "parcel", "P-1", "--prove", "--verify",
		"--trust-height", "1", "--trust-hash", wrong, "--witness", node)
	requireOneLineError(t, errOut, code, "NOT VERIFIED: light client")

	n.stop()

	// Offline from here on.
	for kind, path := range certs {
		out, errOut, code := govchain(t, "certificate", "verify", filepath.Join(dir, kind+".json"), "--trust", genesis)
		require.Equal(t, 0, code, errOut)
		require.Regexp(t, `^VERIFIED height \d+ time \S+ app hash [0-9A-F]{64}\n`+kind+" "+path+` at state \d+`, out)
	}

	out, errOut, code = govchain(t, "certificate", "verify", filepath.Join(dir, "complete.json"), "--trust", genesis)
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^VERIFIED height \d+ time \S+ app hash [0-9A-F]{64}\n`+
		`complete /land/parcel/P-1/history at state \d+: 3 key\(s\)\n`+
		`complete: the list counts 2 and ends there: entry 2 \(key 100203502d31080000000000000002\) holds nothing\n\[`, out)
	out, errOut, code = govchain(t, "certificate", "verify", filepath.Join(dir, "complete.json"), "--trust", genesis, "-o", "json")
	require.Equal(t, 0, code, errOut)
	var complete provenJSON
	require.NoError(t, json.Unmarshal([]byte(out), &complete), out)
	require.Equal(t, "complete", string(complete.Kind))
	require.NotNil(t, complete.Count)
	require.EqualValues(t, 2, *complete.Count)
	require.Equal(t, "100203502d31080000000000000002", complete.Absent)
	require.Len(t, complete.Entries, 3)
	// A complete certificate whose absent key is moved to the next entry.
	data, err := os.ReadFile(filepath.Join(dir, "complete.json"))
	require.NoError(t, err)
	moved := bytes.Replace(data, []byte(`"absent": "100203502d31080000000000000002"`), []byte(`"absent": "100203502d31080000000000000003"`), 1)
	require.NotEqual(t, data, moved)
	tampered := filepath.Join(dir, "tampered.json")
	require.NoError(t, os.WriteFile(tampered, moved, 0o644))
	_, errOut, code = govchain(t, "certificate", "verify", tampered, "--trust", genesis)
	requireOneLineError(t, errOut, code, "NOT VERIFIED: absence of key 100203502d31080000000000000003 at state ")

	out, errOut, code = govchain(t, "certificate", "verify", filepath.Join(dir, "record.json"), "--trust", genesis, "-o", "json")
	require.Equal(t, 0, code, errOut)
	var proven provenJSON
	require.NoError(t, json.Unmarshal([]byte(out), &proven), out)
	require.True(t, proven.Verified)
	require.Equal(t, "record", string(proven.Kind))
	require.Equal(t, "/land/parcel/P-1", proven.Path)
	require.Equal(t, proven.Height+1, proven.HeaderHeight)
	require.Len(t, proven.Entries, 1)
	var parcel struct {
		AreaM2 int64 `json:"area_m2"`
	}
	require.NoError(t, json.Unmarshal(proven.Entries[0].Value, &parcel))
	require.EqualValues(t, 1200, parcel.AreaM2)

	// Tampering: the area of the parcel, and one base64 digit of the
	// signed header.
	data, err = os.ReadFile(filepath.Join(dir, "record.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(tampered, bytes.Replace(data, []byte(`"area_m2": 1200`), []byte(`"area_m2": 9200`), 1), 0o644))
	_, errOut, code = govchain(t, "certificate", "verify", tampered, "--trust", genesis)
	requireOneLineError(t, errOut, code, "NOT VERIFIED: verify: proof mismatch")

	var c map[string]any
	require.NoError(t, json.Unmarshal(data, &c))
	sh := c["block"].(map[string]any)["signed_header"].(string)
	i := len(sh) / 2
	flipped := sh[:i] + string("AB"[boolIndex(sh[i] == 'A')]) + sh[i+1:]
	require.NoError(t, os.WriteFile(tampered, bytes.Replace(data, []byte(sh), []byte(flipped), 1), 0o644))
	_, errOut, code = govchain(t, "certificate", "verify", tampered, "--trust", genesis)
	requireOneLineError(t, errOut, code, "NOT VERIFIED: ")

	// Another chain's genesis.
	other := filepath.Join(dir, "other")
	_, errOut, code = govchain(t, "init", "--dev", "--home", other, "--chain-id", "other-1")
	require.Equal(t, 0, code, errOut)
	_, errOut, code = govchain(t, "certificate", "verify", filepath.Join(dir, "record.json"), "--trust", filepath.Join(other, "config", "genesis.json"))
	requireOneLineError(t, errOut, code, "NOT VERIFIED: verify: wrong chain")
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

// getJSON decodes the JSON answer of a GET.
func getJSON(url string, v any) error {
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}

// TestVerifyTestdataWithAppKeys verifies the verify package's real
// certificates (which its tests bind with a hand-written copy of the key
// layout) with the app's own PathKey, EntryKey and EntryCount, as the
// command line does: the two layouts agree.
func TestVerifyTestdataWithAppKeys(t *testing.T) {
	dir := filepath.Join("..", "..", "verify", "testdata")
	certs, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(t, err)
	more, err := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	require.NoError(t, err)
	kinds := map[verify.Kind]int{}
	for _, name := range append(certs, more...) {
		if filepath.Base(name) == "genesis.json" {
			continue
		}
		genesis, err := os.ReadFile(filepath.Join(filepath.Dir(name), "genesis.json"))
		require.NoError(t, err)
		trust, err := verify.ParseTrust(genesis)
		require.NoError(t, err)
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		res, err := verify.VerifyBytes(data, trust, certKeys)
		require.NoError(t, err, name)
		kinds[res.Kind]++
	}
	for _, k := range []verify.Kind{verify.KindRecord, verify.KindHistory, verify.KindAbsence, verify.KindComplete} {
		require.Positive(t, kinds[k], "no %s certificate in %s", k, dir)
	}
}
