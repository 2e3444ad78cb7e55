package main

import (
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"syscall"
	"testing"
	"time"

	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/internal/devnode"
)

// envRunMain makes the test binary run the command line instead of the
// tests, so that a test can run govchain as a process of its own.
const envRunMain = "GOVCHAIN_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(envRunMain) == "1" {
		main()
	}
	os.Exit(m.Run())
}

// TestCleanStopLogsNoError starts a node process on 127.0.0.1 with free
// ports and every module logging at info level, lets it make blocks,
// stops it with SIGTERM (and again with SIGINT) and requires exit status
// 0 and not one error-level line in its output.
func TestCleanStopLogsNoError(t *testing.T) {
	home := filepath.Join(t.TempDir(), "dev")
	_, errOut, code := govchain(t, "init", "--dev", "--home", home, "--chain-id", "stop-1")
	require.Equal(t, 0, code, errOut)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			rpc := devnode.FreeAddr()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "start", "--home", home, "--rpc-laddr", "tcp://"+rpc,
				"--p2p-laddr", "tcp://"+devnode.FreeAddr(), "--web-laddr", "127.0.0.1:0",
				"--metrics-laddr", devnode.FreeAddr(), "--log-level", "info")
			cmd.Env = append(os.Environ(), envRunMain+"=1")
			var out devnode.SyncBuffer
			cmd.Stdout, cmd.Stderr = &out, &out
			require.NoError(t, cmd.Start())
			// Two blocks past the first one the RPC server reports.
			first := int64(0)
			require.Eventually(t, func() bool {
				h, err := latestHeight("http://" + rpc)
				if err != nil {
					return false
				}
				if first == 0 {
					first = h
				}
				return h >= first+2
			}, 60*time.Second, 200*time.Millisecond, "the node made no blocks:\n%s", out.String())

			require.NoError(t, cmd.Process.Signal(sig))
			require.NoError(t, cmd.Wait(), "exit status:\n%s", out.String())
			require.Equal(t, 0, cmd.ProcessState.ExitCode())
			log := out.String()
			require.Contains(t, log, "stopping on signal")
			require.Contains(t, log, "stopped cleanly")
			require.Contains(t, log, "RPC HTTP server stopped", "the RPC listener was closed")
			errLines := regexp.MustCompile(`(?m)^(E\[.*|.*level=error.*|.*"level":"error".*)$`).FindAllString(log, -1)
			require.Empty(t, errLines, "error-level lines on a clean stop")
		})
	}
}

// latestHeight returns the height of the node's latest block.
func latestHeight(node string) (int64, error) {
	var st struct {
		Result struct {
			SyncInfo struct {
				LatestBlockHeight int64 `json:"latest_block_height,string"`
			} `json:"sync_info"`
		} `json:"result"`
	}
	if err := getJSON(node+"/status", &st); err != nil {
		return 0, err
	}
	return st.Result.SyncInfo.LatestBlockHeight, nil
}

// levelLog records the level and message of each line.
type levelLog struct {
	cmtlog.Logger
	lines *[]string
}

func (l levelLog) Debug(msg string, _ ...any) { *l.lines = append(*l.lines, "D "+msg) }
func (l levelLog) Error(msg string, _ ...any) { *l.lines = append(*l.lines, "E "+msg) }
func (l levelLog) With(...any) cmtlog.Logger  { return l }

// TestStopLogger: only the listener-closing lines, and only once a stop
// began, lose their error level.
func TestStopLogger(t *testing.T) {
	var lines []string
	l := newStopLogger(levelLog{Logger: cmtlog.NewNopLogger(), lines: &lines})
	closed := &net.OpError{Op: "accept", Net: "tcp", Err: net.ErrClosed}
	log := func(l cmtlog.Logger) {
		l.Error("Error serving server", "err", closed)
		l.Error("Stopped accept routine, as transport is closed", "numPeers", 0)
		l.Error("Error serving server", "err", errors.New("tls: bad certificate"))
		l.Error("Failed to write", "err", closed)
	}
	log(l)
	require.Equal(t, []string{"E Error serving server", "E Stopped accept routine, as transport is closed", "E Error serving server", "E Failed to write"}, lines)
	lines = nil
	l.Stopping()
	log(l.With("module", "p2p"))
	require.Equal(t, []string{"D Error serving server", "D Stopped accept routine, as transport is closed", "E Error serving server", "E Failed to write"}, lines)
}
