package testnet

import (
	"bufio"
	"fmt"
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
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/internal/devnode"
)

// The tests of the no-orphan guarantee (process_test.go) use stand-in
// nodes: the test binary itself, run with envStandIn set, listening on
// the address of its --rpc-laddr argument and doing nothing else. A
// stand-in is started like any node (node.Spawn), so what holds for it
// holds for a govchain node or a kvnode.
const (
	// envStandIn makes the test binary a stand-in node (TestMain).
	envStandIn = "GOVCHAIN_TESTNET_STANDIN"
	// envOrphanMode makes TestNodesDieWithTheTestBinary the child side of
	// one of its cases: it starts a stand-in and then ends as the mode
	// says (orphanChild).
	envOrphanMode = "GOVCHAIN_TESTNET_ORPHAN"
	// standInLifetime bounds a stand-in that nothing killed: it exits by
	// itself then.
	standInLifetime = 10 * time.Minute
)

// standIn is the test binary run as a stand-in node: it listens on the
// address of its --rpc-laddr argument, accepts and closes connections,
// and exits after standInLifetime if nothing has killed it. It never
// returns.
func standIn(args []string) {
	addr := ""
	for i := 0; i+1 < len(args); i++ {
		if args[i] == "--rpc-laddr" {
			addr = strings.TrimPrefix(args[i+1], "tcp://")
		}
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testnet stand-in:", err)
		os.Exit(1)
	}
	time.AfterFunc(standInLifetime, func() { os.Exit(0) })
	for {
		c, err := l.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, "testnet stand-in:", err)
			os.Exit(1)
		}
		_ = c.Close()
	}
}

// newStandIn returns a stand-in node on a free port of 127.0.0.1, not yet
// started, and its address; it is killed when the test ends.
func newStandIn(t *testing.T) (*node, string) {
	t.Helper()
	self, err := os.Executable()
	require.NoError(t, err)
	addr := devnode.FreeAddr()
	nd := &node{tb: t, name: "stand-in", home: t.TempDir(), rpc: "http://" + addr, bin: self,
		args: []string{"--rpc-laddr", "tcp://" + addr}, env: []string{envStandIn + "=1"}}
	t.Cleanup(nd.Kill)
	return nd, addr
}

