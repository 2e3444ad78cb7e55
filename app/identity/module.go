package identity

import "github.com/govchain/govchain/app/core"

// Module is the identity registry as the app sees it (see core.Module): the app's
// module list names it, and everything the chain does with this package
// is derived from it.
var Module = &core.Module{
	Name:   Name,
	Prefix: Prefix,
	Codes:  400,
	Msgs: []core.MsgType{
		core.MsgOf[AmendPerson](),
		core.MsgOf[ApproveRecovery](),
		core.MsgOf[CancelRecovery](),
		core.MsgOf[IssueCredential](),
		core.MsgOf[LinkAccount](),
		core.MsgOf[LinkOrgAccount](),
		core.MsgOf[ProposeRecovery](),
		core.MsgOf[RecordBirth](),
		core.MsgOf[RecordDeath](),
		core.MsgOf[RecordDivorce](),
		core.MsgOf[RecordMarriage](),
		core.MsgOf[RegisterOrg](),
		core.MsgOf[RegisterPerson](),
		core.MsgOf[RevokeCredential](),
		core.MsgOf[RotateKey](),
		core.MsgOf[UnlinkAccount](),
	},
	Resolve: resolve,
	Errors:  Errors,
}
