package legacy

import (
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Check reads the dump a genesis ref names from dir and checks it: its
// SHA-256, then (canonicalised and settled at the genesis time) its root
// and row count. The error is one line naming the file and what differs.
func Check(ctx context.Context, dir string, ref app.ImportRef, origin app.ImportOrigin, progress Progress) (*Dump, error) {
	reg, err := RegistryByName(ref.Registry)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, ref.File)
	format, err := FormatOf(ref.File)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("legacy: genesis names dump %s (sha256 %s): %w", ref.File, ref.SHA256, err)
	}
	defer f.Close()
	d, err := Canonicalise(ctx, f, reg, format, progress)
	if err != nil {
		return nil, fmt.Errorf("legacy: %s: %w", path, err)
	}
	if got := hex.EncodeToString(d.SHA256[:]); got != ref.SHA256 {
		return nil, fmt.Errorf("legacy: %s has sha256 %s, genesis names %s: not the dump this chain was made from", path, got, ref.SHA256)
	}
	if err := d.Settle(ctx, origin.Time, nil); err != nil {
		return nil, err
	}
	if got := hex.EncodeToString(d.Root()); got != ref.Root || uint64(len(d.Rows)) != ref.Rows {
		return nil, fmt.Errorf("legacy: %s gives root %s over %d rows, genesis names %s over %d", path, got, len(d.Rows), ref.Root, ref.Rows)
	}
	return d, nil
}

// NodeLoader is the app.GenesisLoader of a node whose dumps are in dir:
// each dump is checked (Check) and its rows loaded (Load), in the order
// genesis names them. log (may be nil) is told each step in one line.
func NodeLoader(ctx context.Context, dir string, log func(msg string)) app.GenesisLoader {
	say := func(format string, args ...any) {
		if log != nil {
			log(fmt.Sprintf(format, args...))
		}
	}
	return func(refs []app.ImportRef, kv state.KV, origin app.ImportOrigin) error {
		for _, ref := range refs {
			reg, err := RegistryByName(ref.Registry)
			if err != nil {
				return err
			}
			say("import: reading %s", ref.File)
			d, err := Check(ctx, dir, ref, origin, nil)
			if err != nil {
				return err
			}
			say("import: %s matches genesis: %d rows, %d set aside; loading", ref.File, len(d.Rows), len(d.Rejects))
			o := Origin{Signer: ref.Signer, ChainID: origin.ChainID, Height: origin.Height, Time: origin.Time}
			if err := Load(ctx, kv, reg, d.Rows, o, func(done int) {
				if done%(100*ProgressEvery) == 0 && done > 0 {
					say("import: %s: %d of %d rows loaded", ref.File, done, len(d.Rows))
				}
			}); err != nil {
				return err
			}
			say("import: %s loaded", ref.File)
		}
		return nil
	}
}

// Ref is the genesis entry naming d, read from file and signed by signer.
// d must be settled.
func (d *Dump) Ref(file string, signer core.Address) app.ImportRef {
	return app.ImportRef{Registry: d.Registry.Name, File: filepath.Base(file), SHA256: hex.EncodeToString(d.SHA256[:]),
		Root: hex.EncodeToString(d.Root()), Rows: uint64(len(d.Rows)), Signer: signer}
}

// importHeight is the height imported records are created at.
const importHeight = app.ImportHeight
