package notary

import (
	"strconv"
	"time"

	"github.com/govchain/govchain/app/core"
)

// EventType is the type of every event this registry emits. Its indexed
// attributes: action, document_hash, signer, status ("new" or "existing"),
// anchored_by, anchored_height, anchored_at (RFC 3339) and anchored_tx (the
// first anchoring's, whichever transaction emits it), doc_type, and
// reference when set.
const EventType = Name

// Status attribute values of the anchor_document event.
const (
	StatusNew      = "new"
	StatusExisting = "existing"
)

// anchorDetails is the history detail of an anchoring.
type anchorDetails struct {
	DocType   string `json:"doc_type"`
	Reference string `json:"reference"`
}

// Exec implements core.Msg: the signer must hold at least one role (its
// core.RoleAccount lists one). A new hash is recorded with the block time;
// an anchored one is left as it is and the event reports the first
// anchoring.
func (m AnchorDocument) Exec(ctx *core.Context) error {
	var ra core.RoleAccount
	if _, err := core.GetJSON(ctx.KV, core.RoleAccountKey(ctx.Signer), &ra); err != nil {
		return err
	}
	if len(ra.Roles) == 0 {
		return core.Wrapf(core.ErrMissingRole, "account %s needs at least one role to anchor a document", ctx.Signer)
	}
	var d Document
	found, err := core.GetJSON(ctx.KV, DocumentKey(m.DocumentHash), &d)
	if err != nil {
		return err
	}
	status := StatusExisting
	if !found {
		status = StatusNew
		d = Document{
			DocumentHash: m.DocumentHash, DocType: m.DocType, Reference: m.Reference, AnchoredBy: ctx.Signer,
			Height: ctx.Height, Time: ctx.BlockTime.UTC(), TxHash: core.HexBytes(ctx.TxHash),
		}
		if err := ctx.RecordHistory(Prefix, tableHistory, m.DocumentHash[:], &d.HistoryCount, "anchor_document",
			anchorDetails{DocType: m.DocType, Reference: m.Reference}); err != nil {
			return err
		}
		if err := core.SetJSON(ctx.KV, DocumentKey(m.DocumentHash), d); err != nil {
			return err
		}
	}
	kv := []string{
		"action", "anchor_document", "document_hash", d.DocumentHash.String(), "signer", ctx.Signer.String(),
		"status", status, "anchored_by", d.AnchoredBy.String(), "anchored_height", strconv.FormatInt(d.Height, 10),
		"anchored_at", d.Time.UTC().Format(time.RFC3339Nano), "anchored_tx", d.TxHash.String(),
		"doc_type", d.DocType,
	}
	if d.Reference != "" {
		kv = append(kv, "reference", d.Reference)
	}
	ctx.Emit(EventType, kv...)
	return nil
}
