package benefits

import (
	"encoding/json"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/identity"
)

// hooks are the module's work in the transactions of the civil registry
// (core.Hook): a birth opens the parents' entitlements and the child's
// own age entitlements, a death ends the entitlements it ends and opens
// the survivor's. Each writes nothing while no programme of its rule
// applies and no entitlement names the persons involved.
var hooks = []core.Hook{
	{After: identity.TypeRecordBirth, Run: afterBirth},
	{After: identity.TypeRecordBirth, Run: afterBirthAge},
	{After: identity.TypeRecordDeath, Run: afterDeath},
}

// birthOf is the birth message a birth hook follows.
func birthOf(m core.Msg) (identity.RecordBirth, error) {
	switch v := m.(type) {
	case *identity.RecordBirth:
		return *v, nil
	case identity.RecordBirth:
		return v, nil
	}
	return identity.RecordBirth{}, core.Wrapf(ErrInvalidMessage, "birth hook given a %T", m)
}

// afterBirth opens, for every programme of rule "birth" open at the block
// time, the entitlement of each parent (all alive: identity checked) with
// the child as subject, citing the child's birth record and the parent's
// history entry of it.
func afterBirth(ctx *core.Context, m core.Msg) error {
	b, err := birthOf(m)
	if err != nil {
		return err
	}
	progs, err := openProgrammes(ctx, RuleBirth)
	if err != nil || len(progs) == 0 {
		return err
	}
	birth, err := personFact(ctx.KV, FactBirth, b.PersonID, 0)
	if err != nil {
		return err
	}
	for _, parentID := range b.ParentIDs {
		parent, err := getPerson(ctx.KV, parentID)
		if err != nil {
			return err
		}
		pf, err := lastPersonFact(ctx.KV, FactParent, parent)
		if err != nil {
			return err
		}
		for _, p := range progs {
			ref := Ref{ProgrammeID: p.ID, Beneficiary: parentID, Subject: b.PersonID}
			if err := openEntitlement(ctx, p, ref, []Fact{birth, pf}, ctx.BlockTime); err != nil {
				return err
			}
		}
	}
	return nil
}

// afterBirthAge opens, for every programme of rule "age" that had not
// ended at the block time and whose window holds the moment the child
// reaches its age (AgeReached from the block time, the birth's time), the
// child's own entitlement, the child both beneficiary and subject,
// starting at that moment and citing the child's birth record. Its first
// order is due then, so the block step creates nothing before; a death
// before then ends it with no order. A programme defined after the birth
// never sees it.
func afterBirthAge(ctx *core.Context, m core.Msg) error {
	b, err := birthOf(m)
	if err != nil {
		return err
	}
	progs, err := programmesAt(ctx, RuleAge, func(p *Programme) time.Time { return AgeReached(ctx.BlockTime, p.AgeMonths) })
	if err != nil || len(progs) == 0 {
		return err
	}
	birth, err := personFact(ctx.KV, FactBirth, b.PersonID, 0)
	if err != nil {
		return err
	}
	for _, p := range progs {
		ref := Ref{ProgrammeID: p.ID, Beneficiary: b.PersonID, Subject: b.PersonID}
		if err := openEntitlement(ctx, p, ref, []Fact{birth}, AgeReached(ctx.BlockTime, p.AgeMonths)); err != nil {
			return err
		}
	}
	return nil
}

// afterDeath ends every active entitlement whose beneficiary is the
// deceased (an age entitlement whose first order is not due yet
// included), and every birth entitlement whose subject (the child) is the
// deceased, citing the death record; then, if the deceased was married,
// opens for every programme of rule "death_survivor" open at the block
// time the surviving spouse's entitlement with the deceased as subject,
// citing the death, the spouse's widowing and, if found, the marriage.
func afterDeath(ctx *core.Context, m core.Msg) error {
	var personID string
	switch v := m.(type) {
	case *identity.RecordDeath:
		personID = v.PersonID
	case identity.RecordDeath:
		personID = v.PersonID
	default:
		return core.Wrapf(ErrInvalidMessage, "death hook given a %T", m)
	}
	refs, err := personRefs(ctx.KV, personID)
	if err != nil {
		return err
	}
	var progs []*Programme
	dead, err := getPerson(ctx.KV, personID)
	if err != nil {
		return err
	}
	married := dead.MaritalStatus == identity.Married && dead.Spouse != ""
	if married {
		if progs, err = openProgrammes(ctx, RuleDeathSurvivor); err != nil {
			return err
		}
	}
	if len(refs) == 0 && len(progs) == 0 {
		return nil
	}
	death, err := lastPersonFact(ctx.KV, FactDeath, dead)
	if err != nil {
		return err
	}
	for _, ref := range refs {
		e, err := getEntitlement(ctx.KV, ref)
		if err != nil {
			return err
		}
		reason := ""
		switch {
		case e.Status != StatusActive:
		case ref.Beneficiary == personID:
			reason = EndBeneficiaryDied
		case ref.Subject == personID && e.Rule == RuleBirth:
			reason = EndSubjectDied
		}
		if reason == "" {
			continue
		}
		f := death
		if err := endEntitlement(ctx, e, reason, &f, ctx.BlockTime); err != nil {
			return err
		}
	}
	if len(progs) == 0 {
		return nil
	}
	spouse, err := getPerson(ctx.KV, dead.Spouse)
	if err != nil {
		return err
	}
	facts := []Fact{death}
	widowed, err := lastPersonFact(ctx.KV, FactWidowed, spouse)
	if err != nil {
		return err
	}
	facts = append(facts, widowed)
	if mf, ok, err := marriageFact(ctx, spouse, personID); err != nil {
		return err
	} else if ok {
		facts = append(facts, mf)
	}
	for _, p := range progs {
		ref := Ref{ProgrammeID: p.ID, Beneficiary: spouse.ID, Subject: personID}
		if err := openEntitlement(ctx, p, ref, facts, ctx.BlockTime); err != nil {
			return err
		}
	}
	return nil
}

// marriageFact looks through the last MaxMarriageScan entries of the
// spouse's history, latest first, for its marriage to other.
func marriageFact(ctx *core.Context, spouse *identity.Person, other string) (Fact, bool, error) {
	for i := uint64(0); i < MaxMarriageScan && i < spouse.HistoryCount; i++ {
		seq := spouse.HistoryCount - 1 - i
		var h core.HistoryEntry
		if _, err := core.GetJSON(ctx.KV, identity.PersonHistoryKey(spouse.ID, seq), &h); err != nil {
			return Fact{}, false, err
		}
		if h.Action != "record_marriage" {
			continue
		}
		var d struct {
			Other string `json:"other"`
		}
		if err := json.Unmarshal(h.Details, &d); err != nil || d.Other != other {
			continue
		}
		f, err := personFact(ctx.KV, FactMarriage, spouse.ID, seq)
		return f, err == nil, err
	}
	return Fact{}, false, nil
}
