package auction

import "github.com/govchain/govchain/app/core"

// Module is the auction module as the app sees it (see core.Module): the
// app's module list names it, and everything the chain does with this
// package is derived from it.
var Module = &core.Module{
	Name:   Name,
	Prefix: Prefix,
	Codes:  900,
	Msgs: []core.MsgType{
		core.MsgOf[CloseAuction](),
		core.MsgOf[CommitBid](),
		core.MsgOf[CompleteAuction](),
		core.MsgOf[ConfirmDeposit](),
		core.MsgOf[ListAsset](),
		core.MsgOf[RevealBid](),
	},
	Resolve: resolve,
	Errors:  Errors,
}
