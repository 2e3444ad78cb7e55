package memiavlengine

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/crypto-org-chain/cronos/memiavl"

	"github.com/govchain/govchain/state"
)

// treeWriter writes one tree of a memiavl snapshot (the nodes, leaves and
// kvs files and the tree's metadata, in memiavl's snapshot format) from a
// post-order stream of nodes, as memiavl's own importer does, with the
// same bytes, but with the leaves' hashes (two SHA-256s each, most of the
// hashing) computed by workers on every core. The nodes are taken in
// batches: workers hash a batch's leaves; one writer goroutine takes the
// batches back in order, hashes the inner nodes (each needs its children's
// hashes) and writes the files.
type treeWriter struct {
	dir     string
	version uint32
	batch   *treeBatch
	work    chan *treeBatch
	ordered chan *treeBatch
	done    chan error
	workers sync.WaitGroup
	closed  bool
}

// treeBatchSize is how many nodes a batch holds.
const treeBatchSize = 4096

// treeWriterBuffer is each file's write buffer.
const treeWriterBuffer = 1 << 20

type treeBatch struct {
	nodes  []state.ExportNode
	hashes [][32]byte // the leaves' hashes, by index in nodes
	ready  chan struct{}
}

func newTreeBatch() *treeBatch {
	return &treeBatch{nodes: make([]state.ExportNode, 0, treeBatchSize), ready: make(chan struct{})}
}

// newTreeWriter starts writing the tree of version into dir, which it
// creates.
func newTreeWriter(dir string, version int64) (*treeWriter, error) {
	if err := os.MkdirAll(dir, os.ModePerm); err != nil {
		return nil, err
	}
	w := &treeWriter{dir: dir, version: uint32(version), batch: newTreeBatch(),
		work: make(chan *treeBatch, 4), ordered: make(chan *treeBatch, 16), done: make(chan error, 1)}
	for range max(1, runtime.GOMAXPROCS(0)) {
		w.workers.Add(1)
		go func() {
			defer w.workers.Done()
			for b := range w.work {
				b.hashLeaves()
				close(b.ready)
			}
		}()
	}
	go func() { w.done <- w.write() }()
	return w, nil
}

// add takes the next node (a copy; its slices must stay as they are).
func (w *treeWriter) add(n *state.ExportNode) {
	w.batch.nodes = append(w.batch.nodes, *n)
	if len(w.batch.nodes) == treeBatchSize {
		w.send()
	}
}

func (w *treeWriter) send() {
	if len(w.batch.nodes) == 0 {
		return
	}
	b := w.batch
	w.batch = newTreeBatch()
	w.ordered <- b
	w.work <- b
}

// finish writes what is left and the tree's metadata, durably.
func (w *treeWriter) finish() error {
	w.send()
	return w.stop()
}

// stop ends the goroutines and returns the writer's result (a failed or
// abandoned tree leaves partial files for the caller to remove).
func (w *treeWriter) stop() error {
	if w.closed {
		return errors.New("memiavlengine: tree writer already finished")
	}
	w.closed = true
	close(w.work)
	close(w.ordered)
	w.workers.Wait()
	return <-w.done
}

// hashLeaves computes the hash of every leaf of the batch.
func (b *treeBatch) hashLeaves() {
	b.hashes = make([][32]byte, len(b.nodes))
	var buf []byte
	for i := range b.nodes {
		if n := &b.nodes[i]; n.Height == 0 {
			buf = state.AppendLeafHashInput(buf[:0], n.Version, n.Key, n.Value)
			b.hashes[i] = sha256.Sum256(buf)
		}
	}
}

// subtree is a finished subtree on the writer's stack.
type subtree struct {
	hash [32]byte
	size int64
	// leaves is how many leaves were written when it was finished.
	leaves uint32
}

