package identity

import (
	"time"

	"github.com/govchain/govchain/app/core"
)

// Name is the registry's name: the prefix of its message types and of its
// query paths.
const Name = "identity"

// The frozen message type strings.
const (
	TypeRegisterPerson   = "identity/register_person"
	TypeRecordBirth      = "identity/record_birth"
	TypeAmendPerson      = "identity/amend_person"
	TypeRecordMarriage   = "identity/record_marriage"
	TypeRecordDivorce    = "identity/record_divorce"
	TypeRecordDeath      = "identity/record_death"
	TypeLinkAccount      = "identity/link_account"
	TypeLinkOrgAccount   = "identity/link_org_account"
	TypeUnlinkAccount    = "identity/unlink_account"
	TypeRegisterOrg      = "identity/register_org"
	TypeRotateKey        = "identity/rotate_key"
	TypeProposeRecovery  = "identity/propose_recovery"
	TypeApproveRecovery  = "identity/approve_recovery"
	TypeCancelRecovery   = "identity/cancel_recovery"
	TypeIssueCredential  = "identity/issue_credential"
	TypeRevokeCredential = "identity/revoke_credential"
)

// Bounds enforced by Validate (and, for counts, by Exec).
const (
	// MaxCommitments is the most attribute commitments a person may have.
	MaxCommitments = 32
	// MaxAccounts is the most accounts a person or organisation may have
	// linked, and the most an organisation may be registered with.
	MaxAccounts = 16
	// MaxParents is the most parents a birth may name.
	MaxParents = 2
	// MaxCredentialsPerPerson bounds the credentials naming one person, so
	// that a death record revokes them all in one transaction.
	MaxCredentialsPerPerson = 256
	// MaxRecoveryHorizon is how far after the block time a recovery's
	// deadline may be.
	MaxRecoveryHorizon = 30 * 24 * time.Hour
	// Text field limits in bytes.
	MaxOrgNameLen = 200
	MaxReasonLen  = 1024
)

// RegisterPerson (identity/register_person, civil_registrar) enrols a
// living person under a new pseudonymous id, with the SHA-256 of the source
// document and 1..MaxCommitments attribute commitments sorted by attribute.
type RegisterPerson struct {
	PersonID     string       `json:"person_id"`
	DocumentHash core.Hash    `json:"document_hash"`
	Commitments  []Commitment `json:"commitments"`
}

// Type implements core.Msg.
func (RegisterPerson) Type() string { return TypeRegisterPerson }

// Validate implements core.Msg.
func (m RegisterPerson) Validate() error {
	if err := fields.ID("person_id", m.PersonID); err != nil {
		return err
	}
	if err := fields.Hash("document_hash", m.DocumentHash); err != nil {
		return err
	}
	return validateCommitments(m.Commitments)
}

// RecordBirth (identity/record_birth, civil_registrar) registers a newborn
// under a new id, naming one or two distinct parents who must be registered
// and alive.
type RecordBirth struct {
	PersonID     string       `json:"person_id"`
	ParentIDs    []string     `json:"parent_ids"`
	DocumentHash core.Hash    `json:"document_hash"`
	Commitments  []Commitment `json:"commitments"`
}

// Type implements core.Msg.
func (RecordBirth) Type() string { return TypeRecordBirth }

// Validate implements core.Msg.
func (m RecordBirth) Validate() error {
	if err := fields.ID("person_id", m.PersonID); err != nil {
		return err
	}
	if len(m.ParentIDs) == 0 || len(m.ParentIDs) > MaxParents {
		return fields.Invalidf("a birth names 1-%d parents, got %d", MaxParents, len(m.ParentIDs))
	}
	for i, p := range m.ParentIDs {
		if err := fields.ID("parent id", p); err != nil {
			return err
		}
		if p == m.PersonID {
			return fields.Invalidf("person %s cannot be its own parent", p)
		}
		if i > 0 && m.ParentIDs[0] == p {
			return fields.Invalidf("parent %s appears twice", p)
		}
	}
	if err := fields.Hash("document_hash", m.DocumentHash); err != nil {
		return err
	}
	return validateCommitments(m.Commitments)
}

