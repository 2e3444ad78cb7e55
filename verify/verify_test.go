package verify

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmtypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"
)

// The certificates in testdata/ were exported with `govchain certificate
// export` from single-validator development chains, each verified against
// the genesis.json of its directory:
//
//   - testdata/ (chain cert-dev-1): a parcel P-1 at state 7, its history
//     (the parcel and two entries) at state 8, and the absence of lien 1
//     at state 9;
//   - testdata/complete/ (chain cert-dev-2), all at state 21 (header 22):
//     complete.json, the complete history of parcel P-1 (registered, sale
//     proposed, lien, sale accepted: four entries, and entry 4 absent;
//     `export /land/parcel/P-1/history --complete`), other.json, the
//     complete history of parcel P-2 (one entry), and next.json, the
//     absence of entry 5 of P-1's history (`export
//     /store/100203502d31080000000000000005`).
var testCerts = []string{"record.json", "history.json", "absence.json",
	"complete/complete.json", "complete/other.json", "complete/next.json"}

// testPathKeys is the key layout of the testdata paths, as govchain's
// app.PathKey computes it (this package may not import app; the command
// line's tests verify these files with app's own functions).
var testPathKeys = map[string]string{
	"/land/parcel/P-1":                      "100103502d31",
	"/land/parcel/P-1/history":              "100103502d31",
	"/land/parcel/P-2/history":              "100103502d32",
	"/land/lien/1":                          "1006080000000000000001",
	"/store/100203502d31080000000000000005": "100203502d31080000000000000005",
}

func testPathKey(path string) ([]byte, bool) {
	k, ok := testPathKeys[path]
	if !ok {
		return nil, false
	}
	b, err := hex.DecodeString(k)
	return b, err == nil
}

// testEntryKey is app.EntryKey for the parcel histories of the testdata:
// entry seq of /land/parcel/{id}/history is under 0x10 0x02, then the id
// and seq as length-prefixed parts.
func testEntryKey(path string, seq uint64) ([]byte, bool) {
	id, ok := strings.CutPrefix(path, "/land/parcel/")
	if !ok {
		return nil, false
	}
	if id, ok = strings.CutSuffix(id, "/history"); !ok || id == "" || strings.Contains(id, "/") {
		return nil, false
	}
	k := append([]byte{0x10, 0x02, byte(len(id))}, id...)
	return binary.BigEndian.AppendUint64(append(k, 8), seq), true
}

// testCount is app.EntryCount for the parcel histories: the anchor's
// history_count.
func testCount(path string, anchor []byte) (uint64, bool) {
	if _, ok := testEntryKey(path, 0); !ok {
		return 0, false
	}
	var a struct {
		HistoryCount *uint64 `json:"history_count"`
	}
	if json.Unmarshal(anchor, &a) != nil || a.HistoryCount == nil {
		return 0, false
	}
	return *a.HistoryCount, true
}

// testKeys binds the testdata's keys as govchain's command line does.
var testKeys = Keys{Path: testPathKey, Entry: testEntryKey, Count: testCount}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

// testTrust is the trust root of the certificates in testdata/.
func testTrust(t testing.TB) *Trust { return trustOf(t, "record.json") }

// trustOf is the trust root of the testdata certificate name: the
// genesis.json beside it.
func trustOf(t testing.TB, name string) *Trust {
	t.Helper()
	tr, err := ParseTrust(readTestdata(t, filepath.Join(filepath.Dir(name), "genesis.json")))
	require.NoError(t, err)
	return tr
}

func decodeTestCert(t testing.TB, name string) *Certificate {
	t.Helper()
	c, err := Decode(readTestdata(t, name))
	require.NoError(t, err)
	return c
}

func TestVerifyRealCertificates(t *testing.T) {
	want := map[string]struct {
		kind    Kind
		chain   string
		height  int64
		entries int
		count   uint64 // complete only
		absent  string // complete only
	}{
		"record.json":            {KindRecord, "cert-dev-1", 7, 1, 0, ""},
		"history.json":           {KindHistory, "cert-dev-1", 8, 3, 0, ""},
		"absence.json":           {KindAbsence, "cert-dev-1", 9, 0, 0, ""},
		"complete/complete.json": {KindComplete, "cert-dev-2", 21, 5, 4, "100203502d31080000000000000004"},
		"complete/other.json":    {KindComplete, "cert-dev-2", 21, 2, 1, "100203502d32080000000000000001"},
		"complete/next.json":     {KindAbsence, "cert-dev-2", 21, 0, 0, ""},
	}
	require.Len(t, want, len(testCerts))
	for _, name := range testCerts {
		t.Run(name, func(t *testing.T) {
			data := readTestdata(t, name)
			res, err := VerifyBytes(data, trustOf(t, name), testKeys)
			require.NoError(t, err)
			w := want[name]
			require.Equal(t, w.kind, res.Kind)
			require.Equal(t, w.height, res.Height)
			require.Equal(t, w.height+1, res.HeaderHeight)
			require.Len(t, res.Entries, w.entries)
			require.Equal(t, w.chain, res.ChainID)
			require.Equal(t, w.count, res.Count)
			require.Equal(t, w.absent, hex.EncodeToString(res.Absent))
			require.Regexp(t, `^VERIFIED height \d+ time \S+ app hash [0-9A-F]{64}$`, res.String())

			// The file is the canonical encoding: decode and encode again
			// gives the same bytes.
			c, err := Decode(data)
			require.NoError(t, err)
			re, err := Encode(c)
			require.NoError(t, err)
			require.Equal(t, string(data), string(re))
			// Only a complete certificate names an absent key.
			require.Equal(t, w.kind == KindComplete, bytes.Contains(data, []byte(`"absent"`)))
		})
	}
}

