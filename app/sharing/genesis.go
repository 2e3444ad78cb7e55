package sharing

import (
	"fmt"
	"slices"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// PurposeDef is a purpose as genesis and governance define it. Overseer
// and MaxSecrecySeconds are for a covert purpose only (see Purpose): an
// empty overseer appoints none (no covert request is allowed until one
// is), and MaxSecrecySeconds 0 stands for DefaultMaxSecrecySeconds.
type PurposeDef struct {
	Code              string `json:"code"`
	Description       string `json:"description"`
	Covert            bool   `json:"covert"`
	Overseer          string `json:"overseer,omitempty"`
	MaxSecrecySeconds uint64 `json:"max_secrecy_seconds,omitempty"`
}

// Bounds of a covert purpose's secrecy.
const (
	// DefaultMaxSecrecySeconds is a covert purpose's max_secrecy_seconds
	// when it is given as 0: 180 days.
	DefaultMaxSecrecySeconds = 180 * 24 * 60 * 60
	// MaxSecrecyLimit bounds max_secrecy_seconds: MaxHorizonYears of 366
	// days.
	MaxSecrecyLimit = MaxHorizonYears * 366 * 24 * 60 * 60
)

// Genesis is the module's genesis section (app_state.sharing): the purpose
// list, codes sorted and unique. An absent section, or one without
// purposes, stands for DefaultGenesis.
type Genesis struct {
	Purposes []PurposeDef `json:"purposes"`
}

// DefaultGenesis returns the purposes of a new chain (and of the
// development chain).
func DefaultGenesis() Genesis {
	return Genesis{Purposes: []PurposeDef{
		{Code: "benefit_eligibility", Description: "checking a person's eligibility for a social benefit"},
		{Code: "health_care", Description: "providing or paying for a person's health care"},
		{Code: "law_enforcement", Description: "preventing, investigating or prosecuting criminal offences", Covert: true,
			Overseer: "justice", MaxSecrecySeconds: DefaultMaxSecrecySeconds},
		{Code: "social_security", Description: "assessing and paying social security contributions and pensions"},
		{Code: "statistics", Description: "producing official statistics"},
		{Code: "tax_assessment", Description: "assessing and collecting taxes"},
	}}
}

// isZero reports whether a decoded section stands for the default.
func (g Genesis) isZero() bool { return len(g.Purposes) == 0 }

// Validate checks the section: 1 to MaxPurposes purposes, codes
// identifiers (core.ValidateID), sorted and unique, each with a
// description.
func (g Genesis) Validate() error {
	if len(g.Purposes) == 0 || len(g.Purposes) > MaxPurposes {
		return fmt.Errorf("sharing: genesis needs 1 to %d purposes, got %d", MaxPurposes, len(g.Purposes))
	}
	for i, p := range g.Purposes {
		if err := p.validate(); err != nil {
			return fmt.Errorf("sharing: genesis purpose %d: %w", i, err)
		}
		if i > 0 && g.Purposes[i-1].Code >= p.Code {
			return fmt.Errorf("sharing: genesis purposes must be sorted by code and unique (%q after %q)", p.Code, g.Purposes[i-1].Code)
		}
	}
	return nil
}

func (p PurposeDef) validate() error {
	if err := fields.ID("code", p.Code); err != nil {
		return err
	}
	if err := fields.Text("description", p.Description, true, MaxTextLen); err != nil {
		return err
	}
	switch {
	case !p.Covert && (p.Overseer != "" || p.MaxSecrecySeconds != 0):
		return fields.Invalidf("overseer and max_secrecy_seconds are for a covert purpose only")
	case p.Overseer != "":
		if err := fields.ID("overseer", p.Overseer); err != nil {
			return err
		}
	}
	if p.MaxSecrecySeconds > MaxSecrecyLimit {
		return fields.Invalidf("max_secrecy_seconds must be at most %d, got %d", MaxSecrecyLimit, p.MaxSecrecySeconds)
	}
	return nil
}

// record returns the purpose p defines, set at height: a covert
// purpose's max_secrecy_seconds 0 is stored as the default.
func (p PurposeDef) record(retired bool, height int64) Purpose {
	secrecy := p.MaxSecrecySeconds
	if p.Covert && secrecy == 0 {
		secrecy = DefaultMaxSecrecySeconds
	}
	return Purpose{Code: p.Code, Description: p.Description, Covert: p.Covert, Overseer: p.Overseer,
		MaxSecrecySeconds: secrecy, Retired: retired, SetHeight: height}
}

// InitGenesis validates g and writes its purposes (set at height 0) and
// the purpose index. The app calls it once, at InitChain.
func InitGenesis(kv state.KV, g Genesis) error {
	if err := g.Validate(); err != nil {
		return err
	}
	idx := PurposeIndex{Codes: []string{}}
	for _, p := range g.Purposes {
		if err := core.SetJSON(kv, PurposeKey(p.Code), p.record(false, 0)); err != nil {
			return err
		}
		idx.Codes = append(idx.Codes, p.Code)
	}
	return core.SetJSON(kv, PurposeIndexKey(), idx)
}

// SetPurpose is the governance change of a purpose (gov's set_purpose):
// add purpose Code, or give an existing one this description, covert
// flag, overseer and max secrecy (as PurposeDef), and retire it (Retired)
// or keep or bring it back in use. A new purpose cannot start retired.
// A covert request keeps the overseer it was made under.
type SetPurpose struct {
	Code              string `json:"code"`
	Description       string `json:"description"`
	Covert            bool   `json:"covert"`
	Overseer          string `json:"overseer,omitempty"`
	MaxSecrecySeconds uint64 `json:"max_secrecy_seconds,omitempty"`
	Retired           bool   `json:"retired"`
}

func (s SetPurpose) def() PurposeDef {
	return PurposeDef{Code: s.Code, Description: s.Description, Covert: s.Covert, Overseer: s.Overseer, MaxSecrecySeconds: s.MaxSecrecySeconds}
}

// Validate checks the change statelessly (ErrInvalidMessage).
func (s SetPurpose) Validate() error { return s.def().validate() }

// Check reports whether the change is allowed in state r, writing
// nothing: an overseer must be a member agency (ErrAgencyNotFound), a
// purpose to retire must exist (ErrPurposeNotFound), and a new one must
// fit in the list (ErrTooManyPurposes). Governance runs it at submission
// and again at execution.
func (s SetPurpose) Check(r state.Reader) error {
	if s.Overseer != "" {
		if err := requireAgency(r, s.Overseer); err != nil {
			return err
		}
	}
	found, err := r.Has(PurposeKey(s.Code))
	if err != nil || found {
		return err
	}
	if s.Retired {
		return core.Wrapf(ErrPurposeNotFound, "purpose %s cannot be retired: it does not exist", s.Code)
	}
	idx, err := getPurposeIndex(r)
	if err != nil {
		return err
	}
	if len(idx.Codes) >= MaxPurposes {
		return core.Wrapf(ErrTooManyPurposes, "%d purposes, at most %d", len(idx.Codes), MaxPurposes)
	}
	return nil
}

// Apply writes the change, which Check has just allowed, at height.
func (s SetPurpose) Apply(kv state.KV, height int64) error {
	found, err := kv.Has(PurposeKey(s.Code))
	if err != nil {
		return err
	}
	if !found {
		idx, err := getPurposeIndex(kv)
		if err != nil {
			return err
		}
		i, _ := slices.BinarySearch(idx.Codes, s.Code)
		idx.Codes = slices.Insert(idx.Codes, i, s.Code)
		if err := core.SetJSON(kv, PurposeIndexKey(), idx); err != nil {
			return err
		}
	}
	return core.SetJSON(kv, PurposeKey(s.Code), s.def().record(s.Retired, height))
}
