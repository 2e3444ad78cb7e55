package main

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"text/template"
	"time"

	"github.com/spf13/viper"

	"github.com/govchain/govchain/api"
	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/snapshot"
	"github.com/govchain/govchain/state"
)

// AppConfigFile is the application's configuration file inside
// <home>/config, beside CometBFT's config.toml.
const AppConfigFile = "app.toml"

// Config is the application's own node configuration (app.toml); CometBFT's
// is config.toml.
type Config struct {
	// State configures the state store under <home>/data/state.
	State state.Config `mapstructure:"state" toml:"state"`
	// Snapshot configures the state-sync snapshots under
	// <home>/data/snapshots.
	Snapshot snapshot.Config `mapstructure:"snapshot" toml:"snapshot"`
	// Web configures the HTTP API (and the web page) that start serves
	// beside the node.
	Web api.ServerConfig `mapstructure:"web" toml:"web"`
	// Load bounds the blocks this node proposes and the transactions it
	// admits (app.BlockBudget, app.PendingLimit).
	Load LoadLimits `mapstructure:"load" toml:"load"`
	// Mempool configures the application's own mempool (config.toml's
	// [mempool] type = "app").
	Mempool MempoolConfig `mapstructure:"mempool" toml:"mempool"`
}

// MempoolConfig is app.toml's [mempool], read when config.toml's
// [mempool] type is "app" (app.App.EnablePool).
type MempoolConfig struct {
	// Relay gossips on the transactions peers gossiped, not only those
	// this node's clients sent: needed where this node's peers are not
	// all connected to each other.
	Relay bool `mapstructure:"relay" toml:"relay"`
}

// LoadLimits is app.toml's [load]: the block budget of this node's
// proposals and the pending limit past which its CheckTx answers busy.
// Both are this node's settings, not rules of the chain; 0 sets no bound.
type LoadLimits struct {
	BlockMaxTxs     int   `mapstructure:"block_max_txs" toml:"block_max_txs"`
	BlockMaxBytes   int64 `mapstructure:"block_max_bytes" toml:"block_max_bytes"`
	BlockMaxWork    int64 `mapstructure:"block_max_work" toml:"block_max_work"`
	PendingMaxTxs   int   `mapstructure:"pending_max_txs" toml:"pending_max_txs"`
	PendingMaxBytes int64 `mapstructure:"pending_max_bytes" toml:"pending_max_bytes"`
	// PendingMaxWait is app.PendingLimit.MaxWait: the pending bounds no
	// more than what the chain commits in that time; 0 leaves them fixed.
	PendingMaxWait time.Duration `mapstructure:"pending_max_wait" toml:"pending_max_wait"`
	// BlockBudgetMaxScale and BlockIntervalTarget are app.BudgetPace; a
	// zero target is twice config.toml's timeout_commit.
	BlockBudgetMaxScale float64       `mapstructure:"block_budget_max_scale" toml:"block_budget_max_scale"`
	BlockIntervalTarget time.Duration `mapstructure:"block_interval_target" toml:"block_interval_target"`
}

// DefaultBudgetMaxScale is how far the block budget may grow while the
// chain keeps its pace (app.BudgetPace): twice the configured budget. It
// carried 0.77x to 0.92x of kvstore's peak at equal size against 0.69x
// with the budget fixed; with the ceiling a slowdown leaves, the budget
// is back at 1 under heavy load, as if it were fixed
// (docs/measurements.md, "A ceiling after each slowdown").
const DefaultBudgetMaxScale = 2

// DefaultLoadLimits are app.DefaultBlockBudget and app.DefaultPendingLimit.
func DefaultLoadLimits() LoadLimits {
	b, p := app.DefaultBlockBudget(), app.DefaultPendingLimit()
	return LoadLimits{BlockMaxTxs: b.MaxTxs, BlockMaxBytes: b.MaxBytes, BlockMaxWork: b.MaxWork,
		PendingMaxTxs: p.MaxTxs, PendingMaxBytes: p.MaxBytes, PendingMaxWait: p.MaxWait, BlockBudgetMaxScale: DefaultBudgetMaxScale}
}

