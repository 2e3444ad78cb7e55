package gov

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// TestAddAgencyFourAgencies: with 4 agencies a proposal needs 3 yes votes
// (3*3 > 2*4, 3*2 <= 2*4); the deciding vote executes it in the same
// transaction and returns the new validator to CometBFT.
func TestAddAgencyFourAgencies(t *testing.T) {
	e := newEnv(t, ThresholdAgencies)
	e.agencies(10, 10, 10, 10)
	e.setPolicy(core.RoleNotary, "a", "c")

	ev := e.OK(admin("a"), SubmitProposal{Summary: "Ministry of Health joins", Change: addAgency("e", 10)})
	require.Equal(t, []string{"submit_proposal"}, attr(t, ev, "action"))
	require.Equal(t, []string{"1"}, attr(t, ev, "proposal_id"))
	require.Equal(t, []string{"e"}, attr(t, ev, "target_agency_id"))
	p := e.proposal(1)
	require.Equal(t, StatusOpen, p.Status)
	require.Equal(t, KindAddAgency, p.Kind)
	require.Equal(t, "a", p.ProposerAgency)
	require.Equal(t, int64(4), p.TotalWeight)
	require.Equal(t, []Elector{{"a", 1}, {"b", 1}, {"c", 1}, {"d", 1}}, p.Electorate)
	require.Equal(t, coretest.BlockTime(e.Height).Add(testPeriod*1e9), p.VotingEndsAt)
	require.Equal(t, []uint64{1}, e.openIDs())

	require.Equal(t, StatusOpen, e.vote("a", 1, OptionYes).Status)
	require.Empty(t, e.updates())
	p = e.vote("b", 1, OptionYes)
	require.Equal(t, StatusOpen, p.Status, "2 of 4 is not more than 2/3")
	require.Empty(t, e.updates())
	_, found := e.agency("e")
	require.False(t, found)

	p = e.vote("c", 1, OptionYes)
	require.Equal(t, StatusPassed, p.Status)
	require.Equal(t, int64(3), p.YesWeight)
	require.Equal(t, uint64(3), p.VoteCount)
	require.Equal(t, e.Height, p.ClosedHeight)
	require.Equal(t, []core.Validator{{PubKey: valKey("e"), Power: 10}}, e.updates())
	require.Equal(t, []core.Validator{{PubKey: valKey("e"), Power: 10}}, p.ValidatorUpdates)
	require.Empty(t, e.openIDs())
	require.Equal(t, []string{"submit_proposal", "cast_vote", "cast_vote", "cast_vote", "passed"}, e.history(1))

	ag, found := e.agency("e")
	require.True(t, found)
	require.Equal(t, newAgency("e", 10).Validator, ag.Validator)
	require.Equal(t, []string{"a", "b", "c", "d", "e"}, e.agencySet())
	id, err := core.AdminAgency(e.KV, admin("e"))
	require.NoError(t, err)
	require.Equal(t, "e", id)

	// The last agency can no longer vote on the closed proposal.
	e.Refuse(admin("d"), CastVote{ProposalID: 1, Option: OptionYes}, ErrProposalClosed)
	// The new agency proposes and votes on new proposals.
	id2 := e.submit("e", setPolicy(core.RoleNotary, "a", "c", "e"))
	require.Equal(t, int64(5), e.proposal(id2).TotalWeight)
	e.vote("e", id2, OptionYes)
}

// TestAddAgencyFiveAgencies: with 5 agencies a proposal needs 4 yes votes
// (3*4 > 2*5, 3*3 <= 2*5).
func TestAddAgencyFiveAgencies(t *testing.T) {
	e := newEnv(t, ThresholdAgencies)
	e.agencies(10, 10, 10, 10, 10)
	id := e.submit("b", addAgency("f", 10))
	for i, ag := range []string{"a", "b", "c"} {
		p := e.vote(ag, id, OptionYes)
		require.Equal(t, StatusOpen, p.Status, "%d yes of 5", i+1)
		require.Empty(t, e.updates())
	}
	p := e.vote("e", id, OptionYes)
	require.Equal(t, StatusPassed, p.Status)
	require.Equal(t, []core.Validator{{PubKey: valKey("f"), Power: 10}}, e.updates())
	require.Equal(t, []string{"a", "b", "c", "d", "e", "f"}, e.agencySet())

	// Rejection as soon as passing is impossible: with 6 electors passing
	// needs 5 yes (3*5 > 12, 3*4 = 12), so 1 no leaves it open and 2 no
	// reject it.
	id = e.submit("a", addAgency("g", 0))
	require.Equal(t, StatusOpen, e.vote("a", id, OptionNo).Status, "5 yes of 6 could still pass")
	p = e.vote("b", id, OptionNo)
	require.Equal(t, StatusRejected, p.Status)
	require.Equal(t, int64(2), p.NoWeight)
	require.Equal(t, []string{"submit_proposal", "cast_vote", "cast_vote", "rejected"}, e.history(id))
	_, found := e.agency("g")
	require.False(t, found)
}

