package snapshot

import (
	"bytes"
	"compress/zlib"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/govchain/govchain/state"
)

// Format is the only snapshot format this package writes and reads.
const Format uint32 = 1

// Limits that decoding enforces on what a peer sends.
const (
	// MaxChunks is the largest chunk count accepted (CometBFT's default
	// max_snapshot_chunks); at 4 MiB a chunk it is far beyond any state.
	MaxChunks = 100_000
	// maxRawChunk bounds a chunk's uncompressed size.
	maxRawChunk = 64 << 20
	// maxField bounds one key or value.
	maxField = 16 << 20
	// maxChunkSize bounds Options.ChunkSize: a compressed chunk must fit in
	// CometBFT's 16 MB chunk message.
	maxChunkSize = 12 << 20
)

// ErrMalformed is wrapped by every decoding error of metadata or chunks.
var ErrMalformed = errors.New("snapshot: malformed")

// metadata is what Snapshot.Metadata carries.
type metadata struct {
	format uint32
	height uint64
	root   []byte
	chunks [][]byte // SHA-256 of each chunk
}

func (m *metadata) encode() []byte {
	b := binary.AppendUvarint(nil, uint64(m.format))
	b = binary.AppendUvarint(b, m.height)
	b = append(b, m.root...)
	b = binary.AppendUvarint(b, uint64(len(m.chunks)))
	for _, h := range m.chunks {
		b = append(b, h...)
	}
	return b
}

// hash is the snapshot hash: SHA-256 over the chunk hashes.
func (m *metadata) hash() []byte {
	h := sha256.New()
	for _, c := range m.chunks {
		h.Write(c)
	}
	return h.Sum(nil)
}

// decodeMetadata parses b strictly: the format must be Format, the chunk
// count within [1, MaxChunks], and nothing may follow the last hash.
func decodeMetadata(b []byte) (*metadata, error) {
	r := bytes.NewReader(b)
	format, err := binary.ReadUvarint(r)
	if err != nil {
		return nil, fmt.Errorf("%w metadata: format: %v", ErrMalformed, err)
	}
	if format != uint64(Format) {
		return nil, fmt.Errorf("%w metadata: format %d", ErrMalformed, format)
	}
	height, err := binary.ReadUvarint(r)
	if err != nil || height == 0 || height > math.MaxInt64 {
		return nil, fmt.Errorf("%w metadata: height", ErrMalformed)
	}
	root := make([]byte, sha256.Size)
	if _, err := io.ReadFull(r, root); err != nil {
		return nil, fmt.Errorf("%w metadata: root hash", ErrMalformed)
	}
	n, err := binary.ReadUvarint(r)
	if err != nil || n == 0 || n > MaxChunks {
		return nil, fmt.Errorf("%w metadata: chunk count", ErrMalformed)
	}
	if uint64(r.Len()) != n*sha256.Size {
		return nil, fmt.Errorf("%w metadata: %d bytes for %d chunk hashes", ErrMalformed, r.Len(), n)
	}
	m := &metadata{format: Format, height: height, root: root, chunks: make([][]byte, n)}
	for i := range m.chunks {
		m.chunks[i] = make([]byte, sha256.Size)
		_, _ = io.ReadFull(r, m.chunks[i])
	}
	// One encoding only: varints must be minimal.
	if !bytes.Equal(m.encode(), b) {
		return nil, fmt.Errorf("%w metadata: not canonically encoded", ErrMalformed)
	}
	return m, nil
}

// appendRecord appends n's record (length prefix included) to b.
func appendRecord(b []byte, n *state.ExportNode) []byte {
	bodyLen := 1 + varintLen(n.Version) + uvarintLen(uint64(len(n.Key))) + len(n.Key)
	if n.Height == 0 {
		bodyLen += uvarintLen(uint64(len(n.Value))) + len(n.Value)
	}
	b = binary.AppendUvarint(b, uint64(bodyLen))
	b = append(b, byte(n.Height))
	b = binary.AppendVarint(b, n.Version)
	b = binary.AppendUvarint(b, uint64(len(n.Key)))
	b = append(b, n.Key...)
	if n.Height == 0 {
		b = binary.AppendUvarint(b, uint64(len(n.Value)))
		b = append(b, n.Value...)
	}
	return b
}

func uvarintLen(x uint64) int {
	var buf [binary.MaxVarintLen64]byte
	return binary.PutUvarint(buf[:], x)
}

func varintLen(x int64) int {
	var buf [binary.MaxVarintLen64]byte
	return binary.PutVarint(buf[:], x)
}

