package seal

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// saltOf returns a salt of 32 bytes of fill.
func saltOf(fill byte) Salt {
	var s Salt
	for i := range s {
		s[i] = fill
	}
	return s
}

// TestCommitmentVectors checks Commitment against digests computed once
// outside Go, with the shell:
//
//	{ printf '%b' "$(printf '\\x%02x' $(seq 0 31))"; printf '\x00income\x0042000'; } | sha256sum
//	{ printf '%b' "$(printf '\\xff%.0s' $(seq 1 32))"; printf '\x00address.city\x00'; printf 'Zoë Ångström <&>'; } | sha256sum
//	{ printf '%b' "$(printf '\\x5a%.0s' $(seq 1 32))"; printf '\x00a\x00'; } | sha256sum
func TestCommitmentVectors(t *testing.T) {
	var counting [32]byte
	for i := range counting {
		counting[i] = byte(i)
	}
	for _, v := range []struct {
		salt        [32]byte
		name, value string
		want        string
	}{
		{counting, "income", "42000", "a18680d1eb1093fd87fc17c4457740a0415e1478e6c4f95fd54e1d55a7e06e0a"},
		{saltOf(0xff), "address.city", "Zoë Ångström <&>", "4d8079a7a60425e5062c761bd7928df61b898f7fc5d69e59a91c8c24f6095a78"},
		{saltOf(0x5a), "a", "", "4de6a1194a17fb41a7f6710fa28c7e77c3b32a6354a43d20e17ce63928978f53"},
	} {
		got := Commitment(v.salt, v.name, v.value)
		require.Equal(t, v.want, hex.EncodeToString(got[:]), "%s=%q", v.name, v.value)
		require.Equal(t, got, Field{Name: v.name, Value: v.value, Salt: v.salt}.Commitment())
	}
	// The separators keep name and value apart.
	require.NotEqual(t, Commitment(counting, "ab", "c"), Commitment(counting, "a", "bc"))
}

// record is a payload of three fields and the commitments of the record on
// chain.
func record() (Payload, map[string][32]byte) {
	p := Payload{
		Fields: []Field{
			{Name: "birth_date", Value: "1984-02-29", Salt: saltOf(1)},
			{Name: "income", Value: "42000", Salt: saltOf(2)},
			{Name: "name", Value: "Ana <Silva> & co", Salt: saltOf(3)},
		},
		RequestID: 12,
		ChainID:   "govchain-dev",
	}
	c := map[string][32]byte{}
	for _, f := range p.Fields {
		c[f.Name] = Commitment(f.Salt, f.Name, f.Value)
	}
	return p, c
}

func clonePayload(p Payload) Payload {
	p.Fields = append([]Field(nil), p.Fields...)
	return p
}

func TestCheckPayload(t *testing.T) {
	p, c := record()
	require.NoError(t, CheckPayload(p, c))

	check := func(p Payload, c map[string][32]byte, name string, want error) {
		t.Helper()
		err := CheckPayload(p, c)
		require.ErrorIs(t, err, want)
		var fe *FieldError
		require.True(t, errors.As(err, &fe))
		require.Equal(t, name, fe.Name)
		require.Contains(t, err.Error(), fmt.Sprintf("seal: field %q: ", name))
	}

	changedValue := clonePayload(p)
	changedValue.Fields[1].Value = "42001"
	check(changedValue, c, "income", ErrCommitmentMismatch)

	changedSalt := clonePayload(p)
	changedSalt.Fields[2].Salt[31] ^= 1
	check(changedSalt, c, "name", ErrCommitmentMismatch)

	// Two wrong fields: the first in name order is named.
	twoWrong := clonePayload(changedSalt)
	twoWrong.Fields[0].Value = "1984-03-01"
	check(twoWrong, c, "birth_date", ErrCommitmentMismatch)

	missing := clonePayload(p)
	missing.Fields = []Field{p.Fields[0], p.Fields[2]}
	check(missing, c, "income", ErrFieldMissing)

	missingLast := clonePayload(p)
	missingLast.Fields = p.Fields[:2]
	check(missingLast, c, "name", ErrFieldMissing)

	// A field that was not asked for (no commitment given for it).
	fewer := map[string][32]byte{"birth_date": c["birth_date"], "name": c["name"]}
	check(p, fewer, "income", ErrFieldNotRequested)
	check(p, map[string][32]byte{}, "birth_date", ErrFieldNotRequested)

	// A commitment of another field's value does not match.
	swapped := map[string][32]byte{"birth_date": c["birth_date"], "income": c["name"], "name": c["name"]}
	check(p, swapped, "income", ErrCommitmentMismatch)

	// An invalid payload is refused before any field is checked.
	unsorted := clonePayload(p)
	unsorted.Fields[0], unsorted.Fields[1] = unsorted.Fields[1], unsorted.Fields[0]
	require.ErrorIs(t, CheckPayload(unsorted, c), ErrPayload)
}

