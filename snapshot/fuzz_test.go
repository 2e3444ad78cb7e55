package snapshot

import (
	"testing"

	"github.com/govchain/govchain/state"
)

// FuzzDecode feeds arbitrary bytes, as a peer may, to the metadata and
// chunk decoders and the tree hasher: they must return errors, never panic
// or allocate without bound; metadata that decodes re-encodes to the same
// bytes.
func FuzzDecode(f *testing.F) {
	raw := appendRecord(nil, &state.ExportNode{Key: []byte("a"), Value: []byte("1"), Version: 1})
	raw = appendRecord(raw, &state.ExportNode{Key: []byte("b"), Value: []byte("2"), Version: 2})
	raw = appendRecord(raw, &state.ExportNode{Key: []byte("b"), Version: 2, Height: 1})
	chunk, err := compress(raw)
	if err != nil {
		f.Fatal(err)
	}
	md := &metadata{format: Format, height: 2, root: make([]byte, 32), chunks: [][]byte{make([]byte, 32)}}
	f.Add(chunk)
	f.Add(md.encode())
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		if m, err := decodeMetadata(b); err == nil {
			if got := string(m.encode()); got != string(b) {
				t.Fatalf("metadata %x re-encodes to %x", b, got)
			}
		}
		var h treeHasher
		if err := decodeChunk(b, h.add); err == nil {
			_, _ = h.root()
		}
	})
}