func TestTrustFile(t *testing.T) {
	trust := testTrust(t)
	tf := TrustFileOf(trust)
	var buf bytes.Buffer
	require.NoError(t, jsonEncode(&buf, tf))
	got, err := ParseTrust(buf.Bytes())
	require.NoError(t, err)
	require.Equal(t, trust.ChainID, got.ChainID)
	require.Equal(t, trust.Validators.Hash(), got.Validators.Hash())
	_, err = VerifyBytes(readTestdata(t, "record.json"), got, testKeys)
	require.NoError(t, err)

	_, err = ParseTrust([]byte(`{"chain_id":"x","validators":[]}`))
	require.ErrorIs(t, err, ErrFormat)
	_, err = ParseTrust([]byte(`{"chain_id":"x","validators":[{"pub_key":"AAAA","power":1}]}`))
	require.ErrorIs(t, err, ErrFormat)
	_, err = ParseTrust([]byte(`not json`))
	require.ErrorIs(t, err, ErrFormat)
}

// reencode returns c's canonical encoding.
func reencode(t testing.TB, c *Certificate) []byte {
	t.Helper()
	b, err := Encode(c)
	require.NoError(t, err)
	return b
}

func TestRefusals(t *testing.T) {
	trust := testTrust(t)
	record := func() *Certificate { return decodeTestCert(t, "record.json") }
	history := func() *Certificate { return decodeTestCert(t, "history.json") }
	absence := func() *Certificate { return decodeTestCert(t, "absence.json") }

	// withHeader replaces the signed header's header (not its commit).
	withHeader := func(c *Certificate, edit func(h *cmtypes.Header)) *Certificate {
		var p cmtproto.SignedHeader
		require.NoError(t, p.Unmarshal(c.Block.SignedHeader))
		sh, err := cmtypes.SignedHeaderFromProto(&p)
		require.NoError(t, err)
		edit(sh.Header)
		c.Block.SignedHeader = mustProto(t, sh)
		return c
	}

	cases := []struct {
		name  string
		cert  *Certificate
		trust *Trust
		keys  Keys
		want  error
	}{
		{"wrong chain in trust root", record(), &Trust{ChainID: "other-1", Validators: trust.Validators}, testKeys, ErrChainID},
		{"wrong chain in certificate", func() *Certificate { c := record(); c.ChainID = "other-1"; return c }(), trust, testKeys, ErrChainID},
		{"unknown validator set", record(), &Trust{ChainID: trust.ChainID, Validators: otherSet(t, 1)}, testKeys, ErrValidatorSet},
		{"block validators not the trusted set", func() *Certificate {
			c := record()
			c.Block.Validators = Validators(otherSet(t, 1))
			return c
		}(), trust, testKeys, ErrValidatorSet},
		{"forked header: commit for another block id", withHeader(record(), func(h *cmtypes.Header) { h.AppHash = bytes.Repeat([]byte{1}, 32) }), trust, testKeys, ErrHeader},
		{"stale header: header of another height", func() *Certificate {
			c := record()
			c.Block = history().Block // header 9, validly signed
			return c
		}(), trust, testKeys, ErrHeader},
		{"proof of H checked against header H", func() *Certificate {
			c := history() // state 8
			c.Block = record().Block
			return c
		}(), trust, testKeys, ErrHeader},
		{"proof of H checked against header H, heights relabelled", func() *Certificate {
			c := history() // proofs of state 8
			c.Block = record().Block
			c.Height = 7 // header 8 is the root of state 7, not 8
			return c
		}(), trust, testKeys, ErrProof},
		{"block summary differs from the header", func() *Certificate { c := record(); c.Block.Height++; return c }(), trust, testKeys, ErrHeader},
		{"unknown proof op type", func() *Certificate { c := record(); c.ProofOps[0].Type = "ics23:simple"; return c }(), trust, testKeys, ErrProof},
		{"extra proof op", func() *Certificate { c := record(); c.ProofOps = append(c.ProofOps, c.ProofOps[0]); return c }(), trust, testKeys, ErrProof},
		{"missing proof op", func() *Certificate { c := history(); c.ProofOps = c.ProofOps[:2]; return c }(), trust, testKeys, ErrProof},
		{"proof ops out of order", func() *Certificate {
			c := history()
			c.ProofOps[1], c.ProofOps[2] = c.ProofOps[2], c.ProofOps[1]
			return c
		}(), trust, testKeys, ErrProof},
		{"entry dropped with its proof (anchor kept)", func() *Certificate {
			c := history()
			c.Entries, c.ProofOps = c.Entries[:2], c.ProofOps[:2]
			return c
		}(), trust, testKeys, nil}, // a history need not be complete: a complete certificate proves that
		{"history entries swapped with their proofs", func() *Certificate {
			c := history()
			c.Entries[1], c.Entries[2] = c.Entries[2], c.Entries[1]
			c.ProofOps[1], c.ProofOps[2] = c.ProofOps[2], c.ProofOps[1]
			return c
		}(), trust, testKeys, ErrKey},
		{"history without an entry binding", history(), trust, Keys{Path: testPathKey}, ErrKey},
		{"value changed", func() *Certificate {
			c := record()
			c.Entries[0].Value = bytes.Replace(c.Entries[0].Value, []byte("1200"), []byte("1300"), 1)
			return c
		}(), trust, testKeys, ErrProof},
		{"path names another key", func() *Certificate { c := record(); c.Path = "/land/lien/1"; return c }(), trust, testKeys, ErrKey},
		{"path unknown to the verifier", func() *Certificate { c := record(); c.Path = "/land/parcel/P-2"; return c }(), trust, testKeys, ErrKey},
		{"fixed key mismatch", record(), trust, Keys{Path: FixedKey([]byte("other"))}, ErrKey},
		{"record kind for a history path", func() *Certificate { c := record(); c.Path = "/land/parcel/P-1/history"; return c }(), trust, testKeys, ErrKey},
		{"history kind on a record path", func() *Certificate { c := history(); c.Path = "/land/parcel/P-1"; c.Kind = KindList; return c }(), trust, testKeys, nil},
		{"absence relabelled as a record", func() *Certificate { c := absence(); c.Kind = KindRecord; return c }(), trust, testKeys, ErrKey},
		{"existence proof relabelled as absence", func() *Certificate {
			c := record()
			c.Kind, c.Entries = KindAbsence, []Entry{}
			return c
		}(), trust, testKeys, ErrProof},
		{"absence of another key", func() *Certificate {
			c := absence()
			c.Key = HexBytes{0x10, 0x06, 0x08, 0, 0, 0, 0, 0, 0, 0, 2}
			return c
		}(), trust, Keys{Path: FixedKey([]byte{0x10, 0x06, 0x08, 0, 0, 0, 0, 0, 0, 0, 2})}, ErrProof},
		{"unknown kind", func() *Certificate { c := record(); c.Kind = "deed"; return c }(), trust, testKeys, ErrFormat},
		{"state version 0", func() *Certificate { c := record(); c.Height = 0; return c }(), trust, testKeys, ErrHeader},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Verify(tc.cert, tc.trust, tc.keys)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
			// The same refusal through the file format.
			_, err = VerifyBytes(reencode(t, tc.cert), tc.trust, tc.keys)
			require.ErrorIs(t, err, tc.want)
		})
	}
}

