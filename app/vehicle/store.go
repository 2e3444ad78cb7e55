package vehicle

import (
	"fmt"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// EventType is the type of every event this registry emits. Its indexed
// attributes always include action (the message's verb_noun, or
// "odometer_rollback" for a fraud flag), vin and signer.
const EventType = Name

// emit emits one vehicle event.
func emit(ctx *core.Context, action, vin string, kv ...string) {
	attrs := []string{"action", action, "vin", vin, "signer", ctx.Signer.String()}
	ctx.Emit(EventType, append(attrs, kv...)...)
}

// getVehicle reads a vehicle; a missing vehicle is ErrVehicleNotFound.
func getVehicle(r state.Reader, vin string) (*Vehicle, error) {
	return core.Load[Vehicle](r, VehicleKey(vin), ErrVehicleNotFound, "vin %s", vin)
}

// getActiveVehicle reads a vehicle that is not deregistered.
func getActiveVehicle(r state.Reader, vin string) (*Vehicle, error) {
	v, err := getVehicle(r, vin)
	if err != nil {
		return nil, err
	}
	if err := v.requireActive(); err != nil {
		return nil, err
	}
	return v, nil
}

func (v *Vehicle) requireActive() error {
	if v.Status == StatusDeregistered {
		return core.Wrapf(ErrVehicleDeregistered, "vin %s is %s", v.VIN, v.DeregReason)
	}
	return nil
}

func putVehicle(w state.Writer, v *Vehicle) error {
	if v.ActiveLiens == nil {
		v.ActiveLiens = []uint64{}
	}
	return core.SetJSON(w, VehicleKey(v.VIN), v)
}

func getTransfer(r state.Reader, id uint64) (*Transfer, error) {
	return core.Load[Transfer](r, TransferKey(id), ErrTransferNotFound, "transfer %d", id)
}

func putTransfer(w state.Writer, t *Transfer) error { return core.SetJSON(w, TransferKey(t.ID), t) }

func getLien(r state.Reader, id uint64) (*Lien, error) {
	return core.Load[Lien](r, LienKey(id), ErrLienNotFound, "lien %d", id)
}

func putLien(w state.Writer, l *Lien) error { return core.SetJSON(w, LienKey(l.ID), l) }

// appendHistory appends an entry to v's history and bumps its count; the
// caller saves v.
func appendHistory(ctx *core.Context, v *Vehicle, action string, details any) error {
	return ctx.RecordHistory(Prefix, tableHistory, []byte(v.VIN), &v.HistoryCount, action, details)
}

// setPlate writes the plate index entry of plate to vin.
func setPlate(kv state.KV, plate, vin string) error {
	return core.SetJSON(kv, PlateKey(plate), Plate{Plate: plate, VIN: vin})
}

// requireFreePlate refuses a plate that is assigned.
func requireFreePlate(kv state.KV, plate string) error {
	var p Plate
	found, err := core.GetJSON(kv, PlateKey(plate), &p)
	if err != nil {
		return err
	}
	if found {
		return core.Wrapf(ErrPlateTaken, "plate %s is on vin %s", plate, p.VIN)
	}
	return nil
}

// addOwner adds the owner index entry of vin to account a.
func addOwner(ctx *core.Context, a core.Address, vin string) error {
	entry := OwnerVehicle{VIN: vin, SinceHeight: ctx.Height, Since: ctx.BlockTime.UTC()}
	if err := core.SetJSON(ctx.KV, OwnerVehicleKey(a, vin), entry); err != nil {
		return err
	}
	o := Owner{Account: a}
	if _, err := core.GetJSON(ctx.KV, OwnerKey(a), &o); err != nil {
		return err
	}
	o.VehicleCount++
	return core.SetJSON(ctx.KV, OwnerKey(a), o)
}

// removeOwner deletes the owner index entry of vin from account a,
// deleting the owner record when its count reaches zero.
func removeOwner(kv state.KV, a core.Address, vin string) error {
	if err := kv.Delete(OwnerVehicleKey(a, vin)); err != nil {
		return err
	}
	o := Owner{Account: a}
	if _, err := core.GetJSON(kv, OwnerKey(a), &o); err != nil {
		return err
	}
	if o.VehicleCount == 0 {
		return fmt.Errorf("vehicle: owner count of %s would go negative", a)
	}
	o.VehicleCount--
	if o.VehicleCount == 0 {
		return kv.Delete(OwnerKey(a))
	}
	return core.SetJSON(kv, OwnerKey(a), o)
}

// moveOwnership makes to the owner and tax-liable account of v, updating
// both owner indexes; the caller appends history and saves v.
func moveOwnership(ctx *core.Context, v *Vehicle, to core.Address) error {
	if err := removeOwner(ctx.KV, v.Owner, v.VIN); err != nil {
		return err
	}
	if err := addOwner(ctx, to, v.VIN); err != nil {
		return err
	}
	now := ctx.BlockTime.UTC()
	v.Owner, v.OwnerSince = to, now
	v.TaxLiable, v.TaxLiableSince = to, now
	return nil
}

func (t *Transfer) expired(ctx *core.Context) bool { return ctx.BlockTime.After(t.ExpiresAt) }

func (t *Transfer) open() bool { return t.Status == TransferPending || t.Status == TransferAccepted }

func closeTransfer(ctx *core.Context, t *Transfer, status, reason string) {
	t.Status, t.ClosedBy, t.ClosedHeight, t.ClosedAt = status, ctx.By(), ctx.Height, ctx.At()
	t.CancelReason = reason
}

// closeOpenTransfer closes v's open transfer, if any, with status and
// reason, appending a history entry to v; the caller saves v. It returns
// the id closed (0 if none).
func closeOpenTransfer(ctx *core.Context, v *Vehicle, status, reason string) (uint64, error) {
	if v.OpenTransfer == 0 {
		return 0, nil
	}
	t, err := getTransfer(ctx.KV, v.OpenTransfer)
	if err != nil {
		return 0, err
	}
	closeTransfer(ctx, t, status, reason)
	if err := putTransfer(ctx.KV, t); err != nil {
		return 0, err
	}
	v.OpenTransfer = 0
	action := "cancel_transfer"
	if status == TransferExpired {
		action = "expire_transfer"
	}
	if err := appendHistory(ctx, v, action, cancelDetails{TransferID: t.ID, Reason: reason}); err != nil {
		return 0, err
	}
	return t.ID, nil
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }
