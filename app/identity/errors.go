package identity

import "github.com/govchain/govchain/app/core"

// The identity registry's sentinels, each with its released result code
// (400-499) written beside it: a code never moves or changes meaning, and a
// new sentinel takes the next free code. Exec and Query return these
// (possibly wrapped with detail by core.Wrapf), so errors.Is(err, ErrXxx)
// and errors.Is(err, kind) both hold.
var (
	// ErrInvalidMessage is the sentinel of every stateless refusal
	// (Validate); kind core.ErrInvalid.
	ErrInvalidMessage = core.NewCodedError(400, core.ErrInvalid, "identity: invalid message")
	// ErrUnknownQuery: the query path is not one of the registry's paths, or
	// an id in it is malformed.
	ErrUnknownQuery = core.NewCodedError(401, core.ErrInvalid, "identity: unknown query path")
	// ErrDeadlineOutOfRange: a recovery's expires_at is not after the block
	// time or is more than MaxRecoveryHorizon after it.
	ErrDeadlineOutOfRange = core.NewCodedError(402, core.ErrInvalid, "identity: expires_at must be after the block time and within the horizon")

	// ErrPersonNotFound: no person has the id.
	ErrPersonNotFound = core.NewCodedError(403, core.ErrNotFound, "identity: person not found")
	// ErrOrgNotFound: no organisation has the id.
	ErrOrgNotFound = core.NewCodedError(404, core.ErrNotFound, "identity: organisation not found")
	// ErrAccountNotLinked: the account belongs to no person or organisation.
	ErrAccountNotLinked = core.NewCodedError(405, core.ErrNotFound, "identity: account is not linked")
	// ErrCredentialNotFound: no credential has the id.
	ErrCredentialNotFound = core.NewCodedError(406, core.ErrNotFound, "identity: credential not found")
	// ErrRecoveryNotFound: no recovery has the id.
	ErrRecoveryNotFound = core.NewCodedError(407, core.ErrNotFound, "identity: recovery not found")
	// ErrAccountUnknown: the account has never signed, so it has no key to
	// recover.
	ErrAccountUnknown = core.NewCodedError(408, core.ErrNotFound, "identity: account has never signed")

	// ErrNotIssuer: the signer neither issued the credential nor holds the
	// issuing role from the issuer's agency.
	ErrNotIssuer = core.NewCodedError(409, core.ErrUnauthorized, "identity: signer is not the credential's issuer")
	// ErrSameAgency: a recovery must be approved by an admin of another
	// agency than the proposing registrar's.
	ErrSameAgency = core.NewCodedError(410, core.ErrUnauthorized, "identity: recovery approver is of the proposer's agency")
	// ErrNotRecoveryParty: only the proposer or the account itself may
	// cancel a recovery.
	ErrNotRecoveryParty = core.NewCodedError(411, core.ErrUnauthorized, "identity: signer is neither the proposer nor the account")

	// ErrPersonExists: a person with the id is already registered.
	ErrPersonExists = core.NewCodedError(412, core.ErrConflict, "identity: person already registered")
	// ErrOrgExists: an organisation with the id is already registered.
	ErrOrgExists = core.NewCodedError(413, core.ErrConflict, "identity: organisation already registered")
	// ErrCredentialExists: a credential with the id was already issued.
	ErrCredentialExists = core.NewCodedError(414, core.ErrConflict, "identity: credential already issued")
	// ErrPersonDeceased: the person (a parent, spouse, subject or account
	// holder) is recorded as deceased.
	ErrPersonDeceased = core.NewCodedError(415, core.ErrConflict, "identity: person is deceased")
	// ErrAlreadyMarried: a person is married (to someone else, or already to
	// the other).
	ErrAlreadyMarried = core.NewCodedError(416, core.ErrConflict, "identity: person is already married")
	// ErrNotMarried: the two persons are not married to each other.
	ErrNotMarried = core.NewCodedError(417, core.ErrConflict, "identity: persons are not married to each other")
	// ErrAccountLinked: the account already belongs to a person or
	// organisation.
	ErrAccountLinked = core.NewCodedError(418, core.ErrConflict, "identity: account is already linked")
	// ErrTooManyAccounts: the person or organisation would have more than
	// MaxAccounts accounts.
	ErrTooManyAccounts = core.NewCodedError(419, core.ErrConflict, "identity: too many accounts")
	// ErrTooManyCredentials: the person would be the subject of more than
	// MaxCredentialsPerPerson credentials.
	ErrTooManyCredentials = core.NewCodedError(420, core.ErrConflict, "identity: too many credentials for the person")
	// ErrCredentialRevoked: the credential is already revoked.
	ErrCredentialRevoked = core.NewCodedError(421, core.ErrConflict, "identity: credential already revoked")
	// ErrValidityEnded: a credential's valid_until is not after the block
	// time.
	ErrValidityEnded = core.NewCodedError(422, core.ErrConflict, "identity: credential validity ends before the block time")
	// ErrRecoveryNotPending: the recovery was already approved or cancelled.
	ErrRecoveryNotPending = core.NewCodedError(423, core.ErrConflict, "identity: recovery is not pending")
	// ErrRecoveryExpired: the block time is past the recovery's expires_at.
	ErrRecoveryExpired = core.NewCodedError(424, core.ErrConflict, "identity: recovery expired")
	// ErrNotPersonAccount: the account belongs to an organisation, whose
	// keys the civil registry does not recover.
	ErrNotPersonAccount = core.NewCodedError(425, core.ErrConflict, "identity: account does not belong to a person")
)

// Errors lists every coded sentinel of this package, for the module's code
// table and for tests. The slice must not be modified.
var Errors = []*core.Error{
	ErrInvalidMessage, ErrUnknownQuery, ErrDeadlineOutOfRange,
	ErrPersonNotFound, ErrOrgNotFound, ErrAccountNotLinked, ErrCredentialNotFound, ErrRecoveryNotFound, ErrAccountUnknown,
	ErrNotIssuer, ErrSameAgency, ErrNotRecoveryParty,
	ErrPersonExists, ErrOrgExists, ErrCredentialExists, ErrPersonDeceased, ErrAlreadyMarried, ErrNotMarried,
	ErrAccountLinked, ErrTooManyAccounts, ErrTooManyCredentials, ErrCredentialRevoked, ErrValidityEnded,
	ErrRecoveryNotPending, ErrRecoveryExpired, ErrNotPersonAccount,
}

// fields words the stateless refusals of this package (core.Fields).
var fields = core.Fields{Invalid: ErrInvalidMessage}
