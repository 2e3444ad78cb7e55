package sharing

import (
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/seal"
)

// Name is the module's name: the prefix of its message types and of its
// query paths.
const Name = "sharing"

// The frozen message type strings.
const (
	TypeDeclareClass    = "sharing/declare_class"
	TypeRegisterKey     = "sharing/register_key"
	TypeRevokeKey       = "sharing/revoke_key"
	TypeCommitRecord    = "sharing/commit_record"
	TypeCreateGrant     = "sharing/create_grant"
	TypeRevokeGrant     = "sharing/revoke_grant"
	TypeRevokeGrantee   = "sharing/revoke_grantee"
	TypeGiveConsent     = "sharing/give_consent"
	TypeWithdrawConsent = "sharing/withdraw_consent"
	TypeRequestAccess   = "sharing/request_access"
	TypeRecordDelivery  = "sharing/record_delivery"
	TypeFileComplaint   = "sharing/file_complaint"
	TypeEraseRecord     = "sharing/erase_record"
	TypeDiscloseRequest = "sharing/disclose_request"
)

// Bounds enforced by Validate and Exec.
const (
	// MaxFields is the most fields a class may have.
	MaxFields = 64
	// MaxClassPurposes is the most purposes a class may be declared for.
	MaxClassPurposes = 64
	// MaxSubjects is the most subjects a grant may name.
	MaxSubjects = 256
	// MaxTextLen bounds descriptions, legal bases and reasons, in bytes.
	MaxTextLen = 1000
	// MaxActiveKeys is the most active keys an agency may hold.
	MaxActiveKeys = 16
	// MaxActiveGrants is the most active grants (expired or not) an owner
	// may have to one grantee, so that revoke_grantee is bounded.
	MaxActiveGrants = 256
	// MaxPurposes is the most purposes the chain may define.
	MaxPurposes = 256
	// MaxHorizonYears is how far after the block time a grant's expiry and
	// a key's validity may reach, in calendar years.
	MaxHorizonYears = 5
	// MaxRequests bounds a grant's max_requests per period.
	MaxRequests = 1_000_000
	// MaxPeriodSeconds bounds a grant's rate window: 366 days.
	MaxPeriodSeconds = 366 * 24 * 60 * 60
	// MaxSealedLen bounds each sealed copy of a covert request's details:
	// the largest hybrid-suite ciphertext of the details of 64 fields of
	// 64 bytes (Exec checks the exact size).
	MaxSealedLen = 6 * 1024
)

// DeclareClass (sharing/declare_class, an agency admin) declares a class
// of records the signer's agency holds: its fields (1 to MaxFields
// identifiers, sorted, unique) and the purposes it may be shared for (1 to
// MaxClassPurposes existing, non-retired purpose codes, sorted, unique).
// A class never changes.
type DeclareClass struct {
	ClassID     string   `json:"class_id"`
	Description string   `json:"description"`
	Fields      []string `json:"fields"`
	Purposes    []string `json:"purposes"`
}

// Type implements core.Msg.
func (DeclareClass) Type() string { return TypeDeclareClass }

// Validate implements core.Msg.
func (m DeclareClass) Validate() error {
	if err := fields.ID("class_id", m.ClassID); err != nil {
		return err
	}
	if err := fields.Text("description", m.Description, true, MaxTextLen); err != nil {
		return err
	}
	if err := sortedIDs("fields", m.Fields, 1, MaxFields); err != nil {
		return err
	}
	return sortedIDs("purposes", m.Purposes, 1, MaxClassPurposes)
}

// RegisterKey (sharing/register_key, an agency admin) registers an HPKE
// public key of the signer's agency under a new key id, valid until
// ValidUntil (UTC, after the block time, at most MaxHorizonYears ahead).
// Suite is seal.SuiteX25519 or seal.SuiteMLKEM768X25519 and PublicKey the
// suite's encoded public key, which seal.ParsePublicKey must accept.
type RegisterKey struct {
	KeyID      string        `json:"key_id"`
	Suite      string        `json:"suite"`
	PublicKey  core.HexBytes `json:"public_key"`
	ValidUntil time.Time     `json:"valid_until"`
}

// Type implements core.Msg.
func (RegisterKey) Type() string { return TypeRegisterKey }

// Validate implements core.Msg.
func (m RegisterKey) Validate() error {
	if err := fields.ID("key_id", m.KeyID); err != nil {
		return err
	}
	if err := seal.ParsePublicKey(m.Suite, m.PublicKey); err != nil {
		return fields.Invalidf("public_key: %v", err)
	}
	return fields.UTC("valid_until", m.ValidUntil)
}

// RevokeKey (sharing/revoke_key, an agency admin) revokes one of the
// signer's agency's keys: nothing is sealed to it any more.
type RevokeKey struct {
	KeyID string `json:"key_id"`
}