// Budget is the block budget the limits set.
func (l LoadLimits) Budget() app.BlockBudget {
	return app.BlockBudget{MaxTxs: l.BlockMaxTxs, MaxBytes: l.BlockMaxBytes, MaxWork: l.BlockMaxWork}
}

// Pending is the pending limit the limits set.
func (l LoadLimits) Pending() app.PendingLimit {
	return app.PendingLimit{MaxTxs: l.PendingMaxTxs, MaxBytes: l.PendingMaxBytes, MaxWait: l.PendingMaxWait}
}

// Pace is the budget's pace the limits set, on a node whose
// timeout_commit is timeoutCommit. block_budget_max_scale must be 0 or
// between 1 and 16 in steps of 1/8: the application keeps the scale in
// eighths (app.BudgetScaleUnit), as integers.
func (l LoadLimits) Pace(timeoutCommit time.Duration) (app.BudgetPace, error) {
	s := l.BlockBudgetMaxScale
	eighths := s * app.BudgetScaleUnit
	if eighths != math.Trunc(eighths) || s != 0 && (s < 1 || s > 16) {
		return app.BudgetPace{}, fmt.Errorf("block_budget_max_scale %g is not between 1 and 16 in steps of 1/8", s)
	}
	p := app.BudgetPace{MaxEighths: int(eighths), Target: l.BlockIntervalTarget}
	if p.Target == 0 {
		p.Target = 2 * timeoutCommit
	}
	return p, p.Validate()
}

// apply sets the limits on a, on a node whose timeout_commit is
// timeoutCommit.
func (l LoadLimits) apply(a *app.App, timeoutCommit time.Duration) error {
	if err := a.SetBlockBudget(l.Budget()); err != nil {
		return err
	}
	if err := a.SetPendingLimit(l.Pending()); err != nil {
		return err
	}
	p, err := l.Pace(timeoutCommit)
	if err != nil {
		return err
	}
	return a.SetBudgetPace(p)
}

// Validate refuses negative bounds, naming the first, and a scale out of
// range.
func (l LoadLimits) Validate() error {
	if err := l.Budget().Validate(); err != nil {
		return err
	}
	if err := l.Pending().Validate(); err != nil {
		return err
	}
	// A zero target is taken from config.toml (Pace).
	_, err := l.Pace(time.Second)
	return err
}

// DefaultConfig returns the configuration init writes unless told
// otherwise.
func DefaultConfig() Config {
	return Config{State: state.DefaultConfig(), Snapshot: snapshot.DefaultConfig(), Web: api.DefaultServerConfig(), Load: DefaultLoadLimits()}
}

// Validate reports the first problem in the configuration as a one-line
// error.
func (c Config) Validate() error {
	if err := c.State.Validate(); err != nil {
		return fmt.Errorf("%s: [state] %w", AppConfigFile, err)
	}
	if err := c.Snapshot.Validate(); err != nil {
		return fmt.Errorf("%s: [snapshot] %w", AppConfigFile, err)
	}
	if err := c.Web.Validate(); err != nil {
		return fmt.Errorf("%s: [web] %w", AppConfigFile, err)
	}
	if err := c.Load.Validate(); err != nil {
		return fmt.Errorf("%s: [load] %w", AppConfigFile, err)
	}
	return nil
}

