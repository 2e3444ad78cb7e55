package sharing

import (
	"time"

	"github.com/govchain/govchain/app/core"
)

// Statuses of keys, records, grants and consents, and request outcomes.
const (
	KeyActive  = "active"
	KeyRevoked = "revoked"

	RecordActive = "active"
	RecordErased = "erased"

	GrantActive  = "active"
	GrantRevoked = "revoked"

	ConsentGiven     = "given"
	ConsentWithdrawn = "withdrawn"

	OutcomeAllowed = "allowed"
	OutcomeRefused = "refused"
)

// Kinds of access log entries.
const (
	KindRequest   = "request"
	KindDelivery  = "delivery"
	KindComplaint = "complaint"
	KindErasure   = "erasure"
	// KindDisclosure is the entry that discloses the details of a covert
	// request (sharing/disclose_request).
	KindDisclosure = "disclosure"
)

// Purpose is a purpose for which data may be shared, stored under
// PurposeKey. A retired purpose may be named by no new class or grant;
// grants that name it keep working until they expire or are revoked.
type Purpose struct {
	Code        string `json:"code"`
	Description string `json:"description"`
	// Covert marks a purpose (law enforcement) whose accesses the
	// subject is told of later, by deferred disclosure: a request under
	// it carries its details sealed, and they are disclosed at its
	// disclose_at or earlier by the overseer (sharing/disclose_request).
	Covert bool `json:"covert"`
	// Overseer is, for a covert purpose, the agency whose court and
	// ombudsman role holders read the sealed details (they are sealed to
	// one of its keys) and may release them early. Empty: no overseer is
	// appointed, and no covert request is allowed (ErrNoOverseer).
	Overseer string `json:"overseer,omitempty"`
	// MaxSecrecySeconds is, for a covert purpose, the longest a request
	// may stay sealed: its disclose_at is at most this long after its
	// block time.
	MaxSecrecySeconds uint64 `json:"max_secrecy_seconds,omitempty"`
	Retired           bool   `json:"retired"`
	SetHeight         int64  `json:"set_height"`
}

// PurposeIndex is the record under PurposeIndexKey: every purpose code,
// retired ones included, sorted. It anchors the purpose list.
type PurposeIndex struct {
	Codes []string `json:"codes"`
}

// DataClass is a kind of record an agency holds, stored under ClassKey:
// its fields (names, sorted) and the purposes it may be shared for. It is
// immutable: a new layout is a new class id.
type DataClass struct {
	Agency         string       `json:"agency"`
	Class          string       `json:"class"`
	Description    string       `json:"description"`
	Fields         []string     `json:"fields"`
	Purposes       []string     `json:"purposes"`
	DeclaredBy     core.Address `json:"declared_by"`
	DeclaredHeight int64        `json:"declared_height"`
	DeclaredAt     time.Time    `json:"declared_at"`
}

// AgencyKey is an agency's HPKE public key, stored under AgencyKeyKey: a
// data service seals what it delivers to the requesting agency with one
// (package seal). Suite is one of seal's suites.
type AgencyKey struct {
	Agency           string        `json:"agency"`
	KeyID            string        `json:"key_id"`
	Suite            string        `json:"suite"`
	PublicKey        core.HexBytes `json:"public_key"`
	RegisteredHeight int64         `json:"registered_height"`
	RegisteredAt     time.Time     `json:"registered_at"`
	ValidUntil       time.Time     `json:"valid_until"`
	Status           string        `json:"status"`
	RevokedHeight    int64         `json:"revoked_height"`
}

// KeyIndex is the record under KeyIndexKey: how many keys the agency ever
// registered (every one stays under AgencyKeysPrefix) and the ids of its
// active ones, sorted. It anchors the agency's key list.
type KeyIndex struct {
	Agency   string   `json:"agency"`
	KeyCount uint64   `json:"key_count"`
	Active   []string `json:"active"`
}

// FieldCommitment is one field of a record: its name and
// SHA-256(salt || 0x00 || name || 0x00 || value) with a fresh 32-byte
// salt per field per version (seal.Commitment). The salt and value stay
// with the owner.
type FieldCommitment struct {
	Name       string    `json:"name"`
	Commitment core.Hash `json:"commitment"`
}

