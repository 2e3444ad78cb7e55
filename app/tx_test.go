package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
)

func testKey(seed string) ed25519.PrivKey { return ed25519.GenPrivKeyFromSecret([]byte(seed)) }

func grantMsg() *agency.GrantRole {
	return &agency.GrantRole{Account: core.AddressOf(testKey("bob").PubKey().(ed25519.PubKey)), Role: core.RoleNotary}
}

// resign replaces the signature of an envelope after a mutation, so that the
// test reaches the check it aims at.
func resign(t *testing.T, key ed25519.PrivKey, tx *Tx) []byte {
	t.Helper()
	sig, err := key.Sign(tx.SignBytes())
	require.NoError(t, err)
	tx.Signature = sig
	b, err := json.Marshal(tx)
	require.NoError(t, err)
	return b
}

func TestDecodeAndVerify(t *testing.T) {
	key := testKey("alice")
	good, err := NewTx("c1", key, 7, grantMsg())
	require.NoError(t, err)

	parse := func(b []byte) *Tx {
		var tx Tx
		require.NoError(t, json.Unmarshal(b, &tx))
		return &tx
	}

	cases := []struct {
		name    string
		raw     func() []byte
		chainID string
		want    error
	}{
		{"valid", func() []byte { return good }, "c1", nil},
		{"too large", func() []byte { return bytes.Repeat([]byte{' '}, DefaultMaxTxBytes+1) }, "c1", core.ErrTxTooLarge},
		{"not json", func() []byte { return []byte("hello") }, "c1", core.ErrMalformedTx},
		{"trailing data", func() []byte { return append(append([]byte{}, good...), []byte(" {}")...) }, "c1", core.ErrMalformedTx},
		{"unknown envelope field", func() []byte {
			return bytes.Replace(good, []byte(`{"chain_id"`), []byte(`{"extra":1,"chain_id"`), 1)
		}, "c1", core.ErrMalformedTx},
		{"unknown body field", func() []byte {
			tx := parse(good)
			tx.Msg.Body = json.RawMessage(`{"account":"` + grantMsg().Account.String() + `","role":"notary","x":1}`)
			return resign(t, key, tx)
		}, "c1", core.ErrMalformedTx},
		{"whitespace", func() []byte { return bytes.Replace(good, []byte(`,"sequence"`), []byte(`, "sequence"`), 1) }, "c1", core.ErrNonCanonical},
		{"field order in body", func() []byte {
			tx := parse(good)
			tx.Msg.Body = json.RawMessage(`{"role":"notary","account":"` + grantMsg().Account.String() + `"}`)
			return resign(t, key, tx)
		}, "c1", core.ErrNonCanonical},
		{"upper-case hex", func() []byte {
			tx := parse(good)
			s := strings.Replace(string(good), tx.Signer.String(), strings.ToUpper(tx.Signer.String()), 1)
			return []byte(s)
		}, "c1", core.ErrMalformedTx},
		{"short signer", func() []byte {
			tx := parse(good)
			tx.Signer = tx.Signer[:31]
			b, _ := json.Marshal(tx)
			return b
		}, "c1", core.ErrMalformedTx},
		{"unknown type", func() []byte {
			tx := parse(good)
			tx.Msg.Type = "land/steal_parcel"
			return resign(t, key, tx)
		}, "c1", core.ErrUnknownMsgType},
		{"invalid message", func() []byte {
			tx := parse(good)
			tx.Msg.Body = json.RawMessage(`{"account":"` + grantMsg().Account.String() + `","role":"king"}`)
			return resign(t, key, tx)
		}, "c1", agency.ErrUnknownRole},
		{"wrong chain", func() []byte { return good }, "c2", core.ErrWrongChainID},
		{"bad signature", func() []byte {
			tx := parse(good)
			tx.Signature[0] ^= 1
			b, _ := json.Marshal(tx)
			return b
		}, "c1", core.ErrBadSignature},
		{"sequence changed after signing", func() []byte {
			tx := parse(good)
			tx.Sequence = 8
			b, _ := json.Marshal(tx)
			return b
		}, "c1", core.ErrBadSignature},
		{"signed by another key", func() []byte {
			tx := parse(good)
			other := testKey("mallory")
			sig, _ := other.Sign(tx.SignBytes())
			tx.Signature = sig
			b, _ := json.Marshal(tx)
			return b
		}, "c1", core.ErrBadSignature},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Decode(tc.raw(), DefaultMaxTxBytes)
			if err == nil {
				err = VerifySignature(d, tc.chainID)
			}
			if tc.want == nil {
				require.NoError(t, err)
				require.Equal(t, core.AddressOf(key.PubKey().(ed25519.PubKey)), d.Signer)
				require.Equal(t, uint64(7), d.Tx.Sequence)
				require.Len(t, d.Hash, 32)
				return
			}
			require.Error(t, err)
			require.True(t, errors.Is(err, tc.want), "got %v, want %v", err, tc.want)
		})
	}
}

