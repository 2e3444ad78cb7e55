package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/abci"
	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/seal"
)

// TestTxSharingFlags signs every sharing command offline (--generate-only)
// and compares the message in the signed transaction with the one its
// flags describe; each command's refusals (a missing or malformed flag, an
// unknown flag) exit 1 with one line, the chain's code where the chain's
// own check refuses, and nothing is signed.
func TestTxSharingFlags(t *testing.T) {
	home := filepath.Join(t.TempDir(), "dev")
	_, errOut, code := govchain(t, "init", "--dev", "--home", home, "--chain-id", "share-flags-1")
	require.Equal(t, 0, code, errOut)

	hexA, hexB := strings.Repeat("ab", 32), strings.Repeat("cd", 32)
	hashA, hashB := hashOfHex(t, hexA), hashOfHex(t, hexB)
	doc := filepath.Join(t.TempDir(), "basis.pdf")
	require.NoError(t, os.WriteFile(doc, []byte("Benefits Act, section 12"), 0o600))
	docHash := core.Hash(sha256.Sum256([]byte("Benefits Act, section 12")))
	key, err := seal.GenerateKey(seal.SuiteX25519)
	require.NoError(t, err)
	pub := key.PublicKeyBytes()
	until := time.Date(2030, 1, 31, 0, 0, 0, 0, time.UTC)
	saltHex := strings.Repeat("5a", 32)
	details := sharing.CovertDetails{Fields: []string{"address", "income"}, CaseRef: hashA, Salt: hashOfHex(t, saltHex)}
	detailsFile := filepath.Join(t.TempDir(), "details.json")
	require.NoError(t, os.WriteFile(detailsFile, append(details.Encode(), '\n'), 0o600))
	badDetails := filepath.Join(t.TempDir(), "bad.json")
	require.NoError(t, os.WriteFile(badDetails, []byte(`{"fields":["b","a"]}`), 0o600))
	// invalid is the line the chain's check gives a message.
	invalid := func(log string) string {
		return "error: code 800 (govchain): sharing: invalid message: " + log
	}

	for _, tc := range []struct {
		name string
		args []string
		want core.Msg
		// err is the one error line's beginning, if the command fails.
		err string
	}{
		{"declare-class",
			[]string{"declare-class", "--class-id", "residence", "--description", "Registered residence",
				"--field", "household_size", "--field", "address", "--purpose", "social_security", "--purpose", "benefit_eligibility"},
			&sharing.DeclareClass{ClassID: "residence", Description: "Registered residence",
				Fields: []string{"address", "household_size"}, Purposes: []string{"benefit_eligibility", "social_security"}}, ""},
		{"declare-class without fields",
			[]string{"declare-class", "--class-id", "residence", "--description", "d", "--purpose", "statistics"},
			nil, invalid("fields must list 1 to 64 identifiers, got 0")},
		{"declare-class with a repeated field",
			[]string{"declare-class", "--class-id", "residence", "--description", "d", "--field", "a", "--field", "a", "--purpose", "statistics"},
			nil, invalid(`fields must be sorted and unique ("a" after "a")`)},
		{"declare-class with an unknown flag",
			[]string{"declare-class", "--class-id", "residence", "--fields", "a"},
			nil, "error: unknown flag: --fields; did you mean --field? (see govchain tx sharing declare-class --help)"},

		{"register-key",
			[]string{"register-key", "--key-id", "fin-1", "--suite", "x25519", "--public-key", hex.EncodeToString(pub), "--valid-until", "2030-01-31T00:00:00Z"},
			&sharing.RegisterKey{KeyID: "fin-1", Suite: seal.SuiteX25519, PublicKey: pub, ValidUntil: until}, ""},
		{"register-key with bad hex",
			[]string{"register-key", "--key-id", "fin-1", "--suite", "x25519", "--public-key", "xyz", "--valid-until", "2030-01-31T00:00:00Z"},
			nil, "error: --public-key: not hex"},
		{"register-key with a key of the wrong suite",
			[]string{"register-key", "--key-id", "fin-1", "--suite", "mlkem768-x25519", "--public-key", hex.EncodeToString(pub), "--valid-until", "2030-01-31T00:00:00Z"},
			nil, invalid("public_key: seal: invalid public key")},
		{"register-key without a validity",
			[]string{"register-key", "--key-id", "fin-1", "--suite", "x25519", "--public-key", hex.EncodeToString(pub)},
			nil, "error: --valid-until TIME or --valid-for DURATION is required"},
		{"register-key with two validities",
			[]string{"register-key", "--key-id", "fin-1", "--suite", "x25519", "--public-key", hex.EncodeToString(pub),
				"--valid-until", "2030-01-31T00:00:00Z", "--valid-for", "24h"},
			nil, "error: give --valid-until or --valid-for, not both"},
		{"register-key with an unknown flag",
			[]string{"register-key", "--key", "fin-1"},
			nil, "error: unknown flag: --key; did you mean --key-id or --keyring-dir or --keyring-passphrase-file?"},

		{"revoke-key", []string{"revoke-key", "--key-id", "fin-1"}, &sharing.RevokeKey{KeyID: "fin-1"}, ""},
		{"revoke-key without a key id", []string{"revoke-key"}, nil, invalid("key_id must be 1-64 characters, got 0")},
		{"revoke-key with an unknown flag", []string{"revoke-key", "--key-ids", "k"}, nil, "error: unknown flag: --key-ids; did you mean --key-id?"},

		{"commit-record",
			[]string{"commit-record", "--class-id", "residence", "--subject", "P-1", "--field", "household_size:" + hexB, "--field", "address:" + strings.ToUpper(hexA)},
			&sharing.CommitRecord{ClassID: "residence", Subject: "P-1",
				Fields: []sharing.FieldCommitment{{Name: "address", Commitment: hashA}, {Name: "household_size", Commitment: hashB}}}, ""},
		{"commit-record with a value instead of a commitment",
			[]string{"commit-record", "--class-id", "residence", "--subject", "P-1", "--field", "address=12 Main St"},
			nil, `error: --field "address=12 Main St": want NAME:SHA256HEX`},
		{"commit-record with bad hex",
			[]string{"commit-record", "--class-id", "residence", "--subject", "P-1", "--field", "address:12ab"},
			nil, `error: --field "address:12ab": want 64 hex digits (a SHA-256)`},
		{"commit-record without a subject",
			[]string{"commit-record", "--class-id", "residence", "--field", "address:" + hexA},
			nil, invalid("subject must be 1-64 characters, got 0")},
		{"commit-record with an unknown flag",
			[]string{"commit-record", "--class", "residence"},
			nil, "error: unknown flag: --class; did you mean --class-id?"},

		{"create-grant",
			[]string{"create-grant", "--grantee", "finance", "--class-id", "residence", "--field", "household_size", "--field", "address",
				"--subject", "P-2", "--subject", "P-1", "--purpose", "benefit_eligibility", "--legal-basis", "Benefits Act s.12",
				"--document", doc, "--expires-at", "2030-01-31T00:00:00Z", "--max-requests", "10", "--period-seconds", "86400", "--consent-required"},
			&sharing.CreateGrant{Grantee: "finance", ClassID: "residence", Fields: []string{"address", "household_size"},
				Subjects: []string{"P-1", "P-2"}, Purpose: "benefit_eligibility", LegalBasis: "Benefits Act s.12",
				LegalBasisHash: docHash, ExpiresAt: until, MaxRequests: 10, PeriodSeconds: 86400, ConsentRequired: true}, ""},
		{"create-grant for every subject",
			[]string{"create-grant", "--grantee", "finance", "--class-id", "residence", "--field", "address",
				"--purpose", "benefit_eligibility", "--legal-basis", "Benefits Act s.12", "--legal-basis-hash", hexA,
				"--expires-at", "2030-01-31T00:00:00Z", "--max-requests", "1", "--period-seconds", "60"},
			&sharing.CreateGrant{Grantee: "finance", ClassID: "residence", Fields: []string{"address"}, Subjects: []string{},
				Purpose: "benefit_eligibility", LegalBasis: "Benefits Act s.12", LegalBasisHash: hashA, ExpiresAt: until,
				MaxRequests: 1, PeriodSeconds: 60}, ""},
		{"create-grant without a rate",
			[]string{"create-grant", "--grantee", "finance", "--class-id", "residence", "--field", "address",
				"--purpose", "benefit_eligibility", "--legal-basis", "b", "--legal-basis-hash", hexA, "--expires-at", "2030-01-31T00:00:00Z"},
			nil, invalid("max_requests must be 1 to 1000000, got 0")},
		{"create-grant without an expiry",
			[]string{"create-grant", "--grantee", "finance", "--class-id", "residence", "--field", "address",
				"--purpose", "benefit_eligibility", "--legal-basis", "b", "--legal-basis-hash", hexA},
			nil, "error: --expires-at TIME or --expires-in DURATION is required"},
		{"create-grant with two legal basis hashes",
			[]string{"create-grant", "--grantee", "finance", "--legal-basis-hash", hexA, "--document", doc},
			nil, "error: give --legal-basis-hash or --document, not both"},
		{"create-grant with bad hex",
			[]string{"create-grant", "--grantee", "finance", "--legal-basis-hash", "zz"},
			nil, `error: invalid: "zz" is not a SHA-256 hash (64 hex digits)`},
		{"create-grant with an unknown flag",
			[]string{"create-grant", "--grantee", "finance", "--subjects", "P-1"},
			nil, "error: unknown flag: --subjects; did you mean --subject?"},

		{"revoke-grant", []string{"revoke-grant", "--grant-id", "3", "--reason", "case closed"},
			&sharing.RevokeGrant{GrantID: 3, Reason: "case closed"}, ""},
		{"revoke-grant without an id", []string{"revoke-grant", "--reason", "r"}, nil, invalid("grant_id must be positive")},
		{"revoke-grant with a bad id", []string{"revoke-grant", "--grant-id", "three"}, nil, `error: invalid argument "three" for "--grant-id" flag`},

		{"revoke-grantee", []string{"revoke-grantee", "--grantee", "finance", "--reason", "audit"},
			&sharing.RevokeGrantee{Grantee: "finance", Reason: "audit"}, ""},
		{"revoke-grantee without a reason", []string{"revoke-grantee", "--grantee", "finance"}, nil, invalid("reason must not be empty")},
		{"revoke-grantee with an unknown flag", []string{"revoke-grantee", "--grant", "finance"}, nil, "error: unknown flag: --grant;"},

		{"give-consent", []string{"give-consent", "--agency", "finance", "--purpose", "benefit_eligibility"},
			&sharing.GiveConsent{Agency: "finance", Purpose: "benefit_eligibility"}, ""},
		{"give-consent without a purpose", []string{"give-consent", "--agency", "finance"}, nil, invalid("purpose must be 1-64 characters, got 0")},
		{"withdraw-consent", []string{"withdraw-consent", "--agency", "finance", "--purpose", "benefit_eligibility"},
			&sharing.WithdrawConsent{Agency: "finance", Purpose: "benefit_eligibility"}, ""},
		{"withdraw-consent with an unknown flag", []string{"withdraw-consent", "--agncy", "finance"}, nil, "error: unknown flag: --agncy; did you mean --agency?"},

		{"request-access",
			[]string{"request-access", "--grant-id", "1", "--subject", "P-1", "--field", "household_size", "--field", "address",
				"--purpose", "benefit_eligibility", "--case-ref", hexA},
			&sharing.RequestAccess{GrantID: 1, Subject: "P-1", Fields: []string{"address", "household_size"}, Purpose: "benefit_eligibility", CaseRef: hashA}, ""},
		{"request-access with a case file",
			[]string{"request-access", "--grant-id", "1", "--subject", "P-1", "--field", "address", "--purpose", "benefit_eligibility", "--case-file", doc},
			&sharing.RequestAccess{GrantID: 1, Subject: "P-1", Fields: []string{"address"}, Purpose: "benefit_eligibility", CaseRef: docHash}, ""},
		{"request-access without a case",
			[]string{"request-access", "--grant-id", "1", "--subject", "P-1", "--field", "address", "--purpose", "benefit_eligibility"},
			nil, "error: --case-ref HEX or --case-file FILE is required"},
		{"request-access with bad hex",
			[]string{"request-access", "--grant-id", "1", "--subject", "P-1", "--field", "address", "--purpose", "benefit_eligibility", "--case-ref", hexA[:60]},
			nil, `error: invalid: "` + hexA[:60] + `" is not a SHA-256 hash (64 hex digits)`},
		{"request-access without fields",
			[]string{"request-access", "--grant-id", "1", "--subject", "P-1", "--purpose", "benefit_eligibility", "--case-ref", hexA},
			nil, invalid("fields must list 1 to 64 identifiers, got 0")},
		{"request-access with a missing case file",
			[]string{"request-access", "--grant-id", "1", "--case-file", filepath.Join(t.TempDir(), "none")},
			nil, "error: open "},

		{"request-access with --disclose-in but not --covert",
			[]string{"request-access", "--grant-id", "1", "--subject", "P-1", "--field", "address", "--purpose", "benefit_eligibility",
				"--case-ref", hexA, "--disclose-in", "24h"},
			nil, "error: --disclose-in is for a covert request: add --covert"},
		{"request-access with --details-out but not --covert",
			[]string{"request-access", "--grant-id", "1", "--subject", "P-1", "--field", "address", "--purpose", "benefit_eligibility",
				"--case-ref", hexA, "--details-out", filepath.Join(t.TempDir(), "d")},
			nil, "error: --details-out is for a covert request: add --covert"},
		{"request-access --covert without a details file",
			[]string{"request-access", "--covert", "--grant-id", "1", "--subject", "P-1", "--field", "address", "--case-ref", hexA, "--disclose-in", "24h"},
			nil, "error: --details-out FILE is required with --covert: the details and their salt are needed to disclose the request"},
		{"request-access --covert without a disclosure time",
			[]string{"request-access", "--covert", "--grant-id", "1", "--subject", "P-1", "--field", "address", "--case-ref", hexA,
				"--details-out", filepath.Join(t.TempDir(), "d")},
			nil, "error: --disclose-at TIME or --disclose-in DURATION is required"},
		{"request-access --covert without a case",
			[]string{"request-access", "--covert", "--grant-id", "1", "--subject", "P-1", "--field", "address", "--disclose-in", "24h"},
			nil, "error: --case-ref HEX or --case-file FILE is required"},

		{"disclose-request from a details file",
			[]string{"disclose-request", "--request-id", "4", "--details", detailsFile},
			&sharing.DiscloseRequest{RequestID: 4, Fields: details.Fields, CaseRef: hashA, Salt: details.Salt}, ""},
		{"disclose-request from flags",
			[]string{"disclose-request", "--request-id", "4", "--field", "income", "--field", "address", "--case-ref", hexA, "--salt", saltHex},
			&sharing.DiscloseRequest{RequestID: 4, Fields: details.Fields, CaseRef: hashA, Salt: details.Salt}, ""},
		{"disclose-request from a case file",
			[]string{"disclose-request", "--request-id", "4", "--field", "address", "--case-file", doc, "--salt", saltHex},
			&sharing.DiscloseRequest{RequestID: 4, Fields: []string{"address"}, CaseRef: docHash, Salt: details.Salt}, ""},
		{"disclose-request with a file and flags",
			[]string{"disclose-request", "--request-id", "4", "--details", detailsFile, "--salt", saltHex},
			nil, "error: give --details or --salt, not both"},
		{"disclose-request with a malformed details file",
			[]string{"disclose-request", "--request-id", "4", "--details", badDetails},
			nil, "error: --details " + badDetails + ": sharing: invalid message: fields must be sorted and unique"},
		{"disclose-request with a missing details file",
			[]string{"disclose-request", "--request-id", "4", "--details", filepath.Join(t.TempDir(), "none")},
			nil, "error: open "},
		{"disclose-request without a salt",
			[]string{"disclose-request", "--request-id", "4", "--field", "address", "--case-ref", hexA},
			nil, "error: --salt is required"},
		{"disclose-request with a bad salt",
			[]string{"disclose-request", "--request-id", "4", "--field", "address", "--case-ref", hexA, "--salt", "5a"},
			nil, "error: --salt: want 64 hex digits (a SHA-256)"},
		{"disclose-request without fields",
			[]string{"disclose-request", "--request-id", "4", "--case-ref", hexA, "--salt", saltHex},
			nil, invalid("fields must list 1 to 64 identifiers, got 0")},
		{"disclose-request without a request id",
			[]string{"disclose-request", "--details", detailsFile},
			nil, invalid("request_id must be positive")},

		{"record-delivery",
			[]string{"record-delivery", "--request-id", "7", "--payload", doc, "--key-id", "fin-1"},
			&sharing.RecordDelivery{RequestID: 7, PayloadHash: docHash, KeyID: "fin-1"}, ""},
		{"record-delivery with a payload hash",
			[]string{"record-delivery", "--request-id", "7", "--payload-hash", hexB, "--key-id", "fin-1"},
			&sharing.RecordDelivery{RequestID: 7, PayloadHash: hashB, KeyID: "fin-1"}, ""},
		{"record-delivery without a key id",
			[]string{"record-delivery", "--request-id", "7", "--payload-hash", hexB}, nil, invalid("key_id must be 1-64 characters, got 0")},
		{"record-delivery without a payload",
			[]string{"record-delivery", "--request-id", "7", "--key-id", "fin-1"}, nil, "error: --payload-hash HEX or --payload FILE is required"},

		{"file-complaint",
			[]string{"file-complaint", "--request-id", "7", "--field", "address", "--received-commitment", hexA, "--payload-hash", hexB},
			&sharing.FileComplaint{RequestID: 7, Field: "address", ReceivedCommitment: hashA, PayloadHash: hashB}, ""},
		{"file-complaint without a received commitment",
			[]string{"file-complaint", "--request-id", "7", "--field", "address", "--payload-hash", hexB},
			nil, "error: --received-commitment is required"},
		{"file-complaint with bad hex",
			[]string{"file-complaint", "--request-id", "7", "--field", "address", "--received-commitment", "g" + hexA[1:], "--payload-hash", hexB},
			nil, "error: --received-commitment: want 64 hex digits (a SHA-256)\n"},

		{"erase-record",
			[]string{"erase-record", "--class-id", "residence", "--subject", "P-1", "--legal-basis", "court order 17", "--document", doc},
			&sharing.EraseRecord{ClassID: "residence", Subject: "P-1", LegalBasis: "court order 17", LegalBasisHash: docHash}, ""},
		{"erase-record without a legal basis",
			[]string{"erase-record", "--class-id", "residence", "--subject", "P-1", "--legal-basis-hash", hexA},
			nil, invalid("legal_basis must not be empty")},
		{"erase-record with an unknown flag",
			[]string{"erase-record", "--legal-basis-hsh", "x"},
			nil, "error: unknown flag: --legal-basis-hsh; did you mean --legal-basis-hash?"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"tx", "sharing"}, tc.args...)
			args = append(args, "--home", home, "--from", "admin-finance", "--sequence", "0", "--generate-only")
			out, errOut, code := govchain(t, args...)
			if tc.err != "" {
				requireOneLineError(t, errOut, code, "")
				require.True(t, strings.HasPrefix(errOut, tc.err), "stderr %q, want %q", errOut, tc.err)
				require.Empty(t, out, "nothing is signed")
				return
			}
			require.Equal(t, 0, code, errOut)
			d, err := app.Decode([]byte(strings.TrimSpace(out)), app.DefaultMaxTxBytes)
			require.NoError(t, err)
			require.NoError(t, app.VerifySignature(d, "share-flags-1"))
			require.Equal(t, tc.want, d.Msg)
		})
	}
}

