package app

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

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
// that encoding/json produces for this struct; any other encoding of the
// same content is refused (see Decode).
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
	if err := msg.Validate(); err != nil {
		return nil, err
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("app: encode message: %w", err)
	}
	tx := &Tx{
		ChainID:  chainID,
		Signer:   core.HexBytes(key.PubKey().Bytes()),
		Sequence: sequence,
		Msg:      MsgEnvelope{Type: msg.Type(), Body: body},
	}
	sig, err := key.Sign(tx.SignBytes())
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
// check the chain id or the signature (see Validator.Check).
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
	// The canonical envelope is parsed by hand; anything else goes through
	// encoding/json, which names what is wrong.
	canonical := parseCanonicalEnvelope(raw, &tx)
	if !canonical {
		if err := strictUnmarshal(raw, &tx); err != nil {
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
	if err := strictUnmarshal(tx.Msg.Body, msg); err != nil {
		return nil, core.Wrapf(core.ErrMalformedTx, "body of %s: %v", tx.Msg.Type, err)
	}
	// Canonical check: re-encoding the decoded message and envelope must
	// give back exactly the bytes that were signed and sent.
	body, err := json.Marshal(msg)
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

// parseCanonicalEnvelope parses raw into tx if raw has exactly the form
// json.Marshal gives a Tx whose chain id and message type need no escaping
// and whose body is valid JSON:
//
//	{"chain_id":"…","signer":"<hex>","sequence":N,"msg":{"type":"…","body":…},"signature":"<hex>"}
//
// For such input strictUnmarshal would succeed with the same Tx, and once
// the body is found canonical the envelope re-encodes to raw, so decoding
// takes the same path with the same result, only without encoding/json's
// reflection. On false tx is left for strictUnmarshal to fill.
func parseCanonicalEnvelope(raw []byte, tx *Tx) bool {
	rest, ok := bytes.CutPrefix(raw, []byte(`{"chain_id":"`))
	if !ok {
		return false
	}
	chainID, rest, ok := cutPlainString(rest)
	if !ok {
		return false
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"signer":"`)); !ok {
		return false
	}
	signer, rest, ok := cutLowerHex(rest)
	if !ok {
		return false
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"sequence":`)); !ok {
		return false
	}
	end := bytes.IndexByte(rest, ',')
	if end < 1 || (end > 1 && rest[0] == '0') {
		return false
	}
	for _, c := range rest[:end] {
		if c < '0' || c > '9' {
			return false
		}
	}
	seq, err := strconv.ParseUint(string(rest[:end]), 10, 64)
	if err != nil {
		return false
	}
	if rest, ok = bytes.CutPrefix(rest[end:], []byte(`,"msg":{"type":"`)); !ok {
		return false
	}
	typ, rest, ok := cutPlainString(rest)
	if !ok {
		return false
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"body":`)); !ok {
		return false
	}
	// The signature is the last field, and hex holds no quote or brace, so
	// the last `},"signature":"` ends the body.
	at := bytes.LastIndex(rest, []byte(`},"signature":"`))
	if at < 0 {
		return false
	}
	body := rest[:at]
	// encoding/json would take the body without surrounding whitespace.
	if len(body) == 0 || jsonSpace(body[0]) || jsonSpace(body[len(body)-1]) {
		return false
	}
	sig, tail, ok := cutLowerHex(rest[at+len(`},"signature":"`):])
	if !ok || string(tail) != "}" || !json.Valid(body) {
		return false
	}
	*tx = Tx{ChainID: chainID, Signer: signer, Sequence: seq, Msg: MsgEnvelope{Type: typ, Body: json.RawMessage(body)}, Signature: sig}
	return true
}

// jsonSpace reports whether c is whitespace to JSON.
func jsonSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// cutPlainString returns the string before the next quote in b, if it is
// made only of characters encoding/json writes as they are (printable
// ASCII but for the quote, the backslash, <, > and &), and what follows
// the quote.
func cutPlainString(b []byte) (string, []byte, bool) {
	for i, c := range b {
		switch {
		case c == '"':
			return string(b[:i]), b[i+1:], true
		case c < 0x20 || c > 0x7e, c == '\\', c == '<', c == '>', c == '&':
			return "", nil, false
		}
	}
	return "", nil, false
}

// cutLowerHex decodes the lower-case hex before the next quote in b and
// returns it with what follows the quote.
func cutLowerHex(b []byte) (core.HexBytes, []byte, bool) {
	end := bytes.IndexByte(b, '"')
	if end < 0 || end%2 != 0 {
		return nil, nil, false
	}
	out := make([]byte, end/2)
	if !core.DecodeLowerHex(out, b[:end]) {
		return nil, nil, false
	}
	return out, b[end+1:], true
}

// strictUnmarshal decodes exactly one JSON value with unknown fields
// refused and nothing after it.
func strictUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the JSON value")
	}
	return nil
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
