package gov

import (
	"fmt"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/state"
)

// Threshold bases (Params.Threshold).
const (
	// ThresholdAgencies: every member agency has one vote; a proposal passes
	// with yes votes from more than 2/3 of the member agencies.
	ThresholdAgencies = "agencies"
	// ThresholdPower: every agency that runs a validator votes with its
	// validator's power; a proposal passes with more than 2/3 of the total
	// power. Agencies without a validator have no vote.
	ThresholdPower = "power"
)

// Bounds of Params.VotingPeriodSeconds.
const (
	MinVotingPeriodSeconds = 1
	MaxVotingPeriodSeconds = 366 * 24 * 60 * 60
	// DefaultVotingPeriodSeconds is one week.
	DefaultVotingPeriodSeconds = 7 * 24 * 60 * 60
)

// Params are the governance parameters, set in genesis (app_state.gov) and
// stored under ParamsKey. The zero value is not valid; use DefaultParams.
type Params struct {
	// VotingPeriodSeconds is how long, in block time, a proposal stays open
	// for votes after the block that submitted it. Block time rather than
	// blocks, because agencies plan in days and block intervals differ
	// between networks.
	VotingPeriodSeconds int64 `json:"voting_period_seconds"`
	// Threshold is the basis of the 2/3 majority: ThresholdAgencies or
	// ThresholdPower.
	Threshold string `json:"threshold"`
}

// DefaultParams returns a one-week voting period and one vote per agency.
func DefaultParams() Params {
	return Params{VotingPeriodSeconds: DefaultVotingPeriodSeconds, Threshold: ThresholdAgencies}
}

// Validate checks the parameters.
func (p Params) Validate() error {
	if p.VotingPeriodSeconds < MinVotingPeriodSeconds || p.VotingPeriodSeconds > MaxVotingPeriodSeconds {
		return fmt.Errorf("gov: params.voting_period_seconds must be between %d and %d, got %d",
			MinVotingPeriodSeconds, MaxVotingPeriodSeconds, p.VotingPeriodSeconds)
	}
	if p.Threshold != ThresholdAgencies && p.Threshold != ThresholdPower {
		return fmt.Errorf("gov: params.threshold must be %q or %q, got %q", ThresholdAgencies, ThresholdPower, p.Threshold)
	}
	return nil
}

// VotingPeriod returns the voting period as a duration.
func (p Params) VotingPeriod() time.Duration {
	return time.Duration(p.VotingPeriodSeconds) * time.Second
}

// InitGenesis validates p and writes the parameters and an empty proposal
// index. The app calls it once, at InitChain.
func InitGenesis(kv state.KV, p Params) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if err := core.SetJSON(kv, ParamsKey(), p); err != nil {
		return err
	}
	return putIndex(kv, &Index{})
}

// Proposal statuses.
const (
	StatusOpen     = "open"
	StatusPassed   = "passed"   // passed and executed
	StatusFailed   = "failed"   // passed, but the change was no longer allowed
	StatusRejected = "rejected" // passing became impossible
	StatusExpired  = "expired"  // closed after the deadline without a decision
)

// Vote options.
const (
	OptionYes = "yes"
	OptionNo  = "no"
)

// Proposal kinds (Change.Kind).
const (
	KindAddAgency         = "add_agency"
	KindRemoveAgency      = "remove_agency"
	KindSetValidatorPower = "set_validator_power"
	KindSetRolePolicy     = "set_role_policy"
	KindSetPurpose        = "set_purpose"
	KindScheduleUpgrade   = "schedule_upgrade"
	KindCancelUpgrade     = "cancel_upgrade"
)

// Change is what a proposal does: exactly one field is set.
type Change struct {
	// AddAgency makes a new member agency, with a validator if its
	// Validator.PubKey is set.
	AddAgency *core.Agency `json:"add_agency,omitempty"`
	// RemoveAgency removes a member agency, its admins, its validator and
	// its place in every role policy.
	RemoveAgency *RemoveAgency `json:"remove_agency,omitempty"`
	// SetValidatorPower changes an agency's validator power (and key).
	SetValidatorPower *SetValidatorPower `json:"set_validator_power,omitempty"`
	// SetRolePolicy replaces the agencies that may grant a role.
	SetRolePolicy *SetRolePolicy `json:"set_role_policy,omitempty"`
	// SetPurpose adds, changes or retires a purpose data may be shared
	// for (the sharing module's).
	SetPurpose *SetPurpose `json:"set_purpose,omitempty"`
	// ScheduleUpgrade schedules a software upgrade at a height.
	ScheduleUpgrade *ScheduleUpgrade `json:"schedule_upgrade,omitempty"`
	// CancelUpgrade cancels the scheduled upgrade of that name.
	CancelUpgrade *CancelUpgrade `json:"cancel_upgrade,omitempty"`
}

