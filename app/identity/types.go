package identity

import (
	"time"

	"github.com/govchain/govchain/app/core"
)

// Person statuses.
const (
	PersonAlive    = "alive"
	PersonDeceased = "deceased"
)

// How a person entered the registry.
const (
	OriginRegistration = "registration"
	OriginBirth        = "birth"
)

// Marital statuses.
const (
	Single   = "single"
	Married  = "married"
	Divorced = "divorced"
	Widowed  = "widowed"
)

// Kinds of account owner.
const (
	OwnerPerson = "person"
	OwnerOrg    = "organisation"
)

// Credential statuses. Expiry is not a status: a verifier compares
// valid_from and valid_until with the time of the header it trusts.
const (
	CredentialActive  = "active"
	CredentialRevoked = "revoked"
)

// Recovery statuses. Expiry is not a status: a pending recovery whose
// expires_at is before the block time is expired.
const (
	RecoveryPending   = "pending"
	RecoveryApproved  = "approved"
	RecoveryCancelled = "cancelled"
)

// Commitment is a salted commitment to one personal attribute:
// SHA-256(salt || value), see the package documentation.
type Commitment struct {
	Attribute  string    `json:"attribute"`
	Commitment core.Hash `json:"commitment"`
}

// Person is a registered person, stored under PersonKey. Commitments are
// sorted by attribute; Accounts are sorted. Spouse is the id of the current
// spouse while MaritalStatus is Married (kept on a deceased person's record
// as it was at death).
type Person struct {
	ID                string         `json:"id"`
	Status            string         `json:"status"`
	Origin            string         `json:"origin"`
	DocumentHash      core.Hash      `json:"document_hash"`
	Commitments       []Commitment   `json:"commitments"`
	Parents           []string       `json:"parents"`
	MaritalStatus     string         `json:"marital_status"`
	Spouse            string         `json:"spouse"`
	Accounts          []core.Address `json:"accounts"`
	RegisteredBy      core.Address   `json:"registered_by"`
	RegisteredHeight  int64          `json:"registered_height"`
	RegisteredAt      time.Time      `json:"registered_at"`
	DeathDocumentHash *core.Hash     `json:"death_document_hash"`
	DeathHeight       int64          `json:"death_height"`
	DeathRecordedAt   *time.Time     `json:"death_recorded_at"`
	HistoryCount      uint64         `json:"history_count"`
}

// AccountLink says which person or organisation an account belongs to,
// stored under AccountLinkKey while the link lasts.
type AccountLink struct {
	Account      core.Address `json:"account"`
	OwnerKind    string       `json:"owner_kind"`
	OwnerID      string       `json:"owner_id"`
	LinkedBy     core.Address `json:"linked_by"`
	LinkedHeight int64        `json:"linked_height"`
	LinkedAt     time.Time    `json:"linked_at"`
}

// Organisation is a registered organisation (company, association, public
// body), stored under OrgKey. Accounts are sorted.
type Organisation struct {
	ID               string         `json:"id"`
	Name             string         `json:"name"`
	DocumentHash     core.Hash      `json:"document_hash"`
	Accounts         []core.Address `json:"accounts"`
	RegisteredBy     core.Address   `json:"registered_by"`
	RegisteredHeight int64          `json:"registered_height"`
	RegisteredAt     time.Time      `json:"registered_at"`
	HistoryCount     uint64         `json:"history_count"`
}

// Credential is an issued credential, stored under CredentialKey. It is
// valid at time T iff Status is CredentialActive and ValidFrom <= T <
// ValidUntil.
type Credential struct {
	ID             string        `json:"id"`
	CredentialType string        `json:"credential_type"`
	Subject        string        `json:"subject"`
	ClaimsHash     core.Hash     `json:"claims_hash"`
	Issuer         core.Address  `json:"issuer"`
	IssuerAgency   string        `json:"issuer_agency"`
	ValidFrom      time.Time     `json:"valid_from"`
	ValidUntil     time.Time     `json:"valid_until"`
	Status         string        `json:"status"`
	IssuedHeight   int64         `json:"issued_height"`
	IssuedAt       time.Time     `json:"issued_at"`
	RevokedBy      *core.Address `json:"revoked_by"`
	RevokedHeight  int64         `json:"revoked_height"`
	RevokedAt      *time.Time    `json:"revoked_at"`
	RevokeReason   string        `json:"revoke_reason"`
	HistoryCount   uint64        `json:"history_count"`
}

// PersonCredentials is the anchor of a person's credential index: how many
// PersonCredential entries exist under PersonCredentialsPrefix.
type PersonCredentials struct {
	PersonID        string `json:"person_id"`
	CredentialCount uint64 `json:"credential_count"`
}

// PersonCredential is the index entry of one credential of a person. The
// credential's status is in its own record (credential/{id}).
type PersonCredential struct {
	CredentialID   string       `json:"credential_id"`
	CredentialType string       `json:"credential_type"`
	Issuer         core.Address `json:"issuer"`
}

// Recovery is a lost-key recovery of a person's account, stored under
// RecoveryKey: proposed by a civil_registrar of RegistrarAgency, approved by
// an admin of ApproverAgency (another agency), which rotates the account's
// key to NewPubKey.
type Recovery struct {
	ID              uint64        `json:"id"`
	Account         core.Address  `json:"account"`
	PersonID        string        `json:"person_id"`
	NewPubKey       core.HexBytes `json:"new_pub_key"`
	Reason          string        `json:"reason"`
	DocumentHash    core.Hash     `json:"document_hash"`
	Status          string        `json:"status"`
	ProposedBy      core.Address  `json:"proposed_by"`
	RegistrarAgency string        `json:"registrar_agency"`
	ProposedHeight  int64         `json:"proposed_height"`
	ProposedAt      time.Time     `json:"proposed_at"`
	ExpiresAt       time.Time     `json:"expires_at"`
	ApproverAgency  string        `json:"approver_agency"`
	ClosedBy        *core.Address `json:"closed_by"`
	ClosedHeight    int64         `json:"closed_height"`
	ClosedAt        *time.Time    `json:"closed_at"`
	CancelReason    string        `json:"cancel_reason"`
	HistoryCount    uint64        `json:"history_count"`
}
