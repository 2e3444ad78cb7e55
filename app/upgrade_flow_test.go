package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/gov"
	"github.com/govchain/govchain/app/notary"
	"github.com/govchain/govchain/app/upgrade"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/store"
)

// demoSHA is the binary hash the tests' plans name.
var demoSHA = core.HexBytes(bytes.Repeat([]byte{0xab}, 32))

// passChange submits change ch and passes it with the votes of both test
// agencies, three blocks, and returns the proposal.
func (c *testChain) passChange(summary string, ch gov.Change) gov.Proposal {
	c.t.Helper()
	r := c.mustExec("admin-justice", &gov.SubmitProposal{Summary: summary, Change: ch})
	id, err := strconv.ParseUint(eventAttr(r.Events, "proposal_id"), 10, 64)
	require.NoError(c.t, err)
	c.mustExec("admin-justice", &gov.CastVote{ProposalID: id, Option: gov.OptionYes})
	c.mustExec("admin-finance", &gov.CastVote{ProposalID: id, Option: gov.OptionYes})
	q := c.query(fmt.Sprintf("/gov/proposal/%d", id))
	require.NoError(c.t, q.Err)
	var p gov.Proposal
	require.NoError(c.t, json.Unmarshal(q.Value, &p))
	return p
}

// reopen closes the chain's app and opens its store again, as a restart
// of the node with a binary carrying reg does.
func (c *testChain) reopen(dir, engine string, reg upgrade.Registry) error {
	c.t.Helper()
	if err := c.app.Close(); !errors.Is(err, state.ErrClosed) {
		require.NoError(c.t, err)
	}
	cfg := state.DefaultConfig()
	cfg.Engine = engine
	st, err := store.Open(dir, cfg)
	require.NoError(c.t, err)
	a, err := NewWithUpgrades(st, reg)
	if err != nil {
		_ = st.Close()
		return err
	}
	c.t.Cleanup(func() { _ = a.Close() })
	c.app, c.store = a, st
	return nil
}

// anchor anchors the document named s and returns its hash.
func (c *testChain) anchor(s string) core.Hash {
	c.t.Helper()
	h := docHash(s)
	c.mustExec("notary", &notary.AnchorDocument{DocumentHash: h, DocType: "deed"})
	return h
}

// schedule passes a plan for upgrade name at height, and requires it to
// be the stored plan.
func (c *testChain) schedule(name string, height int64) gov.UpgradePlan {
	c.t.Helper()
	p := c.passChange("upgrade "+name, gov.Change{ScheduleUpgrade: &gov.ScheduleUpgrade{
		Name: name, Height: height, BinarySHA256: demoSHA, Notes: "from the release page"}})
	require.Equal(c.t, gov.StatusPassed, p.Status, p.Failure)
	q := c.query("/gov/upgrade")
	require.NoError(c.t, q.Err)
	var plan gov.UpgradePlan
	require.NoError(c.t, json.Unmarshal(q.Value, &plan))
	require.Equal(c.t, gov.UpgradePlan{ScheduleUpgrade: gov.ScheduleUpgrade{Name: name, Height: height, BinarySHA256: demoSHA,
		Notes: "from the release page"}, ProposalID: p.ID, ScheduledHeight: p.ClosedHeight}, plan)
	return plan
}

// finalizeRefused requires FinalizeBlock of the next height to fail with
// want and to leave the working state at the committed one.
func (c *testChain) finalizeRefused(want error) error {
	c.t.Helper()
	_, err := c.app.FinalizeBlock(c.height+1, c.time.Add(10e9), [][]byte{c.sign("notary",
		&notary.AnchorDocument{DocumentHash: docHash("refused block"), DocType: "deed"})})
	require.ErrorIs(c.t, err, want)
	c.seq[c.addr("notary")]--
	require.Equal(c.t, c.store.LastHash(), c.store.WorkingHash(), "a refused block wrote something")
	return err
}

