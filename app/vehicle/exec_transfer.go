package vehicle

import (
	"fmt"

	"github.com/govchain/govchain/app/core"
)

// offerDetails is the history detail of an offer.
type offerDetails struct {
	TransferID       uint64       `json:"transfer_id"`
	Seller           core.Address `json:"seller"`
	Buyer            core.Address `json:"buyer"`
	Price            int64        `json:"price"`
	Currency         string       `json:"currency"`
	ExpiresAt        string       `json:"expires_at"`
	ApprovalRequired bool         `json:"approval_required"`
	Superseded       uint64       `json:"superseded_transfer,omitempty"`
}

// transferStepDetails is the history detail of an acceptance or approval.
// On completion Owner and TaxLiable are the new holders.
type transferStepDetails struct {
	TransferID uint64        `json:"transfer_id"`
	Status     string        `json:"status"`
	Owner      *core.Address `json:"owner,omitempty"`
	TaxLiable  *core.Address `json:"tax_liable,omitempty"`
}

// cancelDetails is the history detail of a cancelled or superseded
// transfer.
type cancelDetails struct {
	TransferID uint64 `json:"transfer_id"`
	Reason     string `json:"reason"`
}

// Exec implements core.Msg: the signer must be the owner; the vehicle must
// be in force, free of active liens and without an open transfer that has
// not expired (an expired one is closed as "expired"); the buyer must not
// be the owner; the deadline within MaxOfferHorizon. The transfer id is
// emitted as transfer_id.
func (m OfferTransfer) Exec(ctx *core.Context) error {
	v, err := getVehicle(ctx.KV, m.VIN)
	if err != nil {
		return err
	}
	if v.Owner != ctx.Signer {
		return core.Wrapf(ErrNotOwner, "signer %s, vin %s", ctx.Signer, v.VIN)
	}
	if err := v.requireActive(); err != nil {
		return err
	}
	if m.Buyer == v.Owner {
		return core.Wrapf(ErrBuyerIsOwner, "buyer %s", m.Buyer)
	}
	if len(v.ActiveLiens) > 0 {
		return core.Wrapf(ErrVehicleEncumbered, "vin %s has liens %v", v.VIN, v.ActiveLiens)
	}
	if err := ctx.RequireDeadline(m.ExpiresAt, MaxOfferHorizon, ErrDeadlineOutOfRange); err != nil {
		return err
	}
	var superseded uint64
	if v.OpenTransfer != 0 {
		open, err := getTransfer(ctx.KV, v.OpenTransfer)
		if err != nil {
			return err
		}
		if !open.expired(ctx) {
			return core.Wrapf(ErrTransferOpen, "vin %s has transfer %d open until %s", v.VIN, open.ID, rfc3339(open.ExpiresAt))
		}
		if superseded, err = closeOpenTransfer(ctx, v, TransferExpired, "expired; superseded by a new offer"); err != nil {
			return err
		}
	}
	params, err := GetParams(ctx.KV)
	if err != nil {
		return err
	}
	t := &Transfer{
		VIN: v.VIN, Status: TransferPending, Seller: ctx.Signer, Buyer: m.Buyer,
		Price: m.Price, Currency: m.Currency, ExpiresAt: m.ExpiresAt.UTC(),
		ApprovalRequired: params.RegistrarApprovalRequired,
		OfferedHeight:    ctx.Height, OfferedAt: ctx.BlockTime.UTC(),
	}
	if t.ID, err = core.NextID(ctx.KV, counterKey(counterTransfer)); err != nil {
		return err
	}
	if err := putTransfer(ctx.KV, t); err != nil {
		return err
	}
	v.OpenTransfer = t.ID
	if err := appendHistory(ctx, v, "offer_transfer", offerDetails{
		TransferID: t.ID, Seller: t.Seller, Buyer: t.Buyer, Price: t.Price, Currency: t.Currency,
		ExpiresAt: rfc3339(t.ExpiresAt), ApprovalRequired: t.ApprovalRequired, Superseded: superseded,
	}); err != nil {
		return err
	}
	if err := putVehicle(ctx.KV, v); err != nil {
		return err
	}
	kv := []string{"transfer_id", core.Dec(t.ID), "seller", t.Seller.String(), "buyer", t.Buyer.String()}
	if superseded != 0 {
		kv = append(kv, "expired_transfer_id", core.Dec(superseded))
	}
	emit(ctx, "offer_transfer", v.VIN, kv...)
	return nil
}

// completable checks what must hold when a transfer is accepted or
// approved: not expired, vehicle in force and free of liens, seller still
// the owner and not deceased. It returns the vehicle.
func completable(ctx *core.Context, t *Transfer) (*Vehicle, error) {
	if t.expired(ctx) {
		return nil, core.Wrapf(ErrTransferExpired, "transfer %d expired at %s", t.ID, rfc3339(t.ExpiresAt))
	}
	v, err := getActiveVehicle(ctx.KV, t.VIN)
	if err != nil {
		return nil, err
	}
	if len(v.ActiveLiens) > 0 {
		return nil, core.Wrapf(ErrVehicleEncumbered, "vin %s has liens %v", v.VIN, v.ActiveLiens)
	}
	dead, err := core.IsDeceased(ctx.KV, t.Seller)
	if err != nil {
		return nil, err
	}
	if dead {
		return nil, core.Wrapf(ErrOwnerDeceased, "seller %s: the vehicle moves only by inheritance", t.Seller)
	}
	// An open transfer is closed by every change of owner, so this holds
	// unless the state is inconsistent.
	if v.Owner != t.Seller || v.OpenTransfer != t.ID {
		return nil, fmt.Errorf("vehicle: transfer %d is open but vin %s is owned by %s with open transfer %d", t.ID, v.VIN, v.Owner, v.OpenTransfer)
	}
	return v, nil
}