// AmendPerson (identity/amend_person, civil_registrar) replaces a person's
// commitments (a change of name, a correction), citing the SHA-256 of the
// deciding document.
type AmendPerson struct {
	PersonID     string       `json:"person_id"`
	DocumentHash core.Hash    `json:"document_hash"`
	Commitments  []Commitment `json:"commitments"`
}

// Type implements core.Msg.
func (AmendPerson) Type() string { return TypeAmendPerson }

// Validate implements core.Msg.
func (m AmendPerson) Validate() error { return RegisterPerson(m).Validate() }

// RecordMarriage (identity/record_marriage, civil_registrar) marries two
// distinct living persons, neither of whom is married.
type RecordMarriage struct {
	PersonA      string    `json:"person_a"`
	PersonB      string    `json:"person_b"`
	DocumentHash core.Hash `json:"document_hash"`
}

// Type implements core.Msg.
func (RecordMarriage) Type() string { return TypeRecordMarriage }

// Validate implements core.Msg.
func (m RecordMarriage) Validate() error { return validatePair(m.PersonA, m.PersonB, m.DocumentHash) }

// RecordDivorce (identity/record_divorce, civil_registrar) ends the
// marriage of two living persons married to each other.
type RecordDivorce struct {
	PersonA      string    `json:"person_a"`
	PersonB      string    `json:"person_b"`
	DocumentHash core.Hash `json:"document_hash"`
}

// Type implements core.Msg.
func (RecordDivorce) Type() string { return TypeRecordDivorce }

// Validate implements core.Msg.
func (m RecordDivorce) Validate() error { return validatePair(m.PersonA, m.PersonB, m.DocumentHash) }

// RecordDeath (identity/record_death, civil_registrar) records a living
// person's death, citing the SHA-256 of the death certificate. It marks
// every linked account core.StatusDeceased, revokes the person's active
// credentials and widows a spouse.
type RecordDeath struct {
	PersonID     string    `json:"person_id"`
	DocumentHash core.Hash `json:"document_hash"`
}

// Type implements core.Msg.
func (RecordDeath) Type() string { return TypeRecordDeath }

// Validate implements core.Msg.
func (m RecordDeath) Validate() error {
	if err := fields.ID("person_id", m.PersonID); err != nil {
		return err
	}
	return fields.Hash("document_hash", m.DocumentHash)
}

// LinkAccount (identity/link_account, civil_registrar) links an unlinked
// account to a living person.
type LinkAccount struct {
	PersonID string       `json:"person_id"`
	Account  core.Address `json:"account"`
}

// Type implements core.Msg.
func (LinkAccount) Type() string { return TypeLinkAccount }

// Validate implements core.Msg.
func (m LinkAccount) Validate() error {
	if err := fields.ID("person_id", m.PersonID); err != nil {
		return err
	}
	return validateAccount("account", m.Account)
}

// LinkOrgAccount (identity/link_org_account, tax_authority) links an
// unlinked account to an organisation.
type LinkOrgAccount struct {
	OrgID   string       `json:"org_id"`
	Account core.Address `json:"account"`
}

// Type implements core.Msg.
func (LinkOrgAccount) Type() string { return TypeLinkOrgAccount }

// Validate implements core.Msg.
func (m LinkOrgAccount) Validate() error {
	if err := fields.ID("org_id", m.OrgID); err != nil {
		return err
	}
	return validateAccount("account", m.Account)
}

// UnlinkAccount (identity/unlink_account: civil_registrar for a person's
// account, tax_authority for an organisation's) removes an account's link.
type UnlinkAccount struct {
	Account core.Address `json:"account"`
	Reason  string       `json:"reason"`
}

// Type implements core.Msg.
func (UnlinkAccount) Type() string { return TypeUnlinkAccount }

// Validate implements core.Msg.
func (m UnlinkAccount) Validate() error {
	if err := validateAccount("account", m.Account); err != nil {
		return err
	}
	return fields.Text("reason", m.Reason, true, MaxReasonLen)
}

