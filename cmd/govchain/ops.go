package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/govchain/govchain/abci/metrics"
)

// ReadyMaxBlockAge is how old the last block may be for /readyz to
// answer ready: a network that made no block for this long is halted (a
// govchain network makes a block every round, empty or not).
const ReadyMaxBlockAge = 30 * time.Second

// opsServer is the node's operations endpoint, on config.toml's
// instrumentation.prometheus_listen_addr: /metrics (CometBFT's metrics
// and the application's), /healthz and /readyz. start serves it in place
// of CometBFT's own metrics server, which serves /metrics only.
type opsServer struct {
	srv  *http.Server
	ln   net.Listener
	done chan error
}

// newOpsServer listens on addr (host:port, or :port as CometBFT writes
// it) and serves gather's metrics and ready's reports.
func newOpsServer(addr string, gather prometheus.Gatherer, ready *readiness) (*opsServer, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(gather, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		rep := ready.check(r.Context())
		code := http.StatusOK
		if !rep.Ready {
			code = http.StatusServiceUnavailable
		}
		writeJSON(w, code, rep)
	})
	s := &opsServer{srv: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}, ln: ln, done: make(chan error, 1)}
	go func() {
		if err := s.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
			s.done <- fmt.Errorf("metrics server: %w", err)
		}
	}()
	return s, nil
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// url is the server's base URL.
func (s *opsServer) url() string { return "http://" + s.ln.Addr().String() }

func (s *opsServer) shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}

// readiness decides /readyz from the node's state. Every field is
// required; tests supply their own.
type readiness struct {
	// syncing is true while the node block-syncs or state-syncs.
	syncing func() bool
	// lastBlock is the height and time of the newest block stored.
	lastBlock func() (int64, time.Time)
	// appInfo is the application's committed height and app hash.
	appInfo func() (int64, []byte)
	// peers lists the base URLs of the peers' RPC (http://host:port).
	peers func() []string
	now   func() time.Time
	// maxAge is ReadyMaxBlockAge unless a test says otherwise.
	maxAge time.Duration
	client *http.Client
}

// ReadyReport is /readyz's answer. Ready is false when Reasons is not
// empty; each reason is one sentence.
type ReadyReport struct {
	Ready         bool      `json:"ready"`
	Reasons       []string  `json:"reasons"`
	Height        int64     `json:"height"`
	LastBlockTime time.Time `json:"last_block_time"`
	Syncing       bool      `json:"syncing"`
	// AppHash is the application's app hash after Height, in hex.
	AppHash string `json:"app_hash"`
	// PeersAgree and PeersDiffer count the peers whose header at
	// Height+1 carries this node's app hash, or another; PeersUnknown
	// the peers that did not answer or have no such header yet.
	PeersAgree   int `json:"peers_agree"`
	PeersDiffer  int `json:"peers_differ"`
	PeersUnknown int `json:"peers_unknown"`
}

// check builds the report: not ready while syncing, when the last block
// is older than maxAge, or when most of the peers that answered carry
// another app hash for this node's committed height.
func (r *readiness) check(ctx context.Context) ReadyReport {
	rep := ReadyReport{Reasons: []string{}, Syncing: r.syncing()}
	rep.Height, rep.LastBlockTime = r.lastBlock()
	if rep.Syncing {
		rep.Reasons = append(rep.Reasons, "the node is catching up (block sync or state sync)")
	}
	switch age := r.now().Sub(rep.LastBlockTime); {
	case rep.Height == 0:
		rep.Reasons = append(rep.Reasons, "no block yet")
	case age > r.maxAge:
		rep.Reasons = append(rep.Reasons, fmt.Sprintf("the last block (%d) is %s old, more than %s", rep.Height, age.Round(time.Second), r.maxAge))
	}
	h, hash := r.appInfo()
	rep.AppHash = strings.ToUpper(hex.EncodeToString(hash))
	if h > 0 {
		for _, v := range r.peerHashes(ctx, h+1) {
			switch {
			case v == "":
				rep.PeersUnknown++
			case v == rep.AppHash:
				rep.PeersAgree++
			default:
				rep.PeersDiffer++
			}
		}
		if rep.PeersDiffer > 0 && rep.PeersDiffer >= rep.PeersAgree {
			rep.Reasons = append(rep.Reasons, fmt.Sprintf("app hash %s after block %d differs from %d of the %d peers that answered",
				rep.AppHash, h, rep.PeersDiffer, rep.PeersAgree+rep.PeersDiffer))
		}
	}
	rep.Ready = len(rep.Reasons) == 0
	return rep
}

// status is the report's summary for the health gauges
// (metrics.RegisterNode), computed at each scrape within timeout.
func (r *readiness) status(timeout time.Duration) metrics.NodeStatus {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	rep := r.check(ctx)
	s := metrics.NodeStatus{Ready: rep.Ready, PeersAgree: rep.PeersAgree, PeersDiffer: rep.PeersDiffer}
	if rep.Height > 0 {
		s.LastBlockAge = r.now().Sub(rep.LastBlockTime)
	}
	return s
}

// peerHashes asks every peer's RPC, in parallel, for the app hash in its
// header at height (upper-case hex); "" for a peer that did not answer
// or has no block at height yet.
func (r *readiness) peerHashes(ctx context.Context, height int64) []string {
	peers := r.peers()
	out := make([]string, len(peers))
	var wg sync.WaitGroup
	for i, base := range peers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i] = r.peerHash(ctx, base, height)
		}()
	}
	wg.Wait()
	return out
}

func (r *readiness) peerHash(ctx context.Context, base string, height int64) string {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/block?height=%d", base, height), nil)
	if err != nil {
		return ""
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var body struct {
		Result struct {
			Block struct {
				Header struct {
					AppHash string `json:"app_hash"`
				} `json:"header"`
			} `json:"block"`
		} `json:"result"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&body) != nil {
		return ""
	}
	return strings.ToUpper(body.Result.Block.Header.AppHash)
}

// nodeReadiness reads n's block store, consensus reactor and peers, and
// the application's committed state through appInfo.
func nodeReadiness(n *node.Node, appInfo func() (int64, []byte)) *readiness {
	return &readiness{
		syncing: func() bool { return n.ConsensusReactor().WaitSync() },
		lastBlock: func() (int64, time.Time) {
			h := n.BlockStore().Height()
			if meta := n.BlockStore().LoadBlockMeta(h); meta != nil {
				return h, meta.Header.Time
			}
			return 0, time.Time{}
		},
		appInfo: appInfo,
		peers:   func() []string { return peerRPCs(n.Switch().Peers().Copy()) },
		now:     time.Now,
		maxAge:  ReadyMaxBlockAge,
		client:  &http.Client{Timeout: 2 * time.Second},
	}
}

// peerRPCs turns the RPC addresses peers advertise into base URLs; an
// unspecified host (0.0.0.0) becomes the peer's own address.
func peerRPCs(peers []p2p.Peer) []string {
	var out []string
	for _, p := range peers {
		info, ok := p.NodeInfo().(p2p.DefaultNodeInfo)
		if !ok || info.Other.RPCAddress == "" {
			continue
		}
		u, err := url.Parse(info.Other.RPCAddress)
		if err != nil || u.Port() == "" {
			continue
		}
		host := u.Hostname()
		if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
			host = p.RemoteIP().String()
		}
		out = append(out, "http://"+net.JoinHostPort(host, u.Port()))
	}
	return out
}
