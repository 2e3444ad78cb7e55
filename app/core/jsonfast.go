package core

import (
	"bytes"
	"encoding/hex"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// Fast paths for stored records (the contract of canonjson.go applies):
// a record type may write its own canonical JSON (JSONAppender) and read
// it back (JSONDecoder). SetJSON, GetJSON and AppendHistory use them when
// the type has them and they succeed, and encoding/json otherwise. Each
// such method must give byte for byte what json.Marshal gives, or accept
// only input that json.Unmarshal decodes to the same value; a method that
// meets something it does not handle reports false and encoding/json
// decides. coretest.CheckJSONCodec checks a type's methods against
// encoding/json on random values and on every one-byte change of their
// encodings.

// JSONAppender is a value that appends its own canonical JSON.
type JSONAppender interface {
	// AppendJSON appends to b what json.Marshal gives for the receiver
	// and reports true, or reports false (b's contents past its length
	// are then undefined) when it cannot.
	AppendJSON(b []byte) ([]byte, bool)
}

// JSONDecoder is a value that decodes canonical JSON itself.
type JSONDecoder interface {
	// DecodeJSON sets the receiver to what json.Unmarshal gives for b
	// (into a zero value) and reports true, or reports false and leaves
	// the receiver unchanged when b is not in the form it reads. It
	// accepts only an object with exactly the receiver's fields and
	// nothing after it, so StrictUnmarshal gives the same value too.
	DecodeJSON(b []byte) bool
}

// scratch holds buffers marshalFast writes into before copying out
// exactly the bytes written: one allocation of the right size a value.
var scratch = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// marshalFast returns v's canonical JSON by its own AppendJSON, if it has
// one that succeeds.
func marshalFast(v any) ([]byte, bool) {
	a, ok := v.(JSONAppender)
	if !ok {
		return nil, false
	}
	p := scratch.Get().(*[]byte)
	b, ok := a.AppendJSON((*p)[:0])
	var out []byte
	if ok {
		out = bytes.Clone(b)
	}
	if cap(b) <= 64<<10 {
		*p = b[:0]
	}
	scratch.Put(p)
	return out, ok
}

// JSONWriter appends JSON the way json.Marshal writes it, one token at a
// time: objects and arrays are opened and closed explicitly, commas are
// placed by the writer. A value it cannot write as encoding/json would (a
// string needing escapes, a time without a JSON form) makes Bytes report
// false.
type JSONWriter struct {
	b     []byte
	comma bool
	bad   bool
}

// NewJSONWriter returns a writer appending to b.
func NewJSONWriter(b []byte) JSONWriter { return JSONWriter{b: b} }

// Bytes returns the bytes written and whether everything written was
// what encoding/json writes.
func (w *JSONWriter) Bytes() ([]byte, bool) { return w.b, !w.bad }

func (w *JSONWriter) sep() {
	if w.comma {
		w.b = append(w.b, ',')
	}
	w.comma = true
}

// Open writes '{'.
func (w *JSONWriter) Open() { w.sep(); w.b = append(w.b, '{'); w.comma = false }

// Close writes '}'.
func (w *JSONWriter) Close() { w.b = append(w.b, '}'); w.comma = true }

// OpenArray writes '['.
func (w *JSONWriter) OpenArray() { w.sep(); w.b = append(w.b, '['); w.comma = false }

// CloseArray writes ']'.
func (w *JSONWriter) CloseArray() { w.b = append(w.b, ']'); w.comma = true }

// Key writes an object key, which must be a constant that needs no
// escaping (a struct field's json name).
func (w *JSONWriter) Key(name string) {
	w.sep()
	w.b = append(w.b, '"')
	w.b = append(w.b, name...)
	w.b = append(w.b, '"', ':')
	w.comma = false
}

// Null writes null.
func (w *JSONWriter) Null() { w.sep(); w.b = append(w.b, "null"...) }

// String writes s as a JSON string; a string encoding/json would escape
// or alter marks the writer bad.
func (w *JSONWriter) String(s string) {
	w.sep()
	if !jsonPlainUTF8(s) {
		w.bad = true
		return
	}
	w.b = append(w.b, '"')
	w.b = append(w.b, s...)
	w.b = append(w.b, '"')
}

// Uint writes n.
func (w *JSONWriter) Uint(n uint64) { w.sep(); w.b = strconv.AppendUint(w.b, n, 10) }

// Int writes n.
func (w *JSONWriter) Int(n int64) { w.sep(); w.b = strconv.AppendInt(w.b, n, 10) }

// Hex writes b as a string of lower-case hex, as Address, Hash and
// HexBytes marshal.
func (w *JSONWriter) Hex(b []byte) {
	w.sep()
	w.b = append(w.b, '"')
	w.b = hex.AppendEncode(w.b, b)
	w.b = append(w.b, '"')
}

// Time writes t as time.Time marshals it (RFC 3339 with nanoseconds); a
// time without a JSON form marks the writer bad.
func (w *JSONWriter) Time(t time.Time) {
	w.sep()
	b, err := t.MarshalJSON()
	if err != nil {
		w.bad = true
		return
	}
	w.b = append(w.b, b...)
}

// Strings writes a list of strings; nil is null.
func (w *JSONWriter) Strings(l []string) {
	if l == nil {
		w.Null()
		return
	}
	w.OpenArray()
	for _, s := range l {
		w.String(s)
	}
	w.CloseArray()
}

// Uints writes a list of numbers; nil is null.
func (w *JSONWriter) Uints(l []uint64) {
	if l == nil {
		w.Null()
		return
	}
	w.OpenArray()
	for _, n := range l {
		w.Uint(n)
	}
	w.CloseArray()
}

// jsonPlainUTF8 reports whether encoding/json writes s as s between
// quotes: valid UTF-8 without control characters, the quote, the
// backslash, the characters it escapes for HTML (<, >, &) or the line and
// paragraph separators U+2028 and U+2029.
func jsonPlainUTF8(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r == '\u2028' || r == '\u2029' {
			return false
		}
		i += size
	}
	return true
}

