package snapshot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/govchain/govchain/internal/durable"
	"github.com/govchain/govchain/state"
)

// DefaultChunkSize is the uncompressed size at which a chunk is closed.
const DefaultChunkSize = 4 << 20

const (
	metadataFile = "metadata"
	tmpSuffix    = ".tmp"
	delSuffix    = ".del"
)

var (
	// ErrBusy is returned by Snapshot while another snapshot is being
	// written.
	ErrBusy = errors.New("snapshot: a snapshot is already being written")
	// ErrClosed is returned by every method of a closed Manager.
	ErrClosed = errors.New("snapshot: manager is closed")
	// ErrNotFound is returned by LoadChunk for a snapshot or chunk this node
	// does not have.
	ErrNotFound = errors.New("snapshot: not found")
)

// Logger receives the Manager's reports; CometBFT's log.Logger is one.
type Logger interface {
	Info(msg string, keyvals ...any)
	Error(msg string, keyvals ...any)
}

type nopLogger struct{}

func (nopLogger) Info(string, ...any)  {}
func (nopLogger) Error(string, ...any) {}

// Options tune a Manager; the zero value gives the defaults.
type Options struct {
	// ChunkSize is the uncompressed size at which a chunk is closed
	// (DefaultChunkSize if 0; at most 12 MiB).
	ChunkSize int
	// Logger receives background errors and progress (none if nil).
	Logger Logger
}

// Info describes one snapshot, as ABCI's Snapshot does.
type Info struct {
	Height   uint64
	Format   uint32
	Chunks   uint32
	Hash     []byte // SHA-256 over the chunk hashes
	Metadata []byte
}

// Manager makes, lists, serves and restores the snapshots of one store.
// It is safe for concurrent use.
type Manager struct {
	dir       string
	store     state.Store
	cfg       Config
	chunkSize int
	log       Logger

	ctx    context.Context
	cancel context.CancelFunc

	mu      sync.Mutex
	closed  bool
	running chan struct{} // closed when the running snapshot ends; nil if none
	lastErr error         // result of the last background snapshot
	restore *restore      // the restore in progress, if any
}

// NewManager opens (creating it) the snapshot directory dir for store. It
// removes temporary directories a crash left behind.
func NewManager(dir string, store state.Store, cfg Config, opts Options) (*Manager, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if opts.ChunkSize == 0 {
		opts.ChunkSize = DefaultChunkSize
	}
	if opts.ChunkSize < 0 || opts.ChunkSize > maxChunkSize {
		return nil, fmt.Errorf("snapshot: chunk size %d outside (0, %d]", opts.ChunkSize, maxChunkSize)
	}
	if opts.Logger == nil {
		opts.Logger = nopLogger{}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("snapshot: create %s: %w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("snapshot: read %s: %w", dir, err)
	}
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, tmpSuffix) || strings.HasSuffix(n, delSuffix) {
			if err := os.RemoveAll(filepath.Join(dir, n)); err != nil {
				return nil, fmt.Errorf("snapshot: remove leftover %s: %w", n, err)
			}
			opts.Logger.Info("removed an unfinished snapshot directory", "name", n)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Manager{dir: dir, store: store, cfg: cfg, chunkSize: opts.ChunkSize, log: opts.Logger, ctx: ctx, cancel: cancel}, nil
}

// Config returns the Manager's configuration.
func (m *Manager) Config() Config { return m.cfg }

// AfterCommit starts a snapshot of version if it is a multiple of the
// interval. It returns at once; a failure is logged, never returned, so
// that a snapshot can never stop the chain.
func (m *Manager) AfterCommit(version int64) {
	if m.cfg.Interval == 0 || version <= 0 || uint64(version)%m.cfg.Interval != 0 {
		return
	}
	switch err := m.Snapshot(version); {
	case errors.Is(err, ErrBusy):
		m.log.Info("skipping snapshot: the previous one is still being written", "height", version)
	case err != nil:
		m.log.Error("cannot start snapshot", "height", version, "err", err)
	}
}

// Snapshot opens committed version (which must still be readable in the
// store) and writes its snapshot in the background; Wait waits for it. It
// returns ErrBusy if a snapshot is being written, and nil without doing
// anything if the snapshot already exists.
func (m *Manager) Snapshot(version int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrClosed
	}
	if m.running != nil {
		return ErrBusy
	}
	if version <= 0 {
		return fmt.Errorf("snapshot: cannot snapshot version %d", version)
	}
	if _, err := os.Stat(m.path(uint64(version))); err == nil {
		return nil
	}
	// The view and the exporter are opened here, in the caller's time:
	// right after Commit that is a cheap copy of the latest tree, and the
	// version cannot be pruned before the exporter holds it.
	view, err := m.store.ViewAt(version)
	if err != nil {
		return fmt.Errorf("snapshot: open version %d: %w", version, err)
	}
	root := view.Hash()
	if err := view.Close(); err != nil {
		return fmt.Errorf("snapshot: open version %d: %w", version, err)
	}
	ex, err := m.store.Export(version)
	if err != nil {
		return fmt.Errorf("snapshot: export version %d: %w", version, err)
	}
	done := make(chan struct{})
	m.running = done
	go func() {
		info, err := m.write(uint64(version), root, ex)
		if err == nil {
			err = m.prune()
		}
		if err != nil {
			m.log.Error("snapshot failed", "height", version, "err", err)
		} else {
			m.log.Info("snapshot written", "height", version, "chunks", info.Chunks, "hash", fmt.Sprintf("%X", info.Hash))
		}
		m.mu.Lock()
		m.lastErr, m.running = err, nil
		m.mu.Unlock()
		close(done)
	}()
	return nil
}

