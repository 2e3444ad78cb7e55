package sharing

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Exec implements core.Msg: the signer must be an admin of the class's
// owner agency. The grantee must be another member agency; the class must
// exist, hold every field and have been declared for the purpose, which
// must exist and not be retired, and a covert one may not require consent
// (ErrCovertConsent); every listed subject must be a person;
// expires_at must be after the block time and at most MaxHorizonYears
// ahead; and the owner must have fewer than MaxActiveGrants active grants
// to the grantee. The grant's id is emitted as grant_id.
func (m CreateGrant) Exec(ctx *core.Context) error {
	owner, err := ctx.RequireAgencyAdmin()
	if err != nil {
		return err
	}
	if m.Grantee == owner {
		return core.Wrapf(ErrSelfGrant, "agency %s", owner)
	}
	if err := requireAgency(ctx.KV, m.Grantee); err != nil {
		return err
	}
	class, err := getClass(ctx.KV, owner, m.ClassID)
	if err != nil {
		return err
	}
	if f, ok := subset(m.Fields, class.Fields); !ok {
		return core.Wrapf(ErrFieldNotInClass, "field %s, class %s of %s", f, class.Class, owner)
	}
	if !slices.Contains(class.Purposes, m.Purpose) {
		return core.Wrapf(ErrPurposeNotInClass, "purpose %s, class %s of %s", m.Purpose, class.Class, owner)
	}
	p, err := requireUsablePurpose(ctx.KV, m.Purpose)
	if err != nil {
		return err
	}
	if p.Covert && m.ConsentRequired {
		return core.Wrapf(ErrCovertConsent, "purpose %s", p.Code)
	}
	if err := requireHorizon(ctx, "expires_at", m.ExpiresAt); err != nil {
		return err
	}
	for _, s := range m.Subjects {
		if err := requirePerson(ctx.KV, s); err != nil {
			return err
		}
	}
	pair, err := getPair(ctx.KV, owner, m.Grantee)
	if err != nil {
		return err
	}
	if pair.ActiveCount >= MaxActiveGrants {
		return core.Wrapf(ErrTooManyGrants, "%s has %d active grants to %s", owner, pair.ActiveCount, m.Grantee)
	}
	id, err := core.NextID(ctx.KV, counterKey(counterGrant))
	if err != nil {
		return err
	}
	now := ctx.BlockTime.UTC()
	g := &Grant{
		ID: id, Owner: owner, Grantee: m.Grantee, Class: m.ClassID,
		Fields: slices.Clone(m.Fields), Subjects: slices.Clone(m.Subjects), Purpose: m.Purpose,
		LegalBasis: m.LegalBasis, LegalBasisHash: m.LegalBasisHash, ExpiresAt: m.ExpiresAt,
		MaxRequests: m.MaxRequests, PeriodSeconds: m.PeriodSeconds, ConsentRequired: m.ConsentRequired,
		Status: GrantActive, CreatedBy: ctx.Signer, CreatedHeight: ctx.Height, CreatedAt: now, WindowStart: now,
	}
	if err := putGrant(ctx.KV, g); err != nil {
		return err
	}
	pair.GrantCount++
	pair.ActiveCount++
	if err := core.SetJSON(ctx.KV, PairKey(owner, m.Grantee), pair); err != nil {
		return err
	}
	ref := GrantRef{GrantID: id, Owner: owner}
	if err := core.SetJSON(ctx.KV, PairGrantKey(owner, m.Grantee, id), ref); err != nil {
		return err
	}
	gg := GranteeGrants{Agency: m.Grantee}
	if _, err := core.GetJSON(ctx.KV, GranteeKey(m.Grantee), &gg); err != nil {
		return err
	}
	gg.GrantCount++
	if err := core.SetJSON(ctx.KV, GranteeKey(m.Grantee), gg); err != nil {
		return err
	}
	if err := core.SetJSON(ctx.KV, GranteeGrantKey(m.Grantee, id), ref); err != nil {
		return err
	}
	emit(ctx, "create_grant", "grant_id", core.Dec(id), "owner", owner, "grantee", m.Grantee, "class_id", m.ClassID,
		"purpose", m.Purpose, "expires_at", m.ExpiresAt.Format(time.RFC3339))
	return nil
}

