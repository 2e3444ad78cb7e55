// Package bulk builds a store's first committed version from sorted keys
// in one pass, through the store's Importer, instead of one Set per key.
//
// Build takes the keys in ascending order with their count, and feeds the
// Importer a balanced IAVL tree in post-order (the order both engines
// export and import): each leaf at the imported version, each branch keyed
// by the smallest key of its right subtree, the left subtree holding the
// larger half. The tree depends on the keys and values alone, so every
// node that builds from the same keys reaches the same root hash on both
// engines; the shape differs from the tree the same keys would make by
// Set, so the hash does too.
//
// Build must never be given unsorted or repeated keys: it checks the order
// and stops at the first key out of place, and the store then stays empty.
package bulk
