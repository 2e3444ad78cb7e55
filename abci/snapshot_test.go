package abci

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	abcitypes "github.com/cometbft/cometbft/abci/types"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/snapshot"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/store"
)

// snapNode is one in-process node: store, App, snapshot manager and the
// ABCI Application over them.
type snapNode struct {
	t     *testing.T
	store state.Store
	app   *app.App
	snaps *snapshot.Manager
	abci  *Application
}

func newSnapNode(t *testing.T, engine string, cfg snapshot.Config) *snapNode {
	t.Helper()
	dir := t.TempDir()
	scfg := state.DefaultConfig()
	scfg.Engine = engine
	st, err := store.Open(filepath.Join(dir, "state"), scfg)
	require.NoError(t, err)
	a, err := app.New(st)
	require.NoError(t, err)
	m, err := snapshot.NewManager(filepath.Join(dir, "snapshots"), st, cfg, snapshot.Options{ChunkSize: 8 << 10})
	require.NoError(t, err)
	s := New(a, cmtlog.NewNopLogger(), Version{Software: "test", AppVersion: 7})
	s.SetSnapshots(m)
	t.Cleanup(func() {
		_ = m.Close()
		_ = a.Close()
	})
	return &snapNode{t: t, store: st, app: a, snaps: m, abci: s}
}

func (n *snapNode) block(height int64, txs ...[]byte) []byte {
	n.t.Helper()
	ctx := context.Background()
	res, err := n.abci.FinalizeBlock(ctx, &abcitypes.RequestFinalizeBlock{Height: height, Time: time.Unix(1_800_000_000+height, 0), Txs: txs})
	require.NoError(n.t, err)
	for i, r := range res.TxResults {
		require.Equal(n.t, CodeOK, r.Code, "block %d tx %d: %s", height, i, r.Log)
	}
	_, err = n.abci.Commit(ctx, &abcitypes.RequestCommit{})
	require.NoError(n.t, err)
	return res.AppHash
}

func (n *snapNode) info() *abcitypes.ResponseInfo {
	n.t.Helper()
	info, err := n.abci.Info(context.Background(), &abcitypes.RequestInfo{})
	require.NoError(n.t, err)
	return info
}

func (n *snapNode) query(path string) *abcitypes.ResponseQuery {
	n.t.Helper()
	q, err := n.abci.Query(context.Background(), &abcitypes.RequestQuery{Path: path, Prove: true})
	require.NoError(n.t, err)
	return q
}

// snapChain is a chain whose validator node took snapshots, with every
// block's transactions kept so that another node can replay them.
type snapChain struct {
	src    *snapNode
	blocks [][][]byte // transactions of block h at index h-1
	hashes [][]byte   // app hash after block h at index h-1
	ids    []string   // registered parcel ids
	seq    uint64
}

const snapChainID = "snap-chain"

// newSnapChain runs blocks blocks on a fresh node of engine, each with a
// few land registrations, snapshotting every interval blocks.
func newSnapChain(t *testing.T, engine string, blocks int, interval uint64) *snapChain {
	t.Helper()
	c := &snapChain{src: newSnapNode(t, engine, snapshot.Config{Interval: interval, KeepRecent: 2})}
	g := app.Genesis{
		Params: app.DefaultParams(),
		Agencies: []core.Agency{{ID: "justice", Name: "Ministry of Justice",
			Validator: core.Validator{PubKey: core.HexBytes(key("validator").PubKey().Bytes()), Power: 10},
			Admins:    []core.Address{addr("admin")}}},
		RolePolicy: []core.RolePolicy{{Role: core.RoleLandRegistrar, Agencies: []string{"justice"}}},
		Roles:      []app.GenesisRole{{Account: addr("registrar"), Role: core.RoleLandRegistrar, Agency: "justice"}},
	}
	appState, err := json.Marshal(g)
	require.NoError(t, err)
	_, err = c.src.abci.InitChain(context.Background(), &abcitypes.RequestInitChain{ChainId: snapChainID, Time: time.Unix(1_800_000_000, 0), AppStateBytes: appState, InitialHeight: 1})
	require.NoError(t, err)
	for h := int64(1); h <= int64(blocks); h++ {
		c.blocks = append(c.blocks, c.registrations(t, 1+int(h%5)))
		c.hashes = append(c.hashes, c.src.block(h, c.blocks[h-1]...))
		// A real node's snapshots run beside later blocks; waiting here
		// makes the set of snapshots deterministic.
		require.NoError(t, c.src.snaps.Wait())
	}
	return c
}

