package seal

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits of a payload.
const (
	// MaxFields is the most fields a payload holds: the most a data class
	// declares.
	MaxFields = 64
	// MaxNameLen is the longest field name: field names are identifiers
	// of 1-64 bytes of letters, digits and - _ . : as on chain.
	MaxNameLen = 64
	// MaxChainIDLen is the longest chain id (CometBFT's limit).
	MaxChainIDLen = 50
)

// Errors of CheckPayload, each inside a *FieldError that names the field.
var (
	ErrCommitmentMismatch = errors.New("seal: value and salt do not match the field's commitment")
	ErrFieldMissing       = errors.New("seal: a field with a commitment is missing from the payload")
	ErrFieldNotRequested  = errors.New("seal: the payload holds a field that has no commitment")
)

// Salt is the 32-byte secret salt of one field of one record version. In
// JSON it is 64 lower-case hex digits.
type Salt [32]byte

// NewSalt returns a fresh salt from crypto/rand.
func NewSalt() Salt {
	var s Salt
	// crypto/rand.Read never returns an error: it crashes the program if
	// the system's generator fails.
	_, _ = rand.Read(s[:])
	return s
}

// MarshalText returns the salt as 64 lower-case hex digits.
func (s Salt) MarshalText() ([]byte, error) {
	return hex.AppendEncode(nil, s[:]), nil
}

// UnmarshalText reads a salt of exactly 64 lower-case hex digits.
func (s *Salt) UnmarshalText(b []byte) error {
	if len(b) != 2*len(s) {
		return fmt.Errorf("%w: a salt is %d hex digits, got %d", ErrPayload, 2*len(s), len(b))
	}
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return fmt.Errorf("%w: a salt is lower-case hex digits only", ErrPayload)
		}
	}
	_, err := hex.Decode(s[:], b)
	return err
}

// Field is one field of a record as the owner's data service delivers it:
// its name in the data class, its value and the salt of its commitment.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
	Salt  Salt   `json:"salt"`
}

// Commitment returns the field's commitment, Commitment(f.Salt, f.Name,
// f.Value).
func (f Field) Commitment() [32]byte {
	return Commitment(f.Salt, f.Name, f.Value)
}

// Commitment returns the commitment of one field of a record, as the chain
// stores it:
//
//	SHA-256(salt || 0x00 || name || 0x00 || value)
//
// with salt the field's 32 bytes. A field name holds no 0x00 byte, so the
// first 0x00 after the salt ends the name and no two (name, value) pairs
// hash the same bytes. A fresh salt per field per version makes equal
// values in two records commit to unrelated hashes, and hides a value with
// few possibilities from anyone without the salt.
func Commitment(salt [32]byte, name, value string) [32]byte {
	h := sha256.New()
	h.Write(salt[:])
	h.Write([]byte{0})
	h.Write([]byte(name))
	h.Write([]byte{0})
	h.Write([]byte(value))
	var c [32]byte
	h.Sum(c[:0])
	return c
}

// Payload is what the owner's data service seals to the requester for one
// access request: the requested fields of one record, sorted by name, with
// the chain and request they answer. Its one encoding is the compact JSON
// that encoding/json gives it (fields in declaration order, HTML characters
// escaped):
//
//	{"fields":[{"name":"…","value":"…","salt":"<64 hex>"},…],"request_id":N,"chain_id":"…"}
type Payload struct {
	Fields    []Field `json:"fields"`
	RequestID uint64  `json:"request_id"`
	ChainID   string  `json:"chain_id"`
}

// Validate checks p: 1 to MaxFields fields with names that are identifiers
// (1-64 bytes of letters, digits and - _ . :) in strictly increasing byte
// order, values of valid UTF-8, no salt of all zeros (an unset salt), and a
// chain id of 1 to MaxChainIDLen bytes of valid UTF-8. Errors wrap
// ErrPayload.
func (p Payload) Validate() error {
	if len(p.Fields) == 0 || len(p.Fields) > MaxFields {
		return fmt.Errorf("%w: %d fields, want 1 to %d", ErrPayload, len(p.Fields), MaxFields)
	}
	for i, f := range p.Fields {
		if !isIdentifier(f.Name) {
			return fmt.Errorf("%w: field %d: name %q is not an identifier (1-%d bytes of letters, digits, -, _, . or :)", ErrPayload, i, f.Name, MaxNameLen)
		}
		if i > 0 && f.Name <= p.Fields[i-1].Name {
			return fmt.Errorf("%w: field %q after %q: fields must be sorted by name, each once", ErrPayload, f.Name, p.Fields[i-1].Name)
		}
		if !utf8.ValidString(f.Value) {
			return fmt.Errorf("%w: field %q: value is not valid UTF-8", ErrPayload, f.Name)
		}
		if f.Salt == (Salt{}) {
			return fmt.Errorf("%w: field %q: salt is all zeros", ErrPayload, f.Name)
		}
	}
	if p.ChainID == "" || len(p.ChainID) > MaxChainIDLen || !utf8.ValidString(p.ChainID) {
		return fmt.Errorf("%w: chain id must be 1-%d bytes of valid UTF-8", ErrPayload, MaxChainIDLen)
	}
	return nil
}