func TestNewTxRefusesInvalidMessage(t *testing.T) {
	_, err := NewTx("c1", testKey("a"), 0, &agency.GrantRole{Role: core.RoleNotary})
	require.ErrorIs(t, err, core.ErrInvalid)
}

func TestSignBytesBindChainAndSequence(t *testing.T) {
	tx := &Tx{ChainID: "a", Signer: core.HexBytes(testKey("k").PubKey().Bytes()), Sequence: 1, Msg: MsgEnvelope{Type: "t", Body: json.RawMessage(`{}`)}}
	b1 := tx.SignBytes()
	tx.ChainID = "b"
	b2 := tx.SignBytes()
	tx.ChainID, tx.Sequence = "a", 2
	b3 := tx.SignBytes()
	require.NotEqual(t, b1, b2)
	require.NotEqual(t, b1, b3)
	require.True(t, bytes.HasPrefix(b1, []byte(signDomain)))
}

// FuzzDecode checks that Decode never panics and that whatever it accepts
// re-encodes to exactly the input (one encoding per transaction).
func FuzzDecode(f *testing.F) {
	good, err := NewTx("c1", testKey("alice"), 3, grantMsg())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"chain_id":"c1","signer":"","sequence":0,"msg":{"type":"land/register_parcel","body":{}},"signature":""}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkCanonicalEnvelope(t, raw)
		d, err := Decode(raw, DefaultMaxTxBytes)
		if err != nil {
			return
		}
		again, err := json.Marshal(d.Tx)
		if err != nil {
			t.Fatalf("accepted tx does not re-encode: %v", err)
		}
		if !bytes.Equal(again, raw) {
			t.Fatalf("accepted a non-canonical encoding:\n%s\n%s", raw, again)
		}
		_ = VerifySignature(d, "c1")
	})
}

// checkCanonicalEnvelope requires that whatever parseCanonicalEnvelope
// accepts, strictUnmarshal accepts with the same Tx, and that it
// re-encodes to raw once its body is as json.Marshal writes it: the hand parser only ever
// shortens encoding/json's path, never changes its outcome.
func checkCanonicalEnvelope(t *testing.T, raw []byte) {
	t.Helper()
	var fast Tx
	if !parseCanonicalEnvelope(raw, &fast) {
		return
	}
	var slow Tx
	if err := strictUnmarshal(raw, &slow); err != nil {
		t.Fatalf("hand parser accepted what encoding/json refuses (%v): %q", err, raw)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("hand parser and encoding/json disagree on %q:\n%+v\n%+v", raw, fast, slow)
	}
	// A body that passes Decode's check equals json.Marshal's output:
	// compact, with HTML characters escaped.
	var compact, escaped bytes.Buffer
	if err := json.Compact(&compact, slow.Msg.Body); err != nil {
		t.Fatalf("accepted an invalid body: %q", raw)
	}
	json.HTMLEscape(&escaped, compact.Bytes())
	again, err := json.Marshal(&slow)
	if err != nil {
		t.Fatalf("accepted envelope does not re-encode: %v", err)
	}
	if bytes.Equal(escaped.Bytes(), slow.Msg.Body) && !bytes.Equal(again, raw) {
		t.Fatalf("hand parser accepted a non-canonical envelope:\n%s\n%s", raw, again)
	}
}

// Every one-byte change, deletion and insertion in a good transaction
// either fails the hand parser or parses as encoding/json parses it; the
// good transaction itself takes the hand-parsed path.
func TestCanonicalEnvelopeMatchesEncodingJSON(t *testing.T) {
	good, err := NewTx("c1", testKey("alice"), 12, grantMsg())
	require.NoError(t, err)
	var tx Tx
	require.True(t, parseCanonicalEnvelope(good, &tx))
	require.Equal(t, uint64(12), tx.Sequence)
	variants := 0
	for i := range good {
		for _, c := range []byte{' ', '"', '\\', '0', 'A', 'f', '}', ',', '<', 0x80} {
			m := slices.Clone(good)
			m[i] = c
			checkCanonicalEnvelope(t, m)
			checkCanonicalEnvelope(t, slices.Insert(slices.Clone(good), i, c))
			variants += 2
		}
		checkCanonicalEnvelope(t, slices.Delete(slices.Clone(good), i, i+1))
		variants++
	}
	// A body holding the envelope's own field names.
	tricky := []byte(`{"chain_id":"c1","signer":"00","sequence":0,"msg":{"type":"t","body":{"a":{},"signature":"x"}},"signature":"ab"}`)
	require.True(t, parseCanonicalEnvelope(tricky, &tx))
	require.Equal(t, `{"a":{},"signature":"x"}`, string(tx.Msg.Body))
	checkCanonicalEnvelope(t, tricky)
	t.Logf("%d variants", variants)
}
