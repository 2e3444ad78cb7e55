package land

import "github.com/govchain/govchain/app/core"

// Module is the land registry as the app sees it (see core.Module): the app's
// module list names it, and everything the chain does with this package
// is derived from it.
var Module = &core.Module{
	Name:   Name,
	Prefix: Prefix,
	Codes:  200,
	Msgs: []core.MsgType{
		core.MsgOf[AcceptLien](),
		core.MsgOf[AcceptTransfer](),
		core.MsgOf[CancelTransfer](),
		core.MsgOf[CertifyTransfer](),
		core.MsgOf[ClearDispute](),
		core.MsgOf[ConsentTransfer](),
		core.MsgOf[CreateLien](),
		core.MsgOf[FlagDispute](),
		core.MsgOf[MergeParcels](),
		core.MsgOf[ProposeTransfer](),
		core.MsgOf[RegisterParcel](),
		core.MsgOf[RegisterTransfer](),
		core.MsgOf[ReleaseLien](),
		core.MsgOf[SubdivideParcel](),
		core.MsgOf[TransferInheritance](),
	},
	Resolve: resolve,
	Errors:  Errors,
}
