package land

import (
	"errors"
	"slices"
	"time"

	"github.com/govchain/govchain/app/core"
)

// transferDetails is the history detail of a transfer step.
type transferDetails struct {
	TransferID uint64 `json:"transfer_id"`
}

// proposeDetails is the history detail of a proposal.
type proposeDetails struct {
	TransferID  uint64    `json:"transfer_id"`
	Denominator uint64    `json:"denominator"`
	Sellers     []Share   `json:"sellers"`
	Buyers      []Share   `json:"buyers"`
	Price       int64     `json:"price"`
	Currency    string    `json:"currency"`
	ExpiresAt   time.Time `json:"expires_at"`
}

// certifyDetails is the history detail of a notary certification.
type certifyDetails struct {
	TransferID uint64    `json:"transfer_id"`
	DeedHash   core.Hash `json:"deed_hash"`
}

// consentDetails is the history detail of a bank's consent.
type consentDetails struct {
	TransferID uint64 `json:"transfer_id"`
	LienID     uint64 `json:"lien_id"`
}

// registerTransferDetails is the history detail of a registered transfer:
// what moved, the certified deed, the liens released and the resulting
// ownership.
type registerTransferDetails struct {
	TransferID    uint64    `json:"transfer_id"`
	Denominator   uint64    `json:"denominator"`
	Sellers       []Share   `json:"sellers"`
	Buyers        []Share   `json:"buyers"`
	Price         int64     `json:"price"`
	Currency      string    `json:"currency"`
	DeedHash      core.Hash `json:"deed_hash"`
	ReleasedLiens []uint64  `json:"released_liens"`
	Owners        []Share   `json:"owners"`
	OwnersDenom   uint64    `json:"owners_denominator"`
}

// supersedeDetails is the history detail of a transfer closed because the
// ownership changed under it.
type supersedeDetails struct {
	TransferID   uint64 `json:"transfer_id"`
	SupersededBy uint64 `json:"superseded_by,omitempty"`
	Reason       string `json:"reason"`
}

// cancelDetails is the history detail of a cancellation.
type cancelDetails struct {
	TransferID uint64 `json:"transfer_id"`
	Reason     string `json:"reason"`
}

// Exec implements core.Msg: the signer must be one of the sellers and an
// owner; the parcel must be active and undisputed; the deadline within the
// horizon; every seller must hold what it sells; the result must have at
// most MaxOwners owners. The new transfer's id is emitted as transfer_id.
func (m ProposeTransfer) Exec(ctx *core.Context) error {
	p, err := getParcel(ctx.KV, m.ParcelID)
	if err != nil {
		return err
	}
	if _, ok := findShare(m.Sellers, ctx.Signer); !ok {
		return core.Wrapf(ErrNotSeller, "signer %s", ctx.Signer)
	}
	if !isOwner(p, ctx.Signer) {
		return core.Wrapf(ErrNotOwner, "signer %s, parcel %s", ctx.Signer, p.ID)
	}
	if p.Status == ParcelRetired {
		return core.Wrapf(ErrParcelRetired, "parcel %s", p.ID)
	}
	if len(p.OpenDisputes) > 0 {
		return core.Wrapf(ErrParcelDisputed, "parcel %s", p.ID)
	}
	if err := ctx.RequireDeadline(m.ExpiresAt, MaxTransferHorizon, ErrDeadlineOutOfRange); err != nil {
		return err
	}
	t := &Transfer{
		ParcelID:       p.ID,
		Status:         TransferPending,
		Proposer:       ctx.Signer,
		Denominator:    m.Denominator,
		Sellers:        slices.Clone(m.Sellers),
		Buyers:         slices.Clone(m.Buyers),
		Price:          m.Price,
		Currency:       m.Currency,
		ExpiresAt:      m.ExpiresAt.UTC(),
		ProposedHeight: ctx.Height,
		ProposedAt:     ctx.BlockTime.UTC(),
		Acceptances:    []Acceptance{acceptanceOf(ctx)},
	}
	owners, _, err := applyTransfer(p.Owners, p.Denominator, t)
	if err != nil {
		return err
	}
	if len(owners) > MaxOwners {
		return core.Wrapf(ErrTooManyOwners, "parcel %s would have %d owners", p.ID, len(owners))
	}
	if t.ID, err = core.NextID(ctx.KV, counterKey(counterTransfer)); err != nil {
		return err
	}
	if err := putTransfer(ctx.KV, t); err != nil {
		return err
	}
	p.PendingTransfers = append(p.PendingTransfers, t.ID)
	if err := appendHistory(ctx, p, "propose_transfer", proposeDetails{
		TransferID: t.ID, Denominator: t.Denominator, Sellers: t.Sellers, Buyers: t.Buyers,
		Price: t.Price, Currency: t.Currency, ExpiresAt: t.ExpiresAt,
	}); err != nil {
		return err
	}
	if err := putParcel(ctx.KV, p); err != nil {
		return err
	}
	kv := []string{"transfer_id", core.Dec(t.ID)}
	kv = append(kv, ownerAttrs("seller", t.Sellers)...)
	kv = append(kv, ownerAttrs("buyer", t.Buyers)...)
	emit(ctx, "propose_transfer", []string{p.ID}, kv...)
	return nil
}

