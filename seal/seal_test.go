package seal

import (
	"bytes"
	"crypto/ecdh"
	"crypto/hpke"
	"encoding/hex"
	"errors"
	"math/big"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// fixedKey parses a private key of the suite from 32 bytes of fill, so that
// tests and fuzz targets have the same keys in every process.
func fixedKey(t testing.TB, suiteName string, fill byte) *PrivateKey {
	t.Helper()
	k, err := ParsePrivateKey(suiteName, bytes.Repeat([]byte{fill}, PrivateKeySize))
	require.NoError(t, err)
	return k
}

func TestSuites(t *testing.T) {
	require.Equal(t, []string{"mlkem768-x25519", "x25519"}, Suites())
	n, err := EncSize(SuiteX25519)
	require.NoError(t, err)
	require.Equal(t, 32, n)
	n, err = EncSize(SuiteMLKEM768X25519)
	require.NoError(t, err)
	require.Equal(t, 1120, n)
	_, err = EncSize("p256")
	require.ErrorIs(t, err, ErrUnknownSuite)
	_, err = GenerateKey("X25519")
	require.ErrorIs(t, err, ErrUnknownSuite)
	require.ErrorContains(t, err, `seal: unknown suite "X25519"`)
}

func TestRoundTrip(t *testing.T) {
	for _, suiteName := range Suites() {
		t.Run(suiteName, func(t *testing.T) {
			k, err := GenerateKey(suiteName)
			require.NoError(t, err)
			require.Equal(t, suiteName, k.Suite())
			encSize, err := EncSize(suiteName)
			require.NoError(t, err)
			info := Info("govchain-dev", 7, "k1")
			for _, pt := range [][]byte{nil, []byte("x"), bytes.Repeat([]byte("record "), 100)} {
				ct, err := Seal(suiteName, k.PublicKeyBytes(), info, pt)
				require.NoError(t, err)
				require.Len(t, ct, encSize+len(pt)+TagSize)
				got, err := Open(k, info, ct)
				require.NoError(t, err)
				require.Equal(t, len(pt), len(got))
				require.True(t, bytes.Equal(pt, got))

				// Every seal draws a fresh ephemeral key.
				again, err := Seal(suiteName, k.PublicKeyBytes(), info, pt)
				require.NoError(t, err)
				require.NotEqual(t, ct[:encSize], again[:encSize])
			}
			// Sealing to a parsed key gives what Open reads too.
			ct, err := k.PublicKey().Seal(info, []byte("parsed"))
			require.NoError(t, err)
			got, err := Open(k, info, ct)
			require.NoError(t, err)
			require.Equal(t, "parsed", string(got))
		})
	}
}

func TestOpenWithOtherKeyFails(t *testing.T) {
	info := Info("govchain-dev", 1, "k1")
	keys := map[string]*PrivateKey{}
	for _, s := range Suites() {
		keys[s] = fixedKey(t, s, 0x11)
	}
	for _, s := range Suites() {
		ct, err := Seal(s, keys[s].PublicKeyBytes(), info, []byte("income=42000"))
		require.NoError(t, err)
		other, err := GenerateKey(s) // another agency, same suite
		require.NoError(t, err)
		_, err = Open(other, info, ct)
		require.ErrorIs(t, err, ErrOpen, s)
		for _, o := range Suites() { // a key of the other suite
			if o != s {
				_, err = Open(keys[o], info, ct)
				require.ErrorIs(t, err, ErrOpen, s)
			}
		}
		_, err = Open(nil, info, ct)
		require.ErrorIs(t, err, ErrOpen)
		_, err = Open(&PrivateKey{}, info, ct)
		require.ErrorIs(t, err, ErrOpen)
	}
}

func TestOpenWithOtherInfoFails(t *testing.T) {
	for _, s := range Suites() {
		k := fixedKey(t, s, 0x22)
		ct, err := Seal(s, k.PublicKeyBytes(), Info("govchain-dev", 7, "k1"), []byte("payload"))
		require.NoError(t, err)
		for name, info := range map[string][]byte{
			"other chain":   Info("govchain-test", 7, "k1"),
			"other request": Info("govchain-dev", 8, "k1"),
			"other key id":  Info("govchain-dev", 7, "k2"),
			"no info":       nil,
		} {
			_, err := Open(k, info, ct)
			require.ErrorIs(t, err, ErrOpen, "%s %s", s, name)
		}
		got, err := Open(k, Info("govchain-dev", 7, "k1"), ct)
		require.NoError(t, err)
		require.Equal(t, "payload", string(got))
	}
}

func TestOpenChangedCiphertextFails(t *testing.T) {
	for _, s := range Suites() {
		k := fixedKey(t, s, 0x33)
		info := Info("govchain-dev", 3, "k1")
		ct, err := Seal(s, k.PublicKeyBytes(), info, []byte("a restricted record of some length"))
		require.NoError(t, err)
		// One flipped bit in every byte (bit i%8 of byte i), the encapsulated
		// key included: never opens.
		for i := range ct {
			bad := bytes.Clone(ct)
			bad[i] ^= 1 << (i % 8)
			_, err := Open(k, info, bad)
			require.ErrorIs(t, err, ErrOpen, "%s: bit %d of byte %d", s, i%8, i)
		}
		_, err = Open(k, info, ct[:len(ct)-1])
		require.ErrorIs(t, err, ErrOpen)
		_, err = Open(k, info, append(bytes.Clone(ct), 0))
		require.ErrorIs(t, err, ErrOpen)
		encSize, err := EncSize(s)
		require.NoError(t, err)
		_, err = Open(k, info, ct[:encSize+TagSize-1])
		require.ErrorIs(t, err, ErrOpen)
		require.ErrorContains(t, err, "seal: cannot open the ciphertext: "+s+" ciphertext is at least")
	}
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func TestParsePublicKey(t *testing.T) {
	x := fixedKey(t, SuiteX25519, 0x44).PublicKeyBytes()
	h := fixedKey(t, SuiteMLKEM768X25519, 0x44).PublicKeyBytes()
	require.Len(t, x, 32)
	require.Len(t, h, 1216)
	withX25519 := func(u []byte) []byte { return append(bytes.Clone(h[:1184]), u...) }
	badMLKEM := append(bytes.Repeat([]byte{0xff}, 1184), h[1184:]...)

	// The canonical X25519 u-coordinates of small order, and two that are
	// not canonical.
	zero := make([]byte, 32)
	one := append([]byte{1}, make([]byte, 31)...)
	pMinus1 := mustHex(t, "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")
	order8a := mustHex(t, "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800")
	order8b := mustHex(t, "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157")
	p := mustHex(t, "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f")
	topBit := bytes.Clone(x)
	topBit[31] |= 0x80

	for _, tc := range []struct {
		name  string
		suite string
		key   []byte
		want  error
		msg   string
	}{
		{"x25519 ok", SuiteX25519, x, nil, ""},
		{"hybrid ok", SuiteMLKEM768X25519, h, nil, ""},
		{"unknown suite", "X25519", x, ErrUnknownSuite, `seal: unknown suite "X25519"`},
		{"empty suite", "", x, ErrUnknownSuite, `seal: unknown suite ""`},
		{"p256 suite", "p256", x, ErrUnknownSuite, "seal: unknown suite"},
		{"x25519 empty", SuiteX25519, nil, ErrPublicKey, "seal: invalid public key: x25519 public key is 32 bytes, got 0"},
		{"x25519 short", SuiteX25519, x[:31], ErrPublicKey, "is 32 bytes, got 31"},
		{"x25519 long", SuiteX25519, append(bytes.Clone(x), 0), ErrPublicKey, "is 32 bytes, got 33"},
		{"hybrid key as x25519", SuiteX25519, h, ErrPublicKey, "is 32 bytes, got 1216"},
		{"x25519 key as hybrid", SuiteMLKEM768X25519, x, ErrPublicKey, "is 1216 bytes, got 32"},
		{"hybrid short", SuiteMLKEM768X25519, h[:1215], ErrPublicKey, "is 1216 bytes, got 1215"},
		{"x25519 zero", SuiteX25519, zero, ErrPublicKey, "small order"},
		{"x25519 one", SuiteX25519, one, ErrPublicKey, "small order"},
		{"x25519 p-1", SuiteX25519, pMinus1, ErrPublicKey, "small order"},
		{"x25519 order 8 a", SuiteX25519, order8a, ErrPublicKey, "small order"},
		{"x25519 order 8 b", SuiteX25519, order8b, ErrPublicKey, "small order"},
		{"x25519 p", SuiteX25519, p, ErrPublicKey, "not canonical: at least 2^255-19"},
		{"x25519 top bit", SuiteX25519, topBit, ErrPublicKey, "not canonical: the top bit is set"},
		{"x25519 all ff", SuiteX25519, bytes.Repeat([]byte{0xff}, 32), ErrPublicKey, "not canonical"},
		{"hybrid garbage ML-KEM key", SuiteMLKEM768X25519, badMLKEM, ErrPublicKey, "refused by crypto/hpke"},
		{"hybrid all ff", SuiteMLKEM768X25519, bytes.Repeat([]byte{0xff}, 1216), ErrPublicKey, "not canonical"},
		{"hybrid zero X25519", SuiteMLKEM768X25519, withX25519(zero), ErrPublicKey, "small order"},
		{"hybrid order 8 X25519", SuiteMLKEM768X25519, withX25519(order8a), ErrPublicKey, "small order"},
		{"hybrid p X25519", SuiteMLKEM768X25519, withX25519(p), ErrPublicKey, "not canonical"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := ParsePublicKey(tc.suite, tc.key)
			pub, err2 := NewPublicKey(tc.suite, tc.key)
			if tc.want == nil {
				require.NoError(t, err)
				require.NoError(t, err2)
				require.Equal(t, tc.suite, pub.Suite())
				require.Equal(t, tc.key, pub.Bytes())
				return
			}
			require.ErrorIs(t, err, tc.want)
			require.ErrorContains(t, err, tc.msg)
			require.Regexp(t, "^seal: ", err.Error())
			require.Equal(t, err.Error(), err2.Error())
			require.Nil(t, pub)
			_, err = Seal(tc.suite, tc.key, nil, []byte("x"))
			require.ErrorIs(t, err, tc.want)
		})
	}
}

// TestSmallOrderRefusedByHPKE shows why NewPublicKey refuses points of small
// order: crypto/hpke takes them, and every seal to them fails.
func TestSmallOrderRefusedByHPKE(t *testing.T) {
	key, err := hpke.DHKEM(ecdh.X25519()).NewPublicKey(make([]byte, 32))
	require.NoError(t, err)
	_, err = (&PublicKey{suite: suiteX25519, key: key}).Seal(nil, []byte("x"))
	require.ErrorContains(t, err, "seal: seal to x25519 key")
}

// TestLowOrderProbe checks the arithmetic lowOrderProbe's contract rests
// on: the clamped probe scalar is a multiple of 8 and divisible by neither
// the prime order l of Curve25519's prime subgroup (the curve has 8*l
// points) nor the prime order l' of its twist's (the twist has 4*l'
// points; together 8*l + 4*l' = 2*(p+1)).
func TestLowOrderProbe(t *testing.T) {
	p := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	l, ok := new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)
	require.True(t, ok)
	// l' = 2^253 - 55484635554744707071703875581767296995.
	lt := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 253), mustBig(t, "55484635554744707071703875581767296995"))
	// l = 2^252 + 27742317777372353535851937790883648493, and 8*l + 4*l' = 2*(p+1).
	want := new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 252), mustBig(t, "27742317777372353535851937790883648493"))
	require.Zero(t, want.Cmp(l))
	sum := new(big.Int).Add(new(big.Int).Mul(big.NewInt(8), l), new(big.Int).Mul(big.NewInt(4), lt))
	require.Zero(t, sum.Cmp(new(big.Int).Mul(big.NewInt(2), new(big.Int).Add(p, big.NewInt(1)))))
	require.True(t, l.ProbablyPrime(32))
	require.True(t, lt.ProbablyPrime(32))

	// The clamped scalar, little-endian.
	e := bytes.Repeat([]byte{lowOrderProbeByte}, 32)
	e[0] &= 248
	e[31] &= 127
	e[31] |= 64
	slices.Reverse(e)
	s := new(big.Int).SetBytes(e)
	require.Zero(t, new(big.Int).Mod(s, big.NewInt(8)).Sign())
	require.NotZero(t, new(big.Int).Mod(s, l).Sign())
	require.NotZero(t, new(big.Int).Mod(s, lt).Sign())

	// And on a point of large order it gives a non-zero product.
	probe, err := lowOrderProbe()
	require.NoError(t, err)
	_, err = probe.ECDH(mustX25519(t, fixedKey(t, SuiteX25519, 1).PublicKeyBytes()))
	require.NoError(t, err)
}

