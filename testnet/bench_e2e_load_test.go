package testnet

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/client"
)

// The load generator of the end-to-end benchmark. Signers are the unit of
// ordering: each is bound to one node and submits its transactions there
// in order (a govchain signer's are consecutive sequences, pipelined up to
// benchE2EMaxInFlight past the last one committed, below the chain's
// MaxSequenceAhead of 256). Senders are the unit of concurrency: each owns
// a fixed share of the signers and, in a closed loop, submits one
// transaction with broadcast_tx_sync, waits for CheckTx's answer, and
// submits the next, retrying the same transaction while the mempool is
// full or the node answers busy (code 19, core.ErrBusy). A watcher polls node 0 for every new block and its results and
// matches transaction hashes with the submissions: commit time is when
// node 0 returned the block.

// benchE2EMaxInFlight caps a signer's transactions accepted but not yet
// seen in a block, for both apps alike. With 68 signers that keeps at most
// 4,080 transactions in flight, below the mempool's 5,000: a full mempool
// drops transactions gossiped to it, and a govchain signer whose
// transaction one node dropped has a gap in its sequences there (the
// proposer leaves the later ones out until another node's block fills the
// gap), so a load generator that overflows the mempools measures that
// pathology rather than throughput.
const benchE2EMaxInFlight = 60

// benchE2ETxBuilder builds a signer's transaction with sequence seq.
type benchE2ETxBuilder func(seq uint64) []byte

// benchE2ESigner is one source of ordered transactions.
type benchE2ESigner struct {
	node  int
	build benchE2ETxBuilder
	// next is the sequence of the first transaction not built yet; queue
	// holds built transactions not submitted yet, in order. Only the
	// owning sender (or the step set-up, while no sender runs) touches
	// them.
	next  uint64
	queue [][]byte
	// inflight counts accepted transactions not yet seen in a block.
	inflight atomic.Int64
	// broken: CheckTx refused one of its transactions, so the later ones
	// may never execute; resync restarts it from the chain's sequence.
	broken atomic.Bool
	// resync reads the next sequence from the chain (nil: no sequences).
	resync func(ctx context.Context) (uint64, error)
}

// pop returns the signer's next transaction, building it if the queue is
// empty.
func (s *benchE2ESigner) pop() []byte {
	if len(s.queue) == 0 {
		s.queue = append(s.queue, s.build(s.next))
		s.next++
	}
	tx := s.queue[0]
	s.queue = s.queue[1:]
	return tx
}

// topUp builds transactions until n are queued.
func (s *benchE2ESigner) topUp(n int) {
	for len(s.queue) < n {
		s.queue = append(s.queue, s.build(s.next))
		s.next++
	}
}

// benchE2EGovchainSigners returns one signer per land registrar of the
// network (registrar-<agency> and its extra registrars), each bound to
// its own ministry's node and registering new parcels owned by citizens.
func benchE2EGovchainSigners(nw *benchE2ENet, extra int) ([]*benchE2ESigner, int, error) {
	keys := client.NewKeyring(filepath.Join(nw.dir, "keyring"))
	var owners []core.Address
	for i := 0; i < 2*len(nw.nodes); i++ {
		k, err := keys.Get(fmt.Sprintf("citizen-%d", i))
		if err != nil {
			return nil, 0, err
		}
		owners = append(owners, k.Address())
	}
	var out []*benchE2ESigner
	// Interleave ministries so that any multiple of four senders spreads
	// over the four nodes.
	for j := 0; j <= extra; j++ {
		for n, nd := range nw.nodes {
			name := "registrar-" + nd.agency
			if j > 0 {
				name += "-" + strconv.Itoa(j)
			}
			k, err := keys.Get(name)
			if err != nil {
				return nil, 0, err
			}
			idx := len(out)
			cl := newBenchE2ERPC(nd.rpc).client
			chainID := nw.chainID
			build := func(seq uint64) []byte {
				id := fmt.Sprintf("BE-%03d-%08d", idx, seq)
				doc := sha256.Sum256([]byte(id))
				msg := &land.RegisterParcel{ParcelID: id, CadastralRef: "CAD/" + id, AreaM2: 100 + int64(seq%5000),
					Location: "Benchmark district, lot " + strconv.FormatUint(seq, 10), Denominator: 1,
					Owners: []land.Share{{Account: owners[(idx+int(seq))%len(owners)], Shares: 1}}, DocumentHash: core.Hash(doc)}
				raw, err := client.Build(chainID, k.PrivKey, seq, msg)
				if err != nil {
					panic(fmt.Sprintf("bench-e2e builds an invalid parcel registration: %v", err))
				}
				return raw
			}
			out = append(out, &benchE2ESigner{node: n, build: build, resync: func(ctx context.Context) (uint64, error) {
				return cl.NextSequence(ctx, k.Address())
			}})
		}
	}
	return out, len(out[0].build(0)), nil
}

