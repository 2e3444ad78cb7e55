package core

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"strconv"
)

// The canonical JSON codec: the one place that says how bytes that are
// signed or hashed into the state are written and read.
//
// Contract. Every transaction envelope, message body and stored record is
// the compact JSON that encoding/json's json.Marshal produces for its Go
// type (struct fields in declaration order, map keys sorted, HTML
// characters escaped, byte fields as lower-case hex through their
// MarshalText), and nothing else: decoding is strict (StrictUnmarshal:
// unknown fields refused at every depth, nothing after the value), and a
// transaction is accepted only if re-encoding what was decoded gives back
// its exact bytes (app.Decode). encoding/json decides; the functions below
// are fast paths for the three encodings every transaction touches (its
// envelope, its signer's Account, the HistoryEntry it appends), and a
// registry's hot records carry their own (JSONAppender and JSONDecoder,
// jsonfast.go). Each
// produces byte for byte what encoding/json produces, or accepts only
// input for which encoding/json gives the same value, and otherwise
// reports false so that the caller takes encoding/json's path: a fast path
// can make the codec faster, never different. canonjson_test.go checks
// each against encoding/json on random values and every one-byte change
// of a good input, and FuzzCanonicalJSON keeps checking it.

// StrictUnmarshal decodes exactly one JSON value from b into v with
// unknown fields refused (at every depth) and nothing after the value. A
// v that is a JSONDecoder decodes b itself when it can (it accepts only
// exactly v's fields, so the value is the same).
func StrictUnmarshal(b []byte, v any) error {
	if d, ok := v.(JSONDecoder); ok && d.DecodeJSON(b) {
		return nil
	}
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

// Envelope is the transaction envelope in its wire shape (app.Tx has the
// same fields, names and order):
//
//	{"chain_id":"…","signer":"<hex>","sequence":N,"msg":{"type":"…","body":…},"signature":"<hex>"}
type Envelope struct {
	ChainID  string   `json:"chain_id"`
	Signer   HexBytes `json:"signer"`
	Sequence uint64   `json:"sequence"`
	Msg      struct {
		Type string          `json:"type"`
		Body json.RawMessage `json:"body"`
	} `json:"msg"`
	Signature HexBytes `json:"signature"`
}

// ParseCanonicalEnvelope parses raw if it has exactly the form json.Marshal
// gives an Envelope whose chain id and message type need no escaping and
// whose body is valid JSON. For such input StrictUnmarshal gives the same
// Envelope, and once the body is found canonical the envelope re-encodes
// to raw, so decoding takes the same path with the same result, only
// without encoding/json's reflection. On false the caller decodes with
// StrictUnmarshal, which decides.
func ParseCanonicalEnvelope(raw []byte) (Envelope, bool) {
	var e Envelope
	rest, ok := bytes.CutPrefix(raw, []byte(`{"chain_id":"`))
	if !ok {
		return e, false
	}
	chainID, rest, ok := cutPlainString(rest)
	if !ok {
		return e, false
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"signer":"`)); !ok {
		return e, false
	}
	signer, rest, ok := cutLowerHex(rest)
	if !ok {
		return e, false
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"sequence":`)); !ok {
		return e, false
	}
	end := bytes.IndexByte(rest, ',')
	if end < 0 {
		return e, false
	}
	seq, ok := parseCanonicalUint(rest[:end])
	if !ok {
		return e, false
	}
	if rest, ok = bytes.CutPrefix(rest[end:], []byte(`,"msg":{"type":"`)); !ok {
		return e, false
	}
	typ, rest, ok := cutPlainString(rest)
	if !ok {
		return e, false
	}
	if rest, ok = bytes.CutPrefix(rest, []byte(`,"body":`)); !ok {
		return e, false
	}
	// The signature is the last field, and hex holds no quote or brace, so
	// the last `},"signature":"` ends the body.
	at := bytes.LastIndex(rest, []byte(`},"signature":"`))
	if at < 0 {
		return e, false
	}
	body := rest[:at]
	// encoding/json would take the body without surrounding whitespace.
	if len(body) == 0 || jsonSpace(body[0]) || jsonSpace(body[len(body)-1]) {
		return e, false
	}
	sig, tail, ok := cutLowerHex(rest[at+len(`},"signature":"`):])
	if !ok || string(tail) != "}" || !json.Valid(body) {
		return e, false
	}
	e.ChainID, e.Signer, e.Sequence, e.Signature = chainID, signer, seq, sig
	e.Msg.Type, e.Msg.Body = typ, json.RawMessage(body)
	return e, true
}

// parseCanonicalUint parses the decimal digits of an unsigned integer as
// encoding/json writes it (no sign, no leading zero, no exponent).
func parseCanonicalUint(digits []byte) (uint64, bool) {
	if len(digits) == 0 || (len(digits) > 1 && digits[0] == '0') {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(string(digits), 10, 64)
	return n, err == nil
}

// jsonSpace reports whether c is whitespace to JSON.
func jsonSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// cutPlainString returns the string before the next quote in b, if
// encoding/json writes it as it is (jsonPlain), and what follows the
// quote.
func cutPlainString(b []byte) (string, []byte, bool) {
	end := bytes.IndexByte(b, '"')
	if end < 0 || !jsonPlain(string(b[:end])) {
		return "", nil, false
	}
	return string(b[:end]), b[end+1:], true
}

// cutLowerHex decodes the lower-case hex before the next quote in b and
// returns it with what follows the quote.
func cutLowerHex(b []byte) (HexBytes, []byte, bool) {
	end := bytes.IndexByte(b, '"')
	if end < 0 || end%2 != 0 {
		return nil, nil, false
	}
	out := make([]byte, end/2)
	if !decodeLowerHex(out, b[:end]) {
		return nil, nil, false
	}
	return out, b[end+1:], true
}

// appendAccountJSON appends acc encoded as json.Marshal encodes it.
func appendAccountJSON(b []byte, acc Account) []byte {
	b = append(b, `{"address":"`...)
	b = hex.AppendEncode(b, acc.Address[:])
	b = append(b, `","pub_key":"`...)
	b = hex.AppendEncode(b, acc.PubKey)
	b = append(b, `","sequence":`...)
	b = strconv.AppendUint(b, acc.Sequence, 10)
	return append(b, '}')
}

// decodeAccountJSON decodes the canonical encoding of an account (what
// appendAccountJSON writes) into acc and reports whether b was exactly
// that; on false acc is unchanged and the caller decodes with
// encoding/json, which decides.
func decodeAccountJSON(b []byte, acc *Account) bool {
	rest, ok := bytes.CutPrefix(b, []byte(`{"address":"`))
	if !ok || len(rest) < 2*AddressSize {
		return false
	}
	var addr Address
	if !decodeLowerHex(addr[:], rest[:2*AddressSize]) {
		return false
	}
	rest, ok = bytes.CutPrefix(rest[2*AddressSize:], []byte(`","pub_key":"`))
	if !ok {
		return false
	}
	end := bytes.IndexByte(rest, '"')
	if end < 0 || end%2 != 0 {
		return false
	}
	pub := make([]byte, end/2)
	if !decodeLowerHex(pub, rest[:end]) {
		return false
	}
	rest, ok = bytes.CutPrefix(rest[end:], []byte(`","sequence":`))
	if !ok || len(rest) < 2 || rest[len(rest)-1] != '}' {
		return false
	}
	seq, ok := parseCanonicalUint(rest[:len(rest)-1])
	if !ok {
		return false
	}
	*acc = Account{Address: addr, PubKey: pub, Sequence: seq}
	return true
}

// decodeLowerHex decodes src into dst and reports whether src was exactly
// 2*len(dst) lower-case hex digits, the only hex the canonical encodings
// hold (Address, HexBytes and Hash marshal as lower-case hex). On false,
// dst holds garbage.
func decodeLowerHex(dst, src []byte) bool {
	if len(src) != 2*len(dst) {
		return false
	}
	for i := range dst {
		hi, ok1 := lowerHexDigit(src[2*i])
		lo, ok2 := lowerHexDigit(src[2*i+1])
		if !ok1 || !ok2 {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}

func lowerHexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// appendHistoryJSON appends e encoded as json.Marshal encodes it, given
// that e.Details is nil or the output of json.Marshal (compact, with HTML
// characters escaped: encoding/json would leave it as it is). It reports
// false, and the caller uses encoding/json, when e.Action needs escaping
// or e.Time has no JSON encoding.
func appendHistoryJSON(b []byte, e *HistoryEntry) ([]byte, bool) {
	if !jsonPlain(e.Action) {
		return b, false
	}
	t, err := e.Time.MarshalJSON()
	if err != nil {
		return b, false
	}
	b = append(b, `{"seq":`...)
	b = strconv.AppendUint(b, e.Seq, 10)
	b = append(b, `,"action":"`...)
	b = append(b, e.Action...)
	b = append(b, `","actor":"`...)
	b = hex.AppendEncode(b, e.Actor[:])
	b = append(b, `","tx_hash":"`...)
	b = hex.AppendEncode(b, e.TxHash)
	b = append(b, `","height":`...)
	b = strconv.AppendInt(b, e.Height, 10)
	b = append(b, `,"time":`...)
	b = append(b, t...)
	if len(e.Details) > 0 {
		b = append(b, `,"details":`...)
		b = append(b, e.Details...)
	}
	return append(b, '}'), true
}

// jsonPlain reports whether encoding/json encodes s as s between quotes:
// printable ASCII other than the quote, the backslash and the characters
// it escapes for HTML (<, >, &).
func jsonPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}
