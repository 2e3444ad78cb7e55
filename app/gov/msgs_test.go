package gov

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// validateCase is a mutation Validate must refuse (coretest.ValidateCase).
type validateCase coretest.ValidateCase

// checkValidate requires base to be valid and every mutation of it to be
// refused with ErrInvalidMessage (coretest.CheckValidate).
var checkValidate = coretest.Validator[validateCase](Module, ErrInvalidMessage)

// submitWith returns a mutation of a SubmitProposal carrying change c
// (deep-copied) changed by fn.
func submitWith(fn func(m *SubmitProposal)) func(core.Msg) core.Msg {
	return func(m core.Msg) core.Msg {
		c := m.(SubmitProposal)
		if a := c.Change.AddAgency; a != nil {
			cp := *a
			cp.Admins = slices.Clone(a.Admins)
			cp.Validator.PubKey = slices.Clone(a.Validator.PubKey)
			c.Change.AddAgency = &cp
		}
		if r := c.Change.RemoveAgency; r != nil {
			cp := *r
			c.Change.RemoveAgency = &cp
		}
		if s := c.Change.SetValidatorPower; s != nil {
			cp := *s
			cp.PubKey = slices.Clone(s.PubKey)
			c.Change.SetValidatorPower = &cp
		}
		if s := c.Change.SetRolePolicy; s != nil {
			cp := *s
			cp.Agencies = slices.Clone(s.Agencies)
			c.Change.SetRolePolicy = &cp
		}
		if s := c.Change.SetPurpose; s != nil {
			cp := *s
			c.Change.SetPurpose = &cp
		}
		if s := c.Change.ScheduleUpgrade; s != nil {
			cp := *s
			cp.BinarySHA256 = slices.Clone(s.BinarySHA256)
			c.Change.ScheduleUpgrade = &cp
		}
		if s := c.Change.CancelUpgrade; s != nil {
			cp := *s
			c.Change.CancelUpgrade = &cp
		}
		fn(&c)
		return c
	}
}

