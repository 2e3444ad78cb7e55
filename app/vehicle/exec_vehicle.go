package vehicle

import (
	"github.com/govchain/govchain/app/core"
)

// registerDetails is the history detail of a registration.
type registerDetails struct {
	CheckDigitScheme string       `json:"check_digit_scheme"`
	Make             string       `json:"make"`
	Model            string       `json:"model"`
	Year             int64        `json:"year"`
	Colour           string       `json:"colour"`
	Plate            string       `json:"plate"`
	Owner            core.Address `json:"owner"`
	TaxLiable        core.Address `json:"tax_liable"`
	OdometerKM       int64        `json:"odometer_km"`
}

// plateDetails is the history detail of a plate change.
type plateDetails struct {
	OldPlate string `json:"old_plate"`
	NewPlate string `json:"new_plate"`
}

// deregDetails is the history detail of a deregistration.
type deregDetails struct {
	Reason            string `json:"reason"`
	Notes             string `json:"notes"`
	CancelledTransfer uint64 `json:"cancelled_transfer,omitempty"`
}

// reinstateDetails is the history detail of a reinstatement.
type reinstateDetails struct {
	PreviousReason string `json:"previous_reason"`
	Notes          string `json:"notes"`
}

// inheritanceDetails is the history detail of an inheritance transfer.
type inheritanceDetails struct {
	Deceased          core.Address `json:"deceased"`
	Heir              core.Address `json:"heir"`
	CertificateHash   core.Hash    `json:"certificate_hash"`
	CancelledTransfer uint64       `json:"cancelled_transfer,omitempty"`
}

// Exec implements core.Msg: the signer must be a vehicle registrar; the
// VIN and the plate must be new; the model year at most the block's next
// year.
func (m RegisterVehicle) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleVehicleRegistrar); err != nil {
		return err
	}
	if max := int64(ctx.BlockTime.UTC().Year()) + 1; m.Year > max {
		return fields.Invalidf("model year %d is after %d", m.Year, max)
	}
	if ok, err := ctx.KV.Has(VehicleKey(m.VIN)); err != nil {
		return err
	} else if ok {
		return core.Wrapf(ErrVehicleExists, "vin %s", m.VIN)
	}
	if err := requireFreePlate(ctx.KV, m.Plate); err != nil {
		return err
	}
	tax := m.TaxLiable
	if tax.IsZero() {
		tax = m.Owner
	}
	now := ctx.BlockTime.UTC()
	v := &Vehicle{
		VIN: m.VIN, CheckDigitScheme: m.CheckDigitScheme, Make: m.Make, Model: m.Model, Year: m.Year,
		Colour: m.Colour, Plate: m.Plate, Owner: m.Owner, OwnerSince: now, TaxLiable: tax, TaxLiableSince: now,
		Status: StatusActive, OdometerKM: m.OdometerKM, OdometerHeight: ctx.Height,
		RegisteredBy: ctx.Signer, RegisteredHeight: ctx.Height, RegisteredAt: now,
	}
	if err := appendHistory(ctx, v, "register_vehicle", registerDetails{
		CheckDigitScheme: v.CheckDigitScheme, Make: v.Make, Model: v.Model, Year: v.Year, Colour: v.Colour,
		Plate: v.Plate, Owner: v.Owner, TaxLiable: v.TaxLiable, OdometerKM: v.OdometerKM,
	}); err != nil {
		return err
	}
	if err := setPlate(ctx.KV, v.Plate, v.VIN); err != nil {
		return err
	}
	if err := addOwner(ctx, v.Owner, v.VIN); err != nil {
		return err
	}
	if err := putVehicle(ctx.KV, v); err != nil {
		return err
	}
	emit(ctx, "register_vehicle", v.VIN, "plate", v.Plate, "owner", v.Owner.String(), "tax_liable", v.TaxLiable.String())
	return nil
}

// Exec implements core.Msg: the signer must be a vehicle registrar; the
// vehicle must be in force and the new plate unassigned. The old plate's
// index entry is deleted.
func (m ChangePlate) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleVehicleRegistrar); err != nil {
		return err
	}
	v, err := getActiveVehicle(ctx.KV, m.VIN)
	if err != nil {
		return err
	}
	if err := requireFreePlate(ctx.KV, m.NewPlate); err != nil {
		return err
	}
	old := v.Plate
	if err := ctx.KV.Delete(PlateKey(old)); err != nil {
		return err
	}
	if err := setPlate(ctx.KV, m.NewPlate, v.VIN); err != nil {
		return err
	}
	v.Plate = m.NewPlate
	if err := appendHistory(ctx, v, "change_plate", plateDetails{OldPlate: old, NewPlate: m.NewPlate}); err != nil {
		return err
	}
	if err := putVehicle(ctx.KV, v); err != nil {
		return err
	}
	emit(ctx, "change_plate", v.VIN, "old_plate", old, "plate", m.NewPlate)
	return nil
}