// Erasure records that a record was erased, and on what legal basis.
type Erasure struct {
	By             core.Address `json:"by"`
	Height         int64        `json:"height"`
	Time           time.Time    `json:"time"`
	LegalBasis     string       `json:"legal_basis"`
	LegalBasisHash core.Hash    `json:"legal_basis_hash"`
}

// Record is what an owner agency holds on a subject in one class, stored
// under RecordKey: the commitments of the current version, one per class
// field in the class's order. An erased record has no fields and is
// frozen. Its history (RecordHistoryKey) has one entry per commit,
// recommit and erasure.
type Record struct {
	Agency          string            `json:"agency"`
	Class           string            `json:"class"`
	Subject         string            `json:"subject"`
	Version         uint64            `json:"version"`
	Fields          []FieldCommitment `json:"fields"`
	Status          string            `json:"status"`
	CommittedBy     core.Address      `json:"committed_by"`
	CommittedHeight int64             `json:"committed_height"`
	CommittedAt     time.Time         `json:"committed_at"`
	Erasure         *Erasure          `json:"erasure,omitempty"`
	HistoryCount    uint64            `json:"history_count"`
}

// Grant is an owner agency's permission for a grantee agency to request
// fields of a class for one purpose until ExpiresAt, stored under
// GrantKey. Subjects, if not empty, limits it to those persons. At most
// MaxRequests requests are allowed per window of PeriodSeconds: window k
// starts at CreatedAt + k*PeriodSeconds, and WindowStart and WindowCount
// are the last window with an allowed request and how many it had.
type Grant struct {
	ID              uint64        `json:"id"`
	Owner           string        `json:"owner"`
	Grantee         string        `json:"grantee"`
	Class           string        `json:"class"`
	Fields          []string      `json:"fields"`
	Subjects        []string      `json:"subjects"`
	Purpose         string        `json:"purpose"`
	LegalBasis      string        `json:"legal_basis"`
	LegalBasisHash  core.Hash     `json:"legal_basis_hash"`
	ExpiresAt       time.Time     `json:"expires_at"`
	MaxRequests     uint64        `json:"max_requests"`
	PeriodSeconds   uint64        `json:"period_seconds"`
	ConsentRequired bool          `json:"consent_required"`
	Status          string        `json:"status"`
	CreatedBy       core.Address  `json:"created_by"`
	CreatedHeight   int64         `json:"created_height"`
	CreatedAt       time.Time     `json:"created_at"`
	RevokedBy       *core.Address `json:"revoked_by"`
	RevokedHeight   int64         `json:"revoked_height"`
	RevokeReason    string        `json:"revoke_reason"`
	WindowStart     time.Time     `json:"window_start"`
	WindowCount     uint64        `json:"window_count"`
}

// GrantPair is the record under PairKey: how many grants the owner ever
// made to the grantee and how many are active. It anchors the list of the
// pair's active grants.
type GrantPair struct {
	Owner       string `json:"owner"`
	Grantee     string `json:"grantee"`
	GrantCount  uint64 `json:"grant_count"`
	ActiveCount uint64 `json:"active_count"`
}

// GrantRef is an index entry naming a grant and its owner (under
// PairGrantKey and GranteeGrantKey).
type GrantRef struct {
	GrantID uint64 `json:"grant_id"`
	Owner   string `json:"owner"`
}

// GranteeGrants is the record under GranteeKey: how many grants the agency
// ever received. It anchors the list of their index entries.
type GranteeGrants struct {
	Agency     string `json:"agency"`
	GrantCount uint64 `json:"grant_count"`
}

// Consent is a subject's consent to an agency's use of its data for a
// purpose, stored under ConsentKey, with a history (ConsentHistoryKey) of
// every change.
type Consent struct {
	Subject      string       `json:"subject"`
	Agency       string       `json:"agency"`
	Purpose      string       `json:"purpose"`
	Status       string       `json:"status"`
	By           core.Address `json:"by"`
	Height       int64        `json:"height"`
	Time         time.Time    `json:"time"`
	HistoryCount uint64       `json:"history_count"`
}

