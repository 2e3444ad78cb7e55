package testnet

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	cmttypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/client"
)

// diskClockLog is the log level of the nodes the scenario restarts: the
// app's "committed" lines (abci) and the handshake's (consensus).
const diskClockLog = "GOVCHAIN_LOG_LEVEL=abci:info,main:info,state:info,consensus:info,*:warn"

// TestScenarioDiskAndClock is scenario 13: clock skew, power loss and
// truncated write-ahead logs, one after the other on one network of four
// memiavl validators under the workload. The whole run must keep making
// blocks (no stall of 15 s, but while it is halted on purpose), and end
// with safety (one chain, one app hash at every height on every node),
// durability of the workload's transactions, and no evidence of a double
// sign.
//
//   - clock-skew: one validator runs the fault-OS build with its wall
//     clock 30 s ahead, then another 30 s behind. Each must follow the
//     chain, sign it (its precommits carry its skewed time), and the block
//     times (BFT time: the median of the precommits' times) must stay
//     within 5 s of the true time.
//   - power-loss: a validator runs the fault-OS build journalling its
//     fsyncs; after a SIGKILL every file under its data directory is cut
//     back to what was last synced and files never synced are removed
//     (revertUnsynced). Restarted on the production build, its handshake
//     must find the app at or past the last Commit that returned (as its
//     log said before the kill) and not ahead of CometBFT's block store,
//     and it must be back at the tip.
//   - truncated-tail: with the chain halted (two validators frozen) a
//     validator is killed and the last bytes of CometBFT's consensus WAL
//     (data/cs.wal/wal) are cut: on restart CometBFT reads the WAL back and
//     repairs it, and once the chain resumes the validator must be back
//     at the tip. Another is killed and the last bytes of the
//     state engine's write-ahead log (memiavl's last WAL segment) are cut:
//     it must recover, or stop with an explicit error; then the operator's
//     recovery (its data wiped but for the validator's signing state, and
//     block sync from its peers) must bring it back at the tip.
//
// The short version skews each clock for 10 s, cuts the power once and
// each log once; the full one skews for 60 s each, cuts the power of every
// validator in turn, and cuts each log on two nodes.
func TestScenarioDiskAndClock(t *testing.T) {
	t.Parallel()
	skewFor, powerRounds, tailRounds := 10*time.Second, 1, 1
	if fullE2E() {
		skewFor, powerRounds, tailRounds = 60*time.Second, 4, 2
	}
	seed := scenarioSeed(t)
	rng := rand.New(rand.NewPCG(seed, 11))
	fo := faultOSBinary(t)
	started := time.Now()
	nw := startNetwork(t, netConfig{validators: 4})
	live := watchLiveness(nw)
	w := startWorkload(nw, seed)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	vals := nw.validators()

	// The phases share the network; a node's failure fails the test.
	phase := func(name string) {
		t.Logf("--- %s (%s since the network started)", name, time.Since(started).Round(time.Millisecond))
	}
	phase("clock-skew")
	skewRun(ctx, t, nw, vals[1], fo, 30*time.Second, skewFor)
	skewRun(ctx, t, nw, vals[2], fo, -30*time.Second, skewFor)
	phase("power-loss")
	for r := range powerRounds {
		powerLossOnce(t, nw, vals[(3+r)%4], fo, time.Duration(2+rng.IntN(4))*time.Second)
	}
	phase("truncated-tail")
	// The consensus WAL's cut is made with the chain halted on purpose:
	// liveness is watched before and after it.
	stall := live.stop()
	for r := range tailRounds {
		tailCutConsensusWAL(t, nw, vals[(0+2*r)%4], 1+rng.Int64N(200))
	}
	live = watchLiveness(nw)
	for r := range tailRounds {
		tailCutStateWAL(t, nw, vals[(2+2*r)%4], 1+rng.Int64N(200))
	}
	phase("checks")

	ops := w.stop()
	stall = max(stall, live.stop())
	t.Logf("longest time without a new block: %s", stall.Round(time.Millisecond))
	require.Less(t, stall, 15*time.Second, "liveness: the chain stalled with at most one validator of four faulty")
	nw.checkAfter(ctx, ops)
	_, err := nw.nodes[0].Client().Query(ctx, "/gov/evidence", client.QueryOptions{})
	require.ErrorContains(t, err, "evidence not found", "a validator double signed")
}

