//go:build !cgo

package client

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPKCS11WithoutCgo: a binary built without cgo refuses token keys
// with ErrNoCgo, naming the token, and records nothing.
func TestPKCS11WithoutCgo(t *testing.T) {
	ref := PKCS11Key{Module: "/usr/lib/softhsm/libsofthsm2.so", Token: "officials", KeyLabel: "official"}
	_, err := OpenPKCS11(ref, []byte("4321"), true)
	require.ErrorIs(t, err, ErrNoCgo)
	require.ErrorContains(t, err, `token "officials"`)
	kr := OpenKeyring(filepath.Join(t.TempDir(), "keyring"), KeyringOptions{Backend: BackendTest,
		PIN: func(PKCS11Key) ([]byte, error) { return []byte("4321"), nil }})
	_, err = kr.AddPKCS11("official", ref, true)
	require.ErrorIs(t, err, ErrNoCgo)
	list, err := kr.List()
	require.NoError(t, err)
	require.Empty(t, list)
}
