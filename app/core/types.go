package core

import (
	"bytes"
	"encoding/hex"
	"fmt"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/crypto/tmhash"
)

// AddressSize is the length of an account address in bytes.
const AddressSize = 20

// Address identifies an account: the first 20 bytes of SHA-256 of its
// ed25519 public key (the same rule as CometBFT's validator addresses). In
// JSON and on the command line it is 40 lower-case hex digits.
type Address [AddressSize]byte

// AddressOf derives the address of an ed25519 public key.
func AddressOf(pub ed25519.PubKey) Address {
	var a Address
	copy(a[:], tmhash.SumTruncated(pub))
	return a
}

// ParseAddress parses 40 hex digits (either case is accepted on input).
func ParseAddress(s string) (Address, error) {
	var a Address
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != AddressSize {
		return a, Wrapf(ErrInvalidAddress, "%q is not 40 hex digits", s)
	}
	copy(a[:], b)
	return a, nil
}

// String returns the lower-case hex form.
func (a Address) String() string { return hex.EncodeToString(a[:]) }

// Compare orders addresses by their bytes (-1, 0 or +1), the order of
// every sorted list of accounts.
func (a Address) Compare(b Address) int { return bytes.Compare(a[:], b[:]) }

// IsZero reports whether a is the zero address (never a valid signer).
func (a Address) IsZero() bool { return a == Address{} }

// MarshalText encodes the address as lower-case hex (JSON: a string).
func (a Address) MarshalText() ([]byte, error) {
	return hex.AppendEncode(nil, a[:]), nil
}

// UnmarshalText accepts only lower-case hex, so every address has one
// encoding.
func (a *Address) UnmarshalText(b []byte) error {
	s := string(b)
	p, err := ParseAddress(s)
	if err != nil {
		return err
	}
	if p.String() != s {
		return Wrapf(ErrInvalidAddress, "address %q must be lower-case hex", s)
	}
	*a = p
	return nil
}

// HexBytes is a byte slice that encodes in JSON as lower-case hex.
type HexBytes []byte

// String returns the lower-case hex form.
func (h HexBytes) String() string { return hex.EncodeToString(h) }

// MarshalText encodes as lower-case hex (JSON: a string).
func (h HexBytes) MarshalText() ([]byte, error) { return hex.AppendEncode(nil, h), nil }

// UnmarshalText accepts only lower-case hex, so every value has one
// encoding.
func (h *HexBytes) UnmarshalText(b []byte) error {
	d, err := hex.DecodeString(string(b))
	if err != nil {
		return fmt.Errorf("%q is not hex", b)
	}
	if hex.EncodeToString(d) != string(b) {
		return fmt.Errorf("%q must be lower-case hex", b)
	}
	*h = d
	return nil
}

// Hash is a SHA-256 digest, 64 lower-case hex digits in JSON. Documents stay
// with their owners; the ledger keeps their hashes.
type Hash [32]byte

// IsZero reports whether h is all zeros (never a valid document hash).
func (h Hash) IsZero() bool { return h == Hash{} }

// String returns the lower-case hex form.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// ParseHash parses 64 hex digits.
func ParseHash(s string) (Hash, error) {
	var h Hash
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, Wrapf(ErrInvalid, "%q is not a SHA-256 hash (64 hex digits)", s)
	}
	copy(h[:], b)
	return h, nil
}

// MarshalText encodes as lower-case hex (JSON: a string).
func (h Hash) MarshalText() ([]byte, error) { return hex.AppendEncode(nil, h[:]), nil }

// UnmarshalText accepts only 64 lower-case hex digits.
func (h *Hash) UnmarshalText(b []byte) error {
	s := string(b)
	p, err := ParseHash(s)
	if err != nil {
		return err
	}
	if p.String() != s {
		return Wrapf(ErrInvalid, "hash %q must be lower-case hex", s)
	}
	*h = p
	return nil
}