func (c *snapChain) registrations(t *testing.T, n int) [][]byte {
	var txs [][]byte
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("SS-%04d", len(c.ids))
		owner := addr([]string{"alice", "bob", "carol"}[len(c.ids)%3])
		raw, err := app.NewTx(snapChainID, key("registrar"), c.seq, &land.RegisterParcel{ParcelID: id, CadastralRef: "CAD/" + id,
			AreaM2: int64(100 + len(c.ids)), Location: "district " + id, Denominator: 1,
			Owners: []land.Share{{Account: owner, Shares: 1}}, DocumentHash: core.Hash{1, byte(len(c.ids))}})
		require.NoError(t, err)
		c.seq++
		c.ids = append(c.ids, id)
		txs = append(txs, raw)
	}
	return txs
}

// listed returns the snapshots the source node lists over ABCI.
func (c *snapChain) listed(t *testing.T) []*abcitypes.Snapshot {
	t.Helper()
	res, err := c.src.abci.ListSnapshots(context.Background(), &abcitypes.RequestListSnapshots{})
	require.NoError(t, err)
	return res.Snapshots
}

func (c *snapChain) chunk(t *testing.T, sn *abcitypes.Snapshot, i uint32) []byte {
	t.Helper()
	res, err := c.src.abci.LoadSnapshotChunk(context.Background(), &abcitypes.RequestLoadSnapshotChunk{Height: sn.Height, Format: sn.Format, Chunk: i})
	require.NoError(t, err)
	require.NotEmpty(t, res.Chunk)
	return res.Chunk
}

func (n *snapNode) offer(sn *abcitypes.Snapshot, trusted []byte) abcitypes.ResponseOfferSnapshot_Result {
	n.t.Helper()
	res, err := n.abci.OfferSnapshot(context.Background(), &abcitypes.RequestOfferSnapshot{Snapshot: sn, AppHash: trusted})
	require.NoError(n.t, err)
	return res.Result
}

func (n *snapNode) apply(i uint32, chunk []byte, sender string) *abcitypes.ResponseApplySnapshotChunk {
	n.t.Helper()
	res, err := n.abci.ApplySnapshotChunk(context.Background(), &abcitypes.RequestApplySnapshotChunk{Index: i, Chunk: chunk, Sender: sender})
	require.NoError(n.t, err)
	return res
}

