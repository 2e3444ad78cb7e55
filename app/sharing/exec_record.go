package sharing

import (
	"errors"
	"slices"

	"github.com/govchain/govchain/app/core"
)

// commitDetails is the history detail of a commit or recommit: the new
// version and its commitments.
type commitDetails struct {
	Version uint64            `json:"version"`
	Fields  []FieldCommitment `json:"fields"`
}

// eraseDetails is the history detail of an erasure.
type eraseDetails struct {
	Version        uint64    `json:"version"`
	LegalBasis     string    `json:"legal_basis"`
	LegalBasisHash core.Hash `json:"legal_basis_hash"`
}

func recordHistory(ctx *core.Context, rec *Record, action string, details any) error {
	return ctx.RecordHistory(Prefix, tableRecordHistory, recordID(rec.Agency, rec.Class, rec.Subject), &rec.HistoryCount, action, details)
}

// Exec implements core.Msg: the signer must be a data service of an agency
// or its admin, and the agency must have declared the class; the subject
// must be a person of the identity registry; the commitments must cover
// exactly the class's fields, in its order; an existing record must not be
// erased. The record's version goes up by one.
func (m CommitRecord) Exec(ctx *core.Context) error {
	agency, err := actsFor(ctx, core.RoleDataService)
	if err != nil {
		return err
	}
	class, err := getClass(ctx.KV, agency, m.ClassID)
	if err != nil {
		return err
	}
	if names := fieldNames(m.Fields); !slices.Equal(names, class.Fields) {
		return core.Wrapf(ErrFieldsMismatch, "class %s has fields %v, the commitment covers %v", class.Class, class.Fields, names)
	}
	if err := requirePerson(ctx.KV, m.Subject); err != nil {
		return err
	}
	rec, err := getRecord(ctx.KV, agency, m.ClassID, m.Subject)
	action := "recommit"
	switch {
	case errors.Is(err, ErrRecordNotFound):
		rec, action = &Record{Agency: agency, Class: m.ClassID, Subject: m.Subject}, "commit"
	case err != nil:
		return err
	case rec.Status == RecordErased:
		return core.Wrapf(ErrRecordErased, "record of %s in class %s of %s", m.Subject, m.ClassID, agency)
	}
	rec.Version++
	rec.Fields = slices.Clone(m.Fields)
	rec.Status = RecordActive
	rec.CommittedBy, rec.CommittedHeight, rec.CommittedAt = ctx.Signer, ctx.Height, ctx.BlockTime.UTC()
	if err := recordHistory(ctx, rec, action, commitDetails{Version: rec.Version, Fields: rec.Fields}); err != nil {
		return err
	}
	if err := putRecord(ctx.KV, rec); err != nil {
		return err
	}
	emit(ctx, "commit_record", "agency", agency, "class_id", m.ClassID, "subject", m.Subject, "version", core.Dec(rec.Version))
	return nil
}

// Exec implements core.Msg: the signer must be an admin of the owner
// agency, which holds the record; the record must not be erased already.
// Its commitments are removed, it is frozen, and the subject's access log
// gets an erasure entry.
func (m EraseRecord) Exec(ctx *core.Context) error {
	agency, err := ctx.RequireAgencyAdmin()
	if err != nil {
		return err
	}
	rec, err := getRecord(ctx.KV, agency, m.ClassID, m.Subject)
	if err != nil {
		return err
	}
	if rec.Status == RecordErased {
		return core.Wrapf(ErrRecordErased, "record of %s in class %s of %s", m.Subject, m.ClassID, agency)
	}
	rec.Status, rec.Fields = RecordErased, []FieldCommitment{}
	rec.Erasure = &Erasure{By: ctx.Signer, Height: ctx.Height, Time: ctx.BlockTime.UTC(),
		LegalBasis: m.LegalBasis, LegalBasisHash: m.LegalBasisHash}
	if err := recordHistory(ctx, rec, "erase", eraseDetails{Version: rec.Version, LegalBasis: m.LegalBasis, LegalBasisHash: m.LegalBasisHash}); err != nil {
		return err
	}
	if err := putRecord(ctx.KV, rec); err != nil {
		return err
	}
	seq, err := appendLog(ctx, m.Subject, LogEntry{Kind: KindErasure, Owner: agency, Class: m.ClassID,
		Erasure: &LogErasure{RecordVersion: rec.Version, LegalBasis: m.LegalBasis, LegalBasisHash: m.LegalBasisHash}})
	if err != nil {
		return err
	}
	emit(ctx, "erase_record", "agency", agency, "class_id", m.ClassID, "subject", m.Subject,
		"version", core.Dec(rec.Version), "log_seq", core.Dec(seq))
	return nil
}

// fieldNames returns the names of a record's fields, in order.
func fieldNames(list []FieldCommitment) []string {
	out := make([]string, len(list))
	for i, f := range list {
		out[i] = f.Name
	}
	return out
}
