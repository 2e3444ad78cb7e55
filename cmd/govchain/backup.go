package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/cometbft/cometbft/light"
	sm "github.com/cometbft/cometbft/state"
	"github.com/cometbft/cometbft/statesync"
	cmtstore "github.com/cometbft/cometbft/store"
	cmtypes "github.com/cometbft/cometbft/types"
	"github.com/spf13/cobra"

	"github.com/govchain/govchain/internal/durable"
	"github.com/govchain/govchain/snapshot"
	"github.com/govchain/govchain/state/store"
)

// Flags of backup and restore.
const (
	flagBackupOut  = "out"
	flagBackupFrom = "from"
	flagAppHash    = "app-hash"
	flagRPCServers = "rpc-servers"
)

// backupDirName is the name of the directory of the snapshot of height
// h, in a node's data/snapshots and in a backup: 20 digits.
func backupDirName(h uint64) string { return fmt.Sprintf("%020d", h) }

func (c *cli) backupCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "backup",
		Short: "Copy this node's state at a height (a state-sync snapshot) into a backup directory",
		Long: `Copy one of the state-sync snapshots the node keeps under
<home>/data/snapshots (app.toml's [snapshot]: one every interval blocks)
into --out, a directory that must not exist or be empty, and check every
chunk of the copy against the snapshot's hashes. The node may be running.

Without --height the newest snapshot is copied. The backup holds the
state only, not CometBFT's blocks: govchain restore turns it back into a
node, which then fetches the blocks after that height from its peers.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return c.runBackup() },
	}
	addHomeFlag(cmd)
	f := cmd.Flags()
	f.String(flagBackupOut, "", "directory to write the backup into (required; must not exist or be empty)")
	f.Uint64(flagHeight, 0, "height of the snapshot to copy (default: the newest)")
	return cmd
}

func (c *cli) restoreCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "restore",
		Short: "Restore a node's state from a backup, checked against an app hash verified by the light client",
		Long: `Restore the state of a backup (govchain backup) into a node home made
by govchain init that has never run (no state, no blocks), then set up
CometBFT's stores at that height, as state sync does, so that start
fetches the blocks after it from the peers.

The state is trusted only if its root hash is the app hash that the
network's validators signed for that height: CometBFT's light client,
from a trusted header (--trust-height and --trust-hash, or config.toml's
[statesync] trust_height and trust_hash) and two RPC servers
(--rpc-servers, or [statesync] rpc_servers), verifies header height+1 and
its app hash. --app-hash, if given, must also be equal. The restore is
refused, and nothing is written, when the backup's height is not the one
asked for, the light client cannot verify that height, or the app hashes
differ; a chunk that does not match its hash or a state whose recomputed
root differs is refused too, and what was written is removed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return c.runRestore(cmd.Context()) },
	}
	addHomeFlag(cmd)
	f := cmd.Flags()
	f.String(flagBackupFrom, "", "backup directory (required)")
	f.Uint64(flagHeight, 0, "height to restore (default: the backup's only one)")
	f.String(flagAppHash, "", "app hash the state must have, in hex (checked besides the light client's)")
	f.String(flagRPCServers, "", "two or more RPC servers of the network for the light client, comma separated (default: config.toml's [statesync] rpc_servers)")
	f.Int64(flagTrustHeight, 0, "height of a trusted header (default: [statesync] trust_height)")
	f.String(flagTrustHash, "", "hash of the trusted header, in hex (default: [statesync] trust_hash)")
	return cmd
}

// snapshotHeights lists the snapshot directories in dir, ascending.
func snapshotHeights(dir string) ([]uint64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []uint64
	for _, e := range entries {
		if !e.IsDir() || len(e.Name()) != 20 {
			continue
		}
		if h, err := strconv.ParseUint(e.Name(), 10, 64); err == nil && h > 0 {
			out = append(out, h)
		}
	}
	slices.Sort(out)
	return out, nil
}

