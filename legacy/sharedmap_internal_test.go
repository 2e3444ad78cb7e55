package legacy

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSharedMap: the shared map answers as a map of keys to latest values
// (nil: deleted) through sets, overwrites, deletes and the compactions
// they cause; a value it returned never changes afterwards.
func TestSharedMap(t *testing.T) {
	defer func(was int) { compactAt = was }(compactAt)
	compactAt = 64 << 10
	s := newSharedMap()
	ref := map[string][]byte{}
	type seen struct {
		key  string
		val  []byte
		copy []byte
	}
	var held []seen
	rng := rand.New(rand.NewPCG(1, 2))
	big := bytes.Repeat([]byte("v"), 4096)
	for n := range 40_000 {
		key := []byte(fmt.Sprintf("/shared/%03d", rng.IntN(300)))
		var val []byte
		switch rng.IntN(10) {
		case 0:
			// deleted
		case 1:
			val = []byte{}
		default:
			val = fmt.Appendf(nil, "%d:%s", n, big[:rng.IntN(len(big))])
		}
		s.set(key, val)
		ref[string(key)] = val
		if n%97 == 0 {
			v, ok := s.load(key)
			require.True(t, ok)
			held = append(held, seen{string(key), v, bytes.Clone(v)})
		}
	}
	compactions := 0
	for i := range s.shards {
		sh := &s.shards[i]
		compactions += sh.compactions
		require.LessOrEqual(t, sh.dead, max(compactAt, len(sh.arena)-sh.dead), "shard %d keeps too many dead bytes", i)
	}
	require.Greater(t, compactions, 100, "the shards compacted")
	require.Equal(t, len(ref), s.len())
	for k, want := range ref {
		got, ok := s.get([]byte(k))
		require.True(t, ok, k)
		require.Equal(t, want == nil, got == nil, k)
		require.Equal(t, want, got, k)
		got, ok = s.getString(k)
		require.True(t, ok, k)
		require.Equal(t, want, got, k)
	}
	_, ok := s.get([]byte("/shared/absent"))
	require.False(t, ok)
	all := map[string][]byte{}
	for k, v := range s.all() {
		all[k] = v
	}
	require.Equal(t, ref, all)
	for _, h := range held {
		require.Equal(t, h.copy, h.val, "a value returned for %s changed", h.key)
	}
}
