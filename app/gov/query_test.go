package gov

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

func TestQueries(t *testing.T) {
	e := newEnv(t, ThresholdAgencies)
	e.agencies(10, 10, 10, 10)
	p1 := e.submit("a", setPolicy(core.RoleNotary, "a"))
	p2 := e.submit("b", addAgency("e", 0))
	p3 := e.submit("c", setPolicy(core.RoleBank, "b"))
	e.vote("c", p2, OptionYes)
	e.vote("a", p2, OptionNo)
	for _, ag := range []string{"a", "b", "c"} {
		e.vote(ag, p1, OptionYes)
	}
	require.Equal(t, StatusPassed, e.proposal(p1).Status)

	// params: the exact stored bytes.
	res, err := boundQuery(t, e.KV, []string{"params"})
	require.NoError(t, err)
	require.Equal(t, ParamsKey(), res.Key)
	require.JSONEq(t, `{"voting_period_seconds":100,"threshold":"agencies"}`, string(res.Value))

	// proposals: the index, then each open proposal in submission order.
	res, err = boundQuery(t, e.KV, []string{"proposals"})
	require.NoError(t, err)
	require.Equal(t, IndexKey(), res.Key)
	require.JSONEq(t, `{"last_id":3,"open":[2,3]}`, string(res.Value))
	require.Len(t, res.Entries, 3)
	require.Equal(t, core.KVPair{Key: res.Key, Value: res.Value}, res.Entries[0])
	for i, id := range []uint64{p2, p3} {
		require.Equal(t, ProposalKey(id), res.Entries[i+1].Key)
		stored, _ := e.KV.Get(ProposalKey(id))
		require.Equal(t, stored, res.Entries[i+1].Value)
	}

	// proposal/{id}: tally, status, deadline, electorate.
	res, err = boundQuery(t, e.KV, []string{"proposal", "2"})
	require.NoError(t, err)
	require.Equal(t, ProposalKey(2), res.Key)
	require.Empty(t, res.Entries)
	var p Proposal
	require.NoError(t, json.Unmarshal(res.Value, &p))
	require.Equal(t, StatusOpen, p.Status)
	require.Equal(t, int64(1), p.YesWeight)
	require.Equal(t, int64(1), p.NoWeight)
	require.Len(t, p.Electorate, 4)
	require.False(t, p.VotingEndsAt.IsZero())
	require.Nil(t, p.ClosedAt)

	// proposal/{id}/votes: the proposal, then one entry per vote in key
	// order.
	res, err = boundQuery(t, e.KV, []string{"proposal", "2", "votes"})
	require.NoError(t, err)
	require.Equal(t, ProposalKey(2), res.Key)
	require.Len(t, res.Entries, 3)
	for i, want := range []struct {
		agency, option string
	}{{"a", OptionNo}, {"c", OptionYes}} {
		kv := res.Entries[i+1]
		require.Equal(t, VoteKey(2, want.agency), kv.Key)
		var v Vote
		require.NoError(t, json.Unmarshal(kv.Value, &v))
		require.Equal(t, want.option, v.Option)
		require.Equal(t, admin(want.agency), v.Voter)
		require.Equal(t, int64(1), v.Weight)
	}
	res, err = boundQuery(t, e.KV, []string{"proposal", "3", "votes"})
	require.NoError(t, err)
	require.Len(t, res.Entries, 1, "no votes yet: the anchor alone")

	// proposal/{id}/history.
	require.Equal(t, []string{"submit_proposal", "cast_vote", "cast_vote", "cast_vote", "passed"}, e.history(p1))

	// Not found: the key whose absence proves it.
	for _, q := range []struct {
		path []string
		key  []byte
	}{
		{[]string{"proposal", "9"}, ProposalKey(9)},
		{[]string{"proposal", "9", "votes"}, ProposalKey(9)},
		{[]string{"proposal", "9", "history"}, ProposalKey(9)},
	} {
		coretest.RequireNotFound(t, boundQuery, e.KV, q.path, q.key, ErrProposalNotFound)
	}
	empty := newEnv(t, ThresholdAgencies)
	require.NoError(t, empty.KV.Delete(ParamsKey()))
	require.NoError(t, empty.KV.Delete(IndexKey()))
	for _, q := range []struct {
		path []string
		key  []byte
	}{{[]string{"params"}, ParamsKey()}, {[]string{"proposals"}, IndexKey()}} {
		coretest.RequireNotFound(t, boundQuery, empty.KV, q.path, q.key, nil)
	}

	// Unknown paths and malformed ids are invalid.
	coretest.RequireMalformed(t, boundQuery, e.KV, ErrUnknownQuery, [][]string{
		nil, {}, {"proposal"}, {"proposal", "0"}, {"proposal", "01"}, {"proposal", "-1"}, {"proposal", "x"},
		{"proposal", "1", "tally"}, {"proposal", "9", "tally"}, {"proposal", "1", "votes", "a"}, {"proposals", "1"}, {"params", "x"},
		{"agencies"}, {"proposal", "18446744073709551616"},
	})
}