func TestValidateSubmitProposal(t *testing.T) {
	t.Run("add_agency", func(t *testing.T) {
		base := SubmitProposal{Summary: "Health joins", Change: addAgency("health", 10)}
		noVal := SubmitProposal{Summary: "s", Change: addAgency("health", 0)}
		require.NoError(t, noVal.Validate(), "an agency without a validator")
		checkValidate(t, base, []validateCase{
			{"empty summary", submitWith(func(m *SubmitProposal) { m.Summary = "" })},
			{"long summary", submitWith(func(m *SubmitProposal) { m.Summary = strings.Repeat("x", MaxSummaryLen+1) })},
			{"control char in summary", submitWith(func(m *SubmitProposal) { m.Summary = "a\nb" })},
			{"no change", submitWith(func(m *SubmitProposal) { m.Change = Change{} })},
			{"two changes", submitWith(func(m *SubmitProposal) { m.Change.RemoveAgency = &RemoveAgency{AgencyID: "x"} })},
			{"bad id", submitWith(func(m *SubmitProposal) { m.Change.AddAgency.ID = "a/b" })},
			{"empty name", submitWith(func(m *SubmitProposal) { m.Change.AddAgency.Name = "" })},
			{"no admin", submitWith(func(m *SubmitProposal) { m.Change.AddAgency.Admins = nil })},
			{"zero admin", submitWith(func(m *SubmitProposal) { m.Change.AddAgency.Admins[0] = core.Address{} })},
			{"duplicate admin", submitWith(func(m *SubmitProposal) {
				m.Change.AddAgency.Admins = append(m.Change.AddAgency.Admins, m.Change.AddAgency.Admins[0])
			})},
			{"too many admins", submitWith(func(m *SubmitProposal) {
				m.Change.AddAgency.Admins = nil
				for i := 0; i <= MaxAdmins; i++ {
					m.Change.AddAgency.Admins = append(m.Change.AddAgency.Admins, coretest.Address(string(rune('a'+i))))
				}
			})},
			{"short key", submitWith(func(m *SubmitProposal) {
				m.Change.AddAgency.Validator.PubKey = m.Change.AddAgency.Validator.PubKey[:31]
			})},
			{"zero power", submitWith(func(m *SubmitProposal) { m.Change.AddAgency.Validator.Power = 0 })},
			{"negative power", submitWith(func(m *SubmitProposal) { m.Change.AddAgency.Validator.Power = -1 })},
			{"huge power", submitWith(func(m *SubmitProposal) { m.Change.AddAgency.Validator.Power = MaxPower + 1 })},
			{"power without key", submitWith(func(m *SubmitProposal) { m.Change.AddAgency.Validator.PubKey = nil })},
		})
	})
	t.Run("remove_agency", func(t *testing.T) {
		checkValidate(t, SubmitProposal{Summary: "s", Change: removeAgency("a")}, []validateCase{
			{"empty id", submitWith(func(m *SubmitProposal) { m.Change.RemoveAgency.AgencyID = "" })},
			{"bad id", submitWith(func(m *SubmitProposal) { m.Change.RemoveAgency.AgencyID = "a b" })},
		})
	})
	t.Run("set_validator_power", func(t *testing.T) {
		require.NoError(t, SubmitProposal{Summary: "s", Change: setPower("a", 0, nil)}.Validate(), "power 0 removes")
		require.NoError(t, SubmitProposal{Summary: "s", Change: setPower("a", 5, valKey("n"))}.Validate(), "new key")
		checkValidate(t, SubmitProposal{Summary: "s", Change: setPower("a", 5, nil)}, []validateCase{
			{"bad id", submitWith(func(m *SubmitProposal) { m.Change.SetValidatorPower.AgencyID = "" })},
			{"negative power", submitWith(func(m *SubmitProposal) { m.Change.SetValidatorPower.Power = -1 })},
			{"huge power", submitWith(func(m *SubmitProposal) { m.Change.SetValidatorPower.Power = MaxPower + 1 })},
			{"short key", submitWith(func(m *SubmitProposal) { m.Change.SetValidatorPower.PubKey = valKey("n")[:5] })},
			{"new key with power 0", submitWith(func(m *SubmitProposal) {
				m.Change.SetValidatorPower.PubKey = valKey("n")
				m.Change.SetValidatorPower.Power = 0
			})},
		})
	})
	t.Run("set_role_policy", func(t *testing.T) {
		require.NoError(t, SubmitProposal{Summary: "s", Change: setPolicy(core.RoleBank)}.Validate(), "nobody may grant")
		checkValidate(t, SubmitProposal{Summary: "s", Change: setPolicy(core.RoleBank, "a", "b")}, []validateCase{
			{"unknown role", submitWith(func(m *SubmitProposal) { m.Change.SetRolePolicy.Role = "pilot" })},
			{"unsorted", submitWith(func(m *SubmitProposal) { m.Change.SetRolePolicy.Agencies = []string{"b", "a"} })},
			{"duplicate", submitWith(func(m *SubmitProposal) { m.Change.SetRolePolicy.Agencies = []string{"a", "a"} })},
			{"bad id", submitWith(func(m *SubmitProposal) { m.Change.SetRolePolicy.Agencies = []string{""} })},
			{"too many", submitWith(func(m *SubmitProposal) {
				m.Change.SetRolePolicy.Agencies = nil
				for i := 0; i <= MaxPolicyAgencies; i++ {
					m.Change.SetRolePolicy.Agencies = append(m.Change.SetRolePolicy.Agencies, "a"+uintString(uint64(1000+i)))
				}
			})},
		})
	})
	t.Run("set_purpose", func(t *testing.T) {
		require.NoError(t, SubmitProposal{Summary: "s", Change: setPurpose("research", true)}.Validate(), "retire")
		checkValidate(t, SubmitProposal{Summary: "s", Change: setPurpose("research", false)}, []validateCase{
			{"empty code", submitWith(func(m *SubmitProposal) { m.Change.SetPurpose.Code = "" })},
			{"bad code", submitWith(func(m *SubmitProposal) { m.Change.SetPurpose.Code = "a/b" })},
			{"no description", submitWith(func(m *SubmitProposal) { m.Change.SetPurpose.Description = "" })},
			{"long description", submitWith(func(m *SubmitProposal) { m.Change.SetPurpose.Description = strings.Repeat("x", 1001) })},
			{"two kinds", submitWith(func(m *SubmitProposal) { m.Change.RemoveAgency = &RemoveAgency{AgencyID: "a"} })},
		})
	})
}

