package app

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/gov"
	"github.com/govchain/govchain/state"
)

// TestGovernanceThroughApp passes a role-policy change by a 2/3 vote of
// the agencies and checks that it takes effect, all through signed
// transactions in blocks.
func TestGovernanceThroughApp(t *testing.T) {
	c := newTestChain(t, state.EngineMemIAVL, t.TempDir())
	c.block()
	notary := &agency.GrantRole{Account: c.addr("carol"), Role: core.RoleNotary}
	require.ErrorIs(t, c.exec("admin-finance", notary), agency.ErrRoleNotGrantable)

	r := c.mustExec("admin-finance", &gov.SubmitProposal{Summary: "finance may appoint notaries too",
		Change: gov.Change{SetRolePolicy: &gov.SetRolePolicy{Role: core.RoleNotary, Agencies: []string{"finance", "justice"}}}})
	id, err := strconv.ParseUint(eventAttr(r.Events, "proposal_id"), 10, 64)
	require.NoError(t, err)
	// Two agencies: one yes is not more than 2/3; two are.
	c.mustExec("admin-finance", &gov.CastVote{ProposalID: id, Option: gov.OptionYes})
	require.ErrorIs(t, c.exec("admin-finance", notary), agency.ErrRoleNotGrantable)
	c.mustExec("admin-justice", &gov.CastVote{ProposalID: id, Option: gov.OptionYes})
	c.mustExec("admin-finance", notary)

	q := c.query(fmt.Sprintf("/gov/proposal/%d/votes", id))
	require.NoError(t, q.Err)
	require.Len(t, q.Entries, 3)
	// Justice's own grants stay justice's to revoke while it is a member...
	revoke := &agency.RevokeRole{Account: c.addr("notary"), Role: core.RoleNotary, Reason: "office closed"}
	require.ErrorIs(t, c.exec("admin-finance", revoke), agency.ErrNotGrantor)
	// ...and once it has left (as a passed remove_agency would do; here
	// written directly, since the last validator agency cannot leave), an
	// agency allowed to grant the role may revoke them.
	require.NoError(t, c.store.Delete(core.AgencyKey("justice")))
	c.block()
	c.mustExec("admin-finance", revoke)

	q = c.query("/agency/policy/notary")
	require.NoError(t, q.Err)
	var pol core.RolePolicy
	require.NoError(t, json.Unmarshal(q.Value, &pol))
	require.Equal(t, []string{"finance", "justice"}, pol.Agencies)
}

// TestValidatorUpdatesLeaveFinalizeBlock passes a validator power change
// on a chain of five validator agencies and checks that FinalizeBlock hands
// it to CometBFT, and that the rules on validator changes hold.
func TestValidatorUpdatesLeaveFinalizeBlock(t *testing.T) {
	ids := []string{"interior", "transport", "health"}
	c := newTestChainWith(t, state.EngineMemIAVL, t.TempDir(), func(c *testChain, g *Genesis) {
		g.Agencies[1].Validator = core.Validator{PubKey: core.HexBytes(testKey("val-finance").PubKey().Bytes()), Power: 10}
		for _, id := range ids {
			c.keys["admin-"+id] = testKey("admin-" + id)
			g.Agencies = append(g.Agencies, core.Agency{ID: id, Name: "Ministry " + id,
				Validator: core.Validator{PubKey: core.HexBytes(testKey("val-" + id).PubKey().Bytes()), Power: 10},
				Admins:    []core.Address{c.addr("admin-" + id)}})
		}
	})
	c.block()
	admins := []string{"admin-justice", "admin-finance", "admin-interior", "admin-transport", "admin-health"}

	// One agency may not reach a third of the power (30 of 70 would).
	require.ErrorIs(t, c.exec("admin-justice", &gov.SubmitProposal{Summary: "more for justice",
		Change: gov.Change{SetValidatorPower: &gov.SetValidatorPower{AgencyID: "justice", Power: 30}}}), gov.ErrPowerConcentration)
	// Removing a validator would leave four: allowed; removing two would not.
	r := c.mustExec("admin-justice", &gov.SubmitProposal{Summary: "health to 12",
		Change: gov.Change{SetValidatorPower: &gov.SetValidatorPower{AgencyID: "health", Power: 12}}})
	id, err := strconv.ParseUint(eventAttr(r.Events, "proposal_id"), 10, 64)
	require.NoError(t, err)

	// Five agencies: four yes votes are more than 2/3, three are not.
	var last *BlockResult
	for i, admin := range admins[:4] {
		c.height++
		c.time = c.time.Add(10e9)
		block, err := c.app.FinalizeBlock(c.height, c.time, [][]byte{c.sign(admin, &gov.CastVote{ProposalID: id, Option: gov.OptionYes})})
		require.NoError(t, err)
		require.NoError(t, block.Txs[0].Err)
		_, err = c.app.Commit()
		require.NoError(t, err)
		if i < 3 {
			require.Empty(t, block.ValidatorUpdates, "vote %d must not pass the proposal", i+1)
		}
		last = block
	}
	require.Equal(t, []core.Validator{{PubKey: core.HexBytes(testKey("val-health").PubKey().Bytes()), Power: 12}}, last.ValidatorUpdates)
}