// Type implements core.Msg.
func (RevokeKey) Type() string { return TypeRevokeKey }

// Validate implements core.Msg.
func (m RevokeKey) Validate() error { return fields.ID("key_id", m.KeyID) }

// CommitRecord (sharing/commit_record, a data service of the owner
// agency, or its admin) commits the current version of the agency's
// record on Subject in a class: one commitment per class field, in the
// class's (sorted) order. A record committed again gets a new version.
type CommitRecord struct {
	ClassID string            `json:"class_id"`
	Subject string            `json:"subject"`
	Fields  []FieldCommitment `json:"fields"`
}

// Type implements core.Msg.
func (CommitRecord) Type() string { return TypeCommitRecord }

// Validate implements core.Msg.
func (m CommitRecord) Validate() error {
	if err := fields.ID("class_id", m.ClassID); err != nil {
		return err
	}
	if err := fields.ID("subject", m.Subject); err != nil {
		return err
	}
	names := make([]string, len(m.Fields))
	for i, f := range m.Fields {
		names[i] = f.Name
	}
	if err := sortedIDs("fields", names, 1, MaxFields); err != nil {
		return err
	}
	for _, f := range m.Fields {
		if err := fields.Hash("commitment of "+f.Name, f.Commitment); err != nil {
			return err
		}
	}
	return nil
}

// CreateGrant (sharing/create_grant, an admin of the class's owner)
// allows Grantee to request Fields (a sorted subset of the class's) of the
// signer's agency's class ClassID for Purpose (one of the class's,
// not retired), on the subjects listed (sorted, at most MaxSubjects; none
// means every subject of the class), until ExpiresAt (UTC, after the block
// time, at most MaxHorizonYears ahead), at most MaxRequests allowed
// requests per PeriodSeconds, and if ConsentRequired only with the
// subject's consent. LegalBasis (text) and its document's SHA-256 say why.
type CreateGrant struct {
	Grantee         string    `json:"grantee"`
	ClassID         string    `json:"class_id"`
	Fields          []string  `json:"fields"`
	Subjects        []string  `json:"subjects"`
	Purpose         string    `json:"purpose"`
	LegalBasis      string    `json:"legal_basis"`
	LegalBasisHash  core.Hash `json:"legal_basis_hash"`
	ExpiresAt       time.Time `json:"expires_at"`
	MaxRequests     uint64    `json:"max_requests"`
	PeriodSeconds   uint64    `json:"period_seconds"`
	ConsentRequired bool      `json:"consent_required"`
}

// Type implements core.Msg.
func (CreateGrant) Type() string { return TypeCreateGrant }

// Validate implements core.Msg.
func (m CreateGrant) Validate() error {
	if err := fields.ID("grantee", m.Grantee); err != nil {
		return err
	}
	if err := fields.ID("class_id", m.ClassID); err != nil {
		return err
	}
	if err := sortedIDs("fields", m.Fields, 1, MaxFields); err != nil {
		return err
	}
	if err := sortedIDs("subjects", m.Subjects, 0, MaxSubjects); err != nil {
		return err
	}
	if err := fields.ID("purpose", m.Purpose); err != nil {
		return err
	}
	if err := legalBasis(m.LegalBasis, m.LegalBasisHash); err != nil {
		return err
	}
	if err := fields.UTC("expires_at", m.ExpiresAt); err != nil {
		return err
	}
	if m.MaxRequests == 0 || m.MaxRequests > MaxRequests {
		return fields.Invalidf("max_requests must be 1 to %d, got %d", MaxRequests, m.MaxRequests)
	}
	if m.PeriodSeconds == 0 || m.PeriodSeconds > MaxPeriodSeconds {
		return fields.Invalidf("period_seconds must be 1 to %d, got %d", MaxPeriodSeconds, m.PeriodSeconds)
	}
	return nil
}

// RevokeGrant (sharing/revoke_grant, an admin of the grant's owner)
// revokes an active grant, saying why.
type RevokeGrant struct {
	GrantID uint64 `json:"grant_id"`
	Reason  string `json:"reason"`
}

// Type implements core.Msg.
func (RevokeGrant) Type() string { return TypeRevokeGrant }

// Validate implements core.Msg.
func (m RevokeGrant) Validate() error {
	if err := fields.Positive("grant_id", m.GrantID); err != nil {
		return err
	}
	return fields.Text("reason", m.Reason, true, MaxTextLen)
}

// RevokeGrantee (sharing/revoke_grantee, an agency admin) revokes every
// active grant of the signer's agency to Grantee in one transaction.
type RevokeGrantee struct {
	Grantee string `json:"grantee"`
	Reason  string `json:"reason"`
}

// Type implements core.Msg.
func (RevokeGrantee) Type() string { return TypeRevokeGrantee }

