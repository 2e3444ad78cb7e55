package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/cometbft/cometbft/blocksync"
	cmtcfg "github.com/cometbft/cometbft/config"
	cmtcs "github.com/cometbft/cometbft/consensus"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	mempl "github.com/cometbft/cometbft/mempool"
	"github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/proxy"
	sm "github.com/cometbft/cometbft/state"
	"github.com/cometbft/cometbft/statesync"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/govchain/govchain/abci"
	"github.com/govchain/govchain/abci/metrics"
	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/legacy"
	"github.com/govchain/govchain/snapshot"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/store"
)

// Flags of start.
const (
	flagRPCLaddr = "rpc-laddr"
	flagP2PLaddr = "p2p-laddr"
	flagLogLevel = "log-level"
	// flagMetricsLaddr overrides instrumentation.prometheus_listen_addr
	// and turns Prometheus on.
	flagMetricsLaddr = "metrics-laddr"
	// flagPrivValLaddr overrides priv_validator_laddr (custody.go).
	flagPrivValLaddr = "priv-validator-laddr"
)

func (c *cli) startCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Run the node: CometBFT and the govchain state machine in one process",
		Long: `Run the node in the foreground until SIGINT or SIGTERM, then stop
CometBFT and close the state store cleanly.

Reads <home>/config/config.toml (CometBFT) and <home>/config/app.toml
(govchain); the state is kept under <home>/data/state and state-sync
snapshots under <home>/data/snapshots. Logs go to stdout: plain text,
or one JSON object a line with log_format = "json" in config.toml or
--log-format json.

With [web] enabled in app.toml (govchain init --dev enables it), the node
also serves the HTTP/JSON API of docs/api.md on [web]'s address (or
--web-laddr), with its own genesis as the trust root.

With instrumentation.prometheus on in config.toml (govchain init --dev
and testnet init turn it on), or with --metrics-laddr, the node serves
/metrics (CometBFT's and govchain's), /healthz and /readyz on
prometheus_listen_addr (docs/operator.md, "Metrics and health").`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return c.runStart(cmd) },
	}
	addHomeFlag(cmd)
	f := cmd.Flags()
	f.String(flagRPCLaddr, "", "override config.toml's rpc.laddr (e.g. tcp://127.0.0.1:36657)")
	f.String(flagP2PLaddr, "", "override config.toml's p2p.laddr (e.g. tcp://127.0.0.1:36656)")
	f.String(flagLogLevel, "", "override config.toml's log_level (e.g. info, or state:info,*:error)")
	f.String(flagLogFormat, "", "override config.toml's log_format: plain, or json (one JSON object a line)")
	f.String(flagWebLaddr, "", "override app.toml's [web] address (e.g. 127.0.0.1:36680; port 0 picks a free one)")
	f.String(flagPrivValLaddr, "", "override config.toml's priv_validator_laddr: sign through the remote signer (govchain signer) that connects to this address (tcp://host:port or unix://path)")
	f.String(flagMetricsLaddr, "", "serve /metrics, /healthz and /readyz on this host:port (overrides config.toml's instrumentation)")
	return cmd
}

// loadNodeConfig reads CometBFT's config.toml under home with viper, the
// way CometBFT's own command does, and applies the command-line overrides.
func (c *cli) loadNodeConfig(home string) (*cmtcfg.Config, error) {
	path := filepath.Join(home, cmtcfg.DefaultConfigDir, cmtcfg.DefaultConfigFileName)
	v := viper.New()
	v.SetConfigFile(path)
	v.SetConfigType("toml")
	if err := v.ReadInConfig(); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s does not exist (run govchain init --home %s first)", path, home)
		}
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	conf := cmtcfg.DefaultConfig()
	if err := v.Unmarshal(conf); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	conf.SetRoot(home)
	if s := c.v.GetString(flagRPCLaddr); s != "" {
		conf.RPC.ListenAddress = s
	}
	if s := c.v.GetString(flagP2PLaddr); s != "" {
		conf.P2P.ListenAddress = s
	}
	if s := c.v.GetString(flagPrivValLaddr); s != "" {
		conf.PrivValidatorListenAddr = s
	}
	if s := c.v.GetString(flagLogLevel); s != "" {
		conf.LogLevel = s
	}
	if s := c.v.GetString(flagLogFormat); s != "" {
		if err := checkLogFormat(s); err != nil {
			return nil, fmt.Errorf("--%s: %w", flagLogFormat, err)
		}
		conf.LogFormat = s
	}
	if s := c.v.GetString(flagMetricsLaddr); s != "" {
		if _, port, err := net.SplitHostPort(s); err != nil || port == "" {
			return nil, fmt.Errorf("--%s: address %q is not host:port", flagMetricsLaddr, s)
		}
		conf.Instrumentation.Prometheus = true
		conf.Instrumentation.PrometheusListenAddr = s
	}
	if err := conf.ValidateBasic(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return conf, nil
}

