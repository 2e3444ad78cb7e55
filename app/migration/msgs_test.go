package migration

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/legacy"
)

// batch returns batch first (of size) of a dump of n rows.
func batch(t *testing.T, n, size, first int) ImportBatch {
	t.Helper()
	d := &legacy.Dump{Registry: legacy.Parcels}
	for i := range n {
		d.Rows = append(d.Rows, []byte{'r', byte(i)})
	}
	b, err := d.Batches(size)
	require.NoError(t, err)
	rows, aunts, err := b.Prove(first)
	require.NoError(t, err)
	m := ImportBatch{Registry: "parcels", Root: d.Root(), Total: uint64(n), First: uint64(first), Size: uint64(size)}
	for _, r := range rows {
		m.Rows = append(m.Rows, string(r))
	}
	for _, a := range aunts {
		m.Aunts = append(m.Aunts, a)
	}
	return m
}

func TestImportBatchValidate(t *testing.T) {
	for name, tc := range map[string]struct {
		change func(m *ImportBatch)
		want   error // nil: valid
		text   string
	}{
		"valid":              {change: func(*ImportBatch) {}},
		"unknown registry":   {change: func(m *ImportBatch) { m.Registry = "contracts" }, want: ErrInvalidMessage, text: "unknown registry"},
		"short root":         {change: func(m *ImportBatch) { m.Root = m.Root[:31] }, want: ErrInvalidMessage, text: "root must be 32 bytes"},
		"size not a power":   {change: func(m *ImportBatch) { m.Size = 6 }, want: ErrInvalidMessage, text: "power of two"},
		"size too large":     {change: func(m *ImportBatch) { m.Size = legacy.MaxBatchSize * 2 }, want: ErrInvalidMessage, text: "power of two"},
		"first misaligned":   {change: func(m *ImportBatch) { m.First = 9 }, want: ErrInvalidMessage, text: "multiple of its size"},
		"first past the end": {change: func(m *ImportBatch) { m.First = 64 }, want: ErrInvalidMessage, text: "past the dump"},
		"a row changed":      {change: func(m *ImportBatch) { m.Rows[2] = "x" }, want: ErrNotInDump},
		"a row missing":      {change: func(m *ImportBatch) { m.Rows = m.Rows[1:] }, want: ErrNotInDump, text: "must hold 8 rows"},
		"an aunt missing":    {change: func(m *ImportBatch) { m.Aunts = m.Aunts[1:] }, want: ErrNotInDump},
		"another position":   {change: func(m *ImportBatch) { m.First = 16 }, want: ErrNotInDump},
		"a short aunt":       {change: func(m *ImportBatch) { m.Aunts[0] = m.Aunts[0][:5] }, want: ErrNotInDump, text: "not 32"},
	} {
		t.Run(name, func(t *testing.T) {
			m := batch(t, 30, 8, 8)
			tc.change(&m)
			err := m.Validate()
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.want)
			require.ErrorIs(t, err, core.ErrInvalid)
			require.ErrorContains(t, err, tc.text)
		})
	}
}

func TestCheckpointQueryPaths(t *testing.T) {
	root := make([]byte, 32)
	key, ok := Module.PathKey([]string{"checkpoint", "0000000000000000000000000000000000000000000000000000000000000000"})
	require.True(t, ok)
	require.Equal(t, CheckpointKey(root), key)
	for _, p := range [][]string{{"checkpoint"}, {"checkpoint", "00"}, {"checkpoint", "AA00000000000000000000000000000000000000000000000000000000000000"}, {"dump", "x"}} {
		_, _, err := resolve(p)
		require.ErrorIs(t, err, ErrUnknownQuery, "%v", p)
	}
}