// isIdentifier reports whether s is 1 to MaxNameLen bytes, each a letter,
// a digit or one of - _ . :.
func isIdentifier(s string) bool {
	if s == "" || len(s) > MaxNameLen {
		return false
	}
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:") == ""
}

// EncodePayload validates p and returns its one encoding.
func EncodePayload(p Payload) ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPayload, err)
	}
	return b, nil
}

// DecodePayload decodes b strictly: exactly one JSON object, no unknown
// field, a valid payload, and b must be the payload's one encoding
// (EncodePayload of the result gives b back byte for byte), so that no two
// accepted byte strings carry the same payload. Errors wrap ErrPayload.
func DecodePayload(b []byte) (Payload, error) {
	var p Payload
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Payload{}, fmt.Errorf("%w: %v", ErrPayload, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Payload{}, fmt.Errorf("%w: data after the JSON object", ErrPayload)
	}
	again, err := EncodePayload(p)
	if err != nil {
		return Payload{}, err
	}
	if !bytes.Equal(again, b) {
		return Payload{}, fmt.Errorf("%w: not in canonical form (compact JSON, keys in the order fields, request_id, chain_id and name, value, salt, each once, as encoding/json writes them)", ErrPayload)
	}
	return p, nil
}

// FieldError is CheckPayload's error: the field it names and what is wrong
// with it (ErrCommitmentMismatch, ErrFieldMissing or ErrFieldNotRequested,
// which errors.Is finds through it).
type FieldError struct {
	Name string
	Err  error
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("seal: field %q: %s", e.Name, strings.TrimPrefix(e.Err.Error(), "seal: "))
}

func (e *FieldError) Unwrap() error { return e.Err }

// CheckPayload checks a payload against the commitments of the fields the
// request asked for (field name -> commitment, taken from the record on
// chain): each field of p must have a commitment and match it, and each
// commitment must have its field in p. It returns nil if all match, an
// error wrapping ErrPayload if p is not valid, else a *FieldError naming
// the first field, in name order, that is wrong.
func CheckPayload(p Payload, commitments map[string][32]byte) error {
	if err := p.Validate(); err != nil {
		return err
	}
	names := make([]string, 0, len(commitments))
	for name := range commitments {
		names = append(names, name)
	}
	slices.Sort(names)
	i, j := 0, 0
	for i < len(p.Fields) || j < len(names) {
		switch {
		case j == len(names) || i < len(p.Fields) && p.Fields[i].Name < names[j]:
			return &FieldError{Name: p.Fields[i].Name, Err: ErrFieldNotRequested}
		case i == len(p.Fields) || names[j] < p.Fields[i].Name:
			return &FieldError{Name: names[j], Err: ErrFieldMissing}
		default:
			if p.Fields[i].Commitment() != commitments[names[j]] {
				return &FieldError{Name: names[j], Err: ErrCommitmentMismatch}
			}
			i++
			j++
		}
	}
	return nil
}

// SealPayload encodes p and seals it to the recipient's public key pub of
// the suite, registered under keyID, with the info Info(p.ChainID,
// p.RequestID, keyID).
func SealPayload(suiteName string, pub []byte, keyID string, p Payload) ([]byte, error) {
	b, err := EncodePayload(p)
	if err != nil {
		return nil, err
	}
	return Seal(suiteName, pub, Info(p.ChainID, p.RequestID, keyID), b)
}

// OpenPayload opens a payload sealed to priv (registered under keyID) for
// request requestID of chain chainID, decodes it strictly and checks that
// it names that chain and request (ErrPayloadBinding otherwise). The caller
// then checks its fields with CheckPayload.
func OpenPayload(priv *PrivateKey, chainID string, requestID uint64, keyID string, sealed []byte) (Payload, error) {
	b, err := Open(priv, Info(chainID, requestID, keyID), sealed)
	if err != nil {
		return Payload{}, err
	}
	p, err := DecodePayload(b)
	if err != nil {
		return Payload{}, err
	}
	if p.ChainID != chainID || p.RequestID != requestID {
		return Payload{}, fmt.Errorf("%w: it names chain %q request %d, want chain %q request %d", ErrPayloadBinding, p.ChainID, p.RequestID, chainID, requestID)
	}
	return p, nil
}
