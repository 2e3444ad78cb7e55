package state_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/store"
)

// FuzzVerify feeds arbitrary proofs, roots, keys and values to the
// verification helpers: they must never panic, and must accept only what
// the tree really holds. The seed proofs come from a real memiavl store,
// which is why this file is an external test: package state links no engine.
func FuzzVerify(f *testing.F) {
	cfg := state.DefaultConfig()
	cfg.Engine = state.EngineMemIAVL
	cfg.CacheSize = 1000
	cfg.SnapshotInterval = 4
	s, err := store.Open(f.TempDir(), cfg)
	require.NoError(f, err)
	for i := 0; i < 20; i++ {
		require.NoError(f, s.Set([]byte{'k', byte(2 * i)}, []byte{'v', byte(i)}))
	}
	root, _, err := s.Commit()
	require.NoError(f, err)
	view, err := s.ViewAt(0)
	require.NoError(f, err)
	exist, err := view.ProveExistence([]byte{'k', 4})
	require.NoError(f, err)
	absent, err := view.ProveAbsence([]byte{'k', 5})
	require.NoError(f, err)
	eb, err := state.EncodeProof(exist)
	require.NoError(f, err)
	ab, err := state.EncodeProof(absent)
	require.NoError(f, err)
	require.NoError(f, view.Close())
	require.NoError(f, s.Close())

	f.Add(eb, root, []byte{'k', 4}, []byte{'v', 2})
	f.Add(ab, root, []byte{'k', 5}, []byte(nil))
	f.Add(eb, root, []byte{'k', 6}, []byte{'v', 3})
	f.Add(ab, root, []byte{'k', 4}, []byte{'v', 2})
	f.Add([]byte{0x0a, 0x00}, root, []byte{'k'}, []byte{})
	f.Fuzz(func(t *testing.T, bz, root, key, value []byte) {
		p, err := state.DecodeProof(bz)
		if err != nil {
			return
		}
		if state.VerifyExistence(root, p, key, value) == nil {
			// Only the one true fact proven by a proof in the corpus.
			require.Equal(t, []byte{'v', key[1] / 2}, value)
			require.Equal(t, byte(0), key[1]%2)
		}
		if state.VerifyAbsence(root, p, key) == nil {
			require.False(t, len(key) == 2 && key[0] == 'k' && key[1]%2 == 0 && key[1] < 40, "absence of a present key %x", key)
		}
	})
}