const appConfigTemplate = `# govchain application configuration. CometBFT's own settings are in
# config.toml beside this file.

[state]
# Storage engine of the Merkle state: "memiavl" (default) or "iavl"
# (cosmos/iavl on cosmos-db). Both give identical app hashes. Changing it
# on an existing node needs a fresh data/state (state sync or replay).
engine = "{{.State.Engine}}"
# Cache: iavl's node cache in nodes, memiavl's cache of recent keys in
# entries. 0 lets the engine choose: 100,000 nodes for iavl, no key cache
# for memiavl (faster there).
cache_size = {{.State.CacheSize}}
# memiavl: versions between on-disk snapshots; the write-ahead log
# covers the versions in between.
snapshot_interval = {{.State.SnapshotInterval}}
# How much history stays queryable. iavl: the number of latest versions
# kept (0 keeps all). memiavl: the number of on-disk snapshots kept besides
# the newest; every version from the oldest kept snapshot on stays
# queryable (0: only versions since the newest snapshot).
keep_recent = {{.State.KeepRecent}}

[snapshot]
# State-sync snapshots served to new nodes (CometBFT's [statesync] in
# config.toml restores one): a snapshot of every version that is a
# multiple of interval, in blocks (0 takes none), written in the
# background under data/snapshots.
interval = {{.Snapshot.Interval}}
# How many of the newest snapshots are kept.
keep_recent = {{.Snapshot.KeepRecent}}

[web]
# The HTTP/JSON API for client developers and the citizens' web page,
# served by this node beside its RPC (docs/api.md). It reads and posts
# through this node's RPC; it holds no key.
enable = {{.Web.Enable}}
# host:port to listen on. Keep it on 127.0.0.1 behind a reverse proxy
# that terminates TLS, unless the node's host is meant to face the public.
address = "{{.Web.Address}}"
# Origins of pages elsewhere allowed to call the API from a browser
# (CORS), each exactly as browsers send it, e.g.
# ["https://registry.example.gov"]; empty: none.
cors_origins = [{{range $i, $o := .Web.CORSOrigins}}{{if $i}}, {{end}}{{printf "%q" $o}}{{end}}]

[load]
# The most a block this node proposes holds: transactions, bytes of
# transactions, and estimated execution work (about a microsecond of one
# core a unit; docs/measurements.md). Blocks of other nodes are accepted
# whatever their size within CometBFT's limits. 0: no bound.
block_max_txs = {{.Load.BlockMaxTxs}}
block_max_bytes = {{.Load.BlockMaxBytes}}
block_max_work = {{.Load.BlockMaxWork}}
# Past this many transactions (or bytes) admitted and not yet in a block,
# CheckTx answers new ones "busy, retry later" (code 19); with CometBFT's
# mempool (config.toml [mempool] type = "flood"), keep it below its
# size. 0: no bound.
pending_max_txs = {{.Load.PendingMaxTxs}}
pending_max_bytes = {{.Load.PendingMaxBytes}}
# Once the chain has made nine blocks, the two bounds above are lowered to
# what its last eight blocks committed in this time, but never below one
# block of the budget: a transaction admitted then waits about this long
# for its block, whether the chain runs fast or slow. "0s": the bounds
# stay fixed.
pending_max_wait = "{{.Load.PendingMaxWait}}"
# While blocks come at most four fifths of block_interval_target apart
# (averaged over four blocks), full blocks let this node's block budget
# and pending limit grow by an eighth a block, up to
# block_budget_max_scale times the values above. Blocks further apart
# than the target, or one decided after round 0, bring them down: at
# once half way to the values above, then a quarter a block; they grow
# again only to that half way mark, raised an eighth per 32 blocks
# without a slowdown. 1 keeps them fixed. A target of "0s" is twice
# config.toml's timeout_commit.
block_budget_max_scale = {{.Load.BlockBudgetMaxScale}}
block_interval_target = "{{.Load.BlockIntervalTarget}}"

[mempool]
# With config.toml's [mempool] type = "app" (as init writes it) this node
# keeps the mempool itself and gossips the transactions its clients send.
# relay = true also gossips on those that peers sent: set it on a node
# whose peers are not all connected to each other (one that links nodes
# which do not peer directly); where every node peers with every other,
# as the ministries' validators do, it only adds traffic.
relay = {{.Mempool.Relay}}
`

// WriteConfig writes c to path (mode 0644), refusing an invalid c.
func WriteConfig(path string, c Config) error {
	if err := c.Validate(); err != nil {
		return err
	}
	t, err := template.New(AppConfigFile).Parse(appConfigTemplate)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, c); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// LoadConfig reads app.toml from <home>/config with viper over the
// defaults, and validates it. A missing file is an error: init writes it.
func LoadConfig(home string) (Config, error) {
	path := filepath.Join(home, "config", AppConfigFile)
	v := viper.New()
	v.SetConfigFile(path)
	v.SetConfigType("toml")
	if err := v.ReadInConfig(); err != nil {
		return Config{}, fmt.Errorf("read %s: %w (run govchain init first)", path, err)
	}
	c := DefaultConfig()
	if err := v.UnmarshalExact(&c); err != nil {
		// mapstructure lists its errors on lines of their own.
		return Config{}, fmt.Errorf("%s: %s", path, strings.Join(strings.Fields(err.Error()), " "))
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}
