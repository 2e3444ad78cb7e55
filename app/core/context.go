package core

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/govchain/govchain/state"
)

// Context is what a message executes against: the transaction's own branch
// of the state, the block it is in, and who signed it. A Context is used by
// one message on one goroutine.
type Context struct {
	// KV is the transaction's branch: writes become visible to later
	// transactions only if the message succeeds.
	KV state.KV
	// ChainID is the chain the transaction was signed for.
	ChainID string
	// Height is the height of the block being executed.
	Height int64
	// BlockTime is the time in the block header: the only clock a message may
	// read.
	BlockTime time.Time
	// TxHash is SHA-256 of the raw transaction bytes (CometBFT's tx hash).
	TxHash []byte
	// Signer is the account the transaction signs for (see ResolveSigner):
	// the signing key's own address, or the account it was rotated into.
	Signer Address
	// DropEvents makes Emit keep nothing, for a caller that keeps no events
	// (a bulk import executing legacy rows); see Emitting.
	DropEvents bool

	events     []Event
	validators []Validator
}

// UpdateValidator asks CometBFT to set a validator's power (0 removes it)
// from the block after next. It takes effect only if the message succeeds;
// within a block, the last update of a key wins.
func (c *Context) UpdateValidator(v Validator) {
	c.validators = append(c.validators, v)
}

// ValidatorUpdates returns the updates requested so far, in order.
func (c *Context) ValidatorUpdates() []Validator { return c.validators }

// Event is an ABCI event: a type (the registry name) and attributes. Indexed
// attributes can be searched with CometBFT's tx_search and subscriptions as
// "<type>.<key>='<value>'".
type Event struct {
	Type  string
	Attrs []Attr
}

// Attr is one event attribute.
type Attr struct {
	Key   string
	Value string
	Index bool
}

// Emit appends an event of the given type (none if c.DropEvents).
// Attributes are given as alternating keys and values and are all
// indexed.
func (c *Context) Emit(typ string, kv ...string) {
	if len(kv)%2 != 0 {
		panic("core: Emit needs key/value pairs")
	}
	if c.DropEvents {
		return
	}
	ev := Event{Type: typ}
	for i := 0; i < len(kv); i += 2 {
		ev.Attrs = append(ev.Attrs, Attr{Key: kv[i], Value: kv[i+1], Index: true})
	}
	c.events = append(c.events, ev)
}

// Emitting reports whether Emit keeps events: a module may skip building
// an event's attributes when it does not.
func (c *Context) Emitting() bool { return !c.DropEvents }

// Dec is n in decimal, as event attributes and query paths write numbers.
func Dec[N ~int64 | ~uint64](n N) string {
	if n < 0 {
		return strconv.FormatInt(int64(n), 10)
	}
	return strconv.FormatUint(uint64(n), 10)
}

// Events returns the events emitted so far, in emission order.
func (c *Context) Events() []Event { return c.events }

// GetJSON reads key and decodes its JSON value into v. It reports whether
// the key was present.
func GetJSON(r state.Reader, key []byte, v any) (bool, error) {
	b, err := r.Get(key)
	if err != nil {
		return false, err
	}
	if b == nil {
		return false, nil
	}
	return true, decodeStored(key, b, v)
}

// Load reads the record of type T stored as JSON under key. A missing
// record is notFound wrapped with the detail format and args name ("parcel
// P-1"); a storage or decoding failure is returned as it is.
func Load[T any](r state.Reader, key []byte, notFound error, format string, args ...any) (*T, error) {
	var v T
	found, err := GetJSON(r, key, &v)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, Wrapf(notFound, format, args...)
	}
	return &v, nil
}

// NextID increments the sequential counter stored under key (8 bytes,
// big-endian) and returns its new value: the first id is 1.
func NextID(kv state.KV, key []byte) (uint64, error) {
	b, err := kv.Get(key)
	if err != nil {
		return 0, err
	}
	var n uint64
	if b != nil {
		if len(b) != 8 {
			return 0, fmt.Errorf("core: counter under %x is corrupt", key)
		}
		n = binary.BigEndian.Uint64(b)
	}
	n++
	return n, kv.Set(key, state.Uint64(n))
}

