package testnet

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// commitCrashPoints are the places inside ABCI Commit where the
// faultinject build kills the node (GOVCHAIN_FAULT_COMMIT).
var commitCrashPoints = []string{"before-write", "after-write", "before-return"}

// commitCrashReplayLog is the level that makes CometBFT's handshake log
// how it replays (consensus:info) on a restarted node.
const commitCrashReplayLog = "GOVCHAIN_LOG_LEVEL=main:info,state:info,consensus:info,*:warn"

// TestScenarioCrashInCommit is scenario 2: four validators (memiavl and
// IAVL alternately) under the workload; one at a time, a validator is
// restarted on the faultinject build set to SIGKILL itself at one of the
// three points of Commit (before the state is written, right after, just
// before returning) for a block a few heights ahead. It must die there
// (its log names the point and height), then restart on the production
// build, replay and be back at the tip within 30 s. Its handshake must
// show where the crash left it: for block N, the block store at N and
// CometBFT's state at N-1, and the app at N-1 (crash before the write: the
// block is re-executed) or at N (after the write: only CometBFT's state
// is rebuilt). The short version crashes once at each point; the full one
// three times at each, on both engines. Then safety, durability and
// liveness.
func TestScenarioCrashInCommit(t *testing.T) {
	t.Parallel()
	rounds := 1
	if fullE2E() {
		rounds = 3
	}
	seed := scenarioSeed(t)
	nw := startNetwork(t, netConfig{validators: 4, engines: "memiavl,iavl,memiavl,iavl"})
	live := watchLiveness(nw)
	w := startWorkload(nw, seed)

	crashes := 0
	for r := range rounds {
		for i, point := range commitCrashPoints {
			// Round r puts point i on validator 3r+i (mod 4): over three
			// rounds every point hits both engines.
			v := nw.validators()[(3*r+i)%4]
			commitCrashOnce(t, nw, v, point)
			crashes++
		}
	}
	ops := w.stop()
	stall := live.stop()
	t.Logf("%d crashes inside Commit; longest time without a new block: %s", crashes, stall.Round(time.Millisecond))
	require.Less(t, stall, 15*time.Second, "liveness: the chain stalled with at most one validator of four down")

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	nw.checkAfter(ctx, ops)
}

// commitCrashOnce restarts v on the faultinject build set to crash at
// point for block N = the network's tip + 3, waits (60 s at most) for it
// to die by a signal, requires its log to name point and N, restarts it on
// the production build and requires the handshake to replay from where
// that point leaves the stores, and v to be back at the tip within 30 s.
func commitCrashOnce(t *testing.T, nw *network, v *node, point string) {
	t.Helper()
	start := time.Now()
	target := nw.maxHeight() + 3
	v.Stop()
	off := commitCrashLogSize(t, v)
	v.bin, v.env = faultBinary, []string{"GOVCHAIN_FAULT_COMMIT=" + point, fmt.Sprintf("GOVCHAIN_FAULT_HEIGHT=%d", target)}
	v.Spawn()
	exited, code := v.Exited(60 * time.Second)
	require.True(t, exited, "%s did not crash %s in Commit of block %d within 60 s; log:\n%s", v.name, point, target, v.Tail())
	require.Equal(t, -1, code, "%s must die by SIGKILL, not exit; log:\n%s", v.name, v.Tail())
	crashLog := commitCrashLogSince(t, v, off)
	require.Regexp(t, fmt.Sprintf(`fault injection: crashing inside Commit +module=abci point=%s height=%d\b`, point, target), crashLog)
	crashedAt := time.Now()

	off = commitCrashLogSize(t, v)
	v.bin, v.env = "", []string{commitCrashReplayLog}
	v.Start()
	nw.waitTip(v, 30*time.Second)
	back := time.Since(crashedAt)
	restartLog := commitCrashLogSince(t, v, off)
	m := regexp.MustCompile(`ABCI Replay Blocks .*appHeight=(\d+) storeHeight=(\d+) stateHeight=(\d+)`).FindStringSubmatch(restartLog)
	require.NotNil(t, m, "%s: no handshake in the log after the restart:\n%s", v.name, restartLog)
	appH, storeH, stateH := commitCrashAtoi(t, m[1]), commitCrashAtoi(t, m[2]), commitCrashAtoi(t, m[3])
	wantApp, replay := target, "Replay last block using mock app"
	if point == "before-write" {
		wantApp, replay = target-1, "Replay last block using real app"
	}
	require.Equal(t, target, storeH, "%s: block store height after a crash in Commit of %d", v.name, target)
	require.Equal(t, target-1, stateH, "%s: CometBFT state height after a crash in Commit of %d", v.name, target)
	require.Equal(t, wantApp, appH, "%s: app height after a crash %s in Commit of %d", v.name, point, target)
	require.Contains(t, restartLog, replay)
	t.Logf("%s crashed %s in Commit of block %d (%s after its restart on the fault build); handshake: app %d, store %d, state %d; restarted and back at the tip %s after the crash",
		v.name, point, target, crashedAt.Sub(start).Round(time.Millisecond), appH, storeH, stateH, back.Round(time.Millisecond))
}

// commitCrashLogSize is the current length of v's log.
func commitCrashLogSize(t *testing.T, v *node) int64 {
	t.Helper()
	st, err := os.Stat(filepath.Join(v.home, "node.log"))
	require.NoError(t, err)
	return st.Size()
}

// commitCrashLogSince returns v's log from byte off on.
func commitCrashLogSince(t *testing.T, v *node, off int64) string {
	t.Helper()
	f, err := os.Open(filepath.Join(v.home, "node.log"))
	require.NoError(t, err)
	defer f.Close()
	_, err = f.Seek(off, io.SeekStart)
	require.NoError(t, err)
	b, err := io.ReadAll(f)
	require.NoError(t, err)
	return string(b)
}

func commitCrashAtoi(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	require.NoError(t, err)
	return n
}
