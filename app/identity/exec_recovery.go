package identity

import (
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/govchain/govchain/app/core"
)

// proposeRecoveryDetails is the history detail of a recovery proposal.
type proposeRecoveryDetails struct {
	Account         core.Address `json:"account"`
	NewKey          core.Address `json:"new_key_address"`
	Reason          string       `json:"reason"`
	DocumentHash    core.Hash    `json:"document_hash"`
	RegistrarAgency string       `json:"registrar_agency"`
	ExpiresAt       time.Time    `json:"expires_at"`
}

// recoveryStepDetails is the history detail of an approval or
// cancellation.
type recoveryStepDetails struct {
	RecoveryID uint64 `json:"recovery_id"`
	Agency     string `json:"agency,omitempty"`
	Reason     string `json:"reason,omitempty"`
}

// Exec implements core.Msg: the signer must be a civil registrar; the
// account must belong to a living person and have signed before; the
// deadline must be within the horizon. The registrar's agency (the agency
// of its civil_registrar grant) is recorded: the approver must be an admin
// of another agency. The new recovery's id is emitted as recovery_id.
func (m ProposeRecovery) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleCivilRegistrar); err != nil {
		return err
	}
	l, err := getLinked(ctx.KV, m.Account)
	if err != nil {
		return err
	}
	if l.OwnerKind != OwnerPerson {
		return core.Wrapf(ErrNotPersonAccount, "account %s belongs to organisation %s", m.Account, l.OwnerID)
	}
	p, err := getLivingPerson(ctx.KV, l.OwnerID)
	if err != nil {
		return err
	}
	if _, signed, err := core.GetAccount(ctx.KV, m.Account); err != nil {
		return err
	} else if !signed {
		return core.Wrapf(ErrAccountUnknown, "account %s", m.Account)
	}
	if err := ctx.RequireDeadline(m.ExpiresAt, MaxRecoveryHorizon, ErrDeadlineOutOfRange); err != nil {
		return err
	}
	agency, err := grantAgency(ctx.KV, ctx.Signer, core.RoleCivilRegistrar)
	if err != nil {
		return err
	}
	id, err := core.NextID(ctx.KV, counterKey(counterRecovery))
	if err != nil {
		return err
	}
	rc := &Recovery{
		ID: id, Account: m.Account, PersonID: p.ID, NewPubKey: append(core.HexBytes(nil), m.NewPubKey...),
		Reason: m.Reason, DocumentHash: m.DocumentHash, Status: RecoveryPending,
		ProposedBy: ctx.Signer, RegistrarAgency: agency, ProposedHeight: ctx.Height,
		ProposedAt: ctx.BlockTime.UTC(), ExpiresAt: m.ExpiresAt.UTC(),
	}
	newKey := core.AddressOf(ed25519.PubKey(m.NewPubKey))
	if err := recoveryHistory(ctx, rc, "propose_recovery", proposeRecoveryDetails{
		Account: m.Account, NewKey: newKey, Reason: m.Reason, DocumentHash: m.DocumentHash,
		RegistrarAgency: agency, ExpiresAt: rc.ExpiresAt,
	}); err != nil {
		return err
	}
	if err := putRecovery(ctx.KV, rc); err != nil {
		return err
	}
	emit(ctx, "propose_recovery", "recovery_id", core.Dec(id), "person_id", p.ID, "account", m.Account.String(),
		"new_key_address", newKey.String())
	return nil
}

// closeRecovery marks rc closed by the signer with a status.
func closeRecovery(ctx *core.Context, rc *Recovery, status string) {
	rc.Status, rc.ClosedBy, rc.ClosedHeight, rc.ClosedAt = status, ctx.By(), ctx.Height, ctx.At()
}

// Exec implements core.Msg: the signer must be an agency admin
// (core.ErrNotAgencyAdmin) of another agency than the proposing
// registrar's (ErrSameAgency); the recovery must be pending and not
// expired; the account must still belong to the same living person. The
// account's key is rotated to the new key (core.RotateKey, which refuses a
// key in use).
func (m ApproveRecovery) Exec(ctx *core.Context) error {
	agency, err := core.AdminAgency(ctx.KV, ctx.Signer)
	if err != nil {
		return err
	}
	if agency == "" {
		return core.Wrapf(core.ErrNotAgencyAdmin, "signer %s administers no agency", ctx.Signer)
	}
	rc, err := getRecovery(ctx.KV, m.RecoveryID)
	if err != nil {
		return err
	}
	if agency == rc.RegistrarAgency {
		return core.Wrapf(ErrSameAgency, "recovery %d was proposed by a registrar of %s", rc.ID, agency)
	}
	if rc.Status != RecoveryPending {
		return core.Wrapf(ErrRecoveryNotPending, "recovery %d is %s", rc.ID, rc.Status)
	}
	if ctx.BlockTime.After(rc.ExpiresAt) {
		return core.Wrapf(ErrRecoveryExpired, "recovery %d expired at %s", rc.ID, rc.ExpiresAt.Format(time.RFC3339))
	}
	l, found, err := getLink(ctx.KV, rc.Account)
	if err != nil {
		return err
	}
	if !found || l.OwnerKind != OwnerPerson || l.OwnerID != rc.PersonID {
		return core.Wrapf(ErrAccountNotLinked, "account %s no longer belongs to person %s", rc.Account, rc.PersonID)
	}
	if _, err := getLivingPerson(ctx.KV, rc.PersonID); err != nil {
		return err
	}
	pub := ed25519.PubKey(rc.NewPubKey)
	if err := core.RotateKey(ctx.KV, rc.Account, pub); err != nil {
		return err
	}
	closeRecovery(ctx, rc, RecoveryApproved)
	rc.ApproverAgency = agency
	if err := recoveryHistory(ctx, rc, "approve_recovery", recoveryStepDetails{RecoveryID: rc.ID, Agency: agency}); err != nil {
		return err
	}
	if err := putRecovery(ctx.KV, rc); err != nil {
		return err
	}
	if err := recordKeyChange(ctx, rc.Account, pub, "recover_key", "recovery "+core.Dec(rc.ID)); err != nil {
		return err
	}
	emit(ctx, "approve_recovery", "recovery_id", core.Dec(rc.ID), "person_id", rc.PersonID, "account", rc.Account.String(),
		"agency", agency, "new_key_address", core.AddressOf(pub).String())
	return nil
}

// Exec implements core.Msg: the signer must be the proposer or the account
// itself (whose key was not lost after all); the recovery must be pending.
// Cancelling is allowed after expiry.
func (m CancelRecovery) Exec(ctx *core.Context) error {
	rc, err := getRecovery(ctx.KV, m.RecoveryID)
	if err != nil {
		return err
	}
	if ctx.Signer != rc.ProposedBy && ctx.Signer != rc.Account {
		return core.Wrapf(ErrNotRecoveryParty, "signer %s, recovery %d", ctx.Signer, rc.ID)
	}
	if rc.Status != RecoveryPending {
		return core.Wrapf(ErrRecoveryNotPending, "recovery %d is %s", rc.ID, rc.Status)
	}
	closeRecovery(ctx, rc, RecoveryCancelled)
	rc.CancelReason = m.Reason
	if err := recoveryHistory(ctx, rc, "cancel_recovery", recoveryStepDetails{RecoveryID: rc.ID, Reason: m.Reason}); err != nil {
		return err
	}
	if err := putRecovery(ctx.KV, rc); err != nil {
		return err
	}
	emit(ctx, "cancel_recovery", "recovery_id", core.Dec(rc.ID), "person_id", rc.PersonID, "account", rc.Account.String())
	return nil
}
