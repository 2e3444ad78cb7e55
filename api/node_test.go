package api_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/verify"
)

// The tests and the benchmark share one development node: the govchain
// binary, built once, initialised with init --dev and started on free
// 127.0.0.1 ports with blocks every 200 ms. The first test that needs it
// starts it; TestMain stops it. It runs in a process group of its own
// with SIGKILL as its parent-death signal, forked from a thread locked
// for the life of the test binary, so it never outlives the binary.

func TestMain(m *testing.M) {
	code := m.Run()
	shared.stop()
	os.Exit(code)
}

// devNode is the shared node, seen from the tests.
type devNode struct {
	bin, home, url, chainID string
	cl                      *client.Client
	kr                      *client.Keyring
	trust                   *verify.Trust
}

// sharedNode is the shared node and what stops it.
type sharedNode struct {
	once sync.Once
	n    *devNode
	err  error
	// dir holds the binary and the node's home.
	dir  string
	cmd  *exec.Cmd
	done chan struct{}
}

var shared sharedNode

// node returns the shared node, starting it on first use.
func node(tb testing.TB) *devNode {
	tb.Helper()
	shared.once.Do(func() { shared.n, shared.err = startNode() })
	require.NoError(tb, shared.err)
	return shared.n
}

func startNode() (*devNode, error) {
	dir, err := os.MkdirTemp("", "govchain-api-")
	if err != nil {
		return nil, err
	}
	shared.dir = dir
	n := &devNode{bin: filepath.Join(dir, "govchain"), home: filepath.Join(dir, "node"), chainID: "api-test"}
	if out, err := exec.Command("go", "build", "-o", n.bin, "github.com/govchain/govchain/cmd/govchain").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build govchain: %v\n%s", err, out)
	}
	if out, err := exec.Command(n.bin, "init", "--dev", "--home", n.home, "--chain-id", n.chainID).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("init: %v\n%s", err, out)
	}
	cfgPath := filepath.Join(n.home, "config", "config.toml")
	cfg, err := os.ReadFile(cfgPath)
	if err != nil {
		return nil, err
	}
	cfg = regexp.MustCompile(`(?m)^timeout_commit = .*$`).ReplaceAll(cfg, []byte(`timeout_commit = "200ms"`))
	if err := os.WriteFile(cfgPath, cfg, 0o644); err != nil {
		return nil, err
	}
	genesis, err := os.ReadFile(filepath.Join(n.home, "config", "genesis.json"))
	if err != nil {
		return nil, err
	}
	if n.trust, err = verify.ParseTrust(genesis); err != nil {
		return nil, err
	}
	rpc := freeAddr()
	// The node's own API listens on a port of its choosing: these tests
	// serve the API themselves, with the configurations they test.
	cmd := exec.Command(n.bin, "start", "--home", n.home, "--rpc-laddr", "tcp://"+rpc, "--p2p-laddr", "tcp://"+freeAddr(),
		"--web-laddr", "127.0.0.1:0", "--log-level", "*:error")
	log, err := os.Create(filepath.Join(dir, "node.log"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := spawn(cmd); err != nil {
		return nil, err
	}
	n.url = "http://" + rpc
	if n.cl, err = client.New(n.url); err != nil {
		return nil, err
	}
	n.cl.PollInterval = 50 * time.Millisecond
	n.kr = client.NewKeyring(filepath.Join(n.home, "keyring"))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for {
		st, err := n.cl.RPC().Status(ctx)
		if err == nil && st.SyncInfo.LatestBlockHeight >= 2 {
			return n, nil
		}
		if ctx.Err() != nil {
			out, _ := os.ReadFile(filepath.Join(dir, "node.log"))
			return nil, fmt.Errorf("the node made no blocks: %v\n%s", err, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// spawn starts cmd in a process group of its own with SIGKILL as its
// parent-death signal, from a goroutine locked to its thread for good:
// the signal fires when the forking thread exits, which is when the test
// binary does.
func spawn(cmd *exec.Cmd) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with the binary
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			errc <- err
			return
		}
		shared.cmd, shared.done = cmd, make(chan struct{})
		go func() { _ = cmd.Wait(); close(shared.done) }()
		errc <- nil
		select {} // keep the thread
	}()
	return <-errc
}

// stop ends the node (SIGTERM to its group, SIGKILL after 20 s) and
// removes its directory.
func (s *sharedNode) stop() {
	if s.cmd != nil {
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(20 * time.Second):
			_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
			<-s.done
		}
	}
	if s.dir != "" {
		_ = os.RemoveAll(s.dir)
	}
}

func freeAddr() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	defer l.Close()
	return l.Addr().String()
}
