package app

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/upgrade"
	"github.com/govchain/govchain/state"
)

// ErrStorage marks a failure of the store itself (disk, corruption). It is
// never a transaction error: the node must stop.
var ErrStorage = errors.New("app: storage failure")

// ErrHeight is returned when blocks arrive out of order.
var ErrHeight = errors.New("app: block height does not follow the committed version")

// App is the govchain state machine. It is driven by the abci package:
// InitChain once, then for each block FinalizeBlock and Commit; CheckTx,
// ProcessProposal and Query at any time between them.
//
// Contract: App is safe for concurrent use; block execution (InitChain,
// FinalizeBlock, Commit) must be called from one goroutine in order, while
// CheckTx and Query read the last committed version only.
type App struct {
	store state.Store

	blockMu sync.Mutex // serialises InitChain/FinalizeBlock/Commit
	info    ChainInfo  // loaded at genesis or from committed state
	pending bool       // a finalized block awaits Commit

	viewMu sync.RWMutex
	view   state.View // last committed version; nil before the first commit
	// viewBlock is the view's BlockInfo (the last block), read once per
	// commit for CheckTx; viewBlockErr is the error reading it gave.
	viewBlock    BlockInfo
	viewBlockErr error
	// height is the view's version, readable without viewMu.
	height atomic.Int64

	// txs remembers the transactions that passed ValidateTx (sigcache.go).
	txs *txCache
	// upgrades are the upgrades this binary carries (package upgrade).
	upgrades upgrade.Registry
	// loader reads the legacy dumps a genesis names (genesis_import.go).
	loader GenesisLoader

	// limitsMu guards budget, pendingLimit (budget.go), pace (pace.go)
	// and recent (rate.go); admitted counts the pending transactions
	// CheckTx sheds load by.
	limitsMu     sync.Mutex
	budget       BlockBudget
	pendingLimit PendingLimit
	pace         pace
	recent       recentBlocks
	admitted     admission
	// pool is the node's own mempool, or nil when CometBFT keeps it
	// (pool.go).
	pool *pool
}

// New returns an App over an opened store that carries the upgrades this
// binary was built with (upgrade.Carried). If the store holds committed
// state, the chain information is read from it, and a state that records
// an upgrade the binary does not carry is refused (upgrade.ErrBinaryTooOld).
func New(store state.Store) (*App, error) {
	return NewWithUpgrades(store, upgrade.Carried())
}

// NewWithUpgrades is New with the registry of upgrades given.
func NewWithUpgrades(store state.Store, reg upgrade.Registry) (*App, error) {
	if err := reg.Validate(); err != nil {
		return nil, err
	}
	a := &App{store: store, txs: newTxCache(DefaultTxCacheSize), upgrades: reg,
		budget: DefaultBlockBudget(), pendingLimit: DefaultPendingLimit()}
	if store.Version() > 0 {
		if err := upgrade.CheckState(store, reg); err != nil {
			return nil, err
		}
		if err := a.Reload(); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// Info returns the last committed height (= state version) and app hash.
// A state that is only an imported genesis state, with no block after it
// (see initImported), reports height 0 and no hash: CometBFT then sends
// InitChain, which finds the import and returns its hash. So a node that
// stopped after committing the import and before CometBFT saved that hash
// starts again.
func (a *App) Info() (height int64, appHash []byte) {
	if a.awaitsFirstBlock() {
		return 0, nil
	}
	return a.store.Version(), a.store.LastHash()
}

// ChainID returns the chain id (empty before InitChain).
func (a *App) ChainID() string { return a.info.ChainID }

// InitChain writes the genesis state and returns the app hash it leads to
// and the validator set the agencies define. The state is committed with the
// first block; a genesis that names legacy dumps is committed at once, as
// version 1 (see initImported). On a store that holds only that imported
// state, InitChain checks that it was made from the same genesis and
// returns its hash without importing again (see reuseImported).
func (a *App) InitChain(chainID string, genesisTime time.Time, initialHeight int64, appState []byte) ([]byte, []core.Validator, error) {
	a.blockMu.Lock()
	defer a.blockMu.Unlock()
	imported := a.awaitsFirstBlock()
	if a.store.Version() != 0 && !imported {
		return nil, nil, fmt.Errorf("app: InitChain on a store at version %d", a.store.Version())
	}
	g, err := ParseGenesis(appState)
	if err != nil {
		return nil, nil, err
	}
	if imported {
		return a.reuseImported(g, chainID, genesisTime.UTC(), initialHeight)
	}
	if len(g.Import) > 0 {
		return a.initImported(g, chainID, genesisTime.UTC(), initialHeight)
	}
	if initialHeight > 1 {
		return nil, nil, fmt.Errorf("app: initial_height %d is not supported; the state version must equal the block height", initialHeight)
	}
	if err := a.store.Rollback(); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrStorage, err)
	}
	if err := g.write(a.store, chainID, genesisTime.UTC(), 0); err != nil {
		return nil, nil, fmt.Errorf("%w: write genesis: %v", ErrStorage, err)
	}
	a.info = ChainInfo{ChainID: chainID, Params: g.Params}
	return a.store.WorkingHash(), g.validators(), nil
}

// validators is the validator set the agencies define.
func (g *Genesis) validators() []core.Validator {
	vals := make([]core.Validator, 0, len(g.Agencies))
	for _, ag := range g.Agencies {
		if ag.HasValidator() {
			vals = append(vals, ag.Validator)
		}
	}
	return vals
}

// TxResult is the outcome of one transaction. Err is nil on success; its
// kind and sentinel decide the result code.
type TxResult struct {
	Err    error
	Events []core.Event
	// Signer and Type are set when the transaction decoded.
	Signer core.Address
	Type   string
}
