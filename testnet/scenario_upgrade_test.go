package testnet

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/gov"
	"github.com/govchain/govchain/app/notary"
	"github.com/govchain/govchain/app/upgrade"
	"github.com/govchain/govchain/client"
)

// Scenario: an upgrade coordinated by the agencies. Four ministries run
// the production binary (TestMain's, which carries no upgrade); a notary
// anchors documents; the agencies pass a schedule_upgrade proposal for
// upgrade.DemoName at height H, naming the SHA-256 of a second binary
// built with -tags upgradedemo, which carries that upgrade (its migration
// rewrites every notary document to layout 2). One validator is killed
// (SIGKILL) as soon as the proposal has passed, before H.
//
// Asserted: the three running nodes halt before executing block H, all
// at height H-1 and still answering (the log says UPGRADE NEEDED with the
// name, the height, the SHA-256 and the notes); they are stopped; the old
// binary started again on such a node exits non-zero, refusing block H
// again; each is restarted on
// the new binary and the chain goes on past H; one of them, stopped and
// started with the old binary, is refused (the state is upgraded beyond
// it) and goes back to the new one; the killed validator comes back on the
// new binary after the halt height, executes the blocks before H with the
// old rules and the migration at H, and reaches the tip. At the end every
// node reports the same block ids and app hashes at every height, each
// node serves the migrated documents in layout 2 and the upgrade's done
// record, both proven, and no plan. The full version (GOVCHAIN_E2E_FULL=1)
// first schedules an upgrade and cancels it by vote, and checks that the
// chain runs past the cancelled height on the old binary.

// upgradeBinary is the govchain binary built with -tags upgradedemo, built
// once, on first use, beside TestMain's binaries.
var upgradeBinary struct {
	once sync.Once
	path string
	err  error
}

// demoBinary builds (once) and returns the upgradedemo binary.
func demoBinary(t *testing.T) string {
	t.Helper()
	upgradeBinary.once.Do(func() {
		upgradeBinary.path = filepath.Join(filepath.Dir(binary), "govchain-upgradedemo")
		out, err := exec.Command("go", "build", "-tags", "upgradedemo", "-o", upgradeBinary.path,
			"github.com/govchain/govchain/cmd/govchain").CombinedOutput()
		if err != nil {
			upgradeBinary.err = fmt.Errorf("go build -tags upgradedemo: %v: %s", err, out)
		}
	})
	require.NoError(t, upgradeBinary.err)
	return upgradeBinary.path
}

// fileSHA256 is the SHA-256 of a file.
func fileSHA256(t *testing.T, path string) core.HexBytes {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	sum := sha256.Sum256(b)
	return core.HexBytes(sum[:])
}

// upgradeRun is the state of the scenario.
type upgradeRun struct {
	t  *testing.T
	nw *network
}

// submit sends msg signed by keyName through nd and requires code 0.
func (r *upgradeRun) submit(nd *node, keyName string, msg core.Msg) *client.TxResult {
	r.t.Helper()
	key, err := r.nw.keys.Get(keyName)
	require.NoError(r.t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := nd.Client().Submit(ctx, key, msg, client.SubmitOptions{ChainID: r.nw.chainID})
	require.NoError(r.t, err, "%s through %s", msg.Type(), nd.name)
	return res
}

// pass submits change c through nd and passes it with yes votes of
// ministries 0-2 (3 of 4 is more than 2/3), sent in parallel; it returns
// the proposal once executed.
func (r *upgradeRun) pass(nd *node, summary string, c gov.Change) gov.Proposal {
	t := r.t
	t.Helper()
	res := r.submit(nd, "admin-ministry-0", &gov.SubmitProposal{Summary: summary, Change: c})
	s, ok := res.Attr("proposal_id")
	require.True(t, ok, "no proposal_id in the submission's events")
	id, err := strconv.ParseUint(s, 10, 64)
	require.NoError(t, err)
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key, err := r.nw.keys.Get(fmt.Sprintf("admin-ministry-%d", i))
			if err == nil {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				_, err = nd.Client().Submit(ctx, key, &gov.CastVote{ProposalID: id, Option: gov.OptionYes}, client.SubmitOptions{ChainID: r.nw.chainID})
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		require.NoError(t, err, "vote of ministry-%d on proposal %d", i, id)
	}
	var p gov.Proposal
	r.query(nd, fmt.Sprintf("/gov/proposal/%d", id), &p)
	require.Equal(t, gov.StatusPassed, p.Status, "proposal %d: %s", id, p.Failure)
	return p
}

// query reads path from nd, proven, into v.
func (r *upgradeRun) query(nd *node, path string, v any) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := nd.Client().Query(ctx, path, client.QueryOptions{Prove: true})
	require.NoError(r.t, err, "%s from %s", path, nd.name)
	require.NoError(r.t, json.Unmarshal(res.Value, v), "%s from %s", path, nd.name)
}

