package testnet

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/privval"
	cmtypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/gov"
	"github.com/govchain/govchain/client"
)

// doublesignRefusal is the error CometBFT's consensus returns when
// double_sign_check_height finds the node's own key in a recent commit
// (consensus.ErrSignatureFoundInPastBlocks).
const doublesignRefusal = "found signature from the same key"

// doublesignDelay is the delay on the link that delivers the conflicting
// votes, and doublesignTimeoutCommit the network's timeout_commit, longer
// than the delay (see doublesignFindEvidence).
const doublesignDelay, doublesignTimeoutCommit = 250 * time.Millisecond, 500 * time.Millisecond

// TestScenarioDoubleSign is scenario 5: validator k's consensus key runs in
// two processes at once. Node 4 (a full node) gets a copy of k's
// priv_validator_key.json and a fresh priv_validator_state.json, so its
// signer remembers nothing and signs whatever its own consensus state asks.
// Once the copy runs, the original and the copy sign at the same heights;
// when they disagree (in k's turn each proposes its own block and votes
// for it or for nil) an honest validator can receive two conflicting votes
// and report DuplicateVoteEvidence, which a later proposer commits. The
// original and the copy are not linked, and one slowed link makes sure the
// conflicting votes are delivered (see doublesignFindEvidence). The test
// requires the evidence in a block, naming k's address (and no evidence
// against anyone else); no fork anywhere, the copy included; and the chain
// still advancing. Then the copy is stopped, its config gets
// consensus.double_sign_check_height = 10, and it must refuse to run: a
// commit of the last ten heights carries k's precommit signed by the
// original, not by the copy, so start's guard refuses to sign and the
// process exits by itself with a non-zero status and its log names the
// reason. The four validators then go on and agree.
func TestScenarioDoubleSign(t *testing.T) {
	t.Parallel()
	// The wait is a bound, not a pause: evidence usually lands within
	// 10 s, but on a loaded machine the slowed link's timing holds less
	// often (25 s once passed without it, with another suite running).
	evidenceWait, after := 60*time.Second, int64(3)
	if fullE2E() {
		evidenceWait, after = 2*time.Minute, 30
	}
	seed := scenarioSeed(t)
	rng := rand.New(rand.NewPCG(seed, 5))
	k := rng.IntN(4)
	const dup = 4
	var addr cmtypes.Address
	nw := startNetwork(t, netConfig{validators: 4, fullNodes: 1, startLater: []int{dup}, timeoutCommit: doublesignTimeoutCommit,
		before: func(nw *network) {
			addr = doublesignCopyKey(t, nw.nodes[k], nw.nodes[dup])
			// The original runs unguarded too (testnet init guards
			// validators): it would stop at the copy's first precommit.
			editNodeConfig(t, nw.nodes[k].home, func(c *cmtcfg.Config) { c.Consensus.DoubleSignCheckHeight = 0 })
			// Every node logs what its evidence pool verifies, so a run
			// without evidence in a block tells whether any node saw the
			// conflicting votes (doublesignFindEvidence).
			for _, nd := range nw.nodes {
				editNodeConfig(t, nd.home, func(c *cmtcfg.Config) { c.LogLevel = "evidence:info," + c.LogLevel })
			}
		}})
	orig, cp := nw.nodes[k], nw.nodes[dup]
	t.Logf("%s's validator key %s is copied to %s", orig.name, addr, cp.name)

	// The copy must not see the original's proposals and votes, nor the
	// original the copy's: each then follows its own view of k's turn.
	nw.CutLink(k, dup)
	start := nw.maxHeight()
	cp.Start()
	t.Logf("%s started at height %d", cp.name, start)

	ctx, cancel := context.WithTimeout(context.Background(), evidenceWait+3*time.Minute)
	defer cancel()
	evHeight, ev := doublesignFindEvidence(ctx, t, nw, k, start, addr, evidenceWait)
	t.Logf("DuplicateVoteEvidence for %s committed in block %d: votes at height %d round %d (%s), blocks %v and %v",
		addr, evHeight, ev.VoteA.Height, ev.VoteA.Round, ev.VoteA.Type, ev.VoteA.BlockID.Hash, ev.VoteB.BlockID.Hash)
	require.Equal(t, ev.VoteA.Height, ev.VoteB.Height)
	require.Equal(t, ev.VoteA.Round, ev.VoteB.Round)
	require.NotEqual(t, ev.VoteA.BlockID, ev.VoteB.BlockID, "the two votes must conflict")
	require.Equal(t, addr, ev.VoteB.ValidatorAddress)
	require.Less(t, ev.VoteA.Height, evHeight, "evidence is committed after the height it is about")

	// The chain goes on, and the copy follows it (it is a validator for
	// consensus, but it cannot make a fork alone).
	nw.RestoreLink(k, dup)
	target := evHeight + after
	nw.waitHeight(target, 30*time.Second+time.Duration(after)*time.Second)
	nw.checkSafety(ctx)
	t.Logf("no fork: five nodes, the copy included, agree up to height %d at least", target)
	top, err := nw.nodes[0].Height()
	require.NoError(t, err)
	n := doublesignAllEvidence(ctx, t, nw.nodes[0], top, addr)
	t.Logf("%d pieces of evidence committed in all, every one against %s", n, addr)
	nw.waitHeight(top+1, 30*time.Second)
	doublesignEvidenceRecords(ctx, t, nw, top, n, addr, orig.agency)

	// With double_sign_check_height the copy must refuse to sign again.
	cp.Stop()
	editNodeConfig(t, cp.home, func(c *cmtcfg.Config) { c.Consensus.DoubleSignCheckHeight = 10 })
	spawned := time.Now()
	cp.Spawn()
	exited, code := cp.Exited(60 * time.Second)
	require.True(t, exited, "%s ran on for 60 s with double_sign_check_height = 10; log:\n%s", cp.name, cp.Tail())
	require.NotZero(t, code, "%s exited with status 0", cp.name)
	require.Contains(t, cp.Tail(), doublesignRefusal, "%s's log does not give the reason", cp.name)
	t.Logf("%s with double_sign_check_height = 10 refused to start: exit status %d after %s (%q)",
		cp.name, code, time.Since(spawned).Round(time.Millisecond), doublesignRefusal)

	// The honest validators are still live and agree.
	honest := &network{t: t, nodes: nw.nodes[:dup]}
	h := honest.maxHeight()
	honest.waitHeight(h+2, 30*time.Second)
	honest.checkSafety(ctx)
	t.Logf("the four validators went on to height %d", honest.maxHeight())
}

