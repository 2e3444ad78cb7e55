package spending

import (
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// DefaultFinanceAgency is the finance ministry's agency id on a chain whose
// genesis does not name one.
const DefaultFinanceAgency = "finance"

// Params are the spending module's genesis parameters (the genesis
// app_state's "spending" section). They change only with a new genesis.
type Params struct {
	// FinanceAgency is the id of the agency whose admins approve budget
	// lines: the finance ministry.
	FinanceAgency string `json:"finance_agency"`
}

// DefaultParams returns the parameters of a chain whose genesis has no
// spending section: the finance ministry is the agency "finance".
func DefaultParams() Params { return Params{FinanceAgency: DefaultFinanceAgency} }

// Validate checks the finance agency's id (core.ValidateID).
func (p Params) Validate() error { return core.ValidateID("spending: finance_agency", p.FinanceAgency) }

// InitGenesis validates p and writes it under ParamsKey when it differs
// from DefaultParams. A chain on the defaults stores nothing, so its app
// hash is that of a chain from before the setting existed.
func InitGenesis(kv state.KV, p Params) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if p == DefaultParams() {
		return nil
	}
	return core.SetJSON(kv, ParamsKey(), p)
}

// GetParams reads the parameters; a state without them has DefaultParams.
func GetParams(r state.Reader) (Params, error) {
	p := DefaultParams()
	_, err := core.GetJSON(r, ParamsKey(), &p)
	return p, err
}