func TestPayloadEncoding(t *testing.T) {
	p, _ := record()
	b, err := EncodePayload(p)
	require.NoError(t, err)
	s1 := strings.Repeat("01", 32)
	s2 := strings.Repeat("02", 32)
	s3 := strings.Repeat("03", 32)
	want := `{"fields":[` +
		`{"name":"birth_date","value":"1984-02-29","salt":"` + s1 + `"},` +
		`{"name":"income","value":"42000","salt":"` + s2 + `"},` +
		`{"name":"name","value":"Ana \u003cSilva\u003e \u0026 co","salt":"` + s3 + `"}` +
		`],"request_id":12,"chain_id":"govchain-dev"}`
	require.Equal(t, want, string(b))
	got, err := DecodePayload(b)
	require.NoError(t, err)
	require.Equal(t, p, got)

	one := func(name, value, salt string) string {
		return `{"fields":[{"name":"` + name + `","value":"` + value + `","salt":"` + salt + `"}],"request_id":1,"chain_id":"c"}`
	}
	good := one("a", "v", s1)
	_, err = DecodePayload([]byte(good))
	require.NoError(t, err)

	for name, in := range map[string]string{
		"empty":                 ``,
		"null":                  `null`,
		"array":                 `[]`,
		"trailing newline":      good + "\n",
		"leading space":         " " + good,
		"trailing data":         good + `{}`,
		"indented":              strings.Replace(good, `,"request_id"`, `, "request_id"`, 1),
		"key order":             `{"request_id":1,"fields":[{"name":"a","value":"v","salt":"` + s1 + `"}],"chain_id":"c"}`,
		"field key order":       `{"fields":[{"value":"v","name":"a","salt":"` + s1 + `"}],"request_id":1,"chain_id":"c"}`,
		"unknown field":         strings.Replace(good, `"chain_id":"c"`, `"chain_id":"c","extra":1`, 1),
		"unknown field in item": strings.Replace(good, `"value":"v"`, `"value":"v","note":""`, 1),
		"duplicate key":         strings.Replace(good, `"request_id":1`, `"request_id":2,"request_id":1`, 1),
		"key in other case":     strings.Replace(good, `"request_id"`, `"Request_ID"`, 1),
		"missing chain id":      strings.Replace(good, `,"chain_id":"c"`, ``, 1),
		"empty chain id":        strings.Replace(good, `"chain_id":"c"`, `"chain_id":""`, 1),
		"long chain id":         strings.Replace(good, `"chain_id":"c"`, `"chain_id":"`+strings.Repeat("c", 51)+`"`, 1),
		"missing request id":    strings.Replace(good, `"request_id":1,`, ``, 1),
		"request id float":      strings.Replace(good, `"request_id":1`, `"request_id":1.0`, 1),
		"request id exponent":   strings.Replace(good, `"request_id":1`, `"request_id":1e0`, 1),
		"request id negative":   strings.Replace(good, `"request_id":1`, `"request_id":-1`, 1),
		"request id string":     strings.Replace(good, `"request_id":1`, `"request_id":"1"`, 1),
		"request id too big":    strings.Replace(good, `"request_id":1`, `"request_id":18446744073709551616`, 1),
		"no fields":             `{"fields":[],"request_id":1,"chain_id":"c"}`,
		"null fields":           `{"fields":null,"request_id":1,"chain_id":"c"}`,
		"salt upper case":       one("a", "v", strings.ToUpper(strings.Repeat("ab", 32))),
		"salt short":            one("a", "v", s1[:62]),
		"salt long":             one("a", "v", s1+"01"),
		"salt not hex":          one("a", "v", "zz"+s1[2:]),
		"salt zero":             one("a", "v", strings.Repeat("0", 64)),
		"salt as array":         strings.Replace(good, `"`+s1+`"`, `[1,2]`, 1),
		"escaped letter":        one("a", `\u0076`, s1),
		"raw html":              one("a", "<", s1),
		"escaped slash":         one("a", `\/`, s1),
		"invalid utf-8":         one("a", "\xff", s1),
		"empty name":            one("", "v", s1),
		"name with space":       one("a b", "v", s1),
		"name with nul":         one(`a\u0000`, "v", s1),
		"long name":             one(strings.Repeat("n", 65), "v", s1),
		"unsorted fields": `{"fields":[{"name":"b","value":"v","salt":"` + s1 + `"},` +
			`{"name":"a","value":"v","salt":"` + s1 + `"}],"request_id":1,"chain_id":"c"}`,
		"duplicate fields": `{"fields":[{"name":"a","value":"v","salt":"` + s1 + `"},` +
			`{"name":"a","value":"w","salt":"` + s2 + `"}],"request_id":1,"chain_id":"c"}`,
	} {
		_, err := DecodePayload([]byte(in))
		require.ErrorIs(t, err, ErrPayload, name)
		require.Regexp(t, "^seal: ", err.Error())
	}
}

