package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	cmtypes "github.com/cometbft/cometbft/types"
	"github.com/spf13/cobra"

	"github.com/govchain/govchain/api"
	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/state"
)

// Flags of init.
const (
	flagChainID = "chain-id"
	flagMoniker = "moniker"
	flagGenesis = "genesis"
	flagDev     = "dev"
	flagEngine  = "engine"
	flagAgency  = "agency-id"
)

// AppVersion is the state-machine protocol version reported to CometBFT
// and written in genesis consensus params.
const AppVersion uint64 = 1

func (c *cli) initCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Create a node home: CometBFT config and keys, genesis.json, app.toml",
		Long: `Create a new node home directory. It refuses a directory that already
exists and is not empty.

Written: config/config.toml (CometBFT), config/app.toml (govchain),
config/node_key.json, config/priv_validator_key.json,
data/priv_validator_state.json, config/genesis.json, and keyring/.

The keyring's backend is recorded in keyring/keys.json: file (every
private key sealed with a passphrase, from --keyring-passphrase-file or
asked on the terminal) unless --keyring-backend test is given; --dev
always uses test.

With --genesis FILE the network's genesis is copied as is after it is
validated (this node then joins that network). Without it, a genesis is
made for a one-agency chain: the agency (--agency-id) runs this node's
validator, its admin key "admin" is created in the keyring, and it may grant
every role.

With --dev, a development network instead: four ministries (justice runs
the only validator; finance, interior and transport have none), demo keys in
the keyring for their admins, every role holder and three citizens (alice,
bob, carol), the roles granted at genesis, one-second blocks, every
listener on 127.0.0.1, and the HTTP API served by the node (app.toml's
[web], on ` + api.DefaultAddress + `; off without --dev). Never use --dev keys for
anything real: the keyring's backend is test, which holds them in
plaintext.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return c.runInit() },
	}
	addHomeFlag(cmd)
	f := cmd.Flags()
	f.String(flagChainID, "", "chain id (required unless --genesis gives it)")
	f.String(flagMoniker, "", "node name (default: the host name)")
	f.String(flagGenesis, "", "genesis.json of the network to join (copied after validation)")
	f.Bool(flagDev, false, "development network: demo agencies, keys and roles, 1 s blocks, 127.0.0.1 only")
	f.String(flagEngine, state.EngineMemIAVL, "state engine: memiavl or iavl")
	f.String(flagAgency, "agency", "id of the single agency of a non-dev genesis")
	addBackendFlag(f)
	addPassphraseFlag(f)
	return cmd
}

// ErrHomeExists is returned by init for a home that is not empty.
var ErrHomeExists = errors.New("home already exists")

func (c *cli) runInit() (err error) {
	home, err := filepath.Abs(c.home())
	if err != nil {
		return err
	}
	_, statErr := os.Stat(home)
	existed := statErr == nil
	chainID := c.v.GetString(flagChainID)
	genesisFile := c.v.GetString(flagGenesis)
	dev := c.v.GetBool(flagDev)
	if dev && genesisFile != "" {
		return errors.New("--dev and --genesis cannot be combined")
	}
	if chainID == "" && genesisFile == "" {
		return errors.New("--chain-id is required")
	}
	backend := c.v.GetString(flagKeyringBackend)
	switch {
	case dev && backend != "" && backend != client.BackendTest:
		return fmt.Errorf("--dev keeps its demo keys in the %s keyring backend; --%s %s cannot be combined with it", client.BackendTest, flagKeyringBackend, backend)
	case dev:
		backend = client.BackendTest
	case backend == "":
		backend = client.BackendFile
	}
	if err := client.ValidateBackend(backend); err != nil {
		return fmt.Errorf("--%s: %w", flagKeyringBackend, err)
	}
	if entries, err := os.ReadDir(home); err == nil && len(entries) > 0 {
		return fmt.Errorf("%w: %s is not empty; choose another --home or remove it", ErrHomeExists, home)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	appCfg := DefaultConfig()
	appCfg.State.Engine = c.v.GetString(flagEngine)
	if err := appCfg.State.Validate(); err != nil {
		return fmt.Errorf("--%s: %w", flagEngine, err)
	}
	if err := appCfg.Validate(); err != nil {
		return err
	}

	// Read and check the given genesis before anything is written.
	var genesisBytes []byte
	if genesisFile != "" {
		genesisBytes, chainID, err = readGenesis(genesisFile, chainID)
		if err != nil {
			return err
		}
	}

	// From here on files are written: a failure removes what was made, so
	// that init can simply be run again.
	defer func() {
		if err == nil {
			return
		}
		if !existed {
			_ = os.RemoveAll(home)
			return
		}
		if entries, rerr := os.ReadDir(home); rerr == nil {
			for _, e := range entries {
				_ = os.RemoveAll(filepath.Join(home, e.Name()))
			}
		}
	}()
	conf := cmtcfg.DefaultConfig()
	conf.SetRoot(home)
	conf.Moniker = c.v.GetString(flagMoniker)
	if conf.Moniker == "" {
		if h, err := os.Hostname(); err == nil {
			conf.Moniker = h
		}
	}
	conf.Consensus.DoubleSignCheckHeight = DefaultDoubleSignCheckHeight
	nodeMempool(conf)
	if dev {
		devNodeConfig(conf)
		appCfg.Web.Enable = true
	}
	if err := conf.ValidateBasic(); err != nil {
		return fmt.Errorf("config.toml: %w", err)
	}
	for _, d := range []string{home, filepath.Join(home, cmtcfg.DefaultConfigDir), filepath.Join(home, cmtcfg.DefaultDataDir)} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
	}
	if err := catch(func() { cmtcfg.WriteConfigFile(filepath.Join(home, cmtcfg.DefaultConfigDir, "config.toml"), conf) }); err != nil {
		return fmt.Errorf("write config.toml: %w", err)
	}
	if err := WriteConfig(filepath.Join(home, cmtcfg.DefaultConfigDir, AppConfigFile), appCfg); err != nil {
		return err
	}
	pv := privval.GenFilePV(conf.PrivValidatorKeyFile(), conf.PrivValidatorStateFile())
	if err := catch(pv.Save); err != nil {
		return fmt.Errorf("write validator key: %w", err)
	}
	nodeKey, err := p2p.LoadOrGenNodeKey(conf.NodeKeyFile())
	if err != nil {
		return fmt.Errorf("write node key: %w", err)
	}
	kr := c.keyringWith(backend)
	if err := kr.Init(); err != nil {
		return err
	}
	if genesisBytes == nil {
		valKey := pv.Key.PubKey.(ed25519.PubKey)
		var g *app.Genesis
		if dev {
			g, err = devGenesis(kr, valKey)
		} else {
			g, err = soloGenesis(kr, c.v.GetString(flagAgency), valKey)
		}
		if err != nil {
			return err
		}
		genesisBytes, err = genesisDoc(chainID, g)
		if err != nil {
			return err
		}
	}
	if err := os.WriteFile(conf.GenesisFile(), genesisBytes, 0o644); err != nil {
		return err
	}
	if c.jsonOutput() {
		return c.printJSON(map[string]string{"home": home, "chain_id": chainID, "node_id": string(nodeKey.ID()),
			"validator": fmt.Sprintf("%X", pv.Key.PubKey.Bytes()), "keyring": kr.Dir(), "keyring_backend": backend})
	}
	fmt.Fprintf(c.out, "initialised %s\nchain id:  %s\nnode id:   %s\nvalidator: %X\nkeyring:   %s (backend %s)\n",
		home, chainID, nodeKey.ID(), pv.Key.PubKey.Bytes(), kr.Dir(), backend)
	return nil
}

// readGenesis reads and validates a genesis file (CometBFT's checks and
// app_state), and checks its chain id against want if want is set.
func readGenesis(path, want string) ([]byte, string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	doc, err := cmtypes.GenesisDocFromJSON(b)
	if err != nil {
		return nil, "", fmt.Errorf("genesis %s: %w", path, err)
	}
	if _, err := app.ParseGenesis(doc.AppState); err != nil {
		return nil, "", fmt.Errorf("genesis %s: %w", path, err)
	}
	if want != "" && want != doc.ChainID {
		return nil, "", fmt.Errorf("genesis %s is for chain %q, not --chain-id %q", path, doc.ChainID, want)
	}
	return b, doc.ChainID, nil
}

// genesisDoc renders genesis.json: CometBFT's document with the agencies'
// validators and the app state.
func genesisDoc(chainID string, g *app.Genesis) ([]byte, error) {
	appState, err := g.MarshalIndent()
	if err != nil {
		return nil, err
	}
	if _, err := app.ParseGenesis(appState); err != nil {
		return nil, err
	}
	params := cmtypes.DefaultConsensusParams()
	params.Version.App = AppVersion
	doc := &cmtypes.GenesisDoc{
		GenesisTime:     time.Now().UTC().Truncate(time.Millisecond),
		ChainID:         chainID,
		InitialHeight:   1,
		ConsensusParams: params,
		AppState:        appState,
	}
	for _, ag := range g.Agencies {
		if !ag.HasValidator() {
			continue
		}
		pk := ed25519.PubKey(ag.Validator.PubKey)
		doc.Validators = append(doc.Validators, cmtypes.GenesisValidator{Address: pk.Address(), PubKey: pk, Power: ag.Validator.Power, Name: ag.ID})
	}
	if err := doc.ValidateAndComplete(); err != nil {
		return nil, fmt.Errorf("genesis: %w", err)
	}
	dir, err := os.MkdirTemp("", "govchain-genesis")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	f := filepath.Join(dir, "genesis.json")
	if err := doc.SaveAs(f); err != nil {
		return nil, err
	}
	return os.ReadFile(f)
}

// soloGenesis is a one-agency chain: the agency runs this node's
// validator, has one admin (a new key "admin") and may grant every role.
func soloGenesis(kr *client.Keyring, agencyID string, valKey ed25519.PubKey) (*app.Genesis, error) {
	admin, err := kr.Create("admin")
	if err != nil {
		return nil, err
	}
	g := &app.Genesis{
		Params: app.DefaultParams(),
		Agencies: []core.Agency{{
			ID: agencyID, Name: agencyID,
			Validator: core.Validator{PubKey: core.HexBytes(valKey), Power: 10},
			Admins:    []core.Address{admin.Address()},
		}},
		Roles: []app.GenesisRole{},
	}
	for _, r := range core.Roles {
		g.RolePolicy = append(g.RolePolicy, core.RolePolicy{Role: r, Agencies: []string{agencyID}})
	}
	return g, nil
}

// catch runs f, turning a panic (CometBFT's file writers panic on I/O
// errors) into an error.
func catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	f()
	return nil
}
