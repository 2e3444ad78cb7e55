package docs

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/internal/devnode"
)

// A session is the commands of one ```console block of a page, each with
// the output the page shows for it.
type session struct {
	page string
	line int // of the opening fence
	cmds []command
}

type command struct {
	line int    // of the "$ " line
	text string // without "$ " (continuation lines joined with a newline)
	want []string
}

// pages returns the Markdown files whose sessions run: README.md and every
// page of docs/.
func pages(t *testing.T) []string {
	t.Helper()
	list, err := filepath.Glob("*.md")
	require.NoError(t, err)
	require.NotEmpty(t, list, "docs/ has no pages")
	return append([]string{filepath.Join("..", "README.md")}, list...)
}

// parseSessions reads the ```console blocks of a page. A line "$ cmd"
// starts a command (a line ending in a backslash continues it); the lines
// after it, up to the next "$ " line or the end of the block, are its
// output. Other fenced blocks are not sessions.
func parseSessions(t *testing.T, page string) []session {
	t.Helper()
	b, err := os.ReadFile(page)
	require.NoError(t, err)
	var out []session
	var cur *session
	cont := false
	for i, line := range strings.Split(string(b), "\n") {
		n := i + 1
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && trimmed == "```console":
			cur = &session{page: page, line: n}
		case cur == nil:
		case trimmed == "```":
			out = append(out, *cur)
			cur, cont = nil, false
		case cont:
			c := &cur.cmds[len(cur.cmds)-1]
			c.text += "\n" + line
			cont = strings.HasSuffix(line, `\`)
		case strings.HasPrefix(line, "$ "):
			cur.cmds = append(cur.cmds, command{line: n, text: line[2:]})
			cont = strings.HasSuffix(line, `\`)
		default:
			if len(cur.cmds) == 0 {
				t.Fatalf("%s:%d: output before the first command of a session", page, n)
			}
			c := &cur.cmds[len(cur.cmds)-1]
			c.want = append(c.want, line)
		}
	}
	require.Nil(t, cur, "%s: a ```console block is not closed", page)
	return out
}

// notRun says why a command shown in the docs is not executed as it is,
// or "" if it is. make's targets are the harness itself (make test runs
// this test, make run is what the test sets up before each page), and
// govchain start runs for ever: the test starts the node the same way
// itself before the page's sessions.
func notRun(cmd string) string {
	switch {
	case cmd == "make run", strings.HasPrefix(cmd, "make run "):
		return "the test runs `make run`'s two steps itself: govchain init --dev, then govchain start"
	case cmd == "make test", strings.HasPrefix(cmd, "make "):
		return "a make target: run by CI or by hand, not inside its own test"
	case strings.HasPrefix(cmd, "govchain start"):
		return "runs until stopped; the test starts the page's node this way itself"
	}
	return ""
}

// cutMarks are what a cut line or command looks like: the docs show every
// command and every line of output whole.
var cutMarks = []string{"…", "..."}

// TestDocsAreComplete fails on a session with a cut command or output
// line, a page without a session that shows a command outside one, and a
// command the sessions do not run without a reason.
func TestDocsAreComplete(t *testing.T) {
	for _, page := range pages(t) {
		for _, s := range parseSessions(t, page) {
			for _, c := range s.cmds {
				for _, mark := range cutMarks {
					require.NotContains(t, c.text, mark, "%s:%d: a command is cut", page, c.line)
					for _, w := range c.want {
						require.NotContains(t, w, mark, "%s:%d: output of the command is cut", page, c.line)
					}
				}
			}
		}
		b, err := os.ReadFile(page)
		require.NoError(t, err)
		inFence, console := false, false
		for i, line := range strings.Split(string(b), "\n") {
			trimmed := strings.TrimSpace(line)
			if strings.HasPrefix(trimmed, "```") {
				if !inFence {
					console = trimmed == "```console"
				}
				inFence = !inFence
				continue
			}
			if inFence && !console && strings.HasPrefix(trimmed, "$ ") {
				t.Errorf("%s:%d: a \"$ \" command outside a ```console session is never run: %s", page, i+1, trimmed)
			}
		}
	}
}

// normalise replaces what differs from one run to the next (hashes,
// addresses and keys, times, heights, the test's directories and ports)
// by placeholders, so that the stable rest of a line can be compared.
func normalise(s string, dir string) string {
	if dir != "" {
		s = strings.ReplaceAll(s, dir, "$PWD")
	}
	for _, r := range normalisers {
		s = r.re.ReplaceAllString(s, r.with)
	}
	return strings.TrimRight(s, " \t")
}

// normaliseAcross sets aside what varies between runs but is named on an
// earlier line than its value: a height event attribute in JSON output
// ({"key": "anchored_height", "value": "4"} over two lines).
func normaliseAcross(s string) string {
	return heightAttr.ReplaceAllString(s, "${1}<n>")
}

var heightAttr = regexp.MustCompile(`("key": "[a-z_]*height",\s*"value": ")\d+`)

var normalisers = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`), "<time>"},
	{regexp.MustCompile(`[0-9A-Fa-f]{16,}`), "<hex>"},
	{regexp.MustCompile(`(?i)(height"?[:=]?\s*"?|block |heights? |at height |header |at state )\d+`), "${1}<n>"},
	// A tax period is the UTC month of its block.
	{regexp.MustCompile(`(?i)(period"?[:=]\s*"?)\d{4}-\d\d\b`), "${1}<month>"},
	{regexp.MustCompile(`127\.0\.0\.1:\d+`), "127.0.0.1:<port>"},
	{regexp.MustCompile(`\d+(\.\d+)?(ms|µs|s)\b`), "<duration>"},
}

var update = flag.Bool("update", false, "write each command's real output into its page instead of comparing")

// TestDocSessions runs every session of every page against a development
// chain of its own, set up as `make run` sets it up, and requires each
// command to exit as its shown output says (non-zero when it shows an
// "error:" line) and to print the lines shown, once what differs between
// runs is normalised.
func TestDocSessions(t *testing.T) {
	bin := buildBinary(t)
	for _, page := range pages(t) {
		sessions := parseSessions(t, page)
		if len(sessions) == 0 {
			continue
		}
		t.Run(filepath.Base(page), func(t *testing.T) {
			sh := newShell(t, bin)
			var rewrites []rewrite
			defer func() {
				if *update && !t.Failed() {
					applyRewrites(t, page, rewrites)
				}
			}()
			for _, s := range sessions {
				for _, c := range s.cmds {
					if why := notRun(c.text); why != "" {
						t.Logf("%s:%d: not run (%s): %s", page, c.line, why, c.text)
						continue
					}
					got, code := sh.run(t, c.text)
					wantErr := false
					for _, w := range c.want {
						if strings.HasPrefix(w, "error:") {
							wantErr = true
						}
					}
					where := fmt.Sprintf("%s:%d: %s", page, c.line, c.text)
					if wantErr {
						require.NotEqual(t, 0, code, "%s\nexited 0, the page shows an error; output:\n%s", where, got)
					} else {
						require.Equal(t, 0, code, "%s\nexited %d; output:\n%s", where, code, got)
					}
					if *update {
						rewrites = append(rewrites, rewrite{from: c.line + strings.Count(c.text, "\n"), n: len(c.want), lines: shown(got, sh)})
						continue
					}
					if len(c.want) == 0 {
						continue
					}
					var gotN, wantN []string
					for _, l := range strings.Split(normaliseAcross(strings.TrimRight(got, "\n")), "\n") {
						gotN = append(gotN, normalise(l, sh.dir))
					}
					for _, l := range strings.Split(normaliseAcross(strings.Join(c.want, "\n")), "\n") {
						wantN = append(wantN, normalise(l, ""))
					}
					require.Equal(t, strings.Join(wantN, "\n"), strings.Join(gotN, "\n"),
						"%s\nprints other lines than the page shows (differences in hashes, times, heights and ports are ignored)", where)
				}
			}
			// A page stops what it starts in the background (a data
			// service, say): a reader who follows it is left with nothing
			// running that the page did not show how to stop.
			left, code := sh.run(t, "jobs -pr")
			require.Equal(t, 0, code)
			require.Empty(t, strings.TrimSpace(left), "%s: the sessions leave background jobs running (pids %s): stop them in the page", page, left)
		})
	}
}

// rewrite replaces the n output lines after line from (1-based) of a
// page by lines.
type rewrite struct {
	from, n int
	lines   []string
}

// shown is a command's output as a page shows it: the test's directory,
// node address and API address as a reader's would be ($PWD,
// 127.0.0.1:26657, 127.0.0.1:26680), and no trailing empty line.
func shown(got string, sh *shell) []string {
	got = strings.ReplaceAll(got, sh.dir, "$PWD")
	got = strings.ReplaceAll(got, sh.rpc, "127.0.0.1:26657")
	got = strings.ReplaceAll(got, sh.web, webAddr)
	got = strings.ReplaceAll(got, sh.metrics, metricsAddr)
	got = strings.TrimRight(got, "\n")
	if got == "" {
		return nil
	}
	return strings.Split(got, "\n")
}

// applyRewrites writes a page with each command's output replaced.
func applyRewrites(t *testing.T, page string, rewrites []rewrite) {
	t.Helper()
	b, err := os.ReadFile(page)
	require.NoError(t, err)
	lines := strings.Split(string(b), "\n")
	for i := len(rewrites) - 1; i >= 0; i-- {
		r := rewrites[i]
		lines = append(lines[:r.from], append(append([]string(nil), r.lines...), lines[r.from+r.n:]...)...)
	}
	require.NoError(t, os.WriteFile(page, []byte(strings.Join(lines, "\n")), 0o644))
}

// buildBinary builds the govchain command once for every page.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "govchain")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/govchain/govchain/cmd/govchain").CombinedOutput()
	require.NoError(t, err, "%s", out)
	return bin
}

// shell is one bash process in which a page's commands run one after
// another, so that a session's `export` and `alias` lines hold for the
// commands after them, in a directory of the test's own (also $HOME) that
// holds bin/govchain and the development chain's home .govchain-dev. The
// shell leads a process group of its own, which holds the jobs a session
// starts in the background (bash without job control leaves them in its
// group): the whole group is killed when the test ends, so that a job a
// session forgot to stop never outlives the test.
type shell struct {
	dir     string
	rpc     string
	web     string
	metrics string
	in      io.WriteCloser
	out     *bufio.Reader
	marker  int
}

// webAddr is the address of the HTTP API that a development node serves
// (app.toml's [web]); a page's commands reach the test node's API there.
const webAddr = "127.0.0.1:26680"

// metricsAddr is where a development node serves /metrics, /healthz and
// /readyz (govchain init --dev); the test's node uses a free port.
const metricsAddr = "127.0.0.1:26660"

// newShell sets up a page's directory and development chain, as `make
// run` does (govchain init --dev, then govchain start), on free loopback
// ports (the HTTP API's too), with blocks every 200 ms, and starts the
// shell. Both are stopped
// when the test ends, the shell with its whole process group, and both
// die with the test binary: the node by SIGKILL, the shell by SIGTERM,
// on which (as on the end of its input) its EXIT trap kills its group.
func newShell(t *testing.T, bin string) *shell {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "bin"), 0o755))
	b, err := os.ReadFile(bin)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "bin", "govchain"), b, 0o755))
	bin = filepath.Join(dir, "bin", "govchain")
	linkRepository(t, dir)
	home := filepath.Join(dir, ".govchain-dev")
	out, err := exec.Command(bin, "init", "--dev", "--home", home, "--chain-id", "govchain-dev", "--moniker", "dev").CombinedOutput()
	require.NoError(t, err, "%s", out)
	cfgPath := filepath.Join(home, "config", "config.toml")
	cfg, err := os.ReadFile(cfgPath)
	require.NoError(t, err)
	fast := regexp.MustCompile(`(?m)^timeout_commit = .*$`).ReplaceAll(cfg, []byte(`timeout_commit = "200ms"`))
	require.NotEqual(t, string(cfg), string(fast), "config.toml has no timeout_commit to shorten")
	require.NoError(t, os.WriteFile(cfgPath, fast, 0o644))

	rpc, web, metrics := startDevNode(t, bin, home, dir)

	cmd := exec.Command("bash", "--noprofile", "--norc")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir, "GOVCHAIN_NODE=http://"+rpc, "PATH="+filepath.Join(dir, "bin")+":"+os.Getenv("PATH"))
	cmd.Env = append(cmd.Env, goCaches(t)...)
	in, err := cmd.StdinPipe()
	require.NoError(t, err)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	dieWithTest(cmd, syscall.SIGTERM)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = in.Close()
		// The group's id is the shell's pid (Setpgid): this kills the
		// shell and every job it left, which would otherwise hold the
		// output pipe open and keep Wait from returning.
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
		_ = pw.Close()
	})
	// kill 0 signals the shell's own group, never the test's (Setpgid).
	_, err = io.WriteString(in, "trap 'kill -KILL 0' EXIT\n")
	require.NoError(t, err)
	sh := &shell{dir: dir, rpc: rpc, web: web, metrics: metrics, in: in, out: bufio.NewReader(pr)}
	// Wait for the first block, so that the first command finds state.
	require.Eventually(t, func() bool {
		_, code := sh.run(t, "govchain query chain >/dev/null 2>&1")
		return code == 0
	}, 60*time.Second, 200*time.Millisecond, "the development chain never committed a block")
	return sh
}