// doublesignCopyKey copies from's consensus key into to's home with a
// fresh (empty) sign state, and returns the key's validator address.
func doublesignCopyKey(t *testing.T, from, to *node) cmtypes.Address {
	t.Helper()
	key := filepath.Join(from.home, "config", "priv_validator_key.json")
	b, err := os.ReadFile(key)
	require.NoError(t, err)
	dstKey := filepath.Join(to.home, "config", "priv_validator_key.json")
	require.NoError(t, os.WriteFile(dstKey, b, 0o600))
	pv := privval.LoadFilePVEmptyState(dstKey, filepath.Join(to.home, "data", "priv_validator_state.json"))
	pv.Save() // the key as it was, and a state that has signed nothing
	return pv.GetAddress()
}

// doublesignFindEvidence scans the blocks of node 0 from height from on
// until one carries DuplicateVoteEvidence against addr (validator k's),
// and returns it with its block's height; it fails after wait.
//
// Meanwhile it arranges the links so that conflicting votes are produced
// and delivered. The original and the copy are never linked. In k's turn
// to propose, each proposes its own block (their last commits differ at
// least in k's own precommit, signed by each at its own time) and prevotes
// it; the honest validators take the first proposal they see, say the
// copy's block B, and the original, which has never seen B, precommits nil
// on the polka for B while the copy precommits B. (For that the original
// must see the three honest prevotes in time, so none of its links is
// slowed.) A validator that receives one of two conflicting votes tells
// its peers it has k's vote, and a peer that knows this does not send it
// another; so on fast links which of the two a validator keeps is a race,
// and the conflict is seen only by chance. One honest validator, X, has a
// slow link to the copy: it usually hears the original's vote first,
// directly, and its news reaches the copy only after the delay, by which
// time the copy has sent its own vote as well. X receives both while the
// height lasts or, for precommits, while the next one waits out
// timeout_commit (longer than the delay), and reports them. The link is
// restored on return.
func doublesignFindEvidence(ctx context.Context, t *testing.T, nw *network, k int, from int64, addr cmtypes.Address, wait time.Duration) (int64, *cmtypes.DuplicateVoteEvidence) {
	t.Helper()
	const dup = 4
	x := (k + 1) % 4
	nw.SlowLink(x, dup, doublesignDelay)
	defer nw.RestoreLink(x, dup)
	cl := nw.nodes[0].Client()
	deadline := time.Now().Add(wait)
	next := from
	var seen []string
	for time.Now().Before(deadline) {
		top := nw.maxHeight()
		for ; next <= top; next++ {
			res, err := cl.RPC().Block(ctx, &next)
			if err != nil {
				break
			}
			for _, e := range res.Block.Evidence.Evidence {
				seen = append(seen, e.String())
				if dve, ok := e.(*cmtypes.DuplicateVoteEvidence); ok && bytes.Equal(dve.VoteA.ValidatorAddress, addr) {
					return next, dve
				}
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("no DuplicateVoteEvidence against %s committed within %s (heights %d-%d; other evidence: %v); per node, %s",
		addr, wait, from, next-1, seen, doublesignLogCounts(nw))
	return 0, nil
}

// doublesignLogCounts counts, in each node's log, the lines that tell
// where the conflicting votes went: the copy's own conflicts (consensus
// logs them as errors), the evidence each pool verified (from its own
// consensus or from a peer) and each pool's errors.
func doublesignLogCounts(nw *network) string {
	var out []string
	for _, nd := range nw.nodes {
		b, _ := os.ReadFile(filepath.Join(nd.home, "node.log"))
		count := func(text string) int { return bytes.Count(b, []byte(text)) }
		errs := 0
		for line := range bytes.Lines(b) {
			if bytes.HasPrefix(line, []byte("E[")) && bytes.Contains(line, []byte("module=evidence")) {
				errs++
			}
		}
		out = append(out, fmt.Sprintf("%s: own conflicting votes %d, evidence verified %d, evidence already pending or committed %d, evidence pool errors %d",
			nd.name, count("found conflicting vote from ourselves"), count("erified new evidence of byzantine behavior"), count("evidence already"), errs))
	}
	return strings.Join(out, "; ")
}

// doublesignEvidenceRecords requires every node's state at height top to
// hold, proven against header top+1, one gov evidence record per piece of
// evidence committed (n of them), each a duplicate vote by addr naming
// the agency whose validator it is.
func doublesignEvidenceRecords(ctx context.Context, t *testing.T, nw *network, top int64, n int, addr cmtypes.Address, agencyID string) {
	t.Helper()
	for _, nd := range nw.nodes {
		res, err := nd.Client().Query(ctx, "/gov/evidence", client.QueryOptions{Height: top, Prove: true})
		require.NoError(t, err, "%s: /gov/evidence at %d", nd.name, top)
		require.Len(t, res.Entries, n+1, "%s: the index and one record per piece of evidence", nd.name)
		var idx gov.EvidenceIndex
		require.NoError(t, json.Unmarshal(res.Entries[0].Value, &idx))
		require.Equal(t, uint64(n), idx.Count, "%s", nd.name)
		for i, e := range res.Entries[1:] {
			var ev gov.Evidence
			require.NoError(t, json.Unmarshal(e.Value, &ev))
			require.Equal(t, uint64(i+1), ev.ID)
			require.Equal(t, gov.MisbehaviorDuplicateVote, ev.Type, "%s: evidence %d", nd.name, ev.ID)
			require.Equal(t, []byte(addr), []byte(ev.Validator), "%s: evidence %d", nd.name, ev.ID)
			require.Equal(t, agencyID, ev.Agency, "%s: evidence %d", nd.name, ev.ID)
			require.Less(t, ev.InfractionHeight, ev.CommittedHeight)
			if nd == nw.nodes[0] && i == 0 {
				t.Logf("evidence record 1 on %s: %s", nd.name, e.Value)
			}
		}
		require.Contains(t, nd.Log(), "evidence of validator misbehaviour committed", "%s's log does not report the evidence", nd.name)
	}
	t.Logf("every node's state holds the %d evidence records (proven at height %d), naming agency %s", n, top, agencyID)
}

// doublesignAllEvidence requires every piece of evidence in nd's blocks
// 1..top to be DuplicateVoteEvidence against addr (no honest validator is
// accused), and returns how many there are.
func doublesignAllEvidence(ctx context.Context, t *testing.T, nd *node, top int64, addr cmtypes.Address) int {
	t.Helper()
	cl := nd.Client()
	n := 0
	for h := int64(1); h <= top; h++ {
		res, err := cl.RPC().Block(ctx, &h)
		require.NoError(t, err, "block %d", h)
		for _, e := range res.Block.Evidence.Evidence {
			dve, ok := e.(*cmtypes.DuplicateVoteEvidence)
			require.True(t, ok, "block %d holds evidence of another kind: %v", h, e)
			require.Equal(t, addr, dve.VoteA.ValidatorAddress, "block %d accuses another validator: %v", h, e)
			n++
		}
	}
	return n
}
