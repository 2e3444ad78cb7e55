package benefits

import "github.com/govchain/govchain/app/core"

// The benefits module's sentinels, each with its released result code
// (1100-1199) written beside it: a code never moves or changes meaning,
// and a new sentinel takes the next free code.
var (
	// ErrInvalidMessage is the sentinel of every stateless refusal.
	ErrInvalidMessage = core.NewCodedError(1100, core.ErrInvalid, "benefits: invalid message")
	// ErrUnknownQuery: the query path is not one of the module's paths.
	ErrUnknownQuery = core.NewCodedError(1101, core.ErrInvalid, "benefits: unknown query path")
	// ErrWindowOutOfRange: the programme's ends_at is not after the block
	// time or, for rule "age", not after the moment a child born at the
	// block time reaches the age (no birth from then on could open an
	// entitlement).
	ErrWindowOutOfRange = core.NewCodedError(1102, core.ErrInvalid, "benefits: ends_at must be after the block time")

	// ErrProgrammeNotFound: no programme has the id.
	ErrProgrammeNotFound = core.NewCodedError(1103, core.ErrNotFound, "benefits: programme not found")
	// ErrEntitlementNotFound: the person has no entitlement under the
	// programme for that subject.
	ErrEntitlementNotFound = core.NewCodedError(1104, core.ErrNotFound, "benefits: entitlement not found")
	// ErrOrderNotFound: no payment order was created for the entitlement
	// and period.
	ErrOrderNotFound = core.NewCodedError(1105, core.ErrNotFound, "benefits: payment order not found")
	// ErrClaimNotFound: the person never claimed under the programme.
	ErrClaimNotFound = core.NewCodedError(1106, core.ErrNotFound, "benefits: claim not found")
	// ErrPersonNotFound: no entitlement names the person (queries).
	ErrPersonNotFound = core.NewCodedError(1107, core.ErrNotFound, "benefits: no entitlement names the person")

	// ErrNotProgrammeAgency: the signer is not an admin of the agency the
	// programme belongs to.
	ErrNotProgrammeAgency = core.NewCodedError(1108, core.ErrUnauthorized, "benefits: signer is not an admin of the programme's agency")
	// ErrNotClaimant: the signer's account is not linked to the person
	// the claim is for.
	ErrNotClaimant = core.NewCodedError(1109, core.ErrUnauthorized, "benefits: signer's account is not linked to the person")

	// ErrProgrammeExists: a programme with the id already exists.
	ErrProgrammeExists = core.NewCodedError(1110, core.ErrConflict, "benefits: programme already exists")
	// ErrTooManyProgrammes: the rule has MaxProgrammesPerRule programmes
	// that have not ended.
	ErrTooManyProgrammes = core.NewCodedError(1111, core.ErrConflict, "benefits: the rule has the most open programmes it may have")
	// ErrProgrammeClosed: the block time is not in the programme's
	// [starts_at, ends_at).
	ErrProgrammeClosed = core.NewCodedError(1112, core.ErrConflict, "benefits: programme is not open at the block time")
	// ErrNotClaimRule: the programme's rule is not "claim".
	ErrNotClaimRule = core.NewCodedError(1113, core.ErrConflict, "benefits: programme is not decided on claims")
	// ErrClaimPending: the person's claim under the programme awaits a
	// decision.
	ErrClaimPending = core.NewCodedError(1114, core.ErrConflict, "benefits: claim already pending")
	// ErrAlreadyEntitled: the person already has the entitlement.
	ErrAlreadyEntitled = core.NewCodedError(1115, core.ErrConflict, "benefits: person is already entitled under the programme")
	// ErrClaimNotPending: the claim was already decided.
	ErrClaimNotPending = core.NewCodedError(1116, core.ErrConflict, "benefits: claim is not pending")
	// ErrPersonDeceased: the person is deceased.
	ErrPersonDeceased = core.NewCodedError(1117, core.ErrConflict, "benefits: person is deceased")
	// ErrAlreadyPaid: the payment order was already marked paid.
	ErrAlreadyPaid = core.NewCodedError(1118, core.ErrConflict, "benefits: payment order already paid")
	// ErrTooManyEntitlements: the person is named by
	// MaxEntitlementsPerPerson entitlements; a birth or death that would
	// add one is refused.
	ErrTooManyEntitlements = core.NewCodedError(1119, core.ErrConflict, "benefits: person has the most entitlements they may have")
)

// Errors lists every coded sentinel of this package. The slice must not be
// modified.
var Errors = []*core.Error{
	ErrInvalidMessage, ErrUnknownQuery, ErrWindowOutOfRange,
	ErrProgrammeNotFound, ErrEntitlementNotFound, ErrOrderNotFound, ErrClaimNotFound, ErrPersonNotFound,
	ErrNotProgrammeAgency, ErrNotClaimant,
	ErrProgrammeExists, ErrTooManyProgrammes, ErrProgrammeClosed, ErrNotClaimRule, ErrClaimPending, ErrAlreadyEntitled,
	ErrClaimNotPending, ErrPersonDeceased, ErrAlreadyPaid, ErrTooManyEntitlements,
}

// fields words the stateless refusals of this package (core.Fields).
var fields = core.Fields{Invalid: ErrInvalidMessage}