// TestUpgradeHaltsThenMigratesOnce schedules the demonstration upgrade by
// a vote, halts a binary that does not carry it at the height with
// nothing written, restarts on one that does, which migrates the notary
// documents once (not again after a restart) and records it provably;
// an old binary is then refused on that state.
func TestUpgradeHaltsThenMigratesOnce(t *testing.T) {
	dir := t.TempDir()
	c := newTestChain(t, state.EngineMemIAVL, dir)
	c.block()
	docs := []core.Hash{c.anchor("deed one"), c.anchor("deed two")}
	before := c.query("/notary/document/" + docs[0].String()).Value

	q := c.query("/gov/upgrade")
	require.ErrorIs(t, q.Err, gov.ErrNoUpgradePlan, "no plan yet, proven absent")
	h := c.height + 6
	plan := c.schedule(upgrade.DemoName, h)

	// One plan at a time; a name can only be cancelled if scheduled.
	require.ErrorIs(t, c.exec("admin-justice", &gov.SubmitProposal{Summary: "another",
		Change: gov.Change{ScheduleUpgrade: &gov.ScheduleUpgrade{Name: "other", Height: h + 10, BinarySHA256: demoSHA}}}), gov.ErrUpgradeScheduled)
	require.ErrorIs(t, c.exec("admin-justice", &gov.SubmitProposal{Summary: "cancel another",
		Change: gov.Change{CancelUpgrade: &gov.CancelUpgrade{Name: "other"}}}), gov.ErrNoUpgradePlan)

	// The binary without the upgrade runs every block before the height,
	// then stops before block h and writes nothing, with a message an
	// operator can act on.
	for c.height < h-1 {
		c.block()
	}
	err := c.finalizeRefused(upgrade.ErrUpgradeNeeded)
	for _, s := range []string{upgrade.DemoName, fmt.Sprintf("height %d", h), fmt.Sprintf("proposal %d", plan.ProposalID),
		fmt.Sprintf("%x", []byte(demoSHA)), "install the binary", "from the release page"} {
		require.Contains(t, err.Error(), s)
	}
	// It stays stopped however often CometBFT retries.
	c.finalizeRefused(upgrade.ErrUpgradeNeeded)

	// The new binary: the migration runs at the start of block h.
	runs := 0
	demo := upgrade.Demo()
	counted := upgrade.Registry{{Name: demo.Name, Migrate: func(kv state.KV, height int64) error {
		runs++
		require.Equal(t, h, height)
		return demo.Migrate(kv, height)
	}}}
	require.NoError(t, c.reopen(dir, state.EngineMemIAVL, counted))
	c.height++
	c.time = c.time.Add(10e9)
	block, err := c.app.FinalizeBlock(c.height, c.time, [][]byte{c.sign("notary", &notary.AnchorDocument{DocumentHash: docHash("deed three"), DocType: "deed"})})
	require.NoError(t, err)
	require.NoError(t, block.Txs[0].Err, "the block's transactions run after the migration")
	require.Equal(t, 1, runs)
	require.Equal(t, "upgrade", block.Events[0].Type)
	require.Equal(t, upgrade.DemoName, eventAttr(block.Events, "name"))
	_, err = c.app.Commit()
	require.NoError(t, err)

	for _, d := range docs {
		q := c.query("/notary/document/" + d.String())
		require.NoError(t, q.Err)
		var v2 upgrade.DocumentV2
		require.NoError(t, json.Unmarshal(q.Value, &v2))
		require.Equal(t, upgrade.DemoLayout, v2.Layout)
		require.Equal(t, v2.Time.Unix(), v2.AnchoredUnix)
		require.Equal(t, d, v2.DocumentHash)
		// The notary module still reads the record.
		var v1 notary.Document
		require.NoError(t, json.Unmarshal(q.Value, &v1))
		require.Equal(t, d, v1.DocumentHash)
	}
	require.NotEqual(t, before, c.query("/notary/document/"+docs[0].String()).Value)
	// Anchored after the migration, in the block that ran it: layout 1.
	q = c.query("/notary/document/" + docHash("deed three").String())
	require.NoError(t, q.Err)
	require.NotContains(t, string(q.Value), `"layout"`)

	// Recorded, provably; the plan is gone, provably.
	q = c.query("/gov/upgrade/" + upgrade.DemoName)
	require.NoError(t, q.Err)
	require.Len(t, q.Proofs, 1)
	var done gov.UpgradeDone
	require.NoError(t, json.Unmarshal(q.Value, &done))
	require.Equal(t, gov.UpgradeDone{Name: upgrade.DemoName, Height: h, BinarySHA256: demoSHA, ProposalID: plan.ProposalID}, done)
	require.ErrorIs(t, c.query("/gov/upgrade").Err, gov.ErrNoUpgradePlan)
	require.ErrorIs(t, c.query("/gov/upgrade/other").Err, gov.ErrUpgradeNotDone)
	require.ErrorIs(t, c.app.Query("/gov/upgrade/Bad!", 0, false).Err, gov.ErrUnknownQuery)

	// A restart of the new binary does not migrate again.
	c.block()
	require.NoError(t, c.reopen(dir, state.EngineMemIAVL, counted))
	c.block()
	require.Equal(t, 1, runs)
	// The same name is never scheduled again.
	require.ErrorIs(t, c.exec("admin-justice", &gov.SubmitProposal{Summary: "again",
		Change: gov.Change{ScheduleUpgrade: &gov.ScheduleUpgrade{Name: upgrade.DemoName, Height: c.height + 10, BinarySHA256: demoSHA}}}), gov.ErrUpgradeDone)

	// The old binary restarted on the upgraded state: refused at start...
	err = c.reopen(dir, state.EngineMemIAVL, upgrade.Registry{})
	require.ErrorIs(t, err, upgrade.ErrBinaryTooOld)
	require.Contains(t, err.Error(), fmt.Sprintf("%x", []byte(demoSHA)))
	// ...and by FinalizeBlock, should the state be reached another way
	// (state sync).
	require.NoError(t, c.reopen(dir, state.EngineMemIAVL, counted))
	c.app.upgrades = upgrade.Registry{}
	c.finalizeRefused(upgrade.ErrBinaryTooOld)
}