// RegisterOrg (identity/register_org, tax_authority) registers an
// organisation with its public name, the SHA-256 of its founding or
// registration document, and 1..MaxAccounts distinct unlinked accounts.
type RegisterOrg struct {
	OrgID        string         `json:"org_id"`
	Name         string         `json:"name"`
	DocumentHash core.Hash      `json:"document_hash"`
	Accounts     []core.Address `json:"accounts"`
}

// Type implements core.Msg.
func (RegisterOrg) Type() string { return TypeRegisterOrg }

// Validate implements core.Msg.
func (m RegisterOrg) Validate() error {
	if err := fields.ID("org_id", m.OrgID); err != nil {
		return err
	}
	if err := fields.Text("name", m.Name, true, MaxOrgNameLen); err != nil {
		return err
	}
	if err := fields.Hash("document_hash", m.DocumentHash); err != nil {
		return err
	}
	if len(m.Accounts) == 0 || len(m.Accounts) > MaxAccounts {
		return fields.Invalidf("accounts must list 1-%d accounts, got %d", MaxAccounts, len(m.Accounts))
	}
	for i, a := range m.Accounts {
		if err := validateAccount("accounts", a); err != nil {
			return err
		}
		for _, b := range m.Accounts[:i] {
			if a == b {
				return fields.Invalidf("accounts: %s appears twice", a)
			}
		}
	}
	return nil
}

// RotateKey (identity/rotate_key, signed by the account with its current
// key) makes NewPubKey (32-byte ed25519, hex) the account's only key; the
// address, sequence, roles and records stay. The account must have signed
// before (its first transaction cannot be a rotation).
type RotateKey struct {
	NewPubKey core.HexBytes `json:"new_pub_key"`
}

// Type implements core.Msg.
func (RotateKey) Type() string { return TypeRotateKey }

// Validate implements core.Msg.
func (m RotateKey) Validate() error { return validatePubKey(m.NewPubKey) }

// ProposeRecovery (identity/propose_recovery, civil_registrar) proposes to
// give a living person's account the key NewPubKey, because its key was
// lost (Reason, and the SHA-256 of the identity check's record). It expires
// at ExpiresAt (UTC, after the block time, within MaxRecoveryHorizon).
type ProposeRecovery struct {
	Account      core.Address  `json:"account"`
	NewPubKey    core.HexBytes `json:"new_pub_key"`
	Reason       string        `json:"reason"`
	DocumentHash core.Hash     `json:"document_hash"`
	ExpiresAt    time.Time     `json:"expires_at"`
}

// Type implements core.Msg.
func (ProposeRecovery) Type() string { return TypeProposeRecovery }

// Validate implements core.Msg.
func (m ProposeRecovery) Validate() error {
	if err := validateAccount("account", m.Account); err != nil {
		return err
	}
	if err := validatePubKey(m.NewPubKey); err != nil {
		return err
	}
	if err := fields.Text("reason", m.Reason, true, MaxReasonLen); err != nil {
		return err
	}
	if err := fields.Hash("document_hash", m.DocumentHash); err != nil {
		return err
	}
	return fields.UTC("expires_at", m.ExpiresAt)
}

// ApproveRecovery (identity/approve_recovery, an admin of an agency other
// than the proposing registrar's) approves a pending recovery, which
// rotates the account's key.
type ApproveRecovery struct {
	RecoveryID uint64 `json:"recovery_id"`
}

// Type implements core.Msg.
func (ApproveRecovery) Type() string { return TypeApproveRecovery }

// Validate implements core.Msg.
func (m ApproveRecovery) Validate() error { return fields.Positive("recovery_id", m.RecoveryID) }

// CancelRecovery (identity/cancel_recovery, the proposer or the account
// itself) withdraws a pending recovery, expired or not.
type CancelRecovery struct {
	RecoveryID uint64 `json:"recovery_id"`
	Reason     string `json:"reason"`
}