// waitListening waits up to timeout until something accepts connections
// on addr.
func waitListening(addr string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			return c.Close()
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("nothing listens on %s after %s: %w", addr, timeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// procStart returns the start time (in clock ticks since boot) of the
// live process pid, or false if there is none: no such process, or a
// zombie, which has ended and waits only to be reaped.
func procStart(pid int) (uint64, bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// pid (comm) state ppid ...: comm may hold spaces; the fields after
	// its closing parenthesis are state (3) up to starttime (22).
	rest := string(b[strings.LastIndexByte(string(b), ')')+1:])
	f := strings.Fields(rest)
	if len(f) < 20 || f[0] == "Z" || f[0] == "X" {
		return 0, false
	}
	start, err := strconv.ParseUint(f[19], 10, 64)
	return start, err == nil
}

// procGone reports whether the process pid that started at start has
// ended (its pid gone, a zombie, or now another process's).
func procGone(pid int, start uint64) bool {
	now, ok := procStart(pid)
	return !ok || now != start
}

// requireGone waits up to timeout for the process pid that started at
// start to end.
func requireGone(t *testing.T, what string, pid int, start uint64, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !procGone(pid, start) {
		if time.Now().After(deadline) {
			t.Fatalf("%s (pid %d: %s) is still running %s after the test binary that started it ended", what, pid, procCmdline(pid), timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// orphanChild is TestNodesDieWithTheTestBinary's child side: it starts a
// stand-in through the harness, prints its pid, and then ends as mode
// says: "wait" (until the parent signals or kills it, or -test.timeout
// fires), "panic" (a goroutine panics, as nothing recovers), or "fail"
// (a require fails, and the test's cleanup runs); the last two first wait
// for a line on stdin, the parent's word that it has seen the stand-in
// run.
func orphanChild(t *testing.T, mode string) {
	nd, addr := newStandIn(t)
	nd.Spawn()
	require.NoError(t, waitListening(addr, 30*time.Second))
	fmt.Printf("stand-in pid %d\n", nd.Pid())
	if mode != "wait" {
		_, err := bufio.NewReader(os.Stdin).ReadString('\n')
		require.NoError(t, err)
	}
	switch mode {
	case "wait":
	case "panic":
		go func() { panic("testnet: a goroutine of the child panics on purpose") }()
	case "fail":
		require.Fail(t, "the child fails on purpose; its cleanup must kill the stand-in")
	default:
		t.Fatalf("unknown %s %q", envOrphanMode, mode)
	}
	time.Sleep(2 * time.Minute)
	t.Fatal("the child was not stopped")
}

// TestNodesDieWithTheTestBinary runs a child test binary that starts a
// stand-in node through the harness, ends the child in each way a test
// binary can end (killed with SIGKILL, SIGTERM, SIGINT, go test's
// -timeout, a panic in a goroutine, a failed require, its parent killed),
// and requires the stand-in to be gone within 10 s. Without the parent
// death signal, the signal handler, the parent watch or the cleanup
// (process_test.go), one of the cases finds the stand-in running.
func TestNodesDieWithTheTestBinary(t *testing.T) {
	if mode := os.Getenv(envOrphanMode); mode != "" {
		orphanChild(t, mode)
		return
	}
	self, err := os.Executable()
	require.NoError(t, err)
	for _, tc := range []struct {
		name, mode string
		// timeout is the child's -test.timeout.
		timeout string
		// shell runs the child under a shell; the shell is what the test
		// kills, as when the go command that ran a test binary is killed.
		shell bool
		// sig is sent to the child (or the shell); 0 sends nothing.
		sig syscall.Signal
		// output must appear in the child's output.
		output string
	}{
		{name: "SIGKILL", mode: "wait", timeout: "2m", sig: syscall.SIGKILL},
		{name: "SIGTERM", mode: "wait", timeout: "2m", sig: syscall.SIGTERM,
			output: "testnet: got terminated: killed 1 process group(s) the tests had started; exiting"},
		{name: "SIGINT", mode: "wait", timeout: "2m", sig: syscall.SIGINT,
			output: "testnet: got interrupt: killed 1 process group(s) the tests had started; exiting"},
		{name: "test timeout", mode: "wait", timeout: "5s", output: "panic: test timed out after 5s"},
		{name: "panic", mode: "panic", timeout: "2m", output: "panic: testnet: a goroutine of the child panics on purpose"},
		{name: "failed require", mode: "fail", timeout: "2m", output: "the child fails on purpose"},
		{name: "parent killed", mode: "wait", timeout: "2m", shell: true, sig: syscall.SIGKILL,
			output: "exited: killed 1 process group(s) the tests had started; exiting"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"-test.run=^TestNodesDieWithTheTestBinary$", "-test.timeout=" + tc.timeout}
			cmd := exec.Command(self, args...)
			if tc.shell {
				cmd = exec.Command("/bin/sh", append([]string{"-c", `"$@" & echo "child pid $!"; wait`, "sh", self}, args...)...)
			}
			// The child is killed before its own cleanup can remove its
			// temporary directories: they go under this test's, removed
			// when it ends.
			cmd.Env = append(os.Environ(), envOrphanMode+"="+tc.mode, "TMPDIR="+t.TempDir())
			r, w, err := os.Pipe()
			require.NoError(t, err)
			defer r.Close()
			stdin, goAhead, err := os.Pipe()
			require.NoError(t, err)
			defer goAhead.Close()
			cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, w, w
			done, err := startProcess(cmd)
			_, _ = w.Close(), stdin.Close()
			require.NoError(t, err)
			t.Cleanup(func() {
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				<-done
			})
			out := readChildOutput(r)

			standInPid := out.wait(t, `stand-in pid (\d+)`, 60*time.Second)
			start, alive := procStart(standInPid)
			require.True(t, alive, "the stand-in %d is not running; child output:\n%s", standInPid, out)
			t.Cleanup(func() {
				if !procGone(standInPid, start) {
					_ = syscall.Kill(standInPid, syscall.SIGKILL)
				}
			})
			childPid := cmd.Process.Pid
			if tc.shell {
				childPid = out.wait(t, `child pid (\d+)`, 10*time.Second)
			}
			childStart, alive := procStart(childPid)
			require.True(t, alive, "the child %d is not running; output:\n%s", childPid, out)
			if tc.mode != "wait" {
				_, err = goAhead.WriteString("go\n")
				require.NoError(t, err)
			}
			if tc.sig != 0 {
				require.NoError(t, cmd.Process.Signal(tc.sig))
			}

			select {
			case <-out.eof: // every writer of the pipe, the child among them, has ended
			case <-time.After(60 * time.Second):
				t.Fatalf("the child did not end; output:\n%s", out)
			}
			requireGone(t, "the child test binary", childPid, childStart, 10*time.Second)
			requireGone(t, "the stand-in node", standInPid, start, 10*time.Second)
			require.Contains(t, out.String(), tc.output)
		})
	}
}

// childOutput collects a child's output as it arrives.
type childOutput struct {
	mu  sync.Mutex
	buf strings.Builder
	eof chan struct{}
}

func readChildOutput(r *os.File) *childOutput {
	o := &childOutput{eof: make(chan struct{})}
	go func() {
		defer close(o.eof)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			o.mu.Lock()
			o.buf.WriteString(sc.Text() + "\n")
			o.mu.Unlock()
		}
	}()
	return o
}

func (o *childOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// wait waits up to timeout for a line matching re, whose one group is a
// number, and returns the number.
func (o *childOutput) wait(t *testing.T, re string, timeout time.Duration) int {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(timeout)
	for {
		if m := rx.FindStringSubmatch(o.String()); m != nil {
			n, err := strconv.Atoi(m[1])
			require.NoError(t, err)
			return n
		}
		select {
		case <-o.eof:
			t.Fatalf("the child ended without printing %q; output:\n%s", re, o)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q from the child in %s; output:\n%s", re, timeout, o)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestNodeOutlivesTheThreadThatStartedIt starts a stand-in from a
// goroutine that then locks its OS thread and returns, so that the Go
// runtime ends that thread. The parent-death signal follows the forking
// thread, not the process (golang/go#27505): had the fork run on that
// thread, the stand-in would be killed with it. It must still run.
func TestNodeOutlivesTheThreadThatStartedIt(t *testing.T) {
	nd, addr := newStandIn(t)
	errc := make(chan error)
	go func() {
		_, err := nd.spawn()
		runtime.LockOSThread() // never unlocked: the thread ends with the goroutine
		errc <- err
	}()
	require.NoError(t, <-errc)
	require.NoError(t, waitListening(addr, 30*time.Second), "the stand-in has ended: %v", nd.Ended())
	pid := nd.Pid()
	start, alive := procStart(pid)
	require.True(t, alive)
	time.Sleep(time.Second)
	require.False(t, procGone(pid, start), "the stand-in died with the thread that started it")
	require.NoError(t, waitListening(addr, time.Second))
}

// TestStalePortIsNamed starts a stand-in on a port, as a node left over
// from an earlier run would hold it, and requires a node that is to
// listen on that port, by its command line or by its config.toml, to be
// refused before it starts, with the address, the pid and the command
// line of the process holding it; once that process is gone, the node
// starts.
func TestStalePortIsNamed(t *testing.T) {
	stale, addr := newStandIn(t)
	stale.Spawn()
	require.NoError(t, waitListening(addr, 30*time.Second))
	want := fmt.Sprintf("%s is already in use by pid %d (%s --rpc-laddr tcp://%s)", addr, stale.Pid(), stale.bin, addr)

	// By its command line.
	byFlag, _ := newStandIn(t)
	byFlag.args = stale.args
	_, err := byFlag.spawn()
	require.Error(t, err)
	require.Contains(t, err.Error(), want)
	require.Zero(t, byFlag.Pid(), "a node whose port is taken must not be started")

	// By its config.toml: P2P on the taken port.
	byConfig, _ := newStandIn(t)
	conf := cmtcfg.DefaultConfig()
	conf.RPC.ListenAddress = "tcp://" + devnode.FreeAddr()
	conf.P2P.ListenAddress = "tcp://" + addr
	require.NoError(t, os.MkdirAll(filepath.Join(byConfig.home, "config"), 0o755))
	cmtcfg.WriteConfigFile(filepath.Join(byConfig.home, "config", "config.toml"), conf)
	byConfig.args = nil
	_, err = byConfig.spawn()
	require.Error(t, err)
	require.Contains(t, err.Error(), want)
	require.Zero(t, byConfig.Pid())

	// A free port is not reported.
	require.NoError(t, checkListenFree(devnode.FreeAddr()))

	stale.Kill()
	byFlag.Spawn()
	require.NoError(t, waitListening(addr, 30*time.Second))
}