// Validate implements core.Msg.
func (m RevokeGrantee) Validate() error {
	if err := fields.ID("grantee", m.Grantee); err != nil {
		return err
	}
	return fields.Text("reason", m.Reason, true, MaxTextLen)
}

// GiveConsent (sharing/give_consent, an account linked to a person)
// gives the signer's person's consent to Agency's use of its data for
// Purpose.
type GiveConsent struct {
	Agency  string `json:"agency"`
	Purpose string `json:"purpose"`
}

// Type implements core.Msg.
func (GiveConsent) Type() string { return TypeGiveConsent }

// Validate implements core.Msg.
func (m GiveConsent) Validate() error { return consentFields(m.Agency, m.Purpose) }

// WithdrawConsent (sharing/withdraw_consent, an account linked to a
// person) withdraws a consent the signer's person gave.
type WithdrawConsent struct {
	Agency  string `json:"agency"`
	Purpose string `json:"purpose"`
}

// Type implements core.Msg.
func (WithdrawConsent) Type() string { return TypeWithdrawConsent }

// Validate implements core.Msg.
func (m WithdrawConsent) Validate() error { return consentFields(m.Agency, m.Purpose) }

// RequestAccess (sharing/request_access, a data officer) asks, under a
// grant to the officer's agency, for fields of Subject's record for
// Purpose. It is a core.Recorder: a refused request is recorded too.
//
// It has two forms. The plain form names Fields (sorted, a subset of the
// grant's) and CaseRef, the SHA-256 of the requester's case reference,
// and carries none of the covert fields. The covert form, the only one a
// covert purpose allows, names neither (transaction bytes are public):
// DetailsCommitment is CovertDetails.Commitment of the fields, case
// reference and a secret salt; OverseerSealed and OwnerSealed are those
// details sealed (SealedPlaintext, seal.DetailsInfo) to key
// OverseerKeyID of the purpose's overseer and to key OwnerKeyID of the
// grant's owner; DiscloseAt (UTC) is when the requester discloses them.
type RequestAccess struct {
	GrantID           uint64        `json:"grant_id"`
	Subject           string        `json:"subject"`
	Fields            []string      `json:"fields,omitempty"`
	Purpose           string        `json:"purpose"`
	CaseRef           core.Hash     `json:"case_ref,omitzero"`
	DetailsCommitment core.Hash     `json:"details_commitment,omitzero"`
	OverseerKeyID     string        `json:"overseer_key_id,omitempty"`
	OverseerSealed    core.HexBytes `json:"overseer_sealed,omitempty"`
	OwnerKeyID        string        `json:"owner_key_id,omitempty"`
	OwnerSealed       core.HexBytes `json:"owner_sealed,omitempty"`
	DiscloseAt        time.Time     `json:"disclose_at,omitzero"`
}

// Type implements core.Msg.
func (RequestAccess) Type() string { return TypeRequestAccess }

// Covert reports whether m is of the covert form (it has a details
// commitment).
func (m RequestAccess) Covert() bool { return !m.DetailsCommitment.IsZero() }

// Validate implements core.Msg.
func (m RequestAccess) Validate() error {
	if err := fields.Positive("grant_id", m.GrantID); err != nil {
		return err
	}
	if err := fields.ID("subject", m.Subject); err != nil {
		return err
	}
	if err := fields.ID("purpose", m.Purpose); err != nil {
		return err
	}
	if !m.Covert() {
		if m.OverseerKeyID != "" || m.OwnerKeyID != "" || len(m.OverseerSealed) > 0 || len(m.OwnerSealed) > 0 || !m.DiscloseAt.IsZero() {
			return fields.Invalidf("sealed details, their keys and disclose_at need a details_commitment")
		}
		if err := sortedIDs("fields", m.Fields, 1, MaxFields); err != nil {
			return err
		}
		return fields.Hash("case_ref", m.CaseRef)
	}
	if len(m.Fields) > 0 || !m.CaseRef.IsZero() {
		return fields.Invalidf("a covert request (with a details_commitment) names no fields and no case_ref: they are sealed")
	}
	for _, k := range []struct {
		name, id string
		sealed   []byte
	}{{"overseer", m.OverseerKeyID, m.OverseerSealed}, {"owner", m.OwnerKeyID, m.OwnerSealed}} {
		if err := fields.ID(k.name+"_key_id", k.id); err != nil {
			return err
		}
		if len(k.sealed) == 0 || len(k.sealed) > MaxSealedLen {
			return fields.Invalidf("%s_sealed must be 1 to %d bytes, got %d", k.name, MaxSealedLen, len(k.sealed))
		}
	}
	return fields.UTC("disclose_at", m.DiscloseAt)
}