// decodeStored decodes b, the JSON value stored under key, into v.
func decodeStored(key, b []byte, v any) error {
	if d, ok := v.(JSONDecoder); ok && d.DecodeJSON(b) {
		return nil
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("core: stored value under %x does not decode: %w", key, err)
	}
	return nil
}

// SetJSON encodes v as compact JSON (encoding/json: struct fields in
// declaration order, map keys sorted, so the bytes are deterministic) and
// writes it under key. A value that is a JSONAppender writes its own
// bytes, which are the same.
func SetJSON(w state.Writer, key []byte, v any) error {
	b, err := MarshalCanonical(v)
	if err != nil {
		return fmt.Errorf("core: encode value for %x: %w", key, err)
	}
	// b is new (never nil) and nobody else's: a BatchWriter (a branch)
	// takes it without a copy.
	return state.WriteChanges(w, []state.Change{{Key: bytes.Clone(key), Value: b}})
}

// MarshalCanonical returns what json.Marshal returns for v, by v's own
// AppendJSON when it has one that succeeds.
func MarshalCanonical(v any) ([]byte, error) {
	if b, ok := marshalFast(v); ok {
		return b, nil
	}
	return json.Marshal(v)
}

// HistoryEntry is one change to a record, appended and never rewritten. It
// is stored in the Merkle tree, so a record's history is provable.
type HistoryEntry struct {
	Seq     uint64          `json:"seq"`
	Action  string          `json:"action"`
	Actor   Address         `json:"actor"`
	TxHash  HexBytes        `json:"tx_hash"`
	Height  int64           `json:"height"`
	Time    time.Time       `json:"time"`
	Details json.RawMessage `json:"details,omitempty"`
}

// AppendHistory writes entry number seq (counted from 0) of a record's
// history under state.Key(prefix, table, id, seq) with the context's actor,
// tx hash, height and block time. The caller keeps the count in the record,
// so a verifier knows how many entries exist.
func (c *Context) AppendHistory(prefix, table byte, id []byte, seq uint64, action string, details any) error {
	var raw json.RawMessage
	if details != nil {
		b, err := MarshalCanonical(details)
		if err != nil {
			return fmt.Errorf("core: encode history details: %w", err)
		}
		raw = b
	}
	e := HistoryEntry{
		Seq:     seq,
		Action:  action,
		Actor:   c.Signer,
		TxHash:  c.TxHash,
		Height:  c.Height,
		Time:    c.BlockTime.UTC(),
		Details: raw,
	}
	key := HistoryKey(prefix, table, id, seq)
	if b, ok := appendHistoryJSON(make([]byte, 0, 256+len(raw)), &e); ok {
		return c.KV.Set(key, b)
	}
	return SetJSON(c.KV, key, e)
}

// RecordHistory appends entry number *count of a record's history
// (AppendHistory) and, once it is written, increments *count: the record's
// history_count, which the caller saves with the record.
func (c *Context) RecordHistory(prefix, table byte, id []byte, count *uint64, action string, details any) error {
	if err := c.AppendHistory(prefix, table, id, *count, action, details); err != nil {
		return err
	}
	*count++
	return nil
}

// By returns a new pointer to the signer, for a record's optional
// "closed_by", "released_by" or "revoked_by" field.
func (c *Context) By() *Address {
	a := c.Signer
	return &a
}

// At returns a new pointer to the block time in UTC, for a record's
// optional "closed_at" or "revoked_at" field.
func (c *Context) At() *time.Time {
	t := c.BlockTime.UTC()
	return &t
}

// RequireDeadline refuses, with refusal wrapped with both times, a
// workflow deadline that is not after the block time or is more than
// horizon after it.
func (c *Context) RequireDeadline(expiresAt time.Time, horizon time.Duration, refusal error) error {
	if !expiresAt.After(c.BlockTime) || expiresAt.Sub(c.BlockTime) > horizon {
		return Wrapf(refusal, "expires_at %s, block time %s", expiresAt.UTC().Format(time.RFC3339), c.BlockTime.UTC().Format(time.RFC3339))
	}
	return nil
}

// HistoryKey is the key of entry seq of record id in a registry's history
// table.
func HistoryKey(prefix, table byte, id []byte, seq uint64) []byte {
	return state.Key(prefix, table, id, state.Uint64(seq))
}
