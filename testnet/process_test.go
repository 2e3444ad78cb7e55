package testnet

import (
	"bufio"
	byteorder "encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The one way this package starts a process (a govchain node, a kvnode, a
// stand-in), so that no process outlives the test binary that started it,
// however the binary ends:
//
//   - the test's cleanup kills the node's process group (a test that
//     passes, fails a require, or panics: the testing package runs
//     cleanups on all three);
//   - SIGINT, SIGTERM or SIGHUP to the test binary (Ctrl-C, a timeout
//     command, a CI runner stopping the job), or the binary's parent
//     exiting (the go command killed), kills every group still alive and
//     exits (guardExit);
//   - anything else that ends the binary (go test -timeout's panic, a
//     panic in a goroutine, SIGKILL) leaves the kernel to send every child
//     SIGKILL (PR_SET_PDEATHSIG).
//
// The parent-death signal fires when the thread that forked the child
// exits, not when the process does (golang/go#27505). The Go runtime ends
// a thread when a goroutine locked to it exits, so a child forked from an
// ordinary goroutine's thread is killed, while its test still runs, as
// soon as some goroutine locks that thread and returns. Every fork
// therefore happens on one goroutine that locks its thread and never
// unlocks it or returns (spawner): that thread ends with the process and
// with nothing else.

// spawner forks every child process of the package from its own locked
// thread.
var spawner struct {
	once sync.Once
	reqs chan spawnReq
}

type spawnReq struct {
	cmd *exec.Cmd
	err chan<- error
}

// runSpawner is the spawner's goroutine: it locks its OS thread for the
// life of the process and starts the commands it is sent.
func runSpawner(reqs <-chan spawnReq) {
	runtime.LockOSThread() // never unlocked: the thread must not be reused or retired
	for r := range reqs {
		r.err <- r.cmd.Start()
	}
}

// children is every process group startProcess started whose leader has
// not been reaped yet, by group id.
var children struct {
	sync.Mutex
	groups map[int]struct{}
	// exiting is set by killChildren: no process starts after it.
	exiting bool
}

// startProcess starts cmd in a process group of its own, with SIGKILL as
// its parent-death signal, from the spawner's thread, and registers the
// group until the process is reaped. It returns a channel closed once the
// process has ended and been reaped (cmd.ProcessState is then set). The
// caller must not call cmd.Wait.
func startProcess(cmd *exec.Cmd) (<-chan struct{}, error) {
	spawner.once.Do(func() {
		spawner.reqs = make(chan spawnReq)
		go runSpawner(spawner.reqs)
	})
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	// Its own group: a signal to the group reaches the process and
	// whatever it started, and the terminal's Ctrl-C does not (the harness
	// decides how each node stops).
	cmd.SysProcAttr.Setpgid = true
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL

	// The lock is held from the fork to the registration, so that
	// killChildren cannot run between them and miss the group.
	children.Lock()
	defer children.Unlock()
	if children.exiting {
		return nil, errors.New("testnet: the test binary is exiting; no process starts")
	}
	errc := make(chan error, 1)
	spawner.reqs <- spawnReq{cmd, errc}
	if err := <-errc; err != nil {
		return nil, err
	}
	pgid := cmd.Process.Pid
	if children.groups == nil {
		children.groups = map[int]struct{}{}
	}
	children.groups[pgid] = struct{}{}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		// Unregistered under the lock once reaped: killChildren never
		// signals a group id the kernel may have handed to someone else.
		children.Lock()
		delete(children.groups, pgid)
		children.Unlock()
		close(done)
	}()
	return done, nil
}

// killChildren sends SIGKILL to every registered process group, stops
// any further start, and returns how many groups it signalled.
func killChildren() int {
	children.Lock()
	defer children.Unlock()
	children.exiting = true
	for pgid := range children.groups {
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	}
	return len(children.groups)
}

