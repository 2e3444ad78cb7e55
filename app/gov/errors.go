package gov

import "github.com/govchain/govchain/app/core"

// The governance sentinels, in a fixed order that never changes: the abci
// layer gives each its own stable result code. New sentinels are appended at
// the end. Exec and Query return these (possibly wrapped with detail by
// core.Wrapf), so errors.Is(err, ErrXxx) and errors.Is(err, kind) both hold.
// A signer that is no agency's admin is refused with core.ErrNotAgencyAdmin.
var (
	// ErrInvalidMessage is the sentinel of every stateless refusal
	// (Validate); kind core.ErrInvalid.
	ErrInvalidMessage = core.NewError(core.ErrInvalid, "gov: invalid message")
	// ErrUnknownQuery: the query path is not one of the registry's paths, or
	// an id in it is malformed.
	ErrUnknownQuery = core.NewError(core.ErrInvalid, "gov: unknown query path")

	// ErrProposalNotFound: no proposal has the id.
	ErrProposalNotFound = core.NewError(core.ErrNotFound, "gov: proposal not found")
	// ErrAgencyNotFound: the agency a change names is not a member agency.
	ErrAgencyNotFound = core.NewError(core.ErrNotFound, "gov: agency not found")

	// ErrNotElector: the signer's agency is not in the proposal's electorate
	// (it joined after submission, or runs no validator under the "power"
	// basis).
	ErrNotElector = core.NewError(core.ErrUnauthorized, "gov: signer's agency has no vote on this proposal")

	// ErrAgencyExists: an agency with the id is already a member.
	ErrAgencyExists = core.NewError(core.ErrConflict, "gov: agency already exists")
	// ErrAdminInUse: an admin of the new agency already administers an
	// agency.
	ErrAdminInUse = core.NewError(core.ErrConflict, "gov: account is already an agency admin")
	// ErrValidatorKeyInUse: another agency's validator has the consensus key.
	ErrValidatorKeyInUse = core.NewError(core.ErrConflict, "gov: validator key already in use")
	// ErrNoValidator: a power change for an agency that runs no validator
	// names no consensus key.
	ErrNoValidator = core.NewError(core.ErrConflict, "gov: agency runs no validator")
	// ErrTooFewValidators: the change would leave fewer than MinValidators
	// validators.
	ErrTooFewValidators = core.NewError(core.ErrConflict, "gov: change would leave fewer than 4 validators")
	// ErrPowerConcentration: the change would leave one agency with 1/3 or
	// more of the total voting power.
	ErrPowerConcentration = core.NewError(core.ErrConflict, "gov: change would give one agency 1/3 or more of the voting power")
	// ErrProposalClosed: the proposal is no longer open (passed, rejected,
	// failed or expired).
	ErrProposalClosed = core.NewError(core.ErrConflict, "gov: proposal is closed")
	// ErrVotingEnded: the block time is past the proposal's voting deadline.
	ErrVotingEnded = core.NewError(core.ErrConflict, "gov: voting period has ended")
	// ErrVotingOpen: a proposal cannot be closed before its deadline.
	ErrVotingOpen = core.NewError(core.ErrConflict, "gov: voting period has not ended")
	// ErrAlreadyVoted: the signer's agency has already voted on the proposal.
	ErrAlreadyVoted = core.NewError(core.ErrConflict, "gov: agency has already voted")
	// ErrEvidenceNotFound: no evidence record has the id, or (for the
	// list) no evidence was ever committed.
	ErrEvidenceNotFound = core.NewError(core.ErrNotFound, "gov: evidence not found")
)

// Errors lists every sentinel of this package in its fixed order, for the
// abci layer's code table and for tests. The slice must not be modified.
var Errors = []*core.Error{
	ErrInvalidMessage, ErrUnknownQuery,
	ErrProposalNotFound, ErrAgencyNotFound,
	ErrNotElector,
	ErrAgencyExists, ErrAdminInUse, ErrValidatorKeyInUse, ErrNoValidator,
	ErrTooFewValidators, ErrPowerConcentration,
	ErrProposalClosed, ErrVotingEnded, ErrVotingOpen, ErrAlreadyVoted,
	ErrEvidenceNotFound,
}

// invalidf returns ErrInvalidMessage with a detail.
func invalidf(format string, args ...any) error {
	return core.Wrapf(ErrInvalidMessage, format, args...)
}
