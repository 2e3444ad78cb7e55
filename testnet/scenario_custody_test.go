package testnet

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/privval"
	cmtypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/internal/devnode"
)

// TestScenarioKeyCustody is the key custody scenario, on four validators.
//
// Validator k keeps no key: its priv_validator_key.json and sign state
// are moved into the home of a `govchain signer` process, which dials
// k's priv_validator_laddr. First, another validator j is stopped, its
// key file made readable by everyone (0644), and start must refuse it:
// exit non-zero, one line naming the file and chmod 600, and no block
// signed; with 0600 again it starts and catches up. Then k's signer is
// killed with SIGKILL and restarted (once in the short version, four
// times with random down times in the long one), and k's node is killed
// and restarted while its signer runs (the signer must dial it again).
// Each time the chain goes on with the three others, and k's signature
// must come back in the commits after the restart. At the end: no
// evidence of any kind in any block (k never signed twice; the signer's
// sign state only moved forward), the safety checks of every scenario
// (checkSafety: same blocks and app hashes everywhere, Info's app hash
// in the next header), and the longest stall bounded.
func TestScenarioKeyCustody(t *testing.T) {
	t.Parallel()
	signerKills, nodeKills := 1, 1
	if fullE2E() {
		signerKills, nodeKills = 4, 2
	}
	seed := scenarioSeed(t)
	rng := rand.New(rand.NewPCG(seed, 14))
	k := rng.IntN(4)
	j := (k + 1 + rng.IntN(3)) % 4
	var signer *node
	var addr cmtypes.Address
	nw := startNetwork(t, netConfig{validators: 4, before: func(nw *network) {
		signer, addr = custodySigner(t, nw, nw.nodes[k])
		signer.Spawn()
	}})
	t.Cleanup(signer.Kill)
	valK, valJ := nw.nodes[k], nw.nodes[j]
	t.Logf("%s signs through a signer process (validator %s); %s's key file is tried world-readable", valK.name, addr, valJ.name)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	stateFile := filepath.Join(signer.home, "data", "priv_validator_state.json")
	keyFile := filepath.Join(signer.home, "config", "priv_validator_key.json")
	signedHeight := func() int64 { return privval.LoadFilePV(keyFile, stateFile).LastSignState.Height }
	nw.waitHeight(2, 30*time.Second)
	custodyWaitSigned(ctx, t, nw, addr, nw.maxHeight(), 30*time.Second)
	live := watchLiveness(nw)

	// A key file others can read: start refuses it.
	valJ.Stop()
	key := filepath.Join(valJ.home, "config", "priv_validator_key.json")
	require.NoError(t, os.Chmod(key, 0o644))
	valJ.Spawn()
	exited, code := valJ.Exited(30 * time.Second)
	require.True(t, exited, "%s ran with a world-readable key; log:\n%s", valJ.name, valJ.Tail())
	require.NotZero(t, code)
	tail := strings.TrimSpace(valJ.Tail())
	last := tail[strings.LastIndexByte(tail, '\n')+1:]
	require.Equal(t, fmt.Sprintf("error: %s may be read by group or others (mode 0644): run chmod 600 %s", key, key), last)
	t.Logf("%s refused its world-readable key: %q", valJ.name, last)
	require.NoError(t, os.Chmod(key, 0o600))
	valJ.Start()
	nw.waitTip(valJ, 60*time.Second)

	others := &network{t: t}
	for _, nd := range nw.nodes {
		if nd != valK {
			others.nodes = append(others.nodes, nd)
		}
	}
	prev := signedHeight()
	for i := 0; i < signerKills; i++ {
		down := 2*time.Second + time.Duration(rng.IntN(3000))*time.Millisecond
		signer.Kill()
		killedAt := nw.maxHeight()
		time.Sleep(down)
		// The three others go on; k's node stands still, its consensus
		// waiting on a signer that does not answer.
		others.waitHeight(killedAt+2, 30*time.Second)
		signer.Spawn()
		at := custodyWaitSigned(ctx, t, nw, addr, nw.maxHeight(), 60*time.Second, valK, signer)
		nw.waitTip(valK, 60*time.Second)
		now := signedHeight()
		require.GreaterOrEqual(t, now, prev, "the sign state went back")
		prev = now
		t.Logf("signer killed at height %d for %s; %s signed again in block %d", killedAt, down.Round(time.Millisecond), valK.name, at)
	}
	for i := 0; i < nodeKills; i++ {
		valK.Kill()
		killedAt := nw.maxHeight()
		nw.waitHeight(killedAt+2, 30*time.Second)
		valK.Start()
		at := custodyWaitSigned(ctx, t, nw, addr, nw.maxHeight(), 60*time.Second, valK, signer)
		t.Logf("%s killed at height %d and restarted; its signer dialled it again and it signed in block %d", valK.name, killedAt, at)
	}
	stall := live.stop()

	nw.waitHeight(nw.maxHeight()+1, 30*time.Second)
	nw.checkSafety(ctx)
	top, err := nw.nodes[0].Height()
	require.NoError(t, err)
	cl := nw.nodes[0].Client()
	for h := int64(1); h <= top; h++ {
		res, err := cl.RPC().Block(ctx, &h)
		require.NoError(t, err, "block %d", h)
		require.Empty(t, res.Block.Evidence.Evidence, "block %d holds evidence", h)
	}
	require.NotContains(t, signer.Log(), "conflicting data", "%s's signer was asked to sign a conflicting vote", valK.name)
	t.Logf("no evidence in blocks 1-%d; every node agrees; longest time without a block %s", top, stall.Round(time.Millisecond))
	require.Less(t, stall, 15*time.Second, "liveness: the chain stalled with at most one validator of four down")
}

