package benefits

import (
	"strings"
	"testing"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// validateCase is a mutation Validate must refuse (coretest.ValidateCase).
type validateCase coretest.ValidateCase

var checkValidate = coretest.Validator[validateCase](Module, ErrInvalidMessage)

// TestModule checks the module's contract: every message type has a valid
// message that decodes strictly and re-encodes to the same bytes.
func TestModule(t *testing.T) {
	coretest.CheckModule(t, Module, []core.Msg{
		ClaimBenefit{ProgrammeID: "CARE", PersonID: "P-1", DocumentHash: coretest.HashOf("file")},
		DecideClaim{ProgrammeID: "CARE", PersonID: "P-1", Approve: true, Reason: "meets the criteria"},
		programme("FAM", RuleBirth, 216),
		ageProgramme("PENSION", 65*12, 0),
		pay(ref("FAM", "P-1", "C-1"), 0, "BANK-1"),
	})
}

func TestValidateDefineProgramme(t *testing.T) {
	f := coretest.Mutate[DefineProgramme]
	checkValidate(t, programme("FAM", RuleBirth, 216), []validateCase{
		{"empty id", f(func(m *DefineProgramme) { m.ProgrammeID = "" })},
		{"id with slash", f(func(m *DefineProgramme) { m.ProgrammeID = "F/1" })},
		{"empty agency", f(func(m *DefineProgramme) { m.Agency = "" })},
		{"unknown rule", f(func(m *DefineProgramme) { m.Rule = "marriage" })},
		{"age on a birth programme", f(func(m *DefineProgramme) { m.AgeMonths = 12 })},
		{"empty rule", f(func(m *DefineProgramme) { m.Rule = "" })},
		{"no description", f(func(m *DefineProgramme) { m.Description = "" })},
		{"long description", f(func(m *DefineProgramme) { m.Description = strings.Repeat("x", MaxDescriptionLen+1) })},
		{"zero amount", f(func(m *DefineProgramme) { m.Amount = 0 })},
		{"negative amount", f(func(m *DefineProgramme) { m.Amount = -1 })},
		{"huge amount", f(func(m *DefineProgramme) { m.Amount = MaxAmount + 1 })},
		{"bad currency", f(func(m *DefineProgramme) { m.Currency = "eur" })},
		{"unknown unit", f(func(m *DefineProgramme) { m.PeriodUnit = "week" })},
		{"zero months", f(func(m *DefineProgramme) { m.PeriodCount = 0 })},
		{"13 months", f(func(m *DefineProgramme) { m.PeriodCount = MaxMonths + 1 })},
		{"367 days", f(func(m *DefineProgramme) { m.PeriodUnit, m.PeriodCount = UnitDay, MaxDays+1 })},
		{"zero days", f(func(m *DefineProgramme) { m.PeriodUnit, m.PeriodCount = UnitDay, 0 })},
		{"no start", f(func(m *DefineProgramme) { m.StartsAt = time.Time{} })},
		{"start not UTC", f(func(m *DefineProgramme) { m.StartsAt = m.StartsAt.In(time.FixedZone("X", 3600)) })},
		{"start before 1970", f(func(m *DefineProgramme) { m.StartsAt = time.Date(1969, 1, 1, 0, 0, 0, 0, time.UTC) })},
		{"no end", f(func(m *DefineProgramme) { m.EndsAt = time.Time{} })},
		{"end at start", f(func(m *DefineProgramme) { m.EndsAt = m.StartsAt })},
		{"end before start", f(func(m *DefineProgramme) { m.EndsAt = m.StartsAt.Add(-time.Second) })},
		{"end after 2200", f(func(m *DefineProgramme) { m.EndsAt = MaxProgrammeEnd.Add(time.Second) })},
		{"entitlement too long", f(func(m *DefineProgramme) { m.EntitlementMonths = MaxEntitlementMonths + 1 })},
	})
}

func TestValidateDefineAgeProgramme(t *testing.T) {
	f := coretest.Mutate[DefineProgramme]
	checkValidate(t, ageProgramme("PENSION", 65*12, 0), []validateCase{
		{"no age", f(func(m *DefineProgramme) { m.AgeMonths = 0 })},
		{"age over 100 years", f(func(m *DefineProgramme) { m.AgeMonths = MaxAgeMonths + 1 })},
		{"age on a claim programme", f(func(m *DefineProgramme) { m.Rule = RuleClaim })},
		{"age on a survivor's programme", f(func(m *DefineProgramme) { m.Rule = RuleDeathSurvivor })},
		{"entitlement too long", f(func(m *DefineProgramme) { m.EntitlementMonths = MaxEntitlementMonths + 1 })},
	})
}

func TestValidateClaimBenefit(t *testing.T) {
	f := coretest.Mutate[ClaimBenefit]
	checkValidate(t, ClaimBenefit{ProgrammeID: "CARE", PersonID: "P-1", DocumentHash: coretest.HashOf("file")}, []validateCase{
		{"empty programme", f(func(m *ClaimBenefit) { m.ProgrammeID = "" })},
		{"empty person", f(func(m *ClaimBenefit) { m.PersonID = "" })},
		{"person with space", f(func(m *ClaimBenefit) { m.PersonID = "P 1" })},
		{"zero document", f(func(m *ClaimBenefit) { m.DocumentHash = core.Hash{} })},
	})
}

func TestValidateDecideClaim(t *testing.T) {
	f := coretest.Mutate[DecideClaim]
	checkValidate(t, DecideClaim{ProgrammeID: "CARE", PersonID: "P-1", Reason: "income above the threshold"}, []validateCase{
		{"empty programme", f(func(m *DecideClaim) { m.ProgrammeID = "" })},
		{"empty person", f(func(m *DecideClaim) { m.PersonID = "" })},
		{"no reason", f(func(m *DecideClaim) { m.Reason = "" })},
		{"long reason", f(func(m *DecideClaim) { m.Reason = strings.Repeat("x", MaxReasonLen+1) })},
		{"reason with control", f(func(m *DecideClaim) { m.Reason = "a\x00b" })},
	})
}

func TestValidateMarkPaid(t *testing.T) {
	f := coretest.Mutate[MarkPaid]
	checkValidate(t, pay(ref("FAM", "P-1", "C-1"), 3, "BANK-1"), []validateCase{
		{"empty programme", f(func(m *MarkPaid) { m.ProgrammeID = "" })},
		{"empty beneficiary", f(func(m *MarkPaid) { m.Beneficiary = "" })},
		{"empty subject", f(func(m *MarkPaid) { m.Subject = "" })},
		{"subject with slash", f(func(m *MarkPaid) { m.Subject = "C/1" })},
		{"no reference", f(func(m *MarkPaid) { m.Reference = "" })},
		{"long reference", f(func(m *MarkPaid) { m.Reference = strings.Repeat("x", MaxReferenceLen+1) })},
	})
}
