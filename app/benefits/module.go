package benefits

import "github.com/govchain/govchain/app/core"

// Module is the benefits module as the app sees it (see core.Module): the
// app's module list names it, and everything the chain does with this
// package is derived from it, including its hooks on the civil registry's
// births and deaths and its per-block payment order step.
var Module = &core.Module{
	Name:   Name,
	Prefix: Prefix,
	Codes:  1100,
	Msgs: []core.MsgType{
		core.MsgOf[ClaimBenefit](),
		core.MsgOf[DecideClaim](),
		core.MsgOf[DefineProgramme](),
		core.MsgOf[MarkPaid](),
	},
	Resolve: resolve,
	Errors:  Errors,
	Hooks:   hooks,
	Step:    step,
}
