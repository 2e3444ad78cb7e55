package vehicle

import "github.com/govchain/govchain/app/core"

// Module is the vehicle registry as the app sees it (see core.Module): the app's
// module list names it, and everything the chain does with this package
// is derived from it.
var Module = &core.Module{
	Name:   Name,
	Prefix: Prefix,
	Codes:  300,
	Msgs: []core.MsgType{
		core.MsgOf[AcceptTransfer](),
		core.MsgOf[ApproveTransfer](),
		core.MsgOf[CancelTransfer](),
		core.MsgOf[ChangePlate](),
		core.MsgOf[CreateLien](),
		core.MsgOf[DeregisterVehicle](),
		core.MsgOf[OfferTransfer](),
		core.MsgOf[RecordInspection](),
		core.MsgOf[RecordInsurance](),
		core.MsgOf[RecordOdometer](),
		core.MsgOf[RecordRepair](),
		core.MsgOf[RegisterVehicle](),
		core.MsgOf[ReinstateVehicle](),
		core.MsgOf[ReleaseLien](),
		core.MsgOf[TransferInheritance](),
	},
	Resolve: resolve,
	Genesis: core.GenesisOf(DefaultParams, Params.Validate, InitGenesis),
	Errors:  Errors,
}
