package main

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/state"
)

// Flags of testnet init (--chain-id and --engine are init's; -o/--output
// is every command's output format).
const (
	flagTestnetDir     = "dir"
	flagValidators     = "validators"
	flagFullNodes      = "full-nodes"
	flagEngines        = "engines"
	flagFirstIP        = "first-ip"
	flagP2PPort        = "p2p-port"
	flagRPCPort        = "rpc-port"
	flagTimeoutPropose = "timeout-propose"
	flagTimeoutCommit  = "timeout-commit"
	flagRegistrars     = "extra-registrars"
)

// TestnetFile is the description of a generated network, written at the
// root of the output directory.
const TestnetFile = "testnet.json"

// TestnetConfig describes the network testnet init generates.
type TestnetConfig struct {
	// ChainID of the network.
	ChainID string
	// Validators is the number of ministries, each running one validator
	// node; FullNodes the number of non-validating nodes after them.
	Validators, FullNodes int
	// Engines is the state engine of every node (one entry), or of each
	// node in order (Validators+FullNodes entries).
	Engines []string
	// FirstIP is node 0's address; node i listens on FirstIP+i.
	FirstIP string
	// P2PPort and RPCPort are the same on every node (each has its own IP).
	P2PPort, RPCPort int
	// TimeoutPropose and TimeoutCommit are CometBFT's consensus timeouts.
	TimeoutPropose, TimeoutCommit time.Duration
	// ExtraRegistrars is the number of additional land registrars of each
	// ministry (keys registrar-<agency>-1 .. -N, in the client keyring
	// only), for load generators that need many signers; 0 by default.
	ExtraRegistrars int
}

// DefaultTestnetConfig returns the defaults of testnet init: four
// ministries, no full node, 127.0.0.1 upwards on CometBFT's usual ports,
// half-second blocks.
func DefaultTestnetConfig() TestnetConfig {
	return TestnetConfig{
		ChainID:        "govchain-testnet",
		Validators:     4,
		Engines:        []string{state.EngineMemIAVL},
		FirstIP:        "127.0.0.1",
		P2PPort:        26656,
		RPCPort:        26657,
		TimeoutPropose: time.Second,
		TimeoutCommit:  500 * time.Millisecond,
	}
}

// Validate reports the first problem of c as a one-line error.
func (c TestnetConfig) Validate() error {
	if c.ChainID == "" {
		return errors.New("testnet: --chain-id must not be empty")
	}
	if c.Validators < 1 {
		return fmt.Errorf("testnet: --validators must be at least 1, not %d", c.Validators)
	}
	if c.ExtraRegistrars < 0 {
		return fmt.Errorf("testnet: --%s must not be negative, not %d", flagRegistrars, c.ExtraRegistrars)
	}
	if c.FullNodes < 0 {
		return fmt.Errorf("testnet: --full-nodes must not be negative, not %d", c.FullNodes)
	}
	n := c.Validators + c.FullNodes
	if len(c.Engines) != 1 && len(c.Engines) != n {
		return fmt.Errorf("testnet: %d engines given for %d nodes (give one, or one per node)", len(c.Engines), n)
	}
	for _, e := range c.Engines {
		cfg := state.DefaultConfig()
		cfg.Engine = e
		if err := cfg.Validate(); err != nil {
			return fmt.Errorf("testnet: %w", err)
		}
	}
	for _, p := range []struct {
		name string
		port int
	}{{flagP2PPort, c.P2PPort}, {flagRPCPort, c.RPCPort}} {
		if p.port < 1 || p.port > 65535 {
			return fmt.Errorf("testnet: --%s %d is not a TCP port", p.name, p.port)
		}
	}
	if c.P2PPort == c.RPCPort {
		return fmt.Errorf("testnet: --%s and --%s must differ", flagP2PPort, flagRPCPort)
	}
	if m := testnetMetricsPort(c); m > 65535 || m == c.P2PPort {
		return fmt.Errorf("testnet: the metrics port (--%s + 3 = %d) must be a TCP port other than --%s", flagRPCPort, m, flagP2PPort)
	}
	first := net.ParseIP(c.FirstIP).To4()
	if first == nil || first[0] != 127 {
		return fmt.Errorf("testnet: --%s %q must be an IPv4 loopback address (127.x.y.z)", flagFirstIP, c.FirstIP)
	}
	last := binary.BigEndian.Uint32(first) + uint32(n) - 1
	if last>>24 != 127 || last&0xff == 0xff {
		return fmt.Errorf("testnet: %d nodes from %s run past the loopback range", n, c.FirstIP)
	}
	if c.TimeoutPropose <= 0 || c.TimeoutCommit <= 0 {
		return errors.New("testnet: consensus timeouts must be positive")
	}
	return nil
}