func (c *cli) runStart(cmd *cobra.Command) error {
	home, err := filepath.Abs(c.home())
	if err != nil {
		return err
	}
	conf, err := c.loadNodeConfig(home)
	if err != nil {
		return err
	}
	appCfg, err := LoadConfig(home)
	if err != nil {
		return err
	}
	if s := c.v.GetString(flagWebLaddr); s != "" {
		appCfg.Web.Address = s
		if err := appCfg.Web.Validate(); err != nil {
			return fmt.Errorf("--%s: %w", flagWebLaddr, err)
		}
	}
	logger, err := nodeLogger(conf, c.out)
	if err != nil {
		return err
	}
	for _, f := range []string{conf.NodeKeyFile(), conf.GenesisFile()} {
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("%w (is %s a node home made by govchain init?)", err, home)
		}
	}
	nodeKey, err := p2p.LoadNodeKey(conf.NodeKeyFile())
	if err != nil {
		return fmt.Errorf("node key: %w", err)
	}
	// The key files' modes, and the validator: this home's key or a
	// remote signer, guarded (custody.go).
	pv, err := nodePrivValidator(conf, nodeKey, logger)
	if err != nil {
		return err
	}
	defer pv.close()
	// Blocks committed but not indexed when the node last stopped (a kill
	// between commit and indexing) are indexed before the node starts.
	idxLog := logger.With("module", "txindex")
	if _, err := catchUpTxIndex(conf, idxLog.Info); err != nil {
		idxLog.Error("transaction index not caught up", "err", err)
	}

	st, err := store.Open(filepath.Join(conf.DBDir(), "state"), appCfg.State)
	if err != nil {
		return fmt.Errorf("open state: %w", err)
	}
	a, err := app.New(st)
	if err != nil {
		_ = st.Close()
		return err
	}
	if err := appCfg.Load.apply(a, conf.Consensus.TimeoutCommit); err != nil {
		_ = a.Close()
		return err
	}
	if conf.Mempool.Type == cmtcfg.MempoolTypeApp {
		a.EnablePool(appCfg.Mempool.Relay)
	}
	importLog := logger.With("module", "import")
	a.SetGenesisLoader(legacy.NodeLoader(cmd.Context(), importDir(home), conf.DBDir(), func(msg string) { importLog.Info(msg) }))
	snaps, err := snapshot.NewManager(filepath.Join(conf.DBDir(), "snapshots"), st, appCfg.Snapshot,
		snapshot.Options{Logger: logger.With("module", "snapshot")})
	if err != nil {
		_ = a.Close()
		return err
	}
	// The manager reads the store in the background: close it first. The
	// node's transaction index is closed with them (nodeDBs).
	dbs := &nodeDBs{}
	closeApp := func() error { return errors.Join(dbs.close(), snaps.Close(), a.Close()) }
	bi := buildInfo()
	abciApp := abci.New(a, logger.With("module", "abci"), abci.Version{Software: bi.Version, AppVersion: AppVersion})
	abciApp.SetSnapshots(snaps)
	treeSnapshot := func() int64 { return store.TreeSnapshot(st) }
	abciApp.SetTreeSnapshot(treeSnapshot)
	// With Prometheus on, start serves the metrics port itself (ops.go):
	// /metrics with CometBFT's metrics (the default registry) and the
	// application's (a registry of this node's own), /healthz and /readyz.
	// CometBFT's server, which would take the port for /metrics alone, is
	// left off by clearing its address in the config the node gets.
	var (
		opsAddr string
		appReg  *prometheus.Registry
	)
	if conf.Instrumentation.IsPrometheusEnabled() {
		opsAddr = conf.Instrumentation.PrometheusListenAddr
		conf.Instrumentation.PrometheusListenAddr = ""
		appReg = prometheus.NewRegistry()
		src := metrics.Sources{TxCache: a.TxCacheStats, Mempool: a.MempoolStats, BudgetScale: func() float64 { return float64(a.BudgetEighths()) / app.BudgetScaleUnit }, StateDir: filepath.Join(conf.DBDir(), "state"),
			LatestSnapshot: func() int64 {
				list, err := snaps.List()
				if err != nil || len(list) == 0 {
					return 0
				}
				return int64(list[0].Height)
			}}
		if st.Engine() == state.EngineMemIAVL {
			// iavl keeps no snapshots: no series, rather than a 0 that
			// would read as a memiavl node stuck on its first one.
			src.TreeSnapshot = treeSnapshot
		}
		m, err := metrics.New(appReg, src)
		if err != nil {
			_ = closeApp()
			return err
		}
		abciApp.SetMetrics(m)
	}
	mainLog := logger.With("module", "main")
	nodeLog := newStopLogger(logger)
	n, err := node.NewNodeWithContext(cmd.Context(), conf, pv, nodeKey,
		proxy.NewLocalClientCreator(abciApp),
		node.DefaultGenesisDocProviderFunc(conf),
		dbs.provide,
		onceMetricsProvider(conf.Instrumentation, logger.With("module", "main")),
		nodeLog,
	)
	if err != nil {
		_ = closeApp()
		return fmt.Errorf("create node: %w", err)
	}
	pv.setStore(n.BlockStore())
	// The API's port is taken before the node starts, so that a port in
	// use stops start with nothing running.
	var (
		web     *webServer
		webDone <-chan error // nil: never ready
	)
	if appCfg.Web.Enable {
		if web, err = nodeWeb(appCfg.Web, conf.RPC.ListenAddress, conf.GenesisFile()); err != nil {
			_ = closeApp()
			return err
		}
		webDone = web.done
	}
	var (
		ops     *opsServer
		opsDone <-chan error
	)
	if opsAddr != "" {
		ready := nodeReadiness(n, a.Info)
		if err := metrics.RegisterNode(appReg, func() metrics.NodeStatus { return ready.status(5 * time.Second) }); err != nil {
			if web != nil {
				_ = web.shutdown()
			}
			_ = closeApp()
			return err
		}
		ops, err = newOpsServer(opsAddr, prometheus.Gatherers{prometheus.DefaultGatherer, appReg}, ready)
		switch {
		case err == nil:
			opsDone = ops.done
		case c.v.GetString(flagMetricsLaddr) == "":
			// As CometBFT does with its own metrics server: a busy port
			// in config.toml costs the metrics, not the node.
			mainLog.Error("metrics and health are not served", "prometheus_listen_addr", opsAddr, "err", err)
		default:
			if web != nil {
				_ = web.shutdown()
			}
			_ = closeApp()
			return fmt.Errorf("--%s: %w", flagMetricsLaddr, err)
		}
	}
	if err := n.Start(); err != nil {
		if web != nil {
			_ = web.shutdown()
		}
		if ops != nil {
			_ = ops.shutdown()
		}
		_ = closeApp()
		return fmt.Errorf("start node: %w", err)
	}
	mainLog.Info("govchain node started", "version", bi.Version, "home", home, "engine", st.Engine(),
		"rpc", conf.RPC.ListenAddress, "p2p", conf.P2P.ListenAddress, "node_id", nodeKey.ID())
	if web != nil {
		mainLog.Info("serving the HTTP API", "url", web.url())
	}
	if ops != nil {
		mainLog.Info("serving metrics and health", "url", ops.url())
	}
	var stopErr error
	// A node halted by an upgrade stays up, making no block, until it is
	// stopped: its peers still get the halting block's commit from it, so
	// every node stops at the same height, and its RPC still answers.
	halted := abciApp.Halted()
	for running := true; running; {
		select {
		case <-halted:
			halted = nil
			mainLog.Error("UPGRADE HALT: this binary cannot execute the next block; the node makes no more blocks."+
				" Stop it, install the binary the reason names and start it again", "reason", abciApp.HaltErr())
			continue
		case <-cmd.Context().Done():
			mainLog.Info("stopping on signal")
			nodeLog.Stopping()
		case <-n.Quit():
			stopErr = fmt.Errorf("the node stopped by itself (see the log above)")
		case err := <-webDone:
			stopErr = err
		case err := <-opsDone:
			stopErr = err
		case err := <-pv.failed:
			stopErr = err
		}
		running = false
	}
	if ops != nil {
		if err := ops.shutdown(); err != nil {
			mainLog.Error("stop the metrics server", "err", err)
		}
	}
	if web != nil {
		if err := web.shutdown(); err != nil {
			mainLog.Error("stop the HTTP API", "err", err)
		}
	}
	if n.IsRunning() {
		if err := n.Stop(); err != nil {
			mainLog.Error("stop node", "err", err)
		}
	}
	n.Wait()
	if err := closeApp(); err != nil {
		return fmt.Errorf("close state: %w", err)
	}
	if stopErr != nil {
		return stopErr
	}
	mainLog.Info("stopped cleanly")
	return nil
}

// onceMetricsProvider is CometBFT's DefaultMetricsProvider, except that a
// second node in the same process (tests start several), whose metrics
// CometBFT cannot register again on the default registry, gets no
// CometBFT metrics instead of a panic.
func onceMetricsProvider(conf *cmtcfg.InstrumentationConfig, logger cmtlog.Logger) node.MetricsProvider {
	provide := node.DefaultMetricsProvider(conf)
	return func(chainID string) (cs *cmtcs.Metrics, p *p2p.Metrics, mp *mempl.Metrics, st *sm.Metrics, px *proxy.Metrics, bs *blocksync.Metrics, ss *statesync.Metrics) {
		defer func() {
			if r := recover(); r != nil {
				logger.Error("CometBFT's metrics are already registered in this process; this node's are off", "err", r)
				cs, p, mp, st, px, bs, ss = cmtcs.NopMetrics(), p2p.NopMetrics(), mempl.NopMetrics(), sm.NopMetrics(),
					proxy.NopMetrics(), blocksync.NopMetrics(), statesync.NopMetrics()
			}
		}()
		return provide(chainID)
	}
}