// compress returns raw as a zlib stream.
func compress(raw []byte) ([]byte, error) {
	var out bytes.Buffer
	zw, err := zlib.NewWriterLevel(&out, zlib.BestSpeed)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// decodeChunk decompresses a chunk and calls add for each node, in order.
// It refuses a chunk that inflates beyond maxRawChunk, a truncated or
// trailing record, and fields beyond maxField.
func decodeChunk(chunk []byte, add func(*state.ExportNode) error) error {
	zr, err := zlib.NewReader(bytes.NewReader(chunk))
	if err != nil {
		return fmt.Errorf("%w chunk: %v", ErrMalformed, err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, maxRawChunk+1))
	if err != nil {
		return fmt.Errorf("%w chunk: %v", ErrMalformed, err)
	}
	if len(raw) > maxRawChunk {
		return fmt.Errorf("%w chunk: inflates beyond %d bytes", ErrMalformed, maxRawChunk)
	}
	if err := zr.Close(); err != nil {
		return fmt.Errorf("%w chunk: %v", ErrMalformed, err)
	}
	for len(raw) > 0 {
		n, rest, err := decodeRecord(raw)
		if err != nil {
			return err
		}
		if err := add(n); err != nil {
			return err
		}
		raw = rest
	}
	return nil
}

// decodeRecord decodes the record at the start of b and returns the rest.
func decodeRecord(b []byte) (*state.ExportNode, []byte, error) {
	size, k := binary.Uvarint(b)
	if k <= 0 || size > uint64(len(b)-k) {
		return nil, nil, fmt.Errorf("%w chunk: truncated record", ErrMalformed)
	}
	body, rest := b[k:k+int(size)], b[k+int(size):]
	bad := func(what string) (*state.ExportNode, []byte, error) {
		return nil, nil, fmt.Errorf("%w chunk: record %s", ErrMalformed, what)
	}
	if len(body) < 1 {
		return bad("empty")
	}
	n := &state.ExportNode{Height: int8(body[0])}
	body = body[1:]
	v, k := binary.Varint(body)
	if k <= 0 {
		return bad("version")
	}
	n.Version, body = v, body[k:]
	key, body, ok := field(body)
	if !ok {
		return bad("key")
	}
	n.Key = key
	if n.Height == 0 {
		val, after, ok := field(body)
		if !ok {
			return bad("value")
		}
		n.Value, body = val, after
		if n.Value == nil {
			n.Value = []byte{}
		}
	}
	if len(body) != 0 {
		return bad("has trailing bytes")
	}
	return n, rest, nil
}

// field reads a uvarint-length-prefixed field; the result is a copy.
func field(b []byte) ([]byte, []byte, bool) {
	l, k := binary.Uvarint(b)
	if k <= 0 || l > maxField || l > uint64(len(b)-k) {
		return nil, nil, false
	}
	end := k + int(l)
	return bytes.Clone(b[k:end]), b[end:], true
}

// treeHasher recomputes the IAVL root hash from exported nodes in
// post-order, as cosmos/iavl (Node.writeHashBytes) and memiavl do
// (state.AppendLeafHashInput, state.AppendInnerHashInput). An empty tree's
// hash is SHA-256 of nothing.
type treeHasher struct {
	stack []subtree
	buf   []byte
}

type subtree struct {
	hash   []byte
	size   int64
	height int8
}

func (h *treeHasher) add(n *state.ExportNode) error {
	var (
		b  []byte
		st subtree
	)
	if n.Height == 0 {
		st = subtree{size: 1}
		b = state.AppendLeafHashInput(h.buf[:0], n.Version, n.Key, n.Value)
	} else {
		k := len(h.stack)
		if n.Height < 0 || k < 2 || h.stack[k-1].height >= n.Height || h.stack[k-2].height >= n.Height {
			return fmt.Errorf("%w chunk: branch of height %d does not close two lower subtrees", ErrMalformed, n.Height)
		}
		left, right := h.stack[k-2], h.stack[k-1]
		h.stack = h.stack[:k-2]
		st = subtree{size: left.size + right.size, height: n.Height}
		b = state.AppendInnerHashInput(h.buf[:0], n.Height, st.size, n.Version, left.hash, right.hash)
	}
	sum := sha256.Sum256(b)
	st.hash = sum[:]
	h.buf = b
	h.stack = append(h.stack, st)
	return nil
}

// root returns the hash of the tree the nodes added so far form.
func (h *treeHasher) root() ([]byte, error) {
	switch len(h.stack) {
	case 0:
		sum := sha256.Sum256(nil)
		return sum[:], nil
	case 1:
		return bytes.Clone(h.stack[0].hash), nil
	default:
		return nil, fmt.Errorf("%w: %d subtrees left unjoined", ErrMalformed, len(h.stack))
	}
}
