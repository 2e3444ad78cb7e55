package coretest

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
)

// CheckJSONCodec checks T's hand-written JSON (core.JSONAppender on T,
// core.JSONDecoder on *T, at least one of them) against encoding/json on
// n random values of T: what AppendJSON writes is json.Marshal's bytes,
// what DecodeJSON reads is json.Unmarshal's value, every value made only
// of strings and times encoding/json writes as they are takes both fast
// paths, and for two of them every one-byte change or deletion of the
// encoding is either refused by DecodeJSON (leaving the receiver as it
// was) or decoded as json.Unmarshal decodes it.
func CheckJSONCodec[T any](t testing.TB, n int) {
	t.Helper()
	var zero T
	_, canAppend := any(zero).(core.JSONAppender)
	_, canDecode := any(&zero).(core.JSONDecoder)
	require.True(t, canAppend || canDecode, "%T has no hand-written JSON", zero)
	rng := &splitMix{s: uint64(n) ^ 0x15c0de}
	for i := range n {
		plain := i%2 == 0
		var v T
		randomValue(rng, reflect.ValueOf(&v).Elem(), plain, 0)
		want, err := json.Marshal(v)
		if canAppend {
			got, ok := any(v).(core.JSONAppender).AppendJSON(nil)
			if ok {
				require.NoError(t, err, "AppendJSON wrote what json.Marshal refuses: %#v", v)
				require.Equal(t, string(want), string(got), "AppendJSON differs from json.Marshal")
			}
			require.True(t, ok || !plain, "AppendJSON fell back on a plain value: %s", want)
		}
		if !canDecode || err != nil {
			continue
		}
		var x T
		ok := any(&x).(core.JSONDecoder).DecodeJSON(want)
		require.True(t, ok || !plain, "DecodeJSON refused json.Marshal's encoding of a plain value: %s", want)
		if ok {
			var y T
			require.NoError(t, json.Unmarshal(want, &y))
			require.Equal(t, y, x, "DecodeJSON differs from json.Unmarshal on %s", want)
		}
		if plain && (i == 0 || i == n/2) {
			CheckJSONMutations[T](t, want)
		}
	}
}

// mutationBytes are the values CheckJSONMutations puts at each position.
var mutationBytes = []byte{'"', ',', ':', '0', '1', '9', '-', '.', 'e', 'n', 'a', 'A', '[', ']', '{', '}', ' ', '\\', 0x00, 0x7f, 0xc3, 0xff}

// CheckJSONMutations checks DecodeJSON of *T on every one-byte change
// (to each of a set of JSON-significant bytes) and every one-byte deletion
// of good: each is refused, leaving the receiver unchanged, or decoded to
// json.Unmarshal's value.
func CheckJSONMutations[T any](t testing.TB, good []byte) {
	t.Helper()
	m := make([]byte, len(good))
	for i := range good {
		for _, c := range mutationBytes {
			if c == good[i] {
				continue
			}
			copy(m, good)
			m[i] = c
			CheckJSONDecode[T](t, m)
		}
		CheckJSONDecode[T](t, append(append([]byte{}, good[:i]...), good[i+1:]...))
	}
}

// CheckJSONDecode checks DecodeJSON of *T on raw: if it accepts raw,
// json.Unmarshal must decode raw to the same value; if it refuses, the
// receiver must be unchanged. Fuzz targets call it on arbitrary input.
func CheckJSONDecode[T any](t testing.TB, raw []byte) {
	t.Helper()
	var x T
	sentinel := reflect.ValueOf(&x).Elem()
	rng := &splitMix{s: 1}
	randomValue(rng, sentinel, true, 0)
	before := x
	if !any(&x).(core.JSONDecoder).DecodeJSON(raw) {
		require.Equal(t, before, x, "a refused input changed the receiver: %q", raw)
		return
	}
	var y T
	require.NoError(t, json.Unmarshal(raw, &y), "DecodeJSON accepted what json.Unmarshal refuses: %q", raw)
	require.Equal(t, y, x, "DecodeJSON differs from json.Unmarshal on %q", raw)
}