// JSONReader reads JSON in exactly the form JSONWriter writes it (no
// whitespace, fields in the order asked for, strings without escapes,
// integers in canonical form): anything else marks it bad, and the caller
// leaves the decoding to encoding/json. For input it accepts, every value
// it returns is the one json.Unmarshal gives.
type JSONReader struct {
	b     []byte
	comma bool
	bad   bool
}

// NewJSONReader returns a reader of b.
func NewJSONReader(b []byte) JSONReader { return JSONReader{b: b} }

// Done reports whether everything read was in the expected form and
// nothing is left.
func (r *JSONReader) Done() bool { return !r.bad && len(r.b) == 0 }

func (r *JSONReader) sep() bool {
	if r.bad {
		return false
	}
	if r.comma {
		if len(r.b) == 0 || r.b[0] != ',' {
			r.bad = true
			return false
		}
		r.b = r.b[1:]
	}
	r.comma = true
	return true
}

func (r *JSONReader) expect(c byte) {
	if r.bad || len(r.b) == 0 || r.b[0] != c {
		r.bad = true
		return
	}
	r.b = r.b[1:]
}

// Open reads '{'.
func (r *JSONReader) Open() {
	if r.sep() {
		r.expect('{')
		r.comma = false
	}
}

// Close reads '}'.
func (r *JSONReader) Close() { r.expect('}'); r.comma = true }

// OpenArray reads '['.
func (r *JSONReader) OpenArray() {
	if r.sep() {
		r.expect('[')
		r.comma = false
	}
}

// More reports whether an array has another element, and reads the ']'
// that ends it when it has not.
func (r *JSONReader) More() bool {
	if r.bad {
		return false
	}
	if len(r.b) > 0 && r.b[0] == ']' {
		r.b = r.b[1:]
		r.comma = true
		return false
	}
	return true
}

// Key reads the object key name (a constant needing no escaping).
func (r *JSONReader) Key(name string) {
	if !r.sep() {
		return
	}
	n := len(name)
	if len(r.b) < n+3 || r.b[0] != '"' || string(r.b[1:1+n]) != name || r.b[1+n] != '"' || r.b[2+n] != ':' {
		r.bad = true
		return
	}
	r.b = r.b[n+3:]
	r.comma = false
}

// Null reads null if it comes next and reports whether it did.
func (r *JSONReader) Null() bool {
	if r.bad {
		return false
	}
	next := r.b
	if r.comma {
		if len(next) == 0 || next[0] != ',' {
			return false
		}
		next = next[1:]
	}
	if !bytes.HasPrefix(next, []byte("null")) {
		return false
	}
	r.b = next[4:]
	r.comma = true
	return true
}

