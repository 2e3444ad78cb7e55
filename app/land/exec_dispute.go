package land

import (
	"github.com/govchain/govchain/app/core"
)

// disputeDetails is the history detail of a flagged or cleared dispute.
type disputeDetails struct {
	DisputeID    uint64    `json:"dispute_id"`
	Text         string    `json:"text"`
	DocumentHash core.Hash `json:"document_hash"`
}

// Exec implements core.Msg: the signer must be a land registrar or a
// court; the parcel must be active. The dispute's id is emitted as
// dispute_id.
func (m FlagDispute) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleLandRegistrar, core.RoleCourt); err != nil {
		return err
	}
	p, err := getActiveParcel(ctx.KV, m.ParcelID)
	if err != nil {
		return err
	}
	id, err := core.NextID(ctx.KV, counterKey(counterDispute))
	if err != nil {
		return err
	}
	d := &Dispute{
		ID: id, ParcelID: p.ID, Status: DisputeOpen, FlaggedBy: ctx.Signer,
		Reason: m.Reason, DocumentHash: m.DocumentHash,
		FlaggedHeight: ctx.Height, FlaggedAt: ctx.BlockTime.UTC(),
	}
	if err := putDispute(ctx.KV, d); err != nil {
		return err
	}
	p.OpenDisputes = append(p.OpenDisputes, id)
	if err := appendHistory(ctx, p, "flag_dispute", disputeDetails{DisputeID: id, Text: m.Reason, DocumentHash: m.DocumentHash}); err != nil {
		return err
	}
	if err := putParcel(ctx.KV, p); err != nil {
		return err
	}
	emit(ctx, "flag_dispute", []string{p.ID}, "dispute_id", core.Dec(id))
	return nil
}

// Exec implements core.Msg: the signer must be a land registrar or a
// court; the dispute must be open.
func (m ClearDispute) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleLandRegistrar, core.RoleCourt); err != nil {
		return err
	}
	d, err := getDispute(ctx.KV, m.DisputeID)
	if err != nil {
		return err
	}
	if d.Status != DisputeOpen {
		return core.Wrapf(ErrDisputeCleared, "dispute %d", d.ID)
	}
	p, err := getParcel(ctx.KV, d.ParcelID)
	if err != nil {
		return err
	}
	hash := m.DocumentHash
	d.Status, d.ClearedBy, d.ClearedHeight, d.ClearedAt = DisputeCleared, ctx.By(), ctx.Height, ctx.At()
	d.Resolution = m.Resolution
	d.ResolutionDocHash = &hash
	if err := putDispute(ctx.KV, d); err != nil {
		return err
	}
	p.OpenDisputes = core.Remove(p.OpenDisputes, d.ID)
	if err := appendHistory(ctx, p, "clear_dispute", disputeDetails{DisputeID: d.ID, Text: m.Resolution, DocumentHash: m.DocumentHash}); err != nil {
		return err
	}
	if err := putParcel(ctx.KV, p); err != nil {
		return err
	}
	emit(ctx, "clear_dispute", []string{p.ID}, "dispute_id", core.Dec(d.ID))
	return nil
}
