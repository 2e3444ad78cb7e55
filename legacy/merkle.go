package legacy

import (
	"crypto/sha256"
	"fmt"
	"math/bits"

	"github.com/cometbft/cometbft/crypto/merkle"
)

// The rows' tree is CometBFT's simple Merkle tree (crypto/merkle, RFC 6962
// hashing: a leaf is SHA-256(0x00 || row), an inner node SHA-256(0x01 ||
// left || right), the left subtree holding the largest power of two below
// the count). Its root over a dump's canonical rows, in canonical order,
// is the dump's root; HashFromByteSlices over the same rows gives it, and
// a RowProof is a merkle.Proof that CometBFT's Verify checks.

// LeafHash is the hash of one canonical row as a leaf of the rows' tree.
func LeafHash(row []byte) []byte {
	h := leafHash(row)
	return h[:]
}

// leafHash is LeafHash as an array.
func leafHash(row []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte{0})
	h.Write(row)
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// rootOfHashes is rootOfLeaves over leaf hashes held as arrays: a dump's
// leaves in one allocation without pointers, which the garbage collector
// does not scan.
func rootOfHashes(leaves [][32]byte) []byte {
	views := make([][]byte, len(leaves))
	for i := range leaves {
		views[i] = leaves[i][:]
	}
	return rootOfLeaves(views)
}

func innerHash(l, r []byte) []byte {
	h := sha256.New()
	h.Write([]byte{1})
	h.Write(l)
	h.Write(r)
	return h.Sum(nil)
}

// splitPoint is the largest power of two below n (n >= 2).
func splitPoint(n int) int { return 1 << (bits.Len(uint(n-1)) - 1) }

// rootOfLeaves is the root over leaf hashes; the empty tree's root is the
// SHA-256 of nothing, as in CometBFT.
func rootOfLeaves(leaves [][]byte) []byte {
	switch len(leaves) {
	case 0:
		h := sha256.Sum256(nil)
		return h[:]
	case 1:
		return leaves[0]
	}
	k := splitPoint(len(leaves))
	return innerHash(rootOfLeaves(leaves[:k]), rootOfLeaves(leaves[k:]))
}

// aunts are the sibling hashes from leaf i up to the root, lowest first,
// as merkle.Proof holds them.
func aunts(leaves [][]byte, i int) [][]byte {
	if len(leaves) <= 1 {
		return nil
	}
	k := splitPoint(len(leaves))
	if i < k {
		return append(aunts(leaves[:k], i), rootOfLeaves(leaves[k:]))
	}
	return append(aunts(leaves[k:], i-k), rootOfLeaves(leaves[:k]))
}

// RowProof proves that row Index (from 0) of a dump's canonical rows is
// Row, against the dump's root.
type RowProof struct {
	Row   []byte
	Proof merkle.Proof
}

// Verify checks the proof against root: the row hashes to the leaf at the
// proof's index in a tree of the proof's total.
func (p *RowProof) Verify(root []byte) error {
	if err := p.Proof.Verify(root, p.Row); err != nil {
		return fmt.Errorf("legacy: row %d is not in the dump with root %X: %w", p.Proof.Index, root, err)
	}
	return nil
}
