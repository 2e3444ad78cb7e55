package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/datasvc"
	"github.com/govchain/govchain/internal/devnode"
	"github.com/govchain/govchain/verify"
)

// TestDatasvcCLI runs the data service through the command line against
// a development node: finance makes and registers a key, interior loads
// a record (twice: the second load posts nothing) and serves it, finance's
// officer requests two fields and fetches them (text and json), status
// shows each database; the service, and fetch with --verify, check every
// read against the validators' signatures; bad flags and a bad line fail
// with one line; the service stops cleanly on its context's end.
func TestDatasvcCLI(t *testing.T) {
	n := startDevNode(t, "datasvc-cli-1")
	dir := t.TempDir()
	finDB, intDB := filepath.Join(dir, "finance.db"), filepath.Join(dir, "interior.db")
	ok := func(args ...string) string {
		t.Helper()
		out, errOut, code := n.cli(args...)
		require.Equal(t, 0, code, "%v: %s", args, errOut)
		return out
	}
	tx := func(from, typ string, body any) client.TxResult {
		t.Helper()
		b, err := json.Marshal(body)
		require.NoError(t, err)
		var res client.TxResult
		require.NoError(t, json.Unmarshal([]byte(ok("tx", "raw", "--from", from, "--type", typ, "--body", string(b), "-o", "json")), &res))
		return res
	}
	hash := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	later := time.Now().UTC().Add(24 * time.Hour).Truncate(time.Second).Format(time.RFC3339)

	// Finance's key: made, stored in its database, registered on chain.
	out := ok("datasvc", "keygen", "--suite", "x25519", "--key-id", "fin-1", "--db", finDB)
	require.Regexp(t, `^key_id:     fin-1\nsuite:      x25519\npublic_key: [0-9a-f]{64}\n$`, out)
	var key datasvc.KeyInfo
	require.NoError(t, json.Unmarshal([]byte(ok("datasvc", "keygen", "--suite", "mlkem768-x25519", "--key-id", "fin-2", "--db", finDB, "-o", "json")), &key))
	require.Len(t, key.PublicKey, 1216)
	pub := regexp.MustCompile(`public_key: ([0-9a-f]{64})`).FindStringSubmatch(out)[1]
	tx("admin-finance", "sharing/register_key", map[string]any{"key_id": "fin-1", "suite": "x25519", "public_key": pub, "valid_until": later})

	// Interior's class, subject and record.
	tx("civil-registrar", "identity/register_person", map[string]any{"person_id": "P-7", "document_hash": hash("P-7"),
		"commitments": []map[string]string{{"attribute": "name", "commitment": hash("salt")}}})
	tx("admin-interior", "sharing/declare_class", map[string]any{"class_id": "tax", "description": "taxable income",
		"fields": []string{"address", "income", "name"}, "purposes": []string{"benefit_eligibility"}})
	records := filepath.Join(dir, "records.jsonl")
	require.NoError(t, os.WriteFile(records, []byte(`{"subject":"P-7","fields":{"address":"7 Elm St","income":"41000","name":"Ann Lee"}}`+"\n"), 0o600))
	load := []string{"datasvc", "load", "--class", "tax", "--file", records, "--from", "datasvc-interior", "--db", intDB}
	require.Equal(t, "class tax of interior: 1 line(s): 1 new, 0 changed, 0 unchanged; 1 commitment(s) posted and committed\n", ok(load...))
	require.Equal(t, "class tax of interior: 1 line(s): 0 new, 0 changed, 1 unchanged; 0 commitment(s) posted and committed\n", ok(load...))
	grant := tx("admin-interior", "sharing/create_grant", map[string]any{"grantee": "finance", "class_id": "tax",
		"fields": []string{"address", "income"}, "subjects": []string{}, "purpose": "benefit_eligibility", "legal_basis": "Benefits Act s. 3",
		"legal_basis_hash": hash("act"), "expires_at": later, "max_requests": 10, "period_seconds": 3600, "consent_required": false})
	grantID, found := grant.Attr("grant_id")
	require.True(t, found)

	// Interior serves on a port of its choosing, which it writes to the
	// address file (replacing the one an earlier run left) once it
	// serves.
	genesis := filepath.Join(n.home, "config", "genesis.json")
	addrFile := filepath.Join(dir, "interior.addr")
	require.NoError(t, os.WriteFile(addrFile, []byte("127.0.0.1:1\n"), 0o600))
	serveOut := &devnode.SyncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan int, 1)
	go func() {
		// Every read of the service checks the validators' signatures.
		served <- run(ctx, []string{"datasvc", "serve", "--listen", "127.0.0.1:0", "--address-file", addrFile,
			"--from", "datasvc-interior", "--db", intDB,
			"--home", n.home, "--node", n.url, "--verify", "--trust", genesis, "--erasure-sweep", "500ms"}, serveOut, serveOut)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-served:
		case <-time.After(30 * time.Second):
		}
	})
	var listen string
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(addrFile)
		if err != nil || string(b) == "127.0.0.1:1\n" {
			return false
		}
		listen = strings.TrimSuffix(string(b), "\n")
		return true
	}, time.Minute, 50*time.Millisecond, "serve never wrote its address:\n%s", serveOut.String())
	require.Regexp(t, `^127\.0\.0\.1:[1-9][0-9]*$`, listen)
	require.Contains(t, serveOut.String(), "listen="+listen+" ", "the address the log names")
	resp, err := http.Get("http://" + listen + "/healthz")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "serving once the address file is written")

	req := tx("officer-finance", "sharing/request_access", map[string]any{"grant_id": json.Number(grantID), "subject": "P-7",
		"fields": []string{"address", "income"}, "purpose": "benefit_eligibility", "case_ref": hash("case 1")})
	reqID, found := req.Attr("request_id")
	require.True(t, found)

	fetch := []string{"datasvc", "fetch", "--request", reqID, "--service", "http://" + listen, "--from", "officer-finance", "--db", finDB}
	out = ok(fetch...)
	require.Regexp(t, `^request `+reqID+`: interior's tax record of P-7, version 1; payload [0-9a-f]{64} sealed to key fin-1, receipt in block \d+; every field matches its commitment\naddress: 7 Elm St\nincome: 41000\n$`, out)
	var got struct {
		RequestID   uint64            `json:"request_id"`
		PayloadHash string            `json:"payload_hash"`
		Fields      map[string]string `json:"fields"`
	}
	require.NoError(t, json.Unmarshal([]byte(ok(append(fetch, "-o", "json", "--verify", "--trust", genesis)...)), &got))
	require.Equal(t, map[string]string{"address": "7 Elm St", "income": "41000"}, got.Fields)
	require.Contains(t, out, got.PayloadHash, "the same payload again")

	out = ok("datasvc", "status", "--db", intDB)
	require.Regexp(t, `(?s)agency interior\nkeys: 0\nclasses: 1\n  tax  1 record\(s\), 1 version\(s\), 0 pending\ndeliveries: 1\n  request `+reqID+`  key fin-1  payload `+got.PayloadHash+`  receipt confirmed in block \d+\nerasures: 0\nreceived: 0\n$`, out)
	var st datasvc.Status
	require.NoError(t, json.Unmarshal([]byte(ok("datasvc", "status", "--db", finDB, "-o", "json")), &st))
	require.Equal(t, "finance", st.Agency)
	require.Len(t, st.Keys, 2)
	require.Len(t, st.Received, 1)
	require.Equal(t, "ok", st.Received[0].Verdict)

	t.Run("bad input fails with one line", func(t *testing.T) {
		// A trust root of validators that never signed this chain.
		strangers := filepath.Join(dir, "strangers.json")
		tf, err := json.Marshal(verify.TrustFile{ChainID: "datasvc-cli-1", Validators: []verify.Validator{
			{PubKey: ed25519.GenPrivKey().PubKey().Bytes(), Power: 10}}})
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(strangers, tf, 0o600))
		bad := filepath.Join(dir, "bad.jsonl")
		require.NoError(t, os.WriteFile(bad, []byte(`{"subject":"P-7","fields":{"address":"x","income":"1","name":"y"}}`+"\n{\"subject\":\"P-8\"\n"), 0o600))
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"datasvc", "keygen", "--suite", "rsa", "--key-id", "k9", "--db", finDB}, `seal: unknown suite "rsa"`},
			{[]string{"datasvc", "keygen", "--key-id", "fin-1", "--db", finDB}, "datasvc: key id already in the database: fin-1"},
			{[]string{"datasvc", "load", "--file", records, "--from", "datasvc-interior", "--db", intDB}, "--class and --file are required"},
			{[]string{"datasvc", "load", "--class", "tax", "--file", bad, "--from", "datasvc-interior", "--db", intDB},
				bad + " line 2: not a JSON object"},
			{[]string{"datasvc", "load", "--class", "nope", "--file", records, "--from", "datasvc-interior", "--db", intDB},
				"datasvc: agency interior declared no class nope on chain"},
			{[]string{"datasvc", "load", "--class", "tax", "--file", records, "--from", "officer-finance", "--db", intDB},
				"does not hold the data_service role on chain"},
			{[]string{"datasvc", "serve", "--listen", ":8700", "--from", "datasvc-interior", "--db", intDB}, `--listen ":8700" must be an address and a port`},
			{[]string{"datasvc", "serve", "--listen", "127.0.0.1:0", "--address-file", filepath.Join(dir, "no", "addr"), "--from", "datasvc-interior", "--db", intDB},
				"--address-file " + filepath.Join(dir, "no", "addr") + ": its directory does not exist"},
			{[]string{"datasvc", "serve", "--listen", "127.0.0.1:0", "--address-file", dir, "--from", "datasvc-interior", "--db", intDB},
				"--address-file " + dir + " is a directory"},
			{[]string{"datasvc", "fetch", "--service", "http://" + listen, "--from", "officer-finance", "--db", finDB}, "--request and --service are required"},
			{[]string{"datasvc", "fetch", "--request", reqID, "--service", "http://" + listen, "--from", "officer-interior", "--db", finDB},
				"was made by"},
			{[]string{"datasvc", "fetch", "--request", reqID, "--service", "http://" + listen, "--from", "officer-finance", "--db", intDB},
				"database " + intDB + " belongs to agency interior; the signer acts for finance"},
			{[]string{"datasvc", "nope"}, `unknown command "nope" for "govchain datasvc"`},
			{[]string{"datasvc", "erase", "--class", "tax", "--from", "datasvc-interior", "--db", intDB}, "--class and --subject are required"},
			{[]string{"datasvc", "erase", "--class", "tax", "--subject", "P-7", "--from", "datasvc-interior", "--db", intDB},
				"datasvc: the record is not erased on chain: the record of P-7 in class tax of interior is active at version 1"},
			{append(fetch, "--verify"), "--verify needs a trust root"},
			{append(fetch, "--verify", "--trust", records), "--trust " + records},
			{append(fetch, "--verify", "--trust", strangers), "NOT VERIFIED: verify: "},
		} {
			_, errOut, code := n.cli(tc.args...)
			requireOneLineError(t, errOut, code, "")
			require.Contains(t, errOut, tc.want)
			_, errOut, code = n.cli(append(tc.args, "-o", "json")...)
			var e errorJSON
			require.NoError(t, json.Unmarshal([]byte(errOut), &e), errOut)
			require.Equal(t, 1, code)
			require.Contains(t, e.Log, tc.want)
		}
	})

	// Interior's admin erases the record on chain: the running service
	// finds the erasure and deletes the values and the payload sealed
	// from them; fetching again is refused as erased; erase says what was
	// done.
	tx("admin-interior", "sharing/erase_record", map[string]any{"class_id": "tax", "subject": "P-7",
		"legal_basis": "Court order 2026/118", "legal_basis_hash": hash("order")})
	require.Eventually(t, func() bool {
		var st datasvc.Status
		require.NoError(t, json.Unmarshal([]byte(ok("datasvc", "status", "--db", intDB, "-o", "json")), &st))
		return len(st.Erasures) == 1
	}, 30*time.Second, 200*time.Millisecond, "the service never swept the erasure:\n%s", serveOut.String())
	require.Regexp(t, `(?s)classes: 0\n.*erasures: 1\n  tax/P-7  erased on chain at height \d+  1 version\(s\), 1 payload\(s\) deleted  `,
		ok("datasvc", "status", "--db", intDB))
	require.Regexp(t, `^erased tax/P-7 of interior \(erased on chain at height \d+\): 1 version\(s\) and 1 delivered payload\(s\) deleted\n$`,
		ok("datasvc", "erase", "--class", "tax", "--subject", "P-7", "--from", "datasvc-interior", "--db", intDB))
	_, errOut, code := n.cli(append(fetch, "--db", filepath.Join(dir, "finance2.db"))...)
	requireOneLineError(t, errOut, code, "")
	require.Contains(t, errOut, "was erased")

	cancel()
	select {
	case code := <-served:
		require.Equal(t, 0, code, serveOut.String())
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	log := serveOut.String()
	require.Contains(t, log, "data service started")
	require.Contains(t, log, "stopped cleanly")
	require.NotRegexp(t, `level=(ERROR|WARN)`, log)
	require.NotContains(t, log, "Elm St", "no value is logged")
	require.True(t, strings.Contains(log, "msg=delivered request_id="+reqID), log)
	require.Contains(t, log, "msg=erased class=tax subject=P-7")
	require.NoFileExists(t, addrFile, "removed when the service stops")
	n.stop()
}

// TestAddressFile: the address file holds the address and a newline,
// replaces the one before, leaves no temporary file beside it, and is
// removed by clearAddressFile, which refuses a directory.
func TestAddressFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "svc.addr")
	require.NoError(t, clearAddressFile(path), "nothing to remove")
	require.NoError(t, writeAddressFile(path, "127.0.0.1:40101"))
	require.NoError(t, writeAddressFile(path, "127.0.0.1:40102"))
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:40102\n", string(b))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file left")
	require.NoError(t, clearAddressFile(path))
	require.NoFileExists(t, path)
	require.ErrorContains(t, writeAddressFile(filepath.Join(dir, "no", "svc.addr"), "127.0.0.1:1"), "--address-file: ")
	require.ErrorContains(t, clearAddressFile(dir), "is a directory")
	require.DirExists(t, dir)
}