// Exec implements core.Msg: the signer must be a vehicle registrar; the
// vehicle must be in force. Its open transfer is cancelled; its plate stays
// bound to it (so a stolen vehicle is still found by plate) and its liens
// stay recorded.
func (m DeregisterVehicle) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleVehicleRegistrar); err != nil {
		return err
	}
	v, err := getActiveVehicle(ctx.KV, m.VIN)
	if err != nil {
		return err
	}
	cancelled, err := closeOpenTransfer(ctx, v, TransferCancelled, "vehicle deregistered: "+m.Reason)
	if err != nil {
		return err
	}
	v.Status = StatusDeregistered
	v.DeregReason = m.Reason
	if err := appendHistory(ctx, v, "deregister_vehicle", deregDetails{Reason: m.Reason, Notes: m.Notes, CancelledTransfer: cancelled}); err != nil {
		return err
	}
	if err := putVehicle(ctx.KV, v); err != nil {
		return err
	}
	kv := []string{"reason", m.Reason, "owner", v.Owner.String()}
	if cancelled != 0 {
		kv = append(kv, "transfer_id", core.Dec(cancelled))
	}
	emit(ctx, "deregister_vehicle", v.VIN, kv...)
	return nil
}

// Exec implements core.Msg: the signer must be a vehicle registrar; the
// vehicle must be deregistered.
func (m ReinstateVehicle) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleVehicleRegistrar); err != nil {
		return err
	}
	v, err := getVehicle(ctx.KV, m.VIN)
	if err != nil {
		return err
	}
	if v.Status != StatusDeregistered {
		return core.Wrapf(ErrVehicleNotDeregistered, "vin %s", v.VIN)
	}
	prev := v.DeregReason
	v.Status = StatusActive
	v.DeregReason = ""
	if err := appendHistory(ctx, v, "reinstate_vehicle", reinstateDetails{PreviousReason: prev, Notes: m.Notes}); err != nil {
		return err
	}
	if err := putVehicle(ctx.KV, v); err != nil {
		return err
	}
	emit(ctx, "reinstate_vehicle", v.VIN, "previous_reason", prev, "owner", v.Owner.String())
	return nil
}

// Exec implements core.Msg: the signer must be a notary; the vehicle must
// be in force; its owner's account must be deceased; the heir's account
// must be able to sign. Ownership and tax liability move to the heir; an
// open transfer is cancelled; liens stay.
func (m TransferInheritance) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleNotary); err != nil {
		return err
	}
	v, err := getActiveVehicle(ctx.KV, m.VIN)
	if err != nil {
		return err
	}
	dead, err := core.IsDeceased(ctx.KV, v.Owner)
	if err != nil {
		return err
	}
	if !dead {
		return core.Wrapf(ErrOwnerNotDeceased, "owner %s of vin %s", v.Owner, v.VIN)
	}
	if st, disabled, err := core.GetAccountStatus(ctx.KV, m.Heir); err != nil {
		return err
	} else if disabled {
		return core.Wrapf(ErrHeirDisabled, "heir %s is %s", m.Heir, st.Status)
	}
	deceased := v.Owner
	cancelled, err := closeOpenTransfer(ctx, v, TransferCancelled, "owner deceased: inheritance")
	if err != nil {
		return err
	}
	if err := moveOwnership(ctx, v, m.Heir); err != nil {
		return err
	}
	if err := appendHistory(ctx, v, "transfer_inheritance", inheritanceDetails{
		Deceased: deceased, Heir: m.Heir, CertificateHash: m.CertificateHash, CancelledTransfer: cancelled,
	}); err != nil {
		return err
	}
	if err := putVehicle(ctx.KV, v); err != nil {
		return err
	}
	kv := []string{"deceased", deceased.String(), "owner", m.Heir.String(), "tax_liable", m.Heir.String()}
	if cancelled != 0 {
		kv = append(kv, "transfer_id", core.Dec(cancelled))
	}
	emit(ctx, "transfer_inheritance", v.VIN, kv...)
	return nil
}
