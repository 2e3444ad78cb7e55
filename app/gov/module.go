package gov

import "github.com/govchain/govchain/app/core"

// Module is governance by the agencies as the app sees it (see core.Module): the app's
// module list names it, and everything the chain does with this package
// is derived from it.
var Module = &core.Module{
	Name:   Name,
	Prefix: Prefix,
	Codes:  700,
	Msgs: []core.MsgType{
		core.MsgOf[CastVote](),
		core.MsgOf[CloseProposal](),
		core.MsgOf[SubmitProposal](),
	},
	Resolve: resolve,
	Genesis: core.GenesisOf(DefaultParams, Params.Validate, InitGenesis),
	Errors:  Errors,
}
