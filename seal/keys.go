package seal

import (
	"bytes"
	"crypto/ecdh"
	"crypto/hpke"
	"errors"
	"fmt"
	"sync"
)

// The suite names, frozen: they are stored on chain in every AgencyKey.
const (
	// SuiteX25519 is DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
	// ChaCha20-Poly1305.
	SuiteX25519 = "x25519"
	// SuiteMLKEM768X25519 is the hybrid KEM MLKEM768-X25519 (X-Wing),
	// HKDF-SHA256, ChaCha20-Poly1305.
	SuiteMLKEM768X25519 = "mlkem768-x25519"
)

// Sizes of the byte strings of each suite.
const (
	// X25519PublicKeySize is the size of an x25519 public key.
	X25519PublicKeySize = 32
	// MLKEM768X25519PublicKeySize is the size of an mlkem768-x25519 public
	// key: the ML-KEM-768 encapsulation key (1184 bytes), then the X25519
	// public key (32 bytes).
	MLKEM768X25519PublicKeySize = 1184 + 32
	// PrivateKeySize is the size of an encoded private key of either suite.
	PrivateKeySize = 32
	// TagSize is the size of the ChaCha20-Poly1305 tag that ends every
	// ciphertext.
	TagSize = 16
)

// Errors. Every error the package returns wraps one of these, and its text
// starts with "seal: ".
var (
	ErrUnknownSuite   = errors.New("seal: unknown suite")
	ErrPublicKey      = errors.New("seal: invalid public key")
	ErrPrivateKey     = errors.New("seal: invalid private key")
	ErrOpen           = errors.New("seal: cannot open the ciphertext")
	ErrPayload        = errors.New("seal: invalid payload")
	ErrPayloadBinding = errors.New("seal: payload names another chain or request")
)

// suite is one ciphersuite: the KEM and the sizes of its byte strings. The
// KDF (HKDF-SHA256) and the AEAD (ChaCha20-Poly1305) are the same for both.
type suite struct {
	name    string
	kem     hpke.KEM
	pubSize int
	encSize int
	// x25519At is the offset of the X25519 public key inside the public
	// key's bytes.
	x25519At int
}

var (
	suiteX25519 = &suite{
		name:     SuiteX25519,
		kem:      hpke.DHKEM(ecdh.X25519()),
		pubSize:  X25519PublicKeySize,
		encSize:  32,
		x25519At: 0,
	}
	suiteMLKEM768X25519 = &suite{
		name:     SuiteMLKEM768X25519,
		kem:      hpke.MLKEM768X25519(),
		pubSize:  MLKEM768X25519PublicKeySize,
		encSize:  1088 + 32,
		x25519At: 1184,
	}
)

// Suites returns the suite names, sorted.
func Suites() []string {
	return []string{SuiteMLKEM768X25519, SuiteX25519}
}

// lookup returns the suite named name.
func lookup(name string) (*suite, error) {
	switch name {
	case SuiteX25519:
		return suiteX25519, nil
	case SuiteMLKEM768X25519:
		return suiteMLKEM768X25519, nil
	default:
		return nil, fmt.Errorf("%w %q (want %q or %q)", ErrUnknownSuite, name, SuiteX25519, SuiteMLKEM768X25519)
	}
}

// EncSize returns the size of the encapsulated key that starts every
// ciphertext of the suite: 32 bytes for x25519, 1120 (an ML-KEM-768
// ciphertext of 1088 bytes, then an X25519 public key) for mlkem768-x25519.
func EncSize(suiteName string) (int, error) {
	s, err := lookup(suiteName)
	if err != nil {
		return 0, err
	}
	return s.encSize, nil
}

// PublicKey is a parsed public key of one suite, ready to seal to.
type PublicKey struct {
	suite *suite
	key   hpke.PublicKey
}

// ParsePublicKey reports whether b is a public key of the suite that the
// chain accepts: nil if it is, else an error wrapping ErrUnknownSuite or
// ErrPublicKey that says why. It is deterministic and reads nothing but its
// arguments, so a transaction may be validated with it. NewPublicKey says
// what is checked.
func ParsePublicKey(suiteName string, b []byte) error {
	_, err := NewPublicKey(suiteName, b)
	return err
}

// NewPublicKey parses b as a public key of the suite. It refuses an unknown
// suite, a length other than the suite's, bytes that crypto/hpke refuses
// (for mlkem768-x25519, an ML-KEM-768 encapsulation key whose coefficients
// are not reduced), an X25519 part that is not the canonical encoding of
// its u-coordinate (the top bit set, or a value of at least 2^255-19) and
// an X25519 part of small order, with which every seal would fail (its
// shared secret is zero). It is deterministic and reads nothing but its
// arguments.
func NewPublicKey(suiteName string, b []byte) (*PublicKey, error) {
	s, err := lookup(suiteName)
	if err != nil {
		return nil, err
	}
	if len(b) != s.pubSize {
		return nil, fmt.Errorf("%w: %s public key is %d bytes, got %d", ErrPublicKey, s.name, s.pubSize, len(b))
	}
	if err := checkX25519(b[s.x25519At:]); err != nil {
		return nil, fmt.Errorf("%w: %s public key: %v", ErrPublicKey, s.name, err)
	}
	key, err := s.kem.NewPublicKey(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %s public key refused by crypto/hpke: %v", ErrPublicKey, s.name, err)
	}
	if !bytes.Equal(key.Bytes(), b) {
		return nil, fmt.Errorf("%w: %s public key is not in canonical form", ErrPublicKey, s.name)
	}
	return &PublicKey{suite: s, key: key}, nil
}

