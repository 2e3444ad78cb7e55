package app

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/memiavlengine"
	"github.com/govchain/govchain/state/store"
)

// memiavlSnapshots lists the versions of the snapshots in a memiavl
// store's directory and the one "current" names.
func memiavlSnapshots(t testing.TB, dir string) (versions []int64, current int64) {
	t.Helper()
	mdir := filepath.Join(dir, memiavlengine.Dir)
	ents, err := os.ReadDir(mdir)
	require.NoError(t, err)
	parse := func(name string) int64 {
		v, err := strconv.ParseInt(strings.TrimPrefix(name, "snapshot-"), 10, 64)
		require.NoError(t, err, name)
		return v
	}
	for _, e := range ents {
		if e.IsDir() && strings.HasPrefix(e.Name(), "snapshot-") && !strings.HasSuffix(e.Name(), "-tmp") {
			versions = append(versions, parse(e.Name()))
		}
	}
	target, err := os.Readlink(filepath.Join(mdir, "current"))
	require.NoError(t, err)
	return versions, parse(target)
}

// TestNodeSwitchesToItsSnapshots runs the App on memiavl with a snapshot
// every 5 versions and checks that the engine moves on to its rewritten
// snapshots while the App keeps its committed view for CheckTx and Query:
// newer snapshots keep coming, older ones are pruned, and after each switch
// the App answers proven queries from the reloaded tree. A view held
// across Commit would leave the engine on its first snapshot for ever.
func TestNodeSwitchesToItsSnapshots(t *testing.T) {
	dir := t.TempDir()
	cfg := state.DefaultConfig()
	cfg.Engine = state.EngineMemIAVL
	cfg.SnapshotInterval = 5
	st, err := store.Open(dir, cfg)
	require.NoError(t, err)
	c := newTestChainOn(t, st, nil)
	c.block()
	alice := c.addr("alice")
	deadline := time.Now().Add(30 * time.Second)
	var versions []int64
	// previous is the snapshot the engine last switched away from: a new
	// rewrite starts only after a switch, so once current has moved on
	// from previous, the switch to previous pruned everything older.
	current, previous := int64(0), int64(0)
	for i := 0; current < 30; i++ {
		require.True(t, time.Now().Before(deadline), "the engine stayed on snapshot %d (snapshots %v) at version %d", current, versions, c.store.Version())
		id := fmt.Sprintf("P-%d", i)
		reg := c.sign("registrar", &land.RegisterParcel{ParcelID: id, CadastralRef: "CAD-" + id, AreaM2: 100,
			Location: "here", Denominator: 1, Owners: []land.Share{{Account: alice, Shares: 1}}, DocumentHash: docHash(id)})
		require.NoError(t, c.app.CheckTx(reg).Err)
		require.NoError(t, c.block(reg)[0].Err)
		q := c.query("/land/parcel/" + id)
		require.NoError(t, q.Err)
		require.NotEmpty(t, q.Proofs)
		q = c.query("/land/parcel/P-0")
		require.NoError(t, q.Err)
		var now int64
		versions, now = memiavlSnapshots(t, dir)
		if now != current {
			previous, current = current, now
		}
		time.Sleep(5 * time.Millisecond) // let the background rewrite run
	}
	// KeepRecent 0: at most two snapshots are left (the one switched to
	// last, and the current one the next commit switches to, or a newer
	// one being named current); snapshot 0 and every later one before
	// previous are gone.
	require.LessOrEqual(t, len(versions), 2, "snapshots %v", versions)
	require.Contains(t, versions, current)
	require.GreaterOrEqual(t, versions[0], previous, "snapshots %v, current %d", versions, current)
}

// TestFinalizeAgainBeforeCommit finalizes a block twice before Commit, as
// CometBFT may after a failed attempt: the second run starts again from the
// committed state (memiavl's Rollback waits for views of the written tree,
// so the App closes its own first) and gives the same results.
func TestFinalizeAgainBeforeCommit(t *testing.T) {
	for _, eng := range []string{state.EngineMemIAVL, state.EngineIAVL} {
		t.Run(eng, func(t *testing.T) {
			c := newTestChain(t, eng, t.TempDir())
			c.block()
			id := "P-1"
			reg := c.sign("registrar", &land.RegisterParcel{ParcelID: id, CadastralRef: "CAD-1", AreaM2: 100,
				Location: "here", Denominator: 1, Owners: []land.Share{{Account: c.addr("alice"), Shares: 1}}, DocumentHash: docHash(id)})
			c.height++
			c.time = c.time.Add(10 * time.Second)
			first, err := c.app.FinalizeBlock(c.height, c.time, [][]byte{reg})
			require.NoError(t, err)
			require.NoError(t, first.Txs[0].Err)
			type result struct {
				block *BlockResult
				err   error
			}
			done := make(chan result, 1)
			go func() {
				again, err := c.app.FinalizeBlock(c.height, c.time, [][]byte{reg})
				done <- result{again, err}
			}()
			var again *BlockResult
			select {
			case r := <-done:
				require.NoError(t, r.err)
				again = r.block
			case <-time.After(20 * time.Second):
				t.Fatal("the second FinalizeBlock of the height did not return")
			}
			require.NoError(t, again.Txs[0].Err, "the first run's writes were not rolled back")
			require.Equal(t, first.AppHash, again.AppHash)
			// CheckTx still reads the committed state: the parcel is not there.
			require.NotNil(t, c.app.Query("/land/parcel/"+id, 0, false).Err)
			v, err := c.app.Commit()
			require.NoError(t, err)
			require.Equal(t, c.height, v)
			require.NoError(t, c.query("/land/parcel/"+id).Err)
		})
	}
}
