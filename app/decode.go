package app

import (
	"crypto/sha256"
	"runtime"
	"sync/atomic"

	"github.com/cometbft/cometbft/crypto/ed25519"
)

type decoded struct {
	tx  *DecodedTx
	err error
}

// decodeChunkSize is how many transactions a worker of decodeStream takes
// at a time: one ed25519 batch. A batch verifies faster per signature the
// larger it is (batches of 64 cost about twice as much per signature as
// batches of 500 in BenchmarkMixedBlocks' profile); 256 keeps close to the
// large-batch rate while a block of 1,000 still splits into four chunks,
// so FinalizeBlock starts executing after a quarter of the checks.
const decodeChunkSize = 256

// decodeAll runs the checks of ValidateTx over txs on all cores
// (decodeStream) and returns every result, in block order.
func (a *App) decodeAll(txs [][]byte) []decoded {
	s := a.decodeStream(txs)
	for c := range s.done {
		<-s.done[c]
	}
	return s.out
}

// decodedStream is the result of decodeStream: at(i) returns transaction
// i's result once its chunk is checked.
type decodedStream struct {
	out  []decoded
	done []chan struct{} // one per chunk, closed when it is checked
	// checked counts the transactions not found in the cache of checked
	// transactions, decoded and verified here (for monitoring).
	checked atomic.Int64
}

// at waits until transaction i is checked and returns its result.
func (s *decodedStream) at(i int) decoded {
	<-s.done[i/decodeChunkSize]
	return s.out[i]
}

// decodeStream starts the checks of ValidateTx over txs on all cores and
// returns at once: workers take chunks of decodeChunkSize transactions in
// block order, decode each chunk and verify its signatures as one ed25519
// batch (about twice as fast as one by one), falling back to single
// verification to name the bad ones if the batch fails. A caller that
// executes transaction i as soon as at(i) returns overlaps execution with
// the checks of later chunks. The work is pure and each result is
// returned at its own index, so parallelism cannot affect state.
func (a *App) decodeStream(txs [][]byte) *decodedStream {
	chunks := (len(txs) + decodeChunkSize - 1) / decodeChunkSize
	s := &decodedStream{out: make([]decoded, len(txs)), done: make([]chan struct{}, chunks)}
	if chunks == 0 {
		return s
	}
	for c := range s.done {
		s.done[c] = make(chan struct{})
	}
	var next atomic.Int64
	for range min(runtime.GOMAXPROCS(0), chunks) {
		go func() {
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				lo, hi := c*decodeChunkSize, min((c+1)*decodeChunkSize, len(txs))
				s.checked.Add(int64(a.decodeChunk(txs[lo:hi], s.out[lo:hi])))
				close(s.done[c])
			}
		}()
	}
	return s
}

// decodeChunk decodes and verifies one chunk of decodeStream; a
// transaction found in the cache of checked transactions is taken from
// it, and the others are added to it once verified. It returns how many
// were not found in the cache.
func (a *App) decodeChunk(txs [][]byte, out []decoded) (checked int) {
	chainID := a.info.ChainID
	bv := ed25519.NewBatchVerifier()
	var idx []int
	for i, raw := range txs {
		d, cached, err := a.cachedOrDecoded(raw, chainID)
		if cached {
			out[i] = decoded{tx: d}
			continue
		}
		checked++
		if err == nil {
			err = CheckChainID(d, chainID)
		}
		if err != nil {
			out[i] = decoded{err: err}
			continue
		}
		out[i] = decoded{tx: d}
		if bv.Add(ed25519.PubKey(d.Tx.Signer), d.SignBytes(), d.Tx.Signature) != nil {
			out[i] = decoded{err: errBadSignature(d)}
			continue
		}
		idx = append(idx, i)
	}
	if len(idx) == 0 {
		return checked
	}
	ok, valid := bv.Verify()
	for j, i := range idx {
		if !ok && !valid[j] {
			out[i] = decoded{err: errBadSignature(out[i].tx)}
			continue
		}
		a.txs.add([sha256.Size]byte(out[i].tx.Hash), chainID, out[i].tx, a.height.Load())
	}
	return checked
}
