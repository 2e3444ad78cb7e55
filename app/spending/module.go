package spending

import "github.com/govchain/govchain/app/core"

// Module is the spending module as the app sees it (see core.Module).
var Module = &core.Module{
	Name:   Name,
	Prefix: Prefix,
	Codes:  1000,
	Msgs: []core.MsgType{
		core.MsgOf[ApproveBudgetLine](),
		core.MsgOf[AwardContract](),
		core.MsgOf[PayInvoice](),
	},
	Resolve: resolve,
	Genesis: core.GenesisOf(DefaultParams, Params.Validate, InitGenesis),
	Errors:  Errors,
}
