package core_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

var errTestInvalid = core.NewError(core.ErrInvalid, "test: invalid message")

func TestFieldsLien(t *testing.T) {
	f := core.Fields{Invalid: errTestInvalid}
	doc := coretest.HashOf("loan")
	require.NoError(t, f.Lien(1, "EUR", "LOAN-1", 8, doc))
	for _, tc := range []struct {
		name      string
		amount    int64
		currency  string
		reference string
		document  core.Hash
		want      string
	}{
		{"zero amount", 0, "EUR", "r", doc, "amount must be positive"},
		{"negative amount", -1, "EUR", "r", doc, "amount must be positive"},
		{"bad currency", 1, "eur", "r", doc, "currency must be an ISO 4217 code"},
		{"no reference", 1, "EUR", "", doc, "reference must not be empty"},
		{"long reference", 1, "EUR", strings.Repeat("r", 9), doc, "reference: longer than 8 bytes"},
		{"control character", 1, "EUR", "a\x00", doc, "reference: contains a control"},
		{"zero document", 1, "EUR", "r", core.Hash{}, "document_hash must not be zero"},
	} {
		err := f.Lien(tc.amount, tc.currency, tc.reference, 8, tc.document)
		require.ErrorIs(t, err, errTestInvalid, tc.name)
		require.ErrorContains(t, err, "test: invalid message: "+tc.want, tc.name)
	}
}
