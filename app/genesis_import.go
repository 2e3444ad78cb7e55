package app

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/bulk"
)

// ImportHeight is the state version of a genesis that names legacy dumps
// (core.ImportHeight).
const ImportHeight = core.ImportHeight

// ImportRef names a legacy dump in genesis (core.ImportRef).
type ImportRef = core.ImportRef

// ImportOrigin is the block context imported records are created in
// (core.ImportOrigin).
type ImportOrigin = core.ImportOrigin

// GenesisLoader adds the records of the dumps a genesis names
// (core.GenesisLoader).
type GenesisLoader = core.GenesisLoader

// ErrNoLoader is returned by InitChain for a genesis that names dumps on a
// node that was given no GenesisLoader.
var ErrNoLoader = errors.New("app: genesis names legacy dumps but this node cannot read them")

// SetGenesisLoader sets the loader InitChain uses for a genesis that names
// legacy dumps. Call it before InitChain.
func (a *App) SetGenesisLoader(l GenesisLoader) { a.loader = l }

func (g *Genesis) validateImport() error {
	files := map[string]bool{}
	for _, r := range g.Import {
		switch {
		case r.Registry == "":
			return errors.New("genesis: import: registry is required")
		case r.File == "" || filepath.Base(r.File) != r.File || r.File == "." || r.File == "..":
			return fmt.Errorf("genesis: import: file %q must be a file name without a directory", r.File)
		case files[r.File]:
			return fmt.Errorf("genesis: import: file %q is named twice", r.File)
		case !isHex32(r.SHA256):
			return fmt.Errorf("genesis: import: sha256 of %s must be 64 hex digits", r.File)
		case !isHex32(r.Root):
			return fmt.Errorf("genesis: import: root of %s must be 64 hex digits", r.File)
		case r.Signer.IsZero():
			return fmt.Errorf("genesis: import: signer of %s is required", r.File)
		}
		files[r.File] = true
	}
	return nil
}

func isHex32(s string) bool {
	b, err := hex.DecodeString(s)
	return err == nil && len(b) == 32
}

// initImported builds and commits the initial state of a genesis that
// names legacy dumps: the genesis writes are made on a branch, the loader
// builds the whole state over it (outside the store), then the store's
// first version is built from its sorted keys in one pass (state/bulk), as
// version ImportHeight. The chain must
// start at ImportHeight+1.
func (a *App) initImported(g *Genesis, chainID string, genesisTime time.Time, initialHeight int64) ([]byte, []core.Validator, error) {
	if initialHeight != ImportHeight+1 {
		return nil, nil, fmt.Errorf("app: a genesis that names legacy dumps needs initial_height %d, got %d", ImportHeight+1, initialHeight)
	}
	if a.loader == nil {
		return nil, nil, fmt.Errorf("%w (%s)", ErrNoLoader, g.Import[0].File)
	}
	if err := a.store.Rollback(); err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrStorage, err)
	}
	kv := state.NewBranch(a.store)
	if err := g.write(kv, chainID, genesisTime, 0); err != nil {
		return nil, nil, fmt.Errorf("%w: write genesis: %v", ErrStorage, err)
	}
	imported, err := a.loader(g.Import, kv, ImportOrigin{ChainID: chainID, Height: ImportHeight, Time: genesisTime})
	if err != nil {
		return nil, nil, err
	}
	defer imported.Close()
	it, err := imported.Iterator()
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrStorage, err)
	}
	hash, err := bulk.Build(a.store, ImportHeight, it, imported.Len())
	if cerr := it.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%w: import genesis state: %v", ErrStorage, err)
	}
	v, err := a.store.ViewAt(0)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: open imported view: %v", ErrStorage, err)
	}
	a.info = ChainInfo{ChainID: chainID, Params: g.Params, Import: g.Import}
	a.pending = false
	a.setView(v)
	return hash, g.validators(), nil
}

// awaitsFirstBlock reports whether the committed state is an imported
// genesis state that no block has followed: version ImportHeight without
// a BlockInfo (every block writes one, see FinalizeBlock).
func (a *App) awaitsFirstBlock() bool {
	if a.store.Version() != ImportHeight {
		return false
	}
	a.viewMu.RLock()
	defer a.viewMu.RUnlock()
	return a.view != nil && a.viewBlockErr == nil && a.viewBlock.Height == 0
}

// reuseImported answers InitChain on a store that already holds an
// imported genesis state (a node that stopped after committing the import
// and before CometBFT saved its hash, or restarted before the first
// block): it writes the genesis alone on a scratch state and requires
// every key it writes, the chain information naming the dumps included, to
// hold the same bytes in the committed state; then it returns the
// committed hash. The dumps' rows are not read again: the chain
// information names them by hash and root. Reusing the state, rather than
// discarding and rebuilding it, keeps a restart as fast as any other and
// needs no way to drop a committed version.
func (a *App) reuseImported(g *Genesis, chainID string, genesisTime time.Time, initialHeight int64) ([]byte, []core.Validator, error) {
	if len(g.Import) == 0 {
		return nil, nil, fmt.Errorf("app: InitChain on a store holding an imported state (version %d), but genesis names no dump", ImportHeight)
	}
	if initialHeight != ImportHeight+1 {
		return nil, nil, fmt.Errorf("app: a genesis that names legacy dumps needs initial_height %d, got %d", ImportHeight+1, initialHeight)
	}
	scratch := state.NewBranch(state.Empty{})
	if err := g.write(scratch, chainID, genesisTime, 0); err != nil {
		return nil, nil, fmt.Errorf("%w: write genesis: %v", ErrStorage, err)
	}
	if err := a.sameAsCommitted(scratch); err != nil {
		return nil, nil, err
	}
	a.info = ChainInfo{ChainID: chainID, Params: g.Params, Import: g.Import}
	return a.store.LastHash(), g.validators(), nil
}

// sameAsCommitted requires every key of r to hold the same bytes in the
// committed view.
func (a *App) sameAsCommitted(r state.Reader) error {
	it, err := r.Iterator(nil, nil, true)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrStorage, err)
	}
	defer it.Close()
	a.viewMu.RLock()
	defer a.viewMu.RUnlock()
	for ; it.Valid(); it.Next() {
		got, err := a.view.Get(it.Key())
		if err != nil {
			return fmt.Errorf("%w: %v", ErrStorage, err)
		}
		if !bytes.Equal(got, it.Value()) {
			return fmt.Errorf("app: the state imported at version %d was made from another genesis (key %x differs); remove the node's state directory to import again", ImportHeight, it.Key())
		}
	}
	return it.Error()
}
