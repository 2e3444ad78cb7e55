package verify

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Format is the value of every version-1 certificate's "format" field.
const Format = "govchain-certificate/1"

// ProofOpType is the only proof op type a certificate may carry: an ICS23
// CommitmentProof of the IAVL tree, as govchain's ABCI Query returns it.
const ProofOpType = "ics23:iavl"

// Kind says what a certificate proves.
type Kind string

// Kinds of certificate.
const (
	// KindRecord proves one record: one entry, the key the path names.
	KindRecord Kind = "record"
	// KindHistory proves a record's full history at H: the record (the
	// anchor, whose key the path names), then each history entry. Its path
	// ends in "/history".
	KindHistory Kind = "history"
	// KindList proves any other multi-key answer (a parcel's liens, an
	// owner's parcels): the anchor, then each listed entry.
	KindList Kind = "list"
	// KindAbsence proves that the key the path names holds nothing at H.
	KindAbsence Kind = "absence"
	// KindComplete proves a numbered list whole at H: the anchor, every
	// entry 0 to n-1 in order, each under the key the path's list names
	// for it, an anchor whose count is n, and the absence of entry n (the
	// certificate's Absent). A list without an anchor counts 0: its
	// complete certificate carries no entry, and proves the anchor (Key)
	// and entry 0 (Absent) absent.
	KindComplete Kind = "complete"
)

// Certificate is a self-contained proof of a registry answer at state
// version Height (H), checked against the signed header of block H+1. Its
// JSON encoding (Encode) is the file format; docs/auditor.md documents it.
type Certificate struct {
	// Format is always Format.
	Format string `json:"format"`
	Kind   Kind   `json:"kind"`
	// ChainID is the chain the certificate is from.
	ChainID string `json:"chain_id"`
	// Path is the query path answered, e.g. /land/parcel/P-1.
	Path string `json:"path"`
	// Height is the state version H the proofs are of.
	Height int64 `json:"height"`
	// Key is the store key the answer rests on: the record, the anchor of a
	// history or list, or the absent key.
	Key HexBytes `json:"key"`
	// Entries are the proven (key, exact stored value) pairs, the anchor
	// first; none for an absence, nor for a complete certificate of a list
	// without an anchor.
	Entries []Entry `json:"entries"`
	// Absent is, in a complete certificate only, the key of the entry
	// after the last, proven absent; other kinds omit it.
	Absent HexBytes `json:"absent,omitempty"`
	// ProofOps holds exactly one op per entry, in order (one for an
	// absence, for Key, and for the absent anchor of a complete
	// certificate without entries), then, in a complete certificate, the
	// absence proof of Absent.
	ProofOps []ProofOp `json:"proof_ops"`
	// Block is header H+1, its commit and the validator set that signed it.
	Block Block `json:"block"`
	// ValidatorChanges hands trust from the trust root's validator set to
	// the set that signed Block, one validator-set change at a time, in
	// increasing height; empty if that set is the trust root's.
	ValidatorChanges []ValidatorChange `json:"validator_changes"`
}

// Entry is one proven key and its exact stored value. Values are the
// compact JSON the registries store; in the file they may be indented,
// and the proven bytes are the value with insignificant whitespace removed.
type Entry struct {
	Key   HexBytes        `json:"key"`
	Value json.RawMessage `json:"value"`
}

// ProofOp is a CometBFT ProofOp: Type ProofOpType, Key the exact store
// key, Data the protobuf-encoded ics23 CommitmentProof.
type ProofOp struct {
	Type string   `json:"type"`
	Key  HexBytes `json:"key"`
	Data []byte   `json:"data"`
}

// Block is header H+1 with its commit and its validator set. Height, Time
// and AppHash repeat the signed header's fields for the reader; Verify
// checks they are equal.
type Block struct {
	Height  int64     `json:"height"`
	Time    time.Time `json:"time"`
	AppHash HexBytes  `json:"app_hash"`
	// SignedHeader is the protobuf encoding of tendermint.types.SignedHeader
	// (header and commit).
	SignedHeader []byte `json:"signed_header"`
	// Validators is the validator set whose hash the header carries, in the
	// set's order (by voting power, then address).
	Validators []Validator `json:"validators"`
}