// nodeIP is node i's loopback address.
func (c TestnetConfig) nodeIP(i int) string {
	ip := make(net.IP, 4)
	binary.BigEndian.PutUint32(ip, binary.BigEndian.Uint32(net.ParseIP(c.FirstIP).To4())+uint32(i))
	return ip.String()
}

func (c TestnetConfig) engine(i int) string {
	if len(c.Engines) == 1 {
		return c.Engines[0]
	}
	return c.Engines[i]
}

// Testnet is testnet.json: what a generated network is made of. Paths
// are relative to the directory holding the file.
type Testnet struct {
	ChainID string `json:"chain_id"`
	// Keyring holds every client key of the network (admins, role holders,
	// citizens), for load generators and tests.
	Keyring string        `json:"keyring"`
	Nodes   []TestnetNode `json:"nodes"`
}

// TestnetNode is one node of a Testnet.
type TestnetNode struct {
	Name      string `json:"name"`
	Home      string `json:"home"`
	Validator bool   `json:"validator"`
	// Agency is the ministry running the node's validator ("" for a full
	// node).
	Agency string `json:"agency,omitempty"`
	Engine string `json:"engine"`
	NodeID string `json:"node_id"`
	// RPC is the URL clients use; RPCLaddr and P2PLaddr are the
	// listeners in config.toml; P2P is the address peers dial
	// (nodeid@host:port).
	RPC      string `json:"rpc"`
	RPCLaddr string `json:"rpc_laddr"`
	P2PLaddr string `json:"p2p_laddr"`
	// Metrics is the URL of the node's /metrics, /healthz and /readyz.
	Metrics string `json:"metrics"`
	P2P     string `json:"p2p"`
}

func (c *cli) testnetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "testnet",
		Short: "Generate multi-node networks on this machine",
	}
	cmd.AddCommand(c.testnetInitCmd())
	return cmd
}

