package main

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBinarySHA256 takes an upgrade's binary hash from hex or from a file,
// and refuses both, neither, malformed hex and a missing file.
func TestBinarySHA256(t *testing.T) {
	file := filepath.Join(t.TempDir(), "govchain")
	require.NoError(t, os.WriteFile(file, []byte("a binary"), 0o755))
	want := sha256.Sum256([]byte("a binary"))

	got, err := binarySHA256("", file)
	require.NoError(t, err)
	require.Equal(t, want[:], []byte(got))
	got, err = binarySHA256(strings.Repeat("ab", 32), "")
	require.NoError(t, err)
	require.Len(t, got, 32)

	for _, c := range []struct{ hexSum, path, want string }{
		{strings.Repeat("ab", 32), file, "not both"},
		{"", "", "is required"},
		{"abc", "", "want 64 hex digits"},
		{strings.Repeat("zz", 32), "", "want 64 hex digits"},
		{"", filepath.Join(t.TempDir(), "missing"), "--binary"},
	} {
		_, err := binarySHA256(c.hexSum, c.path)
		require.ErrorContains(t, err, c.want, "%q %q", c.hexSum, c.path)
	}
}
