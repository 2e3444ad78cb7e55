package client

import (
	"crypto/rand"
	"errors"
	"fmt"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/govchain/govchain/app/core"
)

// A private key of a file keyring is sealed with a key derived from the
// keyring's passphrase: argon2id (RFC 9106) with a random 16-byte salt of
// its own, then XChaCha20-Poly1305 with a random 24-byte nonce. The
// associated data is sealLabel and the key's address, so a sealed key
// moved to another entry does not open. The parameters are stored beside
// each sealed key: raising kdfParams later leaves old keys readable.
const (
	sealKDF    = "argon2id"
	sealCipher = "xchacha20-poly1305"
	sealLabel  = "govchain/keyring/v1"
	saltSize   = 16
)

// ErrWrongPassphrase means a sealed key did not open: the passphrase is
// not the keyring's (or the file was altered).
var ErrWrongPassphrase = errors.New("client: wrong keyring passphrase")

// argonParams are argon2id's cost parameters.
type argonParams struct {
	Time      uint32
	MemoryKiB uint32
	Threads   uint8
}

// kdfParams seals new keys: RFC 9106's second recommended option (3
// passes over 64 MiB, 4 lanes), about a quarter of a second on one core.
// Tests of this package lower it.
var kdfParams = argonParams{Time: 3, MemoryKiB: 64 * 1024, Threads: 4}

// Bounds a sealed key's parameters must keep, so that a crafted keyring
// cannot make opening it take minutes or gigabytes.
const (
	maxKDFTime      = 16
	maxKDFMemoryKiB = 1 << 20
)

// sealedKey is a private key sealed with the keyring's passphrase, as
// stored in the "encrypted" field of a keyring entry.
type sealedKey struct {
	KDF        string        `json:"kdf"`
	Time       uint32        `json:"time"`
	MemoryKiB  uint32        `json:"memory_kib"`
	Threads    uint8         `json:"threads"`
	Salt       core.HexBytes `json:"salt"`
	Cipher     string        `json:"cipher"`
	Nonce      core.HexBytes `json:"nonce"`
	Ciphertext core.HexBytes `json:"ciphertext"`
}

func sealAD(addr core.Address) []byte { return append([]byte(sealLabel), addr[:]...) }

// sealKey encrypts priv (the key of addr) with passphrase.
func sealKey(priv ed25519.PrivKey, addr core.Address, passphrase []byte) (*sealedKey, error) {
	p := kdfParams
	s := &sealedKey{KDF: sealKDF, Time: p.Time, MemoryKiB: p.MemoryKiB, Threads: p.Threads, Cipher: sealCipher,
		Salt: make([]byte, saltSize), Nonce: make([]byte, chacha20poly1305.NonceSizeX)}
	if _, err := rand.Read(s.Salt); err != nil {
		return nil, fmt.Errorf("client: keyring salt: %w", err)
	}
	if _, err := rand.Read(s.Nonce); err != nil {
		return nil, fmt.Errorf("client: keyring nonce: %w", err)
	}
	aead, err := chacha20poly1305.NewX(argon2.IDKey(passphrase, s.Salt, p.Time, p.MemoryKiB, p.Threads, chacha20poly1305.KeySize))
	if err != nil {
		return nil, err
	}
	s.Ciphertext = aead.Seal(nil, s.Nonce, priv, sealAD(addr))
	return s, nil
}

// open decrypts s, the sealed key of addr, with passphrase. A wrong
// passphrase is ErrWrongPassphrase.
func (s *sealedKey) open(addr core.Address, passphrase []byte) (ed25519.PrivKey, error) {
	switch {
	case s.KDF != sealKDF || s.Cipher != sealCipher:
		return nil, fmt.Errorf("client: sealed key uses %s with %s; only %s with %s is known", s.KDF, s.Cipher, sealKDF, sealCipher)
	case s.Time < 1 || s.Time > maxKDFTime || s.MemoryKiB < 8*uint32(s.Threads) || s.MemoryKiB > maxKDFMemoryKiB || s.Threads < 1:
		return nil, fmt.Errorf("client: sealed key's %s parameters (time %d, memory %d KiB, threads %d) are out of bounds", sealKDF, s.Time, s.MemoryKiB, s.Threads)
	case len(s.Salt) != saltSize || len(s.Nonce) != chacha20poly1305.NonceSizeX ||
		len(s.Ciphertext) != ed25519.PrivateKeySize+chacha20poly1305.Overhead:
		return nil, fmt.Errorf("client: sealed key has a salt, nonce or ciphertext of the wrong size")
	}
	aead, err := chacha20poly1305.NewX(argon2.IDKey(passphrase, s.Salt, s.Time, s.MemoryKiB, s.Threads, chacha20poly1305.KeySize))
	if err != nil {
		return nil, err
	}
	priv, err := aead.Open(nil, s.Nonce, s.Ciphertext, sealAD(addr))
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	return ed25519.PrivKey(priv), nil
}
