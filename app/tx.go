package app

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/govchain/govchain/app/core"
)

// DefaultMaxTxBytes is the largest transaction accepted unless genesis sets
// another limit. Registries keep hashes, not documents, so 32 KiB is ample.
const DefaultMaxTxBytes = 32 * 1024

// signDomain prefixes the sign bytes so a govchain signature can never be
// mistaken for a signature over anything else (a vote, another protocol).
const signDomain = "govchain/tx/v1\n"

// Tx is the transaction envelope. Its canonical encoding is the compact JSON
// that encoding/json produces for this struct (core.Envelope has the same
// wire shape; see core's canonjson.go); any other encoding of the same
// content is refused (see Decode).
type Tx struct {
	ChainID   string        `json:"chain_id"`
	Signer    core.HexBytes `json:"signer"`
	Sequence  uint64        `json:"sequence"`
	Msg       MsgEnvelope   `json:"msg"`
	Signature core.HexBytes `json:"signature"`
}

// MsgEnvelope carries one message: its frozen type string and its body.
type MsgEnvelope struct {
	Type string          `json:"type"`
	Body json.RawMessage `json:"body"`
}

// signDoc is what the signature covers: everything but the signature.
type signDoc struct {
	ChainID  string        `json:"chain_id"`
	Signer   core.HexBytes `json:"signer"`
	Sequence uint64        `json:"sequence"`
	Msg      MsgEnvelope   `json:"msg"`
}

// SignBytes returns the bytes the signer signs: a domain prefix and the
// canonical JSON of chain id, signer, sequence and message.
func (tx *Tx) SignBytes() []byte {
	b, err := json.Marshal(signDoc{ChainID: tx.ChainID, Signer: tx.Signer, Sequence: tx.Sequence, Msg: tx.Msg})
	if err != nil {
		// Every field is a plain string, number or pre-validated raw JSON.
		panic(fmt.Sprintf("app: encode sign bytes: %v", err))
	}
	return append([]byte(signDomain), b...)
}

// SignerAddress is the address of the signing key.
func (tx *Tx) SignerAddress() core.Address { return core.AddressOf(ed25519.PubKey(tx.Signer)) }

// NewTx builds and signs a transaction carrying msg. The message is
// validated first, so a client never signs what the chain would refuse
// statelessly.
func NewTx(chainID string, key ed25519.PrivKey, sequence uint64, msg core.Msg) ([]byte, error) {
	return NewSignedTx(chainID, key.PubKey().(ed25519.PubKey), key.Sign, sequence, msg)
}

// NewSignedTx is NewTx for a key held elsewhere (a hardware token, say):
// pub is the signer's ed25519 public key and sign returns its signature
// of the sign bytes. The bytes equal NewTx's for the same key.
func NewSignedTx(chainID string, pub ed25519.PubKey, sign func(msg []byte) ([]byte, error), sequence uint64, msg core.Msg) ([]byte, error) {
	if err := msg.Validate(); err != nil {
		return nil, err
	}
	if len(pub) != ed25519.PubKeySize {
		return nil, fmt.Errorf("app: signer public key must be %d bytes, not %d", ed25519.PubKeySize, len(pub))
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("app: encode message: %w", err)
	}
	tx := &Tx{
		ChainID:  chainID,
		Signer:   core.HexBytes(pub.Bytes()),
		Sequence: sequence,
		Msg:      MsgEnvelope{Type: msg.Type(), Body: body},
	}
	sig, err := sign(tx.SignBytes())
	if err != nil {
		return nil, fmt.Errorf("app: sign: %w", err)
	}
	tx.Signature = sig
	return json.Marshal(tx)
}

// DecodedTx is a transaction that passed the stateless checks: size,
// canonical encoding, known message type, message Validate, chain id and
// signature.
type DecodedTx struct {
	Tx     *Tx
	Msg    core.Msg
	Signer core.Address
	Hash   []byte
	Size   int
	// signBytes are Tx.SignBytes(), cut from the canonical bytes by Decode
	// (nil: compute them).
	signBytes []byte
}

// SignBytes returns the bytes the signature covers (Tx.SignBytes).
func (d *DecodedTx) SignBytes() []byte {
	if d.signBytes != nil {
		return d.signBytes
	}
	return d.Tx.SignBytes()
}