// skewRun restarts v on the fault-OS build with its wall clock off by
// skew, lets the chain run for d under the workload, and checks that v's
// own clock was skewed (its log's timestamps), that v followed the chain
// and signed it with precommits timestamped with its clock, and that
// block times stayed within 5 s of the true time. Then it restarts v on
// the production build and waits until it is ready at the tip.
func skewRun(ctx context.Context, t *testing.T, nw *network, v *node, fo string, skew, d time.Duration) {
	t.Helper()
	addr := validatorAddress(ctx, t, v)
	v.Stop()
	off := commitCrashLogSize(t, v)
	v.bin, v.env = fo, []string{envClockSkew + "=" + skew.String()}
	v.Start()
	from := nw.maxHeight()
	time.Sleep(d)
	to := nw.maxHeight()
	v.WaitHeight(to, time.Now().Add(30*time.Second))

	// v's clock: the timestamps of its own log lines.
	logged := skewLogTime(t, commitCrashLogSince(t, v, off))
	require.InDelta(t, skew.Seconds(), logged.Seconds(), 5, "%s's log is not %s off the true time", v.name, skew)

	// v's precommits and the block times, from another node's blocks.
	other := nw.nodes[(v.idx+1)%len(nw.nodes)]
	other.WaitHeight(to, time.Now().Add(30*time.Second)) // to is the highest node's height: other may be a block behind
	cl := other.Client().RPC()
	signed := 0
	for h := from + 1; h <= to; h++ {
		c, err := cl.Commit(ctx, ptr(h))
		require.NoError(t, err, "commit %d", h)
		// A precommit for block h is timestamped with its signer's clock,
		// but never before h's time plus 1 ms (CometBFT's voteTime): the
		// one ahead shows its skew, the one behind that minimum.
		for _, sig := range c.Commit.Signatures {
			if !bytes.Equal(sig.ValidatorAddress, addr) || sig.BlockIDFlag != cmttypes.BlockIDFlagCommit {
				continue
			}
			signed++
			after := sig.Timestamp.Sub(c.Header.Time)
			if skew > 0 {
				require.Greater(t, after, skew-5*time.Second, "%s's precommit for block %d is not timestamped by its clock, %s ahead", v.name, h, skew)
			} else {
				require.Equal(t, time.Millisecond, after, "%s's precommit for block %d, its clock %s behind", v.name, h, -skew)
			}
		}
	}
	require.Positive(t, signed, "%s signed none of blocks %d-%d with its clock %s off", v.name, from+1, to, skew)
	last, err := cl.Header(ctx, ptr(to))
	require.NoError(t, err)
	lag := time.Since(last.Header.Time)
	require.Less(t, absDuration(lag), 5*time.Second, "block %d's time is %s off the true time", to, lag)
	rep, rerr := v.Ready()
	t.Logf("%s's clock %s off: blocks %d-%d in %s, %d precommits of it in their commits; block %d's time %s from the true time; its /readyz: ready=%v %v %v",
		v.name, skew, from+1, to, d, signed, to, lag.Round(time.Millisecond), rep.Ready, rep.Reasons, rerr)

	v.Stop()
	v.bin, v.env = "", nil
	v.Start()
	t.Logf("%s back on the true clock, ready at the tip in %s", v.name, nw.waitTip(v, 30*time.Second).Round(time.Millisecond))
}

// validatorAddress is v's validator address, from its RPC status.
func validatorAddress(ctx context.Context, t *testing.T, v *node) []byte {
	t.Helper()
	st, err := v.Client().RPC().Status(ctx)
	require.NoError(t, err)
	return st.ValidatorInfo.Address
}