// noPlan requires nd to answer that no upgrade is scheduled, with an
// absence proof.
func (r *upgradeRun) noPlan(nd *node) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := nd.Client().Query(ctx, "/gov/upgrade", client.QueryOptions{Prove: true})
	require.ErrorContains(r.t, err, "no upgrade is scheduled", "%s", nd.name)
}

// exitsWith waits up to 60 s for nd's process to end by itself and
// requires a non-zero exit code and every one of want in what it logged
// after the first since bytes of its log.
func (r *upgradeRun) exitsWith(nd *node, since int, want ...string) {
	r.t.Helper()
	ended, code := nd.Exited(60 * time.Second)
	require.True(r.t, ended, "%s did not stop by itself; log:\n%s", nd.name, nd.Tail())
	require.NotZero(r.t, code, "%s exit code", nd.name)
	log := nd.Log()[since:]
	for _, w := range want {
		require.Contains(r.t, log, w, "%s's log; tail:\n%s", nd.name, nd.Tail())
	}
}

// haltsAt waits up to 60 s for nd to log every one of want and requires
// it then to answer with its application at height h-1.
func (r *upgradeRun) haltsAt(nd *node, h int64, want ...string) {
	r.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		log, missing := nd.Log(), ""
		for _, w := range want {
			if !strings.Contains(log, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			break
		}
		require.True(r.t, time.Now().Before(deadline), "%s did not log %q within 60 s; log:\n%s", nd.name, missing, nd.Tail())
		require.False(r.t, nd.Ended(), "%s exited; log:\n%s", nd.name, nd.Tail())
		time.Sleep(200 * time.Millisecond)
	}
	// CometBFT has stored the decided block H; the application has
	// executed nothing of it.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	info, err := nd.Client().RPC().ABCIInfo(ctx)
	require.NoError(r.t, err, "%s answers after the halt", nd.name)
	require.Equal(r.t, h-1, info.Response.LastBlockHeight, "%s's application height after the halt", nd.name)
}

