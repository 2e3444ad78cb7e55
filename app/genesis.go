package app

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/gov"
	"github.com/govchain/govchain/app/vehicle"
	"github.com/govchain/govchain/state"
)

// Genesis is the application state in CometBFT's genesis.json (its
// "app_state"): the agencies, which agency may grant which role, the
// initial role grants and the chain's parameters.
type Genesis struct {
	Params     Params            `json:"params"`
	Agencies   []core.Agency     `json:"agencies"`
	RolePolicy []core.RolePolicy `json:"role_policy"`
	Roles      []GenesisRole     `json:"roles"`
	// Vehicle are the vehicle registry's parameters (whether a registrar
	// must approve each sale).
	Vehicle vehicle.Params `json:"vehicle"`
	// Gov are the governance parameters (voting period, threshold basis);
	// zero means gov.DefaultParams().
	Gov gov.Params `json:"gov"`
}

// GenesisRole is a role granted at genesis on behalf of an agency.
type GenesisRole struct {
	Account core.Address `json:"account"`
	Role    core.Role    `json:"role"`
	Agency  string       `json:"agency"`
}

// Params are the chain's parameters.
type Params struct {
	// MaxTxBytes is the largest transaction accepted, in bytes.
	MaxTxBytes int `json:"max_tx_bytes"`
}

// DefaultParams returns the parameters used when genesis leaves them zero.
func DefaultParams() Params { return Params{MaxTxBytes: DefaultMaxTxBytes} }

// Validate checks the parameters.
func (p Params) Validate() error {
	if p.MaxTxBytes < 1024 || p.MaxTxBytes > 1<<20 {
		return fmt.Errorf("genesis: params.max_tx_bytes must be between 1024 and 1048576, got %d", p.MaxTxBytes)
	}
	return nil
}

// ChainInfo is the record under core.ChainInfoKey: the chain id and
// parameters. The member agencies are listed in core.AgencySet.
type ChainInfo struct {
	ChainID string `json:"chain_id"`
	Params  Params `json:"params"`
}

// ChainInfoKey is the store key of the ChainInfo record.
func ChainInfoKey() []byte { return core.ChainInfoKey() }

// ParseGenesis decodes app_state strictly (unknown fields refused) and
// validates it.
func ParseGenesis(appState []byte) (*Genesis, error) {
	var g Genesis
	if err := strictUnmarshal(appState, &g); err != nil {
		return nil, fmt.Errorf("genesis: app_state does not decode: %w", err)
	}
	g.fillDefaults()
	if err := g.Validate(); err != nil {
		return nil, err
	}
	return &g, nil
}

// fillDefaults replaces zero parameter sections by their defaults.
func (g *Genesis) fillDefaults() {
	if g.Params == (Params{}) {
		g.Params = DefaultParams()
	}
	if g.Gov == (gov.Params{}) {
		g.Gov = gov.DefaultParams()
	}
}

