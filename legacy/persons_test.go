package legacy

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/seal"
)

func TestCommitKeepsPersonalDataOffTheDump(t *testing.T) {
	var civil, dump, salts bytes.Buffer
	require.NoError(t, Generate(&civil, Persons, FormatCSV, GenConfig{Rows: 100, Seed: 4, BadEvery: 10}))
	raw := civil.String()
	rows, rejects, err := Commit(context.Background(), &civil, &dump, &salts, rand.Reader)
	require.NoError(t, err)
	// 10 faults: the encoding and column ones are set aside here, the
	// others reach the dump and are set aside by Canonicalise.
	require.Equal(t, 96, rows)
	require.Len(t, rejects, 4)

	// No personal value reaches the dump.
	for _, name := range append(givenNames, familyNames...) {
		if strings.Contains(raw, name) {
			require.NotContains(t, dump.String(), name)
		}
	}
	d, err := Canonicalise(context.Background(), bytes.NewReader(dump.Bytes()), Persons, FormatCSV, nil)
	require.NoError(t, err)
	require.NoError(t, d.Settle(context.Background(), genesisTime, nil))
	require.Equal(t, map[string]int{CodeDuplicate: 4, CodeBadField: 4}, codes(d))
	require.Len(t, d.Rows, 88)

	// A salt and the value open the commitment; another value does not.
	recs, err := csv.NewReader(&salts).ReadAll()
	require.NoError(t, err)
	require.Equal(t, SaltsHeader, recs[0])
	first, err := Fields(d.Rows[0])
	require.NoError(t, err)
	var value string
	for line := range strings.SplitSeq(raw, "\n") {
		if f, err := splitCSV([]byte(line)); err == nil && len(f) == 6 && f[0] == first[0] {
			value = f[2]
		}
	}
	require.NotEmpty(t, value)
	for _, s := range recs[1:] {
		if s[0] == first[0] && s[1] == "given_name" {
			b, err := hex.DecodeString(s[2])
			require.NoError(t, err)
			var salt [32]byte
			copy(salt[:], b)
			c := seal.Commitment(salt, "given_name", value)
			require.Contains(t, first[2], "given_name:"+hex.EncodeToString(c[:]))
			c = seal.Commitment(salt, "given_name", value+"x")
			require.NotContains(t, first[2], hex.EncodeToString(c[:]))
			return
		}
	}
	t.Fatal("no salt for the first person's given_name")
}

func TestCommitRefusesABadHeader(t *testing.T) {
	var dump, salts bytes.Buffer
	_, _, err := Commit(context.Background(), strings.NewReader("id,name\n"), &dump, &salts, rand.Reader)
	require.ErrorContains(t, err, "a civil registry's header is person_id,document_sha256")
	_, _, err = Commit(context.Background(), strings.NewReader("person_id,document_sha256,a b\n"), &dump, &salts, rand.Reader)
	require.ErrorContains(t, err, `attribute "a b"`)
}