// Wait waits until no snapshot is being written and returns the result of
// the last one started (nil if none).
func (m *Manager) Wait() error {
	m.mu.Lock()
	done := m.running
	m.mu.Unlock()
	if done != nil {
		<-done
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lastErr
}

// Close stops a running snapshot (its temporary directory is removed) and
// abandons an unfinished restore. Call it before closing the store.
func (m *Manager) Close() error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return ErrClosed
	}
	m.closed = true
	m.cancel()
	done := m.running
	var err error
	if m.restore != nil {
		err = m.restore.abandon()
		m.restore = nil
	}
	m.mu.Unlock()
	if done != nil {
		<-done
	}
	return err
}

func (m *Manager) path(height uint64) string {
	return filepath.Join(m.dir, fmt.Sprintf("%020d", height))
}

// write streams the exporter into <dir>/<height>.tmp, chunk by chunk,
// checks the stream's root hash against root, fsyncs everything and
// renames the directory into place. It always closes ex.
func (m *Manager) write(height uint64, root []byte, ex state.Exporter) (info Info, err error) {
	final := m.path(height)
	tmp := final + tmpSuffix
	defer func() {
		if cerr := ex.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("snapshot: close export: %w", cerr)
		}
		if err != nil {
			_ = os.RemoveAll(tmp)
		}
	}()
	if err := os.RemoveAll(tmp); err != nil {
		return Info{}, err
	}
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return Info{}, err
	}
	md := &metadata{format: Format, height: height}
	var (
		raw    []byte
		hasher treeHasher
		nodes  int
	)
	flush := func() error {
		if len(md.chunks) >= MaxChunks {
			return fmt.Errorf("snapshot: more than %d chunks", MaxChunks)
		}
		data, err := compress(raw)
		if err != nil {
			return err
		}
		if err := durable.WriteFile(filepath.Join(tmp, chunkName(uint32(len(md.chunks)))), data); err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		md.chunks = append(md.chunks, sum[:])
		raw = raw[:0]
		return nil
	}
	for {
		n, err := ex.Next()
		if errors.Is(err, state.ErrExportDone) {
			break
		}
		if err != nil {
			return Info{}, fmt.Errorf("snapshot: export: %w", err)
		}
		if nodes%1024 == 0 && m.ctx.Err() != nil {
			return Info{}, fmt.Errorf("snapshot: %w", m.ctx.Err())
		}
		nodes++
		if err := hasher.add(n); err != nil {
			return Info{}, fmt.Errorf("snapshot: export: %w", err)
		}
		raw = appendRecord(raw, n)
		if len(raw) >= m.chunkSize {
			if err := flush(); err != nil {
				return Info{}, err
			}
		}
	}
	if len(raw) > 0 || len(md.chunks) == 0 {
		if err := flush(); err != nil {
			return Info{}, err
		}
	}
	got, err := hasher.root()
	if err != nil {
		return Info{}, err
	}
	if !bytes.Equal(got, root) {
		return Info{}, fmt.Errorf("snapshot: exported nodes hash to %X, version %d has %X", got, height, root)
	}
	md.root = got
	if err := durable.WriteFile(filepath.Join(tmp, metadataFile), md.encode()); err != nil {
		return Info{}, err
	}
	if err := durable.Sync(tmp); err != nil {
		return Info{}, err
	}
	if err := os.Rename(tmp, final); err != nil {
		return Info{}, err
	}
	if err := durable.Sync(m.dir); err != nil {
		return Info{}, err
	}
	return md.info(), nil
}