// quoted reads a string's bytes without escapes: valid UTF-8 without
// control characters, quote or backslash (encoding/json returns such
// bytes as they are).
func (r *JSONReader) quoted() []byte {
	if !r.sep() {
		return nil
	}
	if len(r.b) == 0 || r.b[0] != '"' {
		r.bad = true
		return nil
	}
	ascii := true
	for i := 1; i < len(r.b); i++ {
		switch c := r.b[i]; {
		case c == '"':
			s := r.b[1:i]
			if !ascii && !utf8.Valid(s) {
				r.bad = true
				return nil
			}
			r.b = r.b[i+1:]
			return s
		case c < 0x20 || c == '\\':
			r.bad = true
			return nil
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	r.bad = true
	return nil
}

// String reads a string.
func (r *JSONReader) String() string { return string(r.quoted()) }

// number reads the bytes of an integer in canonical form (optionally
// negative, no leading zero, no fraction or exponent).
func (r *JSONReader) number(signed bool) []byte {
	if !r.sep() {
		return nil
	}
	i := 0
	if signed && len(r.b) > 0 && r.b[0] == '-' {
		i = 1
	}
	start := i
	for i < len(r.b) && r.b[i] >= '0' && r.b[i] <= '9' {
		i++
	}
	digits := r.b[start:i]
	if len(digits) == 0 || (digits[0] == '0' && (len(digits) > 1 || start > 0)) {
		r.bad = true
		return nil
	}
	out := r.b[:i]
	r.b = r.b[i:]
	return out
}

// Uint reads an unsigned integer.
func (r *JSONReader) Uint() uint64 {
	b := r.number(false)
	if r.bad {
		return 0
	}
	n, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		r.bad = true
	}
	return n
}

// Int reads a signed integer.
func (r *JSONReader) Int() int64 {
	b := r.number(true)
	if r.bad {
		return 0
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		r.bad = true
	}
	return n
}

// Hex reads a string of exactly 2*len(dst) lower-case hex digits into dst
// (Address and Hash).
func (r *JSONReader) Hex(dst []byte) {
	s := r.quoted()
	if r.bad || !decodeLowerHex(dst, s) {
		r.bad = true
	}
}

// Time reads a time as time.Time unmarshals it.
func (r *JSONReader) Time() time.Time {
	if !r.sep() {
		return time.Time{}
	}
	end := -1
	if len(r.b) > 0 && r.b[0] == '"' {
		end = bytes.IndexByte(r.b[1:], '"')
	}
	var t time.Time
	if end < 0 || t.UnmarshalJSON(r.b[:end+2]) != nil {
		r.bad = true
		return time.Time{}
	}
	r.b = r.b[end+2:]
	return t
}

// Strings reads a list of strings: null is nil, [] an empty list.
func (r *JSONReader) Strings() []string {
	if r.Null() {
		return nil
	}
	r.OpenArray()
	out := []string{}
	for r.More() {
		out = append(out, r.String())
	}
	return out
}

// Uints reads a list of unsigned integers: null is nil, [] an empty list.
func (r *JSONReader) Uints() []uint64 {
	if r.Null() {
		return nil
	}
	r.OpenArray()
	out := []uint64{}
	for r.More() {
		out = append(out, r.Uint())
	}
	return out
}

// AppendAccountCount appends {"account":"<a>","<name>":n}, the shape of a
// registry's per-account counter records (land and vehicle owners,
// invoice buyers), as json.Marshal writes it.
func AppendAccountCount(b []byte, a Address, name string, n uint64) ([]byte, bool) {
	w := NewJSONWriter(b)
	w.Open()
	w.Key("account")
	w.Hex(a[:])
	w.Key(name)
	w.Uint(n)
	w.Close()
	return w.Bytes()
}

// DecodeAccountCount reads what AppendAccountCount writes.
func DecodeAccountCount(b []byte, name string) (Address, uint64, bool) {
	r := NewJSONReader(b)
	var a Address
	r.Open()
	r.Key("account")
	r.Hex(a[:])
	r.Key(name)
	n := r.Uint()
	r.Close()
	return a, n, r.Done()
}
