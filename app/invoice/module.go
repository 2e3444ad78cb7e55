package invoice

import "github.com/govchain/govchain/app/core"

// Module is the invoice registry as the app sees it (see core.Module): the app's
// module list names it, and everything the chain does with this package
// is derived from it.
var Module = &core.Module{
	Name:   Name,
	Prefix: Prefix,
	Codes:  500,
	Msgs: []core.MsgType{
		core.MsgOf[AcknowledgeInvoice](),
		core.MsgOf[ClaimReimbursement](),
		core.MsgOf[IssueCreditNote](),
		core.MsgOf[IssueInvoice](),
	},
	Resolve: resolve,
	Errors:  Errors,
}