// run runs one command in the shell and returns what it printed (standard
// output and error, in order) and its exit status. The docs' default node
// and API addresses are the test node's.
func (s *shell) run(t *testing.T, cmd string) (string, int) {
	t.Helper()
	s.marker++
	end := fmt.Sprintf("__docs_test_end_%d__", s.marker)
	cmd = strings.ReplaceAll(cmd, "127.0.0.1:26657", s.rpc)
	cmd = strings.ReplaceAll(cmd, webAddr, s.web)
	cmd = strings.ReplaceAll(cmd, metricsAddr, s.metrics)
	script := fmt.Sprintf("{ %s\n} 2>&1; __docs_status=$?; echo; echo %s $__docs_status\n", cmd, end)
	_, err := io.WriteString(s.in, script)
	require.NoError(t, err)
	type result struct {
		out  string
		code int
		err  error
	}
	done := make(chan result, 1)
	go func() {
		var b strings.Builder
		for {
			line, err := s.out.ReadString('\n')
			if err != nil {
				done <- result{b.String(), -1, err}
				return
			}
			if rest, ok := strings.CutPrefix(line, end+" "); ok {
				var code int
				_, err := fmt.Sscan(rest, &code)
				out := strings.TrimSuffix(b.String(), "\n") // the echo before the marker
				done <- result{out, code, err}
				return
			}
			b.WriteString(line)
		}
	}()
	select {
	case r := <-done:
		require.NoError(t, r.err, "reading the output of %q", cmd)
		return r.out, r.code
	case <-time.After(2 * time.Minute):
		t.Fatalf("%q did not finish within 2 minutes", cmd)
		return "", -1
	}
}

