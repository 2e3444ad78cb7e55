package testnet

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// enginesPlan is the state engine of each validator in the mixed-engine
// scenario, as testnet init's --engines takes it.
var enginesPlan = []string{"memiavl", "iavl", "memiavl", "iavl"}

// TestScenarioEngines is scenario 10: two validators store the state in
// memiavl and two in cosmos/iavl, in one network under the workload.
// Each validator checks the app hash of every block it votes on against
// its own state, so with two of four on each engine a single divergence
// would halt the chain. Validators are killed (SIGKILL) and restarted in
// turn, alternating between the engines (one of each in the short
// version, every 15-30 s for four minutes in the full one), each back at
// the tip within 30 s: a restart recovers from that engine's own files.
// At the end: each node ran the engine it was given at every start (its
// log says so), blocks were proposed by validators of both engines, the
// block ids and app hashes agree at every height and each node's Info
// app hash equals the next header's (safety), durability, and no long
// stall.
func TestScenarioEngines(t *testing.T) {
	t.Parallel()
	duration, minGap, maxGap, minKills := 10*time.Second, 3*time.Second, 5*time.Second, 2
	if fullE2E() {
		duration, minGap, maxGap, minKills = 4*time.Minute, 15*time.Second, 30*time.Second, 8
	}
	seed := scenarioSeed(t)
	rng := rand.New(rand.NewPCG(seed, 10))
	began := time.Now()
	nw := startNetwork(t, netConfig{validators: 4, engines: "memiavl,iavl,memiavl,iavl"})
	t.Logf("network up in %s", time.Since(began).Round(time.Millisecond))
	live := watchLiveness(nw)
	w := startWorkload(nw, seed)

	byEngine := map[string][]*node{}
	for i, nd := range nw.validators() {
		byEngine[enginesPlan[i]] = append(byEngine[enginesPlan[i]], nd)
	}
	kills, restarts := 0, map[*node]int{}
	engine := enginesPlan[rng.IntN(2)]
	end := time.Now().Add(duration)
	for kills < minKills || time.Now().Before(end) {
		gap := minGap + time.Duration(rng.Int64N(int64(maxGap-minGap)+1))
		time.Sleep(gap)
		v := byEngine[engine][rng.IntN(2)]
		at, _ := v.Height()
		v.Kill()
		down := time.Second + time.Duration(rng.Int64N(int64(2*time.Second)))
		time.Sleep(down)
		v.Start()
		took := nw.waitTip(v, 30*time.Second)
		kills++
		restarts[v]++
		t.Logf("kill %d: %s (%s) at height %d, down %s, back at the tip in %s", kills, v.name, engine, at,
			down.Round(time.Millisecond), took.Round(time.Millisecond))
		if engine == "memiavl" {
			engine = "iavl"
		} else {
			engine = "memiavl"
		}
	}
	ops := w.stop()
	stall := live.stop()
	t.Logf("%d kills; longest time without a new block: %s", kills, stall.Round(time.Millisecond))
	require.Less(t, stall, 15*time.Second, "liveness: the chain stalled with at most one validator of four down")

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	checking := time.Now()
	nw.waitHeight(nw.maxHeight()+1, 30*time.Second)
	for i, nd := range nw.validators() {
		started := enginesStarted(t, nd)
		require.Len(t, started, 1+restarts[nd], "%s's starts", nd.name)
		for _, e := range started {
			require.Equal(t, enginesPlan[i], e, "%s started on another engine", nd.name)
		}
	}
	proposed := enginesProposers(ctx, t, nw)
	t.Logf("blocks proposed by engine: %v", proposed)
	require.Positive(t, proposed["memiavl"], "no block proposed by a memiavl validator")
	require.Positive(t, proposed["iavl"], "no block proposed by an iavl validator")
	nw.checkSafety(ctx)
	nw.checkOps(ctx, ops)
	t.Logf("invariants checked in %s", time.Since(checking).Round(time.Millisecond))
}

// enginesStartedRe matches the engine in the line a node logs when it
// starts.
var enginesStartedRe = regexp.MustCompile(`govchain node started.*\bengine=(\w+)`)

// enginesStarted returns the engine of every start of nd recorded in its
// log, in order; it fails the test if there is none.
func enginesStarted(t *testing.T, nd *node) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(nd.home, "node.log"))
	require.NoError(t, err)
	var out []string
	for _, m := range enginesStartedRe.FindAllSubmatch(b, -1) {
		out = append(out, string(m[1]))
	}
	require.NotEmpty(t, out, "%s's log names no engine; log:\n%s", nd.name, nd.Tail())
	return out
}

// enginesProposers counts the blocks node 0 holds by the engine of the
// validator that proposed them.
func enginesProposers(ctx context.Context, t *testing.T, nw *network) map[string]int {
	t.Helper()
	engineOf := map[string]string{}
	for i, v := range nw.validators() {
		st, err := v.Client().RPC().Status(ctx)
		require.NoError(t, err, "%s", v.name)
		engineOf[st.ValidatorInfo.Address.String()] = enginesPlan[i]
	}
	cl := nw.nodes[0].Client()
	top, err := nw.nodes[0].Height()
	require.NoError(t, err)
	out := map[string]int{}
	for lo := int64(1); lo <= top; lo += 20 {
		res, err := cl.RPC().BlockchainInfo(ctx, lo, min(lo+19, top))
		require.NoError(t, err)
		for _, bm := range res.BlockMetas {
			e, ok := engineOf[bm.Header.ProposerAddress.String()]
			require.True(t, ok, "block %d proposed by %s, no validator of the network", bm.Header.Height, bm.Header.ProposerAddress)
			out[e]++
		}
	}
	return out
}