// TestScenarioUpgrade is the coordinated upgrade scenario (see above).
func TestScenarioUpgrade(t *testing.T) {
	t.Parallel()
	start := time.Now()
	seed := scenarioSeed(t)
	rng := rand.New(rand.NewPCG(seed, 14))
	newBin := demoBinary(t)
	sum := fileSHA256(t, newBin)
	t.Logf("upgradedemo binary built in %s, SHA-256 %x", time.Since(start).Round(time.Millisecond), []byte(sum))
	nw := startNetwork(t, netConfig{validators: 4})
	r := &upgradeRun{t: t, nw: nw}
	via := nw.nodes[0]

	var docs []core.Hash
	for i := range 3 {
		h := sha256.Sum256(fmt.Appendf(nil, "deed %d of seed %d", i, seed))
		r.submit(via, "notary-ministry-0", &notary.AnchorDocument{DocumentHash: h, DocType: "deed"})
		docs = append(docs, h)
	}

	if fullE2E() {
		// A plan cancelled by vote: nothing happens at its height.
		h0, err := via.Height()
		require.NoError(t, err)
		cancelled := h0 + 25
		r.pass(via, "upgrade to be cancelled", gov.Change{ScheduleUpgrade: &gov.ScheduleUpgrade{
			Name: upgrade.DemoName, Height: cancelled, BinarySHA256: sum}})
		p := r.pass(via, "not yet", gov.Change{CancelUpgrade: &gov.CancelUpgrade{Name: upgrade.DemoName}})
		require.Less(t, p.ClosedHeight, cancelled)
		r.noPlan(via)
		nw.waitHeight(cancelled+2, 60*time.Second)
		t.Logf("plan at %d cancelled by proposal %d at height %d; the old binary ran past it", cancelled, p.ID, p.ClosedHeight)
	}

	h0, err := via.Height()
	require.NoError(t, err)
	height := h0 + 12
	notes := "the upgradedemo build of this tree"
	p := r.pass(via, "demo upgrade", gov.Change{ScheduleUpgrade: &gov.ScheduleUpgrade{
		Name: upgrade.DemoName, Height: height, BinarySHA256: sum, Notes: notes}})
	require.Less(t, p.ClosedHeight, height-2, "the votes took too long: the plan height must be ahead")
	var plan gov.UpgradePlan
	r.query(via, "/gov/upgrade", &plan)
	require.Equal(t, upgrade.DemoName, plan.Name)
	require.Equal(t, height, plan.Height)
	require.Equal(t, sum, plan.BinarySHA256)

	victim := nw.nodes[1+rng.IntN(3)]
	killedAt, _ := victim.Height()
	victim.Kill()
	t.Logf("proposal %d passed at %d: %s at height %d; %s killed at height %d", p.ID, p.ClosedHeight, upgrade.DemoName, height, victim.name, killedAt)

	// Every running node halts before block H and stays up at H-1.
	var halted []*node
	for _, nd := range nw.nodes {
		if nd == victim {
			continue
		}
		r.haltsAt(nd, height, "UPGRADE NEEDED", upgrade.DemoName, fmt.Sprintf("height %d", height), hex.EncodeToString(sum), notes, "UPGRADE HALT")
		halted = append(halted, nd)
	}
	haltedAt := time.Now()
	t.Logf("the three running nodes halted before block %d, %s after the start", height, time.Since(start).Round(time.Millisecond))
	stopNodes(halted, syscall.SIGTERM, 30*time.Second)

	// The old binary again: CometBFT hands it block H again, it stops.
	again := halted[rng.IntN(len(halted))]
	since := len(again.Log())
	_, err = again.spawn()
	require.NoError(t, err)
	r.exitsWith(again, since, "UPGRADE NEEDED", "create node")

	// The new binary on the three: the chain goes on.
	for _, nd := range halted {
		nd.bin = newBin
		_, err := nd.spawn()
		require.NoError(t, err)
	}
	for _, nd := range halted {
		nd.WaitHeight(height+2, time.Now().Add(60*time.Second))
	}
	t.Logf("upgraded: the three nodes passed height %d on the new binary %s after they stopped", height+2, time.Since(haltedAt).Round(time.Millisecond))

	// The old binary on an upgraded state is refused at start.
	old := halted[rng.IntN(len(halted))]
	old.Stop()
	old.bin = ""
	since = len(old.Log())
	_, err = old.spawn()
	require.NoError(t, err)
	r.exitsWith(old, since, "binary too old for this state", upgrade.DemoName)
	old.bin = newBin
	old.Start()

	// The killed validator comes back on the new binary after the halt
	// height: old rules before H, the migration at H.
	victim.bin = newBin
	victim.Start()
	took := nw.waitTip(victim, 60*time.Second)
	t.Logf("%s, killed at %d, back on the new binary at the tip in %s", victim.name, killedAt, took.Round(time.Millisecond))

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	nw.waitHeight(nw.maxHeight()+1, 30*time.Second)
	nw.checkSafety(ctx)
	for _, nd := range nw.nodes {
		for _, h := range docs {
			var v2 upgrade.DocumentV2
			r.query(nd, "/notary/document/"+h.String(), &v2)
			require.Equal(t, upgrade.DemoLayout, v2.Layout, "%s: document %s", nd.name, h)
			require.Equal(t, v2.Time.Unix(), v2.AnchoredUnix)
			require.Equal(t, h, v2.DocumentHash)
		}
		// Block H's results carry the upgrade's event, on every node.
		res, err := nd.Client().RPC().BlockResults(ctx, &height)
		require.NoError(t, err, "%s block results %d", nd.name, height)
		var ran bool
		for _, ev := range res.FinalizeBlockEvents {
			ran = ran || ev.Type == "upgrade"
		}
		require.True(t, ran, "%s: no upgrade event in block %d's results", nd.name, height)
		var done gov.UpgradeDone
		r.query(nd, "/gov/upgrade/"+upgrade.DemoName, &done)
		require.Equal(t, gov.UpgradeDone{Name: upgrade.DemoName, Height: height, BinarySHA256: sum, ProposalID: p.ID}, done)
		r.noPlan(nd)
	}
	// A document anchored after the upgrade keeps layout 1.
	h := sha256.Sum256(fmt.Appendf(nil, "deed after the upgrade, seed %d", seed))
	r.submit(via, "notary-ministry-0", &notary.AnchorDocument{DocumentHash: h, DocType: "deed"})
	var after upgrade.DocumentV2
	r.query(via, "/notary/document/"+core.Hash(h).String(), &after)
	require.Zero(t, after.Layout)
	t.Logf("upgrade scenario took %s", time.Since(start).Round(time.Millisecond))
}
