package testnet

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
)

// The fault-OS build: govchain compiled with `go build -overlay` over
// three files of the standard library's time and os packages, generated
// here from the sources of the Go that builds it (go env GOROOT) so that
// they follow the Go version. It exists only in the test's temporary
// directory; the production binary never carries it
// (TestFaultOSBinaryOnlyInTests).
//
//   - time.Now adds GOVCHAIN_CLOCK_SKEW (a Go duration, "30s", "-30s") to
//     the wall clock and leaves the monotonic clock alone: the node sees
//     a skewed CLOCK_REALTIME, as a machine whose clock is off does, while
//     its timers and durations run at the true rate. (Go reads the clock
//     through the vDSO, so an LD_PRELOAD library such as libfaketime does
//     not reach it.)
//   - With GOVCHAIN_FSYNC_JOURNAL naming a file, every successful
//     (*os.File).Sync of a regular file appends "sync <inode> <size>
//     <path>" to it, every os.OpenFile with O_SYNC or O_DSYNC (each write
//     durable) "osync <inode> <path>", and every successful os.Rename
//     "rename <old> <new>":
//     after a SIGKILL, revertUnsynced truncates every file to what was
//     synced and removes what never was, as a power cut loses the page
//     cache (powerloss_test.go says what this does not model).
//
// Without the two variables the build behaves as the production one.
const (
	envClockSkew    = "GOVCHAIN_CLOCK_SKEW"
	envFsyncJournal = "GOVCHAIN_FSYNC_JOURNAL"
)

// faultOS is the fault-OS binary, built at most once per test binary.
var faultOS struct {
	once sync.Once
	path string
	err  error
}

// faultOSBinary builds the fault-OS binary the first time a test asks for
// it (a minute or two: the overlay rebuilds the standard library) and
// returns its path, beside the binaries TestMain built.
func faultOSBinary(t *testing.T) string {
	t.Helper()
	faultOS.once.Do(func() {
		dir := filepath.Dir(binary)
		overlay, err := writeFaultOSOverlay(filepath.Join(dir, "overlay"))
		if err != nil {
			faultOS.err = err
			return
		}
		out := filepath.Join(dir, "govchain-faultos")
		cmd := exec.Command("go", "build", "-overlay", overlay, "-o", out, "github.com/govchain/govchain/cmd/govchain")
		if b, err := cmd.CombinedOutput(); err != nil {
			faultOS.err = fmt.Errorf("go build -overlay: %v\n%s", err, b)
			return
		}
		faultOS.path = out
	})
	require.NoError(t, faultOS.err)
	return faultOS.path
}

// overlayEdit replaces the one occurrence of old in GOROOT's src/file.
type overlayEdit struct{ file, old, new string }

// faultOSEdits rename the standard library functions the overlay wraps;
// faultOSFiles are the files it adds, which define them anew.
var faultOSEdits = []overlayEdit{
	{"time/time.go", "\nfunc Now() Time {", "\nfunc nowTrue() Time {"},
	{"os/file_posix.go", "\nfunc (f *File) Sync() error {", "\nfunc (f *File) syncUnjournaled() error {"},
	{"os/file.go", "\nfunc Rename(oldpath, newpath string) error {", "\nfunc renameUnjournaled(oldpath, newpath string) error {"},
	{"os/file.go", "\nfunc OpenFile(name string, flag int, perm FileMode) (*File, error) {", "\nfunc openFileUnjournaled(name string, flag int, perm FileMode) (*File, error) {"},
}

