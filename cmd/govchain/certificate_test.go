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
)

// TestCertificateEndToEnd runs a development node in-process, exports a
// record, a history and an absence certificate through the command line,
// verifies them with no node (the node is stopped first) against
// genesis.json, and sees a tampered certificate refused. Before stopping
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

	out, errOut, code := govchain(t, "certificate", "verify", filepath.Join(dir, "record.json"), "--trust", genesis, "-o", "json")
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
	data, err := os.ReadFile(filepath.Join(dir, "record.json"))
	require.NoError(t, err)
	tampered := filepath.Join(dir, "tampered.json")
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