// linkRepository makes a page's directory stand for the repository's
// root, where a reader who ran `make run` types the page's commands: every
// top-level entry of the repository but bin/ and the hidden ones is linked
// into it, so that a command such as `go run ./docs/goclient` runs as it
// would there. Sessions write their own files beside the links, never
// into them.
func linkRepository(t *testing.T, dir string) {
	t.Helper()
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	entries, err := os.ReadDir(root)
	require.NoError(t, err)
	for _, e := range entries {
		if e.Name() == "bin" || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		require.NoError(t, os.Symlink(filepath.Join(root, e.Name()), filepath.Join(dir, e.Name())))
	}
}

// goCaches returns the go command's cache and module directories as
// environment settings, so that a `go run` in a session, whose $HOME is
// the page's directory, builds from the caches the test itself uses
// instead of downloading every module again.
func goCaches(t *testing.T) []string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	require.NoError(t, err)
	vals := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Len(t, vals, 3)
	return []string{"GOCACHE=" + vals[0], "GOMODCACHE=" + vals[1], "GOPATH=" + vals[2]}
}

// startDevNode starts the development node of home on four ports of
// 127.0.0.1 and returns its RPC, web and metrics addresses once its RPC
// port accepts connections. A port picked free can be taken by another
// process before the node binds it (the other packages' tests run beside
// this one): a node that exits saying so is started again on other ports,
// at most three times. A node that exits for any other reason, or does
// not open its RPC port within a minute, fails the test with the end of
// its log.
func startDevNode(t *testing.T, bin, home, dir string) (rpc, web, metrics string) {
	t.Helper()
	const attempts = 3
	for attempt := 1; ; attempt++ {
		rpc, web, metrics = devnode.FreeAddr(), devnode.FreeAddr(), devnode.FreeAddr()
		node := exec.Command(bin, "start", "--home", home, "--rpc-laddr", "tcp://"+rpc,
			"--p2p-laddr", "tcp://"+devnode.FreeAddr(), "--web-laddr", web, "--metrics-laddr", metrics, "--log-level", "*:error")
		logPath := filepath.Join(dir, fmt.Sprintf("node-%d.log", attempt))
		logFile, err := os.Create(logPath)
		require.NoError(t, err)
		node.Stdout, node.Stderr = logFile, logFile
		dieWithTest(node, syscall.SIGKILL)
		require.NoError(t, node.Start())
		exited := make(chan struct{})
		go func() { _ = node.Wait(); close(exited) }()
		t.Cleanup(func() {
			_ = node.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(20 * time.Second):
				_ = node.Process.Kill()
				<-exited
			}
			_ = logFile.Close()
		})
		deadline := time.Now().Add(time.Minute)
		for {
			c, err := net.DialTimeout("tcp", rpc, time.Second)
			if err == nil {
				_ = c.Close()
				return rpc, web, metrics
			}
			select {
			case <-exited:
			case <-time.After(100 * time.Millisecond):
				if time.Now().Before(deadline) {
					continue
				}
				t.Fatalf("the development node never opened its RPC port %s within a minute; the end of its log:\n%s", rpc, logTail(logPath))
			}
			break
		}
		log := logTail(logPath)
		if attempt == attempts || !strings.Contains(log, "address already in use") {
			t.Fatalf("the development node exited (%v) before it opened its RPC port; the end of its log:\n%s", node.ProcessState, log)
		}
		t.Logf("the development node found a port taken (attempt %d of %d); starting it on other ports", attempt, attempts)
	}
}

// logTail returns the last 4 KiB of the file at path, or why it could not
// be read.
func logTail(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	if len(b) > 4096 {
		b = b[len(b)-4096:]
	}
	return string(b)
}

// dieWithTest starts cmd's process in a process group of its own, whose
// id is its pid, and makes it get sig when the OS thread that starts it
// exits. It locks the calling test goroutine to its thread and never
// unlocks it, so that thread exits when the test's goroutine ends (after
// its cleanups stopped the process cleanly) or when the test binary dies,
// however it dies: the process never outlives its test. Only the process
// gets sig, not its children: a process that starts others must take them
// down with it on sig (the shell's EXIT trap does).
func dieWithTest(cmd *exec.Cmd, sig syscall.Signal) {
	runtime.LockOSThread()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: sig}
}
