package core

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The hand-written encoders must give exactly encoding/json's bytes, and
// the account decoder encoding/json's value, on any value; anything but
// the canonical encoding must be left to encoding/json.
func TestFastJSONMatchesEncodingJSON(t *testing.T) {
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
