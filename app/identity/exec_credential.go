package identity

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// issueDetails is the history detail of a credential's issuance.
type issueDetails struct {
	CredentialType string    `json:"credential_type"`
	Subject        string    `json:"subject"`
	ClaimsHash     core.Hash `json:"claims_hash"`
	ValidFrom      time.Time `json:"valid_from"`
	ValidUntil     time.Time `json:"valid_until"`
}

// revokeDetails is the history detail of a revocation.
type revokeDetails struct {
	Reason string `json:"reason"`
}

// Exec implements core.Msg: the signer must be a credential issuer; the id
// must be new; the subject registered and alive, with fewer than
// MaxCredentialsPerPerson credentials; valid_until after the block time.
// The issuer's agency (from its role grant) is recorded, so that another
// issuer of the same agency may revoke the credential.
func (m IssueCredential) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleCredentialIssuer); err != nil {
		return err
	}
	if ok, err := ctx.KV.Has(CredentialKey(m.CredentialID)); err != nil {
		return err
	} else if ok {
		return core.Wrapf(ErrCredentialExists, "credential %s", m.CredentialID)
	}
	if _, err := getLivingPerson(ctx.KV, m.Subject); err != nil {
		return err
	}
	if !m.ValidUntil.After(ctx.BlockTime) {
		return core.Wrapf(ErrValidityEnded, "valid_until %s, block time %s", m.ValidUntil.Format(time.RFC3339), ctx.BlockTime.UTC().Format(time.RFC3339))
	}
	idx, err := getPersonCredentials(ctx.KV, m.Subject)
	if err != nil {
		return err
	}
	if idx.CredentialCount >= MaxCredentialsPerPerson {
		return core.Wrapf(ErrTooManyCredentials, "person %s has %d", m.Subject, idx.CredentialCount)
	}
	agency, err := grantAgency(ctx.KV, ctx.Signer, core.RoleCredentialIssuer)
	if err != nil {
		return err
	}
	c := &Credential{
		ID: m.CredentialID, CredentialType: m.CredentialType, Subject: m.Subject, ClaimsHash: m.ClaimsHash,
		Issuer: ctx.Signer, IssuerAgency: agency, ValidFrom: m.ValidFrom.UTC(), ValidUntil: m.ValidUntil.UTC(),
		Status: CredentialActive, IssuedHeight: ctx.Height, IssuedAt: ctx.BlockTime.UTC(),
	}
	if err := credentialHistory(ctx, c, "issue_credential", issueDetails{
		CredentialType: c.CredentialType, Subject: c.Subject, ClaimsHash: c.ClaimsHash,
		ValidFrom: c.ValidFrom, ValidUntil: c.ValidUntil,
	}); err != nil {
		return err
	}
	if err := putCredential(ctx.KV, c); err != nil {
		return err
	}
	idx.CredentialCount++
	if err := core.SetJSON(ctx.KV, PersonCredentialsKey(m.Subject), idx); err != nil {
		return err
	}
	if err := core.SetJSON(ctx.KV, PersonCredentialKey(m.Subject, c.ID), PersonCredential{
		CredentialID: c.ID, CredentialType: c.CredentialType, Issuer: c.Issuer,
	}); err != nil {
		return err
	}
	emit(ctx, "issue_credential", "credential_id", c.ID, "person_id", c.Subject, "credential_type", c.CredentialType)
	return nil
}

// Exec implements core.Msg: the signer must be a credential issuer and
// either the credential's issuer or an issuer whose role was granted by the
// issuer's agency; the credential must be active.
func (m RevokeCredential) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleCredentialIssuer); err != nil {
		return err
	}
	c, err := getCredential(ctx.KV, m.CredentialID)
	if err != nil {
		return err
	}
	if c.Issuer != ctx.Signer {
		agency, err := grantAgency(ctx.KV, ctx.Signer, core.RoleCredentialIssuer)
		if err != nil {
			return err
		}
		if agency == "" || agency != c.IssuerAgency {
			return core.Wrapf(ErrNotIssuer, "signer %s, credential %s issued by %s of agency %q", ctx.Signer, c.ID, c.Issuer, c.IssuerAgency)
		}
	}
	if c.Status != CredentialActive {
		return core.Wrapf(ErrCredentialRevoked, "credential %s", c.ID)
	}
	if err := revoke(ctx, c, m.Reason); err != nil {
		return err
	}
	emit(ctx, "revoke_credential", "credential_id", c.ID, "person_id", c.Subject)
	return nil
}

// revoke marks c revoked by the signer, appends its history and saves it.
func revoke(ctx *core.Context, c *Credential, reason string) error {
	c.Status, c.RevokedBy, c.RevokedHeight, c.RevokedAt = CredentialRevoked, ctx.By(), ctx.Height, ctx.At()
	c.RevokeReason = reason
	if err := credentialHistory(ctx, c, "revoke_credential", revokeDetails{Reason: reason}); err != nil {
		return err
	}
	return putCredential(ctx.KV, c)
}

// revokeAllOf revokes every active credential naming the person, in index
// key order, and returns their ids.
func revokeAllOf(ctx *core.Context, personID, reason string) ([]string, error) {
	ids, err := credentialIDsOf(ctx.KV, personID)
	if err != nil {
		return nil, err
	}
	revoked := []string{}
	for _, id := range ids {
		c, err := getCredential(ctx.KV, id)
		if err != nil {
			return nil, err
		}
		if c.Status != CredentialActive {
			continue
		}
		if err := revoke(ctx, c, reason); err != nil {
			return nil, err
		}
		revoked = append(revoked, id)
	}
	return revoked, nil
}

// credentialIDsOf lists the ids in a person's credential index, in key
// order. The iterator is closed before the caller writes.
func credentialIDsOf(r state.Reader, personID string) ([]string, error) {
	prefix := PersonCredentialsPrefix(personID)
	it, err := r.Iterator(prefix, state.PrefixEnd(prefix), true)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var ids []string
	for ; it.Valid(); it.Next() {
		var e PersonCredential
		if err := json.Unmarshal(it.Value(), &e); err != nil {
			return nil, fmt.Errorf("identity: credential index entry %x does not decode: %w", it.Key(), err)
		}
		ids = append(ids, e.CredentialID)
	}
	return ids, it.Error()
}