// TestCompleteRefusals edits the real complete certificate of parcel P-1's
// history (four entries) with real proofs from the same state: P-2's
// complete history (other.json) and the absence of P-1's entry 5
// (next.json). Each edit that changes what is proven is refused; the
// refusal names the failed binding (ErrKey) where every proof still holds,
// and a proof (ErrProof) where none can.
func TestCompleteRefusals(t *testing.T) {
	trust := trustOf(t, "complete/complete.json")
	complete := func() *Certificate { return decodeTestCert(t, "complete/complete.json") }
	other := decodeTestCert(t, "complete/other.json")
	next := decodeTestCert(t, "complete/next.json")
	last := func(c *Certificate) int { return len(c.ProofOps) - 1 }
	// without removes entry i (0 is the anchor) and its proof.
	without := func(c *Certificate, i int) *Certificate {
		c.Entries = slices.Delete(c.Entries, i, i+1)
		c.ProofOps = slices.Delete(c.ProofOps, i, i+1)
		return c
	}
	// insert adds entry e with its proof op before entry i.
	insert := func(c *Certificate, i int, e Entry, op ProofOp) *Certificate {
		c.Entries = slices.Insert(c.Entries, i, e)
		c.ProofOps = slices.Insert(c.ProofOps, i, op)
		return c
	}
	count := func(n uint64, ok bool) Keys {
		k := testKeys
		k.Count = func(string, []byte) (uint64, bool) { return n, ok }
		return k
	}
	// listKeys binds P-1's history as if it were the list /x/list.
	listKeys := Keys{Path: FixedKey(complete().Key), Entry: func(path string, seq uint64) ([]byte, bool) {
		if path != "/x/list" {
			return nil, false
		}
		return testEntryKey("/land/parcel/P-1/history", seq)
	}}
	asList := func(c *Certificate) *Certificate {
		c.Kind, c.Path, c.Absent, c.ProofOps = KindList, "/x/list", nil, c.ProofOps[:last(c)]
		return c
	}

	cases := []struct {
		name string
		cert *Certificate
		keys Keys
		want error
	}{
		{"the real certificate", complete(), testKeys, nil},
		{"relabelled as a history (absent key and its proof dropped)", func() *Certificate {
			c := complete()
			c.Kind, c.Absent, c.ProofOps = KindHistory, nil, c.ProofOps[:last(c)]
			return c
		}(), testKeys, nil},
		{"a numbered list's entries are bound in a list certificate too", asList(complete()), listKeys, nil},
		{"list entries swapped", func() *Certificate {
			c := asList(complete())
			c.Entries[1], c.Entries[2] = c.Entries[2], c.Entries[1]
			c.ProofOps[1], c.ProofOps[2] = c.ProofOps[2], c.ProofOps[1]
			return c
		}(), listKeys, ErrKey},

		{"an entry removed", without(complete(), 2), testKeys, ErrKey},
		{"the last entry removed", without(complete(), 4), testKeys, ErrKey},
		{"two entries swapped", func() *Certificate {
			c := complete()
			c.Entries[2], c.Entries[3] = c.Entries[3], c.Entries[2]
			c.ProofOps[2], c.ProofOps[3] = c.ProofOps[3], c.ProofOps[2]
			return c
		}(), testKeys, ErrKey},
		{"another record's entry added at the end", func() *Certificate {
			c := complete()
			return insert(c, len(c.Entries), other.Entries[1], other.ProofOps[1])
		}(), testKeys, ErrKey},
		{"another record's entry in place of one", func() *Certificate {
			c := complete()
			c.Entries[4], c.ProofOps[4] = other.Entries[1], other.ProofOps[1]
			return c
		}(), testKeys, ErrKey},
		{"the absent key of another list", func() *Certificate {
			c := complete()
			c.Absent, c.ProofOps[last(c)] = other.Absent, other.ProofOps[last(other)]
			return c
		}(), testKeys, ErrKey},
		{"the absent key changed to entry n+1, with its real absence proof", func() *Certificate {
			c := complete()
			c.Absent, c.ProofOps[last(c)] = next.Key, next.ProofOps[0]
			return c
		}(), testKeys, ErrKey},
		{"the absent key changed to entry n+1, with entry n's proof", func() *Certificate {
			c := complete()
			c.Absent = next.Key
			return c
		}(), testKeys, ErrProof},
		{"the absent key is an entry's", func() *Certificate {
			c := complete()
			c.Absent, c.ProofOps[last(c)] = c.Entries[4].Key, c.ProofOps[4]
			return c
		}(), testKeys, ErrProof},
		{"a count that disagrees", complete(), count(5, true), ErrKey},
		{"a count of one less", complete(), count(3, true), ErrKey},
		{"an anchor without a count", complete(), count(0, false), ErrKey},
		{"the anchor's history_count edited", func() *Certificate {
			c := complete()
			v := bytes.Replace(c.Entries[0].Value, []byte(`"history_count": 4`), []byte(`"history_count": 5`), 1)
			require.NotEqual(t, []byte(c.Entries[0].Value), v)
			c.Entries[0].Value = v
			return c
		}(), testKeys, ErrProof},
		{"the absence proof missing", func() *Certificate {
			c := complete()
			c.ProofOps = c.ProofOps[:last(c)]
			return c
		}(), testKeys, ErrProof},
		{"an existence proof in place of the absence proof", func() *Certificate {
			c := complete()
			c.ProofOps[last(c)] = c.ProofOps[4]
			return c
		}(), testKeys, ErrProof},
		{"no absent key", func() *Certificate {
			c := complete()
			c.Absent, c.ProofOps = nil, c.ProofOps[:last(c)]
			return c
		}(), testKeys, ErrKey},
		{"an absent key in a history certificate", func() *Certificate {
			c := complete()
			c.Kind = KindHistory
			return c
		}(), testKeys, ErrKey},
		{"a history relabelled complete", func() *Certificate {
			c := decodeTestCert(t, "complete/other.json")
			c.Kind, c.Absent, c.ProofOps = KindComplete, nil, c.ProofOps[:last(c)]
			return c
		}(), testKeys, ErrKey},
		{"the path of the record, not its history", func() *Certificate {
			c := complete()
			c.Path = "/land/parcel/P-1"
			return c
		}(), Keys{Path: FixedKey(complete().Key), Entry: testEntryKey, Count: testCount}, ErrKey},
		{"the path of another list", func() *Certificate {
			c := complete()
			c.Path = "/land/parcel/P-2/history"
			return c
		}(), testKeys, ErrKey},
		{"no entry binding", complete(), Keys{Path: testPathKey}, ErrKey},
		{"no count binding", complete(), Keys{Path: testPathKey, Entry: testEntryKey}, ErrKey},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Verify(tc.cert, trust, tc.keys)
			if tc.want == nil {
				require.NoError(t, err)
				require.Equal(t, tc.cert.Kind, res.Kind)
				if res.Kind == KindComplete {
					require.EqualValues(t, 4, res.Count)
					require.Equal(t, []byte(tc.cert.Absent), res.Absent)
				} else {
					require.Zero(t, res.Count)
					require.Nil(t, res.Absent)
				}
				return
			}
			require.ErrorIs(t, err, tc.want)
			// The same refusal through the file format.
			_, err = VerifyBytes(reencode(t, tc.cert), trust, tc.keys)
			require.ErrorIs(t, err, tc.want)
		})
	}
}