var faultOSFiles = map[string]string{
	"time/zz_govchain_skew.go": `package time

import "syscall"

// govchainSkew is GOVCHAIN_CLOCK_SKEW, added to the wall clock.
var govchainSkew = func() Duration {
	s, _ := syscall.Getenv("` + envClockSkew + `")
	if s == "" {
		return 0
	}
	d, err := ParseDuration(s)
	if err != nil {
		panic("` + envClockSkew + `: " + err.Error())
	}
	return d
}()

// Now is the true time with govchainSkew added to its wall clock; its
// monotonic reading is the true one.
func Now() Time {
	t := nowTrue()
	if govchainSkew == 0 {
		return t
	}
	mono, hasMono := t.ext, t.wall&hasMonotonic != 0
	t = t.Add(govchainSkew)
	if hasMono && t.wall&hasMonotonic != 0 {
		t.ext = mono
	}
	return t
}
`,
	"os/zz_govchain_fsync_journal.go": `package os

import (
	"sync"
	"syscall"
)

// fsyncJournal is the file GOVCHAIN_FSYNC_JOURNAL names, opened for
// appending on first use; fd is -1 without one.
var fsyncJournal struct {
	once sync.Once
	fd   int
}

func journalFD() int {
	fsyncJournal.once.Do(func() {
		fsyncJournal.fd = -1
		p, _ := syscall.Getenv("` + envFsyncJournal + `")
		if p == "" {
			return
		}
		fd, err := syscall.Open(p, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_APPEND|syscall.O_CLOEXEC, 0o644)
		if err != nil {
			panic("` + envFsyncJournal + `: " + err.Error())
		}
		fsyncJournal.fd = fd
	})
	return fsyncJournal.fd
}

func journalAbs(name string) string {
	if len(name) > 0 && name[0] == '/' {
		return name
	}
	wd, err := Getwd()
	if err != nil {
		return name
	}
	return wd + "/" + name
}

func journalWrite(line string) {
	if _, err := syscall.Write(journalFD(), []byte(line)); err != nil {
		panic("` + envFsyncJournal + `: " + err.Error())
	}
}

func itoa64(v int64) string {
	if v == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for v > 0 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return string(b[i:])
}

// Sync is the true Sync, then, for a regular file, a journal line with
// the inode and the size it made durable.
func (f *File) Sync() error {
	if err := f.syncUnjournaled(); err != nil {
		return err
	}
	if journalFD() < 0 {
		return nil
	}
	var st syscall.Stat_t
	if err := f.pfd.Fstat(&st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil
	}
	journalWrite("sync " + itoa64(int64(st.Ino)) + " " + itoa64(st.Size) + " " + journalAbs(f.name) + "\n")
	return nil
}

// OpenFile is the true OpenFile, then, for a regular file opened with
// O_SYNC or O_DSYNC (every write durable when it returns), a journal line
// "osync <inode> <path>".
func OpenFile(name string, flag int, perm FileMode) (*File, error) {
	f, err := openFileUnjournaled(name, flag, perm)
	if err != nil || flag&(syscall.O_SYNC|syscall.O_DSYNC) == 0 || journalFD() < 0 {
		return f, err
	}
	var st syscall.Stat_t
	if f.pfd.Fstat(&st) == nil && st.Mode&syscall.S_IFMT == syscall.S_IFREG {
		journalWrite("osync " + itoa64(int64(st.Ino)) + " " + journalAbs(name) + "\n")
	}
	return f, nil
}

// Rename is the true Rename, then a journal line.
func Rename(oldpath, newpath string) error {
	if err := renameUnjournaled(oldpath, newpath); err != nil {
		return err
	}
	if journalFD() >= 0 {
		journalWrite("rename " + journalAbs(oldpath) + " " + journalAbs(newpath) + "\n")
	}
	return nil
}
`,
}