// pickHeight returns want if heights holds it, or the newest (latest) or
// only one when want is 0.
func pickHeight(heights []uint64, want uint64, latest bool, where string) (uint64, error) {
	switch {
	case len(heights) == 0:
		return 0, fmt.Errorf("%s holds no snapshot", where)
	case want != 0 && !slices.Contains(heights, want):
		return 0, fmt.Errorf("%s holds no snapshot of height %d (it holds %v)", where, want, heights)
	case want != 0:
		return want, nil
	case latest || len(heights) == 1:
		return heights[len(heights)-1], nil
	}
	return 0, fmt.Errorf("%s holds snapshots of heights %v: choose one with --%s", where, heights, flagHeight)
}

func (c *cli) runBackup() (err error) {
	home, err := filepath.Abs(c.home())
	if err != nil {
		return err
	}
	out := c.v.GetString(flagBackupOut)
	if out == "" {
		return fmt.Errorf("--%s is required", flagBackupOut)
	}
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		return fmt.Errorf("--%s %s is not empty", flagBackupOut, out)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	src := filepath.Join(home, cmtcfg.DefaultDataDir, "snapshots")
	heights, err := snapshotHeights(src)
	if err != nil {
		return fmt.Errorf("read snapshots: %w (is %s a node home?)", err, home)
	}
	h, err := pickHeight(heights, c.v.GetUint64(flagHeight), true, src)
	if err != nil {
		return err
	}
	// The snapshot is copied as <name>.tmp, then renamed once whole and
	// checked; a failure removes what was written.
	_, statErr := os.Stat(out)
	defer func() {
		if err == nil {
			return
		}
		if errors.Is(statErr, fs.ErrNotExist) {
			_ = os.RemoveAll(out)
		} else {
			_ = os.RemoveAll(filepath.Join(out, backupDirName(h)+".tmp"))
			_ = os.RemoveAll(filepath.Join(out, backupDirName(h)))
		}
	}()
	tmp := filepath.Join(out, backupDirName(h)+".tmp")
	if err := os.MkdirAll(tmp, 0o700); err != nil {
		return err
	}
	files, err := os.ReadDir(filepath.Join(src, backupDirName(h)))
	if err != nil {
		return fmt.Errorf("snapshot %d: %w (pruned meanwhile? run backup again)", h, err)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(src, backupDirName(h), f.Name()))
		if err != nil {
			return fmt.Errorf("snapshot %d: %w (pruned meanwhile? run backup again)", h, err)
		}
		if err := durable.WriteFile(filepath.Join(tmp, f.Name()), b); err != nil {
			return err
		}
	}
	if err := durable.Sync(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(out, backupDirName(h))); err != nil {
		return err
	}
	if err := durable.Sync(out); err != nil {
		return err
	}
	info, err := checkBackup(out, h)
	if err != nil {
		return err
	}
	if c.jsonOutput() {
		return c.printJSON(map[string]any{"dir": out, "height": h, "chunks": info.Chunks, "hash": fmt.Sprintf("%X", info.Hash)})
	}
	fmt.Fprintf(c.out, "backed up the state at height %d (%d chunks, snapshot hash %X) into %s\n", h, info.Chunks, info.Hash, out)
	return nil
}

// checkBackup reads the snapshot of height h in the backup dir and checks
// every chunk against its hash, and returns its description.
func checkBackup(dir string, h uint64) (snapshot.Info, error) {
	m, err := snapshot.NewManager(dir, nil, snapshot.Config{}, snapshot.Options{})
	if err != nil {
		return snapshot.Info{}, err
	}
	defer m.Close()
	list, err := m.List()
	if err != nil {
		return snapshot.Info{}, err
	}
	for _, info := range list {
		if info.Height != h {
			continue
		}
		for i := uint32(0); i < info.Chunks; i++ {
			if _, err := m.LoadChunk(h, info.Format, i); err != nil {
				return snapshot.Info{}, fmt.Errorf("backup %s: %w", dir, err)
			}
		}
		return info, nil
	}
	return snapshot.Info{}, fmt.Errorf("backup %s: the snapshot of height %d has no readable metadata", dir, h)
}