// benchE2EKVSize is the default size of a kvstore transaction, as in the
// reference figures.
const benchE2EKVSize = 214

// benchE2EKVSigners returns n kvstore sources bound to the nodes in turn,
// each writing unique keys ("kNNN-SEQ=vvv...", size bytes).
func benchE2EKVSigners(nw *benchE2ENet, n, size int) []*benchE2ESigner {
	var out []*benchE2ESigner
	for i := 0; i < n; i++ {
		build := func(seq uint64) []byte {
			tx := []byte(fmt.Sprintf("k%03d-%010d=", i, seq))
			return append(tx, bytes.Repeat([]byte{'v'}, max(size-len(tx), 1))...)
		}
		out = append(out, &benchE2ESigner{node: i % len(nw.nodes), build: build})
	}
	return out
}

// benchE2EPending is a submitted transaction awaiting its block:
// submitted is when the node accepted it, first when it was first sent
// (before any retry).
type benchE2EPending struct {
	signer           *benchE2ESigner
	submitted, first time.Time
}

// benchE2ECommit is a benchmark transaction seen in a block, at index
// in block height; its result code is read after the step.
type benchE2ECommit struct {
	submitted, first, seen time.Time
	height                 int64
	index                  int
	signer                 *benchE2ESigner
	code                   uint32
}

// benchE2EBlock is a block seen on node 0.
type benchE2EBlock struct {
	height int64
	seen   time.Time
	txs    int
	// round is the consensus round that decided the block (read from
	// the next block's last commit), 0 until that block is seen.
	round int32
}

// benchE2ELoad drives one network.
type benchE2ELoad struct {
	nw   *benchE2ENet
	rpcs []*benchE2ERPC
	// metrics are the nodes' Prometheus endpoints ("" where a node
	// serves none).
	metrics []string
	signers []*benchE2ESigner

	pending sync.Map // [32]byte -> *benchE2EPending

	mu      sync.Mutex
	commits []benchE2ECommit
	blocks  []benchE2EBlock
	// Counters of the current step, reset by runStep.
	accepted, refused, retries, busy atomic.Int64
	firstRefusal, firstFailure       atomic.Pointer[string]
}

// newBenchE2ELoad prepares the load of a network; watch must run before
// any step.
func newBenchE2ELoad(nw *benchE2ENet, signers []*benchE2ESigner) *benchE2ELoad {
	l := &benchE2ELoad{nw: nw, signers: signers}
	for _, nd := range nw.nodes {
		l.rpcs = append(l.rpcs, newBenchE2ERPC(nd.rpc))
		var prom string
		if conf, err := readNodeConfig(nd.home); err == nil && conf.Instrumentation.Prometheus {
			prom = "http://" + conf.Instrumentation.PrometheusListenAddr + "/metrics"
		}
		l.metrics = append(l.metrics, prom)
	}
	return l
}

