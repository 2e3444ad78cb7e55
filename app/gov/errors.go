package gov

import "github.com/govchain/govchain/app/core"

// The governance sentinels, each with its released result code (700-799)
// written beside it: a code never moves or changes meaning, and a new
// sentinel takes the next free code. Exec and Query return these (possibly
// wrapped with detail by core.Wrapf), so errors.Is(err, ErrXxx) and
// errors.Is(err, kind) both hold. A signer that is no agency's admin is
// refused with core.ErrNotAgencyAdmin.
var (
	// ErrInvalidMessage is the sentinel of every stateless refusal
	// (Validate); kind core.ErrInvalid.
	ErrInvalidMessage = core.NewCodedError(700, core.ErrInvalid, "gov: invalid message")
	// ErrUnknownQuery: the query path is not one of the registry's paths, or
	// an id in it is malformed.
	ErrUnknownQuery = core.NewCodedError(701, core.ErrInvalid, "gov: unknown query path")

	// ErrProposalNotFound: no proposal has the id.
	ErrProposalNotFound = core.NewCodedError(702, core.ErrNotFound, "gov: proposal not found")
	// ErrAgencyNotFound: the agency a change names is not a member agency.
	ErrAgencyNotFound = core.NewCodedError(703, core.ErrNotFound, "gov: agency not found")

	// ErrNotElector: the signer's agency is not in the proposal's electorate
	// (it joined after submission, or runs no validator under the "power"
	// basis).
	ErrNotElector = core.NewCodedError(704, core.ErrUnauthorized, "gov: signer's agency has no vote on this proposal")

	// ErrAgencyExists: an agency with the id is already a member.
	ErrAgencyExists = core.NewCodedError(705, core.ErrConflict, "gov: agency already exists")
	// ErrAdminInUse: an admin of the new agency already administers an
	// agency.
	ErrAdminInUse = core.NewCodedError(706, core.ErrConflict, "gov: account is already an agency admin")
	// ErrValidatorKeyInUse: another agency's validator has the consensus key.
	ErrValidatorKeyInUse = core.NewCodedError(707, core.ErrConflict, "gov: validator key already in use")
	// ErrNoValidator: a power change for an agency that runs no validator
	// names no consensus key.
	ErrNoValidator = core.NewCodedError(708, core.ErrConflict, "gov: agency runs no validator")
	// ErrTooFewValidators: the change would leave fewer than MinValidators
	// validators.
	ErrTooFewValidators = core.NewCodedError(709, core.ErrConflict, "gov: change would leave fewer than 4 validators")
	// ErrPowerConcentration: the change would leave one agency with 1/3 or
	// more of the total voting power.
	ErrPowerConcentration = core.NewCodedError(710, core.ErrConflict, "gov: change would give one agency 1/3 or more of the voting power")
	// ErrProposalClosed: the proposal is no longer open (passed, rejected,
	// failed or expired).
	ErrProposalClosed = core.NewCodedError(711, core.ErrConflict, "gov: proposal is closed")
	// ErrVotingEnded: the block time is past the proposal's voting deadline.
	ErrVotingEnded = core.NewCodedError(712, core.ErrConflict, "gov: voting period has ended")
	// ErrVotingOpen: a proposal cannot be closed before its deadline.
	ErrVotingOpen = core.NewCodedError(713, core.ErrConflict, "gov: voting period has not ended")
	// ErrAlreadyVoted: the signer's agency has already voted on the proposal.
	ErrAlreadyVoted = core.NewCodedError(714, core.ErrConflict, "gov: agency has already voted")
	// ErrEvidenceNotFound: no evidence record has the id, or (for the
	// list) no evidence was ever committed.
	ErrEvidenceNotFound = core.NewCodedError(715, core.ErrNotFound, "gov: evidence not found")
	// ErrUpgradeScheduled: an upgrade is already scheduled; only one is at
	// a time.
	ErrUpgradeScheduled = core.NewCodedError(716, core.ErrConflict, "gov: an upgrade is already scheduled")
	// ErrUpgradeHeight: the upgrade's height is not above the current
	// block's.
	ErrUpgradeHeight = core.NewCodedError(717, core.ErrConflict, "gov: upgrade height is not in the future")
	// ErrUpgradeDone: an upgrade of that name already ran; names are never
	// reused.
	ErrUpgradeDone = core.NewCodedError(718, core.ErrConflict, "gov: upgrade already done")
	// ErrNoUpgradePlan: no upgrade of that name is scheduled (to cancel,
	// or for the query of the plan).
	ErrNoUpgradePlan = core.NewCodedError(719, core.ErrNotFound, "gov: no such upgrade is scheduled")
	// ErrUpgradeNotDone: no upgrade of that name ever ran (query).
	ErrUpgradeNotDone = core.NewCodedError(720, core.ErrNotFound, "gov: no upgrade of that name was done")
)

// Errors lists every coded sentinel of this package, for the module's code
// table and for tests. The slice must not be modified.
var Errors = []*core.Error{
	ErrInvalidMessage, ErrUnknownQuery,
	ErrProposalNotFound, ErrAgencyNotFound,
	ErrNotElector,
	ErrAgencyExists, ErrAdminInUse, ErrValidatorKeyInUse, ErrNoValidator,
	ErrTooFewValidators, ErrPowerConcentration,
	ErrProposalClosed, ErrVotingEnded, ErrVotingOpen, ErrAlreadyVoted,
	ErrEvidenceNotFound,
	ErrUpgradeScheduled, ErrUpgradeHeight, ErrUpgradeDone, ErrNoUpgradePlan, ErrUpgradeNotDone,
}

// fields words the stateless refusals of this package (core.Fields).
var fields = core.Fields{Invalid: ErrInvalidMessage}
