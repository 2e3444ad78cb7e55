package snapshot

import "errors"

// Config says when snapshots are taken and how many are kept. It is the
// [snapshot] section of app.toml.
type Config struct {
	// Interval is the number of blocks between snapshots: a snapshot is
	// taken of every version that is a multiple of it. 0 disables taking
	// snapshots (restoring one by state sync still works).
	Interval uint64 `mapstructure:"interval" toml:"interval"`
	// KeepRecent is how many of the newest snapshots are kept on disk.
	KeepRecent uint32 `mapstructure:"keep_recent" toml:"keep_recent"`
}

// DefaultConfig returns a snapshot every 1,000 blocks, the two newest kept.
func DefaultConfig() Config {
	return Config{Interval: 1000, KeepRecent: 2}
}

// Validate reports the first problem in c, as a one-line error, or nil.
func (c Config) Validate() error {
	if c.Interval > 0 && c.KeepRecent == 0 {
		return errors.New("snapshot: keep_recent must be at least 1 when interval is set")
	}
	if c.KeepRecent > maxKeepRecent {
		return errors.New("snapshot: keep_recent must be at most 1000")
	}
	return nil
}

const maxKeepRecent = 1000
