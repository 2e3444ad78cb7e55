package notary

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
)

func TestValidateAnchorDocument(t *testing.T) {
	base := AnchorDocument{DocumentHash: hashOf("deed"), DocType: "deed", Reference: "land/parcel/P-1"}
	require.NoError(t, base.Validate())
	for _, ok := range []string{"", "vehicle/vin/WVWZZZ1JZXW000001", "a/b", strings.Repeat("a/", MaxReferenceSegments-1) + "a"} {
		m := base
		m.Reference = ok
		require.NoError(t, m.Validate(), "%q", ok)
	}
	for _, tc := range []struct {
		name string
		f    func(m *AnchorDocument)
	}{
		{"zero hash", func(m *AnchorDocument) { m.DocumentHash = core.Hash{} }},
		{"empty type", func(m *AnchorDocument) { m.DocType = "" }},
		{"type with space", func(m *AnchorDocument) { m.DocType = "sale deed" }},
		{"long type", func(m *AnchorDocument) { m.DocType = strings.Repeat("x", 65) }},
		{"one-segment reference", func(m *AnchorDocument) { m.Reference = "land" }},
		{"empty segment", func(m *AnchorDocument) { m.Reference = "land//P-1" }},
		{"leading slash", func(m *AnchorDocument) { m.Reference = "/land/parcel/P-1" }},
		{"trailing slash", func(m *AnchorDocument) { m.Reference = "land/parcel/" }},
		{"space in segment", func(m *AnchorDocument) { m.Reference = "land/parcel/P 1" }},
		{"too many segments", func(m *AnchorDocument) { m.Reference = strings.Repeat("a/", MaxReferenceSegments) + "a" }},
		{"long reference", func(m *AnchorDocument) { m.Reference = "land/" + strings.Repeat("x", MaxReferenceLen) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := base
			tc.f(&m)
			err := m.Validate()
			require.ErrorIs(t, err, ErrInvalidMessage)
			require.ErrorIs(t, err, core.ErrInvalid)
			require.True(t, strings.HasPrefix(err.Error(), "notary: "), err.Error())
		})
	}
}

// TestNewMsgAndCanonicalJSON checks the router contract and that the
// message decodes strictly and re-encodes to the same bytes.
func TestNewMsgAndCanonicalJSON(t *testing.T) {
	require.True(t, slices.IsSorted(Types()))
	require.Equal(t, []string{TypeAnchorDocument}, Types())
	for _, m := range []core.Msg{
		AnchorDocument{DocumentHash: hashOf("d"), DocType: "contract", Reference: "land/parcel/P-1"},
		AnchorDocument{DocumentHash: hashOf("d"), DocType: "contract"},
	} {
		require.True(t, strings.HasPrefix(m.Type(), Name+"/"))
		raw, err := json.Marshal(m)
		require.NoError(t, err)
		zero, ok := NewMsg(m.Type())
		require.True(t, ok)
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		require.NoError(t, dec.Decode(zero))
		again, err := json.Marshal(zero)
		require.NoError(t, err)
		require.Equal(t, string(raw), string(again))
		require.NoError(t, zero.Validate())
	}
	_, ok := NewMsg("notary/unknown")
	require.False(t, ok)
	// An upper-case hash is not canonical and does not decode.
	zero, _ := NewMsg(TypeAnchorDocument)
	err := json.Unmarshal([]byte(`{"document_hash":"`+strings.ToUpper(hashOf("d").String())+`","doc_type":"x","reference":""}`), zero)
	require.Error(t, err)
}

// TestSentinels checks that every sentinel has one kind, a "notary: "
// message, and that no two share a message.
func TestSentinels(t *testing.T) {
	msgs := map[string]bool{}
	for _, s := range Errors {
		require.Regexp(t, `^notary: [a-z]`, s.Error())
		require.False(t, msgs[s.Error()], "duplicate %q", s.Error())
		msgs[s.Error()] = true
		n := 0
		for _, k := range []error{core.ErrInvalid, core.ErrNotFound, core.ErrUnauthorized, core.ErrConflict} {
			if errors.Is(s, k) {
				n++
			}
		}
		require.Equal(t, 1, n, "%v", s)
	}
}
