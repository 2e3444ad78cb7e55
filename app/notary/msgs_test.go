package notary

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// validateCase is a mutation Validate must refuse (coretest.ValidateCase).
type validateCase coretest.ValidateCase

func TestValidateAnchorDocument(t *testing.T) {
	base := AnchorDocument{DocumentHash: coretest.HashOf("deed"), DocType: "deed", Reference: "land/parcel/P-1"}
	require.NoError(t, base.Validate())
	for _, ok := range []string{"", "vehicle/vin/WVWZZZ1JZXW000001", "a/b", strings.Repeat("a/", MaxReferenceSegments-1) + "a"} {
		m := base
		m.Reference = ok
		require.NoError(t, m.Validate(), "%q", ok)
	}
	coretest.CheckValidate(t, Module, ErrInvalidMessage, base, []validateCase{
		{"zero hash", coretest.Mutate(func(m *AnchorDocument) { m.DocumentHash = core.Hash{} })},
		{"empty type", coretest.Mutate(func(m *AnchorDocument) { m.DocType = "" })},
		{"type with space", coretest.Mutate(func(m *AnchorDocument) { m.DocType = "sale deed" })},
		{"long type", coretest.Mutate(func(m *AnchorDocument) { m.DocType = strings.Repeat("x", 65) })},
		{"one-segment reference", coretest.Mutate(func(m *AnchorDocument) { m.Reference = "land" })},
		{"empty segment", coretest.Mutate(func(m *AnchorDocument) { m.Reference = "land//P-1" })},
		{"leading slash", coretest.Mutate(func(m *AnchorDocument) { m.Reference = "/land/parcel/P-1" })},
		{"trailing slash", coretest.Mutate(func(m *AnchorDocument) { m.Reference = "land/parcel/" })},
		{"space in segment", coretest.Mutate(func(m *AnchorDocument) { m.Reference = "land/parcel/P 1" })},
		{"too many segments", coretest.Mutate(func(m *AnchorDocument) { m.Reference = strings.Repeat("a/", MaxReferenceSegments) + "a" })},
		{"long reference", coretest.Mutate(func(m *AnchorDocument) { m.Reference = "land/" + strings.Repeat("x", MaxReferenceLen) })},
	})
}

// TestModule checks the module's contract (coretest.CheckModule), and
// that the message decodes strictly in both of its forms.
func TestModule(t *testing.T) {
	coretest.CheckModule(t, Module, []core.Msg{
		AnchorDocument{DocumentHash: coretest.HashOf("d"), DocType: "contract", Reference: "land/parcel/P-1"},
	})
	m := AnchorDocument{DocumentHash: coretest.HashOf("d"), DocType: "contract"}
	raw, err := json.Marshal(m)
	require.NoError(t, err)
	zero, ok := Module.NewMsg(m.Type())
	require.True(t, ok)
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(zero))
	again, err := json.Marshal(zero)
	require.NoError(t, err)
	require.Equal(t, string(raw), string(again))
	// An upper-case hash is not canonical and does not decode.
	zero, _ = Module.NewMsg(TypeAnchorDocument)
	err = json.Unmarshal([]byte(`{"document_hash":"`+strings.ToUpper(coretest.HashOf("d").String())+`","doc_type":"x","reference":""}`), zero)
	require.Error(t, err)
}
