package verifier

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/verify"
	"github.com/govchain/govchain/web/internal/tamper"
)

// The certificates in testdata/ were exported with `govchain certificate
// export` from a single-validator development chain (govchain init
// --dev, chain govchain-dev, whose genesis.json is beside them), after a
// parcel's registration and sale, a lien and a dispute:
//
//   - record.json: /land/parcel/BE-21004-0117;
//   - complete.json: /land/parcel/BE-21004-0117/history --complete;
//   - absence.json: /land/lien/9, which does not exist;
//   - liens.json: /land/parcel/BE-21004-0117/liens (a list);
//   - agencies.json: /agency/list, the four development ministries, of
//     which justice runs the validator;
//   - empty.json: /sharing/log/P-NOBODY --complete, the access log of a
//     subject nobody read: no entry, its head and entry 0 proven absent.

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// devAgencies are the agencies agencies.json proves.
func devAgencies(t *testing.T) []Agency {
	t.Helper()
	rep := Check(readTestdata(t, "agencies.json"), readTestdata(t, "genesis.json"), nil)
	require.True(t, rep.Verified, rep.Error)
	return rep.Agencies
}

func TestCheckRealCertificates(t *testing.T) {
	trust := readTestdata(t, "genesis.json")
	agencies := devAgencies(t)
	for _, tc := range []struct {
		file    string
		kind    string
		path    string
		entries int
	}{
		{"record.json", "record", "/land/parcel/BE-21004-0117", 1},
		{"complete.json", "complete", "/land/parcel/BE-21004-0117/history", 8},
		{"absence.json", "absence", "/land/lien/9", 0},
		{"liens.json", "list", "/land/parcel/BE-21004-0117/liens", 2},
		{"empty.json", "complete", "/sharing/log/P-NOBODY", 0},
	} {
		t.Run(tc.file, func(t *testing.T) {
			rep := Check(readTestdata(t, tc.file), trust, agencies)
			require.True(t, rep.Verified, rep.Error)
			require.Empty(t, rep.Error)
			require.Equal(t, tc.kind, string(rep.Kind))
			require.Equal(t, tc.path, rep.Path)
			require.Equal(t, "govchain-dev", rep.ChainID)
			require.Equal(t, rep.Height+1, rep.HeaderHeight)
			require.Equal(t, tc.entries, len(rep.Entries))
			require.Equal(t, tc.kind == "complete", rep.Complete)
			if rep.Complete {
				require.Equal(t, uint64(max(tc.entries-1, 0)), rep.Count)
				require.NotEmpty(t, rep.Absent)
			}
			// The development chain's one validator is the Ministry of
			// Justice's, with all the power.
			require.Equal(t, []Signer{{Address: rep.Signers[0].Address, Power: 10, Agency: "justice", Name: "Ministry of Justice"}}, rep.Signers)
			require.Len(t, rep.Signers[0].Address, 40)
			require.Equal(t, int64(10), rep.SignedPower)
			require.Equal(t, int64(10), rep.TotalPower)
			require.Equal(t, 1, rep.Validators)
			require.Empty(t, rep.Agencies, "only /agency/list names agencies")
			// The report encodes for the page, values as stored JSON.
			b, err := json.Marshal(rep)
			require.NoError(t, err)
			require.Contains(t, string(b), `"verified":true`)
			require.Contains(t, string(b), fmt.Sprintf(`"count":%d`, rep.Count), "the count is always there for the page, 0 too")
		})
	}
}

func TestCheckNamesOnlyKnownKeys(t *testing.T) {
	rep := Check(readTestdata(t, "record.json"), readTestdata(t, "genesis.json"), nil)
	require.True(t, rep.Verified, rep.Error)
	require.Len(t, rep.Signers, 1)
	require.Empty(t, rep.Signers[0].Agency, "no agency map: the signer is named by its address only")
	require.Empty(t, rep.Signers[0].Name)
}

func TestAgenciesAreBoundToTheirKeys(t *testing.T) {
	agencies := devAgencies(t)
	ids := make([]string, 0, len(agencies))
	for _, a := range agencies {
		ids = append(ids, a.ID)
		if a.ID == "justice" {
			require.Len(t, a.PubKey, 32)
		} else {
			require.Empty(t, a.PubKey, "only justice runs a validator on the development chain")
		}
	}
	require.ElementsMatch(t, []string{"finance", "interior", "justice", "transport"}, ids)
}

// changed returns the certificate with old replaced by new exactly once.
func changed(t *testing.T, cert []byte, old, new string) []byte {
	t.Helper()
	out, err := tamper.Value(cert, old, new)
	require.NoError(t, err)
	return out
}

// flipSignature returns the certificate with one byte of the first
// commit signature of its header changed.
func flipSignature(t *testing.T, cert []byte) []byte {
	t.Helper()
	out, err := tamper.Signature(cert)
	require.NoError(t, err)
	return out
}

