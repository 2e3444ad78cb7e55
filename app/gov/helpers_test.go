package gov

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/state"
)

// testPeriod is the voting period of the tests' genesis, in seconds (and so
// in one-second test blocks).
const testPeriod = 100

// env is a chain of one-transaction blocks over a MemKV: each message runs
// Validate, then Exec on a state.Branch that is written only on success.
type env struct {
	*coretest.Env
}

// newEnv returns a chain with the given governance parameters (voting
// period testPeriod if zero) and no agency.
func newEnv(t *testing.T, threshold string) *env {
	e := &env{Env: coretest.NewEnv(t)}
	require.NoError(t, InitGenesis(e.KV, Params{VotingPeriodSeconds: testPeriod, Threshold: threshold}))
	require.NoError(t, core.SetAgencySet(e.KV, core.AgencySet{}))
	return e
}

// valKey is a deterministic consensus key.
func valKey(name string) core.HexBytes {
	return core.HexBytes(ed25519.GenPrivKeyFromSecret([]byte("validator " + name)).PubKey().(ed25519.PubKey))
}

// admin is the test admin of an agency.
func admin(id string) core.Address { return coretest.Address("admin-" + id) }

// newAgency is an agency definition with one admin and, if power > 0, a
// validator.
func newAgency(id string, power int64) core.Agency {
	ag := core.Agency{ID: id, Name: "Ministry " + id, Admins: []core.Address{admin(id)}}
	if power > 0 {
		ag.Validator = core.Validator{PubKey: valKey(id), Power: power}
	}
	return ag
}

// genesisAgency writes an agency as genesis does.
func (e *env) genesisAgency(ag core.Agency) {
	require.NoError(e.T, core.SetJSON(e.KV, core.AgencyKey(ag.ID), ag))
	for _, a := range ag.Admins {
		require.NoError(e.T, e.KV.Set(core.AgencyAdminKey(a), []byte(ag.ID)))
	}
	set, err := core.GetAgencySet(e.KV)
	require.NoError(e.T, err)
	set.AgencyIDs = append(set.AgencyIDs, ag.ID)
	require.NoError(e.T, core.SetAgencySet(e.KV, set))
}

// agencies writes one genesis agency per power (ids a, b, c, ...; power 0:
// no validator) and returns their ids.
func (e *env) agencies(powers ...int64) []string {
	var ids []string
	for i, p := range powers {
		id := string(rune('a' + i))
		e.genesisAgency(newAgency(id, p))
		ids = append(ids, id)
	}
	return ids
}

// submit submits a change as the admin of agency by and returns its id.
func (e *env) submit(by string, c Change) uint64 {
	e.T.Helper()
	ev := e.OK(admin(by), SubmitProposal{Summary: "proposal", Change: c})
	ids := attr(e.T, ev, "proposal_id")
	require.Len(e.T, ids, 1)
	p := e.proposal(e.lastID())
	require.Equal(e.T, ids[0], uintString(p.ID))
	return p.ID
}

// vote casts agency's vote and returns the proposal afterwards.
func (e *env) vote(agencyID string, id uint64, option string) Proposal {
	e.T.Helper()
	e.OK(admin(agencyID), CastVote{ProposalID: id, Option: option})
	return e.proposal(id)
}

func (e *env) lastID() uint64 {
	idx, err := getIndex(e.KV)
	require.NoError(e.T, err)
	return idx.LastID
}

func (e *env) proposal(id uint64) Proposal { return coretest.Read(e.T, getProposal, e.KV, id) }

func (e *env) agency(id string) (core.Agency, bool) {
	ag, found, err := core.GetAgency(e.KV, id)
	require.NoError(e.T, err)
	return ag, found
}

func (e *env) agencySet() []string {
	s, err := core.GetAgencySet(e.KV)
	require.NoError(e.T, err)
	return s.AgencyIDs
}

func (e *env) policy(r core.Role) []string {
	p, err := core.GetRolePolicy(e.KV, r)
	require.NoError(e.T, err)
	return p.Agencies
}

func (e *env) setPolicy(r core.Role, ids ...string) {
	require.NoError(e.T, putRolePolicy(e.KV, core.RolePolicy{Role: r, Agencies: slices.Clone(ids)}))
}

// openIDs returns the open proposal ids, via Query.
func (e *env) openIDs() []uint64 {
	res, err := boundQuery(e.T, e.KV, []string{"proposals"})
	require.NoError(e.T, err)
	var idx Index
	require.NoError(e.T, json.Unmarshal(res.Value, &idx))
	require.Len(e.T, res.Entries, len(idx.Open)+1)
	return idx.Open
}

// history returns the actions of a proposal's history, via Query.
func (e *env) history(id uint64) []string {
	return coretest.Actions(coretest.History(e.T, boundQuery, e.KV, []string{"proposal", uintString(id), "history"},
		func(seq uint64) []byte { return HistoryKey(id, seq) }))
}

// attr returns every value of an attribute of the first gov event.
func attr(t *testing.T, evs []core.Event, key string) []string {
	return coretest.Attrs(t, evs, 0, Name, key)
}

func uintString(n uint64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func addAgency(id string, power int64) Change {
	ag := newAgency(id, power)
	return Change{AddAgency: &ag}
}

func removeAgency(id string) Change { return Change{RemoveAgency: &RemoveAgency{AgencyID: id}} }

func setPower(id string, power int64, key core.HexBytes) Change {
	return Change{SetValidatorPower: &SetValidatorPower{AgencyID: id, Power: power, PubKey: key}}
}

func setPolicy(r core.Role, ids ...string) Change {
	return Change{SetRolePolicy: &SetRolePolicy{Role: r, Agencies: ids}}
}

func setPurpose(code string, retired bool) Change {
	return Change{SetPurpose: &SetPurpose{Code: code, Description: "scientific research", Retired: retired}}
}

// updates returns the validator updates of the last successful message.
func (e *env) updates() []core.Validator {
	if e.Last == nil {
		return nil
	}
	return e.Last.ValidatorUpdates()
}

// boundQuery is coretest.BoundQuery on this module.
func boundQuery(t testing.TB, r state.Reader, path []string) (*core.QueryResult, error) {
	t.Helper()
	return coretest.BoundQuery(t, Module, r, path)
}
