package invoice

import (
	"testing"

	"github.com/govchain/govchain/app/core/coretest"
)

// The hand-written JSON of the invoice records and messages gives
// encoding/json's bytes and values.
func TestRecordJSONMatchesEncodingJSON(t *testing.T) {
	coretest.CheckJSONCodec[Invoice](t, 400)
	coretest.CheckJSONCodec[Buyer](t, 400)
	coretest.CheckJSONCodec[BuyerEntry](t, 400)
	coretest.CheckJSONCodec[Totals](t, 400)
	coretest.CheckJSONCodec[TotalsEntry](t, 400)
	coretest.CheckJSONCodec[issueDetails](t, 400)
	coretest.CheckJSONCodec[IssueInvoice](t, 400)
}
