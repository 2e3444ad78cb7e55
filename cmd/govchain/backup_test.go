package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/p2p"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/internal/devnode"
)

// blockInfo is a block's hash and its header's app hash, from a node's
// RPC at base.
func blockInfo(t *testing.T, base string, h int64) (hash, appHash string) {
	t.Helper()
	var res struct {
		Result struct {
			BlockID struct {
				Hash string `json:"hash"`
			} `json:"block_id"`
			Block struct {
				Header struct {
					AppHash string `json:"app_hash"`
				} `json:"header"`
			} `json:"block"`
		} `json:"result"`
	}
	require.NoError(t, getJSON(fmt.Sprintf("%s/block?height=%d", base, h), &res))
	return res.Result.BlockID.Hash, res.Result.Block.Header.AppHash
}

// dirNames lists the names under dir, recursively.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	require.NoError(t, filepath.WalkDir(dir, func(p string, _ os.DirEntry, err error) error {
		out = append(out, p)
		return err
	}))
	return out
}

// TestBackupRestore: a development validator takes a snapshot every 5
// blocks; backup copies the one of height 5 while the node runs. A second
// home (init --genesis, a full node) refuses a backup of another height,
// a damaged chunk, an app hash other than the one the light client
// verified, and a backup whose directory lies about its height, each in
// one line and writing nothing. Then it restores the backup (into the
// other state engine, iavl), starts,
// fetches the blocks after 5 from the validator and reaches the same
// blocks and app hashes.
func TestBackupRestore(t *testing.T) {
	dir := t.TempDir()
	homeA, homeB, bk := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "backup")
	_, errOut, code := govchain(t, "init", "--dev", "--home", homeA, "--chain-id", "backup-1")
	require.Equal(t, 0, code, errOut)
	appToml := filepath.Join(homeA, "config", AppConfigFile)
	b, err := os.ReadFile(appToml)
	require.NoError(t, err)
	b = regexp.MustCompile(`(?m)^interval = \d+$`).ReplaceAll(b, []byte("interval = 5"))
	require.NoError(t, os.WriteFile(appToml, b, 0o644))

	argsA, rpcA := devStartArgs(t, homeA)
	p2pA := strings.TrimPrefix(argsA[6], "tcp://")
	a := startProc(t, argsA...)
	snap := filepath.Join(homeA, "data", "snapshots", backupDirName(5))
	require.Eventually(t, func() bool { _, err := os.Stat(snap); return err == nil }, 60*time.Second, 200*time.Millisecond, "no snapshot 5:\n%s", a.out.String())

	_, errOut, code = govchain(t, "backup", "--home", homeA, "--out", bk, "--height", "6")
	requireOneLineError(t, errOut, code, "holds no snapshot of height 6 (it holds [5])")
	out, errOut, code := govchain(t, "backup", "--home", homeA, "--out", bk)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "backed up the state at height 5")
	_, errOut, code = govchain(t, "backup", "--home", homeA, "--out", bk)
	requireOneLineError(t, errOut, code, "is not empty")
	waitBlocks(t, rpcA, 3, a) // the light client needs headers 6 and 7
	trustHash, _ := blockInfo(t, rpcA, 1)

	// The backup of a memiavl node goes into an iavl one: the snapshot
	// format is the engines' common tree.
	_, errOut, code = govchain(t, "init", "--home", homeB, "--genesis", filepath.Join(homeA, "config", "genesis.json"), "--engine", "iavl")
	require.Equal(t, 0, code, errOut)
	keyA, err := p2p.LoadNodeKey(filepath.Join(homeA, "config", "node_key.json"))
	require.NoError(t, err)
	p2pB := devnode.FreeAddr()
	confB, err := newCLI(nil, nil).loadNodeConfig(homeB)
	require.NoError(t, err)
	confB.P2P.PersistentPeers = string(keyA.ID()) + "@" + p2pA
	confB.P2P.AddrBookStrict, confB.P2P.AllowDuplicateIP = false, true
	confB.P2P.ListenAddress = "tcp://" + p2pB
	cmtcfg.WriteConfigFile(filepath.Join(homeB, "config", "config.toml"), confB)
	before := dirNames(t, filepath.Join(homeB, "data"))
	restore := func(extra ...string) (string, string, int) {
		return govchain(t, append([]string{"restore", "--home", homeB, "--rpc-servers", rpcA + "," + rpcA,
			"--trust-height", "1", "--trust-hash", trustHash}, extra...)...)
	}

	// Refusals, each writing nothing.
	damaged := filepath.Join(dir, "damaged")
	require.NoError(t, os.CopyFS(damaged, os.DirFS(bk)))
	chunk := filepath.Join(damaged, backupDirName(5), "000000")
	c, err := os.ReadFile(chunk)
	require.NoError(t, err)
	c[len(c)/2] ^= 1
	require.NoError(t, os.WriteFile(chunk, c, 0o600))
	liar := filepath.Join(dir, "liar")
	require.NoError(t, os.CopyFS(liar, os.DirFS(bk)))
	require.NoError(t, os.Rename(filepath.Join(liar, backupDirName(5)), filepath.Join(liar, backupDirName(6))))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--from", bk, "--height", "6"}, "holds no snapshot of height 6 (it holds [5])"},
		{[]string{"--from", damaged}, "chunk 0 of snapshot 5 is damaged on disk"},
		{[]string{"--from", liar}, "the snapshot of height 6 has no readable metadata"},
		{[]string{"--from", bk, "--app-hash", strings.Repeat("00", 32)}, "is not the app hash the validators signed for height 5"},
		{[]string{"--from", bk, "--app-hash", "00"}, "--app-hash: \"00\" is not 32 bytes in hex"},
		{[]string{"--from", bk, "--trust-hash", strings.Repeat("11", 32)}, "light client"},
	} {
		_, errOut, code := restore(tc.args...)
		requireOneLineError(t, errOut, code, tc.want)
		require.Equal(t, before, dirNames(t, filepath.Join(homeB, "data")), "%v wrote into the home", tc.args)
	}

	out, errOut, code = restore("--from", bk)
	require.Equal(t, 0, code, errOut)
	_, appHash5 := blockInfo(t, rpcA, 6)
	require.Contains(t, out, "restored the state at height 5 (app hash "+appHash5)
	_, errOut, code = restore("--from", bk)
	requireOneLineError(t, errOut, code, "already holds a node's data")

	argsB, rpcB := devStartArgs(t, homeB)
	argsB[6] = "tcp://" + p2pB
	bProc := startProc(t, argsB...)
	top := waitBlocks(t, rpcA, 2, a)
	require.Eventually(t, func() bool {
		h, err := latestHeight(rpcB)
		return err == nil && h >= top
	}, 60*time.Second, 200*time.Millisecond, "the restored node did not catch up:\n%s", bProc.out.String())
	for h := int64(6); h <= top; h++ {
		hashA, appA := blockInfo(t, rpcA, h)
		hashB, appB := blockInfo(t, rpcB, h)
		require.Equal(t, hashA, hashB, "block %d", h)
		require.Equal(t, appA, appB, "app hash in header %d", h)
	}
	var info struct {
		Result struct {
			Response struct {
				Height  int64  `json:"last_block_height,string"`
				AppHash []byte `json:"last_block_app_hash"`
			} `json:"response"`
		} `json:"result"`
	}
	require.NoError(t, getJSON(rpcB+"/abci_info", &info))
	require.Eventually(t, func() bool { h, err := latestHeight(rpcA); return err == nil && h > info.Result.Response.Height }, 30*time.Second, 100*time.Millisecond)
	_, next := blockInfo(t, rpcA, info.Result.Response.Height+1)
	require.Equal(t, next, fmt.Sprintf("%X", info.Result.Response.AppHash), "the restored node's state after its last block")
	t.Logf("restored at 5, caught up to %d with the validator's blocks and app hashes", top)
}