// watch polls node 0 for each block after the current one and records
// the benchmark transactions it carries, until ctx ends. The results are
// read later (codes), outside the measured window: block_results costs the
// node more than the block.
func (l *benchE2ELoad) watch(ctx context.Context) error {
	rpc := l.rpcs[0]
	h, err := rpc.height(ctx)
	if err != nil {
		return err
	}
	go func() {
		for h++; ctx.Err() == nil; {
			txs, lastRound, err := rpc.blockTxs(ctx, h)
			if err != nil {
				time.Sleep(10 * time.Millisecond)
				continue
			}
			seen := time.Now()
			var found []benchE2ECommit
			for i, tx := range txs {
				p, ok := l.pending.LoadAndDelete(sha256.Sum256(tx))
				if !ok {
					continue
				}
				pd := p.(*benchE2EPending)
				pd.signer.inflight.Add(-1)
				found = append(found, benchE2ECommit{submitted: pd.submitted, first: pd.first, seen: seen, height: h, index: i, signer: pd.signer})
			}
			l.mu.Lock()
			l.commits = append(l.commits, found...)
			if n := len(l.blocks); n > 0 && l.blocks[n-1].height == h-1 {
				l.blocks[n-1].round = lastRound
			}
			l.blocks = append(l.blocks, benchE2EBlock{height: h, seen: seen, txs: len(txs)})
			l.mu.Unlock()
			h++
		}
	}()
	return nil
}

// benchE2EStep is the outcome of one load step.
type benchE2EStep struct {
	senders int
	// window is the measured interval after the warm-up.
	window time.Duration
	// submitted: transactions accepted by CheckTx in the window, per
	// second; committed: executed with code 0 in blocks seen in the
	// window, per second.
	submitted, committed float64
	p50, p95             time.Duration
	// p95first is the 95th percentile latency from the first time each
	// transaction was sent, retries included.
	p95first time.Duration
	blocks   int
	// laterRounds: blocks of the window decided after round 0 (a
	// proposal that did not reach enough validators in time); gap: the
	// longest interval between two blocks seen in the window.
	laterRounds int
	gap         time.Duration
	// failed: executed with a code other than 0; lost: accepted in the
	// window but not in a block by the end of the drain; refused: refused
	// by CheckTx; retries: submissions repeated because the mempool was
	// full or the node did not answer; busy: submissions repeated because
	// the node answered busy.
	failed, lost, refused, retries, busy int64
	// gossipDropped: transactions peers gossiped that the nodes' own
	// mempools left out for load during the window (past twice their
	// pending limit), summed over the nodes
	// (govchain_mempool_gossip_dropped_total{reason="busy"}), or -1
	// where the nodes do not count them (kvstore).
	gossipDropped int64
	refusal       string
}

