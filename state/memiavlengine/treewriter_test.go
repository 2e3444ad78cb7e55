package memiavlengine

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/crypto-org-chain/cronos/memiavl"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/state"
)

// TestTreeWriterWritesMemiavlsSnapshot: for trees of 0 to 5,000 keys made
// over several versions (so nodes carry different versions and the tree
// has every shape of subtree), the tree writer writes the same four files,
// byte for byte, as memiavl's own importer given the same export stream,
// and memiavl opens them with the tree's root hash.
func TestTreeWriterWritesMemiavlsSnapshot(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 17, 1000, 5000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			tree := memiavl.New(0)
			rng := rand.New(rand.NewPCG(uint64(n), 1)) // the same trees on every run
			next := rng.Uint64
			for v := 0; v < 4; v++ {
				var cs memiavl.ChangeSet
				for i := 0; i < n; i++ {
					if next()%4 != 0 && v > 0 {
						continue // most keys keep an older version
					}
					key := fmt.Appendf(nil, "key/%06d", i)
					if v == 3 && next()%10 == 0 {
						cs.Pairs = append(cs.Pairs, &memiavl.KVPair{Key: key, Delete: true})
						continue
					}
					cs.Pairs = append(cs.Pairs, &memiavl.KVPair{Key: key, Value: fmt.Appendf(nil, "value %d of %d: %x", v, i, next())})
				}
				tree.ApplyChangeSet(cs)
				_, _, err := tree.SaveVersion(true)
				require.NoError(t, err)
			}
			var nodes []*memiavl.ExportNode
			ex := tree.Export()
			for {
				node, err := ex.Next()
				if errors.Is(err, memiavl.ErrorExportDone) {
					break
				}
				require.NoError(t, err)
				nodes = append(nodes, node)
			}
			ex.Close()
			const version = 4

			theirs := filepath.Join(t.TempDir(), "tree")
			imp := memiavl.NewTreeImporter(theirs, version)
			for _, node := range nodes {
				imp.Add(node)
			}
			require.NoError(t, imp.Close())

			ours := filepath.Join(t.TempDir(), "tree")
			tw, err := newTreeWriter(ours, version)
			require.NoError(t, err)
			for _, node := range nodes {
				tw.add(&state.ExportNode{Key: node.Key, Value: node.Value, Version: node.Version, Height: node.Height})
			}
			require.NoError(t, tw.finish())

			for _, name := range []string{memiavl.FileNameNodes, memiavl.FileNameLeaves, memiavl.FileNameKVs, memiavl.FileNameMetadata} {
				want, err := os.ReadFile(filepath.Join(theirs, name))
				require.NoError(t, err)
				got, err := os.ReadFile(filepath.Join(ours, name))
				require.NoError(t, err)
				require.Equal(t, want, got, "file %s", name)
			}
			if n > 0 {
				require.NotEmpty(t, nodes)
				snap, err := memiavl.OpenSnapshot(ours)
				require.NoError(t, err)
				defer snap.Close()
				require.Equal(t, tree.RootHash(), memiavl.NewFromSnapshot(snap, false, 0).RootHash())
			}
		})
	}
}

// TestTreeWriterRefusesAMalformedStream: an inner node without two
// subtrees below it, or a stream that ends with more than one tree, fails
// finish with an error instead of writing a tree.
func TestTreeWriterRefusesAMalformedStream(t *testing.T) {
	leaf := func(k string) *state.ExportNode {
		return &state.ExportNode{Key: []byte(k), Value: []byte("v"), Version: 1}
	}
	for name, stream := range map[string][]*state.ExportNode{
		"inner node first":  {{Key: []byte("a"), Version: 1, Height: 1}},
		"two trees at end":  {leaf("a"), leaf("b")},
		"version too large": {{Key: []byte("a"), Value: []byte("v"), Version: 1 << 40}},
	} {
		t.Run(name, func(t *testing.T) {
			tw, err := newTreeWriter(filepath.Join(t.TempDir(), "tree"), 1)
			require.NoError(t, err)
			for _, n := range stream {
				tw.add(n)
			}
			require.Error(t, tw.finish())
		})
	}
}
