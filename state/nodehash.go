package state

import (
	"crypto/sha256"
	"encoding/binary"
)

// AppendLeafHashInput appends to b the bytes whose SHA-256 is the hash of
// the IAVL leaf holding key and value at version, as cosmos/iavl
// (Node.writeHashBytes) and memiavl compute it: varint(0) varint(1)
// varint(version) bytes(key) bytes(SHA-256(value)), where varint is
// zig-zag (binary.AppendVarint) and bytes is a uvarint length and the
// bytes.
func AppendLeafHashInput(b []byte, version int64, key, value []byte) []byte {
	b = binary.AppendVarint(b, 0)
	b = binary.AppendVarint(b, 1)
	b = binary.AppendVarint(b, version)
	b = binary.AppendUvarint(b, uint64(len(key)))
	b = append(b, key...)
	vh := sha256.Sum256(value)
	b = binary.AppendUvarint(b, sha256.Size)
	return append(b, vh[:]...)
}

// AppendInnerHashInput appends to b the bytes whose SHA-256 is the hash of
// an IAVL inner node of height, size (leaves below it) and version over
// the subtrees hashed left and right: varint(height) varint(size)
// varint(version) bytes(left) bytes(right), encoded as in
// AppendLeafHashInput.
func AppendInnerHashInput(b []byte, height int8, size, version int64, left, right []byte) []byte {
	b = binary.AppendVarint(b, int64(height))
	b = binary.AppendVarint(b, size)
	b = binary.AppendVarint(b, version)
	b = binary.AppendUvarint(b, uint64(len(left)))
	b = append(b, left...)
	b = binary.AppendUvarint(b, uint64(len(right)))
	return append(b, right...)
}