func TestValidateUpgradeChanges(t *testing.T) {
	sha := core.HexBytes(strings.Repeat("\xab", 32))
	schedule := func(name string) Change {
		return Change{ScheduleUpgrade: &ScheduleUpgrade{Name: name, Height: 100, BinarySHA256: sha, Notes: "v2.0.0, see the release page"}}
	}
	for _, name := range []string{"v2", "2026-06.a_b", strings.Repeat("a", MaxUpgradeNameLen)} {
		require.NoError(t, SubmitProposal{Summary: "s", Change: schedule(name)}.Validate(), name)
	}
	require.NoError(t, SubmitProposal{Summary: "s", Change: Change{ScheduleUpgrade: &ScheduleUpgrade{Name: "v2", Height: 1, BinarySHA256: sha}}}.Validate(), "no notes")
	checkValidate(t, SubmitProposal{Summary: "s", Change: schedule("v2")}, []validateCase{
		{"empty name", submitWith(func(m *SubmitProposal) { m.Change.ScheduleUpgrade.Name = "" })},
		{"upper case", submitWith(func(m *SubmitProposal) { m.Change.ScheduleUpgrade.Name = "V2" })},
		{"leading dash", submitWith(func(m *SubmitProposal) { m.Change.ScheduleUpgrade.Name = "-v2" })},
		{"slash", submitWith(func(m *SubmitProposal) { m.Change.ScheduleUpgrade.Name = "v2/x" })},
		{"long name", submitWith(func(m *SubmitProposal) { m.Change.ScheduleUpgrade.Name = strings.Repeat("a", MaxUpgradeNameLen+1) })},
		{"zero height", submitWith(func(m *SubmitProposal) { m.Change.ScheduleUpgrade.Height = 0 })},
		{"negative height", submitWith(func(m *SubmitProposal) { m.Change.ScheduleUpgrade.Height = -5 })},
		{"no hash", submitWith(func(m *SubmitProposal) { m.Change.ScheduleUpgrade.BinarySHA256 = nil })},
		{"short hash", submitWith(func(m *SubmitProposal) { m.Change.ScheduleUpgrade.BinarySHA256 = sha[:31] })},
		{"long hash", submitWith(func(m *SubmitProposal) { m.Change.ScheduleUpgrade.BinarySHA256 = append(sha, 1) })},
		{"control char in notes", submitWith(func(m *SubmitProposal) { m.Change.ScheduleUpgrade.Notes = "a\x00b" })},
		{"long notes", submitWith(func(m *SubmitProposal) { m.Change.ScheduleUpgrade.Notes = strings.Repeat("x", MaxUpgradeNotesLen+1) })},
		{"two kinds", submitWith(func(m *SubmitProposal) { m.Change.CancelUpgrade = &CancelUpgrade{Name: "v2"} })},
	})
	checkValidate(t, SubmitProposal{Summary: "s", Change: Change{CancelUpgrade: &CancelUpgrade{Name: "v2"}}}, []validateCase{
		{"empty name", submitWith(func(m *SubmitProposal) { m.Change.CancelUpgrade.Name = "" })},
		{"bad name", submitWith(func(m *SubmitProposal) { m.Change.CancelUpgrade.Name = "v 2" })},
	})
}

