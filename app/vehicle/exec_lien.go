package vehicle

import (
	"github.com/govchain/govchain/app/core"
)

// lienDetails is the history detail of a lien's creation.
type lienDetails struct {
	LienID       uint64       `json:"lien_id"`
	Bank         core.Address `json:"bank"`
	Amount       int64        `json:"amount"`
	Currency     string       `json:"currency"`
	Reference    string       `json:"reference"`
	DocumentHash core.Hash    `json:"document_hash"`
}

// lienReleaseDetails is the history detail of a lien's release.
type lienReleaseDetails struct {
	LienID uint64 `json:"lien_id"`
}

// Exec implements core.Msg: the signer must be a bank; the vehicle must be
// in force with fewer than MaxActiveLiens active liens. The lien is active
// at once and blocks the vehicle's sale; its id is emitted as lien_id. An
// open transfer stays open but cannot complete while the lien is active.
func (m CreateLien) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleBank); err != nil {
		return err
	}
	v, err := getActiveVehicle(ctx.KV, m.VIN)
	if err != nil {
		return err
	}
	if len(v.ActiveLiens) >= MaxActiveLiens {
		return core.Wrapf(ErrTooManyLiens, "vin %s has %d", v.VIN, len(v.ActiveLiens))
	}
	id, err := core.NextID(ctx.KV, counterKey(counterLien))
	if err != nil {
		return err
	}
	l := &Lien{
		ID: id, VIN: v.VIN, Status: LienActive, Bank: ctx.Signer,
		Amount: m.Amount, Currency: m.Currency, Reference: m.Reference, DocumentHash: m.DocumentHash,
		CreatedHeight: ctx.Height, CreatedAt: ctx.BlockTime.UTC(),
	}
	if err := putLien(ctx.KV, l); err != nil {
		return err
	}
	v.ActiveLiens = append(v.ActiveLiens, id)
	if err := appendHistory(ctx, v, "create_lien", lienDetails{
		LienID: id, Bank: l.Bank, Amount: l.Amount, Currency: l.Currency, Reference: l.Reference, DocumentHash: l.DocumentHash,
	}); err != nil {
		return err
	}
	if err := putVehicle(ctx.KV, v); err != nil {
		return err
	}
	emit(ctx, "create_lien", v.VIN, "lien_id", core.Dec(id), "bank", ctx.Signer.String(), "owner", v.Owner.String())
	return nil
}

// Exec implements core.Msg: the signer must be the bank holding the lien;
// the lien must be active and its vehicle in force.
func (m ReleaseLien) Exec(ctx *core.Context) error {
	l, err := getLien(ctx.KV, m.LienID)
	if err != nil {
		return err
	}
	if l.Bank != ctx.Signer {
		return core.Wrapf(ErrNotLienBank, "signer %s, lien %d", ctx.Signer, l.ID)
	}
	if l.Status == LienReleased {
		return core.Wrapf(ErrLienReleased, "lien %d", l.ID)
	}
	v, err := getActiveVehicle(ctx.KV, l.VIN)
	if err != nil {
		return err
	}
	l.Status, l.ReleasedBy, l.ReleasedHeight = LienReleased, ctx.By(), ctx.Height
	if err := putLien(ctx.KV, l); err != nil {
		return err
	}
	v.ActiveLiens = core.Remove(v.ActiveLiens, l.ID)
	if err := appendHistory(ctx, v, "release_lien", lienReleaseDetails{LienID: l.ID}); err != nil {
		return err
	}
	if err := putVehicle(ctx.KV, v); err != nil {
		return err
	}
	emit(ctx, "release_lien", v.VIN, "lien_id", core.Dec(l.ID), "bank", l.Bank.String(), "owner", v.Owner.String())
	return nil
}