// step records an acceptance or approval: it completes t unless it only
// moves to accepted, saves t and v, appends history and emits the event.
func step(ctx *core.Context, t *Transfer, v *Vehicle, action string, complete bool) error {
	d := transferStepDetails{TransferID: t.ID}
	if complete {
		if err := moveOwnership(ctx, v, t.Buyer); err != nil {
			return err
		}
		v.OpenTransfer = 0
		closeTransfer(ctx, t, TransferCompleted, "")
		d.Owner, d.TaxLiable = &v.Owner, &v.TaxLiable
	} else {
		t.Status = TransferAccepted
	}
	d.Status = t.Status
	if err := putTransfer(ctx.KV, t); err != nil {
		return err
	}
	if err := appendHistory(ctx, v, action, d); err != nil {
		return err
	}
	if err := putVehicle(ctx.KV, v); err != nil {
		return err
	}
	kv := []string{"transfer_id", core.Dec(t.ID), "transfer_status", t.Status, "seller", t.Seller.String(), "buyer", t.Buyer.String()}
	if complete {
		kv = append(kv, "owner", v.Owner.String(), "tax_liable", v.TaxLiable.String())
	}
	emit(ctx, action, v.VIN, kv...)
	return nil
}

// Exec implements core.Msg: the signer must be the buyer; the transfer
// must be pending and completable (see ApproveTransfer). Without registrar
// approval, ownership and tax liability move to the buyer now; with it, the
// transfer becomes accepted.
func (m AcceptTransfer) Exec(ctx *core.Context) error {
	t, err := getTransfer(ctx.KV, m.TransferID)
	if err != nil {
		return err
	}
	if t.Buyer != ctx.Signer {
		return core.Wrapf(ErrNotBuyer, "signer %s, transfer %d", ctx.Signer, t.ID)
	}
	if t.Status != TransferPending {
		return core.Wrapf(ErrTransferNotPending, "transfer %d is %s", t.ID, t.Status)
	}
	v, err := completable(ctx, t)
	if err != nil {
		return err
	}
	t.AcceptedHeight, t.AcceptedAt = ctx.Height, ctx.At()
	return step(ctx, t, v, "accept_transfer", !t.ApprovalRequired)
}

// Exec implements core.Msg: the signer must be a vehicle registrar; the
// transfer must be accepted and not expired; the vehicle in force and free
// of liens; the seller not deceased. Ownership and tax liability move to
// the buyer.
func (m ApproveTransfer) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleVehicleRegistrar); err != nil {
		return err
	}
	t, err := getTransfer(ctx.KV, m.TransferID)
	if err != nil {
		return err
	}
	if t.Status != TransferAccepted {
		return core.Wrapf(ErrTransferNotAccepted, "transfer %d is %s", t.ID, t.Status)
	}
	v, err := completable(ctx, t)
	if err != nil {
		return err
	}
	return step(ctx, t, v, "approve_transfer", true)
}

// Exec implements core.Msg: the signer must be the seller or the buyer, or
// a vehicle registrar once the transfer expired; the transfer must be
// pending or accepted. Cancelling is the one step allowed after expiry.
func (m CancelTransfer) Exec(ctx *core.Context) error {
	t, err := getTransfer(ctx.KV, m.TransferID)
	if err != nil {
		return err
	}
	if ctx.Signer != t.Seller && ctx.Signer != t.Buyer {
		registrar, err := core.HasRole(ctx.KV, ctx.Signer, core.RoleVehicleRegistrar)
		if err != nil {
			return err
		}
		if !registrar || !t.open() || !t.expired(ctx) {
			return core.Wrapf(ErrNotParty, "signer %s, transfer %d", ctx.Signer, t.ID)
		}
	}
	if !t.open() {
		return core.Wrapf(ErrTransferClosed, "transfer %d is %s", t.ID, t.Status)
	}
	v, err := getActiveVehicle(ctx.KV, t.VIN)
	if err != nil {
		return err
	}
	if v.OpenTransfer != t.ID {
		return fmt.Errorf("vehicle: transfer %d is open but vin %s lists open transfer %d", t.ID, v.VIN, v.OpenTransfer)
	}
	if _, err := closeOpenTransfer(ctx, v, TransferCancelled, m.Reason); err != nil {
		return err
	}
	if err := putVehicle(ctx.KV, v); err != nil {
		return err
	}
	emit(ctx, "cancel_transfer", v.VIN, "transfer_id", core.Dec(t.ID), "seller", t.Seller.String(), "buyer", t.Buyer.String())
	return nil
}