func mustBig(t *testing.T, s string) *big.Int {
	t.Helper()
	n, ok := new(big.Int).SetString(s, 10)
	require.True(t, ok)
	return n
}

func mustX25519(t *testing.T, b []byte) *ecdh.PublicKey {
	t.Helper()
	k, err := ecdh.X25519().NewPublicKey(b)
	require.NoError(t, err)
	return k
}

func TestPrivateKeyEncoding(t *testing.T) {
	for _, s := range Suites() {
		k, err := GenerateKey(s)
		require.NoError(t, err)
		b, err := k.MarshalBinary()
		require.NoError(t, err)
		require.Len(t, b, PrivateKeySize)
		k2, err := ParsePrivateKey(s, b)
		require.NoError(t, err)
		require.Equal(t, k.PublicKeyBytes(), k2.PublicKeyBytes())
		b2, err := k2.MarshalBinary()
		require.NoError(t, err)
		require.Equal(t, b, b2)

		// The parsed key opens what was sealed to the generated one.
		info := Info("c", 1, "k")
		ct, err := Seal(s, k.PublicKeyBytes(), info, []byte("secret"))
		require.NoError(t, err)
		got, err := Open(k2, info, ct)
		require.NoError(t, err)
		require.Equal(t, "secret", string(got))

		// Parsing is deterministic.
		a1, a2 := fixedKey(t, s, 0x55), fixedKey(t, s, 0x55)
		require.Equal(t, a1.PublicKeyBytes(), a2.PublicKeyBytes())
		require.NotEqual(t, a1.PublicKeyBytes(), fixedKey(t, s, 0x56).PublicKeyBytes())

		for _, bad := range [][]byte{nil, b[:31], append(bytes.Clone(b), 0)} {
			_, err := ParsePrivateKey(s, bad)
			require.ErrorIs(t, err, ErrPrivateKey)
			require.ErrorContains(t, err, "private key is 32 bytes")
		}
		_, err = ParsePrivateKey("x448", b)
		require.ErrorIs(t, err, ErrUnknownSuite)
	}

	// An unclamped X25519 scalar is read as its clamped form.
	raw := bytes.Repeat([]byte{0xff}, 32)
	k, err := ParsePrivateKey(SuiteX25519, raw)
	require.NoError(t, err)
	b, err := k.MarshalBinary()
	require.NoError(t, err)
	want := bytes.Clone(raw)
	want[0], want[31] = 0xf8, 0x7f
	require.Equal(t, want, b)
	k2, err := ParsePrivateKey(SuiteX25519, b)
	require.NoError(t, err)
	require.Equal(t, k.PublicKeyBytes(), k2.PublicKeyBytes())

	// PublicKeyBytes is a copy.
	pub := k.PublicKeyBytes()
	pub[0] ^= 1
	require.NotEqual(t, pub, k.PublicKeyBytes())

	var zero *PrivateKey
	_, err = zero.MarshalBinary()
	require.ErrorIs(t, err, ErrPrivateKey)
}

