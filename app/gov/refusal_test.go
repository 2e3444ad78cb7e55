package gov

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// TestRefusals triggers every sentinel of the package at least once and
// checks that each refusal leaves the state unchanged.
func TestRefusals(t *testing.T) {
	e := newEnv(t, ThresholdPower)
	e.agencies(10, 10, 10, 10, 10, 0) // a-e run validators, f does not
	sub := func(c Change) SubmitProposal { return SubmitProposal{Summary: "s", Change: c} }

	// Stateless and authorisation refusals.
	e.Refuse(admin("a"), sub(Change{}), ErrInvalidMessage)
	e.Refuse(admin("a"), CastVote{ProposalID: 1, Option: "maybe"}, ErrInvalidMessage)
	e.Refuse(coretest.Address("outsider"), sub(removeAgency("f")), core.ErrNotAgencyAdmin)

	// Submission refusals, one per rule.
	e.Refuse(admin("a"), sub(addAgency("b", 0)), ErrAgencyExists)
	dupAdmin := newAgency("g", 0)
	dupAdmin.Admins = append(dupAdmin.Admins, admin("c"))
	e.Refuse(admin("a"), sub(Change{AddAgency: &dupAdmin}), ErrAdminInUse)
	dupKey := newAgency("g", 10)
	dupKey.Validator.PubKey = valKey("d")
	e.Refuse(admin("a"), sub(Change{AddAgency: &dupKey}), ErrValidatorKeyInUse)
	e.Refuse(admin("a"), sub(removeAgency("zz")), ErrAgencyNotFound)
	e.Refuse(admin("a"), sub(setPower("zz", 1, nil)), ErrAgencyNotFound)
	e.Refuse(admin("a"), sub(setPolicy(core.RoleBank, "a", "zz")), ErrAgencyNotFound)
	e.Refuse(admin("a"), sub(setPower("f", 10, nil)), ErrNoValidator)
	e.Refuse(admin("a"), sub(setPower("f", 0, nil)), ErrNoValidator)
	e.Refuse(admin("a"), sub(setPower("a", 20, nil)), ErrPowerConcentration) // 20 of 60
	e.Refuse(admin("a"), sub(addAgency("g", 30)), ErrPowerConcentration)     // 30 of 80
	e.OK(admin("a"), sub(removeAgency("e")))                                 // proposal 1
	e.OK(admin("b"), sub(removeAgency("d")))                                 // proposal 2

	// Voting refusals.
	e.Refuse(admin("a"), CastVote{ProposalID: 99, Option: OptionYes}, ErrProposalNotFound)
	e.Refuse(admin("a"), CloseProposal{ProposalID: 99}, ErrProposalNotFound)
	e.Refuse(admin("f"), CastVote{ProposalID: 1, Option: OptionYes}, ErrNotElector) // no validator, no vote
	e.Refuse(coretest.Address("outsider"), CastVote{ProposalID: 1, Option: OptionYes}, core.ErrNotAgencyAdmin)
	e.OK(admin("a"), CastVote{ProposalID: 1, Option: OptionYes})
	e.Refuse(admin("a"), CastVote{ProposalID: 1, Option: OptionNo}, ErrAlreadyVoted)
	e.Refuse(admin("a"), CloseProposal{ProposalID: 1}, ErrVotingOpen)
	for _, ag := range []string{"b", "c", "d"} {
		e.OK(admin(ag), CastVote{ProposalID: 1, Option: OptionYes}) // 40 of 50 passes
	}
	require.Equal(t, StatusPassed, e.proposal(1).Status)
	e.Refuse(admin("b"), CastVote{ProposalID: 1, Option: OptionYes}, ErrProposalClosed)
	e.Refuse(admin("b"), CloseProposal{ProposalID: 1}, ErrProposalClosed)
	// Now 4 validators remain: proposal 2 can no longer be submitted.
	e.Refuse(admin("a"), sub(removeAgency("c")), ErrTooFewValidators)

	// After the deadline: no vote, and closing expires it.
	e.Height += testPeriod + 1
	e.Refuse(admin("a"), CastVote{ProposalID: 2, Option: OptionYes}, ErrVotingEnded)
	e.OK(admin("f"), CloseProposal{ProposalID: 2})
	require.Equal(t, StatusExpired, e.proposal(2).Status)

	// Upgrade plans: the height must be after the block that runs the
	// change; one plan at a time; a done name never again; only the
	// scheduled name can be cancelled.
	sha := valKey("binary")
	schedule := func(name string, h int64) Change {
		return Change{ScheduleUpgrade: &ScheduleUpgrade{Name: name, Height: h, BinarySHA256: sha}}
	}
	e.Refuse(admin("a"), sub(schedule("v2", e.Height+1)), ErrUpgradeHeight)
	e.Refuse(admin("a"), sub(Change{CancelUpgrade: &CancelUpgrade{Name: "v2"}}), ErrNoUpgradePlan)
	require.NoError(t, core.SetJSON(e.KV, UpgradeDoneKey("v1"), UpgradeDone{Name: "v1", Height: 3, BinarySHA256: sha}))
	e.Refuse(admin("a"), sub(schedule("v1", e.Height+50)), ErrUpgradeDone)
	require.NoError(t, applyUpgrade(e.KV, schedule("v2", e.Height+50), 7, e.Height))
	e.Refuse(admin("a"), sub(schedule("v3", e.Height+60)), ErrUpgradeScheduled)
	e.Refuse(admin("a"), sub(Change{CancelUpgrade: &CancelUpgrade{Name: "v3"}}), ErrNoUpgradePlan)
	e.OK(admin("a"), sub(Change{CancelUpgrade: &CancelUpgrade{Name: "v2"}}))
	done, err := DoneUpgrades(e.KV)
	require.NoError(t, err)
	require.Equal(t, []UpgradeDone{{Name: "v1", Height: 3, BinarySHA256: sha}}, done)

	// Query-only sentinels.
	for _, q := range []struct {
		path []string
		err  error
	}{
		{[]string{"proposal", "x"}, ErrUnknownQuery},
		{[]string{"proposal", "9"}, ErrProposalNotFound},
		{[]string{"evidence"}, ErrEvidenceNotFound},
		{[]string{"evidence", "1"}, ErrEvidenceNotFound},
		{[]string{"evidence", "0"}, ErrUnknownQuery},
		{[]string{"upgrade", "v9"}, ErrUpgradeNotDone},
		{[]string{"upgrade", "V9"}, ErrUnknownQuery},
	} {
		e.RefuseQuery(boundQuery, q.path, q.err)
	}

	e.RequireSeen(Errors)
}