func (md *metadata) info() Info {
	return Info{Height: md.height, Format: md.format, Chunks: uint32(len(md.chunks)), Hash: md.hash(), Metadata: md.encode()}
}

func chunkName(i uint32) string { return fmt.Sprintf("%06d", i) }

// prune removes all but the KeepRecent newest snapshots. A snapshot is
// renamed before it is removed, so that a crash never leaves a partly
// removed snapshot under its listed name.
func (m *Manager) prune() error {
	heights, err := m.heights()
	if err != nil {
		return err
	}
	keep := int(m.cfg.KeepRecent)
	if keep == 0 {
		keep = 1
	}
	if len(heights) <= keep {
		return nil
	}
	for _, h := range heights[:len(heights)-keep] {
		p := m.path(h)
		if err := os.Rename(p, p+delSuffix); err != nil {
			return err
		}
		if err := durable.Sync(m.dir); err != nil {
			return err
		}
		if err := os.RemoveAll(p + delSuffix); err != nil {
			return err
		}
	}
	return nil
}

// heights lists the heights of the snapshot directories, ascending.
func (m *Manager) heights() ([]uint64, error) {
	entries, err := os.ReadDir(m.dir)
	if err != nil {
		return nil, err
	}
	var out []uint64
	for _, e := range entries {
		n := e.Name()
		if !e.IsDir() || len(n) != 20 {
			continue
		}
		h, err := strconv.ParseUint(n, 10, 64)
		if err != nil || h == 0 {
			continue
		}
		out = append(out, h)
	}
	slices.Sort(out)
	return out, nil
}

// List returns the snapshots on disk, newest first. A directory whose
// metadata cannot be read is skipped and logged.
func (m *Manager) List() ([]Info, error) {
	heights, err := m.heights()
	if err != nil {
		return nil, fmt.Errorf("snapshot: list: %w", err)
	}
	out := make([]Info, 0, len(heights))
	for i := len(heights) - 1; i >= 0; i-- {
		md, err := m.readMetadata(heights[i])
		if err != nil {
			if !errors.Is(err, os.ErrNotExist) { // pruned meanwhile
				m.log.Error("skipping unreadable snapshot", "height", heights[i], "err", err)
			}
			continue
		}
		out = append(out, md.info())
	}
	return out, nil
}

func (m *Manager) readMetadata(height uint64) (*metadata, error) {
	b, err := os.ReadFile(filepath.Join(m.path(height), metadataFile))
	if err != nil {
		return nil, err
	}
	md, err := decodeMetadata(b)
	if err != nil {
		return nil, err
	}
	if md.height != height {
		return nil, fmt.Errorf("%w metadata: height %d in snapshot %d", ErrMalformed, md.height, height)
	}
	return md, nil
}

// LoadChunk returns chunk index of the snapshot at height in format. It
// checks the chunk against its listed hash, so that a disk error is never
// served. ErrNotFound means this node does not have it (any more).
func (m *Manager) LoadChunk(height uint64, format uint32, index uint32) ([]byte, error) {
	if format != Format {
		return nil, ErrNotFound
	}
	md, err := m.readMetadata(height)
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if int(index) >= len(md.chunks) {
		return nil, ErrNotFound
	}
	data, err := os.ReadFile(filepath.Join(m.path(height), chunkName(index)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	if sum := sha256.Sum256(data); !bytes.Equal(sum[:], md.chunks[index]) {
		return nil, fmt.Errorf("snapshot: chunk %d of snapshot %d is damaged on disk", index, height)
	}
	return data, nil
}