// Refusal is why a request was refused: the transaction's result code and
// the refusal's text.
type Refusal struct {
	Code   uint32 `json:"code"`
	Reason string `json:"reason"`
}

// Delivery is a data service's receipt for what it delivered: the
// SHA-256 of the sealed payload and the requester's key it was sealed to.
type Delivery struct {
	PayloadHash core.Hash    `json:"payload_hash"`
	KeyID       string       `json:"key_id"`
	By          core.Address `json:"by"`
	Height      int64        `json:"height"`
	Time        time.Time    `json:"time"`
}

// Request is an official's access request, stored under RequestKey,
// allowed or refused. An allowed request names the record version it was
// allowed on and the commitments of the requested fields in that version,
// against which the requester checks what it receives; a refused one
// names the refusal, and Owner and Class are empty if the grant does not
// exist. Complaints are the sequence numbers of the complaint entries in
// the subject's access log.
//
// A covert request (Covert) names no official, fields or case reference
// until it is disclosed: it holds the commitment of its details, their
// sealed copies (Sealed) and DiscloseAt; Overseer is the agency that may
// release it early; its Commitments are those of every field of the grant
// (which fields were asked for is sealed). Disclosure, once set, holds
// the details.
type Request struct {
	ID                uint64            `json:"id"`
	GrantID           uint64            `json:"grant_id"`
	Owner             string            `json:"owner"`
	Requester         string            `json:"requester"`
	Official          core.Address      `json:"official,omitzero"`
	Subject           string            `json:"subject"`
	Class             string            `json:"class"`
	Fields            []string          `json:"fields,omitempty"`
	Purpose           string            `json:"purpose"`
	CaseRef           core.Hash         `json:"case_ref,omitzero"`
	Covert            bool              `json:"covert,omitempty"`
	Overseer          string            `json:"overseer,omitempty"`
	DiscloseAt        time.Time         `json:"disclose_at,omitzero"`
	DetailsCommitment core.Hash         `json:"details_commitment,omitzero"`
	Sealed            *SealedDetails    `json:"sealed,omitempty"`
	Height            int64             `json:"height"`
	Time              time.Time         `json:"time"`
	Outcome           string            `json:"outcome"`
	Refusal           *Refusal          `json:"refusal,omitempty"`
	RecordVersion     uint64            `json:"record_version,omitempty"`
	Commitments       []FieldCommitment `json:"commitments,omitempty"`
	Delivery          *Delivery         `json:"delivery,omitempty"`
	Disclosure        *Disclosure       `json:"disclosure,omitempty"`
	Complaints        []uint64          `json:"complaints"`
}

// Overdue reports whether q is an allowed covert request that is not
// disclosed although now (a proven block time) is past its DiscloseAt.
// The chain cannot act on time alone: an overdue request stays sealed
// until a transaction discloses it, and an ombudsman checks for overdue
// requests (query sealed) and follows them up.
func (q *Request) Overdue(now time.Time) bool {
	return q.Covert && q.Outcome == OutcomeAllowed && q.Disclosure == nil && now.After(q.DiscloseAt)
}

// SealedDetails are the sealed copies of a covert request's details
// (CovertDetails): one for the overseer agency's court and ombudsman, one
// for the owner agency's data service, each to the named key of that
// agency, with the HPKE info seal.DetailsInfo(chain id, details
// commitment, key id).
type SealedDetails struct {
	OverseerKeyID  string        `json:"overseer_key_id"`
	OverseerSealed core.HexBytes `json:"overseer_sealed"`
	OwnerKeyID     string        `json:"owner_key_id"`
	OwnerSealed    core.HexBytes `json:"owner_sealed"`
}

// Disclosure is the disclosed details of a covert request (the fields,
// case reference and salt, whether the fields exceeded the grant's, and
// whether the overseer released them before DiscloseAt: LogDisclosure),
// who disclosed them and when.
type Disclosure struct {
	// LogDisclosure is what the disclosure entry of the subject's access
	// log records too (its fields are inlined in the JSON).
	LogDisclosure
	By     core.Address `json:"by"`
	Height int64        `json:"height"`
	Time   time.Time    `json:"time"`
	// LogSeq is the sequence number of the disclosure entry.
	LogSeq uint64 `json:"log_seq"`
}