func (c *cli) runRestore(ctx context.Context) (err error) {
	home, err := filepath.Abs(c.home())
	if err != nil {
		return err
	}
	from := c.v.GetString(flagBackupFrom)
	if from == "" {
		return fmt.Errorf("--%s is required", flagBackupFrom)
	}
	var pinned []byte
	if s := c.v.GetString(flagAppHash); s != "" {
		if pinned, err = hex.DecodeString(s); err != nil || len(pinned) != 32 {
			return fmt.Errorf("--%s: %q is not 32 bytes in hex", flagAppHash, s)
		}
	}
	conf, err := c.loadNodeConfig(home)
	if err != nil {
		return err
	}
	appCfg, err := LoadConfig(home)
	if err != nil {
		return err
	}
	if err := restoreTrustFlags(c, conf); err != nil {
		return err
	}
	// The home must be fresh: no state, no blocks.
	stateDir := filepath.Join(conf.DBDir(), "state")
	var made []string
	for _, d := range []string{stateDir, filepath.Join(conf.DBDir(), "blockstore.db"), filepath.Join(conf.DBDir(), "state.db")} {
		if entries, err := os.ReadDir(d); err == nil && len(entries) > 0 {
			return fmt.Errorf("%s already holds a node's data (%s): restore into a home made by govchain init that has never run", home, d)
		} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		} else if err != nil {
			made = append(made, d)
		}
	}

	// Everything is checked before anything is written.
	heights, err := snapshotHeights(from)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	h, err := pickHeight(heights, c.v.GetUint64(flagHeight), false, "backup "+from)
	if err != nil {
		return err
	}
	info, err := checkBackup(from, h)
	if err != nil {
		return err
	}
	doc, err := cmtypes.GenesisDocFromFile(conf.GenesisFile())
	if err != nil {
		return err
	}
	gen, err := sm.MakeGenesisState(doc)
	if err != nil {
		return err
	}
	logger := cmtlog.NewFilter(cmtlog.NewTMLogger(cmtlog.NewSyncWriter(c.errOut)), cmtlog.AllowError())
	lc, err := statesync.NewLightClientStateProvider(ctx, gen.ChainID, gen.Version, gen.InitialHeight, conf.StateSync.RPCServers,
		light.TrustOptions{Period: conf.StateSync.TrustPeriod, Height: conf.StateSync.TrustHeight, Hash: conf.StateSync.TrustHashBytes()}, logger)
	if err != nil {
		return fmt.Errorf("light client: %w", err)
	}
	lctx, cancel := context.WithTimeout(ctx, time.Minute)
	trusted, err := lc.AppHash(lctx, h)
	cancel()
	if err != nil {
		return fmt.Errorf("light client: verify the app hash of height %d: %w", h, err)
	}
	if pinned != nil && !bytes.Equal(pinned, trusted) {
		return fmt.Errorf("--%s %X is not the app hash the validators signed for height %d (%X)", flagAppHash, pinned, h, trusted)
	}
	// What CometBFT's stores need at h (node.BootstrapState, here with
	// the light client already built and before anything is written).
	lctx, cancel = context.WithTimeout(ctx, time.Minute)
	lcState, err := lc.State(lctx, h)
	if err == nil && !bytes.Equal(lcState.AppHash, trusted) {
		err = fmt.Errorf("the state at height %d has app hash %X, its header %X", h, lcState.AppHash, trusted)
	}
	var lcCommit *cmtypes.Commit
	if err == nil {
		lcCommit, err = lc.Commit(lctx, h)
	}
	cancel()
	if err != nil {
		return fmt.Errorf("light client: verify the state at height %d: %w", h, err)
	}

	// From here on a failure removes what was written.
	defer func() {
		if err != nil {
			for _, d := range made {
				_ = os.RemoveAll(d)
			}
		}
	}()
	if err := importBackup(from, stateDir, appCfg, info, trusted); err != nil {
		return err
	}
	if err := bootstrapStores(conf, lcState, lcCommit); err != nil {
		return fmt.Errorf("set up CometBFT's stores at height %d: %w", h, err)
	}
	if c.jsonOutput() {
		return c.printJSON(map[string]any{"home": home, "height": h, "app_hash": fmt.Sprintf("%X", trusted)})
	}
	fmt.Fprintf(c.out, "restored the state at height %d (app hash %X, verified by the light client) into %s\nstart the node to fetch the blocks after it\n", h, trusted, home)
	return nil
}

