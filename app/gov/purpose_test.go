package gov

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/state"
)

// purpose reads a sharing purpose from the state.
func (e *env) purpose(code string) (sharing.Purpose, bool) {
	var p sharing.Purpose
	found, err := core.GetJSON(e.KV, sharing.PurposeKey(code), &p)
	require.NoError(e.T, err)
	return p, found
}

// purposeCodes reads the sharing purpose index.
func purposeCodes(t *testing.T, r state.Reader) []string {
	var idx sharing.PurposeIndex
	_, err := core.GetJSON(r, sharing.PurposeIndexKey(), &idx)
	require.NoError(t, err)
	return idx.Codes
}

// TestSetPurpose: the agencies add a purpose, change one and retire one by
// vote; the change is applied by the sharing package in the transaction
// of the deciding vote, at its height.
func TestSetPurpose(t *testing.T) {
	e := newEnv(t, ThresholdAgencies)
	require.NoError(t, sharing.InitGenesis(e.KV, sharing.DefaultGenesis()))
	e.agencies(0, 0, 0)

	id := e.submit("a", setPurpose("research", false))
	require.Equal(t, KindSetPurpose, e.proposal(id).Kind)
	e.vote("a", id, OptionYes)
	_, found := e.purpose("research")
	require.False(t, found, "not before the proposal passes")
	e.vote("b", id, OptionYes)
	e.vote("c", id, OptionYes)
	require.Equal(t, StatusPassed, e.proposal(id).Status)
	require.Equal(t, []string{"research"}, attr(t, e.Last.Events(), "purpose"))
	p, found := e.purpose("research")
	require.True(t, found)
	require.Equal(t, sharing.Purpose{Code: "research", Description: "scientific research", SetHeight: e.Height}, p)
	require.Contains(t, purposeCodes(t, e.KV), "research")

	// Retire statistics, then bring it back as covert.
	for _, c := range []Change{setPurpose("statistics", true), {SetPurpose: &SetPurpose{Code: "statistics", Description: "d", Covert: true}}} {
		id = e.submit("b", c)
		for _, ag := range []string{"a", "b", "c"} {
			e.vote(ag, id, OptionYes)
		}
		require.Equal(t, StatusPassed, e.proposal(id).Status)
		p, _ = e.purpose("statistics")
		require.Equal(t, c.SetPurpose.Retired, p.Retired)
		require.Equal(t, c.SetPurpose.Covert, p.Covert)
	}
	require.Len(t, purposeCodes(t, e.KV), len(sharing.DefaultGenesis().Purposes)+1, "a changed purpose is not listed twice")

	// A purpose that does not exist cannot be retired: refused at
	// submission with the sharing sentinel, nothing changed.
	e.Refuse(admin("a"), SubmitProposal{Summary: "s", Change: setPurpose("nope", true)}, sharing.ErrPurposeNotFound)

	// A change allowed at submission but not at execution fails.
	id = e.submit("a", setPurpose("late", false))
	for i := len(purposeCodes(t, e.KV)); i < sharing.MaxPurposes; i++ {
		require.NoError(t, sharing.SetPurpose{Code: fmt.Sprintf("p%03d", i), Description: "filler"}.Apply(e.KV, e.Height))
	}
	before := len(purposeCodes(t, e.KV))
	for _, ag := range []string{"a", "b", "c"} {
		e.vote(ag, id, OptionYes)
	}
	pr := e.proposal(id)
	require.Equal(t, StatusFailed, pr.Status)
	require.Contains(t, pr.Failure, sharing.ErrTooManyPurposes.Error())
	_, found = e.purpose("late")
	require.False(t, found)
	require.Len(t, purposeCodes(t, e.KV), before)
	require.True(t, e.Seen[sharing.ErrPurposeNotFound])
}
