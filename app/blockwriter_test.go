package app

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/store"
)

// TestBlockWriterMatchesTheStore: a block written through a blockWriter
// (reads on the committed view and the block's branch, writes applied by
// the writer, the working tree hashed along the way) reads at every step
// what the store written directly reads, and ends at the same working
// hash and the same committed hash, under both engines, over three
// blocks of 3,000 random sets, deletions (of present and absent keys) and
// batches.
func TestBlockWriterMatchesTheStore(t *testing.T) {
	for _, engine := range []string{state.EngineMemIAVL, state.EngineIAVL} {
		t.Run(engine, func(t *testing.T) {
			cfg := state.DefaultConfig()
			cfg.Engine = engine
			piped, err := store.Open(t.TempDir(), cfg)
			require.NoError(t, err)
			defer piped.Close()
			direct, err := store.Open(t.TempDir(), cfg)
			require.NoError(t, err)
			defer direct.Close()
			rng := rand.New(rand.NewPCG(1, 2))
			key := func() []byte { return fmt.Appendf(nil, "k%04d", rng.IntN(2000)) }
			// Block 1 straight into both stores.
			for _, st := range []state.Store{piped, direct} {
				for i := 0; i < 2000; i += 2 {
					require.NoError(t, st.Set(fmt.Appendf(nil, "k%04d", i), []byte("v0")))
				}
				_, _, err := st.Commit()
				require.NoError(t, err)
			}
			hashes := 0
			for block := 2; block <= 4; block++ {
				view, err := piped.ViewAt(piped.Version())
				require.NoError(t, err)
				w := newBlockWriter(view, piped)
				for op := 0; op < 3000; op++ {
					switch r := rng.IntN(10); {
					case r < 5:
						k, v := key(), fmt.Appendf(nil, "v%d-%d", block, op)
						require.NoError(t, w.Set(k, v))
						require.NoError(t, direct.Set(k, v))
					case r < 7:
						k := key()
						require.NoError(t, w.Delete(k))
						require.NoError(t, direct.Delete(k))
					case r < 9:
						// A transaction's branch: distinct keys in ascending order.
						ks := map[string]bool{}
						for range 1 + rng.IntN(6) {
							ks[string(key())] = true
						}
						var changes, same []state.Change
						for _, k := range slices.Sorted(func(yield func(string) bool) {
							for k := range ks {
								if !yield(k) {
									return
								}
							}
						}) {
							var v []byte
							if rng.IntN(4) > 0 {
								v = fmt.Appendf(nil, "b%d-%d", block, op)
							}
							changes = append(changes, state.Change{Key: []byte(k), Value: v})
							same = append(same, state.Change{Key: []byte(k), Value: bytes.Clone(v)})
						}
						require.NoError(t, w.WriteBatch(changes))
						require.NoError(t, state.WriteChanges(direct, same))
					default:
						k := key()
						got, err := w.Get(k)
						require.NoError(t, err)
						want, err := direct.Get(k)
						require.NoError(t, err)
						require.Equal(t, want, got, "Get %s", k)
						has, err := w.Has(k)
						require.NoError(t, err)
						require.Equal(t, want != nil, has, "Has %s", k)
						from, asc := key(), rng.IntN(2) == 0
						require.Equal(t, collect(t, direct, from, asc), collect(t, w, from, asc), "from %s (ascending %v)", from, asc)
					}
				}
				require.NoError(t, w.finish())
				require.NoError(t, w.finish(), "finish twice")
				hashes += w.hashes
				require.NoError(t, view.Close())
				require.Equal(t, direct.WorkingHash(), piped.WorkingHash(), "block %d: working hash", block)
				hp, vp, err := piped.Commit()
				require.NoError(t, err)
				hd, vd, err := direct.Commit()
				require.NoError(t, err)
				require.Equal(t, vd, vp)
				require.Equal(t, hd, hp, "block %d: committed hash", block)
			}
			require.Positive(t, hashes, "the writer never hashed the tree along the way")
		})
	}
}

// collect returns up to 20 keys and values of r from key from on
// (ascending), or before it (descending).
func collect(t *testing.T, r state.Reader, from []byte, ascending bool) []string {
	t.Helper()
	start, end := from, []byte(nil)
	if !ascending {
		start, end = nil, from
	}
	it, err := r.Iterator(start, end, ascending)
	require.NoError(t, err)
	defer it.Close()
	var out []string
	for ; it.Valid() && len(out) < 20; it.Next() {
		out = append(out, string(it.Key())+"="+string(it.Value()))
	}
	require.NoError(t, it.Error())
	return out
}

// failingStore fails every write while armed, as a full or broken disk
// would.
type failingStore struct {
	state.Store
	armed atomic.Bool
}

var errDiskFailed = errors.New("disk failed")

func (s *failingStore) Set(k, v []byte) error {
	if s.armed.Load() {
		return errDiskFailed
	}
	return s.Store.Set(k, v)
}

func (s *failingStore) Delete(k []byte) error {
	if s.armed.Load() {
		return errDiskFailed
	}
	return s.Store.Delete(k)
}

func (s *failingStore) WriteBatch(changes []state.Change) error {
	if s.armed.Load() {
		return errDiskFailed
	}
	return state.WriteChanges(s.Store, changes)
}

// TestFinalizeBlockStopsWhenTheWriterFails: a store write that fails on
// the block writer's goroutine makes FinalizeBlock return ErrStorage with
// the store's error and commits nothing; the same block finalized again
// once the disk works ends at the app hash of a chain that never failed.
func TestFinalizeBlockStopsWhenTheWriterFails(t *testing.T) {
	good := newTestChain(t, state.EngineMemIAVL, t.TempDir())
	cfg := state.DefaultConfig()
	st, err := store.Open(t.TempDir(), cfg)
	require.NoError(t, err)
	broken := &failingStore{Store: st}
	bad := newTestChainOn(t, broken, nil)
	parcel := func(id string) land.RegisterParcel {
		return land.RegisterParcel{ParcelID: id, CadastralRef: "CAD-" + id, AreaM2: 500, Location: "north", Denominator: 1,
			Owners: []land.Share{{Account: good.addr("alice"), Shares: 1}}, DocumentHash: docHash(id)}
	}
	for _, id := range []string{"P-1", "P-2"} {
		raw := good.sign("registrar", parcel(id))
		require.NoError(t, good.block(raw)[0].Err)
		require.NoError(t, bad.block(raw)[0].Err)
	}
	require.Equal(t, good.hashes, bad.hashes)

	raw := good.sign("registrar", parcel("P-3"))
	want := good.block(raw)
	broken.armed.Store(true)
	_, err = bad.app.FinalizeBlock(bad.height+1, good.time, [][]byte{raw})
	require.ErrorIs(t, err, ErrStorage)
	require.ErrorContains(t, err, errDiskFailed.Error())
	require.Equal(t, bad.height, st.Version(), "nothing committed")
	broken.armed.Store(false)
	bad.height++
	block, err := bad.app.FinalizeBlock(bad.height, good.time, [][]byte{raw})
	require.NoError(t, err)
	require.NoError(t, block.Txs[0].Err)
	require.Equal(t, want[0].Events, block.Txs[0].Events)
	_, err = bad.app.Commit()
	require.NoError(t, err)
	require.Equal(t, good.hashes[len(good.hashes)-1], fmt.Sprintf("%X", block.AppHash))
}
