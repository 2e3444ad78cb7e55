package store

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/govchain/govchain/internal/durable"
	"github.com/govchain/govchain/state"
)

// markerFile is the name, inside the store directory, of the file naming the
// last committed version and its hash. It is written after the engine has
// made the version durable, so it never names a version the engine lacks.
const markerFile = "LAST_COMMIT"

const markerMagic = "govchain-state-marker-v1"

// marker is the last version Commit returned, and its root hash.
type marker struct {
	Version int64
	Hash    []byte
}

// readMarker returns the marker in dir; ok is false if there is none.
func readMarker(dir string) (m marker, ok bool, err error) {
	bz, err := os.ReadFile(filepath.Join(dir, markerFile))
	if errors.Is(err, os.ErrNotExist) {
		return marker{}, false, nil
	}
	if err != nil {
		return marker{}, false, fmt.Errorf("store: read marker: %w", err)
	}
	fields := strings.Fields(string(bz))
	if len(fields) != 3 || fields[0] != markerMagic {
		return marker{}, false, fmt.Errorf("%w: malformed marker file %s", state.ErrCorrupt, markerFile)
	}
	v, err := strconv.ParseInt(fields[1], 10, 64)
	if err != nil || v < 0 {
		return marker{}, false, fmt.Errorf("%w: malformed version in marker file %s", state.ErrCorrupt, markerFile)
	}
	h, err := hex.DecodeString(fields[2])
	if err != nil {
		return marker{}, false, fmt.Errorf("%w: malformed hash in marker file %s", state.ErrCorrupt, markerFile)
	}
	return marker{Version: v, Hash: h}, true, nil
}

// writeMarker atomically and durably replaces the marker in dir: it writes a
// temporary file, fsyncs it, renames it over the marker and fsyncs dir.
func writeMarker(dir string, m marker) error {
	tmp := filepath.Join(dir, markerFile+".tmp")
	data := fmt.Sprintf("%s %d %x\n", markerMagic, m.Version, m.Hash)
	if err := durable.WriteFile(tmp, []byte(data)); err != nil {
		return fmt.Errorf("store: write marker: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, markerFile)); err != nil {
		return fmt.Errorf("store: write marker: %w", err)
	}
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("store: write marker: %w", err)
	}
	return nil
}

// syncDir fsyncs a directory so that entries created, renamed or removed in
// it are durable.
func syncDir(dir string) error { return durable.Sync(dir) }
