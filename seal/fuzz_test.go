package seal

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// fuzzPlaintext is the only plaintext FuzzOpen ever seals to its keys.
const fuzzPlaintext = "the only plaintext sealed to the fuzz keys"

// FuzzOpen feeds Open arbitrary ciphertexts, and genuine ones changed by an
// arbitrary mask. The recipient's key is fixed (the same in every fuzz
// worker), so a genuine ciphertext from the seed corpus opens in any
// worker; but nothing opens to anything but the one plaintext ever sealed,
// nothing opens under another key or other info, and a genuine ciphertext
// changed in any bit or length does not open. Nothing panics.
func FuzzOpen(f *testing.F) {
	type party struct {
		suite       string
		owner, peer *PrivateKey // the recipient, and another agency
		genuine     []byte      // sealed in this process to owner
	}
	info := Info("govchain-fuzz", 1, "k1")
	var parties []party
	for _, s := range Suites() {
		owner := fixedKey(f, s, 0x77)
		genuine, err := Seal(s, owner.PublicKeyBytes(), info, []byte(fuzzPlaintext))
		require.NoError(f, err)
		parties = append(parties, party{s, owner, fixedKey(f, s, 0x78), genuine})
		encSize, err := EncSize(s)
		require.NoError(f, err)
		f.Add(uint8(len(parties)-1), genuine, []byte{})
		f.Add(uint8(len(parties)-1), genuine, []byte{0, 0, 0, 1})
		f.Add(uint8(len(parties)-1), genuine[:encSize], bytes.Repeat([]byte{0}, len(genuine)+1))
		f.Add(uint8(len(parties)-1), make([]byte, encSize+TagSize), []byte{0x80})
	}
	f.Add(uint8(0), []byte{}, []byte{1})

	f.Fuzz(func(t *testing.T, which uint8, ct, mask []byte) {
		p := parties[int(which)%len(parties)]

		// An arbitrary ciphertext opens, if at all, to the one plaintext.
		if pt, err := Open(p.owner, info, ct); err == nil {
			if string(pt) != fuzzPlaintext {
				t.Fatalf("%s: an arbitrary ciphertext opened to %q", p.suite, pt)
			}
		} else if !errors.Is(err, ErrOpen) {
			t.Fatalf("%s: Open's error does not wrap ErrOpen: %v", p.suite, err)
		}
		if _, err := Open(p.peer, info, ct); err == nil {
			t.Fatalf("%s: a ciphertext opened under another agency's key", p.suite)
		}
		if _, err := Open(p.owner, Info("govchain-fuzz", 2, "k1"), ct); err == nil {
			t.Fatalf("%s: a ciphertext opened under other info", p.suite)
		}

		// The genuine ciphertext, XORed with mask (cycled over its length;
		// mask bytes past the end are appended), opens only if unchanged.
		changed := bytes.Clone(p.genuine)
		if len(mask) > 0 {
			for i := range changed {
				changed[i] ^= mask[i%len(mask)]
			}
			if len(mask) > len(changed) {
				changed = append(changed, mask[len(changed):]...)
			}
		}
		pt, err := Open(p.owner, info, changed)
		if bytes.Equal(changed, p.genuine) {
			if err != nil || string(pt) != fuzzPlaintext {
				t.Fatalf("%s: the genuine ciphertext did not open: %v", p.suite, err)
			}
		} else if err == nil {
			t.Fatalf("%s: a changed ciphertext opened to %q", p.suite, pt)
		}
	})
}

// FuzzDecodePayload: whatever DecodePayload accepts is a valid payload whose
// encoding is exactly the input, and decodes again to the same payload;
// whatever it refuses, it refuses with ErrPayload. Nothing panics.
func FuzzDecodePayload(f *testing.F) {
	p, _ := record()
	good, err := EncodePayload(p)
	require.NoError(f, err)
	f.Add(good)
	one := `{"fields":[{"name":"a","value":"v","salt":"` + strings.Repeat("0f", 32) + `"}],"request_id":1,"chain_id":"c"}`
	f.Add([]byte(one))
	f.Add([]byte(strings.Replace(one, `"v"`, `"\u003c\u2028\ufffd"`, 1)))
	f.Add([]byte(strings.Replace(one, `"request_id":1`, `"request_id":18446744073709551615`, 1)))
	f.Add([]byte(`{"fields":null,"request_id":0,"chain_id":""}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(``))

	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := DecodePayload(b)
		if err != nil {
			if !errors.Is(err, ErrPayload) {
				t.Fatalf("refused without ErrPayload: %v", err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted an invalid payload: %v", err)
		}
		again, err := EncodePayload(p)
		if err != nil {
			t.Fatalf("accepted payload does not encode: %v", err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("accepted %q, which re-encodes to %q", b, again)
		}
		q, err := DecodePayload(again)
		if err != nil {
			t.Fatalf("re-encoding refused: %v", err)
		}
		require.Equal(t, p, q)
	})
}