// TestElectorateSnapshot: an agency that joins while a proposal is open has
// no vote on it, and the electorate's size does not change its threshold.
func TestElectorateSnapshot(t *testing.T) {
	e := newEnv(t, ThresholdAgencies)
	e.agencies(10, 10, 10, 10)
	early := e.submit("a", setPolicy(core.RoleBank, "a"))
	add := e.submit("a", addAgency("e", 10))
	for _, ag := range []string{"a", "b", "c"} {
		e.vote(ag, add, OptionYes)
	}
	require.Equal(t, StatusPassed, e.proposal(add).Status)
	e.Refuse(admin("e"), CastVote{ProposalID: early, Option: OptionYes}, ErrNotElector)
	e.vote("a", early, OptionYes)
	e.vote("b", early, OptionYes)
	require.Equal(t, StatusPassed, e.vote("c", early, OptionYes).Status, "3 of the 4 electors at submission")
	require.Equal(t, []string{"a"}, e.policy(core.RoleBank))
}

// TestPowerThreshold: under the "power" basis agencies vote with their
// validator power, and an agency without a validator has no vote.
func TestPowerThreshold(t *testing.T) {
	e := newEnv(t, ThresholdPower)
	e.agencies(30, 30, 20, 20, 0)
	id := e.submit("e", setPolicy(core.RoleCourt, "e"))
	p := e.proposal(id)
	require.Equal(t, int64(100), p.TotalWeight)
	require.Equal(t, []Elector{{"a", 30}, {"b", 30}, {"c", 20}, {"d", 20}}, p.Electorate)
	e.Refuse(admin("e"), CastVote{ProposalID: id, Option: OptionYes}, ErrNotElector)
	require.Equal(t, StatusOpen, e.vote("a", id, OptionYes).Status)
	require.Equal(t, StatusOpen, e.vote("b", id, OptionYes).Status, "60 of 100")
	p = e.vote("d", id, OptionYes)
	require.Equal(t, StatusPassed, p.Status, "80 of 100")
	require.Equal(t, int64(80), p.YesWeight)
	require.Equal(t, []string{"e"}, e.policy(core.RoleCourt))

	// 34 of 100 voting no makes passing impossible (66*3 = 198 <= 200).
	id = e.submit("a", setPolicy(core.RoleCourt, "a"))
	require.Equal(t, StatusOpen, e.vote("c", id, OptionNo).Status)
	require.Equal(t, StatusRejected, e.vote("d", id, OptionNo).Status)
}

// TestValidatorChanges: power changes, key rotation and removal are returned
// as validator updates; the rules refuse fewer than 4 validators and an
// agency with 1/3 or more of the power.
func TestValidatorChanges(t *testing.T) {
	e := newEnv(t, ThresholdAgencies)
	e.agencies(10, 10, 10, 10, 10)
	e.setPolicy(core.RoleNotary, "a", "e")
	e.setPolicy(core.RoleBank, "e")
	pass := func(c Change) Proposal {
		t.Helper()
		id := e.submit("a", c)
		var p Proposal
		for _, ag := range e.agencySet() {
			p = e.vote(ag, id, OptionYes)
			if p.Status != StatusOpen {
				break
			}
		}
		require.Equal(t, StatusPassed, p.Status, p.Failure)
		return p
	}

	// 20 of 60: 3*20 >= 60 is refused; 15 of 55 is allowed.
	e.Refuse(admin("a"), SubmitProposal{Summary: "x", Change: setPower("a", 20, nil)}, ErrPowerConcentration)
	pass(setPower("a", 15, nil))
	require.Equal(t, []core.Validator{{PubKey: valKey("a"), Power: 15}}, e.updates())
	ag, _ := e.agency("a")
	require.Equal(t, int64(15), ag.Validator.Power)

	// Key rotation: the old key leaves, the new one joins.
	pass(setPower("b", 12, valKey("b2")))
	require.Equal(t, []core.Validator{{PubKey: valKey("b"), Power: 0}, {PubKey: valKey("b2"), Power: 12}}, e.updates())
	ag, _ = e.agency("b")
	require.Equal(t, core.Validator{PubKey: valKey("b2"), Power: 12}, ag.Validator)
	// Another agency's key is refused.
	e.Refuse(admin("a"), SubmitProposal{Summary: "x", Change: setPower("c", 10, valKey("a"))}, ErrValidatorKeyInUse)

	// Removing agency e (power 10): 4 validators remain.
	p := pass(removeAgency("e"))
	require.Equal(t, []core.Validator{{PubKey: valKey("e"), Power: 0}}, p.ValidatorUpdates)
	require.Equal(t, p.ValidatorUpdates, e.updates())
	_, found := e.agency("e")
	require.False(t, found)
	require.Equal(t, []string{"a", "b", "c", "d"}, e.agencySet())
	require.Equal(t, []string{"a"}, e.policy(core.RoleNotary))
	require.Equal(t, []string{}, e.policy(core.RoleBank))
	id, err := core.AdminAgency(e.KV, admin("e"))
	require.NoError(t, err)
	require.Empty(t, id)

	// With 4 validators, none can go: not by removal, nor by power 0.
	e.Refuse(admin("a"), SubmitProposal{Summary: "x", Change: removeAgency("d")}, ErrTooFewValidators)
	e.Refuse(admin("a"), SubmitProposal{Summary: "x", Change: setPower("d", 0, nil)}, ErrTooFewValidators)

	// An agency without a validator joins and leaves without touching power;
	// it gains a validator through set_validator_power with a key.
	pass(addAgency("h", 0))
	require.Empty(t, e.updates())
	e.Refuse(admin("a"), SubmitProposal{Summary: "x", Change: setPower("h", 10, nil)}, ErrNoValidator)
	pass(setPower("h", 10, valKey("h")))
	require.Equal(t, []core.Validator{{PubKey: valKey("h"), Power: 10}}, e.updates())
	pass(setPower("h", 0, nil))
	require.Equal(t, []core.Validator{{PubKey: valKey("h"), Power: 0}}, e.updates())
	ag, _ = e.agency("h")
	require.False(t, ag.HasValidator())
	pass(removeAgency("h"))
	require.Empty(t, e.updates())
}

