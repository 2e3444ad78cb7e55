package land

import (
	"slices"

	"github.com/govchain/govchain/app/core"
)

// EventType is the type of every event this registry emits. Its indexed
// attributes always include action (the message's verb_noun), parcel_id
// (once per affected parcel) and signer.
const EventType = Name

// emit emits the land event of one message.
func emit(ctx *core.Context, action string, parcelIDs []string, kv ...string) {
	attrs := []string{"action", action}
	for _, id := range parcelIDs {
		attrs = append(attrs, "parcel_id", id)
	}
	attrs = append(attrs, "signer", ctx.Signer.String())
	ctx.Emit(EventType, append(attrs, kv...)...)
}

func ownerAttrs(key string, list []Share) []string {
	var kv []string
	for _, s := range list {
		kv = append(kv, key, s.Account.String())
	}
	return kv
}

// Exec implements core.Msg: the signer must be a land registrar; the parcel
// id must be new.
func (m RegisterParcel) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleLandRegistrar); err != nil {
		return err
	}
	if err := requireNewParcel(ctx, m.ParcelID); err != nil {
		return err
	}
	p := &Parcel{
		ID:               m.ParcelID,
		CadastralRef:     m.CadastralRef,
		AreaM2:           m.AreaM2,
		Location:         m.Location,
		Description:      m.Description,
		DocumentHash:     m.DocumentHash,
		Denominator:      m.Denominator,
		Owners:           sortShares(m.Owners),
		Status:           ParcelActive,
		RegisteredBy:     ctx.Signer,
		RegisteredHeight: ctx.Height,
		RegisteredAt:     ctx.BlockTime.UTC(),
	}
	if err := appendHistory(ctx, p, "register_parcel", parcelDetails{
		CadastralRef: p.CadastralRef, AreaM2: p.AreaM2, Denominator: p.Denominator,
		Owners: p.Owners, DocumentHash: p.DocumentHash,
	}); err != nil {
		return err
	}
	if err := updateOwnerIndex(ctx.KV, p.ID, nil, 0, p.Owners, p.Denominator); err != nil {
		return err
	}
	if err := putParcel(ctx.KV, p); err != nil {
		return err
	}
	if ctx.Emitting() {
		emit(ctx, "register_parcel", []string{p.ID}, ownerAttrs("owner", p.Owners)...)
	}
	return nil
}

// parcelDetails is the history detail of a parcel's creation.
type parcelDetails struct {
	CadastralRef string    `json:"cadastral_ref"`
	AreaM2       int64     `json:"area_m2"`
	Denominator  uint64    `json:"denominator"`
	Owners       []Share   `json:"owners"`
	DocumentHash core.Hash `json:"document_hash"`
	Parents      []string  `json:"parents,omitempty"`
}

// lineageDetails is the history detail of a subdivision or merger on a
// retired parcel.
type lineageDetails struct {
	Parents      []string  `json:"parents"`
	Children     []string  `json:"children"`
	DocumentHash core.Hash `json:"document_hash"`
}

func requireNewParcel(ctx *core.Context, id string) error {
	ok, err := ctx.KV.Has(ParcelKey(id))
	if err != nil {
		return err
	}
	if ok {
		return core.Wrapf(ErrParcelExists, "parcel %s", id)
	}
	return nil
}

// requireUnencumbered refuses a parcel with open disputes, active liens or
// pending transfers (subdivision and merger).
func requireUnencumbered(p *Parcel) error {
	if len(p.OpenDisputes) > 0 {
		return core.Wrapf(ErrParcelDisputed, "parcel %s", p.ID)
	}
	if len(p.ActiveLiens) > 0 {
		return core.Wrapf(ErrParcelEncumbered, "parcel %s", p.ID)
	}
	if len(p.PendingTransfers) > 0 {
		return core.Wrapf(ErrPendingTransfers, "parcel %s", p.ID)
	}
	return nil
}