var (
	timeType = reflect.TypeFor[time.Time]()
	// plainStrings are written by encoding/json as they are.
	plainStrings = []string{"", "P-1", "bench district", "Минск, вул. Леніна 1", "é", "\x7f", "0", "null", "a b c", "LU-000123-x"}
	// oddStrings are escaped or altered by encoding/json.
	oddStrings = []string{"a<b", "x&y>z", `q"uote`, "back\\slash", "tab\t", "line\u2028sep", "par\u2029", "bad \xff utf8", "nul\x00"}
)

// randomValue sets v to a random value of its type: plain restricts
// strings and times to those encoding/json writes as they are.
func randomValue(rng *splitMix, v reflect.Value, plain bool, depth int) {
	if v.Type() == timeType {
		times := []time.Time{
			{},
			time.Unix(rng.Int64N(1<<35), rng.Int64N(1e9)).UTC(),
			time.Unix(rng.Int64N(1<<35), 0).UTC(),
			time.Unix(rng.Int64N(1<<35), rng.Int64N(1e9)).In(time.FixedZone("", 3600*int(rng.IntN(25)-12))),
		}
		if !plain && rng.IntN(4) == 0 {
			v.Set(reflect.ValueOf(time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)))
			return
		}
		v.Set(reflect.ValueOf(times[rng.IntN(len(times))]))
		return
	}
	switch v.Kind() {
	case reflect.String:
		s := plainStrings[rng.IntN(len(plainStrings))]
		if !plain && rng.IntN(3) == 0 {
			s = oddStrings[rng.IntN(len(oddStrings))]
		}
		v.SetString(s)
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		ints := []int64{0, 1, -1, 42, -1000, math.MaxInt64, math.MinInt64, rng.Int64(), -rng.Int64N(1 << 40)}
		n := ints[rng.IntN(len(ints))]
		if v.OverflowInt(n) {
			n = int64(rng.IntN(100))
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		uints := []uint64{0, 1, 10, 255, math.MaxUint64, rng.Uint64(), rng.Uint64N(1 << 20)}
		n := uints[rng.IntN(len(uints))]
		if v.OverflowUint(n) {
			n = uint64(rng.IntN(100))
		}
		v.SetUint(n)
	case reflect.Array:
		for i := range v.Len() {
			randomValue(rng, v.Index(i), plain, depth+1)
		}
	case reflect.Slice:
		switch k := rng.IntN(4); {
		case k == 0 || depth > 4:
			v.SetZero()
		default:
			n := k - 1
			s := reflect.MakeSlice(v.Type(), n, n)
			for i := range n {
				randomValue(rng, s.Index(i), plain, depth+1)
			}
			v.Set(s)
		}
	case reflect.Pointer:
		if rng.IntN(2) == 0 || depth > 4 {
			v.SetZero()
			return
		}
		p := reflect.New(v.Type().Elem())
		randomValue(rng, p.Elem(), plain, depth+1)
		v.Set(p)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				randomValue(rng, v.Field(i), plain, depth+1)
			}
		}
	default:
		panic("coretest: no random values of kind " + v.Kind().String())
	}
}

// splitMix is SplitMix64, the tests' own deterministic generator of random
// values (a fixed seed gives the same values on every run).
type splitMix struct{ s uint64 }

// Uint64 returns the next value.
func (g *splitMix) Uint64() uint64 {
	g.s += 0x9e3779b97f4a7c15
	z := g.s
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// Uint64N returns a value in [0, n) (n > 0; the modulo bias does not
// matter to a test).
func (g *splitMix) Uint64N(n uint64) uint64 { return g.Uint64() % n }

// Int64 returns a non-negative int64.
func (g *splitMix) Int64() int64 { return int64(g.Uint64() >> 1) }

// Int64N returns a value in [0, n) (n > 0).
func (g *splitMix) Int64N(n int64) int64 { return int64(g.Uint64N(uint64(n))) }

// IntN returns a value in [0, n) (n > 0).
func (g *splitMix) IntN(n int) int { return int(g.Uint64N(uint64(n))) }
