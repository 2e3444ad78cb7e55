package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/abci"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/seal"
)

// TestSharingEndToEnd runs a development node and shares one record
// between two ministries through the command line only: interior declares
// a class and commits a person's record, finance registers a key, interior
// grants finance one field, the person consents, finance's officer
// requests the field (allowed), then a field the grant does not cover
// (refused with its code, and recorded), interior's data service records
// the sealed delivery, the person's access log is read with a verified
// proof and proven complete, and once the grant is revoked a request is
// refused. Every sharing query answers with a proof, and the client's
// typed reads return the same records.
func TestSharingEndToEnd(t *testing.T) {
	const chainID = "share-e2e-1"
	n := startDevNode(t, chainID)
	genesis := filepath.Join(n.home, "config", "genesis.json")
	dir := t.TempDir()
	file := func(name string, content []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, content, 0o600))
		return p
	}
	// tx signs and posts a transaction that must succeed, with -o json.
	tx := func(args ...string) *client.TxResult {
		t.Helper()
		out, errOut, code := n.cli(append(append([]string{"tx"}, args...), "-o", "json")...)
		require.Equal(t, 0, code, errOut)
		var res client.TxResult
		require.NoError(t, json.Unmarshal([]byte(out), &res), out)
		require.Zero(t, res.Code)
		return &res
	}
	attr := func(res *client.TxResult, key string) string {
		t.Helper()
		v, ok := res.Attr(key)
		require.True(t, ok, "event attribute %s in %+v", key, res.Events)
		return v
	}
	hexOf := func(b []byte) string { return hex.EncodeToString(b) }

	// The subject is a person of the identity registry; alice acts for it.
	tx("identity", "register-person", "--from", "civil-registrar", "--person-id", "P-1",
		"--commitment", "name:"+strings.Repeat("ab", 32), "--document-hash", strings.Repeat("cd", 32))
	tx("identity", "link-account", "--from", "civil-registrar", "--person-id", "P-1", "--account", "alice")

	tx("sharing", "declare-class", "--from", "admin-interior", "--class-id", "residence", "--description", "Registered residence",
		"--field", "household_size", "--field", "address", "--purpose", "statistics", "--purpose", "benefit_eligibility")
	key, err := seal.GenerateKey(seal.SuiteX25519)
	require.NoError(t, err)
	res := tx("sharing", "register-key", "--from", "admin-finance", "--key-id", "fin-1", "--suite", seal.SuiteX25519,
		"--public-key", hexOf(key.PublicKeyBytes()), "--valid-for", "8760h")
	require.Equal(t, "finance", attr(res, "agency"))

	// Interior's data service keeps values and salts; the chain gets the
	// commitments.
	fields := []seal.Field{
		{Name: "address", Value: "12 Main St, Springfield", Salt: seal.NewSalt()},
		{Name: "household_size", Value: "3", Salt: seal.NewSalt()},
	}
	commitments := map[string][32]byte{}
	for _, f := range fields {
		commitments[f.Name] = f.Commitment()
	}
	addressC, sizeC := commitments["address"], commitments["household_size"]
	res = tx("sharing", "commit-record", "--from", "datasvc-interior", "--class-id", "residence", "--subject", "P-1",
		"--field", "household_size:"+hexOf(sizeC[:]), "--field", "address:"+hexOf(addressC[:]))
	require.Equal(t, "1", attr(res, "version"))

	basis := file("benefits-act.txt", []byte("Benefits Act, section 12"))
	res = tx("sharing", "create-grant", "--from", "admin-interior", "--grantee", "finance", "--class-id", "residence",
		"--field", "address", "--purpose", "benefit_eligibility", "--legal-basis", "Benefits Act s.12", "--document", basis,
		"--expires-in", "720h", "--max-requests", "10", "--period-seconds", "86400", "--consent-required")
	grantID := attr(res, "grant_id")
	tx("sharing", "give-consent", "--from", "alice", "--agency", "finance", "--purpose", "benefit_eligibility")

	// An allowed request.
	caseFile := file("case.txt", []byte("benefit claim 2026-0042"))
	request := func(field string) []string {
		return []string{"tx", "sharing", "request-access", "--from", "officer-finance", "--grant-id", grantID, "--subject", "P-1",
			"--field", field, "--purpose", "benefit_eligibility", "--case-file", caseFile}
	}
	res = tx(request("address")[1:]...)
	require.Equal(t, sharing.OutcomeAllowed, attr(res, "outcome"))
	requestID, err := strconv.ParseUint(attr(res, "request_id"), 10, 64)
	require.NoError(t, err)

	// A refused request is in a block and recorded: its result and events
	// on stdout, the refusal's code on stderr.
	out, errOut, code := n.cli(request("household_size")...)
	fieldRefusal := "code 818 (govchain): sharing: field not covered by the grant"
	requireOneLineError(t, errOut, code, fieldRefusal)
	require.EqualValues(t, 818, abci.Code(sharing.ErrFieldNotCovered))
	require.Contains(t, out, "code:   818\n")
	require.Contains(t, out, "outcome=refused")
	require.Contains(t, out, "code=818")
	require.Regexp(t, `request_id=\d+`, out)

	// Interior's data service seals the requested field to finance's key
	// and records the receipt.
	sealed, err := seal.SealPayload(seal.SuiteX25519, key.PublicKeyBytes(), "fin-1",
		seal.Payload{Fields: fields[:1], RequestID: requestID, ChainID: chainID})
	require.NoError(t, err)
	res = tx("sharing", "record-delivery", "--from", "datasvc-interior", "--request-id", strconv.FormatUint(requestID, 10),
		"--payload", file("payload.bin", sealed), "--key-id", "fin-1")
	require.Equal(t, "2", attr(res, "log_seq"))
	payloadHash := seal.PayloadHash(sealed)

	// The person's access log, verified against the validators'
	// signatures: the allowed request, the refused one with its code, the
	// delivery.
	out, errOut, code = n.cli("query", "sharing", "log", "P-1", "--prove", "--verify", "--trust", genesis)
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^VERIFIED height \d+ time \S+ app hash [0-9A-F]{64}`, errOut)
	var entries []client.Entry
	require.NoError(t, json.Unmarshal([]byte(out), &entries), out)
	require.Len(t, entries, 4)
	var head sharing.LogHead
	require.NoError(t, json.Unmarshal(entries[0].Value, &head))
	require.Equal(t, sharing.LogHead{Subject: "P-1", Count: 3}, head)
	var log []sharing.LogEntry
	for _, e := range entries[1:] {
		var le sharing.LogEntry
		require.NoError(t, json.Unmarshal(e.Value, &le))
		log = append(log, le)
	}
	require.Equal(t, []string{sharing.KindRequest, sharing.KindRequest, sharing.KindDelivery}, []string{log[0].Kind, log[1].Kind, log[2].Kind})
	require.Equal(t, sharing.OutcomeAllowed, log[0].Outcome)
	require.Equal(t, sharing.OutcomeRefused, log[1].Outcome)
	require.Equal(t, sharing.ErrFieldNotCovered.Code(), log[1].Refusal.Code)
	require.Equal(t, &sharing.LogDelivery{PayloadHash: payloadHash, KeyID: "fin-1"}, log[2].Delivery)
	// Entry 3 is proven absent: the log is complete.
	_, errOut, code = n.cli("query", "sharing", "log", "P-1", "3", "--prove")
	require.Equal(t, 1, code)
	require.Regexp(t, `^proof: key [0-9A-F]+ is absent: verified 1 key\(s\) against app hash [0-9A-F]{64} of block \d+\n`+
		`error: code 810 \(govchain\): sharing: access log entry not found\n$`, errOut)

	// Every query path of the module, proven.
	for _, q := range [][]string{
		{"purposes"}, {"purpose", "benefit_eligibility"}, {"class", "interior", "residence"}, {"key", "finance", "fin-1"},
		{"keys", "finance"}, {"record", "interior", "residence", "P-1"}, {"record", "interior", "residence", "P-1", "--history"},
		{"grant", grantID}, {"grants", "interior", "finance"}, {"grantee", "finance"},
		{"consent", "P-1", "finance", "benefit_eligibility"}, {"consent", "P-1", "finance", "benefit_eligibility", "--history"},
		{"request", strconv.FormatUint(requestID, 10)}, {"log", "P-1", "0"},
	} {
		out, errOut, code := n.cli(append(append([]string{"query", "sharing"}, q...), "--prove")...)
		require.Equal(t, 0, code, "%v: %s", q, errOut)
		require.Regexp(t, `^proof: verified \d+ key\(s\) against app hash`, errOut, q)
		require.True(t, json.Valid([]byte(out)), "%v: %s", q, out)
	}

	// Lists nothing was added to are empty answers, proven: the log of P-2,
	// whose data nobody read (its head is absent), justice's keys and
	// grants, the sealed list.
	emptyLists := map[string]string{
		"log P-2":                 `{"subject":"P-2","count":0}`,
		"keys justice":            `{"agency":"justice","key_count":0,"active":[]}`,
		"grantee justice":         `{"agency":"justice","grant_count":0}`,
		"grants finance interior": `{"owner":"finance","grantee":"interior","grant_count":0,"active_count":0}`,
		"sealed":                  `{"count":0}`,
	}
	for q, anchor := range emptyLists {
		for _, flags := range [][]string{{"--prove"}, {"--prove", "-o", "json"}, {"--prove", "--verify", "--trust", genesis}} {
			out, errOut, code := n.cli(append(append([]string{"query", "sharing"}, strings.Fields(q)...), flags...)...)
			require.Equal(t, 0, code, "%s %v: %s", q, flags, errOut)
			var entries []client.Entry
			require.NoError(t, json.Unmarshal([]byte(out), &entries), out)
			require.Len(t, entries, 1)
			require.JSONEq(t, anchor, string(entries[0].Value))
			key, ok := client.PathKey("/sharing/" + strings.ReplaceAll(q, " ", "/"))
			require.True(t, ok)
			require.Equal(t, core.HexBytes(key), entries[0].Key)
			if flags[len(flags)-1] == genesis {
				require.Regexp(t, `^VERIFIED height \d+ time \S+ app hash [0-9A-F]{64}: key `+hexUpper(key)+` is absent at state \d+\n$`, errOut)
			} else {
				require.Regexp(t, `^proof: key `+hexUpper(key)+` is absent: verified 1 key\(s\) against app hash [0-9A-F]{64} of block \d+\n$`, errOut)
			}
		}
	}
	// The complete certificate of P-2's empty log: the head and entry 0
	// proven absent; verified offline, it shows 0 entries.
	emptyCert := filepath.Join(dir, "empty-log.json")
	out, errOut, code = n.cli("certificate", "export", "/sharing/log/P-2", "--complete", "--out", emptyCert)
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^wrote complete certificate of /sharing/log/P-2 at height \d+ \(header \d+, 2 key\(s\)\) to `, out)
	headKey, entry0, entry1 := hexOf(sharing.LogHeadKey("P-2")), hexOf(sharing.LogEntryKey("P-2", 0)), hexOf(sharing.LogEntryKey("P-2", 1))
	out, errOut, code = govchain(t, "certificate", "verify", emptyCert, "--trust", genesis)
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^VERIFIED height \d+ time \S+ app hash [0-9A-F]{64}\n`+
		`complete /sharing/log/P-2 at state \d+: 0 key\(s\)\n`+
		`complete: the list has no anchor \(key `+headKey+` holds nothing\): it counts 0, and entry 0 \(key `+entry0+`\) holds nothing\n\[\]\n$`, out)
	out, errOut, code = govchain(t, "certificate", "verify", emptyCert, "--trust", genesis, "-o", "json")
	require.Equal(t, 0, code, errOut)
	var emptyProven provenJSON
	require.NoError(t, json.Unmarshal([]byte(out), &emptyProven), out)
	require.Equal(t, "complete", string(emptyProven.Kind))
	require.NotNil(t, emptyProven.Count)
	require.Zero(t, *emptyProven.Count)
	require.Empty(t, emptyProven.Entries)
	require.Equal(t, headKey, emptyProven.Key)
	require.Equal(t, entry0, emptyProven.Absent)
	data, err := os.ReadFile(emptyCert)
	require.NoError(t, err)
	moved := bytes.Replace(data, []byte(`"absent": "`+entry0+`"`), []byte(`"absent": "`+entry1+`"`), 1)
	require.NotEqual(t, data, moved)
	_, errOut, code = govchain(t, "certificate", "verify", file("empty-moved.json", moved), "--trust", genesis)
	requireOneLineError(t, errOut, code, "NOT VERIFIED: absence of key "+entry1)

	// What the requester's tools read with the Go client: the request's
	// commitments, which the opened payload matches, and the complete log.
	cl, err := client.New(n.url)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	proven := client.QueryOptions{Prove: true}
	req, qr, err := cl.SharingRequest(ctx, requestID, proven)
	require.NoError(t, err)
	require.True(t, qr.Proof.BoundToPath)
	require.Equal(t, []sharing.FieldCommitment{{Name: "address", Commitment: addressC}}, req.Commitments)
	require.Equal(t, core.Hash(payloadHash), req.Delivery.PayloadHash)
	opened, err := seal.OpenPayload(key, chainID, requestID, "fin-1", sealed)
	require.NoError(t, err)
	require.NoError(t, seal.CheckPayload(opened, map[string][32]byte{"address": [32]byte(req.Commitments[0].Commitment)}))
	idx, keys, _, err := cl.SharingKeys(ctx, "finance", proven)
	require.NoError(t, err)
	require.Equal(t, []string{"fin-1"}, idx.Active)
	require.Len(t, keys, 1)
	require.Equal(t, core.HexBytes(key.PublicKeyBytes()), keys[0].PublicKey)
	grant, _, err := cl.SharingGrant(ctx, req.GrantID, proven)
	require.NoError(t, err)
	require.Equal(t, []string{"address"}, grant.Fields)
	rec, _, err := cl.SharingRecord(ctx, "interior", "residence", "P-1", proven)
	require.NoError(t, err)
	require.Equal(t, uint64(1), rec.Version)
	al, err := cl.SharingLog(ctx, "P-1", proven)
	require.NoError(t, err)
	require.Equal(t, log, al.Entries)
	require.NotNil(t, al.Absence)
	require.Equal(t, al.Result.Height+1, al.Absence.HeaderHeight, "the absence is proven in the same state")
	al, err = cl.SharingLog(ctx, "P-2", proven)
	require.NoError(t, err)
	require.Equal(t, sharing.LogHead{Subject: "P-2"}, al.Head)
	require.Empty(t, al.Entries)
	require.NotNil(t, al.Result.Proof, "the head proven absent")
	require.NotNil(t, al.Absence, "entry 0 proven absent")

	// Revoked, the grant allows nothing more; the refusal is recorded too.
	tx("sharing", "revoke-grant", "--from", "admin-interior", "--grant-id", grantID, "--reason", "benefit decided")
	out, errOut, code = n.cli(append(request("address"), "-o", "json")...)
	requireJSONError(t, errOut, code, errorJSON{Code: abci.Code(sharing.ErrGrantRevoked), Codespace: abci.Codespace,
		Log: "sharing: grant is revoked: grant " + grantID})
	require.EqualValues(t, 833, abci.Code(sharing.ErrGrantRevoked))
	var refused client.TxResult
	require.NoError(t, json.Unmarshal([]byte(out), &refused), out)
	require.Equal(t, abci.Code(sharing.ErrGrantRevoked), refused.Code)
	id, ok := refused.Attr("request_id")
	require.True(t, ok)
	out, errOut, code = n.cli("query", "sharing", "request", id, "--prove")
	require.Equal(t, 0, code, errOut)
	var q sharing.Request
	require.NoError(t, json.Unmarshal([]byte(out), &q))
	require.Equal(t, sharing.OutcomeRefused, q.Outcome)
	require.Equal(t, abci.Code(sharing.ErrGrantRevoked), q.Refusal.Code)
	al, err = cl.SharingLog(ctx, "P-1", proven)
	require.NoError(t, err)
	require.Len(t, al.Entries, 4)
	require.Equal(t, sharing.ErrGrantRevoked.Code(), al.Entries[3].Refusal.Code)
	require.Regexp(t, regexp.MustCompile(`^[0-9a-f]{64}$`), al.Entries[3].CaseRef.String())

	n.stop()
}

// TestCovertSharingEndToEnd runs deferred disclosure on a development node
// through the command line, with the Go client in the parts of interior's
// data service and of justice's court that open sealed details: justice
// (the overseer of law_enforcement) registers a key for its court and
// ombudsman, interior (the owner) and finance (the requester) theirs; a
// grant for law_enforcement may not require consent; finance's officer
// cannot request in the plain form (refused, not in a block) and requests
// covertly, keeping the details file; the request shows no official,
// fields or case reference; interior's service opens its copy, checks the
// fields and delivers; the officer cannot disclose early; justice's court
// releases it early; a second request becomes overdue, a wrong details
// file is refused, and the officer discloses it. The access log is proven
// complete throughout.
func TestCovertSharingEndToEnd(t *testing.T) {
	const chainID = "covert-e2e-1"
	n := startDevNode(t, chainID)
	dir := t.TempDir()
	file := func(name string, content []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, content, 0o600))
		return p
	}
	// run runs a command that must succeed and returns its stdout and
	// stderr.
	run := func(args ...string) (string, string) {
		t.Helper()
		out, errOut, code := n.cli(args...)
		require.Equal(t, 0, code, errOut)
		return out, errOut
	}
	tx := func(args ...string) (*client.TxResult, string) {
		t.Helper()
		out, errOut := run(append(append([]string{"tx"}, args...), "-o", "json")...)
		var res client.TxResult
		require.NoError(t, json.Unmarshal([]byte(out), &res), out)
		require.Zero(t, res.Code)
		return &res, errOut
	}
	attr := func(res *client.TxResult, key string) string {
		t.Helper()
		v, ok := res.Attr(key)
		require.True(t, ok, "event attribute %s in %+v", key, res.Events)
		return v
	}
	keys := map[string]*seal.PrivateKey{}
	for _, k := range []struct{ agency, id string }{{"justice", "just-1"}, {"interior", "int-1"}, {"finance", "fin-1"}} {
		priv, err := seal.GenerateKey(seal.SuiteX25519)
		require.NoError(t, err)
		keys[k.id] = priv
		tx("sharing", "register-key", "--from", "admin-"+k.agency, "--key-id", k.id, "--suite", seal.SuiteX25519,
			"--public-key", hex.EncodeToString(priv.PublicKeyBytes()), "--valid-for", "8760h")
	}
	tx("identity", "register-person", "--from", "civil-registrar", "--person-id", "P-7",
		"--commitment", "name:"+strings.Repeat("ab", 32), "--document-hash", strings.Repeat("cd", 32))
	tx("sharing", "declare-class", "--from", "admin-interior", "--class-id", "residence", "--description", "Registered residence",
		"--field", "household_size", "--field", "address", "--purpose", "law_enforcement")
	address := seal.Field{Name: "address", Value: "12 Main St, Springfield", Salt: seal.NewSalt()}
	size := seal.Field{Name: "household_size", Value: "3", Salt: seal.NewSalt()}
	ac, sc := address.Commitment(), size.Commitment()
	tx("sharing", "commit-record", "--from", "datasvc-interior", "--class-id", "residence", "--subject", "P-7",
		"--field", "address:"+hex.EncodeToString(ac[:]), "--field", "household_size:"+hex.EncodeToString(sc[:]))

	grant := []string{"sharing", "create-grant", "--from", "admin-interior", "--grantee", "finance", "--class-id", "residence",
		"--field", "address", "--field", "household_size", "--purpose", "law_enforcement", "--legal-basis", "Criminal Procedure Act s.99",
		"--legal-basis-hash", strings.Repeat("ef", 32), "--expires-in", "720h", "--max-requests", "10", "--period-seconds", "3600"}
	_, errOut, code := n.cli(append(append([]string{"tx"}, grant...), "--consent-required")...)
	requireOneLineError(t, errOut, code, "code 848 (govchain): sharing: a grant for a covert purpose cannot require consent")
	res, _ := tx(grant...)
	grantID := attr(res, "grant_id")

	// The plain form would publish the fields and case: CheckTx refuses
	// it, so it reaches no block and nothing is recorded.
	caseFile := file("case.txt", []byte("investigation 2026-CR-0193"))
	_, errOut, code = n.cli("tx", "sharing", "request-access", "--from", "officer-finance", "--grant-id", grantID, "--subject", "P-7",
		"--field", "address", "--purpose", "law_enforcement", "--case-file", caseFile)
	requireOneLineError(t, errOut, code, "code 849 (govchain): sharing: the purpose is covert: the request must carry its details sealed")
	logged, _ := run("query", "sharing", "log", "P-7", "--prove")
	require.Contains(t, logged, `"count": 0`, "nothing is logged")

	// covert requests covertly and returns the request id and the details
	// file.
	covert := func(name, in string, fields ...string) (uint64, string, sharing.CovertDetails) {
		t.Helper()
		out := filepath.Join(dir, name)
		args := []string{"sharing", "request-access", "--covert", "--from", "officer-finance", "--grant-id", grantID, "--subject", "P-7",
			"--case-file", caseFile, "--disclose-in", in, "--details-out", out}
		for _, f := range fields {
			args = append(args, "--field", f)
		}
		res, errOut := tx(args...)
		b, err := os.ReadFile(out)
		require.NoError(t, err)
		d, err := sharing.DecodeCovertDetails(bytes.TrimSpace(b))
		require.NoError(t, err)
		require.Equal(t, fields, d.Fields)
		require.Equal(t, core.Hash(sha256.Sum256([]byte("investigation 2026-CR-0193"))), d.CaseRef)
		require.Equal(t, "details commitment "+d.Commitment().String()+"; fields, case reference and salt written to "+out+
			" (keep it to disclose the request)\n", errOut)
		info, err := os.Stat(out)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
		require.Equal(t, "true", attr(res, "covert"))
		id, err := strconv.ParseUint(attr(res, "request_id"), 10, 64)
		require.NoError(t, err)
		return id, out, d
	}
	a, aFile, da := covert("a.json", "720h", "address")
	_, errOut, code = n.cli("tx", "sharing", "request-access", "--covert", "--from", "officer-finance", "--grant-id", grantID,
		"--subject", "P-7", "--case-file", caseFile, "--disclose-in", "1h", "--details-out", aFile, "--field", "address")
	requireOneLineError(t, errOut, code, "--details-out: open "+aFile+": file exists (the details file is never overwritten)")

	// What anyone sees of request a: no official, fields or case.
	out, errOut := run("query", "sharing", "request", strconv.FormatUint(a, 10), "--prove")
	for _, hidden := range []string{`"official"`, `"fields"`, `"case_ref"`} {
		require.NotContains(t, out, hidden)
	}
	require.Regexp(t, `^proof: verified 1 key\(s\) against app hash [0-9A-F]{64} of block \d+\n`+
		`covert: sealed until \S+Z, not disclosed \(proven block time \S+Z\)\n$`, errOut)
	cl, err := client.New(n.url)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	proven := client.QueryOptions{Prove: true}
	q, _, err := cl.SharingRequest(ctx, a, proven)
	require.NoError(t, err)
	require.True(t, q.Covert)
	require.Equal(t, "justice", q.Overseer)
	require.Equal(t, da.Commitment(), q.DetailsCommitment)
	require.Equal(t, "just-1", q.Sealed.OverseerKeyID)
	require.Equal(t, "int-1", q.Sealed.OwnerKeyID)

	// Interior's data service opens its copy, checks the fields are the
	// grant's, and delivers them sealed to finance.
	g, _, err := cl.SharingGrant(ctx, q.GrantID, proven)
	require.NoError(t, err)
	got, err := client.OpenCovertDetails(keys["int-1"], chainID, q.Sealed.OwnerKeyID, q.DetailsCommitment, q.Sealed.OwnerSealed)
	require.NoError(t, err)
	require.Equal(t, da, got)
	for _, f := range got.Fields {
		require.Contains(t, g.Fields, f)
	}
	sealed, err := seal.SealPayload(seal.SuiteX25519, keys["fin-1"].PublicKeyBytes(), "fin-1",
		seal.Payload{Fields: []seal.Field{address}, RequestID: a, ChainID: chainID})
	require.NoError(t, err)
	tx("sharing", "record-delivery", "--from", "datasvc-interior", "--request-id", strconv.FormatUint(a, 10),
		"--payload", file("payload.bin", sealed), "--key-id", "fin-1")
	// Justice's court reads the same details from its own copy.
	got, err = client.OpenCovertDetails(keys["just-1"], chainID, q.Sealed.OverseerKeyID, q.DetailsCommitment, q.Sealed.OverseerSealed)
	require.NoError(t, err)
	require.Equal(t, da, got)

	// The officer must wait for disclose_at; the court releases it early.
	disclose := func(from string, id uint64, details string) (string, string, int) {
		return n.cli("tx", "sharing", "disclose-request", "--from", from, "--request-id", strconv.FormatUint(id, 10), "--details", details)
	}
	_, errOut, code = disclose("officer-finance", a, aFile)
	requireOneLineError(t, errOut, code, "code 856 (govchain): sharing: request is sealed until its disclose_at")
	_, errOut, code = disclose("ombudsman", a, file("wrong.json", append(sharing.CovertDetails{Fields: da.Fields, CaseRef: da.CaseRef,
		Salt: core.Hash{7}}.Encode(), '\n')))
	requireOneLineError(t, errOut, code, "code 858 (govchain): sharing: details do not match the request's commitment")
	_, errOut, code = disclose("alice", a, aFile)
	requireOneLineError(t, errOut, code, "needs role court, ombudsman or data_officer")
	out, errOut, code = disclose("court", a, aFile)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "early=true")
	_, errOut = run("query", "sharing", "request", strconv.FormatUint(a, 10))
	require.Regexp(t, `^covert: disclosed early at height \d+ \(it was sealed until \S+Z\)\n$`, errOut)

	// Request b, sealed for 15 seconds (from the command's clock: its
	// block must come before), becomes overdue: the chain keeps it sealed
	// and the query says so.
	b, bFile, _ := covert("b.json", "15s", "address", "household_size")
	_, refs, _, err := cl.SharingSealed(ctx, proven)
	require.NoError(t, err)
	require.Len(t, refs, 1)
	require.Equal(t, b, refs[0].RequestID)
	require.Eventually(t, func() bool {
		_, errOut, code := n.cli("query", "sharing", "request", strconv.FormatUint(b, 10), "--prove")
		return code == 0 && strings.Contains(errOut, "covert: OVERDUE: sealed until ")
	}, time.Minute, time.Second, "request b never became overdue")
	_, errOut, code = disclose("officer-finance", b, aFile)
	requireOneLineError(t, errOut, code, "code 858 (govchain)")
	out, errOut, code = disclose("officer-finance", b, bFile)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "early=false")
	require.Contains(t, out, "exceeds_grant=false")
	_, refs, _, err = cl.SharingSealed(ctx, proven)
	require.NoError(t, err)
	require.Empty(t, refs)

	// The subject's access log, proven complete: both requests (no
	// official), the delivery, both disclosures (with the details).
	al, err := cl.SharingLog(ctx, "P-7", proven)
	require.NoError(t, err)
	require.NotNil(t, al.Absence)
	var kinds []string
	for _, e := range al.Entries {
		kinds = append(kinds, e.Kind)
	}
	require.Equal(t, []string{sharing.KindRequest, sharing.KindDelivery, sharing.KindDisclosure, sharing.KindRequest, sharing.KindDisclosure}, kinds)
	require.True(t, al.Entries[0].Actor.IsZero())
	require.True(t, al.Entries[3].Actor.IsZero())
	require.Equal(t, da.Fields, al.Entries[2].Disclosure.Fields)
	require.True(t, al.Entries[2].Disclosure.Early)
	require.Equal(t, []string{"address", "household_size"}, al.Entries[4].Disclosure.Fields)
	require.False(t, al.Entries[4].Disclosure.Early)

	n.stop()
}

// hexUpper is b in upper-case hex, as proof lines print keys.
func hexUpper(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }
