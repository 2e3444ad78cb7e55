package testnet

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/spf13/viper"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/client"
)

// setSnapshotInterval rewrites the [snapshot] interval of a home's
// app.toml, keeping the two newest snapshots (the default).
func setSnapshotInterval(t *testing.T, home string, interval int) {
	t.Helper()
	setSnapshotConfig(t, home, interval, 2)
}

// setSnapshotConfig sets [snapshot] interval and keep_recent in a home's
// app.toml.
func setSnapshotConfig(t *testing.T, home string, interval, keepRecent int) {
	t.Helper()
	setAppConfig(t, home, "snapshot", []appSetting{{"interval", int64(interval)}, {"keep_recent", int64(keepRecent)}})
}

// appSetting is one integer setting of app.toml.
type appSetting struct {
	key   string
	value int64
}

// setAppConfig sets integer settings of one section of a home's app.toml;
// each key must be there once in that section, as init writes it.
func setAppConfig(t testing.TB, home, section string, settings []appSetting) {
	t.Helper()
	f := filepath.Join(home, "config", "app.toml")
	b, err := os.ReadFile(f)
	require.NoError(t, err)
	start := bytes.Index(b, []byte("\n["+section+"]\n"))
	require.Positive(t, start, "app.toml has no [%s] section:\n%s", section, b)
	end := len(b)
	if i := bytes.Index(b[start+1:], []byte("\n[")); i >= 0 {
		end = start + 1 + i
	}
	body := b[start:end]
	for _, s := range settings {
		re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(s.key) + ` = \d+$`)
		require.Len(t, re.FindAll(body, -1), 1, "[%s] %s in app.toml:\n%s", section, s.key, b)
		body = re.ReplaceAll(body, []byte(fmt.Sprintf("%s = %d", s.key, s.value)))
	}
	require.NoError(t, os.WriteFile(f, slices.Concat(b[:start], body, b[end:]), 0o644))
}

// readNodeConfig loads a home's config.toml as CometBFT does.
func readNodeConfig(home string) (*cmtcfg.Config, error) {
	path := filepath.Join(home, "config", "config.toml")
	v := viper.New()
	v.SetConfigFile(path)
	if err := v.ReadInConfig(); err != nil {
		return nil, err
	}
	conf := cmtcfg.DefaultConfig()
	if err := v.Unmarshal(conf); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	conf.SetRoot(home)
	return conf, nil
}

// editNodeConfig loads a home's config.toml as CometBFT does, lets edit
// change it, and writes it back.
func editNodeConfig(t testing.TB, home string, edit func(*cmtcfg.Config)) {
	t.Helper()
	conf, err := readNodeConfig(home)
	require.NoError(t, err)
	edit(conf)
	require.NoError(t, conf.ValidateBasic())
	cmtcfg.WriteConfigFile(filepath.Join(home, "config", "config.toml"), conf)
}

// newJoiningNode initialises a full node (not a validator: its key is its
// own) for the network of genesisFile, with the given state engine.
func newJoiningNode(t *testing.T, genesisFile, engine string) *node {
	t.Helper()
	home := filepath.Join(t.TempDir(), "home")
	out, err := exec.Command(binary, "init", "--home", home, "--genesis", genesisFile, "--moniker", "joiner", "--engine", engine).CombinedOutput()
	require.NoError(t, err, "%s", out)
	return newLoneNode(t, "joiner", home)
}

// TestStateSync starts a development validator that snapshots every 10
// blocks, registers parcels on it, then starts a second node (a full node
// on the other state engine) with CometBFT's state sync pointed at the
// first. The second node must restore a snapshot instead of replaying
// from genesis (its block store starts after height 1), reach the tip,
// agree on the app hash, and answer proven queries about parcels
// registered before the snapshot.
func TestStateSync(t *testing.T) {
	src := newDevNode(t, "memiavl")
	setSnapshotInterval(t, src.home, 10)
	src.StartBlock()

	// Register parcels in the first blocks, all before the first snapshot.
	kr := client.NewKeyring(src.home + "/keyring")
	registrar, err := kr.Get("registrar")
	require.NoError(t, err)
	cl := src.Client()
	ctx, cancel := context.WithTimeout(context.Background(), 80*time.Second)
	defer cancel()
	chainID, err := cl.ChainID(ctx)
	require.NoError(t, err)
	seq, err := cl.NextSequence(ctx, registrar.Address())
	require.NoError(t, err)
	var ids []string
	var last []byte
	for i := 0; i < 30; i++ {
		id := fmt.Sprintf("SS-%03d", i)
		raw, err := client.Build(chainID, registrar.PrivKey, seq, &land.RegisterParcel{ParcelID: id, CadastralRef: "SS/" + id,
			AreaM2: int64(100 + i), Location: "state sync", Denominator: 1,
			Owners: []land.Share{{Account: registrar.Address(), Shares: 1}}, DocumentHash: [32]byte{1, byte(i)}})
		require.NoError(t, err)
		last, err = cl.Broadcast(ctx, raw)
		require.NoError(t, err)
		seq++
		ids = append(ids, id)
	}
	res, err := cl.WaitTx(ctx, last)
	require.NoError(t, err)
	require.Less(t, res.Height, int64(10), "the registrations must precede the first snapshot")

	// A snapshot at 10 is usable once the light client can verify header
	// 11 (its app hash) and 12 (its commit).
	require.Eventually(t, func() bool { h, err := src.Height(); return err == nil && h >= 13 },
		40*time.Second, 250*time.Millisecond, "the chain stalled; log:\n%s", src.Tail())
	trust, err := cl.RPC().Block(ctx, ptr(int64(2)))
	require.NoError(t, err)
	st, err := cl.RPC().Status(ctx)
	require.NoError(t, err)

	dst := newJoiningNode(t, filepath.Join(src.home, "config", "genesis.json"), "iavl")
	setSnapshotInterval(t, dst.home, 10)
	editNodeConfig(t, dst.home, func(c *cmtcfg.Config) {
		c.P2P.PersistentPeers = fmt.Sprintf("%s@%s", st.NodeInfo.ID(), src.p2pAddr)
		c.P2P.PexReactor = false
		c.P2P.AddrBookStrict = false
		c.P2P.AllowDuplicateIP = true
		c.StateSync.Enable = true
		c.StateSync.RPCServers = []string{src.rpc, src.rpc} // CometBFT wants a primary and a witness
		c.StateSync.TrustHeight = 2
		c.StateSync.TrustHash = hex.EncodeToString(trust.BlockID.Hash)
		c.StateSync.TrustPeriod = time.Hour
		c.StateSync.DiscoveryTime = 5 * time.Second
		c.StateSync.TempDir = dst.home
	})
	dst.StartBlock() // returns once the node has a block

	// It reaches the tip of the first node.
	require.Eventually(t, func() bool {
		a, errA := src.Height()
		b, errB := dst.Height()
		return errA == nil && errB == nil && b >= a-1
	}, 30*time.Second, 250*time.Millisecond, "the joining node did not catch up; log:\n%s", dst.Tail())

	// It restored a snapshot instead of replaying: its block store begins
	// after the snapshot height.
	dcl := dst.Client()
	dst2, err := dcl.RPC().Status(ctx)
	require.NoError(t, err)
	require.GreaterOrEqual(t, dst2.SyncInfo.EarliestBlockHeight, int64(11), "block store must start after a snapshot")
	log, err := os.ReadFile(filepath.Join(dst.home, "node.log"))
	require.NoError(t, err)
	require.Contains(t, string(log), "Snapshot restored")
	require.NotContains(t, string(log), "rejected snapshot")
	t.Logf("restored: %s", regexp.MustCompile(`Snapshot restored[^\n]*`).Find(log))

	// Same app hash: the joining node's Info at height h is header h+1's
	// AppHash on the first node.
	info, err := dcl.RPC().ABCIInfo(ctx)
	require.NoError(t, err)
	h := info.Response.LastBlockHeight
	require.Greater(t, h, int64(10))
	require.Eventually(t, func() bool { sh, err := src.Height(); return err == nil && sh > h }, 10*time.Second, 100*time.Millisecond)
	next, err := cl.RPC().Block(ctx, ptr(h+1))
	require.NoError(t, err)
	require.Equal(t, []byte(next.Block.AppHash), info.Response.LastBlockAppHash)
	mine, err := dcl.RPC().Block(ctx, ptr(h))
	require.NoError(t, err)
	theirs, err := cl.RPC().Block(ctx, ptr(h))
	require.NoError(t, err)
	require.Equal(t, theirs.BlockID, mine.BlockID)
	t.Logf("joining node: blocks from %d, app hash at %d agrees", dst2.SyncInfo.EarliestBlockHeight, h)

	// Proven answers from the restored state.
	for _, id := range []string{ids[0], ids[len(ids)-1]} {
		var p land.Parcel
		dst.query(&p, "land", "parcel", id)
		require.Equal(t, id, p.ID)
	}
}

func ptr[T any](v T) *T { return &v }