// TestTxSharingRelativeTimes: --valid-for and --expires-in are counted
// from now, to the second, in UTC.
func TestTxSharingRelativeTimes(t *testing.T) {
	home := filepath.Join(t.TempDir(), "dev")
	_, errOut, code := govchain(t, "init", "--dev", "--home", home, "--chain-id", "share-times-1")
	require.Equal(t, 0, code, errOut)
	key, err := seal.GenerateKey(seal.SuiteMLKEM768X25519)
	require.NoError(t, err)
	signed := func(args ...string) core.Msg {
		t.Helper()
		before := time.Now().UTC().Truncate(time.Second)
		args = append(append([]string{"tx", "sharing"}, args...), "--home", home, "--from", "admin-finance", "--sequence", "0", "--generate-only")
		out, errOut, code := govchain(t, args...)
		require.Equal(t, 0, code, errOut)
		d, err := app.Decode([]byte(strings.TrimSpace(out)), app.DefaultMaxTxBytes)
		require.NoError(t, err)
		var at time.Time
		switch m := d.Msg.(type) {
		case *sharing.RegisterKey:
			at = m.ValidUntil
		case *sharing.CreateGrant:
			at = m.ExpiresAt
		default:
			t.Fatalf("unexpected message %T", m)
		}
		require.Equal(t, time.UTC, at.Location())
		require.Zero(t, at.Nanosecond())
		require.WithinRange(t, at, before.Add(48*time.Hour), time.Now().Add(48*time.Hour))
		return d.Msg
	}
	m := signed("register-key", "--key-id", "pq-1", "--suite", "mlkem768-x25519", "--public-key", hex.EncodeToString(key.PublicKeyBytes()), "--valid-for", "48h")
	require.Equal(t, core.HexBytes(key.PublicKeyBytes()), m.(*sharing.RegisterKey).PublicKey)
	signed("create-grant", "--grantee", "interior", "--class-id", "c", "--field", "f", "--purpose", "statistics",
		"--legal-basis", "b", "--legal-basis-hash", strings.Repeat("ab", 32), "--expires-in", "48h", "--max-requests", "1", "--period-seconds", "1")

	// -o json: a refusal by the chain's check is its code as JSON.
	_, errOut, code = govchain(t, "tx", "sharing", "revoke-key", "--home", home, "--from", "admin-finance", "--sequence", "0", "--generate-only", "-o", "json")
	requireJSONError(t, errOut, code, errorJSON{Code: abci.Code(sharing.ErrInvalidMessage), Codespace: abci.Codespace,
		Log: "sharing: invalid message: key_id must be 1-64 characters, got 0"})
	require.EqualValues(t, 800, abci.Code(sharing.ErrInvalidMessage))
}

// TestTxSharingCovertNeedsNode: request-access --covert reads the grant
// and keys from a node before sealing; with none reachable it fails and
// writes no details file.
func TestTxSharingCovertNeedsNode(t *testing.T) {
	home := filepath.Join(t.TempDir(), "dev")
	_, errOut, code := govchain(t, "init", "--dev", "--home", home, "--chain-id", "share-covert-1")
	require.Equal(t, 0, code, errOut)
	out := filepath.Join(t.TempDir(), "details.json")
	stdout, errOut, code := govchain(t, "tx", "sharing", "request-access", "--covert", "--grant-id", "1", "--subject", "P-1",
		"--field", "address", "--case-ref", strings.Repeat("ab", 32), "--disclose-in", "24h", "--details-out", out,
		"--home", home, "--from", "officer-finance", "--sequence", "0", "--generate-only", "--node", "http://127.0.0.1:1", "--timeout", "2s")
	requireOneLineError(t, errOut, code, "")
	require.Contains(t, errOut, "error: cannot reach node at http://127.0.0.1:1")
	require.Empty(t, stdout, "nothing is signed")
	require.NoFileExists(t, out)
}
