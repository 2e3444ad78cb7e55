package core

import (
	"bytes"
	"encoding/hex"
	"strconv"
)

// Hand-written encoders and decoders for the two records every transaction
// touches: its signer's Account (read for the signature check, written for
// the sequence) and the HistoryEntry it appends. encoding/json spends most
// of its time on reflection and on re-validating the output of marshalers;
// these produce byte for byte what encoding/json produces (the state is
// hashed, so they must), and decodeAccountJSON accepts only that canonical
// form, leaving anything else to encoding/json. fastjson_test.go checks
// both against encoding/json on random values.

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
	if !DecodeLowerHex(addr[:], rest[:2*AddressSize]) {
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
	if !DecodeLowerHex(pub, rest[:end]) {
		return false
	}
	rest, ok = bytes.CutPrefix(rest[end:], []byte(`","sequence":`))
	if !ok || len(rest) < 2 || rest[len(rest)-1] != '}' {
		return false
	}
	digits := rest[:len(rest)-1]
	if len(digits) > 1 && digits[0] == '0' {
		return false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return false
		}
	}
	seq, err := strconv.ParseUint(string(digits), 10, 64)
	if err != nil {
		return false
	}
	*acc = Account{Address: addr, PubKey: pub, Sequence: seq}
	return true
}

// DecodeLowerHex decodes src into dst and reports whether src was exactly
// 2*len(dst) lower-case hex digits, the only hex the canonical encodings
// hold (Address, HexBytes and Hash marshal as lower-case hex). On false,
// dst holds garbage.
func DecodeLowerHex(dst, src []byte) bool {
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
