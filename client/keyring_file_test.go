package client

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// fastKDF lowers argon2id's cost for the test (the format stores the
// parameters, so nothing else changes).
func fastKDF(t *testing.T) {
	old := kdfParams
	kdfParams = argonParams{Time: 1, MemoryKiB: 64, Threads: 1}
	t.Cleanup(func() { kdfParams = old })
}

// passphrases answers Passphrase with pass and counts the questions.
type passphrases struct {
	pass     string
	asked    int
	confirms int
}

func (p *passphrases) opts() KeyringOptions {
	return KeyringOptions{Passphrase: func(_ string, confirm bool) ([]byte, error) {
		p.asked++
		if confirm {
			p.confirms++
		}
		return []byte(p.pass), nil
	}}
}

func TestFileKeyringEncryptsAtRest(t *testing.T) {
	fastKDF(t)
	dir := filepath.Join(t.TempDir(), "keyring")
	p := &passphrases{pass: "correct horse"}
	kr := OpenKeyring(dir, p.opts())
	b, err := kr.Backend()
	require.NoError(t, err)
	require.Equal(t, BackendFile, b, "a new keyring is a file keyring")

	alice, err := kr.Create("alice")
	require.NoError(t, err)
	require.Equal(t, 1, p.confirms, "the first key's passphrase is being chosen")
	bob, err := kr.Create("bob")
	require.NoError(t, err)
	require.Equal(t, 1, p.asked, "the passphrase is asked once per Keyring")

	raw, err := os.ReadFile(filepath.Join(dir, KeyringFile))
	require.NoError(t, err)
	for _, k := range []*Key{alice, bob} {
		require.NotContains(t, string(raw), hex.EncodeToString(k.PrivKey), "no private key in plaintext")
		require.NotContains(t, string(raw), hex.EncodeToString(k.PrivKey[:32]), "not even the seed")
		require.Contains(t, string(raw), k.Address().String(), "the public part stays readable")
	}
	require.Contains(t, string(raw), `"backend": "file"`)
	require.Contains(t, string(raw), `"kdf": "argon2id"`)
	require.NotContains(t, string(raw), `"priv_key"`)

	// A fresh Keyring asks again (not to confirm), and reads the keys.
	p2 := &passphrases{pass: "correct horse"}
	again := OpenKeyring(dir, p2.opts())
	list, err := again.List()
	require.NoError(t, err)
	require.Len(t, list, 2)
	require.Equal(t, KindEncrypted, list[0].Kind)
	require.Equal(t, 0, p2.asked, "listing needs no passphrase")
	got, err := again.Get("alice")
	require.NoError(t, err)
	require.Equal(t, alice.PrivKey, got.PrivKey)
	require.Equal(t, 1, p2.asked)
	require.Equal(t, 0, p2.confirms)
	s, err := again.Signer("bob")
	require.NoError(t, err)
	require.Equal(t, bob.PubKey(), s.PubKey())

	// Without a way to ask, the error says so.
	_, err = NewKeyring(dir).Get("alice")
	require.ErrorIs(t, err, ErrNoPassphrase)

	// A wrong passphrase is a clear error and writes nothing.
	wrong := OpenKeyring(dir, (&passphrases{pass: "wrong"}).opts())
	_, err = wrong.Get("alice")
	require.ErrorIs(t, err, ErrWrongPassphrase)
	require.Equal(t, "keyring "+filepath.Join(dir, KeyringFile)+": client: wrong keyring passphrase", err.Error())
	_, err = wrong.Create("carol")
	require.ErrorIs(t, err, ErrWrongPassphrase)
	_, err = wrong.Encrypt()
	require.NoError(t, err, "nothing to seal, nothing asked")
	after, err := os.ReadFile(filepath.Join(dir, KeyringFile))
	require.NoError(t, err)
	require.Equal(t, raw, after, "a wrong passphrase changes nothing")

	// A sealed key moved to another entry does not open.
	swapped := bytes.Replace(raw, []byte(`"name": "alice"`), []byte(`"name": "zed"`), 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, KeyringFile), swapped, 0o600))
	_, err = OpenKeyring(dir, (&passphrases{pass: "correct horse"}).opts()).Get("zed")
	require.NoError(t, err, "a renamed entry keeps its address and opens")

	// An altered ciphertext does not open either.
	tampered := bytes.Clone(raw)
	i := bytes.Index(tampered, []byte(`"ciphertext": "`)) + len(`"ciphertext": "`)
	if tampered[i] == '0' {
		tampered[i] = '1'
	} else {
		tampered[i] = '0'
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, KeyringFile), tampered, 0o600))
	_, err = OpenKeyring(dir, (&passphrases{pass: "correct horse"}).opts()).Get("alice")
	require.ErrorIs(t, err, ErrWrongPassphrase)
}

func TestFileKeyringSealedKeyBoundToItsAddress(t *testing.T) {
	fastKDF(t)
	a := &Key{Name: "a", PrivKey: make([]byte, 64)}
	copy(a.PrivKey, bytes.Repeat([]byte{1}, 64))
	k, err := testKeyring(t.TempDir()).Create("k")
	require.NoError(t, err)
	sealed, err := sealKey(k.PrivKey, k.Address(), []byte("pw"))
	require.NoError(t, err)
	_, err = sealed.open(a.Address(), []byte("pw"))
	require.ErrorIs(t, err, ErrWrongPassphrase, "the address is authenticated data")
	priv, err := sealed.open(k.Address(), []byte("pw"))
	require.NoError(t, err)
	require.Equal(t, k.PrivKey, priv)

	big := *sealed
	big.MemoryKiB = maxKDFMemoryKiB + 1
	_, err = big.open(k.Address(), []byte("pw"))
	require.ErrorContains(t, err, "out of bounds")
	other := *sealed
	other.KDF = "scrypt"
	_, err = other.open(k.Address(), []byte("pw"))
	require.ErrorContains(t, err, "only argon2id")
}

