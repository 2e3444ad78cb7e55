package land

import (
	"errors"
	"slices"

	"github.com/govchain/govchain/app/core"
)

// inheritanceDetails is the history detail of an inheritance: the
// deceased, what the heirs received, the certificate, the transfers it
// cancelled and the resulting ownership.
type inheritanceDetails struct {
	Deceased           core.Address `json:"deceased"`
	Denominator        uint64       `json:"denominator"`
	Heirs              []Share      `json:"heirs"`
	CertificateHash    core.Hash    `json:"certificate_hash"`
	CancelledTransfers []uint64     `json:"cancelled_transfers"`
	Owners             []Share      `json:"owners"`
	OwnersDenom        uint64       `json:"owners_denominator"`
}

// inheritanceCancelReason is the cancel_reason of a pending transfer that an
// inheritance closes.
const inheritanceCancelReason = "cancelled by inheritance: a party is deceased"

// Exec implements core.Msg: the signer must be a notary who is neither the
// deceased nor an heir; the deceased's account must be marked
// core.StatusDeceased and hold shares in the parcel; the parcel must be
// active and undisputed; no heir may be deceased; the heirs' shares must
// equal the deceased's exactly; the result must have at most MaxOwners
// owners. Liens (pending and active) stay on the parcel: an inheritance
// does not discharge debts. Every pending transfer of the parcel in which
// the deceased is a seller or buyer is cancelled first (each with its own
// history entry). Ownership and owner indexes then change together, as at
// land/register_transfer, and every other pending transfer that the new
// ownership no longer allows is superseded.
func (m TransferInheritance) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleNotary); err != nil {
		return err
	}
	if ctx.Signer == m.Deceased {
		return core.Wrapf(ErrNotaryIsParty, "notary %s is the deceased", ctx.Signer)
	}
	if _, ok := findShare(m.Heirs, ctx.Signer); ok {
		return core.Wrapf(ErrNotaryIsParty, "notary %s is an heir", ctx.Signer)
	}
	p, err := getActiveParcel(ctx.KV, m.ParcelID)
	if err != nil {
		return err
	}
	if len(p.OpenDisputes) > 0 {
		return core.Wrapf(ErrParcelDisputed, "parcel %s", p.ID)
	}
	dead, err := core.IsDeceased(ctx.KV, m.Deceased)
	if err != nil {
		return err
	}
	if !dead {
		return core.Wrapf(ErrOwnerNotDeceased, "account %s", m.Deceased)
	}
	held, ok := findShare(p.Owners, m.Deceased)
	if !ok {
		return core.Wrapf(ErrDeceasedNotOwner, "account %s, parcel %s", m.Deceased, p.ID)
	}
	for _, h := range m.Heirs {
		dead, err := core.IsDeceased(ctx.KV, h.Account)
		if err != nil {
			return err
		}
		if dead {
			return core.Wrapf(ErrHeirDeceased, "heir %s", h.Account)
		}
	}
	if m.Denominator%p.Denominator != 0 {
		return core.Wrapf(ErrDenominatorMismatch, "inheritance denominator %d, parcel denominator %d", m.Denominator, p.Denominator)
	}
	var sum uint64
	for _, h := range m.Heirs {
		sum += h.Shares
	}
	if want := held * (m.Denominator / p.Denominator); sum != want {
		return core.Wrapf(ErrEstateMismatch, "the deceased holds %d/%d, the heirs receive %d/%d", want, m.Denominator, sum, m.Denominator)
	}
	t := &Transfer{
		ParcelID:    p.ID,
		Denominator: m.Denominator,
		Sellers:     []Share{{Account: m.Deceased, Shares: sum}},
		Buyers:      slices.Clone(m.Heirs),
	}
	owners, den, err := applyTransfer(p.Owners, p.Denominator, t)
	if errors.Is(err, ErrInsufficientShares) {
		return core.Wrapf(ErrEstateMismatch, "%v", err)
	}
	if err != nil {
		return err
	}
	if len(owners) > MaxOwners {
		return core.Wrapf(ErrTooManyOwners, "parcel %s would have %d owners", p.ID, len(owners))
	}

	// Cancel the pending transfers the deceased is party to, in list order.
	cancelled := []uint64{}
	for _, id := range slices.Clone(p.PendingTransfers) {
		pt, err := getTransfer(ctx.KV, id)
		if err != nil {
			return err
		}
		if pt.Status != TransferPending || !pt.isParty(m.Deceased) {
			continue
		}
		closeTransfer(ctx, pt, TransferCancelled)
		pt.CancelReason = inheritanceCancelReason
		if err := putTransfer(ctx.KV, pt); err != nil {
			return err
		}
		p.PendingTransfers = core.Remove(p.PendingTransfers, id)
		if err := appendHistory(ctx, p, "cancel_transfer", cancelDetails{TransferID: id, Reason: inheritanceCancelReason}); err != nil {
			return err
		}
		cancelled = append(cancelled, id)
	}

	if err := updateOwnerIndex(ctx.KV, p.ID, p.Owners, p.Denominator, owners, den); err != nil {
		return err
	}
	p.Owners, p.Denominator = owners, den
	heirs := sortShares(m.Heirs)
	if err := appendHistory(ctx, p, "transfer_inheritance", inheritanceDetails{
		Deceased: m.Deceased, Denominator: m.Denominator, Heirs: heirs, CertificateHash: m.CertificateHash,
		CancelledTransfers: cancelled, Owners: owners, OwnersDenom: den,
	}); err != nil {
		return err
	}
	superseded, err := supersede(ctx, p, owners, den, 0)
	if err != nil {
		return err
	}
	if err := putParcel(ctx.KV, p); err != nil {
		return err
	}
	kv := []string{"deceased", m.Deceased.String(), "notary", ctx.Signer.String()}
	kv = append(kv, ownerAttrs("heir", heirs)...)
	for _, id := range cancelled {
		kv = append(kv, "transfer_id", core.Dec(id))
	}
	kv = append(kv, ownerAttrs("owner", owners)...)
	emit(ctx, "transfer_inheritance", []string{p.ID}, kv...)
	emitSuperseded(ctx, p.ID, superseded, 0)
	return nil
}
