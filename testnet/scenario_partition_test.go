package testnet

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestScenarioPartition is scenario 4: network partitions on four
// validators under the workload, one phase after the other on the same
// network:
//
//   - isolate: one validator loses every link; the other three go on
//     while it stays within one block of where it was cut off; healed, it
//     is back at the tip within 30 s.
//   - split: two validators on each side; neither side has two thirds of
//     the power, so no node may get more than one block (a commit already
//     in flight) past the highest height at the cut while the split holds;
//     healed, the chain must move on within 30 s.
//   - flapping: one link cut and restored at random intervals of
//     100-600 ms (the network stays connected through the others, so the
//     chain must keep going), then random links likewise (only recovery
//     is required: several links can be down at once while the peers
//     redial).
//   - slow: every link of one validator delayed by 200-500 ms each way,
//     then every link of the network by 200-300 ms; the chain must keep
//     going.
//
// The full version holds each fault longer, isolates every validator in
// turn and splits twice, two different ways. At the end: safety (no fork), durability.
func TestScenarioPartition(t *testing.T) {
	t.Parallel()
	hold := partitionHolds{isolate: 3 * time.Second, split: 4 * time.Second, flapOne: 8 * time.Second,
		flapAny: 5 * time.Second, slowOne: 5 * time.Second, slowAll: 5 * time.Second}
	isolations, splits := 1, 1
	if fullE2E() {
		hold = partitionHolds{isolate: 15 * time.Second, split: 20 * time.Second, flapOne: 45 * time.Second,
			flapAny: 30 * time.Second, slowOne: 20 * time.Second, slowAll: 20 * time.Second}
		isolations, splits = 4, 2
	}
	seed := scenarioSeed(t)
	p := &partitionRun{t: t, rng: rand.New(rand.NewPCG(seed, 4))}
	p.nw = startNetwork(t, netConfig{validators: 4})
	w := startWorkload(p.nw, seed)
	start := time.Now()

	for i, v := range p.rng.Perm(4)[:isolations] {
		p.isolate(i+1, v, hold.isolate)
	}
	for i, k := range p.rng.Perm(len(partitionSplits))[:splits] {
		p.split(i+1, partitionSplits[k][0], partitionSplits[k][1], hold.split)
	}
	p.flapOne(hold.flapOne)
	p.flapAny(hold.flapAny)
	p.slowOne(p.rng.IntN(4), hold.slowOne)
	p.slowAll(hold.slowAll)

	ops := w.stop()
	t.Logf("all phases done in %s", time.Since(start).Round(time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	p.nw.waitHeight(p.nw.maxHeight()+1, 30*time.Second)
	p.nw.checkSafety(ctx)
	p.nw.checkOps(ctx, ops)
}

// partitionSplits are the three ways to split four validators two and
// two.
var partitionSplits = [][2][]int{{{0, 1}, {2, 3}}, {{0, 2}, {1, 3}}, {{0, 3}, {1, 2}}}

// partitionHolds is how long each phase of the partition scenario keeps
// its fault in place.
type partitionHolds struct {
	isolate, split, flapOne, flapAny, slowOne, slowAll time.Duration
}

// partitionRun is the state the partition scenario's phases share.
type partitionRun struct {
	t   *testing.T
	nw  *network
	rng *rand.Rand
}

// heights returns every node's latest height (-1 where the RPC fails).
func (p *partitionRun) heights() []int64 {
	out := make([]int64, len(p.nw.nodes))
	for i, nd := range p.nw.nodes {
		h, err := nd.Height()
		if err != nil {
			h = -1
		}
		out[i] = h
	}
	return out
}

// advance waits up to timeout for the highest height of the network to
// reach at least from+n, and fails the test otherwise.
func (p *partitionRun) advance(what string, from, n int64, timeout time.Duration) {
	p.t.Helper()
	require.Eventually(p.t, func() bool { return p.nw.maxHeight() >= from+n }, timeout, 100*time.Millisecond,
		"%s: the chain did not go from %d to %d within %s (heights %v)", what, from, from+n, timeout, p.heights())
}

// restoreAll restores every link of the network (cut or slow).
func (p *partitionRun) restoreAll() {
	for i := range p.nw.nodes {
		for j := i + 1; j < len(p.nw.nodes); j++ {
			p.nw.RestoreLink(i, j)
		}
	}
}

// allAtTip waits until every node has reached the highest height the
// network had when called (30 s at most) and returns how long it took.
func (p *partitionRun) allAtTip() time.Duration {
	p.t.Helper()
	start := time.Now()
	p.nw.waitHeight(p.nw.maxHeight(), 30*time.Second)
	return time.Since(start)
}

// isolate cuts every link of validator v for hold: the others must go on
// (at most 15 s without a block) and v must stay within one block of its
// height at the cut; once healed, v must be back at the tip within 30 s.
func (p *partitionRun) isolate(n, v int, hold time.Duration) {
	t, nw := p.t, p.nw
	t.Helper()
	nd := nw.nodes[v]
	live := watchLiveness(nw)
	nw.Isolate(v)
	at, err := nd.Height()
	require.NoError(t, err)
	others := nw.maxHeight()
	time.Sleep(hold)
	p.advance(fmt.Sprintf("isolation of %s", nd.name), others, 3, 30*time.Second)
	got, err := nd.Height()
	require.NoError(t, err)
	require.LessOrEqual(t, got, at+1, "isolated %s went from %d to %d on its own", nd.name, at, got)
	stall := live.stop()
	require.Less(t, stall, 15*time.Second, "liveness: the chain stalled with one validator of four isolated")
	tip := nw.maxHeight()
	for j := range nw.nodes {
		if j != v {
			nw.RestoreLink(v, j)
		}
	}
	took := nw.waitTip(nd, 30*time.Second)
	t.Logf("isolation %d: %s cut off at height %d for %s, still at %d while the others reached %d (longest stall %s); back at the tip in %s",
		n, nd.name, at, hold, got, tip, stall.Round(time.Millisecond), took.Round(time.Millisecond))
}

// split cuts every link between groups a and b (two validators each) for
// hold. While it holds, no node may pass the highest height seen just
// after the cut by more than one block (a commit whose votes were already
// in flight); once healed, the chain must make two new blocks within
// 30 s and every node must reach the tip.
func (p *partitionRun) split(n int, a, b []int, hold time.Duration) {
	t, nw := p.t, p.nw
	t.Helper()
	for _, i := range a {
		for _, j := range b {
			nw.CutLink(i, j)
		}
	}
	at := p.heights()
	top := nw.maxHeight()
	end := time.Now().Add(hold)
	for time.Now().Before(end) {
		hs := p.heights()
		for i, h := range hs {
			require.LessOrEqual(t, h, top+1, "split %v|%v: %s reached %d though the highest height at the cut was %d (heights %v)",
				a, b, nw.nodes[i].name, h, top, hs)
		}
		time.Sleep(250 * time.Millisecond)
	}
	during := p.heights()
	stuck := nw.maxHeight()
	require.LessOrEqual(t, stuck, top+1)
	healed := time.Now()
	p.restoreAll()
	p.advance(fmt.Sprintf("healed split %v|%v", a, b), stuck, 2, 30*time.Second)
	resumed := time.Since(healed)
	took := p.allAtTip()
	t.Logf("split %d: %v|%v for %s: heights %v at the cut, %v at the end (highest %d); healed, two new blocks in %s, every node at the tip %s later",
		n, a, b, hold, at, during, stuck, resumed.Round(time.Millisecond), took.Round(time.Millisecond))
}

// flapInterval is a random 100-600 ms.
func (p *partitionRun) flapInterval() time.Duration {
	return 100*time.Millisecond + time.Duration(p.rng.Int64N(int64(500*time.Millisecond)))
}

// flapOne cuts and restores one random link at random short intervals for
// d. The network stays connected through the other nodes, so the chain
// must keep going (three new blocks, no stall over 15 s); afterwards both
// ends of the link must reach the tip.
func (p *partitionRun) flapOne(d time.Duration) {
	t, nw := p.t, p.nw
	t.Helper()
	perm := p.rng.Perm(4)
	i, j := perm[0], perm[1]
	live := watchLiveness(nw)
	from := nw.maxHeight()
	flaps := 0
	for end := time.Now().Add(d); time.Now().Before(end); flaps++ {
		nw.CutLink(i, j)
		time.Sleep(p.flapInterval())
		nw.RestoreLink(i, j)
		time.Sleep(p.flapInterval())
	}
	p.advance(fmt.Sprintf("flapping link %d-%d", i, j), from, 3, 30*time.Second)
	stall := live.stop()
	require.Less(t, stall, 15*time.Second, "liveness: the chain stalled with one link flapping")
	to := nw.maxHeight()
	tookI := nw.waitTip(nw.nodes[i], 30*time.Second)
	tookJ := nw.waitTip(nw.nodes[j], 30*time.Second)
	t.Logf("flapping link %s-%s: %d cuts in %s, chain from %d to %d (longest stall %s); both ends at the tip in %s and %s",
		nw.nodes[i].name, nw.nodes[j].name, flaps, d, from, to, stall.Round(time.Millisecond),
		tookI.Round(time.Millisecond), tookJ.Round(time.Millisecond))
}

// flapAny cuts and restores a random link at random short intervals for
// d. Several links may be down at once while their peers redial, so only
// recovery is required: once the flapping ends, two new blocks within
// 30 s and every node at the tip.
func (p *partitionRun) flapAny(d time.Duration) {
	t, nw := p.t, p.nw
	t.Helper()
	from := nw.maxHeight()
	flaps := 0
	for end := time.Now().Add(d); time.Now().Before(end); flaps++ {
		perm := p.rng.Perm(4)
		nw.CutLink(perm[0], perm[1])
		time.Sleep(p.flapInterval())
		nw.RestoreLink(perm[0], perm[1])
		time.Sleep(p.flapInterval())
	}
	mid := nw.maxHeight()
	stopped := time.Now()
	p.advance("after flapping random links", mid, 2, 30*time.Second)
	resumed := time.Since(stopped)
	took := p.allAtTip()
	t.Logf("flapping random links: %d cuts in %s, chain from %d to %d; two new blocks %s after, every node at the tip %s later",
		flaps, d, from, mid, resumed.Round(time.Millisecond), took.Round(time.Millisecond))
}

// slowOne delays every link of validator v by 200-500 ms (each link its
// own delay, each way) for d: the chain must keep going (two new blocks,
// no stall over 15 s) and, restored, v must reach the tip.
func (p *partitionRun) slowOne(v int, d time.Duration) {
	t, nw := p.t, p.nw
	t.Helper()
	live := watchLiveness(nw)
	from := nw.maxHeight()
	var delays []time.Duration
	for j := range nw.nodes {
		if j != v {
			delay := 200*time.Millisecond + time.Duration(p.rng.Int64N(int64(300*time.Millisecond)))
			nw.SlowLink(v, j, delay)
			delays = append(delays, delay)
		}
	}
	time.Sleep(d)
	p.advance(fmt.Sprintf("slow links of %s", nw.nodes[v].name), from, 2, 30*time.Second)
	stall := live.stop()
	require.Less(t, stall, 15*time.Second, "liveness: the chain stalled with one validator's links slow")
	to := nw.maxHeight()
	p.restoreAll()
	took := nw.waitTip(nw.nodes[v], 30*time.Second)
	t.Logf("slow links of %s (%v each way) for %s: chain from %d to %d (longest stall %s); restored, at the tip in %s",
		nw.nodes[v].name, delays, d, from, to, stall.Round(time.Millisecond), took.Round(time.Millisecond))
}

// slowAll delays every link of the network by 200-300 ms each way for d:
// the chain must keep going (two new blocks, no stall over 15 s) and,
// restored, every node must reach the tip.
func (p *partitionRun) slowAll(d time.Duration) {
	t, nw := p.t, p.nw
	t.Helper()
	live := watchLiveness(nw)
	from := nw.maxHeight()
	for i := range nw.nodes {
		for j := i + 1; j < len(nw.nodes); j++ {
			nw.SlowLink(i, j, 200*time.Millisecond+time.Duration(p.rng.Int64N(int64(100*time.Millisecond))))
		}
	}
	time.Sleep(d)
	p.advance("every link slow", from, 2, 30*time.Second)
	stall := live.stop()
	require.Less(t, stall, 15*time.Second, "liveness: the chain stalled with every link slow")
	to := nw.maxHeight()
	p.restoreAll()
	took := p.allAtTip()
	t.Logf("every link slow (200-300 ms each way) for %s: chain from %d to %d (longest stall %s); restored, every node at the tip in %s",
		d, from, to, stall.Round(time.Millisecond), took.Round(time.Millisecond))
}