// Exec implements core.Msg: the signer must be a land registrar; the parent
// must be active, with no dispute, active lien or pending transfer; the
// children must be new and their areas sum to the parent's.
func (m SubdivideParcel) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleLandRegistrar); err != nil {
		return err
	}
	parent, err := getActiveParcel(ctx.KV, m.ParentID)
	if err != nil {
		return err
	}
	if err := requireUnencumbered(parent); err != nil {
		return err
	}
	var sum int64
	ids := make([]string, 0, len(m.Children))
	for _, c := range m.Children {
		if err := requireNewParcel(ctx, c.ParcelID); err != nil {
			return err
		}
		sum += c.AreaM2
		ids = append(ids, c.ParcelID)
	}
	if sum != parent.AreaM2 {
		return core.Wrapf(ErrAreaMismatch, "children sum to %d m2, parent %s has %d m2", sum, parent.ID, parent.AreaM2)
	}
	if err := updateOwnerIndex(ctx.KV, parent.ID, parent.Owners, parent.Denominator, nil, 0); err != nil {
		return err
	}
	parent.Status = ParcelRetired
	parent.Children = ids
	if err := appendHistory(ctx, parent, "subdivide_parcel", lineageDetails{
		Parents: []string{parent.ID}, Children: ids, DocumentHash: m.DocumentHash,
	}); err != nil {
		return err
	}
	if err := putParcel(ctx.KV, parent); err != nil {
		return err
	}
	for _, c := range m.Children {
		child := &Parcel{
			ID:               c.ParcelID,
			CadastralRef:     c.CadastralRef,
			AreaM2:           c.AreaM2,
			Location:         c.Location,
			Description:      c.Description,
			DocumentHash:     m.DocumentHash,
			Denominator:      parent.Denominator,
			Owners:           slices.Clone(parent.Owners),
			Status:           ParcelActive,
			Parents:          []string{parent.ID},
			RegisteredBy:     ctx.Signer,
			RegisteredHeight: ctx.Height,
			RegisteredAt:     ctx.BlockTime.UTC(),
		}
		if err := createDerived(ctx, child, "subdivide_parcel"); err != nil {
			return err
		}
	}
	kv := []string{"parent_id", parent.ID}
	for _, id := range ids {
		kv = append(kv, "child_id", id)
	}
	emit(ctx, "subdivide_parcel", append([]string{parent.ID}, ids...), kv...)
	return nil
}

// createDerived writes a parcel created by a subdivision or merger with its
// first history entry and owner index entries.
func createDerived(ctx *core.Context, p *Parcel, action string) error {
	if err := appendHistory(ctx, p, action, parcelDetails{
		CadastralRef: p.CadastralRef, AreaM2: p.AreaM2, Denominator: p.Denominator,
		Owners: p.Owners, DocumentHash: p.DocumentHash, Parents: p.Parents,
	}); err != nil {
		return err
	}
	if err := updateOwnerIndex(ctx.KV, p.ID, nil, 0, p.Owners, p.Denominator); err != nil {
		return err
	}
	return putParcel(ctx.KV, p)
}

// Exec implements core.Msg: the signer must be a land registrar; every
// parent must be active, with no dispute, active lien or pending transfer,
// and owned identically; the new id must be new and its area the parents'
// sum.
func (m MergeParcels) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleLandRegistrar); err != nil {
		return err
	}
	parents := make([]*Parcel, 0, len(m.ParentIDs))
	var sum int64
	for _, id := range m.ParentIDs {
		p, err := getActiveParcel(ctx.KV, id)
		if err != nil {
			return err
		}
		if err := requireUnencumbered(p); err != nil {
			return err
		}
		if len(parents) > 0 && (p.Denominator != parents[0].Denominator || !sameShares(p.Owners, parents[0].Owners)) {
			return core.Wrapf(ErrOwnershipMismatch, "parcels %s and %s", parents[0].ID, p.ID)
		}
		parents = append(parents, p)
		sum += p.AreaM2
	}
	if err := requireNewParcel(ctx, m.ParcelID); err != nil {
		return err
	}
	if sum != m.AreaM2 {
		return core.Wrapf(ErrAreaMismatch, "parents sum to %d m2, merged parcel states %d m2", sum, m.AreaM2)
	}
	for _, p := range parents {
		if err := updateOwnerIndex(ctx.KV, p.ID, p.Owners, p.Denominator, nil, 0); err != nil {
			return err
		}
		p.Status = ParcelRetired
		p.Children = []string{m.ParcelID}
		if err := appendHistory(ctx, p, "merge_parcels", lineageDetails{
			Parents: slices.Clone(m.ParentIDs), Children: []string{m.ParcelID}, DocumentHash: m.DocumentHash,
		}); err != nil {
			return err
		}
		if err := putParcel(ctx.KV, p); err != nil {
			return err
		}
	}
	merged := &Parcel{
		ID:               m.ParcelID,
		CadastralRef:     m.CadastralRef,
		AreaM2:           m.AreaM2,
		Location:         m.Location,
		Description:      m.Description,
		DocumentHash:     m.DocumentHash,
		Denominator:      parents[0].Denominator,
		Owners:           slices.Clone(parents[0].Owners),
		Status:           ParcelActive,
		Parents:          slices.Clone(m.ParentIDs),
		RegisteredBy:     ctx.Signer,
		RegisteredHeight: ctx.Height,
		RegisteredAt:     ctx.BlockTime.UTC(),
	}
	if err := createDerived(ctx, merged, "merge_parcels"); err != nil {
		return err
	}
	kv := []string{"child_id", merged.ID}
	for _, id := range m.ParentIDs {
		kv = append(kv, "parent_id", id)
	}
	emit(ctx, "merge_parcels", append(slices.Clone(m.ParentIDs), merged.ID), kv...)
	return nil
}