// write takes the batches in order and writes the files (memiavl's
// writeSnapshot and importer.Add, with the leaves' hashes given).
func (w *treeWriter) write() (err error) {
	files := [3]*os.File{}
	defer func() {
		for _, f := range files {
			if f != nil {
				err = errors.Join(err, f.Close())
			}
		}
		if err != nil {
			// Let the sender finish: drain what is left.
			for b := range w.ordered {
				<-b.ready
			}
		}
	}()
	for i, name := range []string{memiavl.FileNameNodes, memiavl.FileNameLeaves, memiavl.FileNameKVs} {
		if files[i], err = os.OpenFile(filepath.Join(w.dir, name), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600); err != nil {
			return err
		}
	}
	// A bufio.Writer keeps its first error and Flush returns it: the
	// writes below are checked there.
	nodes := bufio.NewWriterSize(files[0], treeWriterBuffer)
	leaves := bufio.NewWriterSize(files[1], treeWriterBuffer)
	kvs := bufio.NewWriterSize(files[2], treeWriterBuffer)

	var (
		stack     []subtree
		leafCount uint32
		kvsOffset uint64
		leafBuf   [memiavl.SizeLeafWithoutHash]byte
		branchBuf [memiavl.SizeNodeWithoutHash]byte
		num       [4]byte
		hashInput []byte
	)
	for b := range w.ordered {
		<-b.ready
		for i := range b.nodes {
			n := &b.nodes[i]
			if n.Version < 0 || n.Version > int64(^uint32(0)) {
				return fmt.Errorf("memiavlengine: node version %d out of range", n.Version)
			}
			if n.Height == 0 {
				binary.LittleEndian.PutUint32(leafBuf[memiavl.OffsetLeafVersion:], uint32(n.Version))
				binary.LittleEndian.PutUint32(leafBuf[memiavl.OffsetLeafKeyLen:], uint32(len(n.Key)))
				binary.LittleEndian.PutUint64(leafBuf[memiavl.OffsetLeafKeyOffset:], kvsOffset)
				binary.LittleEndian.PutUint32(num[:], uint32(len(n.Key)))
				kvs.Write(num[:])
				kvs.Write(n.Key)
				binary.LittleEndian.PutUint32(num[:], uint32(len(n.Value)))
				kvs.Write(num[:])
				kvs.Write(n.Value)
				kvsOffset += 8 + uint64(len(n.Key)) + uint64(len(n.Value))
				leaves.Write(leafBuf[:])
				leaves.Write(b.hashes[i][:])
				leafCount++
				stack = append(stack, subtree{hash: b.hashes[i], size: 1, leaves: leafCount})
				continue
			}
			if len(stack) < 2 {
				return fmt.Errorf("memiavlengine: inner node at height %d without two subtrees", n.Height)
			}
			left, right := stack[len(stack)-2], stack[len(stack)-1]
			size := left.size + right.size
			hashInput = state.AppendInnerHashInput(hashInput[:0], n.Height, size, n.Version, left.hash[:], right.hash[:])
			h := sha256.Sum256(hashInput)
			branchBuf[memiavl.OffsetHeight] = uint8(n.Height)
			branchBuf[memiavl.OffsetPreTrees] = uint8(len(stack) - 2)
			binary.LittleEndian.PutUint32(branchBuf[memiavl.OffsetVersion:], uint32(n.Version))
			binary.LittleEndian.PutUint32(branchBuf[memiavl.OffsetSize:], uint32(size))
			binary.LittleEndian.PutUint32(branchBuf[memiavl.OffsetKeyLeaf:], left.leaves)
			nodes.Write(branchBuf[:])
			nodes.Write(h[:])
			stack = append(stack[:len(stack)-2], subtree{hash: h, size: size, leaves: leafCount})
		}
	}
	// Every inner node closes two subtrees, so a stream with nodes has
	// leaves.
	if leafCount > 0 && len(stack) != 1 {
		return fmt.Errorf("memiavlengine: invalid node structure, found stack size %d after import", len(stack))
	}
	if leafCount > 0 {
		for i, bw := range []*bufio.Writer{nodes, leaves, kvs} {
			if err := bw.Flush(); err != nil {
				return err
			}
			if err := files[i].Sync(); err != nil {
				return err
			}
		}
	}
	var meta [memiavl.SizeMetadata]byte
	binary.LittleEndian.PutUint32(meta[:], memiavl.SnapshotFileMagic)
	binary.LittleEndian.PutUint32(meta[4:], memiavl.SnapshotFormat)
	binary.LittleEndian.PutUint32(meta[8:], w.version)
	f, err := os.OpenFile(filepath.Join(w.dir, memiavl.FileNameMetadata), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(meta[:]); err != nil {
		return errors.Join(err, f.Close())
	}
	return errors.Join(f.Sync(), f.Close())
}
