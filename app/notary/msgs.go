package notary

import (
	"strings"
	"time"

	"github.com/govchain/govchain/app/core"
)

// Name is the registry's name: the prefix of its message types and of its
// query paths.
const Name = "notary"

// TypeAnchorDocument is the frozen type string of AnchorDocument.
const TypeAnchorDocument = "notary/anchor_document"

// Bounds enforced by Validate.
const (
	// MaxReferenceLen is the longest reference, in bytes.
	MaxReferenceLen = 200
	// MaxReferenceSegments is the most "/"-separated segments of a reference.
	MaxReferenceSegments = 8
)

// Document is an anchored document, stored under DocumentKey and never
// changed after it is written (HistoryCount stays 1).
type Document struct {
	DocumentHash core.Hash     `json:"document_hash"`
	DocType      string        `json:"doc_type"`
	Reference    string        `json:"reference"`
	AnchoredBy   core.Address  `json:"anchored_by"`
	Height       int64         `json:"height"`
	Time         time.Time     `json:"time"`
	TxHash       core.HexBytes `json:"tx_hash"`
	HistoryCount uint64        `json:"history_count"`
}

// AnchorDocument (notary/anchor_document, any account holding at least one
// role) anchors the SHA-256 of a document. DocType names the kind of
// document (1-64 letters, digits and - _ . :, e.g. "deed"). Reference is
// empty or names a registry record as "/"-separated segments of the same
// characters, the first being the registry ("land/parcel/P-1"). Anchoring
// a hash twice changes nothing (see the package doc).
type AnchorDocument struct {
	DocumentHash core.Hash `json:"document_hash"`
	DocType      string    `json:"doc_type"`
	Reference    string    `json:"reference"`
}

// Type implements core.Msg.
func (AnchorDocument) Type() string { return TypeAnchorDocument }

// Validate implements core.Msg.
func (m AnchorDocument) Validate() error {
	if err := fields.Hash("document_hash", m.DocumentHash); err != nil {
		return err
	}
	if err := fields.ID("doc_type", m.DocType); err != nil {
		return err
	}
	return validateReference(m.Reference)
}

// validateReference accepts "" or 2..MaxReferenceSegments segments, each a
// valid id, joined by "/", at most MaxReferenceLen bytes.
func validateReference(ref string) error {
	if ref == "" {
		return nil
	}
	if len(ref) > MaxReferenceLen {
		return fields.Invalidf("reference longer than %d bytes", MaxReferenceLen)
	}
	segs := strings.Split(ref, "/")
	if len(segs) < 2 || len(segs) > MaxReferenceSegments {
		return fields.Invalidf("reference %q must be registry/kind/id with 2-%d segments", ref, MaxReferenceSegments)
	}
	for _, s := range segs {
		if err := core.ValidateID("reference segment", s); err != nil {
			return fields.Invalidf("reference %q: %v", ref, err)
		}
	}
	return nil
}