func (c *cli) testnetInitCmd() *cobra.Command {
	d := DefaultTestnetConfig()
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write the homes of an N-ministry network on loopback addresses",
		Long: `Write one node home per node under --dir (node0, node1, ...), for a
network that runs on this machine only.

Nodes 0..N-1 are validators, one per ministry (agency ministry-K, power 10,
admin key admin-ministry-K, role holders registrar-ministry-K,
notary-ministry-K, bank-ministry-K, the data officer officer-ministry-K and
the data service datasvc-ministry-K; ministry-0 also appoints the
ombudsman, key ombudsman, and oversees the covert purposes, such as
law_enforcement); every ministry may grant every role. Nodes
N..N+M-1 are full nodes. Citizens citizen-0 .. citizen-(2N-1) hold no
role. Each validator's home keyring holds its ministry's keys;
<dir>/keyring holds every client key, for load generators, and with
--extra-registrars N also N more land registrars per ministry
(registrar-ministry-K-1 .. -N).

Node i listens on address --first-ip + i (127.0.0.1, 127.0.0.2, ... by
default; Linux routes all of 127.0.0.0/8 to the loopback interface) with
P2P on --p2p-port (26656) and RPC on --rpc-port (26657), and serves
/metrics, /healthz and /readyz on the RPC port + 3 (26660). persistent_peers
lists every other node; PEX is off. <dir>/testnet.json describes the
nodes. Start each with: govchain start --home <dir>/nodeK.

The keyrings use the test backend (plaintext keys): for tests and
demonstrations only.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.runTestnetInit(cmd.Flag(flagTestnetDir).Value.String())
		},
	}
	f := cmd.Flags()
	f.Int(flagValidators, d.Validators, "number of ministries, each running one validator")
	f.Int(flagFullNodes, d.FullNodes, "number of full nodes (no validator key in genesis)")
	f.String(flagTestnetDir, "", "directory to create (must not exist)")
	f.String(flagChainID, d.ChainID, "chain id")
	f.String(flagEngine, d.Engines[0], "state engine of every node: memiavl or iavl")
	f.String(flagEngines, "", "state engine per node, comma-separated (e.g. memiavl,iavl,memiavl,iavl); overrides --engine")
	f.String(flagFirstIP, d.FirstIP, "loopback address of node 0; node i uses the i-th next one")
	f.Int(flagP2PPort, d.P2PPort, "P2P port of every node")
	f.Int(flagRPCPort, d.RPCPort, "RPC port of every node")
	f.Duration(flagTimeoutPropose, d.TimeoutPropose, "consensus timeout_propose")
	f.Duration(flagTimeoutCommit, d.TimeoutCommit, "consensus timeout_commit (about the block interval)")
	f.Int(flagRegistrars, d.ExtraRegistrars, "additional land registrars per ministry (keys registrar-<agency>-1..N, client keyring only), for load generators")
	return cmd
}

func (c *cli) runTestnetInit(out string) (err error) {
	cfg := TestnetConfig{
		ChainID:        c.v.GetString(flagChainID),
		Validators:     c.v.GetInt(flagValidators),
		FullNodes:      c.v.GetInt(flagFullNodes),
		Engines:        []string{c.v.GetString(flagEngine)},
		FirstIP:        c.v.GetString(flagFirstIP),
		P2PPort:        c.v.GetInt(flagP2PPort),
		RPCPort:        c.v.GetInt(flagRPCPort),
		TimeoutPropose: c.v.GetDuration(flagTimeoutPropose),
		TimeoutCommit:  c.v.GetDuration(flagTimeoutCommit),

		ExtraRegistrars: c.v.GetInt(flagRegistrars),
	}
	if s := c.v.GetString(flagEngines); s != "" {
		cfg.Engines = strings.Split(s, ",")
	}
	if out == "" {
		return fmt.Errorf("--%s is required", flagTestnetDir)
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%w: %s exists; choose another --%s or remove it", ErrHomeExists, out, flagTestnetDir)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	tn, err := WriteTestnet(out, cfg)
	if err != nil {
		return err
	}
	if c.jsonOutput() {
		return c.printJSON(struct {
			Dir string `json:"dir"`
			*Testnet
		}{out, tn})
	}
	fmt.Fprintf(c.out, "initialised %d validator(s) and %d full node(s) of chain %s in %s\n", cfg.Validators, cfg.FullNodes, cfg.ChainID, out)
	for _, n := range tn.Nodes {
		role := "full node"
		if n.Validator {
			role = "validator of " + n.Agency
		}
		fmt.Fprintf(c.out, "%-6s %-8s rpc %-24s p2p %-16s %s\n", n.Name, n.Engine, n.RPC, strings.TrimPrefix(n.P2PLaddr, "tcp://"), role)
	}
	fmt.Fprintf(c.out, "client keys: %s\n", filepath.Join(out, tn.Keyring))
	return nil
}

// WriteTestnet creates dir and writes the network cfg describes into it:
// the node homes, the client keyring and testnet.json. dir must not exist;
// on failure it is removed again.
func WriteTestnet(dir string, cfg TestnetConfig) (tn *Testnet, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(dir)
		}
	}()
	n := cfg.Validators + cfg.FullNodes
	tn = &Testnet{ChainID: cfg.ChainID, Keyring: "keyring"}
	confs := make([]*cmtcfg.Config, n)
	valKeys := make([]ed25519.PubKey, cfg.Validators)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("node%d", i)
		home, err := filepath.Abs(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		ip := cfg.nodeIP(i)
		conf := testnetNodeConfig(cfg, home, name, ip)
		if err := writeNodeFiles(conf, cfg.engine(i)); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		pv := privval.LoadFilePV(conf.PrivValidatorKeyFile(), conf.PrivValidatorStateFile())
		nodeKey, err := p2p.LoadNodeKey(conf.NodeKeyFile())
		if err != nil {
			return nil, err
		}
		node := TestnetNode{
			Name: name, Home: name, Validator: i < cfg.Validators, Engine: cfg.engine(i), NodeID: string(nodeKey.ID()),
			RPC:      fmt.Sprintf("http://%s:%d", ip, cfg.RPCPort),
			RPCLaddr: conf.RPC.ListenAddress,
			P2PLaddr: conf.P2P.ListenAddress,
			Metrics:  "http://" + conf.Instrumentation.PrometheusListenAddr,
			P2P:      fmt.Sprintf("%s@%s:%d", nodeKey.ID(), ip, cfg.P2PPort),
		}
		if node.Validator {
			// Full nodes hold keys no validator set names: nothing to check.
			conf.Consensus.DoubleSignCheckHeight = DefaultDoubleSignCheckHeight
			node.Agency = testnetAgency(i)
			valKeys[i] = pv.Key.PubKey.(ed25519.PubKey)
		}
		tn.Nodes = append(tn.Nodes, node)
		confs[i] = conf
	}
	g, err := testnetGenesis(dir, tn, valKeys, cfg.ExtraRegistrars)
	if err != nil {
		return nil, err
	}
	genesis, err := genesisDoc(cfg.ChainID, g)
	if err != nil {
		return nil, err
	}
	for i, conf := range confs {
		var peers []string
		for j, other := range tn.Nodes {
			if j != i {
				peers = append(peers, other.P2P)
			}
		}
		conf.P2P.PersistentPeers = strings.Join(peers, ",")
		if err := conf.ValidateBasic(); err != nil {
			return nil, fmt.Errorf("%s config.toml: %w", tn.Nodes[i].Name, err)
		}
		if err := catch(func() {
			cmtcfg.WriteConfigFile(filepath.Join(conf.RootDir, cmtcfg.DefaultConfigDir, "config.toml"), conf)
		}); err != nil {
			return nil, fmt.Errorf("write config.toml: %w", err)
		}
		if err := os.WriteFile(conf.GenesisFile(), genesis, 0o644); err != nil {
			return nil, err
		}
	}
	b, err := json.MarshalIndent(tn, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, TestnetFile), append(b, '\n'), 0o644); err != nil {
		return nil, err
	}
	return tn, nil
}

// testnetAgency is the id of the ministry running validator i.
// testnetMetricsPort is every node's metrics port: the RPC port + 3, as
// CometBFT's defaults are (26657, 26660), so that networks started with
// other ports do not share it.
func testnetMetricsPort(cfg TestnetConfig) int { return cfg.RPCPort + 3 }

func testnetAgency(i int) string { return fmt.Sprintf("ministry-%d", i) }

// testnetNodeConfig is node name's CometBFT configuration: listeners on
// ip, PEX off, duplicate IPs allowed (every node dials from loopback),
// quick consensus and quick redialling of restarted peers. Persistent
// peers are set once every node id is known.
func testnetNodeConfig(cfg TestnetConfig, home, name, ip string) *cmtcfg.Config {
	conf := cmtcfg.DefaultConfig()
	conf.SetRoot(home)
	conf.Moniker = name
	nodeMempool(conf)
	conf.RPC.ListenAddress = fmt.Sprintf("tcp://%s:%d", ip, cfg.RPCPort)
	conf.P2P.ListenAddress = fmt.Sprintf("tcp://%s:%d", ip, cfg.P2PPort)
	conf.P2P.PexReactor = false
	conf.P2P.AddrBookStrict = false
	conf.P2P.AllowDuplicateIP = true
	conf.P2P.PersistentPeersMaxDialPeriod = 5 * time.Second
	conf.Consensus.TimeoutPropose = cfg.TimeoutPropose
	conf.Consensus.TimeoutCommit = cfg.TimeoutCommit
	conf.Consensus.CreateEmptyBlocks = true
	conf.Consensus.CreateEmptyBlocksInterval = 0
	conf.LogLevel = "main:info,state:info,*:warn"
	conf.Instrumentation.Prometheus = true
	conf.Instrumentation.PrometheusListenAddr = fmt.Sprintf("%s:%d", ip, testnetMetricsPort(cfg))
	return conf
}

// writeNodeFiles creates a node home's directories, app.toml and keys
// (config.toml and genesis.json are written later).
func writeNodeFiles(conf *cmtcfg.Config, engine string) error {
	appCfg := DefaultConfig()
	appCfg.State.Engine = engine
	for _, d := range []string{conf.RootDir, filepath.Join(conf.RootDir, cmtcfg.DefaultConfigDir), filepath.Join(conf.RootDir, cmtcfg.DefaultDataDir)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
	}
	if err := WriteConfig(filepath.Join(conf.RootDir, cmtcfg.DefaultConfigDir, AppConfigFile), appCfg); err != nil {
		return err
	}
	pv := privval.GenFilePV(conf.PrivValidatorKeyFile(), conf.PrivValidatorStateFile())
	if err := catch(pv.Save); err != nil {
		return fmt.Errorf("write validator key: %w", err)
	}
	if _, err := p2p.LoadOrGenNodeKey(conf.NodeKeyFile()); err != nil {
		return fmt.Errorf("write node key: %w", err)
	}
	return nil
}

// testnetHolders are the role holders of each ministry, by key-name
// prefix.
var testnetHolders = []struct {
	prefix string
	role   core.Role
}{
	{"registrar", core.RoleLandRegistrar},
	{"notary", core.RoleNotary},
	{"bank", core.RoleBank},
	{"officer", core.RoleDataOfficer},
	{"datasvc", core.RoleDataService},
}

// testnetOmbudsman is the key name of the network's ombudsman, appointed
// by the first ministry.
const testnetOmbudsman = "ombudsman"

// testnetGenesis creates the client keys (in dir/keyring, and each
// ministry's also in its validator's home keyring, except its extra
// registrars) and returns the genesis: one agency per validator, each may
// grant every role, and the sharing purposes of a new chain with
// ministry-0 as the overseer of every covert one (testnetSharing).
func testnetGenesis(dir string, tn *Testnet, valKeys []ed25519.PubKey, extraRegistrars int) (*app.Genesis, error) {
	all := client.OpenKeyring(filepath.Join(dir, tn.Keyring), client.KeyringOptions{Backend: client.BackendTest})
	g := &app.Genesis{Params: app.DefaultParams(), Roles: []app.GenesisRole{}}
	var ids []string
	for i, vk := range valKeys {
		id := testnetAgency(i)
		ids = append(ids, id)
		home := client.OpenKeyring(filepath.Join(dir, tn.Nodes[i].Home, "keyring"), client.KeyringOptions{Backend: client.BackendTest})
		create := func(name string) (*client.Key, error) {
			k, err := all.Create(name)
			if err != nil {
				return nil, err
			}
			return k, home.Add(k)
		}
		admin, err := create("admin-" + id)
		if err != nil {
			return nil, err
		}
		g.Agencies = append(g.Agencies, core.Agency{
			ID: id, Name: fmt.Sprintf("Ministry %d", i),
			Validator: core.Validator{PubKey: core.HexBytes(vk), Power: 10},
			Admins:    []core.Address{admin.Address()},
		})
		for _, h := range testnetHolders {
			k, err := create(h.prefix + "-" + id)
			if err != nil {
				return nil, err
			}
			g.Roles = append(g.Roles, app.GenesisRole{Account: k.Address(), Role: h.role, Agency: id})
		}
		if i == 0 {
			k, err := create(testnetOmbudsman)
			if err != nil {
				return nil, err
			}
			g.Roles = append(g.Roles, app.GenesisRole{Account: k.Address(), Role: core.RoleOmbudsman, Agency: id})
		}
		for j := 1; j <= extraRegistrars; j++ {
			k, err := all.Create(fmt.Sprintf("registrar-%s-%d", id, j))
			if err != nil {
				return nil, err
			}
			g.Roles = append(g.Roles, app.GenesisRole{Account: k.Address(), Role: core.RoleLandRegistrar, Agency: id})
		}
	}
	for _, r := range core.Roles {
		g.RolePolicy = append(g.RolePolicy, core.RolePolicy{Role: r, Agencies: ids})
	}
	for i := 0; i < 2*len(valKeys); i++ {
		if _, err := all.Create(fmt.Sprintf("citizen-%d", i)); err != nil {
			return nil, err
		}
	}
	sh, err := json.Marshal(testnetSharing(ids[0]))
	if err != nil {
		return nil, err
	}
	g.Sections = map[string]json.RawMessage{sharing.Name: sh}
	return g, nil
}

// testnetSharing is the sharing section of a testnet's genesis: the
// purposes of a new chain (sharing.DefaultGenesis), each covert one
// overseen by agency overseer. The default overseer is an agency the
// testnet does not have, and a covert purpose whose overseer is no member
// allows no covert request.
func testnetSharing(overseer string) sharing.Genesis {
	g := sharing.DefaultGenesis()
	for i := range g.Purposes {
		if g.Purposes[i].Covert {
			g.Purposes[i].Overseer = overseer
		}
	}
	return g
}