func TestBackendsAreRecorded(t *testing.T) {
	fastKDF(t)
	dir := t.TempDir()
	kr := testKeyring(dir)
	require.NoError(t, kr.Init())
	raw, err := os.ReadFile(filepath.Join(dir, KeyringFile))
	require.NoError(t, err)
	require.Contains(t, string(raw), `"backend": "test"`)

	// The recorded backend wins: asking for another one is refused.
	p := &passphrases{pass: "pw"}
	opts := p.opts()
	opts.Backend = BackendFile
	_, err = OpenKeyring(dir, opts).Create("alice")
	require.ErrorContains(t, err, "uses the test backend, not file")
	b, err := NewKeyring(dir).Backend()
	require.NoError(t, err)
	require.Equal(t, BackendTest, b)
	_, err = OpenKeyring(dir, KeyringOptions{Backend: "plain"}).List()
	require.ErrorContains(t, err, `backend "plain"`)
}

func TestEncryptConvertsPlaintextKeyrings(t *testing.T) {
	fastKDF(t)
	dir := t.TempDir()
	alice, err := testKeyring(dir).Create("alice")
	require.NoError(t, err)
	_, err = testKeyring(dir).Create("bob")
	require.NoError(t, err)

	// A keyring written before backends existed (no "backend") is a file
	// keyring holding plaintext keys: they are refused, not used.
	f := filepath.Join(dir, KeyringFile)
	raw, err := os.ReadFile(f)
	require.NoError(t, err)
	legacy := bytes.Replace(raw, []byte("  \"backend\": \"test\",\n"), nil, 1)
	require.NotEqual(t, raw, legacy)
	require.NoError(t, os.WriteFile(f, legacy, 0o600))
	p := &passphrases{pass: "pw"}
	kr := OpenKeyring(dir, p.opts())
	_, err = kr.Get("alice")
	require.ErrorIs(t, err, ErrPlaintextKey)
	require.ErrorContains(t, err, "govchain keys encrypt")
	_, err = kr.Signer("alice")
	require.ErrorIs(t, err, ErrPlaintextKey)
	_, err = kr.Create("carol")
	require.ErrorIs(t, err, ErrPlaintextKey, "no new key joins plaintext ones")
	require.Equal(t, 0, p.asked)
	list, err := kr.List()
	require.NoError(t, err, "the public part is still readable")
	require.Len(t, list, 2)

	n, err := kr.Encrypt()
	require.NoError(t, err)
	require.Equal(t, 2, n)
	require.Equal(t, 1, p.confirms)
	after, err := os.ReadFile(f)
	require.NoError(t, err)
	require.NotContains(t, string(after), hex.EncodeToString(alice.PrivKey))
	require.Contains(t, string(after), `"backend": "file"`)

	got, err := OpenKeyring(dir, (&passphrases{pass: "pw"}).opts()).Get("alice")
	require.NoError(t, err)
	require.Equal(t, alice.PrivKey, got.PrivKey)
	n, err = OpenKeyring(dir, (&passphrases{pass: "pw"}).opts()).Encrypt()
	require.NoError(t, err)
	require.Zero(t, n)

	// A test keyring converts the same way, and a failed passphrase
	// question leaves it as it was.
	dir2 := t.TempDir()
	_, err = testKeyring(dir2).Create("dave")
	require.NoError(t, err)
	before, err := os.ReadFile(filepath.Join(dir2, KeyringFile))
	require.NoError(t, err)
	failing := OpenKeyring(dir2, KeyringOptions{Passphrase: func(string, bool) ([]byte, error) { return nil, errors.New("no terminal") }})
	_, err = failing.Encrypt()
	require.ErrorContains(t, err, "no terminal")
	unchanged, err := os.ReadFile(filepath.Join(dir2, KeyringFile))
	require.NoError(t, err)
	require.Equal(t, before, unchanged)
	n, err = OpenKeyring(dir2, (&passphrases{pass: "pw"}).opts()).Encrypt()
	require.NoError(t, err)
	require.Equal(t, 1, n)
	b, err := NewKeyring(dir2).Backend()
	require.NoError(t, err)
	require.Equal(t, BackendFile, b)
}

func TestReadSecretFile(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "pass")
	require.NoError(t, os.WriteFile(f, []byte("s3cret\r\nignored\n"), 0o600))
	got, err := ReadSecretFile(f)
	require.NoError(t, err)
	require.Equal(t, "s3cret", string(got))
	require.NoError(t, os.Chmod(f, 0o640))
	_, err = ReadSecretFile(f)
	require.ErrorContains(t, err, "accessible by other users")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "empty"), []byte("\n"), 0o600))
	_, err = ReadSecretFile(filepath.Join(dir, "empty"))
	require.ErrorContains(t, err, "is empty")
	_, err = ReadSecretFile(filepath.Join(dir, "missing"))
	require.ErrorContains(t, err, "no such file")
}
