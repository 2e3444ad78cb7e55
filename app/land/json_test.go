package land

import (
	"testing"

	"github.com/govchain/govchain/app/core/coretest"
)

// The hand-written JSON of the land records and messages gives
// encoding/json's bytes and values.
func TestRecordJSONMatchesEncodingJSON(t *testing.T) {
	coretest.CheckJSONCodec[Parcel](t, 400)
	coretest.CheckJSONCodec[Owner](t, 400)
	coretest.CheckJSONCodec[OwnerParcel](t, 400)
	coretest.CheckJSONCodec[parcelDetails](t, 400)
	coretest.CheckJSONCodec[RegisterParcel](t, 400)
}
