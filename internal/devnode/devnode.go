package devnode

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/govchain/govchain/client"
)

// Options says how to build and start a node.
type Options struct {
	// ChainID is the chain's id (required).
	ChainID string
	// Tags are the build tags of the binary (faultinject, say).
	Tags []string
	// Prefix names the temporary directory that holds the binary, the
	// node's home and its log ("govchain-" if empty).
	Prefix string
	// Configure, if set, is called with the node's home after init and
	// before the node starts, to change its config files.
	Configure func(home string) error
}

// Node is a started development node.
type Node struct {
	// Dir holds Bin, Home and node.log; Stop removes it.
	Dir, Bin, Home string
	// URL is the node's RPC address, http://127.0.0.1:PORT.
	URL, ChainID string
	Client       *client.Client
	// Keyring is the node home's keyring, with the dev genesis keys.
	Keyring *client.Keyring

	cmd  *exec.Cmd
	done <-chan struct{}
	once sync.Once
}

// Start builds the binary, initialises a development chain and starts
// it (see the package doc).
func Start(opts Options) (*Node, error) {
	if opts.ChainID == "" {
		return nil, fmt.Errorf("devnode: a chain id is required")
	}
	prefix := opts.Prefix
	if prefix == "" {
		prefix = "govchain-"
	}
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, err
	}
	n := &Node{Dir: dir, Bin: filepath.Join(dir, "govchain"), Home: filepath.Join(dir, "node"), ChainID: opts.ChainID}
	if err := n.start(opts); err != nil {
		n.Stop()
		return nil, err
	}
	return n, nil
}

func (n *Node) start(opts Options) error {
	args := []string{"build"}
	if len(opts.Tags) > 0 {
		args = append(args, "-tags", strings.Join(opts.Tags, ","))
	}
	args = append(args, "-o", n.Bin, "github.com/govchain/govchain/cmd/govchain")
	if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		return fmt.Errorf("devnode: build govchain: %v\n%s", err, out)
	}
	if out, err := exec.Command(n.Bin, "init", "--dev", "--home", n.Home, "--chain-id", n.ChainID).CombinedOutput(); err != nil {
		return fmt.Errorf("devnode: init: %v\n%s", err, out)
	}
	cfgPath := filepath.Join(n.Home, "config", "config.toml")
	cfg, err := os.ReadFile(cfgPath)
	if err != nil {
		return err
	}
	cfg = regexp.MustCompile(`(?m)^timeout_commit = .*$`).ReplaceAll(cfg, []byte(`timeout_commit = "200ms"`))
	if err := os.WriteFile(cfgPath, cfg, 0o644); err != nil {
		return err
	}
	if opts.Configure != nil {
		if err := opts.Configure(n.Home); err != nil {
			return fmt.Errorf("devnode: configure: %w", err)
		}
	}
	// A port free a moment ago may be taken by another test's process
	// before the node binds it: start again on other ports then.
	for attempt := 1; ; attempt++ {
		err := n.launch()
		if err == nil || !errors.Is(err, errAddrInUse) || attempt == 3 {
			return err
		}
	}
}

// errAddrInUse marks a node that exited because an address it was given
// was taken meanwhile.
var errAddrInUse = errors.New("devnode: an address was taken before the node bound it")