func TestCheckSaysWhyNot(t *testing.T) {
	trust := readTestdata(t, "genesis.json")
	record := readTestdata(t, "record.json")
	other := strings.Replace(string(trust), `"chain_id": "govchain-dev"`, `"chain_id": "other-1"`, 1)
	require.NotEqual(t, string(trust), other)
	for _, tc := range []struct {
		name  string
		cert  []byte
		trust []byte
		want  string
	}{
		{"a value", changed(t, record, `"area_m2": 1250`, `"area_m2": 1251`), trust,
			"verify: proof mismatch: key 10010d42452d32313030342d30313137 (entry 0) at state 70: the proof is for another key or value"},
		{"a signature", flipSignature(t, record), trust, "verify: insufficient or invalid signatures: commit of header 71"},
		{"another chain", record, []byte(other), `verify: wrong chain: certificate is of chain "govchain-dev", trust root of "other-1"`},
		{"not a certificate", []byte("hello"), trust, "verify: malformed certificate"},
		{"no trust", record, []byte("{}"), "trust root: verify: malformed certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := Check(tc.cert, tc.trust, nil)
			require.False(t, rep.Verified)
			require.True(t, strings.HasPrefix(rep.Error, tc.want), "error %q does not start with %q", rep.Error, tc.want)
			require.Empty(t, rep.Signers, "no signer is named unless verified")
			require.NotNil(t, rep.Entries)
		})
	}
	// A certificate that decodes but does not verify still says what it
	// claims, for the page to show as unverified.
	rep := Check(changed(t, record, `"area_m2": 1250`, `"area_m2": 1251`), trust, nil)
	require.Equal(t, "/land/parcel/BE-21004-0117", rep.Path)
	require.Len(t, rep.Entries, 1)
	require.Contains(t, string(rep.Entries[0].Value), `"area_m2":1251`)
}

// A proof op changed in one byte (a base64 digit of its data) is refused.
func TestCheckRefusesAChangedProof(t *testing.T) {
	cert, err := tamper.Proof(readTestdata(t, "record.json"))
	require.NoError(t, err)
	rep := Check(cert, readTestdata(t, "genesis.json"), nil)
	require.False(t, rep.Verified)
	require.Contains(t, rep.Error, "verify: proof mismatch")
}

func TestAgencyListBindsItsEntries(t *testing.T) {
	rep := Check(readTestdata(t, "agencies.json"), readTestdata(t, "genesis.json"), nil)
	require.True(t, rep.Verified, rep.Error)
	entries := make([]verify.ProvenEntry, 0, len(rep.Entries))
	for _, e := range rep.Entries {
		k, err := hex.DecodeString(e.Key)
		require.NoError(t, err)
		entries = append(entries, verify.ProvenEntry{Key: k, Value: e.Value})
	}
	list, err := agenciesOf(entries)
	require.NoError(t, err)
	require.Len(t, list, 4)

	// One agency fewer than the set names, or one record that is not an
	// agency of the set, or an agency record under another agency's key:
	// each is refused, so no key is ever named by a record that is not
	// the agency's own.
	_, err = agenciesOf(entries[:len(entries)-1])
	require.ErrorContains(t, err, "the set names 4 agencies, the certificate carries 3")
	swapped := slices.Clone(entries)
	swapped[1] = verify.ProvenEntry{Key: []byte{0x10, 0x01, 1, 'X'}, Value: entries[1].Value}
	_, err = agenciesOf(swapped)
	require.ErrorContains(t, err, "is not the record of an agency of the set")
	swapped = slices.Clone(entries)
	swapped[1].Value, swapped[2].Value = entries[2].Value, entries[1].Value
	_, err = agenciesOf(swapped)
	require.ErrorContains(t, err, "does not decode as that agency")
	_, err = agenciesOf(nil)
	require.Error(t, err)
}

func TestTrust(t *testing.T) {
	sum := Trust(readTestdata(t, "genesis.json"))
	require.Empty(t, sum.Error)
	require.Equal(t, "govchain-dev", sum.ChainID)
	require.Len(t, sum.Validators, 1)
	require.Equal(t, int64(10), sum.Validators[0].Power)
	require.Len(t, sum.Validators[0].Address, 40)
	// The pinned form is a trust file that reads back to the same root,
	// and verifies the same certificates.
	again := Trust(sum.File)
	require.Empty(t, again.Error)
	require.Equal(t, sum.Validators, again.Validators)
	require.True(t, Check(readTestdata(t, "record.json"), sum.File, nil).Verified)

	bad := Trust([]byte(`{"chain_id":"x","validators":[]}`))
	require.NotEmpty(t, bad.Error)
	require.Empty(t, bad.ChainID)
	require.NotEmpty(t, Trust([]byte("not json")).Error)
}

func TestPathKey(t *testing.T) {
	require.Equal(t, "10010d42452d32313030342d30313137", PathKey("/land/parcel/BE-21004-0117"))
	require.Equal(t, "1006080000000000000009", PathKey("/land/lien/9"))
	require.Empty(t, PathKey("/land/nothing"))
	require.Empty(t, PathKey("/land/lien/x"))
}
