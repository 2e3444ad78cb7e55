package gov

import (
	"slices"

	"github.com/govchain/govchain/app/core"
)

// Name is the registry's name: the prefix of its message types and of its
// query paths.
const Name = "gov"

// The frozen message type strings.
const (
	TypeSubmitProposal = "gov/submit_proposal"
	TypeCastVote       = "gov/cast_vote"
	TypeCloseProposal  = "gov/close_proposal"
)

// Bounds enforced by Validate.
const (
	// MinValidators is the fewest validators a validator change may leave.
	MinValidators = 4
	// MaxPower bounds one validator's power, so that sums and 3*power never
	// overflow (CometBFT's own bound on the total is MaxInt64/8).
	MaxPower = 1 << 40
	// MaxAdmins is the most admins an agency may be created with.
	MaxAdmins = 32
	// MaxPolicyAgencies is the most agencies a role policy may name.
	MaxPolicyAgencies = 256
	// MaxSummaryLen is the longest proposal summary in bytes.
	MaxSummaryLen = 1000
)

// SubmitProposal (gov/submit_proposal, an agency admin) opens a proposal to
// make Change. Summary (1-1000 bytes of text) says what and why.
type SubmitProposal struct {
	Summary string `json:"summary"`
	Change  Change `json:"change"`
}

// Type implements core.Msg.
func (SubmitProposal) Type() string { return TypeSubmitProposal }

// Validate implements core.Msg.
func (m SubmitProposal) Validate() error {
	if m.Summary == "" {
		return fields.Invalidf("summary is required")
	}
	if err := core.Printable(m.Summary, MaxSummaryLen); err != nil {
		return fields.Invalidf("summary %v", err)
	}
	return m.Change.Validate()
}

// Validate checks a change statelessly: exactly one kind, and its fields.
func (c Change) Validate() error {
	switch c.Kind() {
	case KindAddAgency:
		ag := c.AddAgency
		if err := ag.Validate(); err != nil {
			return fields.Invalidf("add_agency: %v", err)
		}
		if len(ag.Admins) > MaxAdmins {
			return fields.Invalidf("add_agency: at most %d admins", MaxAdmins)
		}
		for i, a := range ag.Admins {
			if slices.Contains(ag.Admins[:i], a) {
				return fields.Invalidf("add_agency: admin %s is listed twice", a)
			}
		}
		if ag.Validator.Power > MaxPower {
			return fields.Invalidf("add_agency: validator power must be at most %d", int64(MaxPower))
		}
		return nil
	case KindRemoveAgency:
		if err := core.ValidateID("agency_id", c.RemoveAgency.AgencyID); err != nil {
			return fields.Invalidf("remove_agency: %v", err)
		}
		return nil
	case KindSetValidatorPower:
		s := c.SetValidatorPower
		if err := core.ValidateID("agency_id", s.AgencyID); err != nil {
			return fields.Invalidf("set_validator_power: %v", err)
		}
		if s.Power < 0 || s.Power > MaxPower {
			return fields.Invalidf("set_validator_power: power must be between 0 and %d", int64(MaxPower))
		}
		if len(s.PubKey) != 0 && len(s.PubKey) != 32 {
			return fields.Invalidf("set_validator_power: pub_key must be 32 bytes")
		}
		if len(s.PubKey) != 0 && s.Power == 0 {
			return fields.Invalidf("set_validator_power: a new pub_key needs a positive power")
		}
		return nil
	case KindSetRolePolicy:
		s := c.SetRolePolicy
		if !core.ValidRole(s.Role) {
			return fields.Invalidf("set_role_policy: unknown role %q", string(s.Role))
		}
		if len(s.Agencies) > MaxPolicyAgencies {
			return fields.Invalidf("set_role_policy: at most %d agencies", MaxPolicyAgencies)
		}
		for i, id := range s.Agencies {
			if err := core.ValidateID("agency id", id); err != nil {
				return fields.Invalidf("set_role_policy: %v", err)
			}
			if i > 0 && s.Agencies[i-1] >= id {
				return fields.Invalidf("set_role_policy: agencies must be sorted and distinct")
			}
		}
		return nil
	case KindSetPurpose:
		if err := c.SetPurpose.Validate(); err != nil {
			return fields.Invalidf("set_purpose: %v", err)
		}
		return nil
	case KindScheduleUpgrade:
		if err := c.ScheduleUpgrade.Validate(); err != nil {
			return fields.Invalidf("schedule_upgrade: %v", err)
		}
		return nil
	case KindCancelUpgrade:
		if err := ValidUpgradeName(c.CancelUpgrade.Name); err != nil {
			return fields.Invalidf("cancel_upgrade: %v", err)
		}
		return nil
	}
	return fields.Invalidf("change must set exactly one of add_agency, remove_agency, set_validator_power, set_role_policy, set_purpose, schedule_upgrade, cancel_upgrade")
}

// CastVote (gov/cast_vote, an admin of an agency in the proposal's
// electorate) casts the agency's one vote, OptionYes or OptionNo, while the
// proposal is open and the block time is not past its deadline. A vote is
// final.
type CastVote struct {
	ProposalID uint64 `json:"proposal_id"`
	Option     string `json:"option"`
}

// Type implements core.Msg.
func (CastVote) Type() string { return TypeCastVote }

// Validate implements core.Msg.
func (m CastVote) Validate() error {
	if m.ProposalID == 0 {
		return fields.Invalidf("proposal_id is required")
	}
	if m.Option != OptionYes && m.Option != OptionNo {
		return fields.Invalidf("option must be %q or %q, got %q", OptionYes, OptionNo, m.Option)
	}
	return nil
}

// CloseProposal (gov/close_proposal, any agency admin) marks an open
// proposal whose deadline has passed as expired.
type CloseProposal struct {
	ProposalID uint64 `json:"proposal_id"`
}

// Type implements core.Msg.
func (CloseProposal) Type() string { return TypeCloseProposal }

// Validate implements core.Msg.
func (m CloseProposal) Validate() error {
	if m.ProposalID == 0 {
		return fields.Invalidf("proposal_id is required")
	}
	return nil
}
