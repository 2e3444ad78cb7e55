package app

import (
	"fmt"

	"github.com/govchain/govchain/app/core"
)

// Reload rereads the chain information and the committed view from the
// store: when the App is opened on committed state (New), and after the
// store's contents were replaced underneath it (a state-sync snapshot was
// imported into the empty store). On return Info,
// CheckTx, Query and the next FinalizeBlock (at the imported version + 1)
// work on the imported state. The store must hold a committed version.
func (a *App) Reload() error {
	a.blockMu.Lock()
	defer a.blockMu.Unlock()
	version := a.store.Version()
	if version == 0 {
		return fmt.Errorf("app: reload: the store holds no committed version")
	}
	var info ChainInfo
	if _, err := core.GetJSON(a.store, ChainInfoKey(), &info); err != nil {
		return fmt.Errorf("%w: reload chain info: %v", ErrStorage, err)
	}
	if info.ChainID == "" {
		return fmt.Errorf("app: reload: state at version %d has no chain info", version)
	}
	v, err := a.store.ViewAt(0)
	if err != nil {
		return fmt.Errorf("%w: reload: open view at %d: %v", ErrStorage, version, err)
	}
	a.info = info
	a.pending = false
	a.setView(v)
	return nil
}
