package legacy

import (
	"bytes"
	"fmt"
	"math/bits"

	"github.com/govchain/govchain/state"
)

// Batches of path B. A batch of size S (a power of two) at row First (a
// multiple of S) holds the canonical rows [First, min(First+S, total)).
// Because the rows' tree splits at powers of two, that range is one node
// of the tree, and the tree over the dump's batches (each batch's root as
// a leaf hash) has the same inner nodes above them. So a batch proves all
// its rows at once against the dump's root with the aunts of its node,
// about log2(total/S) hashes.

// MaxBatchSize is the largest batch size.
const MaxBatchSize = 1 << 12

// BatchLen checks that size is a power of two at most MaxBatchSize and
// first a multiple of it below total, and returns the number of rows of
// the batch.
func BatchLen(total, first, size uint64) (uint64, error) {
	switch {
	case size == 0 || size > MaxBatchSize || bits.OnesCount64(size) != 1:
		return 0, fmt.Errorf("legacy: batch size %d must be a power of two from 1 to %d", size, MaxBatchSize)
	case first >= total:
		return 0, fmt.Errorf("legacy: batch at row %d is past the dump's %d rows", first, total)
	case first%size != 0:
		return 0, fmt.Errorf("legacy: batch at row %d is not at a multiple of its size %d", first, size)
	}
	return min(size, total-first), nil
}

// BatchRoot is the root of the rows' tree over rows alone.
func BatchRoot(rows [][]byte) []byte {
	leaves := make([][]byte, len(rows))
	for i, r := range rows {
		leaves[i] = LeafHash(r)
	}
	return rootOfLeaves(leaves)
}

// VerifyBatch checks that rows are the canonical rows [first, first+len)
// of a dump of total rows with root root, given the aunts of the batch's
// node (lowest first), as Batches.Prove makes them.
func VerifyBatch(root []byte, total, first, size uint64, rows [][]byte, aunts [][]byte) error {
	n, err := BatchLen(total, first, size)
	if err != nil {
		return err
	}
	if uint64(len(rows)) != n {
		return fmt.Errorf("legacy: batch at row %d of %d must hold %d rows, holds %d", first, total, n, len(rows))
	}
	blocks := (total + size - 1) / size
	got, err := rootFromAunts(first/size, blocks, BatchRoot(rows), aunts)
	if err != nil {
		return fmt.Errorf("legacy: batch at row %d: %w", first, err)
	}
	if !bytes.Equal(got, root) {
		return fmt.Errorf("legacy: rows %d to %d are not those of the dump with root %X", first, first+n-1, root)
	}
	return nil
}

// rootFromAunts folds hash, the node at index of a tree of total nodes
// at its level, with its aunts (lowest first) up to the root.
func rootFromAunts(index, total uint64, hash []byte, aunts [][]byte) ([]byte, error) {
	if total == 1 {
		if len(aunts) != 0 {
			return nil, fmt.Errorf("%d aunts too many", len(aunts))
		}
		return hash, nil
	}
	if len(aunts) == 0 {
		return nil, fmt.Errorf("too few aunts")
	}
	last := aunts[len(aunts)-1]
	if len(last) != 32 {
		return nil, fmt.Errorf("an aunt is %d bytes, not 32", len(last))
	}
	k := uint64(splitPoint(int(total)))
	if index < k {
		l, err := rootFromAunts(index, k, hash, aunts[:len(aunts)-1])
		if err != nil {
			return nil, err
		}
		return innerHash(l, last), nil
	}
	r, err := rootFromAunts(index-k, total-k, hash, aunts[:len(aunts)-1])
	if err != nil {
		return nil, err
	}
	return innerHash(last, r), nil
}

// Batches proves a settled dump's batches of one size.
type Batches struct {
	d    *Dump
	size int
	tree *treeNode
}

type treeNode struct {
	hash        []byte
	left, right *treeNode
	split       int // batches in left
}

// Batches returns the prover of d's batches of size (see BatchLen). It
// builds the tree over the batches once; d must be settled and not
// changed after.
func (d *Dump) Batches(size int) (*Batches, error) {
	if len(d.Rows) == 0 {
		return nil, fmt.Errorf("legacy: the dump has no rows")
	}
	if _, err := BatchLen(uint64(len(d.Rows)), 0, uint64(size)); err != nil {
		return nil, err
	}
	leaves := d.Leaves()
	var hashes [][]byte
	for lo := 0; lo < len(leaves); lo += size {
		hashes = append(hashes, rootOfLeaves(leaves[lo:min(lo+size, len(leaves))]))
	}
	return &Batches{d: d, size: size, tree: buildTree(hashes)}, nil
}

// Root is the dump's root (Dump.Root), kept from the tree: it costs
// nothing, where Dump.Root hashes every row's leaf again.
func (b *Batches) Root() []byte { return b.tree.hash }

func buildTree(hashes [][]byte) *treeNode {
	if len(hashes) == 1 {
		return &treeNode{hash: hashes[0]}
	}
	k := splitPoint(len(hashes))
	l, r := buildTree(hashes[:k]), buildTree(hashes[k:])
	return &treeNode{hash: innerHash(l.hash, r.hash), left: l, right: r, split: k}
}

// Size is the batches' size.
func (b *Batches) Size() int { return b.size }

// Prove returns the rows of the batch at row first and the aunts of its
// node, lowest first.
func (b *Batches) Prove(first int) (rows [][]byte, aunts [][]byte, err error) {
	n, err := BatchLen(uint64(len(b.d.Rows)), uint64(first), uint64(b.size))
	if err != nil {
		return nil, nil, err
	}
	idx := first / b.size
	for t := b.tree; t.left != nil; {
		if idx < t.split {
			aunts = append(aunts, t.right.hash)
			t = t.left
		} else {
			aunts = append(aunts, t.left.hash)
			idx -= t.split
			t = t.right
		}
	}
	for i, j := 0, len(aunts)-1; i < j; i, j = i+1, j-1 {
		aunts[i], aunts[j] = aunts[j], aunts[i]
	}
	return b.d.Rows[first : first+int(n)], aunts, nil
}

// ExecRow executes one canonical row of reg over kv as its register
// message signed by origin.Signer, with the SHA-256 of the row as its
// transaction hash: the record and its first history entry are those path
// A makes at the same origin. A row the module refuses returns its
// refusal (core.IsRefusal); kv then holds partial writes and must be
// discarded.
func ExecRow(kv state.KV, reg *Registry, row []byte, origin Origin) error {
	return execRow(kv, reg, row, origin)
}
