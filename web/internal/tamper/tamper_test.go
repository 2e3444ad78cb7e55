package tamper

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestEachChangeIsSmallAndRefusesWhatItCannotChange(t *testing.T) {
	cert, err := os.ReadFile(filepath.Join("..", "..", "verifier", "testdata", "record.json"))
	require.NoError(t, err)

	v, err := Value(cert, `"area_m2": 1250`, `"area_m2": 1251`)
	require.NoError(t, err)
	require.Equal(t, 1, diff(cert, v))
	p, err := Proof(cert)
	require.NoError(t, err)
	require.Equal(t, 1, diff(cert, p))
	s, err := Signature(cert)
	require.NoError(t, err)
	require.Len(t, s, len(cert))
	require.NotEqual(t, cert, s)
	require.LessOrEqual(t, diff(cert, s), 2, "one byte of a signature is at most two base64 digits")

	_, err = Value(cert, `"nothing"`, `"x"`)
	require.ErrorContains(t, err, "is not in the certificate")
	_, err = Proof([]byte(`{}`))
	require.Error(t, err)
	_, err = Signature([]byte(`{"block":{"signed_header":""}}`))
	require.Error(t, err)
}

// diff counts the bytes that differ between two files of one length.
func diff(a, b []byte) int {
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}