// pendingTransfer refuses a transfer that is not pending (a superseded one
// with ErrTransferSuperseded) or has expired.
func pendingTransfer(ctx *core.Context, t *Transfer) error {
	if err := notSuperseded(t); err != nil {
		return err
	}
	if t.Status != TransferPending {
		return core.Wrapf(ErrTransferNotPending, "transfer %d is %s", t.ID, t.Status)
	}
	if t.expired(ctx) {
		return core.Wrapf(ErrTransferExpired, "transfer %d expired at %s", t.ID, t.ExpiresAt.Format(time.RFC3339))
	}
	return nil
}

// notSuperseded refuses a superseded transfer with ErrTransferSuperseded.
func notSuperseded(t *Transfer) error {
	if t.Status != TransferSuperseded {
		return nil
	}
	if t.SupersededBy != 0 {
		return core.Wrapf(ErrTransferSuperseded, "transfer %d was closed at height %d when transfer %d was registered: %s",
			t.ID, t.ClosedHeight, t.SupersededBy, t.SupersededReason)
	}
	return core.Wrapf(ErrTransferSuperseded, "transfer %d was closed at height %d by an inheritance: %s", t.ID, t.ClosedHeight, t.SupersededReason)
}

// supersede closes every pending transfer of p that the new ownership
// (owners over den) no longer allows: its sellers no longer hold what it
// sells, or its denominator no longer fits. Each is saved as superseded,
// leaves p's pending list and gets a history entry on p (the caller saves
// p); byTransfer is the registered transfer that changed the ownership (0
// for an inheritance). It returns the superseded ids in list order, for
// the caller's event.
func supersede(ctx *core.Context, p *Parcel, owners []Share, den, byTransfer uint64) ([]uint64, error) {
	superseded := []uint64{}
	for _, id := range slices.Clone(p.PendingTransfers) {
		pt, err := getTransfer(ctx.KV, id)
		if err != nil {
			return nil, err
		}
		_, _, err = applyTransfer(owners, den, pt)
		if !errors.Is(err, ErrInsufficientShares) && !errors.Is(err, ErrDenominatorMismatch) {
			if err != nil {
				return nil, err
			}
			continue
		}
		closeTransfer(ctx, pt, TransferSuperseded)
		pt.SupersededBy = byTransfer
		pt.SupersededReason = err.Error()
		if err := putTransfer(ctx.KV, pt); err != nil {
			return nil, err
		}
		p.PendingTransfers = core.Remove(p.PendingTransfers, id)
		if err := appendHistory(ctx, p, "supersede_transfer", supersedeDetails{TransferID: id, SupersededBy: byTransfer, Reason: pt.SupersededReason}); err != nil {
			return nil, err
		}
		superseded = append(superseded, id)
	}
	return superseded, nil
}

// emitSuperseded emits one event per superseded transfer.
func emitSuperseded(ctx *core.Context, parcelID string, ids []uint64, byTransfer uint64) {
	for _, id := range ids {
		kv := []string{"transfer_id", core.Dec(id)}
		if byTransfer != 0 {
			kv = append(kv, "superseded_by", core.Dec(byTransfer))
		}
		emit(ctx, "supersede_transfer", []string{parcelID}, kv...)
	}
}

// recordStep saves t, appends a history entry to its parcel and emits the
// event of a workflow step.
func recordStep(ctx *core.Context, t *Transfer, action string, details any, kv ...string) error {
	if err := putTransfer(ctx.KV, t); err != nil {
		return err
	}
	p, err := getParcel(ctx.KV, t.ParcelID)
	if err != nil {
		return err
	}
	if err := appendHistory(ctx, p, action, details); err != nil {
		return err
	}
	if err := putParcel(ctx.KV, p); err != nil {
		return err
	}
	emit(ctx, action, []string{p.ID}, append([]string{"transfer_id", core.Dec(t.ID)}, kv...)...)
	return nil
}

