package app

import (
	"errors"
	"fmt"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Commit persists the finalized block durably and returns its version. On
// return the new state is what CheckTx and Query see.
func (a *App) Commit() (int64, error) {
	a.blockMu.Lock()
	defer a.blockMu.Unlock()
	var version int64
	err := a.withoutView(func() (err error) {
		_, version, err = a.store.Commit()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("%w: commit: %v", ErrStorage, err)
	}
	a.pending = false
	if a.pool != nil {
		a.viewMu.RLock()
		a.recheckPool()
		a.viewMu.RUnlock()
	}
	return version, nil
}

// withoutView runs op (a store operation that may replace the tree the
// committed view reads) with no view of the App's open: it closes the
// view, runs op, and opens the latest committed version as the new view,
// all under viewMu, so CheckTx, the proposal checks and Query wait for it
// instead of finding no view. memiavl switches to a rewritten snapshot,
// and rolls back written state, only when no view reads its tree: with
// the view open across Commit, a node would never switch (its whole tree
// would stay on the heap, its write-ahead log would never be pruned and no
// later snapshot would be written) and a Rollback would wait forever. A
// view the App cannot reopen is an error; it then has none (CheckTx and
// Query answer that there is no state) until the next success.
func (a *App) withoutView(op func() error) error {
	a.viewMu.Lock()
	defer a.viewMu.Unlock()
	if a.view != nil {
		_ = a.view.Close()
		a.view = nil
	}
	err := op()
	version := a.store.Version()
	if version == 0 {
		return err
	}
	v, verr := a.store.ViewAt(version)
	if verr != nil {
		return errors.Join(err, fmt.Errorf("open view at %d: %w", version, verr))
	}
	a.setViewLocked(v)
	return err
}

// setView makes v the committed view CheckTx, the proposal checks and
// Query read, and closes the previous one.
func (a *App) setView(v state.View) {
	a.viewMu.Lock()
	defer a.viewMu.Unlock()
	a.setViewLocked(v)
}

// setViewLocked is setView for a caller that holds viewMu for writing.
func (a *App) setViewLocked(v state.View) {
	var last BlockInfo
	_, err := core.GetJSON(v, BlockInfoKey(), &last)
	old := a.view
	a.view, a.viewBlock, a.viewBlockErr = v, last, err
	a.height.Store(v.Version())
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
