package testnet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/client"
)

// spamRSSBound is the most a node's resident memory may grow while the
// flood runs, over what it was just before. What a node can retain for the
// flood is bounded by configuration: a refused transaction enters neither
// the mempool (which holds only the honest transactions, a few dozen, under
// its limit of 5,000) nor, since keep-invalid-txs-in-cache is off, the
// mempool's cache; the only store it can reach is the app's cache of
// transactions that passed the stateless checks (the well-signed
// unauthorised ones), at most 16,384 entries of about 2 KiB (a decoded
// transaction of about 450 bytes, its message and hashes), 32 MiB; the
// HTTP server's buffers for the flood's 6-8 concurrent requests of at most
// 1 KiB are negligible. Go's collector lets the heap reach twice the live
// heap (GOGC=100) before it collects, so with about 40 MiB live before the
// flood the heap may peak near 2 x (40 + 32) MiB, about 90 MiB over the
// node's resident memory before the flood (about 58 MiB); the honest
// workload's state grows meanwhile by a few MiB. The bound is twice that.
// It catches a node that keeps what it refuses: the full run sends each
// node about 175,000 transactions, more than 170 MiB at 1 KiB each; the
// short run's 14,000 per node only catch gross retention.
const spamRSSBound = 192 << 20

// Result codes of abci/codes.go the flood must get.
const (
	spamCodeMalformed    uint32 = 3 // core.ErrMalformedTx
	spamCodeWrongChain   uint32 = 5 // core.ErrWrongChainID
	spamCodeBadSignature uint32 = 6 // core.ErrBadSignature
	spamCodeMissingRole  uint32 = 9 // core.ErrMissingRole
)

// spamKinds are the flood's transaction kinds and the code each must get.
var spamKinds = []struct {
	name string
	code uint32
}{
	{"bad signature", spamCodeBadSignature},
	{"garbage", spamCodeMalformed},
	{"wrong chain", spamCodeWrongChain},
	{"unauthorised", spamCodeMissingRole},
}