// SealedIndex is the record under SealedIndexKey: how many covert
// requests are allowed and not disclosed. It anchors their list
// (SealedRef entries), which an ombudsman reads to find overdue ones.
type SealedIndex struct {
	Count uint64 `json:"count"`
}

// SealedRef is the entry of an allowed, undisclosed covert request in the
// sealed list (SealedKey), removed when the request is disclosed.
type SealedRef struct {
	RequestID  uint64    `json:"request_id"`
	Subject    string    `json:"subject"`
	Requester  string    `json:"requester"`
	Overseer   string    `json:"overseer"`
	DiscloseAt time.Time `json:"disclose_at"`
}

// LogHead is the record under LogHeadKey: how many entries the subject's
// access log has. With the proven absence of entry Count it shows the log
// complete.
type LogHead struct {
	Subject string `json:"subject"`
	Count   uint64 `json:"count"`
}

// LogEntry is one entry of a subject's access log, stored under
// LogEntryKey and never changed: a request (allowed or refused), a
// delivery, a complaint, an erasure or the disclosure of a covert
// request. The fields a kind does not use are absent. The entry of a
// covert request names no actor (its official), fields or case
// reference: it has its DiscloseAt and DetailsCommitment, and the
// disclosure entry, later, has the details.
type LogEntry struct {
	Seq               uint64         `json:"seq"`
	Kind              string         `json:"kind"`
	RequestID         uint64         `json:"request_id,omitempty"`
	GrantID           uint64         `json:"grant_id,omitempty"`
	Owner             string         `json:"owner"`
	Class             string         `json:"class"`
	Requester         string         `json:"requester,omitempty"`
	Fields            []string       `json:"fields,omitempty"`
	Purpose           string         `json:"purpose,omitempty"`
	Covert            bool           `json:"covert,omitempty"`
	CaseRef           *core.Hash     `json:"case_ref,omitempty"`
	DiscloseAt        *time.Time     `json:"disclose_at,omitempty"`
	DetailsCommitment *core.Hash     `json:"details_commitment,omitempty"`
	Outcome           string         `json:"outcome,omitempty"`
	Refusal           *Refusal       `json:"refusal,omitempty"`
	Delivery          *LogDelivery   `json:"delivery,omitempty"`
	Complaint         *Complaint     `json:"complaint,omitempty"`
	Erasure           *LogErasure    `json:"erasure,omitempty"`
	Disclosure        *LogDisclosure `json:"disclosure,omitempty"`
	Actor             core.Address   `json:"actor,omitzero"`
	TxHash            core.HexBytes  `json:"tx_hash"`
	Height            int64          `json:"height"`
	Time              time.Time      `json:"time"`
}

// LogDelivery is what a delivery entry records.
type LogDelivery struct {
	PayloadHash core.Hash `json:"payload_hash"`
	KeyID       string    `json:"key_id"`
}

// Complaint is what a complaint entry records: the requester received a
// field whose commitment is not the one the request named.
type Complaint struct {
	Field              string    `json:"field"`
	ReceivedCommitment core.Hash `json:"received_commitment"`
	PayloadHash        core.Hash `json:"payload_hash"`
}

// LogErasure is what an erasure entry records.
type LogErasure struct {
	RecordVersion  uint64    `json:"record_version"`
	LegalBasis     string    `json:"legal_basis"`
	LegalBasisHash core.Hash `json:"legal_basis_hash"`
}

// LogDisclosure is what a disclosure entry records: the details of the
// covert request it names, the salt that makes them hash to its details
// commitment, whether the fields exceeded the grant's, and whether the
// overseer released them before the request's disclose_at.
type LogDisclosure struct {
	Fields       []string  `json:"fields"`
	CaseRef      core.Hash `json:"case_ref"`
	Salt         core.Hash `json:"salt"`
	ExceedsGrant bool      `json:"exceeds_grant"`
	Early        bool      `json:"early"`
}