// TestUpgradeCancelledByVote: a cancelled plan is gone, and a binary
// without the upgrade runs past its height.
func TestUpgradeCancelledByVote(t *testing.T) {
	c := newTestChain(t, state.EngineMemIAVL, t.TempDir())
	c.block()
	h := c.height + 8
	c.schedule("v2", h)
	p := c.passChange("not yet", gov.Change{CancelUpgrade: &gov.CancelUpgrade{Name: "v2"}})
	require.Equal(t, gov.StatusPassed, p.Status, p.Failure)
	require.ErrorIs(t, c.query("/gov/upgrade").Err, gov.ErrNoUpgradePlan)
	for c.height <= h+1 {
		c.block()
	}
	// It can be scheduled again, later.
	c.schedule("v2", c.height+5)
}

// TestUpgradeFailedMigrationWritesNothing: a migration that fails or
// panics stops the node at the height, and the state is the committed
// one; a binary with a working migration then runs the block.
func TestUpgradeFailedMigrationWritesNothing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		migrate func(kv state.KV, height int64) error
	}{
		{"error", func(kv state.KV, _ int64) error {
			if err := kv.Set(gov.UpgradeDoneKey("scribble"), []byte("x")); err != nil {
				return err
			}
			return errors.New("record layout unknown")
		}},
		{"panic", func(kv state.KV, _ int64) error {
			_ = kv.Set(gov.UpgradeDoneKey("scribble"), []byte("x"))
			panic("index out of range")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			c := newTestChain(t, state.EngineMemIAVL, dir)
			c.block()
			c.anchor("deed")
			h := c.height + 5
			c.schedule("broken", h)
			c.app.upgrades = upgrade.Registry{{Name: "broken", Migrate: tc.migrate}}
			for c.height < h-1 {
				c.block()
			}
			err := c.finalizeRefused(upgrade.ErrMigrationFailed)
			require.Contains(t, err.Error(), `"broken"`)
			require.Contains(t, err.Error(), "nothing was written")
			// The node restarts with the same binary: refused again.
			require.NoError(t, c.reopen(dir, state.EngineMemIAVL, upgrade.Registry{{Name: "broken", Migrate: tc.migrate}}))
			c.finalizeRefused(upgrade.ErrMigrationFailed)
			require.ErrorIs(t, c.query("/gov/upgrade/broken").Err, gov.ErrUpgradeNotDone)
			// A fixed binary runs it.
			require.NoError(t, c.reopen(dir, state.EngineMemIAVL, upgrade.Registry{{Name: "broken", Migrate: func(state.KV, int64) error { return nil }}}))
			c.block()
			require.NoError(t, c.query("/gov/upgrade/broken").Err)
			require.ErrorIs(t, c.query("/gov/upgrade/scribble").Err, gov.ErrUpgradeNotDone)
		})
	}
}

