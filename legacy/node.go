package legacy

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// loaded is what loadDump made of a dump: data lines read, rows loaded,
// rows set aside.
type loaded struct {
	read, rows, rejected int
}

// loadDump reads the dump a genesis ref names from dir, checks its
// SHA-256, and runs its canonical rows through their module on l (whose
// base holds the genesis state, where ref.Signer must hold the registry's
// role), as the records created at origin: each record and its first
// history entry exactly those its register message would make, naming
// its row. It then checks that the rows kept give the root and row count
// ref names. Errors are one line naming the file and what differs.
func loadDump(ctx context.Context, dir string, ref core.ImportRef, l *leanLoad, origin core.ImportOrigin, progress func(done int)) (loaded, error) {
	var res loaded
	reg, err := RegistryByName(ref.Registry)
	if err != nil {
		return res, err
	}
	path := filepath.Join(dir, ref.File)
	format, err := FormatOf(ref.File)
	if err != nil {
		return res, err
	}
	ok, err := core.HasRole(l.base, ref.Signer, reg.Role)
	if err != nil {
		return res, err
	}
	if !ok {
		return res, fmt.Errorf("legacy: genesis names signer %s for %s, but does not grant it role %s", ref.Signer, ref.File, reg.Role)
	}
	f, err := os.Open(path)
	if err != nil {
		return res, fmt.Errorf("legacy: genesis names dump %s (sha256 %s): %w", ref.File, ref.SHA256, err)
	}
	defer f.Close()
	s, err := scan(ctx, f, reg, format, l.dir, false, nil)
	if err != nil {
		return res, fmt.Errorf("legacy: %s: %w", path, err)
	}
	if got := hex.EncodeToString(s.sha[:]); got != ref.SHA256 {
		s.rows.close()
		return res, fmt.Errorf("legacy: %s has sha256 %s, genesis names %s: not the dump this chain was made from", path, got, ref.SHA256)
	}
	o := Origin{Signer: ref.Signer, ChainID: origin.ChainID, Height: origin.Height, Time: origin.Time}
	l.begin(ref.File)
	var leaves [][32]byte
	refused := 0
	if err := l.run(ctx, s.rowsOf, reg, o, progress, func(_ int, row []byte, refusal error) error {
		if refusal != nil {
			refused++
		} else {
			leaves = append(leaves, leafHash(row))
		}
		return nil
	}); err != nil {
		return res, err
	}
	if got := hex.EncodeToString(rootOfHashes(leaves)); got != ref.Root || uint64(len(leaves)) != ref.Rows {
		return res, fmt.Errorf("legacy: %s gives root %s over %d rows, genesis names %s over %d", path, got, len(leaves), ref.Root, ref.Rows)
	}
	return loaded{read: s.read, rows: len(leaves), rejected: len(s.rejects) + refused}, nil
}

// NodeLoader is the core.GenesisLoader of a node whose dumps are in dir:
// each dump is loaded (loadDump) in the order genesis names them, lean
// (leanLoad): the records are sorted on disk in a directory under work
// ("": the system's temporary directory), removed when the state is
// closed; work must be the node's own (directories there that an earlier,
// unfinished import left are removed first). log (may be nil) is told
// each step in one line, and every million rows.
func NodeLoader(ctx context.Context, dir, work string, log func(msg string)) core.GenesisLoader {
	say := func(format string, args ...any) {
		if log != nil {
			log(fmt.Sprintf(format, args...))
		}
	}
	return func(refs []core.ImportRef, genesis state.Reader, origin core.ImportOrigin) (core.ImportedState, error) {
		if work != "" {
			// A node stopped during an earlier import left its runs: the
			// work directory is the node's own, so they are nobody else's.
			stale, err := filepath.Glob(filepath.Join(work, workPattern))
			if err != nil {
				return nil, err
			}
			for _, d := range stale {
				say("import: removing %s, left by an import that did not finish", d)
				if err := os.RemoveAll(d); err != nil {
					return nil, fmt.Errorf("legacy: %w", err)
				}
			}
		}
		l, err := newLeanLoad(genesis, work)
		if err != nil {
			return nil, err
		}
		for _, ref := range refs {
			say("import: reading %s", ref.File)
			res, err := loadDump(ctx, dir, ref, l, origin, func(done int) {
				if done%(100*ProgressEvery) == 0 {
					say("import: %s: %d rows loaded", ref.File, done)
				}
			})
			if err != nil {
				return nil, errors.Join(err, l.Close())
			}
			say("import: %s matches genesis: %d rows loaded, %d set aside", ref.File, res.rows, res.rejected)
		}
		if err := l.finish(false); err != nil {
			return nil, errors.Join(err, l.Close())
		}
		say("import: initial state of %d keys sorted", l.Len())
		return &importedState{l: l}, nil
	}
}

// Ref is the genesis entry naming d, read from file and signed by signer.
// d must be settled.
func (d *Dump) Ref(file string, signer core.Address) core.ImportRef {
	return importRef(d.Registry, file, d.SHA256, d.Root(), len(d.Rows), signer)
}

// importRef is the genesis entry naming a dump of reg read from file.
func importRef(reg *Registry, file string, sha [32]byte, root []byte, rows int, signer core.Address) core.ImportRef {
	return core.ImportRef{Registry: reg.Name, File: filepath.Base(file), SHA256: hex.EncodeToString(sha[:]),
		Root: hex.EncodeToString(root), Rows: uint64(rows), Signer: signer}
}

// importHeight is the height imported records are created at.
const importHeight = core.ImportHeight
