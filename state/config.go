package state

import (
	"errors"
	"fmt"
)

// IAVLCacheSize is the iavl engine's node cache, in nodes, when
// Config.CacheSize is 0.
const IAVLCacheSize = 100_000

// DefaultConfig returns the configuration a node uses unless told otherwise:
// the memiavl engine, the engine's own choice of cache (CacheSize 0), an
// on-disk snapshot every 1,000 versions, and every version kept (iavl) or
// only the newest snapshot kept (memiavl).
func DefaultConfig() Config {
	return Config{
		Engine:           EngineMemIAVL,
		CacheSize:        0,
		SnapshotInterval: 1000,
		KeepRecent:       0,
	}
}

// Validate reports the first problem in c, as a one-line error, or nil.
func (c Config) Validate() error {
	switch c.Engine {
	case EngineMemIAVL, EngineIAVL:
	case "":
		return errors.New("state: engine is empty (want \"memiavl\" or \"iavl\")")
	default:
		return fmt.Errorf("state: unknown engine %q (want \"memiavl\" or \"iavl\")", c.Engine)
	}
	if c.CacheSize < 0 {
		return fmt.Errorf("state: cache_size must not be negative, got %d", c.CacheSize)
	}
	if c.Engine == EngineMemIAVL && c.SnapshotInterval == 0 {
		return errors.New("state: snapshot_interval must be at least 1 for the memiavl engine")
	}
	return nil
}