// Exec implements core.Msg: the signer must be a seller or buyer who has
// not accepted yet; the transfer must be pending and not expired.
func (m AcceptTransfer) Exec(ctx *core.Context) error {
	t, err := getTransfer(ctx.KV, m.TransferID)
	if err != nil {
		return err
	}
	if !t.isParty(ctx.Signer) {
		return core.Wrapf(ErrNotParty, "signer %s, transfer %d", ctx.Signer, t.ID)
	}
	if err := pendingTransfer(ctx, t); err != nil {
		return err
	}
	if accepted(t.Acceptances, ctx.Signer) {
		return core.Wrapf(ErrAlreadyAccepted, "signer %s, transfer %d", ctx.Signer, t.ID)
	}
	t.Acceptances = append(t.Acceptances, acceptanceOf(ctx))
	return recordStep(ctx, t, "accept_transfer", transferDetails{TransferID: t.ID})
}

// Exec implements core.Msg: the signer must be a notary not party to the
// transfer; the transfer must be pending, not expired, accepted by every
// party and not yet certified.
func (m CertifyTransfer) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleNotary); err != nil {
		return err
	}
	t, err := getTransfer(ctx.KV, m.TransferID)
	if err != nil {
		return err
	}
	if t.isParty(ctx.Signer) {
		return core.Wrapf(ErrNotaryIsParty, "notary %s, transfer %d", ctx.Signer, t.ID)
	}
	if err := pendingTransfer(ctx, t); err != nil {
		return err
	}
	if t.Certification != nil {
		return core.Wrapf(ErrAlreadyCertified, "transfer %d", t.ID)
	}
	if who, ok := t.allAccepted(); !ok {
		return core.Wrapf(ErrAcceptanceMissing, "transfer %d awaits %s", t.ID, who)
	}
	t.Certification = &Certification{Notary: ctx.Signer, DeedHash: m.DeedHash, Height: ctx.Height, Time: ctx.BlockTime.UTC()}
	return recordStep(ctx, t, "certify_transfer", certifyDetails{TransferID: t.ID, DeedHash: m.DeedHash},
		"notary", ctx.Signer.String())
}

// Exec implements core.Msg: the signer must be the bank holding the lien;
// the transfer must be pending and not expired; the lien must be active on
// the transfer's parcel and not yet consented.
func (m ConsentTransfer) Exec(ctx *core.Context) error {
	t, err := getTransfer(ctx.KV, m.TransferID)
	if err != nil {
		return err
	}
	l, err := getLien(ctx.KV, m.LienID)
	if err != nil {
		return err
	}
	if l.Bank != ctx.Signer {
		return core.Wrapf(ErrNotLienBank, "signer %s, lien %d", ctx.Signer, l.ID)
	}
	if err := pendingTransfer(ctx, t); err != nil {
		return err
	}
	if l.ParcelID != t.ParcelID {
		return core.Wrapf(ErrLienNotOnParcel, "lien %d is on parcel %s, transfer %d on %s", l.ID, l.ParcelID, t.ID, t.ParcelID)
	}
	if l.Status != LienActive {
		return core.Wrapf(ErrLienNotActive, "lien %d is %s", l.ID, l.Status)
	}
	if slices.ContainsFunc(t.Consents, func(c Consent) bool { return c.LienID == l.ID }) {
		return core.Wrapf(ErrAlreadyConsented, "lien %d, transfer %d", l.ID, t.ID)
	}
	t.Consents = append(t.Consents, Consent{LienID: l.ID, Bank: ctx.Signer, Height: ctx.Height, Time: ctx.BlockTime.UTC()})
	return recordStep(ctx, t, "consent_transfer", consentDetails{TransferID: t.ID, LienID: l.ID},
		"lien_id", core.Dec(l.ID), "bank", ctx.Signer.String())
}