// Exec implements core.Msg: the signer must be an admin of the grant's
// owner; the grant must be active (an expired grant may be revoked).
func (m RevokeGrant) Exec(ctx *core.Context) error {
	agency, err := ctx.RequireAgencyAdmin()
	if err != nil {
		return err
	}
	g, err := getGrant(ctx.KV, m.GrantID)
	if err != nil {
		return err
	}
	if g.Owner != agency {
		return core.Wrapf(ErrNotOwnerAgency, "grant %d is %s's, signer administers %s", g.ID, g.Owner, agency)
	}
	if g.Status == GrantRevoked {
		return core.Wrapf(ErrGrantRevoked, "grant %d", g.ID)
	}
	if err := revokeGrant(ctx, g, m.Reason); err != nil {
		return err
	}
	emit(ctx, "revoke_grant", "grant_id", core.Dec(g.ID), "owner", g.Owner, "grantee", g.Grantee)
	return nil
}

// Exec implements core.Msg: the signer must be an agency admin whose
// agency has at least one active grant to the grantee; every one of them
// (at most MaxActiveGrants) is revoked, and the event lists their ids.
func (m RevokeGrantee) Exec(ctx *core.Context) error {
	owner, err := ctx.RequireAgencyAdmin()
	if err != nil {
		return err
	}
	ids, err := activeGrants(ctx.KV, owner, m.Grantee)
	if err != nil {
		return err
	}
	if len(ids) == 0 {
		return core.Wrapf(ErrNoActiveGrants, "from %s to %s", owner, m.Grantee)
	}
	kv := []string{"owner", owner, "grantee", m.Grantee}
	for _, id := range ids {
		g, err := getGrant(ctx.KV, id)
		if err != nil {
			return err
		}
		if err := revokeGrant(ctx, g, m.Reason); err != nil {
			return err
		}
		kv = append(kv, "grant_id", core.Dec(id))
	}
	emit(ctx, "revoke_grantee", kv...)
	return nil
}

// activeGrants returns the ids of the owner's active grants to the
// grantee, in id order, from the pair index.
func activeGrants(r state.Reader, owner, grantee string) ([]uint64, error) {
	prefix := PairGrantsPrefix(owner, grantee)
	it, err := r.Iterator(prefix, state.PrefixEnd(prefix), true)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var ids []uint64
	for ; it.Valid(); it.Next() {
		var ref GrantRef
		if err := json.Unmarshal(it.Value(), &ref); err != nil {
			return nil, fmt.Errorf("sharing: index entry %x does not decode: %w", it.Key(), err)
		}
		ids = append(ids, ref.GrantID)
	}
	return ids, it.Error()
}

// revokeGrant marks an active grant revoked and takes it out of its
// pair's active index.
func revokeGrant(ctx *core.Context, g *Grant, reason string) error {
	g.Status, g.RevokedBy, g.RevokedHeight, g.RevokeReason = GrantRevoked, ctx.By(), ctx.Height, reason
	if err := putGrant(ctx.KV, g); err != nil {
		return err
	}
	if err := ctx.KV.Delete(PairGrantKey(g.Owner, g.Grantee, g.ID)); err != nil {
		return err
	}
	pair, err := getPair(ctx.KV, g.Owner, g.Grantee)
	if err != nil {
		return err
	}
	if pair.ActiveCount == 0 {
		return fmt.Errorf("sharing: active grant count of %s to %s would go negative", g.Owner, g.Grantee)
	}
	pair.ActiveCount--
	return core.SetJSON(ctx.KV, PairKey(g.Owner, g.Grantee), pair)
}
