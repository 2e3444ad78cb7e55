package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/app/vehicle"
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
	// Messages whose bodies take the hand-written decoders.
	for _, m := range []core.Msg{
		&land.RegisterParcel{ParcelID: "P-1", CadastralRef: "C-1", AreaM2: 100, Location: "x", Denominator: 2,
			Owners: []land.Share{{Account: core.Address{1}, Shares: 1}, {Account: core.Address{2}, Shares: 1}}, DocumentHash: core.Hash{3}},
		&vehicle.RecordOdometer{VIN: "1HGCM82633A004352", OdometerKM: 12},
	} {
		raw, err := NewTx("c1", testKey("alice"), 3, m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		d, err := Decode(raw, DefaultMaxTxBytes)
		if err != nil {
			return
		}
		// The message is what encoding/json decodes from its body.
		want, err := NewMsg(d.Tx.Msg.Type)
		if err != nil {
			t.Fatal(err)
		}
		if err := core.StrictUnmarshal(d.Tx.Msg.Body, want); err != nil {
			t.Fatalf("accepted a body encoding/json refuses: %v", err)
		}
		if !reflect.DeepEqual(want, d.Msg) {
			t.Fatalf("decoded %#v, encoding/json decodes %#v", d.Msg, want)
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

// TestEnvelopeWireShape requires app.Tx to have the wire shape of
// core.Envelope, whose fast path Decode takes: a transaction NewTx writes
// takes it and parses to the same fields, and both types encode the same
// envelope to the same bytes.
func TestEnvelopeWireShape(t *testing.T) {
	good, err := NewTx("c1", testKey("alice"), 12, grantMsg())
	require.NoError(t, err)
	e, ok := core.ParseCanonicalEnvelope(good)
	require.True(t, ok)
	var tx Tx
	require.NoError(t, core.StrictUnmarshal(good, &tx))
	require.Equal(t, tx.ChainID, e.ChainID)
	require.Equal(t, tx.Signer, e.Signer)
	require.Equal(t, tx.Sequence, e.Sequence)
	require.Equal(t, tx.Msg.Type, e.Msg.Type)
	require.Equal(t, string(tx.Msg.Body), string(e.Msg.Body))
	require.Equal(t, tx.Signature, e.Signature)
	again, err := json.Marshal(e)
	require.NoError(t, err)
	require.Equal(t, string(good), string(again))
}
