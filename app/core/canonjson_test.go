package core

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The hand-written encoders must give exactly encoding/json's bytes, and
// the account decoder encoding/json's value, on any value; anything but
// the canonical encoding must be left to encoding/json.
func TestRecordFastPathsMatchEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	randBytes := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.UintN(256))
		}
		return b
	}
	actions := []string{"register_parcel", "transfer", "", "a<b", "x&y", `q"uote`, "back\\slash", "tab\t", "é", "line\u2028sep", "\x7f"}
	seqs := []uint64{0, 1, 9, 10, 255, 1 << 32, math.MaxUint64}
	for i := range 2000 {
		var addr Address
		copy(addr[:], randBytes(AddressSize))
		acc := Account{Address: addr, PubKey: HexBytes(randBytes([]int{0, 32, 33, 1}[i%4])), Sequence: seqs[i%len(seqs)] + uint64(rng.UintN(3))}
		if i%5 == 0 {
			acc.PubKey = nil // a nil slice encodes as "", like an empty one
		}
		want, err := json.Marshal(acc)
		require.NoError(t, err)
		got := appendAccountJSON(nil, acc)
		require.Equal(t, string(want), string(got))
		var fast, slow Account
		require.True(t, decodeAccountJSON(got, &fast), "%s", got)
		require.NoError(t, json.Unmarshal(got, &slow))
		require.Equal(t, slow, fast)

		var actor Address
		copy(actor[:], randBytes(AddressSize))
		details, err := json.Marshal(map[string]any{"n": rng.IntN(1000), "s": actions[rng.IntN(len(actions))]})
		require.NoError(t, err)
		if i%3 == 0 {
			details = nil
		}
		e := HistoryEntry{
			Seq: seqs[i%len(seqs)], Action: actions[i%len(actions)], Actor: actor, TxHash: randBytes([]int{32, 0}[i%2]),
			Height: int64(rng.Uint64() >> (i % 64)), Time: time.Unix(rng.Int64N(1<<35), rng.Int64N(1e9)).UTC(), Details: details,
		}
		if i%5 == 0 {
			e.TxHash = nil
		}
		want, err = json.Marshal(e)
		require.NoError(t, err)
		if got, ok := appendHistoryJSON(nil, &e); ok {
			require.Equal(t, string(want), string(got))
		} else {
			require.False(t, jsonPlain(e.Action), "fell back for the plain action %q", e.Action)
		}
	}
	// A year encoding/json cannot encode falls back (and json.Marshal fails).
	_, ok := appendHistoryJSON(nil, &HistoryEntry{Time: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)})
	require.False(t, ok)

	// Anything but the canonical account encoding is left to encoding/json.
	for _, s := range []string{
		``, `{}`, `null`,
		`{"address":"00000000000000000000000000000000000000AA","pub_key":"","sequence":1}`,
		`{"address":"0000000000000000000000000000000000000000","pub_key":"0","sequence":1}`,
		`{"address":"0000000000000000000000000000000000000000","pub_key":"AB","sequence":1}`,
		`{"address":"0000000000000000000000000000000000000000","pub_key":"","sequence":01}`,
		`{"address":"0000000000000000000000000000000000000000","pub_key":"","sequence":-1}`,
		`{"address":"0000000000000000000000000000000000000000","pub_key":"","sequence":1.0}`,
		`{"address":"0000000000000000000000000000000000000000","pub_key":"","sequence":18446744073709551616}`,
		`{"address":"0000000000000000000000000000000000000000","pub_key":"","sequence":}`,
		`{"address":"0000000000000000000000000000000000000000","pub_key":"","sequence":1} `,
		`{"address":"0000000000000000000000000000000000000000", "pub_key":"","sequence":1}`,
		`{"pub_key":"","address":"0000000000000000000000000000000000000000","sequence":1}`,
		`{"address":"0000000000000000000000000000000000000000","pub_key":"","sequence":1,"x":2}`,
	} {
		acc := Account{Sequence: 42}
		require.False(t, decodeAccountJSON([]byte(s), &acc), "%s", s)
		require.Equal(t, Account{Sequence: 42}, acc, "a refused input changed the account")
	}
}