// runStep runs senders closed-loop senders for warmup+window, then waits
// up to drain for every accepted transaction to reach a block, and
// measures the window. profile, if set, receives a CPU profile of node 0
// taken during the window.
func (l *benchE2ELoad) runStep(senders int, warmup, window, drain time.Duration, profile string) (benchE2EStep, error) {
	st := benchE2EStep{senders: senders, window: window}
	l.accepted.Store(0)
	l.refused.Store(0)
	l.retries.Store(0)
	l.busy.Store(0)
	l.firstRefusal.Store(nil)
	l.firstFailure.Store(nil)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for i := 0; i < senders; i++ {
		var mine []*benchE2ESigner
		for j := i; j < len(l.signers); j += senders {
			mine = append(mine, l.signers[j])
		}
		if len(mine) == 0 {
			continue
		}
		wg.Add(1)
		go func() { defer wg.Done(); l.send(ctx, mine) }()
	}
	time.Sleep(warmup)
	t0 := time.Now()
	acc0, ref0, ret0, busy0 := l.accepted.Load(), l.refused.Load(), l.retries.Load(), l.busy.Load()
	drop0 := l.gossipDropped()
	var profErr error
	var profWG sync.WaitGroup
	if profile != "" && l.nw.pprof != "" {
		profWG.Add(1)
		go func() { defer profWG.Done(); profErr = l.profile(profile, window-time.Second) }()
	}
	time.Sleep(window)
	t1 := time.Now()
	acc1, ref1, ret1, busy1 := l.accepted.Load(), l.refused.Load(), l.retries.Load(), l.busy.Load()
	st.gossipDropped = -1
	if drop1 := l.gossipDropped(); drop0 >= 0 && drop1 >= 0 {
		st.gossipDropped = drop1 - drop0
	}
	cancel()
	wg.Wait()
	profWG.Wait()
	if profErr != nil {
		return st, profErr
	}
	deadline := time.Now().Add(drain)
	for time.Now().Before(deadline) && l.pendingCount() > 0 {
		time.Sleep(100 * time.Millisecond)
	}
	if err := l.nw.running(); err != nil {
		return st, err
	}
	st.submitted = float64(acc1-acc0) / t1.Sub(t0).Seconds()
	st.refused, st.retries, st.busy = ref1-ref0, ret1-ret0, busy1-busy0
	if s := l.firstRefusal.Load(); s != nil {
		st.refusal = "first refusal: " + *s
	}
	// Everything still pending was submitted during this step: lost.
	l.pending.Range(func(k, v any) bool {
		p := v.(*benchE2EPending)
		if !p.submitted.Before(t0) && p.submitted.Before(t1) {
			st.lost++
		}
		p.signer.broken.Store(true)
		l.pending.Delete(k)
		return true
	})
	if err := l.codes(); err != nil {
		return st, err
	}
	if s := l.firstFailure.Load(); s != nil {
		st.refusal += " first failure: " + *s
	}
	l.mu.Lock()
	var lat, latFirst []time.Duration
	var ok int
	for _, c := range l.commits {
		if c.code == 0 && !c.seen.Before(t0) && c.seen.Before(t1) {
			ok++
		}
		if !c.submitted.Before(t0) && c.submitted.Before(t1) {
			if c.code != 0 {
				st.failed++
				continue
			}
			lat = append(lat, c.seen.Sub(c.submitted))
			latFirst = append(latFirst, c.seen.Sub(c.first))
		}
	}
	var prev time.Time
	for _, b := range l.blocks {
		if !b.seen.Before(t0) && b.seen.Before(t1) {
			st.blocks++
			if b.round > 0 {
				st.laterRounds++
			}
			if !prev.IsZero() {
				st.gap = max(st.gap, b.seen.Sub(prev))
			}
			prev = b.seen
		}
	}
	l.commits, l.blocks = l.commits[:0], l.blocks[:0]
	l.mu.Unlock()
	st.committed = float64(ok) / t1.Sub(t0).Seconds()
	st.p50, st.p95 = benchE2EPercentile(lat, 50), benchE2EPercentile(lat, 95)
	st.p95first = benchE2EPercentile(latFirst, 95)
	return st, l.resync()
}

// codes reads the result code of every transaction recorded since the
// last step, from the nodes in turn, and stops the signer of a failed one
// until the step's resync (its later sequences cannot execute).
func (l *benchE2ELoad) codes() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	results := map[int64][]benchE2EResult{}
	for k := range l.commits {
		c := &l.commits[k]
		res, ok := results[c.height]
		if !ok {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			var err error
			res, err = l.rpcs[int(c.height)%len(l.rpcs)].blockResults(ctx, c.height)
			cancel()
			if err != nil {
				return fmt.Errorf("results of block %d: %w", c.height, err)
			}
			results[c.height] = res
		}
		if c.index >= len(res) {
			return fmt.Errorf("block %d has %d results, no result %d", c.height, len(res), c.index)
		}
		if c.code = res[c.index].Code; c.code != 0 {
			c.signer.broken.Store(true)
			msg := fmt.Sprintf("code %d: %s", c.code, res[c.index].Log)
			l.firstFailure.CompareAndSwap(nil, &msg)
		}
	}
	return nil
}

// pendingCount is the number of accepted transactions not yet seen.
func (l *benchE2ELoad) pendingCount() int {
	n := 0
	l.pending.Range(func(any, any) bool { n++; return true })
	return n
}

