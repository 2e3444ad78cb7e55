package seal

import (
	"crypto/hpke"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// InfoLabel starts every HPKE info this package builds; it names the
// format, so that a later format can never produce the same info.
const InfoLabel = "govchain/seal/v1"

// Info returns the HPKE info that binds a sealed payload to one chain, one
// access request and one recipient key id:
//
//	"govchain/seal/v1" (16 bytes)
//	uvarint(len(chainID))  chainID
//	uint64 big-endian      requestID
//	uvarint(len(keyID))    keyID
//
// The lengths make the encoding injective: two different triples never give
// the same info, so a ciphertext sealed for one request, chain or key id
// opens for no other.
func Info(chainID string, requestID uint64, keyID string) []byte {
	b := make([]byte, 0, len(InfoLabel)+2*binary.MaxVarintLen64+len(chainID)+8+len(keyID))
	b = append(b, InfoLabel...)
	b = binary.AppendUvarint(b, uint64(len(chainID)))
	b = append(b, chainID...)
	b = binary.BigEndian.AppendUint64(b, requestID)
	b = binary.AppendUvarint(b, uint64(len(keyID)))
	b = append(b, keyID...)
	return b
}

// DetailsInfoLabel starts the HPKE info of the sealed details of a covert
// access request (DetailsInfo). It differs from InfoLabel from its 15th
// byte on, so no details info is ever a payload info.
const DetailsInfoLabel = "govchain/seal/details/v1"

// DetailsInfo returns the HPKE info that binds the sealed details of a
// covert access request to one chain, one details commitment (the
// SHA-256 the request puts on chain; the request id is not known before
// the request is in a block) and one recipient key id:
//
//	"govchain/seal/details/v1" (24 bytes)
//	uvarint(len(chainID))  chainID
//	commitment             32 bytes
//	uvarint(len(keyID))    keyID
//
// Like Info it is injective, and a ciphertext sealed under one details
// info opens under no other info of either kind.
func DetailsInfo(chainID string, commitment [32]byte, keyID string) []byte {
	b := make([]byte, 0, len(DetailsInfoLabel)+2*binary.MaxVarintLen64+len(chainID)+len(commitment)+len(keyID))
	b = append(b, DetailsInfoLabel...)
	b = binary.AppendUvarint(b, uint64(len(chainID)))
	b = append(b, chainID...)
	b = append(b, commitment[:]...)
	b = binary.AppendUvarint(b, uint64(len(keyID)))
	b = append(b, keyID...)
	return b
}

// Seal encrypts plaintext to the public key pub of the suite with
// single-shot HPKE in base mode (no sender authentication, no aad), bound
// to info. The ciphertext is the encapsulated key (EncSize bytes) followed
// by the ChaCha20-Poly1305 ciphertext of plaintext (its length plus
// TagSize), exactly as crypto/hpke's Seal returns it. pub is checked as
// NewPublicKey checks it; a sender that seals often to one key parses it
// once and calls PublicKey.Seal. Every call draws a fresh ephemeral key
// from crypto/rand, so two seals of one plaintext differ.
func Seal(suiteName string, pub []byte, info, plaintext []byte) ([]byte, error) {
	p, err := NewPublicKey(suiteName, pub)
	if err != nil {
		return nil, err
	}
	return p.Seal(info, plaintext)
}

// Seal is the package's Seal to a parsed public key.
func (p *PublicKey) Seal(info, plaintext []byte) ([]byte, error) {
	if p == nil || p.key == nil {
		return nil, fmt.Errorf("%w: no key", ErrPublicKey)
	}
	ct, err := hpke.Seal(p.key, hpke.HKDFSHA256(), hpke.ChaCha20Poly1305(), info, plaintext)
	if err != nil {
		return nil, fmt.Errorf("seal: seal to %s key: %w", p.suite.name, err)
	}
	return ct, nil
}

// Open decrypts a ciphertext made by Seal to priv's public key with the
// same info. It fails, with an error wrapping ErrOpen, on any other key,
// any other info, a ciphertext of another suite and any change to the
// ciphertext; it never returns a partial plaintext.
func Open(priv *PrivateKey, info, ciphertext []byte) ([]byte, error) {
	if priv == nil || priv.key == nil {
		return nil, fmt.Errorf("%w: no private key", ErrOpen)
	}
	if least := priv.suite.encSize + TagSize; len(ciphertext) < least {
		return nil, fmt.Errorf("%w: %s ciphertext is at least %d bytes, got %d", ErrOpen, priv.suite.name, least, len(ciphertext))
	}
	pt, err := hpke.Open(priv.key, hpke.HKDFSHA256(), hpke.ChaCha20Poly1305(), info, ciphertext)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrOpen, err)
	}
	return pt, nil
}

// PayloadHash returns the SHA-256 of a sealed payload's bytes (the whole
// ciphertext, encapsulated key included): the payload_hash a delivery
// receipt and a complaint name, so that the requester's copy can be matched
// to the receipt the owner's data service signed.
func PayloadHash(sealed []byte) [32]byte {
	return sha256.Sum256(sealed)
}