// canonicalSignBytes returns tx's sign bytes taken from raw, its canonical
// encoding, without encoding anything again: the envelope's fields before
// the signature encode exactly as the sign document's fields do (same
// names, order and values), so the sign document is raw without its last
// field. It returns nil if raw does not end with tx's signature field.
func canonicalSignBytes(raw []byte, tx *Tx) []byte {
	suffix := make([]byte, 0, 16+2*len(tx.Signature))
	suffix = append(suffix, `,"signature":"`...)
	suffix = hex.AppendEncode(suffix, tx.Signature)
	suffix = append(suffix, `"}`...)
	if !bytes.HasSuffix(raw, suffix) {
		return nil
	}
	doc := raw[:len(raw)-len(suffix)]
	out := make([]byte, 0, len(signDomain)+len(doc)+1)
	out = append(out, signDomain...)
	out = append(out, doc...)
	return append(out, '}')
}

// Decode parses raw transaction bytes into the envelope and message, and
// refuses anything that is not the canonical encoding: unknown fields,
// trailing data, other spacing or field order, upper-case hex. It does not
// check the chain id or the signature (VerifySignature does).
func Decode(raw []byte, maxBytes int) (*DecodedTx, error) {
	return decodeHashed(raw, maxBytes, nil)
}

// decodeHashed is Decode for a caller that has already computed the
// SHA-256 of raw (hash; nil: Decode computes it).
func decodeHashed(raw []byte, maxBytes int, hash *[sha256.Size]byte) (*DecodedTx, error) {
	if len(raw) > maxBytes {
		return nil, core.Wrapf(core.ErrTxTooLarge, "%d bytes, limit %d", len(raw), maxBytes)
	}
	var tx Tx
	// The canonical envelope takes the codec's fast path; anything else goes
	// through encoding/json, which names what is wrong.
	e, canonical := core.ParseCanonicalEnvelope(raw)
	if canonical {
		tx = Tx{ChainID: e.ChainID, Signer: e.Signer, Sequence: e.Sequence, Msg: MsgEnvelope{Type: e.Msg.Type, Body: e.Msg.Body}, Signature: e.Signature}
	} else {
		if err := core.StrictUnmarshal(raw, &tx); err != nil {
			return nil, core.Wrapf(core.ErrMalformedTx, "%v", err)
		}
	}
	if len(tx.Signer) != ed25519.PubKeySize {
		return nil, core.Wrapf(core.ErrMalformedTx, "signer must be a %d-byte ed25519 public key", ed25519.PubKeySize)
	}
	if len(tx.Signature) != ed25519.SignatureSize {
		return nil, core.Wrapf(core.ErrMalformedTx, "signature must be %d bytes", ed25519.SignatureSize)
	}
	msg, err := NewMsg(tx.Msg.Type)
	if err != nil {
		return nil, err
	}
	if err := core.StrictUnmarshal(tx.Msg.Body, msg); err != nil {
		return nil, core.Wrapf(core.ErrMalformedTx, "body of %s: %v", tx.Msg.Type, err)
	}
	// Canonical check: re-encoding the decoded message and envelope must
	// give back exactly the bytes that were signed and sent.
	body, err := core.MarshalCanonical(msg)
	if err != nil {
		return nil, core.Wrapf(core.ErrMalformedTx, "body of %s does not re-encode: %v", tx.Msg.Type, err)
	}
	if !bytes.Equal(body, tx.Msg.Body) {
		return nil, core.Wrapf(core.ErrNonCanonical, "body of %s", tx.Msg.Type)
	}
	if !canonical {
		again, err := json.Marshal(&tx)
		if err != nil || !bytes.Equal(again, raw) {
			return nil, core.Wrapf(core.ErrNonCanonical, "envelope")
		}
	}
	if err := msg.Validate(); err != nil {
		return nil, err
	}
	if hash == nil {
		h := sha256.Sum256(raw)
		hash = &h
	}
	return &DecodedTx{Tx: &tx, Msg: msg, Signer: tx.SignerAddress(), Hash: hash[:], Size: len(raw),
		signBytes: canonicalSignBytes(raw, &tx)}, nil
}

// VerifySignature checks the chain id and the signature of a decoded
// transaction. It is pure and safe to call from many goroutines.
func VerifySignature(d *DecodedTx, chainID string) error {
	if err := CheckChainID(d, chainID); err != nil {
		return err
	}
	if !ed25519.PubKey(d.Tx.Signer).VerifySignature(d.SignBytes(), d.Tx.Signature) {
		return errBadSignature(d)
	}
	return nil
}

// CheckChainID refuses a transaction signed for another chain.
func CheckChainID(d *DecodedTx, chainID string) error {
	if d.Tx.ChainID != chainID {
		return core.Wrapf(core.ErrWrongChainID, "transaction is for %q, this chain is %q", d.Tx.ChainID, chainID)
	}
	return nil
}

func errBadSignature(d *DecodedTx) error {
	return core.Wrapf(core.ErrBadSignature, "signer %s", d.Signer)
}