// resync restarts every broken signer (one whose transaction was refused
// or lost) from the sequence the chain expects, dropping its queue.
func (l *benchE2ELoad) resync() error {
	for _, s := range l.signers {
		if !s.broken.Load() {
			continue
		}
		s.queue = nil
		s.broken.Store(false)
		s.inflight.Store(0)
		if s.resync == nil {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		seq, err := s.resync(ctx)
		cancel()
		if err != nil {
			return fmt.Errorf("resync a signer: %w", err)
		}
		s.next = seq
	}
	return nil
}

// prepare builds up to perSigner transactions ahead for every signer, on
// all cores, so that signing does not compete with the nodes during the
// step.
func (l *benchE2ELoad) prepare(perSigner int) {
	var wg sync.WaitGroup
	work := make(chan *benchE2ESigner)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range work {
				s.topUp(perSigner)
			}
		}()
	}
	for _, s := range l.signers {
		work <- s
	}
	close(work)
	wg.Wait()
}

// send is one closed-loop sender over its signers, round robin, skipping
// signers with benchE2EMaxInFlight transactions in flight.
func (l *benchE2ELoad) send(ctx context.Context, mine []*benchE2ESigner) {
	next := 0
	for ctx.Err() == nil {
		var s *benchE2ESigner
		for k := 0; k < len(mine); k++ {
			c := mine[(next+k)%len(mine)]
			if !c.broken.Load() && c.inflight.Load() < benchE2EMaxInFlight {
				s, next = c, (next+k+1)%len(mine)
				break
			}
		}
		if s == nil {
			time.Sleep(5 * time.Millisecond)
			continue
		}
		l.submit(ctx, s, s.pop())
	}
}

// benchE2ECodeBusy is govchain's "busy, retry later" (core.ErrBusy): the
// node sheds load at admission, and the same transaction is sent again
// after benchE2EBusyWait (a fraction of a block: sooner would only load
// the node with refusals).
const (
	benchE2ECodeBusy = 19
	benchE2EBusyWait = 200 * time.Millisecond
)

// submit broadcasts tx until CheckTx answers (retrying while the mempool
// is full, the node answers busy or does not answer); a refusal breaks
// the signer.
func (l *benchE2ELoad) submit(ctx context.Context, s *benchE2ESigner, tx []byte) {
	key := sha256.Sum256(tx)
	first := time.Now()
	for {
		p := &benchE2EPending{signer: s, submitted: time.Now(), first: first}
		l.pending.Store(key, p)
		s.inflight.Add(1)
		bctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		code, log, err := l.rpcs[s.node].broadcast(bctx, tx)
		cancel()
		switch {
		case err == nil && code == 0, err != nil && strings.Contains(err.Error(), "already exists in cache"),
			err != nil && strings.Contains(err.Error(), "tx already seen"):
			l.accepted.Add(1)
			return
		}
		// Not accepted (unless the block watcher already saw it).
		if _, mine := l.pending.LoadAndDelete(key); mine {
			s.inflight.Add(-1)
		} else {
			l.accepted.Add(1)
			return
		}
		wait := 50 * time.Millisecond
		switch {
		case err == nil && code == benchE2ECodeBusy && l.nw.app == "govchain":
			l.busy.Add(1)
			wait = benchE2EBusyWait
		case err == nil:
			l.refused.Add(1)
			msg := fmt.Sprintf("code %d: %s", code, log)
			l.firstRefusal.CompareAndSwap(nil, &msg)
			s.broken.Store(true)
			return
		default:
			l.retries.Add(1)
		}
		if ctx.Err() != nil {
			// The step is over: keep the transaction for the next one.
			s.queue = append([][]byte{tx}, s.queue...)
			return
		}
		time.Sleep(wait)
	}
}

// benchE2EGossipDropped is the metric line of the gossiped transactions a
// node's own mempool left out for load.
const benchE2EGossipDropped = `govchain_mempool_gossip_dropped_total{reason="busy"} `

// gossipDropped sums benchE2EGossipDropped over the nodes' Prometheus
// endpoints, or returns -1 if a node does not serve it.
func (l *benchE2ELoad) gossipDropped() int64 {
	var sum int64
	for _, url := range l.metrics {
		if url == "" {
			return -1
		}
		resp, err := http.Get(url)
		if err != nil {
			return -1
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return -1
		}
		found := false
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, benchE2EGossipDropped); ok {
				f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if err != nil {
					return -1
				}
				sum += int64(f)
				found = true
			}
		}
		if !found {
			return -1
		}
	}
	return sum
}