// guardExit makes the test binary kill every process group it started,
// run cleanup and exit when it receives SIGINT, SIGTERM or SIGHUP, or
// when its parent (the go command, or a shell) has exited: a test binary
// whose parent is gone has nobody to report to and must not keep nodes
// running until its timeout. It reports what happened on stderr. A
// signal the binary was started ignoring (nohup, a background job of a
// script) stays ignored, unless catchIgnored.
func guardExit(cleanup func(), catchIgnored bool) {
	sigs := make(chan os.Signal, 1)
	for _, sig := range []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		if catchIgnored || !signal.Ignored(sig) {
			signal.Notify(sigs, sig)
		}
	}
	ppid := os.Getppid()
	go func() {
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		var why string
		code := 1
		for why == "" {
			select {
			case s := <-sigs:
				why = "got " + s.String()
				if sig, ok := s.(syscall.Signal); ok {
					code = 128 + int(sig)
				}
			case <-tick.C:
				if p := os.Getppid(); p != ppid {
					why = fmt.Sprintf("the parent process %d exited", ppid)
				}
			}
		}
		n := killChildren()
		cleanup()
		fmt.Fprintf(os.Stderr, "testnet: %s: killed %d process group(s) the tests had started; exiting\n", why, n)
		os.Exit(code)
	}()
}

// checkListenFree returns nil if addr (host:port) can be listened on now.
// If a process already listens there, the error names the address and,
// when /proc shows it, that process's pid and command line: most likely a
// node an earlier run left behind.
func checkListenFree(addr string) error {
	l, err := net.Listen("tcp", addr)
	if err == nil {
		return l.Close()
	}
	if !errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("testnet: cannot listen on %s: %w", addr, err)
	}
	host, portStr, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(portStr)
	pid, cmdline, found := listenerOf(net.ParseIP(host), port)
	if !found {
		return fmt.Errorf("testnet: %s is already in use, by a process /proc does not show (another user's?)", addr)
	}
	return fmt.Errorf("testnet: %s is already in use by pid %d (%s): a node left over from an earlier run? Stop it and run again", addr, pid, cmdline)
}

// listenerOf finds the process with a TCP socket listening on ip:port
// (or on the unspecified address and port), from /proc/net/tcp{,6} and
// /proc/<pid>/fd, and returns its pid and command line.
func listenerOf(ip net.IP, port int) (int, string, bool) {
	inodes := map[string]bool{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		for _, ino := range listeningInodes(f, ip, port) {
			inodes[ino] = true
		}
	}
	if len(inodes) == 0 {
		return 0, "", false
	}
	procs, _ := filepath.Glob("/proc/[0-9]*")
	for _, p := range procs {
		fds, _ := filepath.Glob(p + "/fd/*")
		for _, fd := range fds {
			link, err := os.Readlink(fd)
			if err != nil || !strings.HasPrefix(link, "socket:[") {
				continue
			}
			if inodes[strings.TrimSuffix(strings.TrimPrefix(link, "socket:["), "]")] {
				pid, _ := strconv.Atoi(filepath.Base(p))
				return pid, procCmdline(pid), true
			}
		}
	}
	return 0, "", false
}

// listeningInodes returns the socket inodes that a /proc/net/tcp-format
// file lists in state LISTEN on port at ip or at the unspecified address.
func listeningInodes(file string, ip net.IP, port int) []string {
	f, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Scan() // the header line
	for sc.Scan() {
		// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
		fields := strings.Fields(sc.Text())
		if len(fields) < 10 || fields[3] != "0A" { // 0A: TCP_LISTEN
			continue
		}
		hexIP, hexPort, ok := strings.Cut(fields[1], ":")
		if !ok {
			continue
		}
		p, err := strconv.ParseUint(hexPort, 16, 16)
		if err != nil || int(p) != port {
			continue
		}
		if local := procNetIP(hexIP); local != nil && (local.IsUnspecified() || local.Equal(ip)) {
			out = append(out, fields[9])
		}
	}
	return out
}

// procNetIP decodes an address of /proc/net/tcp{,6}: the IP's bytes read
// as 32-bit words in the machine's byte order, each printed in hex.
func procNetIP(s string) net.IP {
	b, err := hex.DecodeString(s)
	if err != nil || (len(b) != net.IPv4len && len(b) != net.IPv6len) {
		return nil
	}
	for i := 0; i < len(b); i += 4 {
		byteorder.NativeEndian.PutUint32(b[i:], byteorder.BigEndian.Uint32(b[i:]))
	}
	return net.IP(b)
}

// procCmdline is a process's command line, its arguments separated by
// spaces ("?" if it cannot be read).
func procCmdline(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || len(b) == 0 {
		return "?"
	}
	return strings.Join(strings.Split(strings.TrimRight(string(b), "\x00"), "\x00"), " ")
}
