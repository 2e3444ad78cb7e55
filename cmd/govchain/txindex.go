package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	dbm "github.com/cometbft/cometbft-db"
	abcitypes "github.com/cometbft/cometbft/abci/types"
	cmtcfg "github.com/cometbft/cometbft/config"
	sm "github.com/cometbft/cometbft/state"
	blockidxkv "github.com/cometbft/cometbft/state/indexer/block/kv"
	"github.com/cometbft/cometbft/state/txindex"
	txidxkv "github.com/cometbft/cometbft/state/txindex/kv"
	cmtstore "github.com/cometbft/cometbft/store"
	cmtypes "github.com/cometbft/cometbft/types"
)

// indexLogEvery is how many blocks catchUpTxIndex indexes between two
// progress lines.
const indexLogEvery = 1000

// catchUpTxIndex indexes, before the node starts, the committed blocks
// that CometBFT's transaction index (config.toml's [tx_index] indexer =
// "kv") does not hold yet, and returns how many blocks it indexed.
//
// CometBFT indexes a block's transactions and events in a goroutine fed
// by its event bus after the block is committed, and indexes nothing at
// start: a node stopped by SIGKILL or a power cut between a block's
// commit and its indexing would answer "not found" to /tx and tx_search
// for that block's transactions for good. So start looks for the highest
// indexed block at or below the last committed height (down to the block
// store's base) and indexes every block after it from the block store and
// the stored FinalizeBlock results, as CometBFT's reindex-event does. The
// highest indexed block is indexed again when one of its transactions is
// missing (CometBFT writes a block's events before its transactions).
// Indexing is idempotent.
//
// It does nothing for another indexer, or for a home with no blocks. An
// error leaves the index as it was up to the failing block; the node can
// still start (the caller decides).
func catchUpTxIndex(conf *cmtcfg.Config, info func(msg string, keyvals ...any)) (int, error) {
	if conf.TxIndex.Indexer != "kv" {
		return 0, nil
	}
	for _, name := range []string{"blockstore.db", "state.db"} {
		if _, err := os.Stat(filepath.Join(conf.DBDir(), name)); errors.Is(err, os.ErrNotExist) {
			return 0, nil
		}
	}
	open := func(id string) (dbm.DB, error) {
		return cmtcfg.DefaultDBProvider(&cmtcfg.DBContext{ID: id, Config: conf})
	}
	sdb, err := open("state")
	if err != nil {
		return 0, err
	}
	ss := sm.NewStore(sdb, sm.StoreOptions{DiscardABCIResponses: conf.Storage.DiscardABCIResponses})
	defer ss.Close()
	st, err := ss.Load()
	if err != nil {
		return 0, fmt.Errorf("load CometBFT's state: %w", err)
	}
	bdb, err := open("blockstore")
	if err != nil {
		return 0, err
	}
	bs := cmtstore.NewBlockStore(bdb)
	defer bs.Close()
	last, base := min(st.LastBlockHeight, bs.Height()), bs.Base()
	if base == 0 || last < base {
		return 0, nil
	}
	idb, err := open("tx_index")
	if err != nil {
		return 0, err
	}
	defer idb.Close()
	txIdx := txidxkv.NewTxIndex(idb)
	blockIdx := blockidxkv.New(dbm.NewPrefixDB(idb, []byte("block_events")))

	from := base
	for h := last; h >= base; h-- {
		ok, err := blockIdx.Has(h)
		if err != nil {
			return 0, err
		}
		if !ok {
			continue
		}
		from = h + 1
		complete, err := txsIndexed(txIdx, bs.LoadBlock(h))
		if err != nil {
			return 0, err
		}
		if !complete {
			from = h
		}
		break
	}
	if from > last {
		return 0, nil
	}
	info("indexing blocks the transaction index does not hold", "from", from, "to", last)
	for h := from; h <= last; h++ {
		if err := indexBlock(bs, ss, txIdx, blockIdx, h); err != nil {
			return int(h - from), fmt.Errorf("index block %d (blocks %d to %d are not indexed; /tx and tx_search miss their transactions): %w", h, h, last, err)
		}
		if n := h - from + 1; n%indexLogEvery == 0 && h < last {
			info("indexed blocks", "height", h, "to", last)
		}
	}
	info("indexed blocks", "from", from, "to", last)
	return int(last - from + 1), nil
}

// txsIndexed reports whether every transaction of block b is in the
// transaction index.
func txsIndexed(idx txindex.TxIndexer, b *cmtypes.Block) (bool, error) {
	if b == nil {
		return false, errors.New("the block store has no block at an indexed height")
	}
	for _, tx := range b.Txs {
		r, err := idx.Get(tx.Hash())
		if err != nil {
			return false, err
		}
		if r == nil {
			return false, nil
		}
	}
	return true, nil
}

// indexBlock indexes block h's transactions, then its events (so that
// an indexed block's transactions are indexed too), from the block store
// and its stored FinalizeBlock response.
func indexBlock(bs *cmtstore.BlockStore, ss sm.Store, txIdx txindex.TxIndexer, blockIdx *blockidxkv.BlockerIndexer, h int64) error {
	b := bs.LoadBlock(h)
	if b == nil {
		return errors.New("the block store has no such block")
	}
	resp, err := ss.LoadFinalizeBlockResponse(h)
	if err != nil {
		return fmt.Errorf("its FinalizeBlock results: %w", err)
	}
	if len(resp.TxResults) != len(b.Txs) {
		return fmt.Errorf("%d results for %d transactions", len(resp.TxResults), len(b.Txs))
	}
	if len(b.Txs) > 0 {
		batch := txindex.NewBatch(int64(len(b.Txs)))
		for i, r := range resp.TxResults {
			if err := batch.Add(&abcitypes.TxResult{Height: h, Index: uint32(i), Tx: b.Txs[i], Result: *r}); err != nil {
				return err
			}
		}
		if err := txIdx.AddBatch(batch); err != nil {
			return err
		}
	}
	return blockIdx.Index(cmtypes.EventDataNewBlockEvents{Height: h, Events: resp.Events, NumTxs: int64(len(b.Txs))})
}

// nodeDBs is the database provider start gives CometBFT's node: CometBFT's
// own, keeping the transaction index's database, which the node opens and
// never closes (v0.40's Node.OnStop closes the block, state and evidence
// stores only), for start to close once the node has stopped.
type nodeDBs struct {
	mu   sync.Mutex
	open []dbm.DB
}

// provide is a cmtcfg.DBProvider.
func (d *nodeDBs) provide(ctx *cmtcfg.DBContext) (dbm.DB, error) {
	db, err := cmtcfg.DefaultDBProvider(ctx)
	if err == nil && ctx.ID == "tx_index" {
		d.mu.Lock()
		d.open = append(d.open, db)
		d.mu.Unlock()
	}
	return db, err
}

// close closes the databases the node left open. Call it after the node
// has stopped (or failed to be made or started).
func (d *nodeDBs) close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	var errs []error
	for _, db := range d.open {
		errs = append(errs, db.Close())
	}
	d.open = nil
	return errors.Join(errs...)
}
