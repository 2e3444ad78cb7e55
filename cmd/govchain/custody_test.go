package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/privval"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmtypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/internal/devnode"
)

// proc is a govchain process run by a test (the test binary, running
// main), killed with its process group when the test ends.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	out  *devnode.SyncBuffer
	done <-chan struct{}
}

func startProc(t *testing.T, args ...string) *proc {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), envRunMain+"=1")
	out := &devnode.SyncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	done, err := devnode.Spawn(cmd)
	require.NoError(t, err)
	p := &proc{t: t, cmd: cmd, out: out, done: done}
	t.Cleanup(func() { p.kill() })
	return p
}

// kill sends SIGKILL to the process group and waits for the end.
func (p *proc) kill() {
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.done
}

// exited waits up to d for the process to end and returns its status.
func (p *proc) exited(d time.Duration) (bool, int) {
	select {
	case <-p.done:
		return true, p.cmd.ProcessState.ExitCode()
	case <-time.After(d):
		return false, 0
	}
}

// devStartArgs are start's arguments for home on free 127.0.0.1 ports;
// rpc is the RPC's base URL.
func devStartArgs(t *testing.T, home string) (args []string, rpc string) {
	addr := devnode.FreeAddr()
	return []string{"start", "--home", home, "--rpc-laddr", "tcp://" + addr,
		"--p2p-laddr", "tcp://" + devnode.FreeAddr(), "--web-laddr", "127.0.0.1:0",
		"--metrics-laddr", devnode.FreeAddr(), "--log-level", "info"}, "http://" + addr
}