// goodEnvelope is a canonical transaction envelope, as json.Marshal writes
// one (app.NewTx writes the same shape).
func goodEnvelope(t testing.TB) []byte {
	var e Envelope
	e.ChainID, e.Sequence = "c1", 12
	e.Signer = bytes.Repeat([]byte{0xab}, 32)
	e.Signature = bytes.Repeat([]byte{0x5c}, 64)
	e.Msg.Type = "agency/grant_role"
	e.Msg.Body = json.RawMessage(`{"account":"00112233445566778899aabbccddeeff00112233","role":"notary"}`)
	raw, err := json.Marshal(e)
	require.NoError(t, err)
	return raw
}

// Every one-byte change, deletion and insertion in a good envelope either
// fails the fast path or parses as encoding/json parses it; the good
// envelope itself takes the fast path.
func TestEnvelopeFastPathMatchesEncodingJSON(t *testing.T) {
	good := goodEnvelope(t)
	e, ok := ParseCanonicalEnvelope(good)
	require.True(t, ok)
	require.Equal(t, uint64(12), e.Sequence)
	variants := 0
	for i := range good {
		for _, c := range []byte{' ', '"', '\\', '0', 'A', 'f', '}', ',', '<', 0x80} {
			m := slices.Clone(good)
			m[i] = c
			checkEnvelopeFastPath(t, m)
			checkEnvelopeFastPath(t, slices.Insert(slices.Clone(good), i, c))
			variants += 2
		}
		checkEnvelopeFastPath(t, slices.Delete(slices.Clone(good), i, i+1))
		variants++
	}
	// A body holding the envelope's own field names.
	tricky := []byte(`{"chain_id":"c1","signer":"00","sequence":0,"msg":{"type":"t","body":{"a":{},"signature":"x"}},"signature":"ab"}`)
	e, ok = ParseCanonicalEnvelope(tricky)
	require.True(t, ok)
	require.Equal(t, `{"a":{},"signature":"x"}`, string(e.Msg.Body))
	checkEnvelopeFastPath(t, tricky)
	t.Logf("%d variants", variants)
}

// checkEnvelopeFastPath requires that whatever ParseCanonicalEnvelope
// accepts, StrictUnmarshal accepts with the same Envelope, and that it
// re-encodes to raw once its body is as json.Marshal writes it: the fast
// path only ever shortens encoding/json's path, never changes its outcome.
func checkEnvelopeFastPath(t testing.TB, raw []byte) {
	t.Helper()
	fast, ok := ParseCanonicalEnvelope(raw)
	if !ok {
		return
	}
	var slow Envelope
	if err := StrictUnmarshal(raw, &slow); err != nil {
		t.Fatalf("fast path accepted what encoding/json refuses (%v): %q", err, raw)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("fast path and encoding/json disagree on %q:\n%+v\n%+v", raw, fast, slow)
	}
	// A body that passes app.Decode's check equals json.Marshal's output:
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
		t.Fatalf("fast path accepted a non-canonical envelope:\n%s\n%s", raw, again)
	}
}

// checkAccountFastPath requires that whatever decodeAccountJSON accepts,
// encoding/json decodes to the same account, and that it is exactly what
// appendAccountJSON writes for it.
func checkAccountFastPath(t testing.TB, raw []byte) {
	t.Helper()
	var fast Account
	if !decodeAccountJSON(raw, &fast) {
		return
	}
	var slow Account
	if err := StrictUnmarshal(raw, &slow); err != nil {
		t.Fatalf("account fast path accepted what encoding/json refuses (%v): %q", err, raw)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("account fast path and encoding/json disagree on %q:\n%+v\n%+v", raw, fast, slow)
	}
	if again := appendAccountJSON(nil, fast); !bytes.Equal(again, raw) {
		t.Fatalf("account fast path accepted a non-canonical encoding:\n%s\n%s", raw, again)
	}
}

// FuzzCanonicalJSON feeds arbitrary bytes to the codec's decoding fast
// paths (the envelope and the account) and requires each to agree with
// encoding/json on whatever it accepts.
func FuzzCanonicalJSON(f *testing.F) {
	f.Add(goodEnvelope(f))
	f.Add(appendAccountJSON(nil, Account{Address: Address{1, 2}, PubKey: bytes.Repeat([]byte{7}, 32), Sequence: 9}))
	f.Add([]byte(`{"chain_id":"c1","signer":"","sequence":0,"msg":{"type":"land/register_parcel","body":{}},"signature":""}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkEnvelopeFastPath(t, raw)
		checkAccountFastPath(t, raw)
	})
}