// Exec implements core.Msg: the signer must be a land registrar; the
// transfer must be pending and not expired; the parcel active and
// undisputed; every party accepted; a notary certified; every active lien's
// bank consented; and the sellers must still hold their shares. Ownership,
// owner indexes and consented liens change together, and every other
// pending transfer of the parcel that the new ownership no longer allows
// is superseded (supersede).
func (m RegisterTransfer) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleLandRegistrar); err != nil {
		return err
	}
	t, err := getTransfer(ctx.KV, m.TransferID)
	if err != nil {
		return err
	}
	if err := pendingTransfer(ctx, t); err != nil {
		return err
	}
	p, err := getActiveParcel(ctx.KV, t.ParcelID)
	if err != nil {
		return err
	}
	if len(p.OpenDisputes) > 0 {
		return core.Wrapf(ErrParcelDisputed, "parcel %s", p.ID)
	}
	if who, ok := t.allAccepted(); !ok {
		return core.Wrapf(ErrAcceptanceMissing, "transfer %d awaits %s", t.ID, who)
	}
	if t.Certification == nil {
		return core.Wrapf(ErrNotCertified, "transfer %d", t.ID)
	}
	// A party who died after accepting cannot complete a sale: the estate
	// passes by land/transfer_inheritance instead.
	for _, s := range slices.Concat(t.Sellers, t.Buyers) {
		dead, err := core.IsDeceased(ctx.KV, s.Account)
		if err != nil {
			return err
		}
		if dead {
			return core.Wrapf(ErrPartyDeceased, "transfer %d: %s", t.ID, s.Account)
		}
	}
	for _, id := range p.ActiveLiens {
		if !slices.ContainsFunc(t.Consents, func(c Consent) bool { return c.LienID == id }) {
			return core.Wrapf(ErrConsentMissing, "lien %d on parcel %s", id, p.ID)
		}
	}
	owners, den, err := applyTransfer(p.Owners, p.Denominator, t)
	if errors.Is(err, ErrInsufficientShares) || errors.Is(err, ErrDenominatorMismatch) {
		return core.Wrapf(ErrOwnershipChanged, "transfer %d: %v", t.ID, err)
	}
	if err != nil {
		return err
	}
	if len(owners) > MaxOwners {
		return core.Wrapf(ErrTooManyOwners, "parcel %s would have %d owners", p.ID, len(owners))
	}
	released := slices.Clone(p.ActiveLiens)
	for _, id := range released {
		l, err := getLien(ctx.KV, id)
		if err != nil {
			return err
		}
		l.Status, l.ReleasedBy, l.ReleasedHeight = LienReleased, ctx.By(), ctx.Height
		l.ReleasedByTransfer = t.ID
		if err := putLien(ctx.KV, l); err != nil {
			return err
		}
	}
	if err := updateOwnerIndex(ctx.KV, p.ID, p.Owners, p.Denominator, owners, den); err != nil {
		return err
	}
	p.Owners, p.Denominator = owners, den
	p.ActiveLiens = []uint64{}
	p.PendingTransfers = core.Remove(p.PendingTransfers, t.ID)
	if err := appendHistory(ctx, p, "register_transfer", registerTransferDetails{
		TransferID: t.ID, Denominator: t.Denominator, Sellers: t.Sellers, Buyers: t.Buyers,
		Price: t.Price, Currency: t.Currency, DeedHash: t.Certification.DeedHash,
		ReleasedLiens: released, Owners: owners, OwnersDenom: den,
	}); err != nil {
		return err
	}
	superseded, err := supersede(ctx, p, owners, den, t.ID)
	if err != nil {
		return err
	}
	if err := putParcel(ctx.KV, p); err != nil {
		return err
	}
	closeTransfer(ctx, t, TransferRegistered)
	t.ReleasedLiens = released
	if err := putTransfer(ctx.KV, t); err != nil {
		return err
	}
	kv := []string{"transfer_id", core.Dec(t.ID)}
	for _, id := range released {
		kv = append(kv, "lien_id", core.Dec(id))
	}
	kv = append(kv, ownerAttrs("owner", owners)...)
	emit(ctx, "register_transfer", []string{p.ID}, kv...)
	emitSuperseded(ctx, p.ID, superseded, t.ID)
	return nil
}

func closeTransfer(ctx *core.Context, t *Transfer, status string) {
	t.Status, t.ClosedBy, t.ClosedHeight, t.ClosedAt = status, ctx.By(), ctx.Height, ctx.At()
}

// Exec implements core.Msg: the signer must be a seller or buyer, or a
// land registrar once the transfer has expired; the transfer must be
// pending. Cancelling is the one step allowed after expiry.
func (m CancelTransfer) Exec(ctx *core.Context) error {
	t, err := getTransfer(ctx.KV, m.TransferID)
	if err != nil {
		return err
	}
	if !t.isParty(ctx.Signer) {
		registrar, err := core.HasRole(ctx.KV, ctx.Signer, core.RoleLandRegistrar)
		if err != nil {
			return err
		}
		if !registrar || t.Status != TransferPending || !t.expired(ctx) {
			return core.Wrapf(ErrNotParty, "signer %s, transfer %d", ctx.Signer, t.ID)
		}
	}
	if err := notSuperseded(t); err != nil {
		return err
	}
	if t.Status != TransferPending {
		return core.Wrapf(ErrTransferNotPending, "transfer %d is %s", t.ID, t.Status)
	}
	closeTransfer(ctx, t, TransferCancelled)
	t.CancelReason = m.Reason
	if err := putTransfer(ctx.KV, t); err != nil {
		return err
	}
	p, err := getParcel(ctx.KV, t.ParcelID)
	if err != nil {
		return err
	}
	p.PendingTransfers = core.Remove(p.PendingTransfers, t.ID)
	if err := appendHistory(ctx, p, "cancel_transfer", cancelDetails{TransferID: t.ID, Reason: m.Reason}); err != nil {
		return err
	}
	if err := putParcel(ctx.KV, p); err != nil {
		return err
	}
	emit(ctx, "cancel_transfer", []string{p.ID}, "transfer_id", core.Dec(t.ID))
	return nil
}