// TestCompleteEmpty verifies the complete certificate of a list without
// an anchor, built from two real absence proofs of the same state (the
// absence of P-1's history entries 4 and 5: the last proof of
// complete.json, and next.json), bound as the anchor and entry 0 of a list
// /x/empty: it counts 0 and carries no entry. Each edit that changes what
// is proven is refused.
func TestCompleteEmpty(t *testing.T) {
	trust := trustOf(t, "complete/complete.json")
	complete := decodeTestCert(t, "complete/complete.json")
	next := decodeTestCert(t, "complete/next.json")
	anchorOp, entryOp := complete.ProofOps[len(complete.ProofOps)-1], next.ProofOps[0]
	anchor, entry0 := []byte(complete.Absent), []byte(next.Key)
	// entryKey binds entry seq of /x/empty after entry0, in P-1's history.
	entryKey := func(path string, seq uint64) ([]byte, bool) {
		if path != "/x/empty" {
			return nil, false
		}
		return testEntryKey("/land/parcel/P-1/history", 5+seq)
	}
	keys := Keys{Path: FixedKey(anchor), Entry: entryKey, Count: func(string, []byte) (uint64, bool) { return 0, true }}
	empty := func() *Certificate {
		c := decodeTestCert(t, "complete/next.json")
		c.Kind, c.Path, c.Key, c.Absent = KindComplete, "/x/empty", anchor, entry0
		c.ProofOps = []ProofOp{anchorOp, entryOp}
		return c
	}

	res, err := VerifyBytes(reencode(t, empty()), trust, keys)
	require.NoError(t, err)
	require.Equal(t, KindComplete, res.Kind)
	require.Zero(t, res.Count)
	require.Empty(t, res.Entries)
	require.Equal(t, anchor, res.Key)
	require.Equal(t, entry0, res.Absent)

	cases := []struct {
		name string
		cert *Certificate
		keys Keys
		want error
	}{
		{"the proofs swapped", func() *Certificate {
			c := empty()
			c.ProofOps[0], c.ProofOps[1] = c.ProofOps[1], c.ProofOps[0]
			return c
		}(), keys, ErrProof},
		{"no absence proof of entry 0", func() *Certificate {
			c := empty()
			c.ProofOps = c.ProofOps[:1]
			return c
		}(), keys, ErrProof},
		{"an existence proof in place of the anchor's absence", func() *Certificate {
			c := empty()
			c.Key, c.ProofOps[0] = complete.Key, complete.ProofOps[0]
			return c
		}(), Keys{Path: FixedKey(complete.Key), Entry: entryKey, Count: keys.Count}, ErrProof},
		{"the absent key is not entry 0", empty(), Keys{Path: FixedKey(anchor), Count: keys.Count,
			Entry: func(path string, seq uint64) ([]byte, bool) { return entryKey(path, seq+1) }}, ErrKey},
		{"the anchor's absence as entry 0's", func() *Certificate {
			c := empty()
			c.Absent, c.ProofOps[1] = anchor, anchorOp
			return c
		}(), Keys{Path: FixedKey(anchor), Entry: fixedEntry(anchor), Count: keys.Count}, ErrKey},
		{"the anchor is not the path's", empty(), Keys{Path: FixedKey(entry0), Entry: entryKey, Count: keys.Count}, ErrKey},
		{"no count binding", empty(), Keys{Path: keys.Path, Entry: entryKey}, ErrKey},
		{"relabelled as an absence", func() *Certificate {
			c := empty()
			c.Kind, c.Absent = KindAbsence, nil
			return c
		}(), keys, ErrProof},
		{"relabelled as a list", func() *Certificate {
			c := empty()
			c.Kind, c.Absent = KindList, nil
			return c
		}(), keys, ErrKey},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Verify(tc.cert, trust, tc.keys)
			require.ErrorIs(t, err, tc.want)
			_, err = VerifyBytes(reencode(t, tc.cert), trust, tc.keys)
			require.ErrorIs(t, err, tc.want)
		})
	}
}