// TestScenarioSpam is scenario 11: while the workload's honest clients
// run on four validators, one client floods every node, from several
// connections at once and as fast as the nodes answer, with transactions
// of four kinds: a badly signed registration, random bytes, a registration
// signed for another chain, and a well-signed registration by an account
// that lacks the registrar's role (a ministry's bank key, or a fresh key).
// Meanwhile an honest probe (a ministry's admin granting the auditor role
// to fresh accounts, one transaction at a time) measures the time and the
// blocks from submission to commit, and each node's resident memory is
// sampled from /proc. Asserted: every flood transaction was refused by
// CheckTx with its kind's stable code and none is in any block; every
// acknowledged probe transaction committed within 30 s; the chain never
// stalled for 15 s; no node's memory grew by more than spamRSSBound; then
// safety and the workload's durability.
func TestScenarioSpam(t *testing.T) {
	t.Parallel()
	flood, senders := 15*time.Second, 6
	if fullE2E() {
		flood, senders = 3*time.Minute, 8
	}
	seed := scenarioSeed(t)
	nw := startNetwork(t, netConfig{validators: 4})
	live := watchLiveness(nw)
	w := startWorkload(nw, seed)
	time.Sleep(2 * time.Second) // the workload's clients are under way

	mem := spamSampleRSS(t, nw, 250*time.Millisecond)
	fromHeight := nw.maxHeight()
	probe := spamStartProbe(t, nw)
	fl := spamStartFlood(t, nw, seed, senders)
	time.Sleep(flood)
	fl.stop()
	probes := probe.stop()
	base, peak := mem.stop()
	ops := w.stop()
	stall := live.stop()
	toHeight := nw.maxHeight()

	// The flood: all refused, each with its code.
	var sent int64
	for i, k := range spamKinds {
		n := fl.sent[i].Load()
		sent += n
		t.Logf("flood: %d %s transactions, refused with code %d", n, k.name, k.code)
		require.Positive(t, n, "no %s transaction was sent", k.name)
	}
	t.Logf("flood: %d transactions in %s (%.0f/s) from %d connections; %d RPC errors (not refusals)",
		sent, flood, float64(sent)/flood.Seconds(), senders, fl.rpcErrors.Load())
	require.Empty(t, fl.wrong(), "flood transactions not refused with their kind's code")
	require.Less(t, fl.rpcErrors.Load(), sent/10+1, "most flood transactions must reach CheckTx")

	// The honest probe: every acknowledged transaction committed.
	require.NotEmpty(t, probes, "the probe sent nothing")
	var lat []time.Duration
	var maxBlocks int64
	refused := 0
	for _, p := range probes {
		if !p.acked {
			refused++
			continue
		}
		require.NoError(t, p.err, "probe %s was acknowledged but did not commit with code 0 within 30 s", p.hash)
		lat = append(lat, p.latency)
		maxBlocks = max(maxBlocks, p.blocks)
	}
	require.NotEmpty(t, lat, "no probe transaction was acknowledged (%d refused)", refused)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	t.Logf("honest probe: %d committed, %d not acknowledged; submission to commit p50 %s, max %s; at most %d blocks after the tip at submission",
		len(lat), refused, lat[len(lat)/2].Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond), maxBlocks)
	require.Zero(t, refused, "the nodes refused honest probe transactions during the flood")
	require.LessOrEqual(t, maxBlocks, int64(10), "an honest transaction waited more than 10 blocks")
	t.Logf("longest time without a new block: %s (blocks %d-%d during the flood)", stall.Round(time.Millisecond), fromHeight, toHeight)
	require.Less(t, stall, 15*time.Second, "liveness: the chain stalled during the flood")

	// Memory. The peaks after each third of the flood show whether the
	// growth levels off.
	n := len(mem.samples)
	third, twoThirds := mem.peakUpTo(n/3), mem.peakUpTo(2*n/3)
	for i, nd := range nw.nodes {
		growth := peak[i] - base[i]
		t.Logf("%s: resident memory %d MiB before the flood; peak %d / %d / %d MiB after each third of it (%+d MiB)",
			nd.name, base[i]>>20, third[i]>>20, twoThirds[i]>>20, peak[i]>>20, growth>>20)
		require.Less(t, growth, int64(spamRSSBound), "%s's memory grew by %d MiB during the flood", nd.name, growth>>20)
	}

	// No flood transaction in a block: every transaction of the blocks of
	// the flood is the workload's or the probe's.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	honest := map[string]bool{}
	for _, op := range ops {
		honest[op.Hash] = true
	}
	for _, p := range probes {
		honest[p.hash] = true
	}
	cl := nw.nodes[0].Client()
	txs := 0
	for h := fromHeight; h <= toHeight; h++ {
		res, err := cl.RPC().Block(ctx, &h)
		require.NoError(t, err, "block %d", h)
		for _, tx := range res.Block.Txs {
			require.True(t, honest[cmtHash(tx)], "block %d holds %X, sent by neither the workload nor the probe", h, tx.Hash())
			txs++
		}
	}
	t.Logf("blocks %d-%d hold %d transactions, all honest", fromHeight, toHeight, txs)

	nw.checkAfter(ctx, ops)
}