// TestUpgradeRefusals: plans refused at submission or failed at execution
// when their height is no longer in the future.
func TestUpgradeRefusals(t *testing.T) {
	c := newTestChain(t, state.EngineMemIAVL, t.TempDir())
	c.block()
	sub := func(s gov.ScheduleUpgrade) error {
		return c.exec("admin-justice", &gov.SubmitProposal{Summary: "upgrade", Change: gov.Change{ScheduleUpgrade: &s}})
	}
	require.ErrorIs(t, sub(gov.ScheduleUpgrade{Name: "v2", Height: c.height + 1, BinarySHA256: demoSHA}), gov.ErrUpgradeHeight)

	// Passed when the height is already reached: failed, nothing stored.
	r := c.mustExec("admin-justice", &gov.SubmitProposal{Summary: "soon",
		Change: gov.Change{ScheduleUpgrade: &gov.ScheduleUpgrade{Name: "v2", Height: c.height + 3, BinarySHA256: demoSHA}}})
	id, err := strconv.ParseUint(eventAttr(r.Events, "proposal_id"), 10, 64)
	require.NoError(t, err)
	c.block()
	c.mustExec("admin-justice", &gov.CastVote{ProposalID: id, Option: gov.OptionYes})
	c.mustExec("admin-finance", &gov.CastVote{ProposalID: id, Option: gov.OptionYes})
	q := c.query(fmt.Sprintf("/gov/proposal/%d", id))
	require.NoError(t, q.Err)
	var p gov.Proposal
	require.NoError(t, json.Unmarshal(q.Value, &p))
	require.Equal(t, gov.StatusFailed, p.Status)
	require.Contains(t, p.Failure, "upgrade height is not in the future")
	require.ErrorIs(t, c.query("/gov/upgrade").Err, gov.ErrNoUpgradePlan)
}

// TestDeterminismUpgrade runs the same blocks on a binary that carries
// the demonstration upgrade and on one that does not (which stops at the
// height and is reopened with it), on both engines: the app hashes agree
// at every height, before the upgrade (a new binary started early changes
// nothing) and after it; the hashes are also compared with
// testdata/golden_apphash_upgrade.txt.
func TestDeterminismUpgrade(t *testing.T) {
	var runs [][]string
	for _, engine := range []string{state.EngineMemIAVL, state.EngineIAVL} {
		for _, early := range []bool{false, true} {
			dir := t.TempDir()
			c := newTestChain(t, engine, dir)
			if early {
				c.app.upgrades = upgrade.Registry{upgrade.Demo()}
			}
			c.block()
			c.anchor("deed one")
			c.anchor("deed two")
			h := c.height + 5
			c.schedule(upgrade.DemoName, h)
			for c.height < h-1 {
				c.block()
			}
			if !early {
				c.finalizeRefused(upgrade.ErrUpgradeNeeded)
				require.NoError(t, c.reopen(dir, engine, upgrade.Registry{upgrade.Demo()}))
			}
			c.anchor("deed three")
			c.block()
			runs = append(runs, c.hashes)
		}
	}
	for i := 1; i < len(runs); i++ {
		require.Equal(t, runs[0], runs[i], "run %d", i)
	}
	golden := filepath.Join("testdata", "golden_apphash_upgrade.txt")
	got := strings.Join(runs[0], "\n") + "\n"
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./app -run DeterminismUpgrade -update to create it")
	require.Equal(t, string(want), got, "app hashes of the upgrade path changed: if on purpose, run with -update")
}
