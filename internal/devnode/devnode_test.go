package devnode

import (
	"bufio"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// envPortsChild makes the test binary a child of
// TestFreePortsAreDisjointAcrossProcesses.
const envPortsChild = "GOVCHAIN_DEVNODE_PORTS_CHILD"

// TestFreePortsAreDisjointAcrossProcesses: two processes that hold 500
// ports each at the same time never got the same one, each port was
// free and below the kernel's ephemeral range, and a process never gets
// a port twice.
func TestFreePortsAreDisjointAcrossProcesses(t *testing.T) {
	if os.Getenv(envPortsChild) != "" {
		var out []string
		for range 500 {
			out = append(out, strconv.Itoa(FreePort()))
		}
		os.Stdout.WriteString(strings.Join(out, " ") + "\n")
		_, _ = io.Copy(io.Discard, os.Stdin) // hold them until the parent has both lists
		return
	}
	lo, hi := reservedRange()
	seen := map[int]int{}
	var stdins []io.Closer
	var cmds []*exec.Cmd
	for child := 1; child <= 2; child++ {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestFreePortsAreDisjointAcrossProcesses$")
		cmd.Env = append(os.Environ(), envPortsChild+"=1")
		stdin, err := cmd.StdinPipe()
		require.NoError(t, err)
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		stdins, cmds = append(stdins, stdin), append(cmds, cmd)
		line, err := bufio.NewReader(stdout).ReadString('\n')
		require.NoError(t, err)
		fields := strings.Fields(line)
		require.Len(t, fields, 500)
		for _, f := range fields {
			p, err := strconv.Atoi(f)
			require.NoError(t, err)
			require.True(t, p >= lo && p < hi, "port %d outside [%d, %d)", p, lo, hi)
			require.Zero(t, seen[p], "port %d given to child %d and to child %d", p, seen[p], child)
			seen[p] = child
		}
	}
	// While the children hold their ports this process gets others.
	for range 200 {
		p := FreePort()
		require.Zero(t, seen[p], "port %d given to child %d and to this process", p, seen[p])
		seen[p] = 3
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		require.NoError(t, err, "a port FreePort gave is not free")
		l.Close()
	}
	for i, cmd := range cmds {
		require.NoError(t, stdins[i].Close())
		require.NoError(t, cmd.Wait())
	}
}
