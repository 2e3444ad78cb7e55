package verify

import (
	"bytes"
	"testing"
)

// FuzzVerify feeds arbitrary bytes to Decode and Verify. It must never
// panic, and whatever it accepts must be one of the real certificates (up
// to whitespace): nothing else is signed by the trusted validators.
//
// An input is an edit of a real certificate: base picks one of
// testdata's certificates (all kinds, the complete one included), verified
// against its own chain's trust root, or none (base >= len(testCerts): the
// input is patch alone, so every byte string is reachable, verified
// against every trust root), and the bytes
// [at, at+cut) of it are replaced by patch. The fuzzer mutates a few
// numbers and a short patch rather than a 3-8 KB document: each
// mutation lands inside a certificate that is otherwise valid, so it
// reaches the header, commit and proof checks, and an input that finds
// new coverage is minimised in a few hundred runs (the patch) instead of
// the minimiser's quadratic pass over kilobytes, which took a short run's
// whole budget.
func FuzzVerify(f *testing.F) {
	var canon [][]byte
	var trusts []*Trust // of each of canon
	for i, name := range testCerts {
		canon = append(canon, readTestdata(f, name))
		trusts = append(trusts, trustOf(f, name))
		f.Add(uint8(i), uint16(0), uint16(0), []byte{})
	}
	f.Add(uint8(len(testCerts)), uint16(0), uint16(0), []byte(`{"format":"govchain-certificate/1"}`))
	f.Fuzz(func(t *testing.T, base uint8, at, cut uint16, patch []byte) {
		data, roots := patch, trusts
		if int(base) < len(canon) {
			data, roots = splice(canon[base], int(at), int(cut), patch), trusts[base:base+1]
		}
		c, err := Decode(data)
		if err != nil {
			return
		}
		for _, trust := range roots {
			if _, err := Verify(c, trust, testKeys); err != nil {
				continue
			}
			got := mustEncode(c)
			for _, want := range canon {
				if bytes.Equal(got, want) {
					return
				}
			}
			t.Fatalf("accepted a certificate that is none of the real ones:\n%s", got)
		}
	})
}

// splice returns a copy of b with the bytes [at, at+cut) replaced by
// patch; at is taken modulo len(b)+1 and cut is clipped to the end of b.
func splice(b []byte, at, cut int, patch []byte) []byte {
	at %= len(b) + 1
	end := min(at+cut, len(b))
	out := make([]byte, 0, len(b)-(end-at)+len(patch))
	out = append(out, b[:at]...)
	out = append(out, patch...)
	return append(out, b[end:]...)
}
