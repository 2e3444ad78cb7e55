package land

import (
	"github.com/govchain/govchain/app/core"
)

// ImportedLien is a lien that a legacy land registry holds on a parcel:
// its bank (the lender), amount, currency, reference and document, all
// checked by Validate as CreateLien checks them.
type ImportedLien struct {
	Bank         core.Address
	Amount       int64
	Currency     string
	Reference    string
	DocumentHash core.Hash
}

// Validate is the stateless check of a lien to import: a bank and what
// CreateLien requires of its amount, currency, reference and document.
func (l ImportedLien) Validate() error {
	if l.Bank.IsZero() {
		return fields.Invalidf("lien: bank is required")
	}
	return fields.Lien(l.Amount, l.Currency, l.Reference, MaxReferenceLen, l.DocumentHash)
}

// ImportLien records l, a lien the legacy registry holds, on the active
// parcel parcelID as an active lien: the bank and every owner agreed to
// it in the legacy registry, so it has no acceptances and is active from
// its creation at ctx's height and time. Its id is the next lien id; the
// parcel's history gains an import_lien entry signed by ctx.Signer, who
// must be a land registrar (the account that imports the parcel). It is
// the legacy import's only way to a lien (package legacy); no message
// reaches it.
func ImportLien(ctx *core.Context, parcelID string, l ImportedLien) error {
	if err := ctx.RequireRole(core.RoleLandRegistrar); err != nil {
		return err
	}
	if err := l.Validate(); err != nil {
		return err
	}
	p, err := getActiveParcel(ctx.KV, parcelID)
	if err != nil {
		return err
	}
	id, err := core.NextID(ctx.KV, counterKey(counterLien))
	if err != nil {
		return err
	}
	lien := &Lien{
		ID: id, ParcelID: p.ID, Status: LienActive, Bank: l.Bank,
		Amount: l.Amount, Currency: l.Currency, Reference: l.Reference, DocumentHash: l.DocumentHash,
		CreatedHeight: ctx.Height, CreatedAt: ctx.BlockTime.UTC(), ActivatedHeight: ctx.Height,
	}
	if err := putLien(ctx.KV, lien); err != nil {
		return err
	}
	p.ActiveLiens = append(p.ActiveLiens, id)
	if err := appendHistory(ctx, p, "import_lien", lienDetails{
		LienID: id, Bank: lien.Bank, Amount: lien.Amount, Currency: lien.Currency, Reference: lien.Reference, DocumentHash: lien.DocumentHash,
	}); err != nil {
		return err
	}
	return putParcel(ctx.KV, p)
}

// LienCounterKey is the store key of the counter of lien ids: the last id
// given, as core.NextID keeps it.
func LienCounterKey() []byte { return counterKey(counterLien) }
