package vehicle

import (
	"github.com/govchain/govchain/app/core"
)

// inspectionDetails is the history detail of an inspection.
type inspectionDetails struct {
	Result           string `json:"result"`
	OdometerKM       int64  `json:"odometer_km"`
	OdometerAccepted bool   `json:"odometer_accepted"`
	Notes            string `json:"notes"`
}

// repairDetails is the history detail of a repair.
type repairDetails struct {
	Description      string `json:"description"`
	OdometerKM       int64  `json:"odometer_km"`
	OdometerAccepted bool   `json:"odometer_accepted"`
}

// insuranceDetails is the history detail of an insurance policy.
type insuranceDetails struct {
	PolicyNumber string `json:"policy_number"`
	ValidFrom    string `json:"valid_from"`
	ValidTo      string `json:"valid_to"`
}

// odometerDetails is the history detail of an accepted odometer reading.
type odometerDetails struct {
	OdometerKM int64 `json:"odometer_km"`
	PreviousKM int64 `json:"previous_km"`
}

// rollbackDetails is the history detail of an odometer-fraud flag: a
// reading (ClaimedKM) below the recorded one (RecordedKM), reported by the
// message Source. FraudFlags is the vehicle's count including this one.
type rollbackDetails struct {
	ClaimedKM  int64  `json:"claimed_km"`
	RecordedKM int64  `json:"recorded_km"`
	Source     string `json:"source"`
	FraudFlags uint64 `json:"fraud_flags"`
}

// ActionOdometerRollback is the history action and event action of an
// odometer-fraud flag.
const ActionOdometerRollback = "odometer_rollback"

// rollback reports whether km is below v's recorded odometer.
func rollback(v *Vehicle, km int64) bool { return km < v.OdometerKM }

// acceptReading sets v's odometer to km (km is not below it).
func acceptReading(ctx *core.Context, v *Vehicle, km int64) {
	v.OdometerKM = km
	v.OdometerHeight = ctx.Height
}

// flagRollback records an odometer-fraud flag on v: the count, a history
// entry with both readings and an event. The odometer is not changed; the
// caller saves v.
func flagRollback(ctx *core.Context, v *Vehicle, km int64, source string) error {
	v.FraudFlags++
	if err := appendHistory(ctx, v, ActionOdometerRollback, rollbackDetails{
		ClaimedKM: km, RecordedKM: v.OdometerKM, Source: source, FraudFlags: v.FraudFlags,
	}); err != nil {
		return err
	}
	emit(ctx, ActionOdometerRollback, v.VIN, "claimed_km", core.Dec(km), "recorded_km", core.Dec(v.OdometerKM),
		"source", source, "fraud_flags", core.Dec(v.FraudFlags), "owner", v.Owner.String())
	return nil
}

// Exec implements core.Msg: the signer must be an inspection station; the
// vehicle must be in force. The inspection is recorded (and becomes the
// last inspection) whatever its reading; a reading below the recorded one
// is not taken as the odometer and raises a fraud flag.
func (m RecordInspection) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleInspectionStation); err != nil {
		return err
	}
	v, err := getActiveVehicle(ctx.KV, m.VIN)
	if err != nil {
		return err
	}
	flagged := rollback(v, m.OdometerKM)
	if !flagged {
		acceptReading(ctx, v, m.OdometerKM)
	}
	v.LastInspection = &Inspection{Station: ctx.Signer, Result: m.Result, OdometerKM: m.OdometerKM, Height: ctx.Height, Time: ctx.BlockTime.UTC()}
	if err := appendHistory(ctx, v, "record_inspection", inspectionDetails{
		Result: m.Result, OdometerKM: m.OdometerKM, OdometerAccepted: !flagged, Notes: m.Notes,
	}); err != nil {
		return err
	}
	emit(ctx, "record_inspection", v.VIN, "result", m.Result, "odometer_km", core.Dec(m.OdometerKM), "owner", v.Owner.String())
	if flagged {
		if err := flagRollback(ctx, v, m.OdometerKM, "record_inspection"); err != nil {
			return err
		}
	}
	return putVehicle(ctx.KV, v)
}

// Exec implements core.Msg: the signer must be a workshop; the vehicle
// must be in force. Odometer rule as for inspections.
func (m RecordRepair) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleWorkshop); err != nil {
		return err
	}
	v, err := getActiveVehicle(ctx.KV, m.VIN)
	if err != nil {
		return err
	}
	flagged := rollback(v, m.OdometerKM)
	if !flagged {
		acceptReading(ctx, v, m.OdometerKM)
	}
	if err := appendHistory(ctx, v, "record_repair", repairDetails{
		Description: m.Description, OdometerKM: m.OdometerKM, OdometerAccepted: !flagged,
	}); err != nil {
		return err
	}
	emit(ctx, "record_repair", v.VIN, "odometer_km", core.Dec(m.OdometerKM), "owner", v.Owner.String())
	if flagged {
		if err := flagRollback(ctx, v, m.OdometerKM, "record_repair"); err != nil {
			return err
		}
	}
	return putVehicle(ctx.KV, v)
}

// Exec implements core.Msg: the signer must be an insurer; the vehicle
// must be in force. The policy becomes the vehicle's recorded insurance.
func (m RecordInsurance) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleInsurer); err != nil {
		return err
	}
	v, err := getActiveVehicle(ctx.KV, m.VIN)
	if err != nil {
		return err
	}
	v.Insurance = &Insurance{Insurer: ctx.Signer, PolicyNumber: m.PolicyNumber, ValidFrom: m.ValidFrom.UTC(), ValidTo: m.ValidTo.UTC(), Height: ctx.Height}
	if err := appendHistory(ctx, v, "record_insurance", insuranceDetails{
		PolicyNumber: m.PolicyNumber, ValidFrom: rfc3339(m.ValidFrom), ValidTo: rfc3339(m.ValidTo),
	}); err != nil {
		return err
	}
	if err := putVehicle(ctx.KV, v); err != nil {
		return err
	}
	emit(ctx, "record_insurance", v.VIN, "insurer", ctx.Signer.String(), "policy_number", m.PolicyNumber, "owner", v.Owner.String())
	return nil
}

// Exec implements core.Msg: the signer must be an inspection station, a
// workshop or a vehicle registrar; the vehicle must be in force. A reading
// at or above the recorded one becomes the odometer; a lower one succeeds
// as an odometer-fraud flag only (history entry odometer_rollback, event
// action odometer_rollback) and leaves the odometer unchanged.
func (m RecordOdometer) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleInspectionStation, core.RoleWorkshop, core.RoleVehicleRegistrar); err != nil {
		return err
	}
	v, err := getActiveVehicle(ctx.KV, m.VIN)
	if err != nil {
		return err
	}
	if rollback(v, m.OdometerKM) {
		if err := flagRollback(ctx, v, m.OdometerKM, "record_odometer"); err != nil {
			return err
		}
		return putVehicle(ctx.KV, v)
	}
	prev := v.OdometerKM
	acceptReading(ctx, v, m.OdometerKM)
	if err := appendHistory(ctx, v, "record_odometer", odometerDetails{OdometerKM: m.OdometerKM, PreviousKM: prev}); err != nil {
		return err
	}
	if err := putVehicle(ctx.KV, v); err != nil {
		return err
	}
	emit(ctx, "record_odometer", v.VIN, "odometer_km", core.Dec(m.OdometerKM), "owner", v.Owner.String())
	return nil
}
