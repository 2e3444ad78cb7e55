package vehicle

import (
	"testing"

	"github.com/govchain/govchain/app/core/coretest"
)

// The hand-written JSON of the vehicle records and messages gives
// encoding/json's bytes and values.
func TestRecordJSONMatchesEncodingJSON(t *testing.T) {
	coretest.CheckJSONCodec[Vehicle](t, 400)
	coretest.CheckJSONCodec[Owner](t, 400)
	coretest.CheckJSONCodec[OwnerVehicle](t, 400)
	coretest.CheckJSONCodec[Plate](t, 400)
	coretest.CheckJSONCodec[registerDetails](t, 400)
	coretest.CheckJSONCodec[odometerDetails](t, 400)
	coretest.CheckJSONCodec[RegisterVehicle](t, 400)
	coretest.CheckJSONCodec[RecordOdometer](t, 400)
}