func TestValidateVoteAndClose(t *testing.T) {
	require.NoError(t, CastVote{ProposalID: 1, Option: OptionNo}.Validate())
	checkValidate(t, CastVote{ProposalID: 1, Option: OptionYes}, []validateCase{
		{"zero id", coretest.Mutate(func(m *CastVote) { m.ProposalID = 0 })},
		{"no option", coretest.Mutate(func(m *CastVote) { m.Option = "" })},
		{"abstain", coretest.Mutate(func(m *CastVote) { m.Option = "abstain" })},
		{"upper case", coretest.Mutate(func(m *CastVote) { m.Option = "YES" })},
	})
	checkValidate(t, CloseProposal{ProposalID: 1}, []validateCase{
		{"zero id", func(core.Msg) core.Msg { return CloseProposal{} }},
	})
}

func TestParams(t *testing.T) {
	require.NoError(t, DefaultParams().Validate())
	require.NoError(t, Params{VotingPeriodSeconds: 1, Threshold: ThresholdPower}.Validate())
	require.NoError(t, Params{VotingPeriodSeconds: MaxVotingPeriodSeconds, Threshold: ThresholdAgencies}.Validate())
	for _, p := range []Params{
		{},
		{VotingPeriodSeconds: 0, Threshold: ThresholdAgencies},
		{VotingPeriodSeconds: -5, Threshold: ThresholdAgencies},
		{VotingPeriodSeconds: MaxVotingPeriodSeconds + 1, Threshold: ThresholdAgencies},
		{VotingPeriodSeconds: 60, Threshold: ""},
		{VotingPeriodSeconds: 60, Threshold: "validators"},
	} {
		err := p.Validate()
		require.Error(t, err, "%+v", p)
		require.True(t, strings.HasPrefix(err.Error(), "gov: params."), err.Error())
		require.Error(t, InitGenesis(coretest.NewMemKV(), p))
	}
	kv := coretest.NewMemKV()
	require.NoError(t, InitGenesis(kv, DefaultParams()))
	got, err := getParams(kv)
	require.NoError(t, err)
	require.Equal(t, DefaultParams(), got)
	v, _ := kv.Get(IndexKey())
	require.JSONEq(t, `{"last_id":0,"open":[]}`, string(v))
	// A chain without governance parameters in state uses the defaults.
	got, err = getParams(coretest.NewMemKV())
	require.NoError(t, err)
	require.Equal(t, DefaultParams(), got)
}

// validMsgs holds valid messages of every type, sorted by type, with every
// change kind.
func validMsgs() []core.Msg {
	return []core.Msg{
		CastVote{ProposalID: 1, Option: OptionYes},
		CloseProposal{ProposalID: 7},
		SubmitProposal{Summary: "add", Change: addAgency("health", 10)},
		SubmitProposal{Summary: "add without validator", Change: addAgency("health", 0)},
		SubmitProposal{Summary: "remove", Change: removeAgency("a")},
		SubmitProposal{Summary: "power", Change: setPower("a", 3, nil)},
		SubmitProposal{Summary: "rotate", Change: setPower("a", 3, valKey("x"))},
		SubmitProposal{Summary: "policy", Change: setPolicy(core.RoleNotary, "a", "b")},
		SubmitProposal{Summary: "empty policy", Change: setPolicy(core.RoleNotary)},
		SubmitProposal{Summary: "empty policy", Change: Change{SetRolePolicy: &SetRolePolicy{Role: core.RoleNotary, Agencies: []string{}}}},
		SubmitProposal{Summary: "purpose", Change: setPurpose("research", false)},
	}
}

// TestModule checks the module's contract (coretest.CheckModule): one
// valid message per type, each canonical, and its sentinels.
func TestModule(t *testing.T) {
	coretest.CheckModule(t, Module, validMsgs())
	// The wire form of a change names its kind.
	raw, err := json.Marshal(SubmitProposal{Summary: "s", Change: removeAgency("a")})
	require.NoError(t, err)
	require.JSONEq(t, `{"summary":"s","change":{"remove_agency":{"agency_id":"a"}}}`, string(raw))
	raw, err = json.Marshal(SubmitProposal{Summary: "s", Change: setPurpose("research", true)})
	require.NoError(t, err)
	require.JSONEq(t, `{"summary":"s","change":{"set_purpose":{"code":"research","description":"scientific research","covert":false,"retired":true}}}`, string(raw))
}