// RecordDelivery (sharing/record_delivery, a data service of the grant's
// owner) records the receipt of what the service delivered for an allowed
// request: the SHA-256 of the sealed payload and the requester's key
// KeyID it was sealed to.
type RecordDelivery struct {
	RequestID   uint64    `json:"request_id"`
	PayloadHash core.Hash `json:"payload_hash"`
	KeyID       string    `json:"key_id"`
}

// Type implements core.Msg.
func (RecordDelivery) Type() string { return TypeRecordDelivery }

// Validate implements core.Msg.
func (m RecordDelivery) Validate() error {
	if err := fields.Positive("request_id", m.RequestID); err != nil {
		return err
	}
	if err := fields.Hash("payload_hash", m.PayloadHash); err != nil {
		return err
	}
	return fields.ID("key_id", m.KeyID)
}

// FileComplaint (sharing/file_complaint, a data officer of the requester
// agency) states that Field of a delivered request hashes to
// ReceivedCommitment, not to the commitment the request names.
// PayloadHash is the delivery's; the requester keeps the sealed payload as
// evidence.
type FileComplaint struct {
	RequestID          uint64    `json:"request_id"`
	Field              string    `json:"field"`
	ReceivedCommitment core.Hash `json:"received_commitment"`
	PayloadHash        core.Hash `json:"payload_hash"`
}

// Type implements core.Msg.
func (FileComplaint) Type() string { return TypeFileComplaint }

// Validate implements core.Msg.
func (m FileComplaint) Validate() error {
	if err := fields.Positive("request_id", m.RequestID); err != nil {
		return err
	}
	if err := fields.ID("field", m.Field); err != nil {
		return err
	}
	if err := fields.Hash("received_commitment", m.ReceivedCommitment); err != nil {
		return err
	}
	return fields.Hash("payload_hash", m.PayloadHash)
}

// EraseRecord (sharing/erase_record, an admin of the owner agency) erases
// the agency's record on Subject in a class on a legal basis: its
// commitments are removed and it is frozen.
type EraseRecord struct {
	ClassID        string    `json:"class_id"`
	Subject        string    `json:"subject"`
	LegalBasis     string    `json:"legal_basis"`
	LegalBasisHash core.Hash `json:"legal_basis_hash"`
}

// Type implements core.Msg.
func (EraseRecord) Type() string { return TypeEraseRecord }

// Validate implements core.Msg.
func (m EraseRecord) Validate() error {
	if err := fields.ID("class_id", m.ClassID); err != nil {
		return err
	}
	if err := fields.ID("subject", m.Subject); err != nil {
		return err
	}
	return legalBasis(m.LegalBasis, m.LegalBasisHash)
}

// DiscloseRequest (sharing/disclose_request) discloses the details of
// a covert request: its Fields (sorted), CaseRef and the Salt that make
// its details commitment (CovertDetails). A data officer of the
// requesting agency may send it from the request's disclose_at on; a
// court or ombudsman of the request's overseer at any time (an early
// release). Once per request.
type DiscloseRequest struct {
	RequestID uint64    `json:"request_id"`
	Fields    []string  `json:"fields"`
	CaseRef   core.Hash `json:"case_ref"`
	Salt      core.Hash `json:"salt"`
}

// Type implements core.Msg.
func (DiscloseRequest) Type() string { return TypeDiscloseRequest }

// Details returns the details m discloses.
func (m DiscloseRequest) Details() CovertDetails {
	return CovertDetails{Fields: m.Fields, CaseRef: m.CaseRef, Salt: m.Salt}
}

// Validate implements core.Msg.
func (m DiscloseRequest) Validate() error {
	if err := fields.Positive("request_id", m.RequestID); err != nil {
		return err
	}
	return m.Details().Validate()
}

// sortedIDs accepts min to max identifiers, sorted and unique.
func sortedIDs(field string, ids []string, min, max int) error {
	if len(ids) < min || len(ids) > max {
		return fields.Invalidf("%s must list %d to %d identifiers, got %d", field, min, max, len(ids))
	}
	for i, id := range ids {
		if err := fields.ID(field, id); err != nil {
			return err
		}
		if i > 0 && ids[i-1] >= id {
			return fields.Invalidf("%s must be sorted and unique (%q after %q)", field, id, ids[i-1])
		}
	}
	return nil
}

// legalBasis accepts a legal basis of 1 to MaxTextLen bytes of text and
// its document's SHA-256.
func legalBasis(text string, hash core.Hash) error {
	if err := fields.Text("legal_basis", text, true, MaxTextLen); err != nil {
		return err
	}
	return fields.Hash("legal_basis_hash", hash)
}

func consentFields(agency, purpose string) error {
	if err := fields.ID("agency", agency); err != nil {
		return err
	}
	return fields.ID("purpose", purpose)
}