// skewLogTime returns how far ahead of the true time the newest
// timestamp of a plain-format log ("I[2006-01-02|15:04:05.000] ...", in
// UTC) is; the log must have been written a moment ago.
func skewLogTime(t *testing.T, log string) time.Duration {
	t.Helper()
	all := regexp.MustCompile(`(?m)^[DIEW]\[(\d{4}-\d\d-\d\d\|\d\d:\d\d:\d\d\.\d{3})\]`).FindAllStringSubmatch(log, -1)
	require.NotEmpty(t, all, "no timestamped line in:\n%s", log)
	ts, err := time.ParseInLocation("2006-01-02|15:04:05.000", all[len(all)-1][1], time.UTC)
	require.NoError(t, err)
	return ts.Sub(time.Now().UTC())
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// powerLossOnce stops v cleanly, flushes the machine's page cache to disk
// (sync(2): what is on disk now counts as durable), restarts v on the
// fault-OS build journalling its fsyncs, lets it run under the workload
// until d after its first Commit, kills it, reverts its data directory to what it had synced,
// and restarts it on the production build. The handshake must find the
// app at or past the last Commit v logged as done, and not ahead of
// CometBFT's block store; v must then be ready at the tip within 30 s.
func powerLossOnce(t *testing.T, nw *network, v *node, fo string, d time.Duration) {
	t.Helper()
	data := filepath.Join(v.home, "data")
	journal := filepath.Join(nw.dir, v.name+".fsync-journal")
	require.NoError(t, os.RemoveAll(journal))
	v.Stop()
	syscall.Sync()
	baseline, err := listFiles(data)
	require.NoError(t, err)
	off := commitCrashLogSize(t, v)
	v.bin, v.env = fo, []string{envFsyncJournal + "=" + journal, diskClockLog}
	v.Start()
	nw.waitTip(v, 30*time.Second)
	// The cut comes d after the node's first Commit since its start (a
	// node at the tip may wait a few seconds for its next block when the
	// machine is busy), so that there is a Commit it logged as done.
	committedRe := regexp.MustCompile(`committed +module=abci height=(\d+)`)
	require.Eventually(t, func() bool { return committedRe.MatchString(commitCrashLogSince(t, v, off)) },
		30*time.Second, 50*time.Millisecond, "%s logged no Commit within 30s of reaching the tip", v.name)
	time.Sleep(d)
	v.Kill()
	before := commitCrashLogSince(t, v, off)
	committed := committedRe.FindAllStringSubmatch(before, -1)
	lastCommit := commitCrashAtoi(t, committed[len(committed)-1][1])

	rev := revertUnsynced(t, data, baseline, journal)
	t.Logf("power cut on %s after its Commit of block %d: %d files cut back to their last fsync (%d bytes lost), %d never-synced files removed, %d files untouched",
		v.name, lastCommit, rev.truncated, rev.lostBytes, rev.removed, rev.kept)

	off = commitCrashLogSize(t, v)
	v.bin, v.env = "", []string{diskClockLog}
	v.Start()
	took := nw.waitTip(v, 30*time.Second)
	after := commitCrashLogSince(t, v, off)
	m := regexp.MustCompile(`ABCI Replay Blocks .*appHeight=(\d+) storeHeight=(\d+) stateHeight=(\d+)`).FindStringSubmatch(after)
	require.NotNil(t, m, "%s: no handshake in the log after the restart:\n%s", v.name, after)
	appH, storeH, stateH := commitCrashAtoi(t, m[1]), commitCrashAtoi(t, m[2]), commitCrashAtoi(t, m[3])
	require.GreaterOrEqual(t, appH, lastCommit, "durability: %s's Commit of block %d returned, but after the power cut the app is at %d", v.name, lastCommit, appH)
	require.LessOrEqual(t, appH, storeH, "%s: the app (%d) is ahead of CometBFT's block store (%d)", v.name, appH, storeH)
	t.Logf("%s restarted: handshake app %d, store %d, state %d; ready at the tip in %s", v.name, appH, storeH, stateH, took.Round(time.Millisecond))
}

// reverted counts what revertUnsynced did.
type reverted struct {
	truncated, removed, kept int
	lostBytes                int64
}

// revertUnsynced emulates the loss of the page cache under root: a file
// the journal says was synced (same path, same inode) is cut back to the
// size last synced; one that was there at the baseline (same inode) and
// was not synced since is cut back to its baseline size; any other is
// removed. Directories and symbolic links are left as they are.
func revertUnsynced(t *testing.T, root string, baseline map[string]fileState, journal string) reverted {
	t.Helper()
	synced, err := readFsyncJournal(journal)
	require.NoError(t, err)
	now, err := listFiles(root)
	require.NoError(t, err)
	var r reverted
	for p, f := range now {
		keep := int64(-1)
		if s, ok := synced[p]; ok && s.ino == f.ino {
			keep = s.size
		} else if b, ok := baseline[p]; ok && b.ino == f.ino {
			keep = b.size
		}
		switch {
		case keep < 0:
			require.NoError(t, os.Remove(p))
			r.removed++
			r.lostBytes += f.size
		case f.size > keep:
			require.NoError(t, os.Truncate(p, keep))
			r.truncated++
			r.lostBytes += f.size - keep
		default:
			r.kept++
		}
	}
	return r
}

// tailCut kills v and cuts the last n bytes of file (all of it if it is
// shorter), and returns how many bytes it cut and the size left.
func tailCut(t *testing.T, v *node, file string, n int64) (int64, int64) {
	t.Helper()
	v.Kill()
	st, err := os.Stat(file)
	require.NoError(t, err)
	n = min(n, st.Size())
	require.NoError(t, os.Truncate(file, st.Size()-n))
	return n, st.Size() - n
}

// tailCutConsensusWAL halts the chain (two other validators frozen),
// kills v, cuts the last n bytes of its consensus WAL's head file and
// restarts it. With every block already stored, v goes straight from
// block sync to consensus, which reads the WAL back (after block sync
// with blocks to fetch it would not): CometBFT must find the cut record,
// set the file aside as wal.CORRUPTED and repair it, unless the cut fell
// on a record boundary. Then the frozen validators are thawed and v must
// be ready at the tip within 30 s.
func tailCutConsensusWAL(t *testing.T, nw *network, v *node, n int64) {
	t.Helper()
	var frozen []*node
	for _, o := range nw.validators() {
		if o != v && len(frozen) < 2 {
			o.Freeze()
			frozen = append(frozen, o)
		}
	}
	time.Sleep(time.Second) // v writes its rounds' timeouts to the WAL
	wal := filepath.Join(v.home, "data", "cs.wal", "wal")
	cut, left := tailCut(t, v, wal, n)
	off := commitCrashLogSize(t, v)
	v.bin, v.env = "", []string{diskClockLog}
	v.Start()
	require.Eventually(t, func() bool {
		rep, err := v.Ready()
		return err == nil && !rep.Syncing
	}, 30*time.Second, 200*time.Millisecond, "%s did not leave block sync with the chain halted; log:\n%s", v.name, v.Tail())
	for _, o := range frozen {
		o.Thaw()
	}
	took := nw.waitTip(v, 30*time.Second)
	restart := commitCrashLogSince(t, v, off)
	_, err := os.Stat(wal + ".CORRUPTED")
	repaired := err == nil
	require.Equal(t, repaired, strings.Contains(restart, "the WAL file is corrupted; attempting repair"), "%s: wal.CORRUPTED and the log disagree:\n%s", v.name, restart)
	t.Logf("%s: the last %d bytes of cs.wal/wal cut (%d left) with the chain halted; WAL found corrupt and repaired: %v; ready at the tip in %s after the thaw",
		v.name, cut, left, repaired, took.Round(time.Millisecond))
}

// tailCutStateWAL kills v, cuts the last n bytes of memiavl's last WAL
// segment and restarts it. v must either be ready at the tip within 30 s
// or exit by itself with an explicit error naming the state; then the
// operator's recovery (resyncState) must bring it back.
func tailCutStateWAL(t *testing.T, nw *network, v *node, n int64) {
	t.Helper()
	walDir := filepath.Join(v.home, "data", "state", "memiavl", "wal")
	entries, err := os.ReadDir(walDir)
	require.NoError(t, err)
	last := ""
	for _, e := range entries {
		if !e.IsDir() && e.Name() > last {
			last = e.Name()
		}
	}
	require.NotEmpty(t, last, "no WAL segment in %s", walDir)
	cut, left := tailCut(t, v, filepath.Join(walDir, last), n)
	off := commitCrashLogSize(t, v)
	v.bin, v.env = "", []string{diskClockLog}
	done := v.Spawn()
	deadline := time.Now().Add(30 * time.Second)
	for {
		select {
		case <-done:
			exited, code := v.Exited(time.Second)
			require.True(t, exited)
			out := commitCrashLogSince(t, v, off)
			require.NotZero(t, code, "%s exited with status 0 after its state WAL was cut:\n%s", v.name, out)
			require.Regexp(t, `(?i)state.*corrupt|corrupt.*state`, out, "%s stopped without an explicit error about its state:\n%s", v.name, out)
			t.Logf("%s: the last %d bytes of state WAL segment %s cut (%d left): it refused to start (status %d): %s", v.name, cut, last, left, code, lastErrorLine(out))
			resyncState(t, nw, v)
			return
		default:
		}
		if rep, err := v.Ready(); err == nil && rep.Ready && rep.Height >= nw.maxHeight() {
			t.Logf("%s: the last %d bytes of state WAL segment %s cut (%d left): it recovered, ready at %d", v.name, cut, last, left, rep.Height)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s neither recovered nor stopped within 30 s after its state WAL was cut; log:\n%s", v.name, v.Tail())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// lastErrorLine is the last line of log that reads as an error.
func lastErrorLine(log string) string {
	lines := strings.Split(strings.TrimSpace(log), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := lines[i]; strings.Contains(strings.ToLower(l), "error") || strings.Contains(l, "corrupt") {
			return l
		}
	}
	return lines[len(lines)-1]
}

// clearData removes everything under the stopped node's data/ but its
// signing state (priv_validator_state.json, which keeps a validator from
// signing twice at a height it signed).
func clearData(t *testing.T, nd *node) {
	t.Helper()
	data := filepath.Join(nd.home, "data")
	entries, err := os.ReadDir(data)
	require.NoError(t, err)
	for _, e := range entries {
		if e.Name() != "priv_validator_state.json" {
			require.NoError(t, os.RemoveAll(filepath.Join(data, e.Name())))
		}
	}
}

// resyncState is the operator's recovery from a state that cannot be
// opened: everything under data/ is removed but the validator's signing
// state (priv_validator_state.json, which keeps it from signing twice at a
// height it signed), and the node block-syncs from its peers. It must be
// ready at the tip within 60 s.
func resyncState(t *testing.T, nw *network, v *node) {
	t.Helper()
	clearData(t, v)
	v.Start()
	t.Logf("%s resynced from its peers: ready at the tip in %s", v.name, nw.waitTip(v, 60*time.Second).Round(time.Millisecond))
}
