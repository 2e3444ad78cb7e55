package main

import (
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/client"
)

// devAgency is a ministry of the development network.
type devAgency struct {
	id, name string
	// validator: whether this agency runs the node's (only) validator.
	validator bool
	// grants lists the roles this agency may grant.
	grants []core.Role
}

// devAgencies returns the development network's ministries, in genesis
// order. Every ministry may appoint its own data officers and data
// services (a holder acts for the agency that granted it the role);
// justice appoints the ombudsman; justice and interior appoint importers
// (path B of docs/import.md); finance appoints treasuries (benefits).
func devAgencies() []devAgency {
	return []devAgency{
		{"justice", "Ministry of Justice", true, []core.Role{core.RoleLandRegistrar, core.RoleNotary, core.RoleCourt, core.RoleAuditor, core.RoleImporter,
			core.RoleOmbudsman, core.RoleDataOfficer, core.RoleDataService}},
		{"finance", "Ministry of Finance", false, []core.Role{core.RoleBank, core.RoleTaxAuthority, core.RoleAuditor, core.RoleBusiness, core.RoleInsurer,
			core.RoleDataOfficer, core.RoleDataService, core.RoleTreasury}},
		{"interior", "Ministry of the Interior", false, []core.Role{core.RoleCivilRegistrar, core.RoleVehicleRegistrar, core.RoleCredentialIssuer, core.RoleImporter,
			core.RoleDataOfficer, core.RoleDataService}},
		{"transport", "Ministry of Transport", false, []core.Role{core.RoleInspectionStation, core.RoleWorkshop,
			core.RoleDataOfficer, core.RoleDataService}},
	}
}

// devHolder is a demo key holding a role, and the agency that grants it
// at genesis.
type devHolder struct {
	key    string
	role   core.Role
	agency string
}

// devHolders returns the development network's role holders.
func devHolders() []devHolder {
	return []devHolder{
		{"registrar", core.RoleLandRegistrar, "justice"},
		{"notary", core.RoleNotary, "justice"},
		{"court", core.RoleCourt, "justice"},
		{"auditor", core.RoleAuditor, "finance"},
		{"bank", core.RoleBank, "finance"},
		{"tax", core.RoleTaxAuthority, "finance"},
		{"civil-registrar", core.RoleCivilRegistrar, "interior"},
		{"vehicle-registrar", core.RoleVehicleRegistrar, "interior"},
		{"inspector", core.RoleInspectionStation, "transport"},
		{"workshop", core.RoleWorkshop, "transport"},
		{"insurer", core.RoleInsurer, "finance"},
		{"issuer", core.RoleCredentialIssuer, "interior"},
		{"shop", core.RoleBusiness, "finance"},
		{"employer", core.RoleBusiness, "finance"},
		{"officer-finance", core.RoleDataOfficer, "finance"},
		{"officer-interior", core.RoleDataOfficer, "interior"},
		{"datasvc-interior", core.RoleDataService, "interior"},
		{"datasvc-finance", core.RoleDataService, "finance"},
		{"ombudsman", core.RoleOmbudsman, "justice"},
	}
}

// devCitizens returns the demo keys without a role.
func devCitizens() []string { return []string{"alice", "bob", "carol"} }

// devGenesis creates the development keys in kr and returns the genesis
// that uses them: admin-<agency> administers each agency, and every role
// holder is granted its role.
func devGenesis(kr *client.Keyring, valKey ed25519.PubKey) (*app.Genesis, error) {
	g := &app.Genesis{Params: app.DefaultParams()}
	policy := map[core.Role][]string{}
	for _, d := range devAgencies() {
		admin, err := kr.Create("admin-" + d.id)
		if err != nil {
			return nil, err
		}
		ag := core.Agency{ID: d.id, Name: d.name, Admins: []core.Address{admin.Address()}}
		if d.validator {
			ag.Validator = core.Validator{PubKey: core.HexBytes(valKey), Power: 10}
		}
		g.Agencies = append(g.Agencies, ag)
		for _, r := range d.grants {
			policy[r] = append(policy[r], d.id)
		}
	}
	for _, r := range core.Roles { // sorted, so genesis is stable
		if ids, ok := policy[r]; ok {
			g.RolePolicy = append(g.RolePolicy, core.RolePolicy{Role: r, Agencies: ids})
		}
	}
	for _, h := range devHolders() {
		k, err := kr.Create(h.key)
		if err != nil {
			return nil, err
		}
		g.Roles = append(g.Roles, app.GenesisRole{Account: k.Address(), Role: h.role, Agency: h.agency})
	}
	for _, name := range devCitizens() {
		if _, err := kr.Create(name); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// devNodeConfig sets a development node's CometBFT configuration: every
// listener on 127.0.0.1, one-second blocks, quiet logs, Prometheus on.
func devNodeConfig(conf *cmtcfg.Config) {
	conf.RPC.ListenAddress = "tcp://127.0.0.1:26657"
	conf.P2P.ListenAddress = "tcp://127.0.0.1:26656"
	conf.P2P.PexReactor = false
	conf.P2P.AddrBookStrict = false
	conf.P2P.AllowDuplicateIP = true
	conf.Consensus.TimeoutCommit = time.Second
	// The app hash changes with every block (the block time is in state),
	// so CometBFT makes a block every round whatever this says; an empty
	// block per second is the dev chain's heartbeat.
	conf.Consensus.CreateEmptyBlocks = true
	conf.Consensus.CreateEmptyBlocksInterval = 0
	conf.LogLevel = "main:info,state:info,*:warn"
	conf.Instrumentation.Prometheus = true
	conf.Instrumentation.PrometheusListenAddr = DevMetricsAddr
}

// DevMetricsAddr is where a development node serves /metrics, /healthz
// and /readyz.
const DevMetricsAddr = "127.0.0.1:26660"