func TestInfo(t *testing.T) {
	got := Info("govchain-dev", 7, "k-1")
	want := append([]byte("govchain/seal/v1"), 12)
	want = append(want, "govchain-dev"...)
	want = append(want, 0, 0, 0, 0, 0, 0, 0, 7, 3)
	want = append(want, "k-1"...)
	require.Equal(t, want, got)
	require.Equal(t, "676f76636861696e2f7365616c2f76310c676f76636861696e2d6465760000000000000007036b2d31", hex.EncodeToString(got))

	// Injective: moving bytes between the parts changes the info.
	seen := map[string]string{}
	for _, c := range []struct {
		chain string
		req   uint64
		key   string
	}{
		{"ab", 1, "c"}, {"a", 1, "bc"}, {"abc", 1, ""}, {"", 1, "abc"},
		{"a", 256, "b"}, {"a", 1, "\x00\x00\x00\x00\x00\x00\x01\x00b"}, {"a", 0, "b"},
	} {
		k := string(Info(c.chain, c.req, c.key))
		_, dup := seen[k]
		require.False(t, dup, "%+v", c)
		seen[k] = c.chain
	}
}

func TestDetailsInfo(t *testing.T) {
	var c [32]byte
	c[0], c[31] = 0xaa, 0x01
	got := DetailsInfo("govchain-dev", c, "k-1")
	want := append([]byte("govchain/seal/details/v1"), 12)
	want = append(want, "govchain-dev"...)
	want = append(want, c[:]...)
	want = append(want, 3)
	want = append(want, "k-1"...)
	require.Equal(t, want, got)

	// Injective, and never a payload info.
	seen := map[string]bool{}
	for _, tc := range []struct {
		chain string
		c     byte
		key   string
	}{
		{"ab", 1, "c"}, {"a", 1, "bc"}, {"abc", 1, ""}, {"", 1, "abc"}, {"a", 2, "b"},
	} {
		k := string(DetailsInfo(tc.chain, [32]byte{tc.c}, tc.key))
		require.False(t, seen[k], "%+v", tc)
		seen[k] = true
		require.NotEqual(t, string(Info(tc.chain, uint64(tc.c), tc.key)), k)
		require.NotEqual(t, Info(tc.chain, 0, "")[:15], []byte(k)[:15], "the labels differ within the first 15 bytes")
	}

	// A ciphertext sealed under a details info opens only under it.
	k, err := GenerateKey(SuiteX25519)
	require.NoError(t, err)
	ct, err := Seal(SuiteX25519, k.PublicKeyBytes(), DetailsInfo("govchain-dev", c, "k1"), []byte("details"))
	require.NoError(t, err)
	pt, err := Open(k, DetailsInfo("govchain-dev", c, "k1"), ct)
	require.NoError(t, err)
	require.Equal(t, []byte("details"), pt)
	other := c
	other[5] ^= 1
	for _, info := range [][]byte{DetailsInfo("govchain-dev", other, "k1"), DetailsInfo("govchain-test", c, "k1"),
		DetailsInfo("govchain-dev", c, "k2"), Info("govchain-dev", 1, "k1")} {
		_, err := Open(k, info, ct)
		require.ErrorIs(t, err, ErrOpen)
	}
}

func TestPublicKeyZeroValue(t *testing.T) {
	var p *PublicKey
	_, err := p.Seal(nil, []byte("x"))
	require.ErrorIs(t, err, ErrPublicKey)
	_, err = (&PublicKey{}).Seal(nil, []byte("x"))
	require.ErrorIs(t, err, ErrPublicKey)
}

func TestErrorsStartWithPackageName(t *testing.T) {
	for _, err := range []error{ErrUnknownSuite, ErrPublicKey, ErrPrivateKey, ErrOpen, ErrPayload,
		ErrPayloadBinding, ErrCommitmentMismatch, ErrFieldMissing, ErrFieldNotRequested} {
		require.Regexp(t, "^seal: [a-z]", err.Error())
		require.False(t, errors.Is(err, ErrOpen) && err != ErrOpen)
	}
}
