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
// store's directory (not those being written).
func memiavlSnapshots(t testing.TB, dir string) (versions []int64) {
	t.Helper()
	ents, err := os.ReadDir(filepath.Join(dir, memiavlengine.Dir))
	require.NoError(t, err)
	for _, e := range ents {
		if name := e.Name(); e.IsDir() && strings.HasPrefix(name, "snapshot-") && !strings.HasSuffix(name, "-tmp") {
			v, err := strconv.ParseInt(strings.TrimPrefix(name, "snapshot-"), 10, 64)
			require.NoError(t, err, name)
			versions = append(versions, v)
		}
	}
	return versions
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
	current := int64(0)
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
		// The snapshot the tree is read from, and those on disk: with
		// KeepRecent 0 the switch pruned every older one, so what is on
		// disk is the current snapshot and at most one newer, rewritten
		// but not yet switched to.
		now := store.TreeSnapshot(st)
		versions = memiavlSnapshots(t, dir)
		require.GreaterOrEqual(t, now, current)
		current = now
		require.Zero(t, current%5, "snapshot %d", current)
		require.Equal(t, current, versions[0], "snapshots on disk %v, tree read from %d", versions, current)
		require.LessOrEqual(t, len(versions), 2, "snapshots on disk %v, tree read from %d", versions, current)
		time.Sleep(5 * time.Millisecond) // let the background rewrite run
	}
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
