package client

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// testKeyring is a test-backend (plaintext) keyring in dir.
func testKeyring(dir string) *Keyring { return OpenKeyring(dir, KeyringOptions{Backend: BackendTest}) }

func TestKeyringPermissionsAndRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keyring")
	kr := testKeyring(dir)

	alice, err := kr.Create("alice")
	require.NoError(t, err)

	st, err := os.Stat(dir)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o700), st.Mode().Perm())
	st, err = os.Stat(filepath.Join(dir, KeyringFile))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())

	got, err := kr.Get("alice")
	require.NoError(t, err)
	require.Equal(t, alice.Address(), got.Address())
	require.Equal(t, alice.PrivKey, got.PrivKey)

	_, err = kr.Create("bob")
	require.NoError(t, err)
	keys, err := kr.List()
	require.NoError(t, err)
	require.Len(t, keys, 2)
	require.Equal(t, "alice", keys[0].Name)
	require.Equal(t, "bob", keys[1].Name)

	// Export, then import into another keyring under the same and another name.
	data, err := kr.Export("alice")
	require.NoError(t, err)
	other := testKeyring(filepath.Join(t.TempDir(), "other"))
	imported, err := other.Import(data, "")
	require.NoError(t, err)
	require.Equal(t, "alice", imported.Name)
	require.Equal(t, alice.Address(), imported.Address())
	require.Equal(t, alice.PrivKey, imported.PrivKey)

	// The same key under a new name is refused: one key, one name.
	_, err = kr.Import(data, "alice2")
	require.ErrorIs(t, err, ErrKeyExists)
	_, err = kr.Create("alice")
	require.ErrorIs(t, err, ErrKeyExists)

	require.NoError(t, kr.Delete("bob"))
	_, err = kr.Get("bob")
	require.ErrorIs(t, err, ErrKeyNotFound)
}

func TestKeyringMissingKey(t *testing.T) {
	dir := t.TempDir()
	kr := NewKeyring(dir)
	_, err := kr.Get("x")
	var nf *KeyNotFoundError
	require.True(t, errors.As(err, &nf))
	require.Equal(t, `no key named "x" in `+dir, err.Error())
	require.ErrorIs(t, err, ErrKeyNotFound)
}

func TestKeyringRefusesReadableFile(t *testing.T) {
	dir := t.TempDir()
	kr := testKeyring(dir)
	_, err := kr.Create("alice")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(filepath.Join(dir, KeyringFile), 0o644))
	_, err = kr.Get("alice")
	require.ErrorContains(t, err, "chmod 600")
}

func TestKeyNames(t *testing.T) {
	for _, ok := range []string{"alice", "admin-justice", "a.b_c-1"} {
		require.NoError(t, ValidateKeyName(ok), ok)
	}
	for _, bad := range []string{"", "Alice", "a b", "a/b", "998639acf267a442fcf6ec63e9efad6849d99d37", string(make([]byte, 65))} {
		require.Error(t, ValidateKeyName(bad), bad)
	}
}

func TestParseExportRejectsTampering(t *testing.T) {
	kr := testKeyring(t.TempDir())
	_, err := kr.Create("alice")
	require.NoError(t, err)
	data, err := kr.Export("alice")
	require.NoError(t, err)
	bob, err := kr.Create("bob")
	require.NoError(t, err)

	// Swap in another address: the file no longer agrees with its key.
	tampered := []byte(replaceField(t, data, "address", bob.Address().String()))
	_, err = ParseExport(tampered, "")
	require.ErrorContains(t, err, "address does not match")

	_, err = ParseExport([]byte(`{"type":"other","name":"x"}`), "")
	require.ErrorContains(t, err, "type")
}

func TestResolveAddress(t *testing.T) {
	kr := testKeyring(t.TempDir())
	k, err := kr.Create("alice")
	require.NoError(t, err)
	a, err := kr.ResolveAddress("alice")
	require.NoError(t, err)
	require.Equal(t, k.Address(), a)
	a, err = kr.ResolveAddress(k.Address().String())
	require.NoError(t, err)
	require.Equal(t, k.Address(), a)
	_, err = kr.ResolveAddress("nobody")
	require.ErrorIs(t, err, ErrKeyNotFound)
}