// TestStateSyncRoundTrip: a node on each engine takes snapshots of real
// application state (60 blocks of land registrations); a fresh node of the
// other engine restores the newest through the ABCI snapshot calls, then
// reports the snapshot's height, app hash and app version in Info, answers
// queries as the source does, admits transactions in CheckTx, and executes
// the following blocks to the same app hashes.
func TestStateSyncRoundTrip(t *testing.T) {
	for _, eng := range []struct{ from, to string }{{state.EngineMemIAVL, state.EngineIAVL}, {state.EngineIAVL, state.EngineMemIAVL}} {
		t.Run(eng.from+"->"+eng.to, func(t *testing.T) {
			c := newSnapChain(t, eng.from, 56, 10)
			list := c.listed(t)
			require.Len(t, list, 2, "keep_recent")
			require.Equal(t, []uint64{50, 40}, []uint64{list[0].Height, list[1].Height})
			sn := list[0]
			require.Greater(t, sn.Chunks, uint32(1))
			trusted := c.hashes[sn.Height-1] // header H+1's AppHash

			dst := newSnapNode(t, eng.to, snapshot.Config{Interval: 10, KeepRecent: 2})
			require.Equal(t, int64(0), dst.info().LastBlockHeight)
			require.Equal(t, abcitypes.ResponseOfferSnapshot_ACCEPT, dst.offer(sn, trusted))
			for i := uint32(0); i < sn.Chunks; i++ {
				res := dst.apply(i, c.chunk(t, sn, i), "peer")
				require.Equal(t, abcitypes.ResponseApplySnapshotChunk_ACCEPT, res.Result)
				require.Empty(t, res.RefetchChunks)
				require.Empty(t, res.RejectSenders)
			}

			info := dst.info()
			require.Equal(t, int64(sn.Height), info.LastBlockHeight)
			require.Equal(t, trusted, info.LastBlockAppHash)
			require.Equal(t, uint64(7), info.AppVersion)

			// Same answers, with proofs, at the restored height.
			for _, id := range []string{c.ids[0], c.ids[len(c.ids)/3], "SS-9999"} {
				got := dst.query("/land/parcel/" + id)
				require.Equal(t, int64(sn.Height), got.Height)
				srcAt, err := c.src.abci.Query(context.Background(), &abcitypes.RequestQuery{Path: "/land/parcel/" + id, Height: int64(sn.Height), Prove: true})
				require.NoError(t, err)
				require.Equal(t, srcAt.Code, got.Code, got.Log)
				require.Equal(t, srcAt.Value, got.Value)
				require.Equal(t, srcAt.ProofOps, got.ProofOps)
			}
			// A parcel registered after the snapshot is not there yet.
			last := dst.query("/land/parcel/" + c.ids[len(c.ids)-1])
			require.Equal(t, Code(land.ErrParcelNotFound), last.Code, last.Log)

			// CheckTx reads the restored state: the registrar's next
			// sequence after the snapshot height.
			var regsAtSnapshot uint64
			for _, b := range c.blocks[:sn.Height] {
				regsAtSnapshot += uint64(len(b))
			}
			next, err := app.NewTx(snapChainID, key("registrar"), regsAtSnapshot, &land.RegisterParcel{ParcelID: "NEW-1", CadastralRef: "x",
				AreaM2: 1, Location: "x", Denominator: 1, Owners: []land.Share{{Account: addr("alice"), Shares: 1}}, DocumentHash: core.Hash{1}})
			require.NoError(t, err)
			ct, err := dst.abci.CheckTx(context.Background(), &abcitypes.RequestCheckTx{Tx: next})
			require.NoError(t, err)
			require.Equal(t, CodeOK, ct.Code, ct.Log)
			ct, err = dst.abci.CheckTx(context.Background(), &abcitypes.RequestCheckTx{Tx: c.blocks[sn.Height-1][0]})
			require.NoError(t, err)
			require.Equal(t, Code(core.ErrReplay), ct.Code, "a transaction before the snapshot is a replay")

			// The restored node executes the next blocks to the same hashes,
			// and snapshots its own state at the interval.
			for h := int64(sn.Height) + 1; h <= int64(len(c.blocks)); h++ {
				require.Equal(t, c.hashes[h-1], dst.block(h, c.blocks[h-1]...), "block %d", h)
			}
			require.NoError(t, dst.snaps.Wait())
			own, err := dst.abci.ListSnapshots(context.Background(), &abcitypes.RequestListSnapshots{})
			require.NoError(t, err)
			require.Len(t, own.Snapshots, 0, "no interval height after 50 in 51..56")
		})
	}
}

// TestStateSyncCorruptChunk: a chunk that does not match its listed hash
// is answered RETRY, naming that chunk to refetch and its sender to reject;
// the good copy is then accepted and the restore completes.
func TestStateSyncCorruptChunk(t *testing.T) {
	c := newSnapChain(t, state.EngineMemIAVL, 20, 10)
	sn := c.listed(t)[0]
	require.Greater(t, sn.Chunks, uint32(1))
	dst := newSnapNode(t, state.EngineMemIAVL, snapshot.DefaultConfig())
	require.Equal(t, abcitypes.ResponseOfferSnapshot_ACCEPT, dst.offer(sn, c.hashes[sn.Height-1]))
	for i := uint32(0); i < sn.Chunks; i++ {
		good := c.chunk(t, sn, i)
		if i == sn.Chunks-1 {
			bad := append([]byte(nil), good...)
			bad[len(bad)-1] ^= 0xff
			res := dst.apply(i, bad, "badpeer")
			require.Equal(t, abcitypes.ResponseApplySnapshotChunk_RETRY, res.Result)
			require.Equal(t, []uint32{i}, res.RefetchChunks)
			require.Equal(t, []string{"badpeer"}, res.RejectSenders)
			require.Equal(t, int64(0), dst.info().LastBlockHeight, "nothing committed")
		}
		require.Equal(t, abcitypes.ResponseApplySnapshotChunk_ACCEPT, dst.apply(i, good, "goodpeer").Result)
	}
	require.Equal(t, c.hashes[sn.Height-1], dst.info().LastBlockAppHash)
}