// Validate checks the genesis: parameters, unique agencies, admins and
// validator keys, known roles, policies naming existing agencies, and
// initial grants that the policy allows.
func (g *Genesis) Validate() error {
	if err := g.Params.Validate(); err != nil {
		return err
	}
	if err := g.Vehicle.Validate(); err != nil {
		return fmt.Errorf("genesis: %w", err)
	}
	if g.Gov != (gov.Params{}) { // zero means the defaults
		if err := g.Gov.Validate(); err != nil {
			return fmt.Errorf("genesis: %w", err)
		}
	}
	if len(g.Agencies) == 0 {
		return fmt.Errorf("genesis: at least one agency is required")
	}
	ids := map[string]bool{}
	admins := map[core.Address]string{}
	valKeys := map[string]string{}
	for _, ag := range g.Agencies {
		if err := ag.Validate(); err != nil {
			return fmt.Errorf("genesis: %w", err)
		}
		if ids[ag.ID] {
			return fmt.Errorf("genesis: agency %s is listed twice", ag.ID)
		}
		ids[ag.ID] = true
		for _, a := range ag.Admins {
			if other, dup := admins[a]; dup {
				return fmt.Errorf("genesis: account %s is admin of both %s and %s", a, other, ag.ID)
			}
			admins[a] = ag.ID
		}
		if !ag.HasValidator() {
			continue
		}
		k := hex.EncodeToString(ag.Validator.PubKey)
		if other, dup := valKeys[k]; dup {
			return fmt.Errorf("genesis: agencies %s and %s share a validator key", other, ag.ID)
		}
		valKeys[k] = ag.ID
	}
	if len(valKeys) == 0 {
		return fmt.Errorf("genesis: no agency runs a validator")
	}
	seen := map[core.Role]bool{}
	for _, p := range g.RolePolicy {
		if !core.ValidRole(p.Role) {
			return fmt.Errorf("genesis: role_policy names unknown role %q", p.Role)
		}
		if seen[p.Role] {
			return fmt.Errorf("genesis: role_policy lists role %s twice", p.Role)
		}
		seen[p.Role] = true
		for _, id := range p.Agencies {
			if !ids[id] {
				return fmt.Errorf("genesis: role_policy for %s names unknown agency %q", p.Role, id)
			}
		}
	}
	granted := map[string]bool{}
	for _, r := range g.Roles {
		if k := r.Account.String() + "/" + string(r.Role); granted[k] {
			return fmt.Errorf("genesis: role %s is granted to %s twice", r.Role, r.Account)
		} else {
			granted[k] = true
		}
		if r.Account.IsZero() {
			return fmt.Errorf("genesis: role grant with zero account")
		}
		if !g.mayGrant(r.Agency, r.Role) {
			return fmt.Errorf("genesis: agency %q may not grant role %q (see role_policy)", r.Agency, r.Role)
		}
	}
	return nil
}

func (g *Genesis) mayGrant(agencyID string, role core.Role) bool {
	for _, p := range g.RolePolicy {
		if p.Role == role {
			return slices.Contains(p.Agencies, agencyID)
		}
	}
	return false
}

// write stores the genesis state into kv. It is deterministic: agencies and
// policies are written sorted, grants in the order given.
func (g *Genesis) write(kv state.KV, chainID string, genesisTime time.Time, height int64) error {
	agencies := slices.Clone(g.Agencies)
	slices.SortFunc(agencies, func(a, b core.Agency) int { return bytes.Compare([]byte(a.ID), []byte(b.ID)) })
	info := ChainInfo{ChainID: chainID, Params: g.Params}
	var set core.AgencySet
	for _, ag := range agencies {
		set.AgencyIDs = append(set.AgencyIDs, ag.ID)
		if err := core.SetJSON(kv, core.AgencyKey(ag.ID), ag); err != nil {
			return err
		}
		for _, a := range ag.Admins {
			if err := kv.Set(core.AgencyAdminKey(a), []byte(ag.ID)); err != nil {
				return err
			}
		}
	}
	if err := core.SetJSON(kv, ChainInfoKey(), info); err != nil {
		return err
	}
	if err := core.SetAgencySet(kv, set); err != nil {
		return err
	}
	for _, p := range g.RolePolicy {
		p.Agencies = slices.Clone(p.Agencies)
		slices.Sort(p.Agencies)
		if err := core.SetJSON(kv, core.RolePolicyKey(p.Role), p); err != nil {
			return err
		}
	}
	if err := vehicle.InitGenesis(kv, g.Vehicle); err != nil {
		return err
	}
	govParams := g.Gov
	if govParams == (gov.Params{}) {
		govParams = gov.DefaultParams()
	}
	if err := gov.InitGenesis(kv, govParams); err != nil {
		return err
	}
	ctx := &core.Context{KV: kv, ChainID: chainID, Height: height, BlockTime: genesisTime, TxHash: []byte{}}
	for _, r := range g.Roles {
		ctx.Signer = core.Address{}
		if err := agency.Grant(ctx, r.Account, r.Role, r.Agency); err != nil {
			return err
		}
	}
	return nil
}

// MarshalIndent renders the genesis for genesis.json.
func (g *Genesis) MarshalIndent() (json.RawMessage, error) {
	return json.MarshalIndent(g, "", "  ")
}
