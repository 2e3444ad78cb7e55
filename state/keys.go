package state

import (
	"encoding/binary"
	"fmt"
)

// Every key in the tree starts with one byte naming the module (or core
// table) that owns it, then one byte naming the table within it, then the
// length-prefixed parts. The first bytes are declared by their owners
// (app/core for the core tables, each module for its own: core.Module's
// Prefix) and never reused; this package knows none of them.

// MaxKeyPart is the longest part a key may hold. Parts are identifiers
// (parcel ids, addresses, numbers), never documents.
const MaxKeyPart = 255

// Key builds a store key: the registry prefix, the table byte, then each part
// as a one-byte length followed by its bytes. Length prefixes make the
// encoding injective (("ab","c") and ("a","bc") differ) and make a key built
// from the first n parts a prefix of every key that extends it. It panics if
// a part exceeds MaxKeyPart: callers validate identifiers before building
// keys, so an over-long part is a programming error.
func Key(prefix, table byte, parts ...[]byte) []byte {
	n := 2
	for _, p := range parts {
		n += 1 + len(p)
	}
	k := make([]byte, 0, n)
	k = append(k, prefix, table)
	for _, p := range parts {
		if len(p) > MaxKeyPart {
			panic(fmt.Sprintf("state: key part of %d bytes exceeds %d", len(p), MaxKeyPart))
		}
		k = append(k, byte(len(p)))
		k = append(k, p...)
	}
	return k
}

// Uint64 encodes n as 8 big-endian bytes, so numeric parts sort in numeric
// order.
func Uint64(n uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, n)
}

// PrefixEnd returns the smallest key greater than every key starting with p,
// for use as an exclusive iterator end; nil means "no upper bound".
func PrefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}