// fixedEntry is an EntryKeyFunc that names key for every entry.
func fixedEntry(key []byte) EntryKeyFunc {
	return func(string, uint64) ([]byte, bool) { return key, true }
}

func TestDecodeRefusesNonCanonical(t *testing.T) {
	data := readTestdata(t, "record.json")
	for name, bad := range map[string][]byte{
		"unknown field":   bytes.Replace(data, []byte(`"kind"`), []byte(`"extra": 1, "kind"`), 1),
		"upper-case hex":  bytes.Replace(data, []byte(`"key": "100103502d31"`), []byte(`"key": "100103502D31"`), 1),
		"escaped letter":  bytes.Replace(data, []byte(`"path": "/land`), []byte(`"path": "/l\u0061nd`), 1),
		"other time form": timeWithOffset(t, data),
		"trailing data":   append(bytes.Clone(data), []byte(`{}`)...),
		"null entries":    bytes.Replace(readTestdata(t, "absence.json"), []byte(`"entries": []`), []byte(`"entries": null`), 1),
		"format version":  bytes.Replace(data, []byte(`certificate/1`), []byte(`certificate/2`), 1),
		"duplicate field": bytes.Replace(data, []byte(`"kind": "record",`), []byte(`"kind": "record", "kind": "record",`), 1),
	} {
		t.Run(name, func(t *testing.T) {
			require.NotEqual(t, data, bad)
			_, err := Decode(bad)
			require.ErrorIs(t, err, ErrFormat)
		})
	}
	// Whitespace between tokens is not part of the certificate.
	c, err := Decode(bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")))
	require.NoError(t, err)
	require.Equal(t, data, reencode(t, c))
}

// otherSet returns a validator set of n fresh keys.
func otherSet(t testing.TB, n int) *cmtypes.ValidatorSet {
	t.Helper()
	set, _ := newSet(t, n)
	return set
}

func newSet(t testing.TB, n int) (*cmtypes.ValidatorSet, map[string]ed25519.PrivKey) {
	t.Helper()
	keys := map[string]ed25519.PrivKey{}
	var vals []Validator
	for range n {
		k := ed25519.GenPrivKey()
		keys[string(k.PubKey().Address())] = k
		vals = append(vals, Validator{PubKey: k.PubKey().Bytes(), Power: 10})
	}
	list := make([]*cmtypes.Validator, 0, n)
	for _, v := range vals {
		list = append(list, cmtypes.NewValidator(ed25519.PubKey(v.PubKey), v.Power))
	}
	set, err := cmtypes.ValidatorSetFromExistingValidators(list)
	require.NoError(t, err)
	return set, keys
}

func mustProto(t testing.TB, sh *cmtypes.SignedHeader) []byte {
	t.Helper()
	b, err := sh.ToProto().Marshal()
	require.NoError(t, err)
	return b
}

// signHeader returns h (its validator hashes set from vals and next)
// committed by the validators of vals whose keys are in signers.
func signHeader(t testing.TB, h cmtypes.Header, vals, next *cmtypes.ValidatorSet, signers map[string]ed25519.PrivKey) *cmtypes.SignedHeader {
	t.Helper()
	h.ValidatorsHash = vals.Hash()
	h.NextValidatorsHash = next.Hash()
	blockID := cmtypes.BlockID{Hash: h.Hash(), PartSetHeader: cmtypes.PartSetHeader{Total: 1, Hash: bytes.Repeat([]byte{7}, 32)}}
	sigs := make([]cmtypes.CommitSig, vals.Size())
	for i, v := range vals.Validators {
		k, ok := signers[string(v.Address)]
		if !ok {
			sigs[i] = cmtypes.NewCommitSigAbsent()
			continue
		}
		vote := &cmtypes.Vote{Type: cmtproto.PrecommitType, Height: h.Height, BlockID: blockID, Timestamp: h.Time,
			ValidatorAddress: v.Address, ValidatorIndex: int32(i)}
		sig, err := k.Sign(cmtypes.VoteSignBytes(h.ChainID, vote.ToProto()))
		require.NoError(t, err)
		sigs[i] = cmtypes.CommitSig{BlockIDFlag: cmtypes.BlockIDFlagCommit, ValidatorAddress: v.Address, Timestamp: h.Time, Signature: sig}
	}
	return &cmtypes.SignedHeader{Header: &h, Commit: &cmtypes.Commit{Height: h.Height, BlockID: blockID, Signatures: sigs}}
}

func realHeader(t testing.TB, c *Certificate) cmtypes.Header {
	t.Helper()
	var p cmtproto.SignedHeader
	require.NoError(t, p.Unmarshal(c.Block.SignedHeader))
	sh, err := cmtypes.SignedHeaderFromProto(&p)
	require.NoError(t, err)
	return *sh.Header
}

// someOf returns the keys of the first n validators of set.
func someOf(set *cmtypes.ValidatorSet, keys map[string]ed25519.PrivKey, n int) map[string]ed25519.PrivKey {
	out := map[string]ed25519.PrivKey{}
	for _, v := range set.Validators[:n] {
		out[string(v.Address)] = keys[string(v.Address)]
	}
	return out
}

// TestValidatorChanges re-signs the real record certificate's header H+1
// (so its real proofs still verify) by synthetic validator sets: a trust
// root v0 of four validators hands over, at height 3, to a set v1 of three,
// which signs header H+1.
func TestValidatorChanges(t *testing.T) {
	c := decodeTestCert(t, "record.json")
	h := realHeader(t, c)
	v0, k0 := newSet(t, 4)
	v1, k1 := newSet(t, 3)
	trust := &Trust{ChainID: h.ChainID, Validators: v0}

	change := h
	change.Height, change.AppHash = 3, bytes.Repeat([]byte{3}, 32)
	build := func(changeSigners, blockSigners map[string]ed25519.PrivKey, next *cmtypes.ValidatorSet) *Certificate {
		c := decodeTestCert(t, "record.json")
		ch := signHeader(t, change, v0, next, changeSigners)
		c.ValidatorChanges = []ValidatorChange{{SignedHeader: mustProto(t, ch), NextValidators: Validators(next)}}
		b := signHeader(t, h, v1, v1, blockSigners)
		c.Block.SignedHeader = mustProto(t, b)
		c.Block.Validators = Validators(v1)
		return c
	}

	ok := build(someOf(v0, k0, 3), someOf(v1, k1, 3), v1)
	res, err := VerifyBytes(reencode(t, ok), trust, testKeys)
	require.NoError(t, err)
	require.Equal(t, h.AppHash.Bytes(), res.AppHash)

	// Without the change, v1 is not a set the verifier trusts.
	noChain := build(someOf(v0, k0, 3), someOf(v1, k1, 3), v1)
	noChain.ValidatorChanges = []ValidatorChange{}
	_, err = Verify(noChain, trust, testKeys)
	require.ErrorIs(t, err, ErrValidatorSet)

	// 2 of 4 is not more than 2/3 of v0's power.
	_, err = Verify(build(someOf(v0, k0, 2), someOf(v1, k1, 3), v1), trust, testKeys)
	require.ErrorIs(t, err, ErrCommit)

	// 2 of 3 is not more than 2/3 of v1's power.
	_, err = Verify(build(someOf(v0, k0, 3), someOf(v1, k1, 2), v1), trust, testKeys)
	require.ErrorIs(t, err, ErrCommit)

	// The change names a set, the certificate lists another.
	bad := build(someOf(v0, k0, 3), someOf(v1, k1, 3), v1)
	bad.ValidatorChanges[0].NextValidators = Validators(otherSet(t, 3))
	_, err = Verify(bad, trust, testKeys)
	require.ErrorIs(t, err, ErrValidatorSet)

	// A change header signed by keys outside the trusted set.
	forged := build(someOf(v0, k0, 3), someOf(v1, k1, 3), v1)
	other, ko := newSet(t, 4)
	ch := signHeader(t, change, other, v1, someOf(other, ko, 4))
	forged.ValidatorChanges[0].SignedHeader = mustProto(t, ch)
	_, err = Verify(forged, trust, testKeys)
	require.ErrorIs(t, err, ErrValidatorSet)

	// A change at or after header H+1 is refused.
	late := build(someOf(v0, k0, 3), someOf(v1, k1, 3), v1)
	lateHeader := change
	lateHeader.Height = h.Height
	late.ValidatorChanges[0].SignedHeader = mustProto(t, signHeader(t, lateHeader, v0, v1, someOf(v0, k0, 4)))
	_, err = Verify(late, trust, testKeys)
	require.ErrorIs(t, err, ErrHeader)

	// A commit from another chain id.
	wrongChain := build(someOf(v0, k0, 3), someOf(v1, k1, 3), v1)
	hc := h
	hc.ChainID = "other-1"
	wrongChain.Block.SignedHeader = mustProto(t, signHeader(t, hc, v1, v1, someOf(v1, k1, 3)))
	_, err = Verify(wrongChain, trust, testKeys)
	require.ErrorIs(t, err, ErrChainID)
}

func jsonEncode(w *bytes.Buffer, v any) error {
	return json.NewEncoder(w).Encode(v)
}

// timeWithOffset writes the block time of a certificate as +00:00 rather
// than Z: the same instant, another encoding.
func timeWithOffset(t *testing.T, data []byte) []byte {
	t.Helper()
	i := bytes.Index(data, []byte(`"time": "`))
	require.Positive(t, i)
	j := i + bytes.Index(data[i:], []byte(`Z"`))
	return append(append(bytes.Clone(data[:j]), []byte(`+00:00`)...), data[j+1:]...)
}

// TestTrustGenesisOrder: a genesis may list its validators in any order
// (testnet init writes them in node order); ParseTrust takes them in the
// set's order, so every order gives the same trusted set.
func TestTrustGenesisOrder(t *testing.T) {
	var vals []cmtypes.GenesisValidator
	for i := 0; i < 4; i++ {
		pk := ed25519.GenPrivKeyFromSecret([]byte{byte(i)}).PubKey()
		vals = append(vals, cmtypes.GenesisValidator{Address: pk.Address(), PubKey: pk, Power: 10})
	}
	var want []byte
	for rot := 0; rot < 4; rot++ {
		for _, rev := range []bool{false, true} {
			order := append(append([]cmtypes.GenesisValidator{}, vals[rot:]...), vals[:rot]...)
			if rev {
				slices.Reverse(order)
			}
			doc := cmtypes.GenesisDoc{ChainID: "order-test", GenesisTime: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Validators: order}
			require.NoError(t, doc.ValidateAndComplete())
			b, err := cmtjson.Marshal(doc)
			require.NoError(t, err)
			tr, err := ParseTrust(b)
			require.NoError(t, err, "rotation %d reversed %v", rot, rev)
			if want == nil {
				want = tr.Validators.Hash()
			}
			require.Equal(t, want, tr.Validators.Hash(), "rotation %d reversed %v", rot, rev)
		}
	}
}

// TestRefusalReasons: the error names what failed, with the key, the
// state version and the header: a header whose commit signs another block,
// a proof that does not lead to the app hash the validators signed; and a
// proof is not blamed while its header's signatures do not hold.
func TestRefusalReasons(t *testing.T) {
	trust := testTrust(t)
	record := decodeTestCert(t, "record.json")
	appHash := fmt.Sprintf("%X", []byte(record.Block.AppHash))

	// One byte of the proof, inside a hash near its end.
	c := decodeTestCert(t, "record.json")
	c.ProofOps[0].Data[len(c.ProofOps[0].Data)-5] ^= 1
	_, err := Verify(c, trust, testKeys)
	require.ErrorIs(t, err, ErrProof)
	require.ErrorContains(t, err, "verify: proof mismatch: the proof of key 100103502d31 (entry 0) at state 7 does not lead to the app hash "+
		appHash+" signed in header 8: ")

	c = decodeTestCert(t, "absence.json")
	c.ProofOps[0].Data[len(c.ProofOps[0].Data)-5] ^= 1
	_, err = Verify(c, trust, testKeys)
	require.ErrorIs(t, err, ErrProof)
	require.ErrorContains(t, err, fmt.Sprintf("the absence proof of key 1006080000000000000001 at state 9 does not lead to the app hash %X signed in header 10: ",
		[]byte(c.Block.AppHash)))

	// One byte of the header's app hash: not the header that was signed.
	c = decodeTestCert(t, "record.json")
	var p cmtproto.SignedHeader
	require.NoError(t, p.Unmarshal(c.Block.SignedHeader))
	p.Header.AppHash[0] ^= 1
	c.Block.SignedHeader, err = p.Marshal()
	require.NoError(t, err)
	_, err = Verify(c, trust, testKeys)
	require.ErrorIs(t, err, ErrHeader)
	require.ErrorContains(t, err, fmt.Sprintf("verify: wrong header: header 8 (app hash %X) is not the header the validators signed: it hashes to ", p.Header.AppHash))

	// A damaged proof under a header whose signature is damaged too: the
	// signature is what is reported.
	c = decodeTestCert(t, "record.json")
	c.ProofOps[0].Data[len(c.ProofOps[0].Data)-5] ^= 1
	var q cmtproto.SignedHeader
	require.NoError(t, q.Unmarshal(c.Block.SignedHeader))
	q.Commit.Signatures[0].Signature[0] ^= 1
	c.Block.SignedHeader, err = q.Marshal()
	require.NoError(t, err)
	_, err = Verify(c, trust, testKeys)
	require.ErrorIs(t, err, ErrCommit)
	require.NotErrorIs(t, err, ErrProof)
}
