package app

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Genesis is the application state in CometBFT's genesis.json (its
// "app_state"): the agencies, which agency may grant which role, the
// initial role grants, the chain's parameters, and one section per module
// that has one (core.Module's Genesis), under the module's name:
//
//	{"params":{...},"agencies":[...],"role_policy":[...],"roles":[...],
//	 "vehicle":{"registrar_approval_required":false},"gov":{...}}
type Genesis struct {
	Params     Params            `json:"params"`
	Agencies   []core.Agency     `json:"agencies"`
	RolePolicy []core.RolePolicy `json:"role_policy"`
	Roles      []GenesisRole     `json:"roles"`
	// Import names the legacy dumps whose records the initial state holds
	// (genesis_import.go); none in a genesis without it.
	Import []ImportRef `json:"import,omitempty"`
	// Sections holds the modules' sections by module name, as JSON. A
	// module without an entry takes its defaults; a name that is no
	// module with a genesis section is refused.
	Sections map[string]json.RawMessage `json:"-"`
}

// genesisFields is Genesis without its module sections: the fields
// app_state always has.
type genesisFields struct {
	Params     Params            `json:"params"`
	Agencies   []core.Agency     `json:"agencies"`
	RolePolicy []core.RolePolicy `json:"role_policy"`
	Roles      []GenesisRole     `json:"roles"`
	Import     []ImportRef       `json:"import,omitempty"`
}

// MarshalJSON encodes the fixed fields, then each module's section in
// module order (its entry in Sections, or its default).
func (g Genesis) MarshalJSON() ([]byte, error) {
	fixed, err := json.Marshal(genesisFields{g.Params, g.Agencies, g.RolePolicy, g.Roles, g.Import})
	if err != nil {
		return nil, err
	}
	b := fixed[:len(fixed)-1]
	for _, m := range Modules {
		if m.Genesis == nil {
			continue
		}
		raw, ok := g.Sections[m.Name]
		if !ok {
			if raw, err = json.Marshal(m.Genesis.Default()); err != nil {
				return nil, err
			}
		}
		b = append(b, `,"`+m.Name+`":`...)
		b = append(b, raw...)
	}
	return append(b, '}'), nil
}

// UnmarshalJSON decodes app_state strictly: the fixed fields with unknown
// fields refused at every depth, and a section only under the name of a
// module that has one.
func (g *Genesis) UnmarshalJSON(b []byte) error {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return err
	}
	sections := map[string]json.RawMessage{}
	for _, m := range Modules {
		if raw, ok := top[m.Name]; ok && m.Genesis != nil {
			sections[m.Name] = raw
			delete(top, m.Name)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(top)) {
		switch k {
		case "params", "agencies", "role_policy", "roles", "import":
		default:
			return fmt.Errorf("json: unknown field %q", k)
		}
	}
	rest, err := json.Marshal(top)
	if err != nil {
		return err
	}
	var f genesisFields
	if err := core.StrictUnmarshal(rest, &f); err != nil {
		return err
	}
	*g = Genesis{Params: f.Params, Agencies: f.Agencies, RolePolicy: f.RolePolicy, Roles: f.Roles, Import: f.Import, Sections: sections}
	return nil
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
	// Import names the legacy dumps the initial state was built from, as
	// genesis did, so that a proof of this record proves them.
	Import []ImportRef `json:"import,omitempty"`
}

// ChainInfoKey is the store key of the ChainInfo record.
func ChainInfoKey() []byte { return core.ChainInfoKey() }

// ParseGenesis decodes app_state strictly (unknown fields refused) and
// validates it.
func ParseGenesis(appState []byte) (*Genesis, error) {
	var g Genesis
	if err := core.StrictUnmarshal(appState, &g); err != nil {
		return nil, fmt.Errorf("genesis: app_state does not decode: %w", err)
	}
	g.fillDefaults()
	if err := g.Validate(); err != nil {
		return nil, err
	}
	return &g, nil
}

// fillDefaults replaces zero chain parameters by their defaults (each
// module's section fills its own, in core.GenesisSection.Check).
func (g *Genesis) fillDefaults() {
	if g.Params == (Params{}) {
		g.Params = DefaultParams()
	}
}

// sections checks every module's section (its entry in Sections, or none)
// and returns the values their Init takes, by module in module order.
func (g *Genesis) sections() ([]any, error) {
	out := make([]any, len(Modules))
	for i, m := range Modules {
		if m.Genesis == nil {
			continue
		}
		v, err := m.Genesis.Check(g.Sections[m.Name])
		if err != nil {
			return nil, fmt.Errorf("genesis: section %q: %w", m.Name, err)
		}
		out[i] = v
	}
	for name := range g.Sections {
		if m, ok := modulesByName[name]; !ok || m.Genesis == nil {
			return nil, fmt.Errorf("genesis: no module %q takes a genesis section", name)
		}
	}
	return out, nil
}

// Validate checks the genesis: parameters, unique agencies, admins and
// validator keys, known roles, policies naming existing agencies, and
// initial grants that the policy allows.
func (g *Genesis) Validate() error {
	if err := g.Params.Validate(); err != nil {
		return err
	}
	if _, err := g.sections(); err != nil {
		return err
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
	return g.validateImport()
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
	info := ChainInfo{ChainID: chainID, Params: g.Params, Import: g.Import}
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
	sections, err := g.sections()
	if err != nil {
		return err
	}
	for i, m := range Modules {
		if m.Genesis == nil {
			continue
		}
		if err := m.Genesis.Init(kv, sections[i]); err != nil {
			return err
		}
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