// TestStateSyncRejectsWrongAppHash: a snapshot whose declared root is not
// the trusted app hash is rejected at the offer; one that declares the
// trusted root but whose nodes hash to another is rejected after its last
// chunk, leaving the store empty, and the honest snapshot restores after.
func TestStateSyncRejectsWrongAppHash(t *testing.T) {
	c := newSnapChain(t, state.EngineIAVL, 20, 10)
	list := c.listed(t)
	require.Len(t, list, 2)
	older, newer := list[1], list[0]
	dst := newSnapNode(t, state.EngineIAVL, snapshot.DefaultConfig())

	// The light client trusts the app hash of height 20; snapshot 10 is
	// offered with it.
	trusted := c.hashes[newer.Height-1]
	lie := *older
	lie.Height = newer.Height
	require.Equal(t, abcitypes.ResponseOfferSnapshot_REJECT, dst.offer(&lie, trusted), "metadata says height 10")
	require.Equal(t, abcitypes.ResponseOfferSnapshot_REJECT, dst.offer(older, trusted), "declared root is not the trusted hash")
	require.Equal(t, abcitypes.ResponseOfferSnapshot_REJECT_FORMAT, dst.offer(&abcitypes.Snapshot{Height: 10, Format: 9, Chunks: 1}, trusted))

	// A forger copies the trusted root into snapshot 10's metadata
	// (format 1: uvarint format, uvarint height, 32-byte root, ...).
	forged := *older
	forged.Metadata = append([]byte(nil), older.Metadata...)
	_, n1 := binary.Uvarint(forged.Metadata)
	_, n2 := binary.Uvarint(forged.Metadata[n1:])
	wrongTrusted := c.hashes[older.Height] // the app hash of another height
	copy(forged.Metadata[n1+n2:], wrongTrusted)
	require.Equal(t, abcitypes.ResponseOfferSnapshot_ACCEPT, dst.offer(&forged, wrongTrusted))
	for i := uint32(0); i < forged.Chunks; i++ {
		res := dst.apply(i, c.chunk(t, &forged, i), "forger")
		if i < forged.Chunks-1 {
			require.Equal(t, abcitypes.ResponseApplySnapshotChunk_ACCEPT, res.Result)
			continue
		}
		require.Equal(t, abcitypes.ResponseApplySnapshotChunk_REJECT_SNAPSHOT, res.Result)
	}
	info := dst.info()
	require.Equal(t, int64(0), info.LastBlockHeight, "the import was undone")
	require.Equal(t, abcitypes.ResponseApplySnapshotChunk_ABORT, dst.apply(0, nil, "").Result, "no restore in progress")

	// The store is empty and usable: the honest snapshot restores.
	require.Equal(t, abcitypes.ResponseOfferSnapshot_ACCEPT, dst.offer(newer, trusted))
	for i := uint32(0); i < newer.Chunks; i++ {
		require.Equal(t, abcitypes.ResponseApplySnapshotChunk_ACCEPT, dst.apply(i, c.chunk(t, newer, i), "peer").Result)
	}
	info = dst.info()
	require.Equal(t, int64(newer.Height), info.LastBlockHeight)
	require.Equal(t, trusted, info.LastBlockAppHash)
	// Once restored, another offer is aborted: state sync needs an empty store.
	require.Equal(t, abcitypes.ResponseOfferSnapshot_ABORT, dst.offer(newer, trusted))
}

// TestNoSnapshotManager: without a manager the node lists nothing and
// aborts an offered state sync.
func TestNoSnapshotManager(t *testing.T) {
	st, err := store.Open(t.TempDir(), state.DefaultConfig())
	require.NoError(t, err)
	a, err := app.New(st)
	require.NoError(t, err)
	defer a.Close()
	s := New(a, cmtlog.NewNopLogger(), Version{})
	ctx := context.Background()
	list, err := s.ListSnapshots(ctx, &abcitypes.RequestListSnapshots{})
	require.NoError(t, err)
	require.Empty(t, list.Snapshots)
	chunk, err := s.LoadSnapshotChunk(ctx, &abcitypes.RequestLoadSnapshotChunk{Height: 1, Format: 1})
	require.NoError(t, err)
	require.Empty(t, chunk.Chunk)
	offer, err := s.OfferSnapshot(ctx, &abcitypes.RequestOfferSnapshot{Snapshot: &abcitypes.Snapshot{Height: 1, Format: 1}})
	require.NoError(t, err)
	require.Equal(t, abcitypes.ResponseOfferSnapshot_ABORT, offer.Result)
	apply, err := s.ApplySnapshotChunk(ctx, &abcitypes.RequestApplySnapshotChunk{})
	require.NoError(t, err)
	require.Equal(t, abcitypes.ResponseApplySnapshotChunk_ABORT, apply.Result)
}
