package durable

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWriteFileAndSync(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "f")
	require.NoError(t, WriteFile(name, []byte("first, longer")))
	require.NoError(t, WriteFile(name, []byte("second")))
	got, err := os.ReadFile(name)
	require.NoError(t, err)
	require.Equal(t, "second", string(got), "an existing file is truncated")
	require.NoError(t, Sync(name))
	require.NoError(t, Sync(dir))

	require.Error(t, WriteFile(filepath.Join(dir, "missing", "f"), nil), "no such directory")
	require.Error(t, Sync(filepath.Join(dir, "missing")))
}
