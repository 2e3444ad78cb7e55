package legacy

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Load reads the dump a genesis ref names from dir, checks its SHA-256,
// and runs its rows through their module over kv (which holds the genesis
// state, where ref.Signer must hold the registry's role), as the records
// created at origin: each record and its first history entry exactly
// those its register message would make, naming its row. It then checks
// that the rows kept give the root and row count ref names. Errors are one
// line naming the file and what differs; on error kv holds partial writes
// and must be discarded.
func Load(ctx context.Context, dir string, ref core.ImportRef, kv state.KV, origin core.ImportOrigin, progress func(done int)) (*Dump, error) {
	reg, err := RegistryByName(ref.Registry)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, ref.File)
	format, err := FormatOf(ref.File)
	if err != nil {
		return nil, err
	}
	ok, err := core.HasRole(kv, ref.Signer, reg.Role)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("legacy: genesis names signer %s for %s, but does not grant it role %s", ref.Signer, ref.File, reg.Role)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("legacy: genesis names dump %s (sha256 %s): %w", ref.File, ref.SHA256, err)
	}
	defer f.Close()
	d, err := Canonicalise(ctx, f, reg, format, nil)
	if err != nil {
		return nil, fmt.Errorf("legacy: %s: %w", path, err)
	}
	if got := hex.EncodeToString(d.SHA256[:]); got != ref.SHA256 {
		return nil, fmt.Errorf("legacy: %s has sha256 %s, genesis names %s: not the dump this chain was made from", path, got, ref.SHA256)
	}
	o := Origin{Signer: ref.Signer, ChainID: origin.ChainID, Height: origin.Height, Time: origin.Time}
	if err := d.settleOn(ctx, kv, o, progress); err != nil {
		return nil, err
	}
	if got := hex.EncodeToString(d.Root()); got != ref.Root || uint64(len(d.Rows)) != ref.Rows {
		return nil, fmt.Errorf("legacy: %s gives root %s over %d rows, genesis names %s over %d", path, got, len(d.Rows), ref.Root, ref.Rows)
	}
	return d, nil
}

// NodeLoader is the core.GenesisLoader of a node whose dumps are in dir:
// each dump is loaded (Load) in the order genesis names them. log (may be
// nil) is told each step in one line, and every million rows.
func NodeLoader(ctx context.Context, dir string, log func(msg string)) core.GenesisLoader {
	say := func(format string, args ...any) {
		if log != nil {
			log(fmt.Sprintf(format, args...))
		}
	}
	return func(refs []core.ImportRef, kv state.KV, origin core.ImportOrigin) error {
		for _, ref := range refs {
			say("import: reading %s", ref.File)
			d, err := Load(ctx, dir, ref, kv, origin, func(done int) {
				if done%(100*ProgressEvery) == 0 && done > 0 {
					say("import: %s: %d rows loaded", ref.File, done)
				}
			})
			if err != nil {
				return err
			}
			say("import: %s matches genesis: %d rows loaded, %d set aside", ref.File, len(d.Rows), len(d.Rejects))
		}
		return nil
	}
}

// Ref is the genesis entry naming d, read from file and signed by signer.
// d must be settled.
func (d *Dump) Ref(file string, signer core.Address) core.ImportRef {
	return core.ImportRef{Registry: d.Registry.Name, File: filepath.Base(file), SHA256: hex.EncodeToString(d.SHA256[:]),
		Root: hex.EncodeToString(d.Root()), Rows: uint64(len(d.Rows)), Signer: signer}
}

// importHeight is the height imported records are created at.
const importHeight = core.ImportHeight