// profile saves a CPU profile of node 0 taken over d.
func (l *benchE2ELoad) profile(path string, d time.Duration) error {
	url := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", l.nw.pprof, max(1, int(d.Seconds())))
	resp, err := http.Get(url)
	if err != nil {
		return fmt.Errorf("profile: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("profile: %s", resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// benchE2EPercentile is the p-th percentile of d (0 if empty).
func benchE2EPercentile(d []time.Duration, p int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	return d[min(len(d)-1, len(d)*p/100)]
}

// benchE2ERPC is a minimal JSON-RPC client of one node, over a transport
// that keeps enough idle connections for every sender (CometBFT's own
// HTTP client keeps two, and would reconnect for nearly every call).
type benchE2ERPC struct {
	url    string
	hc     *http.Client
	client *client.Client
}

var benchE2ETransport = &http.Transport{MaxIdleConns: 1024, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}

func newBenchE2ERPC(url string) *benchE2ERPC {
	cl, err := client.New(url)
	if err != nil {
		panic(err) // the URLs come from testnet.json
	}
	return &benchE2ERPC{url: url, hc: &http.Client{Transport: benchE2ETransport}, client: cl}
}

// benchE2ERPCError is an error object of a JSON-RPC answer.
type benchE2ERPCError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    string `json:"data"`
}

func (e *benchE2ERPCError) Error() string { return fmt.Sprintf("%s: %s", e.Message, e.Data) }

// call posts one JSON-RPC request and decodes its result into out.
func (r *benchE2ERPC) call(ctx context.Context, method string, params, out any) error {
	body, err := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := r.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var env struct {
		Result json.RawMessage   `json:"result"`
		Error  *benchE2ERPCError `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	if env.Error != nil {
		return env.Error
	}
	return json.Unmarshal(env.Result, out)
}

// broadcast is broadcast_tx_sync: CheckTx's code and log.
func (r *benchE2ERPC) broadcast(ctx context.Context, tx []byte) (uint32, string, error) {
	var res struct {
		Code uint32 `json:"code"`
		Log  string `json:"log"`
	}
	err := r.call(ctx, "broadcast_tx_sync", map[string]string{"tx": base64.StdEncoding.EncodeToString(tx)}, &res)
	return res.Code, res.Log, err
}

// height is the node's latest block height.
func (r *benchE2ERPC) height(ctx context.Context) (int64, error) {
	var res struct {
		SyncInfo struct {
			Height int64 `json:"latest_block_height,string"`
		} `json:"sync_info"`
	}
	if err := r.call(ctx, "status", map[string]string{}, &res); err != nil {
		return 0, err
	}
	return res.SyncInfo.Height, nil
}

// blockTxs returns the transactions of block h (an error if there is no
// such block yet) and the round that decided block h-1 (its last commit's).
func (r *benchE2ERPC) blockTxs(ctx context.Context, h int64) ([][]byte, int32, error) {
	var res struct {
		Block *struct {
			Data struct {
				Txs [][]byte `json:"txs"`
			} `json:"data"`
			LastCommit struct {
				Round int32 `json:"round"`
			} `json:"last_commit"`
		} `json:"block"`
	}
	if err := r.call(ctx, "block", map[string]string{"height": strconv.FormatInt(h, 10)}, &res); err != nil {
		return nil, 0, err
	}
	if res.Block == nil {
		return nil, 0, errors.New("no block")
	}
	return res.Block.Data.Txs, res.Block.LastCommit.Round, nil
}

// benchE2EResult is a transaction's result in a block.
type benchE2EResult struct {
	Code uint32 `json:"code"`
	Log  string `json:"log"`
}

// blockResults returns the result of each transaction of block h.
func (r *benchE2ERPC) blockResults(ctx context.Context, h int64) ([]benchE2EResult, error) {
	var res struct {
		Results []benchE2EResult `json:"txs_results"`
	}
	if err := r.call(ctx, "block_results", map[string]string{"height": strconv.FormatInt(h, 10)}, &res); err != nil {
		return nil, err
	}
	return res.Results, nil
}