// custodySigner moves val's key and sign state into a new signer home,
// points val's priv_validator_laddr at a port of its own address, and
// returns the signer process (not started) with the key's address.
func custodySigner(t *testing.T, nw *network, val *node) (*node, cmtypes.Address) {
	t.Helper()
	home := filepath.Join(t.TempDir(), "signer")
	for _, f := range []string{"config/priv_validator_key.json", "data/priv_validator_state.json"} {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(home, f)), 0o700))
		require.NoError(t, os.Rename(filepath.Join(val.home, f), filepath.Join(home, f)))
	}
	pv := privval.LoadFilePV(filepath.Join(home, "config/priv_validator_key.json"), filepath.Join(home, "data/priv_validator_state.json"))
	host := val.p2pAddr[:strings.LastIndexByte(val.p2pAddr, ':')]
	laddr := fmt.Sprintf("tcp://%s:%d", host, devnode.FreePort())
	editNodeConfig(t, val.home, func(c *cmtcfg.Config) { c.PrivValidatorListenAddr = laddr })
	return &node{tb: t, name: val.name + "-signer", home: home,
		args: []string{"signer", "--home", home, "--chain-id", nw.chainID, "--node-laddr", laddr}}, pv.GetAddress()
}

// custodyWaitSigned waits until a commit of a block at height from or
// above carries addr's signature, and returns that block's height.
// On failure it shows the end of the logs of show.
func custodyWaitSigned(ctx context.Context, t *testing.T, nw *network, addr cmtypes.Address, from int64, wait time.Duration, show ...*node) int64 {
	t.Helper()
	cl := nw.nodes[0].Client()
	deadline := time.Now().Add(wait)
	for h := from; time.Now().Before(deadline); {
		res, err := cl.RPC().Commit(ctx, &h)
		if err != nil || !res.CanonicalCommit {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		for _, s := range res.Commit.Signatures {
			if s.BlockIDFlag == cmtypes.BlockIDFlagCommit && bytes.Equal(s.ValidatorAddress, addr) {
				return h
			}
		}
		h++
	}
	var logs []string
	for _, nd := range show {
		logs = append(logs, fmt.Sprintf("%s's log:\n%s", nd.name, nd.Tail()))
	}
	t.Fatalf("no commit from height %d on carries %s's signature within %s\n%s", from, addr, wait, strings.Join(logs, "\n"))
	return 0
}
