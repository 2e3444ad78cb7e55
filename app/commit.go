package app

import (
	"fmt"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Commit persists the finalized block durably and returns its version. On
// return the new state is what CheckTx and Query see.
func (a *App) Commit() (int64, error) {
	a.blockMu.Lock()
	defer a.blockMu.Unlock()
	_, version, err := a.store.Commit()
	if err != nil {
		return 0, fmt.Errorf("%w: commit: %v", ErrStorage, err)
	}
	a.pending = false
	v, err := a.store.ViewAt(0)
	if err != nil {
		return 0, fmt.Errorf("%w: open view at %d: %v", ErrStorage, version, err)
	}
	a.setView(v)
	if a.pool != nil {
		a.viewMu.RLock()
		a.recheckPool()
		a.viewMu.RUnlock()
	}
	return version, nil
}

// setView makes v the committed view CheckTx, the proposal checks and
// Query read, and closes the previous one.
func (a *App) setView(v state.View) {
	var last BlockInfo
	_, err := core.GetJSON(v, BlockInfoKey(), &last)
	a.viewMu.Lock()
	old := a.view
	a.view, a.viewBlock, a.viewBlockErr = v, last, err
	a.height.Store(v.Version())
	a.viewMu.Unlock()
	if old != nil {
		_ = old.Close()
	}
}

// Close closes the committed view and the store.
func (a *App) Close() error {
	a.pool.close()
	a.viewMu.Lock()
	if a.view != nil {
		_ = a.view.Close()
		a.view = nil
	}
	a.viewMu.Unlock()
	return a.store.Close()
}
