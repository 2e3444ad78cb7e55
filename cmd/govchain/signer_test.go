package main

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/cometbft/cometbft/privval"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/internal/devnode"
)

// TestRemoteSigner: a development validator whose key lives only in a
// signer process signs blocks through it; the signer is killed (SIGKILL)
// and the chain halts (the only validator has no key), a new signer
// process is started on the same home and the node signs again. The
// signer's sign state only moves forward. Then the node is killed and
// started again while the signer runs, and signs again. Every block's
// commit holds exactly one signature, the validator's.
func TestRemoteSigner(t *testing.T) {
	dir := t.TempDir()
	home, signerHome := filepath.Join(dir, "node"), filepath.Join(dir, "signer")
	_, errOut, code := govchain(t, "init", "--dev", "--home", home, "--chain-id", "signer-1")
	require.Equal(t, 0, code, errOut)
	// Move the key and its sign state into the signer's home.
	for _, f := range []string{"config/priv_validator_key.json", "data/priv_validator_state.json"} {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(signerHome, f)), 0o700))
		require.NoError(t, os.Rename(filepath.Join(home, f), filepath.Join(signerHome, f)))
	}
	laddr := "tcp://" + devnode.FreeAddr()
	signerArgs := []string{"signer", "--home", signerHome, "--node-laddr", laddr, "--chain-id", "signer-1"}

	signer := startProc(t, signerArgs...)
	args, rpc := devStartArgs(t, home)
	nodeProc := startProc(t, append(args, "--priv-validator-laddr", laddr)...)
	h1 := waitBlocks(t, rpc, 3, nodeProc)
	state := func() int64 {
		pv := privval.LoadFilePV(filepath.Join(signerHome, "config/priv_validator_key.json"), filepath.Join(signerHome, "data/priv_validator_state.json"))
		return pv.LastSignState.Height
	}
	s1 := state()
	require.GreaterOrEqual(t, s1, h1, "the signer signed the blocks")
	require.Contains(t, signer.out.String(), "govchain signer started")

	signer.kill()
	time.Sleep(2 * time.Second)
	stalled, err := latestHeight(rpc)
	require.NoError(t, err)
	time.Sleep(3 * time.Second)
	h2, err := latestHeight(rpc)
	require.NoError(t, err)
	require.LessOrEqual(t, h2, stalled+1, "blocks made without a signer:\n%s", nodeProc.out.String())
	t.Logf("signer killed: the chain stays at height %d", h2)

	signer = startProc(t, signerArgs...)
	h3 := waitBlocks(t, rpc, 3, nodeProc)
	require.GreaterOrEqual(t, state(), h3)
	require.GreaterOrEqual(t, state(), s1)
	t.Logf("signer restarted: the chain went on to height %d", h3)
	require.Zero(t, func() int {
		select {
		case <-nodeProc.done:
			return 1
		default:
			return 0
		}
	}(), "the node stopped:\n%s", nodeProc.out.String())

	// The node killed and started again (double_sign_check_height is 10,
	// as init wrote it): the running signer dials it again, and its guard
	// lets it sign (the key's signatures are all at heights it had).
	nodeProc.kill()
	nodeProc = startProc(t, append(args, "--priv-validator-laddr", laddr)...)
	h3 = waitBlocks(t, rpc, 3, nodeProc)
	t.Logf("node killed and restarted: the chain went on to height %d", h3)

	// Every commit has the validator's one signature.
	for h := int64(1); h < h3; h++ {
		var res struct {
			Result struct {
				SignedHeader struct {
					Commit struct {
						Signatures []struct {
							Flag int `json:"block_id_flag"`
						} `json:"signatures"`
					} `json:"commit"`
				} `json:"signed_header"`
			} `json:"result"`
		}
		require.NoError(t, getJSON(fmt.Sprintf("%s/commit?height=%d", rpc, h), &res))
		sigs := res.Result.SignedHeader.Commit.Signatures
		require.Len(t, sigs, 1, "height %d", h)
		require.Equal(t, 2, sigs[0].Flag, "height %d: a commit signature", h)
	}

	// A clean stop of both.
	require.NoError(t, signer.cmd.Process.Signal(syscall.SIGTERM))
	exited, status := signer.exited(30 * time.Second)
	require.True(t, exited)
	require.Equal(t, 0, status, signer.out.String())
	require.Contains(t, signer.out.String(), "stopped cleanly")
}

// TestSignerRefusesBadInput: every refusal is one line, before anything
// runs.
func TestSignerRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	_, errOut, code := govchain(t, "signer", "--home", dir, "--node-laddr", "tcp://127.0.0.1:1")
	requireOneLineError(t, errOut, code, "--chain-id is required")
	_, errOut, code = govchain(t, "signer", "--home", dir, "--chain-id", "c")
	requireOneLineError(t, errOut, code, "--node-laddr is required")
	_, errOut, code = govchain(t, "signer", "--home", dir, "--chain-id", "c", "--node-laddr", "http://x")
	requireOneLineError(t, errOut, code, `--node-laddr: "http://x" is neither tcp://host:port nor unix://path`)
	_, errOut, code = govchain(t, "signer", "--home", dir, "--chain-id", "c", "--node-laddr", "tcp://nohost")
	requireOneLineError(t, errOut, code, `--node-laddr: "tcp://nohost" is not tcp://host:port`)
	_, errOut, code = govchain(t, "signer", "--home", dir, "--chain-id", "c", "--node-laddr", "tcp://127.0.0.1:1")
	requireOneLineError(t, errOut, code, "priv_validator_key.json: no such file")

	home := filepath.Join(dir, "h")
	_, errOut, code = govchain(t, "init", "--home", home, "--chain-id", "c", "--keyring-backend", "test")
	require.Equal(t, 0, code, errOut)
	key := filepath.Join(home, "config", "priv_validator_key.json")
	require.NoError(t, os.Chmod(key, 0o644))
	_, errOut, code = govchain(t, "signer", "--home", home, "--chain-id", "c", "--node-laddr", "tcp://127.0.0.1:1")
	requireOneLineError(t, errOut, code, "chmod 600 "+key)
}
