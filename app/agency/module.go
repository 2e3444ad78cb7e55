package agency

import "github.com/govchain/govchain/app/core"

// Module is the agencies and the roles they grant as the app sees it (see core.Module): the app's
// module list names it, and everything the chain does with this package
// is derived from it.
var Module = &core.Module{
	Name:   Name,
	Prefix: core.PrefixAgency,
	Codes:  100,
	Msgs: []core.MsgType{
		core.MsgOf[GrantRole](),
		core.MsgOf[RevokeRole](),
	},
	Resolve: resolve,
	Errors:  Errors,
}