// Kind names the change's kind ("" if none or several are set).
func (c Change) Kind() string {
	kind, n := "", 0
	if c.AddAgency != nil {
		kind, n = KindAddAgency, n+1
	}
	if c.RemoveAgency != nil {
		kind, n = KindRemoveAgency, n+1
	}
	if c.SetValidatorPower != nil {
		kind, n = KindSetValidatorPower, n+1
	}
	if c.SetRolePolicy != nil {
		kind, n = KindSetRolePolicy, n+1
	}
	if c.SetPurpose != nil {
		kind, n = KindSetPurpose, n+1
	}
	if c.ScheduleUpgrade != nil {
		kind, n = KindScheduleUpgrade, n+1
	}
	if c.CancelUpgrade != nil {
		kind, n = KindCancelUpgrade, n+1
	}
	if n != 1 {
		return ""
	}
	return kind
}

// RemoveAgency names the agency to remove.
type RemoveAgency struct {
	AgencyID string `json:"agency_id"`
}

// SetValidatorPower sets an agency's validator power. Power 0 removes the
// agency's validator. PubKey (optional, 32 bytes) gives the validator a new
// consensus key: the old key is removed and the new one gets Power (key
// rotation, or a first validator for an agency that had none).
type SetValidatorPower struct {
	AgencyID string        `json:"agency_id"`
	Power    int64         `json:"power"`
	PubKey   core.HexBytes `json:"pub_key"`
}

// SetRolePolicy sets the agencies (sorted, each a member) that may grant
// Role; an empty list means no agency may grant it.
type SetRolePolicy struct {
	Role     core.Role `json:"role"`
	Agencies []string  `json:"agencies"`
}

// SetPurpose is a change of a sharing purpose (sharing.SetPurpose): add
// it, change its description or covert flag, or retire it. A retired
// purpose may be named by no new class or grant; grants naming it keep
// working until they expire or are revoked.
type SetPurpose = sharing.SetPurpose

// Elector is an agency of a proposal's electorate and its vote weight (1, or
// its validator power under the "power" basis).
type Elector struct {
	AgencyID string `json:"agency_id"`
	Weight   int64  `json:"weight"`
}

// Proposal is a governance proposal, stored under ProposalKey. Electorate
// (sorted by agency id) and Threshold are fixed at submission, so a change
// of membership does not alter an open vote. YesWeight and NoWeight are the
// tally; VoteCount is the number of Vote records under VotesPrefix.
type Proposal struct {
	ID               uint64           `json:"id"`
	Kind             string           `json:"kind"`
	Change           Change           `json:"change"`
	Summary          string           `json:"summary"`
	Proposer         core.Address     `json:"proposer"`
	ProposerAgency   string           `json:"proposer_agency"`
	Status           string           `json:"status"`
	Threshold        string           `json:"threshold"`
	Electorate       []Elector        `json:"electorate"`
	TotalWeight      int64            `json:"total_weight"`
	YesWeight        int64            `json:"yes_weight"`
	NoWeight         int64            `json:"no_weight"`
	VoteCount        uint64           `json:"vote_count"`
	SubmittedHeight  int64            `json:"submitted_height"`
	SubmittedAt      time.Time        `json:"submitted_at"`
	VotingEndsAt     time.Time        `json:"voting_ends_at"`
	ClosedHeight     int64            `json:"closed_height"`
	ClosedAt         *time.Time       `json:"closed_at"`
	Failure          string           `json:"failure"`
	ValidatorUpdates []core.Validator `json:"validator_updates"`
	HistoryCount     uint64           `json:"history_count"`
}

// weightOf returns an agency's weight in the electorate.
func (p *Proposal) weightOf(agencyID string) (int64, bool) {
	for _, e := range p.Electorate {
		if e.AgencyID == agencyID {
			return e.Weight, true
		}
	}
	return 0, false
}

// Vote is an agency's vote on a proposal, stored under VoteKey.
type Vote struct {
	ProposalID uint64       `json:"proposal_id"`
	AgencyID   string       `json:"agency_id"`
	Voter      core.Address `json:"voter"`
	Option     string       `json:"option"`
	Weight     int64        `json:"weight"`
	Height     int64        `json:"height"`
	Time       time.Time    `json:"time"`
}

// Index is the record under IndexKey: the last proposal id assigned and the
// open proposals' ids in submission order. It anchors the "proposals" query.
type Index struct {
	LastID uint64   `json:"last_id"`
	Open   []uint64 `json:"open"`
}
