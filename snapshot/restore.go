package snapshot

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/govchain/govchain/state"
)

// Errors of Offer and ApplyChunk. Each names what the caller (CometBFT's
// state sync) should do; anything else means abort the state sync.
var (
	// ErrUnknownFormat: reject every snapshot of this format.
	ErrUnknownFormat = errors.New("snapshot: unknown format")
	// ErrInvalidSnapshot: the offered snapshot is inconsistent (metadata,
	// chunk count, hash, height, declared root hash); reject it.
	ErrInvalidSnapshot = errors.New("snapshot: invalid snapshot")
	// ErrChunkCorrupt: the chunk's SHA-256 is not the one the metadata
	// lists; refetch it from another peer and reject its sender. The
	// restore goes on.
	ErrChunkCorrupt = errors.New("snapshot: chunk does not match its hash")
	// ErrBadContent: a chunk that matches its hash does not decode to a
	// valid tree: the snapshot itself is bad; reject it. The import has
	// been abandoned.
	ErrBadContent = errors.New("snapshot: snapshot content is invalid")
	// ErrAppHashMismatch: the restored tree's root hash is not the trusted
	// app hash; reject the snapshot. The import has been abandoned and the
	// store is empty.
	ErrAppHashMismatch = errors.New("snapshot: restored app hash differs from the trusted app hash")
	// ErrChunkOrder: a chunk arrived out of order; restart this snapshot
	// from its first chunk.
	ErrChunkOrder = errors.New("snapshot: chunk out of order")
	// ErrNoRestore: ApplyChunk without an accepted offer.
	ErrNoRestore = errors.New("snapshot: no snapshot restore in progress")
)

// restore is one snapshot being imported.
type restore struct {
	md      *metadata
	trusted []byte
	im      state.Importer
	next    int
	hasher  treeHasher
}

// abandon closes the importer without committing: the store is empty again.
func (r *restore) abandon() error { return r.im.Close() }

// Offer starts restoring the snapshot described by info into the store,
// which must be empty (version 0). trusted is the app hash of the
// snapshot's height that the light client verified. An unfinished earlier
// restore is abandoned first.
func (m *Manager) Offer(info Info, trusted []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	if m.restore != nil {
		err := m.restore.abandon()
		m.restore = nil
		if err != nil {
			return fmt.Errorf("snapshot: abandon the previous restore: %w", err)
		}
	}
	if info.Format != Format {
		return fmt.Errorf("%w %d (this node reads format %d)", ErrUnknownFormat, info.Format, Format)
	}
	md, err := decodeMetadata(info.Metadata)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidSnapshot, err)
	}
	switch {
	case md.height != info.Height:
		return fmt.Errorf("%w: metadata height %d, snapshot height %d", ErrInvalidSnapshot, md.height, info.Height)
	case uint64(len(md.chunks)) != uint64(info.Chunks):
		return fmt.Errorf("%w: metadata lists %d chunks, snapshot has %d", ErrInvalidSnapshot, len(md.chunks), info.Chunks)
	case !bytes.Equal(md.hash(), info.Hash):
		return fmt.Errorf("%w: hash %X is not the hash of the listed chunks", ErrInvalidSnapshot, info.Hash)
	case len(trusted) != sha256.Size:
		return fmt.Errorf("%w: trusted app hash has %d bytes", ErrInvalidSnapshot, len(trusted))
	case !bytes.Equal(md.root, trusted):
		return fmt.Errorf("%w: declared root hash %X, trusted app hash %X", ErrInvalidSnapshot, md.root, trusted)
	}
	if v := m.store.Version(); v != 0 {
		return fmt.Errorf("snapshot: the state store is at version %d; state sync needs an empty store", v)
	}
	im, err := m.store.Import(int64(md.height))
	if err != nil {
		return fmt.Errorf("snapshot: start import: %w", err)
	}
	m.restore = &restore{md: md, trusted: bytes.Clone(trusted), im: im}
	m.log.Info("restoring snapshot", "height", md.height, "chunks", len(md.chunks))
	return nil
}

// ApplyChunk checks chunk index of the offered snapshot and imports its
// nodes. Chunks must come in order. After the last chunk it compares the
// root hash with the trusted app hash and, if they are equal, commits the
// import durably and returns done; if not, the import is abandoned and
// ErrAppHashMismatch returned. See the Err* variables for what each error
// asks of the caller.
func (m *Manager) ApplyChunk(index uint32, chunk []byte) (done bool, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return false, ErrClosed
	}
	r := m.restore
	if r == nil {
		return false, ErrNoRestore
	}
	if int(index) != r.next {
		return false, fmt.Errorf("%w: got chunk %d, want %d", ErrChunkOrder, index, r.next)
	}
	if sum := sha256.Sum256(chunk); !bytes.Equal(sum[:], r.md.chunks[index]) {
		return false, fmt.Errorf("%w: chunk %d has SHA-256 %X, metadata lists %X", ErrChunkCorrupt, index, sum, r.md.chunks[index])
	}
	fail := func(err error) (bool, error) {
		m.restore = nil
		return false, errors.Join(err, r.abandon())
	}
	err = decodeChunk(chunk, func(n *state.ExportNode) error {
		if err := r.hasher.add(n); err != nil {
			return err
		}
		return r.im.Add(n)
	})
	if err != nil {
		return fail(fmt.Errorf("%w: chunk %d: %v", ErrBadContent, index, err))
	}
	r.next++
	if r.next < len(r.md.chunks) {
		return false, nil
	}
	root, err := r.hasher.root()
	if err != nil {
		return fail(fmt.Errorf("%w: %v", ErrBadContent, err))
	}
	if !bytes.Equal(root, r.trusted) {
		return fail(fmt.Errorf("%w: restored %X, trusted %X", ErrAppHashMismatch, root, r.trusted))
	}
	m.restore = nil
	if err := r.im.Commit(); err != nil {
		return false, fmt.Errorf("snapshot: commit import of height %d: %w", r.md.height, err)
	}
	if v, h := m.store.Version(), m.store.LastHash(); v != int64(r.md.height) || !bytes.Equal(h, r.trusted) {
		return false, fmt.Errorf("snapshot: store committed version %d with hash %X after importing height %d with hash %X", v, h, r.md.height, r.trusted)
	}
	m.log.Info("snapshot restored", "height", r.md.height, "app_hash", fmt.Sprintf("%X", root))
	return true, nil
}
