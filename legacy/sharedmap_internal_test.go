package legacy

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSharedMap: the shared map answers as a map of keys to latest values
// (nil: deleted) through sets (by key and through where a reader found the
// key), overwrites, deletes and the compactions they cause; a value it
// returned never changes afterwards; same says a key was not set since a
// read only when it was not, and says so whenever its shard did not
// compact since.
func TestSharedMap(t *testing.T) {
	defer func(was int) { compactAt = was }(compactAt)
	compactAt = 64 << 10
	s := newSharedMap()
	ref := map[string][]byte{}
	type seen struct {
		key  string
		val  []byte
		copy []byte
		at   sharedSeen
		sets int // the key's sets before the read
	}
	var held []seen
	sets := map[string]int{}
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
		if v, ok, at := s.load(key); ok && rng.IntN(2) == 0 {
			require.Equal(t, ref[string(key)], v)
			s.setSeen(at, val)
		} else {
			s.set(key, val)
		}
		ref[string(key)] = val
		sets[string(key)]++
		if n%97 == 0 {
			v, ok, at := s.load(key)
			require.True(t, ok)
			require.True(t, s.same(at), "a key read just now is the same")
			held = append(held, seen{string(key), v, bytes.Clone(v), at, sets[string(key)]})
		}
	}
	compactions := 0
	for i := range s.shards {
		sh := &s.shards[i]
		compactions += int(sh.compactions)
		require.LessOrEqual(t, sh.dead, max(compactAt, sh.used-sh.dead), "shard %d keeps too many dead bytes", i)
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
	unchanged, sameSeen := 0, 0
	for _, h := range held {
		require.Equal(t, h.copy, h.val, "a value returned for %s changed", h.key)
		setSince := sets[h.key] != h.sets
		if s.same(h.at) {
			sameSeen++
			require.False(t, setSince, "same after %s was set again", h.key)
		} else if !setSince && s.shards[h.at.shard].compactions == h.at.gen {
			t.Fatalf("%s was not set again nor its shard compacted, yet not the same", h.key)
		}
		if !setSince {
			unchanged++
		}
	}
	t.Logf("%d reads held: %d of keys not set since, %d found the same", len(held), unchanged, sameSeen)
	require.Greater(t, sameSeen, 0, "some reads were found the same")
	require.Greater(t, unchanged, 0, "some keys were not set after their read")
	require.Greater(t, len(held)-unchanged, 0, "some keys were set after their read")
	_, _, absent := s.load([]byte("/shared/absent"))
	require.False(t, s.same(absent), "an absent key is never the same")
}

// TestSlab: a slab's copies equal what was copied, keep nil and empty
// apart, never change when more are made (across blocks, and a slice
// larger than a block), and an append through one does not reach the
// next.
func TestSlab(t *testing.T) {
	var s slab
	require.Nil(t, s.clone(nil))
	empty := s.clone([]byte{})
	require.NotNil(t, empty)
	require.Empty(t, empty)
	rng := rand.New(rand.NewPCG(3, 4))
	type held struct{ got, want []byte }
	var all []held
	for i := range 5000 {
		n := rng.IntN(600)
		if i%1000 == 999 {
			n = slabBlock + 17
		}
		b := make([]byte, n)
		for j := range b {
			b[j] = byte(rng.IntN(256))
		}
		c := s.clone(b)
		require.Equal(t, b, c)
		if n > 0 { // the copy is not the original
			b[0] ^= 0xff
			require.NotEqual(t, b[0], c[0])
		}
		all = append(all, held{c, bytes.Clone(c)})
		if i%7 == 0 && len(all) > 1 {
			prev := all[len(all)-2]
			_ = append(prev.got, 0xee) // must not reach the copy after it
		}
	}
	for i, h := range all {
		require.Equal(t, h.want, h.got, "copy %d changed", i)
	}
}
