package testnet

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	coretypes "github.com/cometbft/cometbft/rpc/core/types"
	"github.com/stretchr/testify/require"
)

// TestScenarioFreezeValidators is scenario 3: four ministries' validators
// under the workload; one validator at a time is frozen (SIGSTOP: it
// keeps its sockets but answers nothing) for 3-5 s (10-30 s in the full
// version) and then thawed. Every other freeze, the first included, is of
// the validator due to propose the next block: it is found through
// consensus_state while the network waits out timeout_commit, frozen
// before it can propose, and the test then checks from the headers that
// another validator proposed that height in a later round, so the frozen
// proposer's turn really was skipped. After each thaw the validator must
// be back at the tip within 30 s. At the end: safety, durability and no
// long stall.
func TestScenarioFreezeValidators(t *testing.T) {
	t.Parallel()
	duration, minFreeze, maxFreeze, minGap, maxGap, minFreezes := 10*time.Second, 3*time.Second, 5*time.Second, time.Second, 2*time.Second, 3
	if fullE2E() {
		duration, minFreeze, maxFreeze, minGap, maxGap, minFreezes = 5*time.Minute, 10*time.Second, 30*time.Second, 5*time.Second, 15*time.Second, 8
	}
	seed := scenarioSeed(t)
	rng := rand.New(rand.NewPCG(seed, 3))
	began := time.Now()
	nw := startNetwork(t, netConfig{validators: 4})
	t.Logf("network up in %s", time.Since(began).Round(time.Millisecond))
	addrs := freezeValidatorAddrs(t, nw)
	live := watchLiveness(nw)
	w := startWorkload(nw, seed)

	ctx, cancel := context.WithTimeout(context.Background(), duration+5*time.Minute)
	defer cancel()
	freezes, proposerFreezes, skipped := 0, 0, 0
	end := time.Now().Add(duration)
	for freezes < minFreezes || time.Now().Before(end) {
		var v *node
		var h int64
		proposer := freezes%2 == 0
		if proposer {
			h, v = freezeNextProposer(t, nw, addrs, 20*time.Second)
		} else {
			v = nw.validators()[rng.IntN(4)]
			h, _ = v.Height()
		}
		v.Freeze()
		frozen := minFreeze + time.Duration(rng.Int64N(int64(maxFreeze-minFreeze)+1))
		time.Sleep(frozen)
		v.Thaw()
		took := nw.waitTip(v, 30*time.Second)
		freezes++
		what := "validator"
		if proposer {
			proposerFreezes++
			by, round := freezeProposerOf(ctx, t, nw, addrs, h)
			if by != v.name {
				skipped++
				what = fmt.Sprintf("the next proposer (skipped: %s proposed the block in round %d)", by, round)
			} else {
				what = "the next proposer (it had proposed before the freeze landed)"
			}
		}
		t.Logf("freeze %d: %s, %s at height %d, frozen %s, back at the tip in %s", freezes, v.name, what, h,
			frozen.Round(time.Millisecond), took.Round(time.Millisecond))
		if time.Now().Before(end) || freezes < minFreezes {
			time.Sleep(minGap + time.Duration(rng.Int64N(int64(maxGap-minGap)+1)))
		}
	}
	ops := w.stop()
	stall := live.stop()
	t.Logf("%d freezes, %d of the next proposer (%d skipped its turn); longest time without a new block: %s",
		freezes, proposerFreezes, skipped, stall.Round(time.Millisecond))
	require.Positive(t, skipped, "no freeze caught a proposer before it proposed")
	require.Less(t, stall, 15*time.Second, "liveness: the chain stalled with one validator of four frozen")

	checking := time.Now()
	nw.checkAfter(ctx, ops)
	t.Logf("invariants checked in %s", time.Since(checking).Round(time.Millisecond))
}

// freezeValidatorAddrs maps each validator's consensus address (upper-case
// hex, as headers and consensus_state print it) to its node.
func freezeValidatorAddrs(t *testing.T, nw *network) map[string]*node {
	t.Helper()
	out := map[string]*node{}
	for _, v := range nw.validators() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		st, err := v.Client().RPC().Status(ctx)
		cancel()
		require.NoError(t, err, "%s", v.name)
		out[st.ValidatorInfo.Address.String()] = v
	}
	require.Len(t, out, len(nw.validators()))
	return out
}

// freezeRoundState is the part of consensus_state's round state the
// freeze scenario reads.
type freezeRoundState struct {
	HeightRoundStep string `json:"height/round/step"`
	Proposer        struct {
		Address string `json:"address"`
	} `json:"proposer"`
}

// freezeNextProposer polls a running validator's consensus_state until
// it is in the NewHeight step of round 0 (waiting out timeout_commit, so
// the proposer of that height has not proposed yet) and returns that
// height and its proposer's node. It fails the test after timeout.
func freezeNextProposer(t *testing.T, nw *network, addrs map[string]*node, timeout time.Duration) (int64, *node) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		run := nw.running()
		if len(run) == 0 {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		res, err := run[0].Client().RPC().ConsensusState(ctx)
		cancel()
		if err != nil {
			time.Sleep(50 * time.Millisecond)
			continue
		}
		var rs freezeRoundState
		require.NoError(t, json.Unmarshal(res.RoundState, &rs))
		hrs := strings.Split(rs.HeightRoundStep, "/")
		require.Len(t, hrs, 3, "height/round/step %q", rs.HeightRoundStep)
		if hrs[1] == "0" && hrs[2] == "1" { // round 0, RoundStepNewHeight
			h, err := strconv.ParseInt(hrs[0], 10, 64)
			require.NoError(t, err)
			v, ok := addrs[rs.Proposer.Address]
			require.True(t, ok, "proposer %s is no validator of the network", rs.Proposer.Address)
			if v.Running() {
				return h, v
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("no node reported a new height in round 0 within %s", timeout)
	return 0, nil
}

// freezeProposerOf returns the name of the validator that proposed block
// h (addrs as freezeValidatorAddrs returns them) and the round its commit
// was made in. Node 0 may not have block h yet (it may be the node just
// thawed, or simply behind): it is asked until it has, for at most 30 s.
func freezeProposerOf(ctx context.Context, t *testing.T, nw *network, addrs map[string]*node, h int64) (string, int32) {
	t.Helper()
	var res *coretypes.ResultCommit
	var err error
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if res, err = nw.nodes[0].Client().RPC().Commit(ctx, &h); err == nil || time.Now().After(deadline) {
			break
		}
	}
	require.NoError(t, err, "commit %d", h)
	if v, ok := addrs[res.Header.ProposerAddress.String()]; ok {
		return v.name, res.Commit.Round
	}
	t.Fatalf("block %d was proposed by %s, no validator of the network", h, res.Header.ProposerAddress)
	return "", 0
}