// writeFaultOSOverlay writes the edited and added files under dir and the
// overlay file that maps GOROOT's paths to them, and returns the overlay
// file's path. An edit whose text is not exactly once in its file (a Go
// version that changed it) is an error naming the file.
func writeFaultOSOverlay(dir string) (string, error) {
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		return "", fmt.Errorf("overlay: go env GOROOT: %w", err)
	}
	src := filepath.Join(strings.TrimSpace(string(goroot)), "src")
	replace := map[string]string{}
	edited := map[string][]byte{} // by file, every edit applied in turn
	var files []string
	for _, e := range faultOSEdits {
		b, ok := edited[e.file]
		if !ok {
			var err error
			if b, err = os.ReadFile(filepath.Join(src, e.file)); err != nil {
				return "", err
			}
			files = append(files, e.file)
		}
		if n := bytes.Count(b, []byte(e.old)); n != 1 {
			return "", fmt.Errorf("overlay: %q is %d times in GOROOT's %s (want once): the Go version changed it", e.old, n, e.file)
		}
		edited[e.file] = bytes.Replace(b, []byte(e.old), []byte(e.new), 1)
	}
	for _, f := range files {
		out := filepath.Join(dir, f)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(out, edited[f], 0o644); err != nil {
			return "", err
		}
		replace[filepath.Join(src, f)] = out
	}
	for name, text := range faultOSFiles {
		out := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(out, []byte(text), 0o644); err != nil {
			return "", err
		}
		replace[filepath.Join(src, name)] = out
	}
	b, err := json.Marshal(map[string]any{"Replace": replace})
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "overlay.json")
	return path, os.WriteFile(path, b, 0o644)
}

// TestFaultOSBinaryOnlyInTests requires the fault-OS hooks (their
// environment variables' names) in the fault-OS build and in neither the
// production build nor the faultinject one.
func TestFaultOSBinaryOnlyInTests(t *testing.T) {
	has := func(path, s string) bool {
		b, err := os.ReadFile(path)
		require.NoError(t, err)
		return bytes.Contains(b, []byte(s))
	}
	fo := faultOSBinary(t)
	for _, env := range []string{envClockSkew, envFsyncJournal} {
		require.True(t, has(fo, env), "the fault-OS build lacks %s", env)
		require.False(t, has(binary, env), "the production build carries %s", env)
		require.False(t, has(faultBinary, env), "the faultinject build carries %s", env)
	}
}

// syncedFile is what the journal says of a path: the inode synced under
// it and the size synced (allSynced: every write, O_SYNC).
type syncedFile struct {
	ino  uint64
	size int64
}

// allSynced is the size of a file whose every write was durable.
const allSynced = int64(1<<63 - 1)

// readFsyncJournal replays a journal into what each path holds durably:
// a sync records (inode, size) under its path, an O_SYNC open (inode,
// everything); a rename moves the
// records of the old path, and of every path below it, to the new one.
func readFsyncJournal(path string) (map[string]syncedFile, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]syncedFile{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]syncedFile{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		fields := strings.SplitN(sc.Text(), " ", 4)
		switch {
		case fields[0] == "sync" && len(fields) == 4:
			ino, err1 := strconv.ParseUint(fields[1], 10, 64)
			size, err2 := strconv.ParseInt(fields[2], 10, 64)
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("%s: bad line %q", path, sc.Text())
			}
			out[fields[3]] = syncedFile{ino: ino, size: size}
		case fields[0] == "osync" && len(fields) >= 3:
			ino, err := strconv.ParseUint(fields[1], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("%s: bad line %q", path, sc.Text())
			}
			out[strings.Join(fields[2:], " ")] = syncedFile{ino: ino, size: allSynced}
		case fields[0] == "rename" && len(fields) == 3:
			oldp, newp := fields[1], fields[2]
			for p, s := range out {
				switch {
				case p == oldp:
					delete(out, p)
					out[newp] = s
				case strings.HasPrefix(p, oldp+"/"):
					delete(out, p)
					out[newp+p[len(oldp):]] = s
				}
			}
		default:
			return nil, fmt.Errorf("%s: bad line %q", path, sc.Text())
		}
	}
	return out, sc.Err()
}

// fileState is a regular file's inode and size.
type fileState struct {
	ino  uint64
	size int64
}

// listFiles returns every regular file under root with its inode and
// size (symbolic links and directories are left out).
func listFiles(root string) (map[string]fileState, error) {
	out := map[string]fileState{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		var st syscall.Stat_t
		if err := syscall.Lstat(p, &st); err != nil {
			return err
		}
		out[p] = fileState{ino: st.Ino, size: st.Size}
		return nil
	})
	return out, err
}
