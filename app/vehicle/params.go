package vehicle

import (
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Params are the vehicle registry's genesis parameters, stored under
// ParamsKey by InitGenesis. They change only with a new genesis.
type Params struct {
	// RegistrarApprovalRequired: when true, a buyer's acceptance leaves a
	// transfer "accepted" and a vehicle_registrar's vehicle/approve_transfer
	// completes it; when false, acceptance completes it.
	RegistrarApprovalRequired bool `json:"registrar_approval_required"`
}

// DefaultParams returns the parameters of a chain whose genesis does not
// set them: the buyer's acceptance completes a transfer.
func DefaultParams() Params { return Params{RegistrarApprovalRequired: false} }

// Validate checks the parameters. Every value of the current fields is
// valid; Validate exists so that fields added later are checked at genesis.
func (p Params) Validate() error { return nil }

// InitGenesis validates p and writes it under ParamsKey.
func InitGenesis(kv state.KV, p Params) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return core.SetJSON(kv, ParamsKey(), p)
}

// GetParams reads the parameters; a state without them (InitGenesis never
// ran) has DefaultParams.
func GetParams(r state.Reader) (Params, error) {
	p := DefaultParams()
	_, err := core.GetJSON(r, ParamsKey(), &p)
	return p, err
}
