package verify

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmtypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"
)

// The certificates in testdata/ were exported with `govchain certificate
// export` from a single-validator development chain (chain id cert-dev-1)
// whose genesis.json is testdata/genesis.json: a parcel P-1 at state 7, its
// history (the parcel and two entries) at state 8, and the absence of lien
// 1 at state 9.
var testCerts = []string{"record.json", "history.json", "absence.json"}

// testKeys is the key layout of the testdata paths, as govchain's
// app.PathKey computes it (this package may not import app).
var testKeys = map[string]string{
	"/land/parcel/P-1":         "100103502d31",
	"/land/parcel/P-1/history": "100103502d31",
	"/land/lien/1":             "1006080000000000000001",
}

func testPathKey(path string) ([]byte, bool) {
	k, ok := testKeys[path]
	if !ok {
		return nil, false
	}
	b, err := hex.DecodeString(k)
	return b, err == nil
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	require.NoError(t, err)
	return b
}

func testTrust(t testing.TB) *Trust {
	t.Helper()
	tr, err := ParseTrust(readTestdata(t, "genesis.json"))
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
	trust := testTrust(t)
	want := map[string]struct {
		kind    Kind
		height  int64
		entries int
	}{
		"record.json":  {KindRecord, 7, 1},
		"history.json": {KindHistory, 8, 3},
		"absence.json": {KindAbsence, 9, 0},
	}
	for _, name := range testCerts {
		t.Run(name, func(t *testing.T) {
			data := readTestdata(t, name)
			res, err := VerifyBytes(data, trust, testPathKey)
			require.NoError(t, err)
			w := want[name]
			require.Equal(t, w.kind, res.Kind)
			require.Equal(t, w.height, res.Height)
			require.Equal(t, w.height+1, res.HeaderHeight)
			require.Len(t, res.Entries, w.entries)
			require.Equal(t, "cert-dev-1", res.ChainID)
			require.Regexp(t, `^VERIFIED height \d+ time \S+ app hash [0-9A-F]{64}$`, res.String())

			// The file is the canonical encoding: decode and encode again
			// gives the same bytes.
			c, err := Decode(data)
			require.NoError(t, err)
			re, err := Encode(c)
			require.NoError(t, err)
			require.Equal(t, string(data), string(re))
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
	_, err = VerifyBytes(readTestdata(t, "record.json"), got, testPathKey)
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
		keys  PathKeyFunc
		want  error
	}{
		{"wrong chain in trust root", record(), &Trust{ChainID: "other-1", Validators: trust.Validators}, testPathKey, ErrChainID},
		{"wrong chain in certificate", func() *Certificate { c := record(); c.ChainID = "other-1"; return c }(), trust, testPathKey, ErrChainID},
		{"unknown validator set", record(), &Trust{ChainID: trust.ChainID, Validators: otherSet(t, 1)}, testPathKey, ErrValidatorSet},
		{"block validators not the trusted set", func() *Certificate {
			c := record()
			c.Block.Validators = Validators(otherSet(t, 1))
			return c
		}(), trust, testPathKey, ErrValidatorSet},
		{"forked header: commit for another block id", withHeader(record(), func(h *cmtypes.Header) { h.AppHash = bytes.Repeat([]byte{1}, 32) }), trust, testPathKey, ErrHeader},
		{"stale header: header of another height", func() *Certificate {
			c := record()
			c.Block = history().Block // header 9, validly signed
			return c
		}(), trust, testPathKey, ErrHeader},
		{"proof of H checked against header H", func() *Certificate {
			c := history() // state 8
			c.Block = record().Block
			return c
		}(), trust, testPathKey, ErrHeader},
		{"proof of H checked against header H, heights relabelled", func() *Certificate {
			c := history() // proofs of state 8
			c.Block = record().Block
			c.Height = 7 // header 8 is the root of state 7, not 8
			return c
		}(), trust, testPathKey, ErrProof},
		{"block summary differs from the header", func() *Certificate { c := record(); c.Block.Height++; return c }(), trust, testPathKey, ErrHeader},
		{"unknown proof op type", func() *Certificate { c := record(); c.ProofOps[0].Type = "ics23:simple"; return c }(), trust, testPathKey, ErrProof},
		{"extra proof op", func() *Certificate { c := record(); c.ProofOps = append(c.ProofOps, c.ProofOps[0]); return c }(), trust, testPathKey, ErrProof},
		{"missing proof op", func() *Certificate { c := history(); c.ProofOps = c.ProofOps[:2]; return c }(), trust, testPathKey, ErrProof},
		{"proof ops out of order", func() *Certificate {
			c := history()
			c.ProofOps[1], c.ProofOps[2] = c.ProofOps[2], c.ProofOps[1]
			return c
		}(), trust, testPathKey, ErrProof},
		{"entry dropped with its proof (anchor kept)", func() *Certificate {
			c := history()
			c.Entries, c.ProofOps = c.Entries[:2], c.ProofOps[:2]
			return c
		}(), trust, testPathKey, nil}, // completeness is the reader's check (see doc.go)
		{"value changed", func() *Certificate {
			c := record()
			c.Entries[0].Value = bytes.Replace(c.Entries[0].Value, []byte("1200"), []byte("1300"), 1)
			return c
		}(), trust, testPathKey, ErrProof},
		{"path names another key", func() *Certificate { c := record(); c.Path = "/land/lien/1"; return c }(), trust, testPathKey, ErrKey},
		{"path unknown to the verifier", func() *Certificate { c := record(); c.Path = "/land/parcel/P-2"; return c }(), trust, testPathKey, ErrKey},
		{"fixed key mismatch", record(), trust, FixedKey([]byte("other")), ErrKey},
		{"record kind for a history path", func() *Certificate { c := record(); c.Path = "/land/parcel/P-1/history"; return c }(), trust, testPathKey, ErrKey},
		{"history kind on a record path", func() *Certificate { c := history(); c.Path = "/land/parcel/P-1"; c.Kind = KindList; return c }(), trust, testPathKey, nil},
		{"absence relabelled as a record", func() *Certificate { c := absence(); c.Kind = KindRecord; return c }(), trust, testPathKey, ErrKey},
		{"existence proof relabelled as absence", func() *Certificate {
			c := record()
			c.Kind, c.Entries = KindAbsence, []Entry{}
			return c
		}(), trust, testPathKey, ErrProof},
		{"absence of another key", func() *Certificate {
			c := absence()
			c.Key = HexBytes{0x10, 0x06, 0x08, 0, 0, 0, 0, 0, 0, 0, 2}
			return c
		}(), trust, func(string) ([]byte, bool) { return []byte{0x10, 0x06, 0x08, 0, 0, 0, 0, 0, 0, 0, 2}, true }, ErrProof},
		{"unknown kind", func() *Certificate { c := record(); c.Kind = "deed"; return c }(), trust, testPathKey, ErrFormat},
		{"state version 0", func() *Certificate { c := record(); c.Height = 0; return c }(), trust, testPathKey, ErrHeader},
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
	res, err := VerifyBytes(reencode(t, ok), trust, testPathKey)
	require.NoError(t, err)
	require.Equal(t, h.AppHash.Bytes(), res.AppHash)

	// Without the change, v1 is not a set the verifier trusts.
	noChain := build(someOf(v0, k0, 3), someOf(v1, k1, 3), v1)
	noChain.ValidatorChanges = []ValidatorChange{}
	_, err = Verify(noChain, trust, testPathKey)
	require.ErrorIs(t, err, ErrValidatorSet)

	// 2 of 4 is not more than 2/3 of v0's power.
	_, err = Verify(build(someOf(v0, k0, 2), someOf(v1, k1, 3), v1), trust, testPathKey)
	require.ErrorIs(t, err, ErrCommit)

	// 2 of 3 is not more than 2/3 of v1's power.
	_, err = Verify(build(someOf(v0, k0, 3), someOf(v1, k1, 2), v1), trust, testPathKey)
	require.ErrorIs(t, err, ErrCommit)

	// The change names a set, the certificate lists another.
	bad := build(someOf(v0, k0, 3), someOf(v1, k1, 3), v1)
	bad.ValidatorChanges[0].NextValidators = Validators(otherSet(t, 3))
	_, err = Verify(bad, trust, testPathKey)
	require.ErrorIs(t, err, ErrValidatorSet)

	// A change header signed by keys outside the trusted set.
	forged := build(someOf(v0, k0, 3), someOf(v1, k1, 3), v1)
	other, ko := newSet(t, 4)
	ch := signHeader(t, change, other, v1, someOf(other, ko, 4))
	forged.ValidatorChanges[0].SignedHeader = mustProto(t, ch)
	_, err = Verify(forged, trust, testPathKey)
	require.ErrorIs(t, err, ErrValidatorSet)

	// A change at or after header H+1 is refused.
	late := build(someOf(v0, k0, 3), someOf(v1, k1, 3), v1)
	lateHeader := change
	lateHeader.Height = h.Height
	late.ValidatorChanges[0].SignedHeader = mustProto(t, signHeader(t, lateHeader, v0, v1, someOf(v0, k0, 4)))
	_, err = Verify(late, trust, testPathKey)
	require.ErrorIs(t, err, ErrHeader)

	// A commit from another chain id.
	wrongChain := build(someOf(v0, k0, 3), someOf(v1, k1, 3), v1)
	hc := h
	hc.ChainID = "other-1"
	wrongChain.Block.SignedHeader = mustProto(t, signHeader(t, hc, v1, v1, someOf(v1, k1, 3)))
	_, err = Verify(wrongChain, trust, testPathKey)
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
	_, err := Verify(c, trust, testPathKey)
	require.ErrorIs(t, err, ErrProof)
	require.ErrorContains(t, err, "verify: proof mismatch: the proof of key 100103502d31 (entry 0) at state 7 does not lead to the app hash "+
		appHash+" signed in header 8: ")

	c = decodeTestCert(t, "absence.json")
	c.ProofOps[0].Data[len(c.ProofOps[0].Data)-5] ^= 1
	_, err = Verify(c, trust, testPathKey)
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
	_, err = Verify(c, trust, testPathKey)
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
	_, err = Verify(c, trust, testPathKey)
	require.ErrorIs(t, err, ErrCommit)
	require.NotErrorIs(t, err, ErrProof)
}