// Suite returns the public key's suite name.
func (p *PublicKey) Suite() string { return p.suite.name }

// Bytes returns the public key's bytes, as the chain stores them.
func (p *PublicKey) Bytes() []byte { return p.key.Bytes() }

// lowOrderProbe returns a fixed, public X25519 private key. X25519 clamps
// its scalar to a multiple of 8, so its product with a point whose order
// divides 8 is zero; and the clamped scalar is divisible by neither large
// prime (the order of the curve's prime subgroup, nor of its twist's:
// TestLowOrderProbe checks it), so its product with any other point is
// not. It is made on first use, not at package initialisation, so that a
// process where crypto/ecdh refuses X25519 (GODEBUG=fips140=only) gets an
// error, not a panic.
// lowOrderProbeByte, 32 times, is lowOrderProbe's scalar before clamping.
const lowOrderProbeByte = 0x5e

var lowOrderProbe = sync.OnceValues(func() (*ecdh.PrivateKey, error) {
	return ecdh.X25519().NewPrivateKey(bytes.Repeat([]byte{lowOrderProbeByte}, 32))
})

// checkX25519 refuses the 32 bytes of an X25519 public key unless they are
// the canonical encoding of a u-coordinate of order greater than 8.
func checkX25519(u []byte) error {
	if u[31]&0x80 != 0 {
		return errors.New("X25519 part is not canonical: the top bit is set")
	}
	// u >= p = 2^255-19 is ed ff ... ff 7f little-endian, or above it.
	if u[31] == 0x7f && u[0] >= 0xed && allFF(u[1:31]) {
		return errors.New("X25519 part is not canonical: at least 2^255-19")
	}
	pub, err := ecdh.X25519().NewPublicKey(u)
	if err != nil {
		return fmt.Errorf("X25519 part refused by crypto/ecdh: %v", err)
	}
	probe, err := lowOrderProbe()
	if err != nil {
		return fmt.Errorf("X25519 refused by crypto/ecdh: %v", err)
	}
	if _, err := probe.ECDH(pub); err != nil {
		return errors.New("X25519 part is a point of small order")
	}
	return nil
}

func allFF(b []byte) bool {
	for _, c := range b {
		if c != 0xff {
			return false
		}
	}
	return true
}

// PrivateKey is an agency's private key of one suite: the only key that
// opens what is sealed to its public key. It is created by GenerateKey or
// ParsePrivateKey; the zero value opens nothing.
type PrivateKey struct {
	suite *suite
	key   hpke.PrivateKey
	pub   []byte
}

// GenerateKey makes a new key pair of the suite from crypto/rand.
func GenerateKey(suiteName string) (*PrivateKey, error) {
	s, err := lookup(suiteName)
	if err != nil {
		return nil, err
	}
	for {
		key, err := s.kem.GenerateKey()
		if err != nil {
			return nil, fmt.Errorf("seal: generate a %s key: %w", s.name, err)
		}
		pub := key.PublicKey().Bytes()
		// A key whose public key NewPublicKey refuses (its X25519 part of
		// small order: probability below 2^-250) could never be
		// registered; draw again.
		if _, err := NewPublicKey(s.name, pub); err == nil {
			return &PrivateKey{suite: s, key: key, pub: pub}, nil
		}
	}
}

// ParsePrivateKey parses b, a private key of the suite as MarshalBinary
// encodes it. Any 32 bytes are a key of either suite (an X25519 scalar, or
// the 32-byte seed of an mlkem768-x25519 key), so b must be given with its
// suite. It refuses a key whose public key NewPublicKey refuses. It is
// deterministic and reads nothing but its arguments.
func ParsePrivateKey(suiteName string, b []byte) (*PrivateKey, error) {
	s, err := lookup(suiteName)
	if err != nil {
		return nil, err
	}
	if len(b) != PrivateKeySize {
		return nil, fmt.Errorf("%w: %s private key is %d bytes, got %d", ErrPrivateKey, s.name, PrivateKeySize, len(b))
	}
	key, err := s.kem.NewPrivateKey(b)
	if err != nil {
		return nil, fmt.Errorf("%w: %s private key refused by crypto/hpke: %v", ErrPrivateKey, s.name, err)
	}
	pub := key.PublicKey().Bytes()
	if _, err := NewPublicKey(s.name, pub); err != nil {
		return nil, fmt.Errorf("%w: its public key is unusable: %v", ErrPrivateKey, err)
	}
	return &PrivateKey{suite: s, key: key, pub: pub}, nil
}

// Suite returns the key's suite name.
func (k *PrivateKey) Suite() string { return k.suite.name }

// PublicKeyBytes returns the bytes of the key's public key, as the chain
// stores them in an AgencyKey (32 bytes for x25519; 1216 for
// mlkem768-x25519: the ML-KEM-768 encapsulation key, then the X25519 public
// key).
func (k *PrivateKey) PublicKeyBytes() []byte { return bytes.Clone(k.pub) }

// PublicKey returns the key's public key, ready to seal to.
func (k *PrivateKey) PublicKey() *PublicKey {
	return &PublicKey{suite: k.suite, key: k.key.PublicKey()}
}

// MarshalBinary returns the private key's 32 bytes for storage: RFC 9180's
// SerializePrivateKey, that is the clamped X25519 scalar for x25519 and the
// 32-byte seed for mlkem768-x25519. ParsePrivateKey reads them back. The
// bytes are secret.
func (k *PrivateKey) MarshalBinary() ([]byte, error) {
	if k == nil || k.key == nil {
		return nil, fmt.Errorf("%w: no key", ErrPrivateKey)
	}
	b, err := k.key.Bytes()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPrivateKey, err)
	}
	return b, nil
}