func TestPayloadValidate(t *testing.T) {
	p, _ := record()
	require.NoError(t, p.Validate())
	many := Payload{RequestID: 1, ChainID: "c"}
	for i := range MaxFields {
		many.Fields = append(many.Fields, Field{Name: fmt.Sprintf("f%02d", i), Value: "v", Salt: saltOf(9)})
	}
	require.NoError(t, many.Validate())
	b, err := EncodePayload(many)
	require.NoError(t, err)
	got, err := DecodePayload(b)
	require.NoError(t, err)
	require.Equal(t, many, got)

	for name, tc := range map[string]struct {
		change func(*Payload)
		msg    string
	}{
		"too many fields": {func(p *Payload) {
			p.Fields = append(many.Fields[:MaxFields:MaxFields], Field{Name: "z", Value: "v", Salt: saltOf(9)})
		}, "65 fields, want 1 to 64"},
		"no fields":       {func(p *Payload) { p.Fields = nil }, "0 fields"},
		"bad name":        {func(p *Payload) { p.Fields[0].Name = "birth date" }, "is not an identifier"},
		"unsorted":        {func(p *Payload) { p.Fields[0].Name = "z" }, "must be sorted by name"},
		"duplicate":       {func(p *Payload) { p.Fields[1].Name = "birth_date" }, "must be sorted by name, each once"},
		"invalid utf-8":   {func(p *Payload) { p.Fields[1].Value = "\xc3" }, `field "income": value is not valid UTF-8`},
		"zero salt":       {func(p *Payload) { p.Fields[2].Salt = Salt{} }, `field "name": salt is all zeros`},
		"no chain":        {func(p *Payload) { p.ChainID = "" }, "chain id must be 1-50 bytes"},
		"invalid chain":   {func(p *Payload) { p.ChainID = "\xff" }, "chain id must be 1-50 bytes"},
		"chain too long":  {func(p *Payload) { p.ChainID = strings.Repeat("c", 51) }, "chain id must be 1-50 bytes"},
		"name too long":   {func(p *Payload) { p.Fields[0].Name = strings.Repeat("a", 65) }, "is not an identifier"},
		"name with colon": {func(p *Payload) { p.Fields[0].Name = "a:b" }, ""},
	} {
		q := clonePayload(p)
		tc.change(&q)
		err := q.Validate()
		if tc.msg == "" {
			require.NoError(t, err, name)
			continue
		}
		require.ErrorIs(t, err, ErrPayload, name)
		require.ErrorContains(t, err, tc.msg, name)
		_, err = EncodePayload(q)
		require.ErrorIs(t, err, ErrPayload, name)
	}
}

func TestSaltText(t *testing.T) {
	s := NewSalt()
	require.NotEqual(t, Salt{}, s)
	require.NotEqual(t, s, NewSalt())
	b, err := s.MarshalText()
	require.NoError(t, err)
	require.Len(t, b, 64)
	var back Salt
	require.NoError(t, back.UnmarshalText(b))
	require.Equal(t, s, back)
	require.ErrorIs(t, back.UnmarshalText(bytes.ToUpper(b)), ErrPayload)
	require.ErrorIs(t, back.UnmarshalText(b[:63]), ErrPayload)
}

func TestSealOpenPayload(t *testing.T) {
	p, c := record()
	for _, s := range Suites() {
		k := fixedKey(t, s, 0x66)
		sealed, err := SealPayload(s, k.PublicKeyBytes(), "k1", p)
		require.NoError(t, err)
		got, err := OpenPayload(k, "govchain-dev", 12, "k1", sealed)
		require.NoError(t, err)
		require.Equal(t, p, got)
		require.NoError(t, CheckPayload(got, c))
		require.Equal(t, PayloadHash(sealed), PayloadHash(bytes.Clone(sealed)))

		// Under any other request, chain or key id it does not open.
		_, err = OpenPayload(k, "govchain-dev", 13, "k1", sealed)
		require.ErrorIs(t, err, ErrOpen)
		_, err = OpenPayload(k, "govchain-test", 12, "k1", sealed)
		require.ErrorIs(t, err, ErrOpen)
		_, err = OpenPayload(k, "govchain-dev", 12, "k2", sealed)
		require.ErrorIs(t, err, ErrOpen)

		// A sender that seals a payload naming another request under this
		// request's info is caught.
		other := clonePayload(p)
		other.RequestID = 99
		b, err := EncodePayload(other)
		require.NoError(t, err)
		wrong, err := Seal(s, k.PublicKeyBytes(), Info("govchain-dev", 12, "k1"), b)
		require.NoError(t, err)
		_, err = OpenPayload(k, "govchain-dev", 12, "k1", wrong)
		require.ErrorIs(t, err, ErrPayloadBinding)
		require.ErrorContains(t, err, `names chain "govchain-dev" request 99, want chain "govchain-dev" request 12`)

		// A plaintext that is not a canonical payload is refused after
		// opening.
		junk, err := Seal(s, k.PublicKeyBytes(), Info("govchain-dev", 12, "k1"), []byte(`{"fields":[]}`))
		require.NoError(t, err)
		_, err = OpenPayload(k, "govchain-dev", 12, "k1", junk)
		require.ErrorIs(t, err, ErrPayload)

		bad := clonePayload(p)
		bad.Fields = nil
		_, err = SealPayload(s, k.PublicKeyBytes(), "k1", bad)
		require.ErrorIs(t, err, ErrPayload)
	}
	require.Equal(t, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", fmt.Sprintf("%x", PayloadHash(nil)))
}