// restoreTrustFlags puts the light client's flags into conf's
// [statesync], and requires what it needs.
func restoreTrustFlags(c *cli, conf *cmtcfg.Config) error {
	if s := c.v.GetString(flagRPCServers); s != "" {
		conf.StateSync.RPCServers = nil
		for _, r := range strings.Split(s, ",") {
			if r = strings.TrimSpace(r); r != "" {
				conf.StateSync.RPCServers = append(conf.StateSync.RPCServers, r)
			}
		}
	}
	if h := c.v.GetInt64(flagTrustHeight); h != 0 {
		conf.StateSync.TrustHeight = h
	}
	if s := c.v.GetString(flagTrustHash); s != "" {
		conf.StateSync.TrustHash = s
	}
	switch {
	case len(conf.StateSync.RPCServers) < 2:
		return fmt.Errorf("the light client needs two RPC servers or more (--%s, or [statesync] rpc_servers; one may be given twice)", flagRPCServers)
	case conf.StateSync.TrustHeight <= 0:
		return fmt.Errorf("the light client needs a trusted header: --%s (or [statesync] trust_height)", flagTrustHeight)
	}
	if b, err := hex.DecodeString(conf.StateSync.TrustHash); err != nil || len(b) != 32 {
		return fmt.Errorf("--%s (or [statesync] trust_hash): %q is not a 32-byte hash in hex", flagTrustHash, conf.StateSync.TrustHash)
	}
	return nil
}

// importBackup imports the snapshot info of the backup dir into a new
// state store at stateDir, which it commits only if the state's root
// hash is trusted.
func importBackup(dir, stateDir string, appCfg Config, info snapshot.Info, trusted []byte) error {
	st, err := store.Open(stateDir, appCfg.State)
	if err != nil {
		return fmt.Errorf("open state: %w", err)
	}
	m, err := snapshot.NewManager(dir, st, snapshot.Config{}, snapshot.Options{})
	if err != nil {
		_ = st.Close()
		return err
	}
	err = func() error {
		if err := m.Offer(info, trusted); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		for i := uint32(0); i < info.Chunks; i++ {
			chunk, err := m.LoadChunk(info.Height, info.Format, i)
			if err != nil {
				return fmt.Errorf("backup: %w", err)
			}
			done, err := m.ApplyChunk(i, chunk)
			if err != nil {
				return fmt.Errorf("backup: %w", err)
			}
			if done != (i == info.Chunks-1) {
				return fmt.Errorf("backup: chunk %d of %d ended the import early or not at all", i, info.Chunks)
			}
		}
		return nil
	}()
	return errors.Join(err, m.Close(), st.Close())
}

// bootstrapStores writes CometBFT's state at st's height and the commit
// of that height into the node's empty state and block stores, as
// node.BootstrapState does after the light client: start then block-syncs
// from the next height.
func bootstrapStores(conf *cmtcfg.Config, st sm.State, commit *cmtypes.Commit) error {
	bdb, err := cmtcfg.DefaultDBProvider(&cmtcfg.DBContext{ID: "blockstore", Config: conf})
	if err != nil {
		return err
	}
	bs := cmtstore.NewBlockStore(bdb)
	defer bs.Close()
	sdb, err := cmtcfg.DefaultDBProvider(&cmtcfg.DBContext{ID: "state", Config: conf})
	if err != nil {
		return err
	}
	ss := sm.NewStore(sdb, sm.StoreOptions{DiscardABCIResponses: conf.Storage.DiscardABCIResponses})
	defer ss.Close()
	if !bs.IsEmpty() {
		return errors.New("the block store is not empty")
	}
	if cur, err := ss.Load(); err != nil || !cur.IsEmpty() {
		return errors.Join(errors.New("the state store is not empty"), err)
	}
	if err := ss.Bootstrap(st); err != nil {
		return err
	}
	if err := bs.SaveSeenCommit(st.LastBlockHeight, commit); err != nil {
		return err
	}
	return ss.SetOfflineStateSyncHeight(st.LastBlockHeight)
}
