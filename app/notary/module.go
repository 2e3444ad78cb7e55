package notary

import "github.com/govchain/govchain/app/core"

// Module is the registry of notarised documents as the app sees it (see core.Module): the app's
// module list names it, and everything the chain does with this package
// is derived from it.
var Module = &core.Module{
	Name:   Name,
	Prefix: Prefix,
	Codes:  600,
	Msgs: []core.MsgType{
		core.MsgOf[AnchorDocument](),
	},
	Resolve: resolve,
	Errors:  Errors,
}