// spamRSS is the resident set size of the node's process in bytes, read
// from /proc/<pid>/status.
func (nd *node) spamRSS() (int64, error) {
	pid := nd.Pid()
	if pid == 0 {
		return 0, fmt.Errorf("%s is not running", nd.name)
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no VmRSS in /proc/%d/status", pid)
}

// spamMemory samples every node's resident memory until stopped.
type spamMemory struct {
	stopped chan struct{}
	done    chan struct{}
	base    []int64   // each node's before the flood
	samples [][]int64 // the samples in order, each with one value per node (0: unread)
}

// spamSampleRSS records each node's resident memory now (the base) and
// then every period.
func spamSampleRSS(t *testing.T, nw *network, period time.Duration) *spamMemory {
	t.Helper()
	m := &spamMemory{stopped: make(chan struct{}), done: make(chan struct{})}
	for _, nd := range nw.nodes {
		rss, err := nd.spamRSS()
		require.NoError(t, err)
		m.base = append(m.base, rss)
	}
	go func() {
		defer close(m.done)
		tick := time.NewTicker(period)
		defer tick.Stop()
		for {
			select {
			case <-m.stopped:
				return
			case <-tick.C:
			}
			sample := make([]int64, len(nw.nodes))
			for i, nd := range nw.nodes {
				sample[i], _ = nd.spamRSS()
			}
			m.samples = append(m.samples, sample)
		}
	}()
	t.Cleanup(func() { m.stop() })
	return m
}

// stop ends the sampling and returns each node's base and its highest
// sample.
func (m *spamMemory) stop() (base, peak []int64) {
	select {
	case <-m.stopped:
	default:
		close(m.stopped)
	}
	<-m.done
	return m.base, m.peakUpTo(len(m.samples))
}

// peakUpTo is each node's highest value among the base and the first n
// samples.
func (m *spamMemory) peakUpTo(n int) []int64 {
	peak := append([]int64(nil), m.base...)
	for _, sample := range m.samples[:n] {
		for i, v := range sample {
			peak[i] = max(peak[i], v)
		}
	}
	return peak
}

// spamFlood is the flooding client.
type spamFlood struct {
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	sent      []atomic.Int64 // by kind
	rpcErrors atomic.Int64

	mu  sync.Mutex
	bad []string // transactions not refused with their kind's code
}

// spamStartFlood starts senders goroutines, each sending one transaction
// of every kind in turn to one node, then to the next node, as fast as the
// nodes answer: every node gets every kind.
func spamStartFlood(t *testing.T, nw *network, seed uint64, senders int) *spamFlood {
	t.Helper()
	var banks []*client.Key
	for _, v := range nw.validators() {
		k, err := nw.keys.Get("bank-" + v.agency)
		require.NoError(t, err)
		banks = append(banks, k)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := &spamFlood{cancel: cancel, sent: make([]atomic.Int64, len(spamKinds))}
	for s := 0; s < senders; s++ {
		rng := rand.New(rand.NewPCG(seed, uint64(1000+s)))
		var cls []*client.Client
		for _, nd := range nw.nodes {
			cls = append(cls, nd.Client())
		}
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				kind := i % len(spamKinds)
				tx := spamTx(rng, nw.chainID, kind, fmt.Sprintf("SPAM-%d-%d", s, i), banks)
				rctx, rcancel := context.WithTimeout(ctx, 5*time.Second)
				_, err := cls[(s+i/len(spamKinds))%len(cls)].Broadcast(rctx, tx)
				rcancel()
				if ctx.Err() != nil {
					return
				}
				f.sent[kind].Add(1)
				var txErr *client.TxError
				switch {
				case errors.As(err, &txErr) && txErr.Code == spamKinds[kind].code:
				case errors.As(err, &txErr), err == nil:
					f.mu.Lock()
					f.bad = append(f.bad, fmt.Sprintf("%s: %v", spamKinds[kind].name, err))
					f.mu.Unlock()
				default:
					f.rpcErrors.Add(1)
				}
			}
		}()
	}
	t.Cleanup(f.stop)
	return f
}

// stop ends the flood and waits for its senders.
func (f *spamFlood) stop() {
	f.cancel()
	f.wg.Wait()
}

// wrong returns up to ten flood transactions that were accepted or
// refused with another code than their kind's.
func (f *spamFlood) wrong() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bad[:min(len(f.bad), 10)]
}

