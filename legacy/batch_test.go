package legacy

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBatchesProveEveryRowRange: for dumps of 1 to 40 rows and every batch
// size up to 64, each batch verifies against the dump's root, and a batch
// with one row changed or at another position does not.
func TestBatchesProveEveryRowRange(t *testing.T) {
	for n := 1; n <= 40; n++ {
		d := &Dump{Registry: Parcels}
		for i := range n {
			d.Rows = append(d.Rows, []byte{byte('a' + i%26), byte(i)})
		}
		root := d.Root()
		for size := 1; size <= 64; size *= 2 {
			b, err := d.Batches(size)
			require.NoError(t, err)
			for first := 0; first < n; first += size {
				rows, aunts, err := b.Prove(first)
				require.NoError(t, err)
				require.Len(t, rows, min(size, n-first))
				require.NoError(t, VerifyBatch(root, uint64(n), uint64(first), uint64(size), rows, aunts), "n %d size %d first %d", n, size, first)

				changed := append([][]byte{}, rows...)
				changed[len(changed)-1] = []byte("x")
				require.Error(t, VerifyBatch(root, uint64(n), uint64(first), uint64(size), changed, aunts))
				if first+size < n {
					require.Error(t, VerifyBatch(root, uint64(n), uint64(first+size), uint64(size), rows, aunts))
				}
			}
			if size > 1 && n > 1 {
				_, _, err = b.Prove(1)
				require.ErrorContains(t, err, "not at a multiple of its size")
			}
		}
	}
	_, err := BatchLen(10, 0, 3)
	require.ErrorContains(t, err, "must be a power of two")
	_, err = BatchLen(10, 16, 8)
	require.ErrorContains(t, err, "past the dump's 10 rows")
}

func TestBatchesRootIsTheDumpsRoot(t *testing.T) {
	d := &Dump{Registry: Parcels}
	for i := range 37 {
		d.Rows = append(d.Rows, []byte{'r', byte(i)})
	}
	for _, size := range []int{1, 4, 64} {
		b, err := d.Batches(size)
		require.NoError(t, err)
		require.Equal(t, d.Root(), b.Root(), "size %d", size)
	}
}