// decide has agencies vote yes on proposal id until it closes, and returns
// it.
func (e *env) decide(id uint64) Proposal {
	e.T.Helper()
	for _, el := range e.proposal(id).Electorate {
		if p := e.vote(el.AgencyID, id, OptionYes); p.Status != StatusOpen {
			return p
		}
	}
	e.T.Fatalf("proposal %d did not close", id)
	return Proposal{}
}

// TestExecutionRechecks: a proposal that was allowed at submission but is
// no longer allowed when it passes fails with the reason, and its change
// writes nothing and updates no validator.
func TestExecutionRechecks(t *testing.T) {
	t.Run("agency exists", func(t *testing.T) {
		e := newEnv(t, ThresholdAgencies)
		e.agencies(10, 10, 10, 10, 10)
		first := e.submit("c", addAgency("x", 0))
		second := e.submit("d", addAgency("x", 0))
		require.Equal(t, StatusPassed, e.decide(first).Status)
		for _, ag := range []string{"a", "b", "c"} {
			e.vote(ag, second, OptionYes)
		}
		before := e.Snapshot()
		ev := e.OK(admin("d"), CastVote{ProposalID: second, Option: OptionYes})
		require.Equal(t, []string{StatusFailed}, attr(t, ev, "status"))
		require.Equal(t, []string{ErrAgencyExists.Error() + ": agency x"}, attr(t, ev, "failure"))
		p := e.proposal(second)
		require.Equal(t, StatusFailed, p.Status)
		require.Equal(t, ErrAgencyExists.Error()+": agency x", p.Failure)
		require.Empty(t, e.updates())
		require.Equal(t, []string{"submit_proposal", "cast_vote", "cast_vote", "cast_vote", "cast_vote", "failed"}, e.history(second))
		for k, v := range e.Snapshot() { // only gov records changed
			if k[0] != 0x60 {
				require.Equal(t, before[k], v)
			}
		}
	})
	t.Run("power concentration", func(t *testing.T) {
		e := newEnv(t, ThresholdAgencies)
		e.agencies(10, 10, 10, 10, 10)
		raise := e.submit("a", setPower("a", 19, nil)) // 19 of 59: 57 < 59
		lower := e.submit("a", setPower("b", 1, nil))  // 10 of 41: 30 < 41
		require.Equal(t, StatusPassed, e.decide(raise).Status)
		p := e.decide(lower) // a would hold 19 of 50
		require.Equal(t, StatusFailed, p.Status)
		require.Contains(t, p.Failure, ErrPowerConcentration.Error())
		require.Contains(t, p.Failure, "agency a would hold 19 of 50")
		require.Empty(t, e.updates())
		ag, _ := e.agency("b")
		require.Equal(t, int64(10), ag.Validator.Power)
	})
	t.Run("too few validators", func(t *testing.T) {
		e := newEnv(t, ThresholdAgencies)
		e.agencies(10, 10, 10, 10, 10)
		rmE := e.submit("a", removeAgency("e"))
		rmD := e.submit("a", removeAgency("d"))
		require.Equal(t, StatusPassed, e.decide(rmE).Status)
		require.Equal(t, []core.Validator{{PubKey: valKey("e"), Power: 0}}, e.updates())
		p := e.decide(rmD)
		require.Equal(t, StatusFailed, p.Status)
		require.Contains(t, p.Failure, ErrTooFewValidators.Error())
		require.Empty(t, e.updates())
		_, found := e.agency("d")
		require.True(t, found)
	})
}