// Type implements core.Msg.
func (CancelRecovery) Type() string { return TypeCancelRecovery }

// Validate implements core.Msg.
func (m CancelRecovery) Validate() error {
	if err := fields.Positive("recovery_id", m.RecoveryID); err != nil {
		return err
	}
	return fields.Text("reason", m.Reason, false, MaxReasonLen)
}

// IssueCredential (identity/issue_credential, credential_issuer) issues a
// credential under a new id: its type (an identifier such as
// "driving_licence"), its subject (a living person's id), the SHA-256 of
// its claims, and its validity period [ValidFrom, ValidUntil) in UTC, which
// must not have ended at the block time.
type IssueCredential struct {
	CredentialID   string    `json:"credential_id"`
	CredentialType string    `json:"credential_type"`
	Subject        string    `json:"subject"`
	ClaimsHash     core.Hash `json:"claims_hash"`
	ValidFrom      time.Time `json:"valid_from"`
	ValidUntil     time.Time `json:"valid_until"`
}

// Type implements core.Msg.
func (IssueCredential) Type() string { return TypeIssueCredential }

// Validate implements core.Msg.
func (m IssueCredential) Validate() error {
	if err := fields.ID("credential_id", m.CredentialID); err != nil {
		return err
	}
	if err := fields.ID("credential_type", m.CredentialType); err != nil {
		return err
	}
	if err := fields.ID("subject", m.Subject); err != nil {
		return err
	}
	if err := fields.Hash("claims_hash", m.ClaimsHash); err != nil {
		return err
	}
	if err := fields.UTC("valid_from", m.ValidFrom); err != nil {
		return err
	}
	if err := fields.UTC("valid_until", m.ValidUntil); err != nil {
		return err
	}
	if !m.ValidUntil.After(m.ValidFrom) {
		return fields.Invalidf("valid_until must be after valid_from")
	}
	return nil
}

// RevokeCredential (identity/revoke_credential, credential_issuer: the
// issuer, or an issuer whose role was granted by the issuer's agency)
// revokes an active credential.
type RevokeCredential struct {
	CredentialID string `json:"credential_id"`
	Reason       string `json:"reason"`
}

// Type implements core.Msg.
func (RevokeCredential) Type() string { return TypeRevokeCredential }

// Validate implements core.Msg.
func (m RevokeCredential) Validate() error {
	if err := fields.ID("credential_id", m.CredentialID); err != nil {
		return err
	}
	return fields.Text("reason", m.Reason, true, MaxReasonLen)
}

func validateAccount(field string, a core.Address) error {
	if a.IsZero() {
		return fields.Invalidf("%s must not be the zero account", field)
	}
	return nil
}

func validatePubKey(k core.HexBytes) error {
	if len(k) != 32 {
		return fields.Invalidf("new_pub_key must be a 32-byte ed25519 public key, got %d bytes", len(k))
	}
	return nil
}

// validateCommitments accepts 1..MaxCommitments commitments, sorted by
// attribute without repeats, none zero.
func validateCommitments(list []Commitment) error {
	if len(list) == 0 || len(list) > MaxCommitments {
		return fields.Invalidf("commitments must list 1-%d attributes, got %d", MaxCommitments, len(list))
	}
	for i, c := range list {
		if err := fields.ID("commitment attribute", c.Attribute); err != nil {
			return err
		}
		if err := fields.Hash("commitment of "+c.Attribute, c.Commitment); err != nil {
			return err
		}
		if i > 0 && list[i-1].Attribute >= c.Attribute {
			return fields.Invalidf("commitments must be sorted by attribute without repeats (%q after %q)", c.Attribute, list[i-1].Attribute)
		}
	}
	return nil
}

func validatePair(a, b string, h core.Hash) error {
	if err := fields.ID("person_a", a); err != nil {
		return err
	}
	if err := fields.ID("person_b", b); err != nil {
		return err
	}
	if a == b {
		return fields.Invalidf("person_a and person_b are the same person %s", a)
	}
	return fields.Hash("document_hash", h)
}
