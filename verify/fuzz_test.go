package verify

import (
	"bytes"
	"testing"
)

// FuzzVerify feeds arbitrary bytes, seeded with the real certificates, to
// VerifyBytes. It must never panic, and whatever it accepts must be one of
// the real certificates (up to whitespace): nothing else is signed by the
// trusted validators.
func FuzzVerify(f *testing.F) {
	trust := testTrust(f)
	var canon [][]byte
	for _, name := range testCerts {
		data := readTestdata(f, name)
		f.Add(data)
		canon = append(canon, data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Decode(data)
		if err != nil {
			return
		}
		if _, err := Verify(c, trust, testPathKey); err != nil {
			return
		}
		got := mustEncode(c)
		for _, want := range canon {
			if bytes.Equal(got, want) {
				return
			}
		}
		t.Fatalf("accepted a certificate that is none of the real ones:\n%s", got)
	})
}
