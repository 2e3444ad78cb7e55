package migration

import "github.com/govchain/govchain/app/core"

// Module is path B of the migration as the app sees it (see core.Module).
var Module = &core.Module{
	Name:   Name,
	Prefix: Prefix,
	Codes:  1500,
	Msgs: []core.MsgType{
		core.MsgOf[ImportBatch](),
	},
	Resolve: resolve,
	Errors:  Errors,
}