// launch starts the initialised node on free ports and waits until it has
// committed block 2, or has exited.
func (n *Node) launch() error {
	rpc := FreeAddr()
	cmd := exec.Command(n.Bin, "start", "--home", n.Home, "--rpc-laddr", "tcp://"+rpc, "--p2p-laddr", "tcp://"+FreeAddr(),
		"--web-laddr", "127.0.0.1:0", "--metrics-laddr", FreeAddr(), "--log-level", "*:error")
	logPath := filepath.Join(n.Dir, "node.log")
	log, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer log.Close()
	cmd.Stdout, cmd.Stderr = log, log
	if n.done, err = Spawn(cmd); err != nil {
		return err
	}
	n.cmd = cmd
	n.URL = "http://" + rpc
	if n.Client, err = client.New(n.URL); err != nil {
		return err
	}
	n.Keyring = client.NewKeyring(filepath.Join(n.Home, "keyring"))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for {
		call, stop := context.WithTimeout(ctx, 2*time.Second)
		st, err := n.Client.RPC().Status(call)
		stop()
		// Checked after the call, before its answer counts: whatever took
		// a port of a node that exited may answer on it (another test's
		// node, even).
		select {
		case <-n.done:
			out, _ := os.ReadFile(logPath)
			if bytes.Contains(out, []byte("address already in use")) {
				return fmt.Errorf("%w:\n%s", errAddrInUse, out)
			}
			return fmt.Errorf("devnode: the node exited before it made blocks:\n%s", out)
		default:
		}
		if err == nil && st.SyncInfo.LatestBlockHeight >= 2 {
			return nil
		}
		if ctx.Err() != nil {
			out, _ := os.ReadFile(logPath)
			return fmt.Errorf("devnode: the node made no blocks: %v\n%s", err, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Stop ends the node and removes its directory.
func (n *Node) Stop() {
	n.once.Do(func() {
		if n.cmd != nil && n.cmd.Process != nil {
			_ = syscall.Kill(-n.cmd.Process.Pid, syscall.SIGTERM)
			select {
			case <-n.done:
			case <-time.After(20 * time.Second):
				_ = syscall.Kill(-n.cmd.Process.Pid, syscall.SIGKILL)
				<-n.done
			}
		}
		_ = os.RemoveAll(n.Dir)
	})
}

// Spawn starts cmd in a process group of its own with SIGKILL as its
// parent-death signal, from one goroutine locked to its thread for the
// life of the binary: the signal fires when the forking thread exits,
// so that thread never exits before the binary does. It returns a channel
// closed once the process has ended and been reaped.
func Spawn(cmd *exec.Cmd) (<-chan struct{}, error) {
	spawner.once.Do(func() {
		spawner.reqs = make(chan spawnReq)
		go func() {
			runtime.LockOSThread() // never unlocked
			for r := range spawner.reqs {
				r.err <- r.cmd.Start()
			}
		}()
	})
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	errc := make(chan error, 1)
	spawner.reqs <- spawnReq{cmd, errc}
	if err := <-errc; err != nil {
		return nil, err
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	return done, nil
}

var spawner struct {
	once sync.Once
	reqs chan spawnReq
}

type spawnReq struct {
	cmd *exec.Cmd
	err chan<- error
}

// FreeAddr returns 127.0.0.1 and a port from FreePort.
func FreeAddr() string {
	return fmt.Sprintf("127.0.0.1:%d", FreePort())
}

// FreePort returns a TCP port that was free on 127.0.0.1 a moment ago and
// that no other caller of FreePort on this machine holds: it comes from
// below the kernel's ephemeral range (net.ipv4.ip_local_port_range), which
// the kernel never hands to an outgoing connection or to a bind of port 0,
// and it stays reserved for the life of the calling process by an flock
// on a file named after it in os.TempDir()/govchain-test-ports, so test
// binaries running side by side never pick the same port. It panics when
// no port can be had.
func FreePort() int {
	ports.mu.Lock()
	defer ports.mu.Unlock()
	if ports.held == nil {
		ports.held = map[int]*os.File{}
		ports.lo, ports.hi = reservedRange()
		ports.dir = filepath.Join(os.TempDir(), "govchain-test-ports")
		if err := os.MkdirAll(ports.dir, 0o777); err != nil {
			panic(fmt.Sprintf("devnode: %v", err))
		}
	}
	for range 1000 {
		p := ports.lo + rand.IntN(ports.hi-ports.lo)
		if ports.held[p] != nil {
			continue
		}
		f, err := os.OpenFile(filepath.Join(ports.dir, fmt.Sprint(p)), os.O_CREATE|os.O_RDWR, 0o666)
		if err != nil {
			panic(fmt.Sprintf("devnode: %v", err))
		}
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
			f.Close() // another process holds it
			continue
		}
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			f.Close() // something that does not reserve ports holds it
			continue
		}
		l.Close()
		ports.held[p] = f
		return p
	}
	panic(fmt.Sprintf("devnode: no free port in [%d, %d) after 1000 tries", ports.lo, ports.hi))
}

// ports are the ports this process reserved, each with its locked file.
var ports struct {
	mu     sync.Mutex
	held   map[int]*os.File
	lo, hi int
	dir    string
}

// reservedRange is the range FreePort picks from: the 16,384 ports below
// the kernel's ephemeral range (from 1024 at least), or 16384-32767 when
// that range cannot be read.
func reservedRange() (lo, hi int) {
	hi = 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		if f := strings.Fields(string(b)); len(f) == 2 {
			if v, err := strconv.Atoi(f[0]); err == nil && v > 2048 {
				hi = v
			}
		}
	}
	return max(1024, hi-16384), hi
}

// SyncBuffer collects a process's output (its Stdout and Stderr) while a
// test reads it: a bytes.Buffer safe for concurrent use.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p.
func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