// TestRolePolicyChange: once a set_role_policy proposal passes, the newly
// allowed agency's admin may grant the role.
func TestRolePolicyChange(t *testing.T) {
	e := newEnv(t, ThresholdAgencies)
	e.agencies(10, 10, 10, 10)
	e.setPolicy(core.RoleNotary, "a")
	notary := coretest.Address("new notary")
	grant := func() error {
		e.Height++
		ctx := coretest.Context(e.KV, admin("b"), e.Height)
		return (&agency.GrantRole{Account: notary, Role: core.RoleNotary}).Exec(ctx)
	}
	require.ErrorIs(t, grant(), agency.ErrRoleNotGrantable)

	id := e.submit("b", setPolicy(core.RoleNotary, "a", "b"))
	for _, ag := range []string{"b", "c", "d"} {
		e.vote(ag, id, OptionYes)
	}
	require.Equal(t, StatusPassed, e.proposal(id).Status)
	require.Empty(t, e.updates())
	require.Equal(t, []string{"a", "b"}, e.policy(core.RoleNotary))
	require.NoError(t, grant())
	ok, err := core.HasRole(e.KV, notary, core.RoleNotary)
	require.NoError(t, err)
	require.True(t, ok)

	// An empty policy: no agency may grant the role any more.
	id = e.submit("a", setPolicy(core.RoleNotary))
	for _, ag := range []string{"a", "b", "c"} {
		e.vote(ag, id, OptionYes)
	}
	require.Equal(t, []string{}, e.policy(core.RoleNotary))
}

// TestDevChain: with one validator no validator change is allowed at all
// (fewer than 4 validators; one agency holding all the power), while role
// policy and agencies without a validator still change.
func TestDevChain(t *testing.T) {
	e := newEnv(t, ThresholdAgencies)
	e.agencies(10, 0, 0, 0)
	e.Refuse(admin("a"), SubmitProposal{Summary: "x", Change: addAgency("e", 10)}, ErrTooFewValidators)
	e.Refuse(admin("a"), SubmitProposal{Summary: "x", Change: setPower("a", 20, nil)}, ErrTooFewValidators)
	e.Refuse(admin("a"), SubmitProposal{Summary: "x", Change: removeAgency("a")}, ErrTooFewValidators)
	e.Refuse(admin("a"), SubmitProposal{Summary: "x", Change: setPower("b", 10, valKey("b"))}, ErrTooFewValidators)

	id := e.submit("a", addAgency("e", 0))
	for _, ag := range []string{"a", "b", "c"} {
		e.vote(ag, id, OptionYes)
	}
	require.Equal(t, StatusPassed, e.proposal(id).Status)
	require.Empty(t, e.updates())
	id = e.submit("a", removeAgency("b"))
	p := e.decide(id)
	require.Equal(t, StatusPassed, p.Status)
	require.Equal(t, uint64(4), p.VoteCount, "4 of the 5 agencies")
	require.Equal(t, []string{"a", "c", "d", "e"}, e.agencySet())
}

// TestExpiry: votes are accepted up to the deadline; after it a vote is
// refused and any agency admin closes the proposal as expired.
func TestExpiry(t *testing.T) {
	e := newEnv(t, ThresholdAgencies)
	e.agencies(10, 10, 10, 10)
	id := e.submit("a", setPolicy(core.RoleAuditor, "a"))
	deadline := e.proposal(id).VotingEndsAt
	e.Refuse(admin("b"), CloseProposal{ProposalID: id}, ErrVotingOpen)
	e.Height = e.proposal(id).SubmittedHeight + testPeriod - 1 // the next block is exactly at the deadline
	require.Equal(t, deadline, coretest.BlockTime(e.Height+1))
	e.vote("a", id, OptionYes)
	e.Refuse(admin("b"), CastVote{ProposalID: id, Option: OptionYes}, ErrVotingEnded)
	ev := e.OK(admin("b"), CloseProposal{ProposalID: id})
	require.Equal(t, []string{"close_proposal"}, attr(t, ev, "action"))
	p := e.proposal(id)
	require.Equal(t, StatusExpired, p.Status)
	require.Empty(t, e.openIDs())
	require.Equal(t, []string{"submit_proposal", "cast_vote", "expired"}, e.history(id))
	e.Refuse(admin("c"), CloseProposal{ProposalID: id}, ErrProposalClosed)
	require.Empty(t, e.policy(core.RoleAuditor))
}