// ValidatorChange is a signed header at which the validator set changes:
// signed by >2/3 of the set trusted so far, whose hash the header carries,
// and naming by NextValidatorsHash the set NextValidators that is trusted
// from the next height on.
type ValidatorChange struct {
	SignedHeader   []byte      `json:"signed_header"`
	NextValidators []Validator `json:"next_validators"`
}

// Validator is an ed25519 validator key (32 bytes) and its voting power.
type Validator struct {
	PubKey []byte `json:"pub_key"`
	Power  int64  `json:"power"`
}

// HexBytes is a byte string encoded in JSON as lower-case hex.
type HexBytes []byte

// MarshalJSON implements json.Marshaler.
func (h HexBytes) MarshalJSON() ([]byte, error) {
	return json.Marshal(hex.EncodeToString(h))
}

// UnmarshalJSON implements json.Unmarshaler; it accepts lower-case hex only.
func (h *HexBytes) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := hex.DecodeString(s)
	if err != nil || hex.EncodeToString(v) != s {
		return fmt.Errorf("verify: %q is not lower-case hex", s)
	}
	*h = v
	return nil
}

// String returns the upper-case hex form CometBFT prints hashes in.
func (h HexBytes) String() string { return fmt.Sprintf("%X", []byte(h)) }

// ErrFormat is wrapped by every failure to decode a certificate or a trust
// file: bad JSON, an unknown field, a wrong format version, or an encoding
// other than the canonical one.
var ErrFormat = errors.New("verify: malformed certificate")

// Encode returns the canonical file encoding of c: JSON indented by two
// spaces, stored values as they are (no HTML escaping), and a final
// newline.
func Encode(c *Certificate) ([]byte, error) {
	norm := *c
	if norm.Entries == nil {
		norm.Entries = []Entry{}
	}
	if norm.ProofOps == nil {
		norm.ProofOps = []ProofOp{}
	}
	if norm.ValidatorChanges == nil {
		norm.ValidatorChanges = []ValidatorChange{}
	}
	if norm.Block.Validators == nil {
		norm.Block.Validators = []Validator{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(&norm); err != nil {
		return nil, fmt.Errorf("verify: encode certificate: %w", err)
	}
	return buf.Bytes(), nil
}

// Decode parses a certificate file. It refuses unknown fields, trailing
// data, a format other than Format, and any encoding that is not Encode's
// up to JSON whitespace between tokens, so a certificate has one encoding.
// It does not verify the certificate.
func Decode(data []byte) (*Certificate, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Certificate
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: data after the certificate", ErrFormat)
	}
	if c.Entries == nil || c.ProofOps == nil || c.ValidatorChanges == nil || c.Block.Validators == nil {
		return nil, fmt.Errorf("%w: entries, proof_ops, validator_changes and block.validators must be arrays", ErrFormat)
	}
	if c.Format != Format {
		return nil, fmt.Errorf("%w: format %q, want %q", ErrFormat, c.Format, Format)
	}
	canon, err := Encode(&c)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	if bytes.Equal(canon, data) {
		return &c, nil
	}
	// Not byte for byte Encode's: the same up to whitespace between tokens?
	var a, b bytes.Buffer
	if json.Compact(&a, data) != nil || json.Compact(&b, canon) != nil || !bytes.Equal(a.Bytes(), b.Bytes()) {
		return nil, fmt.Errorf("%w: not in canonical form (re-encoding differs)", ErrFormat)
	}
	return &c, nil
}

// storedValue returns the exact stored bytes of an entry's value: its JSON
// with insignificant whitespace removed.
func storedValue(v json.RawMessage) ([]byte, error) {
	var b bytes.Buffer
	if err := json.Compact(&b, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
