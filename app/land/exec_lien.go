package land

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

// lienStepDetails is the history detail of a lien acceptance or release.
type lienStepDetails struct {
	LienID uint64 `json:"lien_id"`
	Status string `json:"status"`
}

// Exec implements core.Msg: the signer must be a bank; the parcel must be
// active. The lien starts pending; its id is emitted as lien_id.
func (m CreateLien) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleBank); err != nil {
		return err
	}
	p, err := getActiveParcel(ctx.KV, m.ParcelID)
	if err != nil {
		return err
	}
	id, err := core.NextID(ctx.KV, counterKey(counterLien))
	if err != nil {
		return err
	}
	l := &Lien{
		ID: id, ParcelID: p.ID, Status: LienPending, Bank: ctx.Signer,
		Amount: m.Amount, Currency: m.Currency, Reference: m.Reference, DocumentHash: m.DocumentHash,
		CreatedHeight: ctx.Height, CreatedAt: ctx.BlockTime.UTC(),
	}
	if err := putLien(ctx.KV, l); err != nil {
		return err
	}
	p.PendingLiens = append(p.PendingLiens, id)
	if err := appendHistory(ctx, p, "create_lien", lienDetails{
		LienID: id, Bank: l.Bank, Amount: l.Amount, Currency: l.Currency, Reference: l.Reference, DocumentHash: l.DocumentHash,
	}); err != nil {
		return err
	}
	if err := putParcel(ctx.KV, p); err != nil {
		return err
	}
	emit(ctx, "create_lien", []string{p.ID}, "lien_id", core.Dec(id), "bank", ctx.Signer.String(), "lien_status", LienPending)
	return nil
}

// Exec implements core.Msg: the signer must be a current owner of the
// lien's parcel who has not accepted yet; the lien must be pending and the
// parcel active. The lien becomes active once every current owner has
// accepted it.
func (m AcceptLien) Exec(ctx *core.Context) error {
	l, err := getLien(ctx.KV, m.LienID)
	if err != nil {
		return err
	}
	p, err := getParcel(ctx.KV, l.ParcelID)
	if err != nil {
		return err
	}
	if !isOwner(p, ctx.Signer) {
		return core.Wrapf(ErrNotOwner, "signer %s, parcel %s", ctx.Signer, p.ID)
	}
	if l.Status != LienPending {
		return core.Wrapf(ErrLienNotPending, "lien %d is %s", l.ID, l.Status)
	}
	if p.Status == ParcelRetired {
		return core.Wrapf(ErrParcelRetired, "parcel %s", p.ID)
	}
	if accepted(l.Acceptances, ctx.Signer) {
		return core.Wrapf(ErrAlreadyAccepted, "signer %s, lien %d", ctx.Signer, l.ID)
	}
	l.Acceptances = append(l.Acceptances, acceptanceOf(ctx))
	all := true
	for _, o := range p.Owners {
		all = all && accepted(l.Acceptances, o.Account)
	}
	if all {
		l.Status = LienActive
		l.ActivatedHeight = ctx.Height
		p.PendingLiens = core.Remove(p.PendingLiens, l.ID)
		p.ActiveLiens = append(p.ActiveLiens, l.ID)
	}
	if err := putLien(ctx.KV, l); err != nil {
		return err
	}
	if err := appendHistory(ctx, p, "accept_lien", lienStepDetails{LienID: l.ID, Status: l.Status}); err != nil {
		return err
	}
	if err := putParcel(ctx.KV, p); err != nil {
		return err
	}
	emit(ctx, "accept_lien", []string{p.ID}, "lien_id", core.Dec(l.ID), "bank", l.Bank.String(), "lien_status", l.Status)
	return nil
}

// Exec implements core.Msg: the signer must be the bank holding the lien;
// the lien must be pending or active.
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
	p, err := getParcel(ctx.KV, l.ParcelID)
	if err != nil {
		return err
	}
	l.Status, l.ReleasedBy, l.ReleasedHeight = LienReleased, ctx.By(), ctx.Height
	if err := putLien(ctx.KV, l); err != nil {
		return err
	}
	p.PendingLiens = core.Remove(p.PendingLiens, l.ID)
	p.ActiveLiens = core.Remove(p.ActiveLiens, l.ID)
	if err := appendHistory(ctx, p, "release_lien", lienStepDetails{LienID: l.ID, Status: l.Status}); err != nil {
		return err
	}
	if err := putParcel(ctx.KV, p); err != nil {
		return err
	}
	emit(ctx, "release_lien", []string{p.ID}, "lien_id", core.Dec(l.ID), "bank", l.Bank.String(), "lien_status", l.Status)
	return nil
}
