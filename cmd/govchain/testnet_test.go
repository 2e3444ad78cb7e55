package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cmtypes "github.com/cometbft/cometbft/types"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/client"
)

func TestTestnetConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*TestnetConfig)
		want string
	}{
		{"default", func(*TestnetConfig) {}, ""},
		{"no validator", func(c *TestnetConfig) { c.Validators = 0 }, "--validators must be at least 1"},
		{"negative full nodes", func(c *TestnetConfig) { c.FullNodes = -1 }, "--full-nodes must not be negative"},
		{"engine per node", func(c *TestnetConfig) { c.Engines = []string{"memiavl", "iavl", "memiavl", "iavl"} }, ""},
		{"engines miscounted", func(c *TestnetConfig) { c.Engines = []string{"memiavl", "iavl"} }, "2 engines given for 4 nodes"},
		{"unknown engine", func(c *TestnetConfig) { c.Engines = []string{"leveldb"} }, "leveldb"},
		{"port zero", func(c *TestnetConfig) { c.RPCPort = 0 }, "--rpc-port 0 is not a TCP port"},
		{"port too big", func(c *TestnetConfig) { c.P2PPort = 70000 }, "--p2p-port 70000"},
		{"same ports", func(c *TestnetConfig) { c.RPCPort = c.P2PPort }, "must differ"},
		{"metrics on p2p", func(c *TestnetConfig) { c.P2PPort = c.RPCPort + 3 }, "the metrics port (--rpc-port + 3 = 26660)"},
		{"metrics past 65535", func(c *TestnetConfig) { c.RPCPort = 65534 }, "= 65537"},
		{"not loopback", func(c *TestnetConfig) { c.FirstIP = "10.0.0.1" }, "loopback"},
		{"not an ip", func(c *TestnetConfig) { c.FirstIP = "localhost" }, "loopback"},
		{"past the range", func(c *TestnetConfig) { c.FirstIP = "127.255.255.252" }, "past the loopback range"},
		{"no chain id", func(c *TestnetConfig) { c.ChainID = "" }, "chain-id"},
		{"zero timeout", func(c *TestnetConfig) { c.TimeoutCommit = 0 }, "timeouts must be positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultTestnetConfig()
			tc.edit(&c)
			err := c.Validate()
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// TestTestnetInit generates three ministries and a full node and checks
// what the nodes need to find each other and agree: one genesis with
// three validator agencies, addresses on successive loopback IPs, every
// other node in persistent_peers, and the keys in the right keyrings.
func TestTestnetInit(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "net")
	out, errOut, code := govchain(t, "testnet", "init", "--validators", "3", "--full-nodes", "1", "--dir", dir,
		"--chain-id", "tn-1", "--first-ip", "127.0.3.1", "--engines", "memiavl,iavl,memiavl,iavl", "--timeout-commit", "250ms")
	require.Equal(t, 0, code, "%s%s", out, errOut)
	require.Contains(t, out, "node3  iavl     rpc http://127.0.3.4:26657")

	b, err := os.ReadFile(filepath.Join(dir, TestnetFile))
	require.NoError(t, err)
	var tn Testnet
	require.NoError(t, json.Unmarshal(b, &tn))
	require.Equal(t, "tn-1", tn.ChainID)
	require.Len(t, tn.Nodes, 4)

	var genesis []byte
	for i, n := range tn.Nodes {
		require.Equal(t, i < 3, n.Validator)
		home := filepath.Join(dir, n.Home)
		g, err := os.ReadFile(filepath.Join(home, "config", "genesis.json"))
		require.NoError(t, err)
		if genesis == nil {
			genesis = g
		}
		require.Equal(t, genesis, g, "%s has another genesis", n.Name)
		conf, err := newCLI(os.Stdout, os.Stderr).loadNodeConfig(home)
		require.NoError(t, err)
		require.Equal(t, n.RPCLaddr, conf.RPC.ListenAddress)
		require.True(t, conf.Instrumentation.Prometheus, "%s: Prometheus on", n.Name)
		require.Equal(t, fmt.Sprintf("127.0.3.%d:26660", i+1), conf.Instrumentation.PrometheusListenAddr)
		require.Equal(t, "http://"+conf.Instrumentation.PrometheusListenAddr, n.Metrics)
		require.Equal(t, 250*time.Millisecond, conf.Consensus.TimeoutCommit)
		require.False(t, conf.P2P.PexReactor)
		require.True(t, conf.P2P.AllowDuplicateIP)
		peers := strings.Split(conf.P2P.PersistentPeers, ",")
		require.Len(t, peers, 3)
		for j, other := range tn.Nodes {
			require.Equal(t, i != j, strings.Contains(conf.P2P.PersistentPeers, other.P2P), "%s peers %v", n.Name, peers)
		}
		appCfg, err := LoadConfig(home)
		require.NoError(t, err)
		require.Equal(t, n.Engine, appCfg.State.Engine)
		keys, err := client.NewKeyring(filepath.Join(home, "keyring")).List()
		require.NoError(t, err)
		if n.Validator {
			want := 6 // admin, registrar, notary, bank, officer, datasvc
			if i == 0 {
				want++ // the ombudsman
			}
			require.Len(t, keys, want, "%s: admin, registrar, notary, bank, officer, datasvc", n.Name)
			_, err := client.NewKeyring(filepath.Join(home, "keyring")).Get("registrar-" + n.Agency)
			require.NoError(t, err)
		} else {
			require.Empty(t, keys)
		}
	}
	require.Equal(t, "tcp://127.0.3.2:26656", tn.Nodes[1].P2PLaddr)

	doc, err := cmtypes.GenesisDocFromJSON(genesis)
	require.NoError(t, err)
	require.Len(t, doc.Validators, 3)
	g, err := app.ParseGenesis(doc.AppState)
	require.NoError(t, err)
	require.Len(t, g.Agencies, 3)
	require.Len(t, g.Roles, 3*5+1, "five holders per ministry and the ombudsman")
	requireTestnetSharing(t, g)
	all, err := client.NewKeyring(filepath.Join(dir, tn.Keyring)).List()
	require.NoError(t, err)
	require.Len(t, all, 3*6+1+6, "every ministry's keys, the ombudsman and six citizens")

	// --extra-registrars: N more land registrars per ministry, in the
	// client keyring only, each granted the role in genesis.
	dir2 := filepath.Join(t.TempDir(), "net2")
	out, errOut, code = govchain(t, "testnet", "init", "--validators", "3", "--dir", dir2, "--extra-registrars", "2")
	require.Equal(t, 0, code, "%s%s", out, errOut)
	b, err = os.ReadFile(filepath.Join(dir2, "node0", "config", "genesis.json"))
	require.NoError(t, err)
	doc, err = cmtypes.GenesisDocFromJSON(b)
	require.NoError(t, err)
	g, err = app.ParseGenesis(doc.AppState)
	require.NoError(t, err)
	require.Len(t, g.Roles, 3*5+1+6, "five holders per ministry, the ombudsman and two extra registrars each")
	kr := client.NewKeyring(filepath.Join(dir2, "keyring"))
	for _, name := range []string{"registrar-ministry-0-1", "registrar-ministry-2-2"} {
		_, err := kr.Get(name)
		require.NoError(t, err, name)
	}
	node0Keys, err := client.NewKeyring(filepath.Join(dir2, "node0", "keyring")).List()
	require.NoError(t, err)
	require.Len(t, node0Keys, 7, "extra registrars are not in the node's home")
	_, errOut, code = govchain(t, "testnet", "init", "--dir", filepath.Join(t.TempDir(), "y"), "--extra-registrars", "-1")
	require.NotEqual(t, 0, code, "a negative --extra-registrars is refused: %s", errOut)

	// The output directory is never reused.
	_, errOut, code = govchain(t, "testnet", "init", "--dir", dir)
	requireOneLineError(t, errOut, code, "exists")
	_, errOut, code = govchain(t, "testnet", "init", "--dir", filepath.Join(t.TempDir(), "x"), "--validators", "0")
	requireOneLineError(t, errOut, code, "--validators must be at least 1")
	_, errOut, code = govchain(t, "testnet", "init")
	requireOneLineError(t, errOut, code, "--dir is required")

	// -o json describes the network as testnet.json does, with its directory.
	dir3 := filepath.Join(t.TempDir(), "net3")
	out, errOut, code = govchain(t, "testnet", "init", "--validators", "2", "--dir", dir3, "-o", "json")
	require.Equal(t, 0, code, errOut)
	var desc struct {
		Dir     string `json:"dir"`
		ChainID string `json:"chain_id"`
		Nodes   []struct {
			Name string `json:"name"`
		} `json:"nodes"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &desc), out)
	require.Equal(t, dir3, desc.Dir)
	require.Len(t, desc.Nodes, 2)
}

// requireTestnetSharing requires g's sharing section to be the purposes
// of a new chain with every covert purpose (law_enforcement at least)
// overseen by ministry-0, the first agency: the default overseer is no
// testnet agency, and without a member overseer no covert request is
// allowed.
func requireTestnetSharing(t *testing.T, g *app.Genesis) {
	t.Helper()
	raw, ok := g.Sections[sharing.Name]
	require.True(t, ok, "the genesis has no sharing section")
	var got sharing.Genesis
	require.NoError(t, json.Unmarshal(raw, &got))
	require.NoError(t, got.Validate())
	require.Equal(t, "ministry-0", g.Agencies[0].ID)
	want := sharing.DefaultGenesis()
	covert := map[string]bool{}
	for i, p := range want.Purposes {
		if p.Covert {
			for _, ag := range g.Agencies {
				require.NotEqual(t, ag.ID, p.Overseer, "the default overseer of %s is a testnet agency: nothing to test", p.Code)
			}
			want.Purposes[i].Overseer = "ministry-0"
			covert[p.Code] = true
		}
	}
	require.True(t, covert["law_enforcement"], "law_enforcement is no longer covert by default")
	require.Equal(t, want, got)
}
