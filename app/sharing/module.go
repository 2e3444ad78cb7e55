package sharing

import "github.com/govchain/govchain/app/core"

// Module is restricted data sharing between agencies as the app sees it
// (see core.Module): the app's module list names it, and everything the
// chain does with this package is derived from it.
var Module = &core.Module{
	Name:   Name,
	Prefix: Prefix,
	Codes:  800,
	Msgs: []core.MsgType{
		core.MsgOf[CommitRecord](),
		core.MsgOf[CreateGrant](),
		core.MsgOf[DeclareClass](),
		core.MsgOf[DiscloseRequest](),
		core.MsgOf[EraseRecord](),
		core.MsgOf[FileComplaint](),
		core.MsgOf[GiveConsent](),
		core.MsgOf[RecordDelivery](),
		core.MsgOf[RegisterKey](),
		core.MsgOf[RequestAccess](),
		core.MsgOf[RevokeGrant](),
		core.MsgOf[RevokeGrantee](),
		core.MsgOf[RevokeKey](),
		core.MsgOf[WithdrawConsent](),
	},
	Resolve: resolve,
	Genesis: core.GenesisOfFunc(DefaultGenesis, Genesis.isZero, Genesis.Validate, InitGenesis),
	Errors:  Errors,
}