// spamTx makes one flood transaction of the given kind (an index of
// spamKinds); id makes each one unique.
func spamTx(rng *rand.Rand, chainID string, kind int, id string, banks []*client.Key) []byte {
	msg := &land.RegisterParcel{ParcelID: id, CadastralRef: "SPAM/" + id, AreaM2: 1, Location: "spam",
		Denominator: 1, DocumentHash: core.Hash{9}}
	key := ed25519.GenPrivKey()
	sign := func(chain string, k ed25519.PrivKey) []byte {
		msg.Owners = []land.Share{{Account: core.AddressOf(k.PubKey().(ed25519.PubKey)), Shares: 1}}
		raw, err := client.Build(chain, k, 0, msg)
		if err != nil {
			panic(fmt.Sprintf("spam: build: %v", err))
		}
		return raw
	}
	switch spamKinds[kind].code {
	case spamCodeBadSignature:
		raw := sign(chainID, key)
		marker := []byte(`"signature":"`)
		i := bytes.Index(raw, marker) + len(marker)
		const hexDigits = "0123456789abcdef"
		for j := i; j < i+2*ed25519.SignatureSize; j++ {
			raw[j] = hexDigits[rng.IntN(16)]
		}
		return raw
	case spamCodeMalformed:
		raw := make([]byte, 1+rng.IntN(1024))
		for i := range raw {
			raw[i] = byte(rng.UintN(256))
		}
		raw[0] = '!' // never the start of a JSON value
		return raw
	case spamCodeWrongChain:
		return sign(chainID+"-forged", key)
	default: // unauthorised: signed right, by an account without the registrar's role
		if rng.IntN(2) == 0 {
			return sign(chainID, banks[rng.IntN(len(banks))].PrivKey)
		}
		return sign(chainID, key)
	}
}

// spamProbeTx is one honest probe transaction and what became of it.
type spamProbeTx struct {
	hash    string
	acked   bool
	err     error
	latency time.Duration // from the broadcast to WaitTx's answer
	blocks  int64         // commit height minus the tip at submission
}

// spamProbe is the honest client that measures commit latency.
type spamProbe struct {
	cancel context.CancelFunc
	done   chan struct{}
	txs    []spamProbeTx
}

// spamStartProbe starts the honest probe: ministry 0's admin grants the
// auditor role to a fresh account, waits for the commit, and again, each
// time through the next node.
func spamStartProbe(t *testing.T, nw *network) *spamProbe {
	t.Helper()
	admin, err := nw.keys.Get("admin-" + nw.validators()[0].agency)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	p := &spamProbe{cancel: cancel, done: make(chan struct{})}
	seq, err := nw.nodes[0].Client().NextSequence(ctx, admin.Address())
	require.NoError(t, err)
	go func() {
		defer close(p.done)
		for i := 0; ctx.Err() == nil; i++ {
			nd := nw.nodes[i%len(nw.nodes)]
			cl := nd.Client()
			fresh := ed25519.GenPrivKey().PubKey().(ed25519.PubKey)
			raw, err := client.Build(nw.chainID, admin.PrivKey, seq, &agency.GrantRole{Account: core.AddressOf(fresh), Role: core.RoleAuditor})
			if err != nil {
				panic(fmt.Sprintf("spam probe: build: %v", err))
			}
			tip, _ := nd.Height()
			start := time.Now()
			pt := spamProbeTx{hash: cmtHash(raw)}
			bctx, bcancel := context.WithTimeout(context.Background(), 10*time.Second)
			_, err = cl.Broadcast(bctx, raw)
			bcancel()
			if err != nil {
				pt.err = err
				p.txs = append(p.txs, pt)
				continue
			}
			pt.acked = true
			wctx, wcancel := context.WithTimeout(context.Background(), 30*time.Second)
			res, err := cl.WaitTx(wctx, mustHex(pt.hash))
			wcancel()
			pt.latency, pt.err = time.Since(start), err
			if err == nil {
				pt.blocks = res.Height - tip
				seq++
			}
			p.txs = append(p.txs, pt)
			if err != nil {
				return // the sequence is unknown now; the test fails on it
			}
		}
	}()
	t.Cleanup(func() { p.stop() })
	return p
}

// stop ends the probe after its current transaction and returns its log.
func (p *spamProbe) stop() []spamProbeTx {
	p.cancel()
	<-p.done
	return p.txs
}