// waitBlocks waits until the node at rpc is n blocks past the first
// height it reports and returns that height. The test fails, with the end
// of p's output, if p exits first or the blocks take over a minute.
func waitBlocks(t *testing.T, rpc string, n int64, p *proc) int64 {
	t.Helper()
	first, last := int64(0), int64(0)
	deadline := time.Now().Add(time.Minute)
	for {
		h, err := latestHeight(rpc)
		// Checked after the call, before its answer counts: whatever took
		// the port of a node that exited may answer on it.
		select {
		case <-p.done:
			t.Fatalf("the node exited before it made %d blocks:\n%s", n, p.tail())
		default:
		}
		if err == nil {
			if first == 0 {
				first = h
			}
			if last = h; h >= first+n {
				return h
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %d blocks made in a minute (heights %d to %d, last error %v):\n%s", n, first, last, err, p.tail())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// tail is the end of p's output so far (its last 8 KB).
func (p *proc) tail() string {
	out := p.out.String()
	if len(out) > 8<<10 {
		out = "...\n" + out[len(out)-8<<10:]
	}
	return out
}

// TestInitWritesPrivateKeys: init writes the validator's key and the
// node key readable by their owner only.
func TestInitWritesPrivateKeys(t *testing.T) {
	for _, dev := range []bool{false, true} {
		home := filepath.Join(t.TempDir(), "h")
		args := []string{"init", "--home", home, "--chain-id", "modes-1", "--keyring-backend", "test"}
		if dev {
			args = append(args, "--dev")
		}
		_, errOut, code := govchain(t, args...)
		require.Equal(t, 0, code, errOut)
		for _, f := range []string{"config/priv_validator_key.json", "config/node_key.json"} {
			fi, err := os.Stat(filepath.Join(home, f))
			require.NoError(t, err)
			require.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "%s (dev %v)", f, dev)
		}
		conf, err := newCLI(nil, nil).loadNodeConfig(home)
		require.NoError(t, err)
		require.Equal(t, int64(DefaultDoubleSignCheckHeight), conf.Consensus.DoubleSignCheckHeight, "dev %v", dev)
	}
}

// TestStartRefusesReadableKeys: start refuses a validator key or node key
// that group or others may read, in one line naming the file and the
// fix, and creates nothing (no state, no block store).
func TestStartRefusesReadableKeys(t *testing.T) {
	home := filepath.Join(t.TempDir(), "dev")
	_, errOut, code := govchain(t, "init", "--dev", "--home", home, "--chain-id", "modes-2")
	require.Equal(t, 0, code, errOut)
	before, err := os.ReadDir(filepath.Join(home, "data"))
	require.NoError(t, err)
	for _, tc := range []struct {
		file string
		mode os.FileMode
	}{
		{"config/priv_validator_key.json", 0o644},
		{"config/priv_validator_key.json", 0o640},
		{"config/node_key.json", 0o604},
		{"config/node_key.json", 0o620},
	} {
		path := filepath.Join(home, tc.file)
		require.NoError(t, os.Chmod(path, tc.mode))
		args, _ := devStartArgs(t, home)
		_, errOut, code := govchain(t, args...)
		how := "read"
		if tc.mode&0o044 == 0 {
			how = "written or run"
		}
		requireOneLineError(t, errOut, code, fmt.Sprintf("%s may be %s by group or others (mode %04o): run chmod 600 %s", path, how, tc.mode, path))
		after, err := os.ReadDir(filepath.Join(home, "data"))
		require.NoError(t, err)
		require.Equal(t, before, after, "start wrote in data/ before refusing")
		require.NoError(t, os.Chmod(path, 0o600))
	}
}

// fakeCommits is a block store's commits by height.
type fakeCommits map[int64]*cmtypes.Commit

func (f fakeCommits) LoadSeenCommit(h int64) *cmtypes.Commit  { return f[h] }
func (f fakeCommits) LoadBlockCommit(h int64) *cmtypes.Commit { return nil }
func (f fakeCommits) Height() int64                           { return int64(len(f)) }

// TestSignedIn: only a signature of the key in (lo, hi] that is not one
// of this node's counts.
func TestSignedIn(t *testing.T) {
	me := ed25519.GenPrivKey().PubKey().Address()
	other := ed25519.GenPrivKey().PubKey().Address()
	commit := func(addrs ...cmtypes.Address) *cmtypes.Commit {
		c := &cmtypes.Commit{}
		for _, a := range addrs {
			c.Signatures = append(c.Signatures, cmtypes.CommitSig{BlockIDFlag: cmtypes.BlockIDFlagCommit, ValidatorAddress: a})
		}
		return c
	}
	none := func(int64, []byte) bool { return false }
	s := fakeCommits{}
	for h := int64(1); h <= 30; h++ {
		s[h] = commit(other)
	}
	_, ok := signedIn(s, me, 20, 30, none)
	require.False(t, ok, "no signature of mine")
	s[25] = commit(other, me)
	h, ok := signedIn(s, me, 20, 30, none)
	require.True(t, ok)
	require.Equal(t, int64(25), h)
	_, ok = signedIn(s, me, 25, 30, none)
	require.False(t, ok, "at or below lo")
	_, ok = signedIn(s, me, 20, 24, none)
	require.False(t, ok, "above hi")
	s[25].Signatures[1].Signature = []byte("mine")
	_, ok = signedIn(s, me, 20, 30, func(h int64, sig []byte) bool { return h == 25 && string(sig) == "mine" })
	require.False(t, ok, "signed by this node")
	_, ok = signedIn(s, me, 20, 30, func(h int64, sig []byte) bool { return h == 25 && string(sig) == "other" })
	require.True(t, ok, "another signature at a height this node signed at")
	s[25] = &cmtypes.Commit{Signatures: []cmtypes.CommitSig{{BlockIDFlag: cmtypes.BlockIDFlagAbsent, ValidatorAddress: me}}}
	_, ok = signedIn(s, me, 20, 30, none)
	require.False(t, ok, "an absent signature is none")
}

// TestGuardRestartAndCopy: a validator stopped and started again goes on
// signing (double_sign_check_height set, as init writes it); the same
// key with an empty sign state (a copy of the key on another machine)
// refuses to sign, and start exits non-zero saying why.
func TestGuardRestartAndCopy(t *testing.T) {
	home := filepath.Join(t.TempDir(), "dev")
	_, errOut, code := govchain(t, "init", "--dev", "--home", home, "--chain-id", "guard-1")
	require.Equal(t, 0, code, errOut)
	for i := 0; i < 2; i++ {
		args, rpc := devStartArgs(t, home)
		p := startProc(t, args...)
		h := waitBlocks(t, rpc, 2, p)
		require.NoError(t, p.cmd.Process.Signal(syscall.SIGKILL))
		<-p.done
		t.Logf("run %d: killed at height %d", i+1, h)
	}
	key := filepath.Join(home, "config", "priv_validator_key.json")
	pv := privval.LoadFilePVEmptyState(key, filepath.Join(home, "data", "priv_validator_state.json"))
	pv.Save()
	args, _ := devStartArgs(t, home)
	p := startProc(t, args...)
	exited, status := p.exited(60 * time.Second)
	require.True(t, exited, "the copy ran on:\n%s", p.out.String())
	require.Equal(t, 1, status)
	lines := strings.Split(strings.TrimSpace(p.out.String()), "\n")
	last := lines[len(lines)-1]
	require.True(t, strings.HasPrefix(last, "error: "), last)
	require.Contains(t, last, ErrSignedElsewhere.Error())
	require.Contains(t, last, "before it, this node signed up to height 0")
}

// TestGuardFailsOnce: the guard refuses every signature after its first
// refusal and reports it once.
func TestGuardFailsOnce(t *testing.T) {
	dir := t.TempDir()
	pv := privval.GenFilePV(filepath.Join(dir, "k.json"), filepath.Join(dir, "s.json"))
	g := newSignGuard(pv, pv.GetAddress(), 10, 0)
	s := fakeCommits{5: {Signatures: []cmtypes.CommitSig{{BlockIDFlag: cmtypes.BlockIDFlagCommit, ValidatorAddress: pv.GetAddress()}}}}
	require.ErrorContains(t, g.check(8), "no block store")
	g.setStore(s)
	require.ErrorIs(t, g.check(8), ErrSignedElsewhere)
	require.ErrorIs(t, g.check(9), ErrSignedElsewhere)
	require.ErrorIs(t, g.check(10), ErrSignedElsewhere)
	select {
	case err := <-g.failed:
		require.ErrorIs(t, err, ErrSignedElsewhere)
	default:
		t.Fatal("no failure reported")
	}
	require.Empty(t, g.failed, "reported twice")
}

// TestGuardFloorFromStore: a remote signer's guard takes as its own every
// signature up to the block store's height at start + 1.
func TestGuardFloorFromStore(t *testing.T) {
	me := ed25519.GenPrivKey().PubKey().Address()
	s := fakeCommits{}
	for h := int64(1); h <= 8; h++ {
		s[h] = &cmtypes.Commit{Signatures: []cmtypes.CommitSig{{BlockIDFlag: cmtypes.BlockIDFlagCommit, ValidatorAddress: me}}}
	}
	g := newSignGuard(nil, me, 10, 0)
	g.storeFloor = true
	g.setStore(s)
	require.Equal(t, int64(9), g.floor)
	require.NoError(t, g.check(10))
	g = newSignGuard(nil, me, 10, 0)
	g.storeFloor = true
	delete(s, 8)
	delete(s, 7)
	g.setStore(s) // the node had 6 blocks; the key signed 7 and 8 elsewhere
	s[7], s[8] = s[6], s[6]
	require.ErrorIs(t, g.check(10), ErrSignedElsewhere)
}

// TestGuardWhileRunning: the key's signatures in commits that are this
// node's precommits are its own; another signature of the key, at a
// height it skipped or at one it signed at too, in a commit that arrives
// later, stops it.
func TestGuardWhileRunning(t *testing.T) {
	for _, tc := range []struct {
		name  string
		other int64 // the height at which the commit holds another signature
	}{{"skipped height", 7}, {"same height", 6}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			pv := privval.GenFilePV(filepath.Join(dir, "k.json"), filepath.Join(dir, "s.json"))
			g := newSignGuard(pv, pv.GetAddress(), 10, 0)
			s := fakeCommits{}
			g.setStore(s)
			precommit := func(h int64) (*cmtproto.Vote, error) {
				v := &cmtproto.Vote{Type: cmtproto.PrecommitType, Height: h, Round: 0, ValidatorAddress: pv.GetAddress()}
				return v, g.SignVote("c", v)
			}
			commitOf := func(sig []byte) *cmtypes.Commit {
				return &cmtypes.Commit{Signatures: []cmtypes.CommitSig{{BlockIDFlag: cmtypes.BlockIDFlagNil, ValidatorAddress: pv.GetAddress(), Signature: sig}}}
			}
			for h := int64(1); h <= 6; h++ {
				v, err := precommit(h)
				require.NoError(t, err, "height %d", h)
				s[h] = commitOf(v.Signature) // this node's vote, in the commit of h
			}
			s[tc.other] = commitOf([]byte("another process's signature"))
			_, err := precommit(8)
			require.ErrorIs(t, err, ErrSignedElsewhere)
			require.ErrorContains(t, err, fmt.Sprintf("height %d;", tc.other))
			_, err = precommit(9)
			require.ErrorIs(t, err, ErrSignedElsewhere)
		})
	}
}
