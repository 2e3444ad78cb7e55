package sharing

import (
	"slices"
	"time"

	"github.com/govchain/govchain/app/core"
)

// Exec implements core.Msg: the signer must be an agency admin; the class
// id must be new for the agency and every purpose must exist and not be
// retired.
func (m DeclareClass) Exec(ctx *core.Context) error {
	agency, err := ctx.RequireAgencyAdmin()
	if err != nil {
		return err
	}
	if has, err := ctx.KV.Has(ClassKey(agency, m.ClassID)); err != nil {
		return err
	} else if has {
		return core.Wrapf(ErrClassExists, "class %s of %s", m.ClassID, agency)
	}
	for _, code := range m.Purposes {
		if _, err := requireUsablePurpose(ctx.KV, code); err != nil {
			return err
		}
	}
	c := DataClass{
		Agency: agency, Class: m.ClassID, Description: m.Description,
		Fields: slices.Clone(m.Fields), Purposes: slices.Clone(m.Purposes),
		DeclaredBy: ctx.Signer, DeclaredHeight: ctx.Height, DeclaredAt: ctx.BlockTime.UTC(),
	}
	if err := core.SetJSON(ctx.KV, ClassKey(agency, m.ClassID), c); err != nil {
		return err
	}
	kv := append([]string{"agency", agency, "class_id", m.ClassID}, repeat("field", m.Fields)...)
	emit(ctx, "declare_class", append(kv, repeat("purpose", m.Purposes)...)...)
	return nil
}

// Exec implements core.Msg: the signer must be an agency admin; the key id
// must be new for the agency (even a revoked one's id is never reused),
// the agency must hold fewer than MaxActiveKeys active keys, and
// valid_until must be after the block time and at most MaxHorizonYears
// ahead.
func (m RegisterKey) Exec(ctx *core.Context) error {
	agency, err := ctx.RequireAgencyAdmin()
	if err != nil {
		return err
	}
	if err := requireHorizon(ctx, "valid_until", m.ValidUntil); err != nil {
		return err
	}
	if has, err := ctx.KV.Has(AgencyKeyKey(agency, m.KeyID)); err != nil {
		return err
	} else if has {
		return core.Wrapf(ErrKeyExists, "key %s of %s", m.KeyID, agency)
	}
	idx, err := getKeyIndex(ctx.KV, agency)
	if err != nil {
		return err
	}
	if len(idx.Active) >= MaxActiveKeys {
		return core.Wrapf(ErrTooManyKeys, "%s holds %d active keys; revoke one first", agency, len(idx.Active))
	}
	k := AgencyKey{
		Agency: agency, KeyID: m.KeyID, Suite: m.Suite, PublicKey: slices.Clone(m.PublicKey),
		RegisteredHeight: ctx.Height, RegisteredAt: ctx.BlockTime.UTC(), ValidUntil: m.ValidUntil, Status: KeyActive,
	}
	if err := core.SetJSON(ctx.KV, AgencyKeyKey(agency, m.KeyID), k); err != nil {
		return err
	}
	i, _ := slices.BinarySearch(idx.Active, m.KeyID)
	idx.Active = slices.Insert(idx.Active, i, m.KeyID)
	idx.KeyCount++
	if err := core.SetJSON(ctx.KV, KeyIndexKey(agency), idx); err != nil {
		return err
	}
	emit(ctx, "register_key", "agency", agency, "key_id", m.KeyID, "suite", m.Suite,
		"valid_until", m.ValidUntil.Format(time.RFC3339))
	return nil
}

// Exec implements core.Msg: the signer must be an admin of the key's
// agency; the key must exist and be active.
func (m RevokeKey) Exec(ctx *core.Context) error {
	agency, err := ctx.RequireAgencyAdmin()
	if err != nil {
		return err
	}
	k, err := getKey(ctx.KV, agency, m.KeyID)
	if err != nil {
		return err
	}
	if k.Status == KeyRevoked {
		return core.Wrapf(ErrKeyRevoked, "key %s of %s", m.KeyID, agency)
	}
	k.Status, k.RevokedHeight = KeyRevoked, ctx.Height
	if err := core.SetJSON(ctx.KV, AgencyKeyKey(agency, m.KeyID), k); err != nil {
		return err
	}
	idx, err := getKeyIndex(ctx.KV, agency)
	if err != nil {
		return err
	}
	idx.Active = core.Remove(idx.Active, m.KeyID)
	if err := core.SetJSON(ctx.KV, KeyIndexKey(agency), idx); err != nil {
		return err
	}
	emit(ctx, "revoke_key", "agency", agency, "key_id", m.KeyID)
	return nil
}
