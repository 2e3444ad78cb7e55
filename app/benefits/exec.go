package benefits

import (
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/identity"
)

// Exec implements core.Msg: the signer must be an admin of the agency;
// ends_at after the block time (for rule "age", after the moment a child
// born at the block time reaches the age); the id new; the rule below
// MaxProgrammesPerRule programmes that have not ended (ended ones leave
// the rule's index here).
func (m DefineProgramme) Exec(ctx *core.Context) error {
	if err := requireAgencyAdmin(ctx, m.Agency); err != nil {
		return err
	}
	if !m.EndsAt.After(ctx.BlockTime) {
		return core.Wrapf(ErrWindowOutOfRange, "ends_at %s, block time %s", m.EndsAt.Format(time.RFC3339), ctx.BlockTime.UTC().Format(time.RFC3339))
	}
	if m.Rule == RuleAge {
		if first := AgeReached(ctx.BlockTime, m.AgeMonths); !first.Before(m.EndsAt) {
			return core.Wrapf(ErrWindowOutOfRange, "a child born at the block time %s is %d months old at %s, not before ends_at %s",
				ctx.BlockTime.UTC().Format(time.RFC3339), m.AgeMonths, first.Format(time.RFC3339), m.EndsAt.Format(time.RFC3339))
		}
	}
	if ok, err := ctx.KV.Has(ProgrammeKey(m.ProgrammeID)); err != nil {
		return err
	} else if ok {
		return core.Wrapf(ErrProgrammeExists, "programme %s", m.ProgrammeID)
	}
	entries, err := ruleEntries(ctx.KV, m.Rule)
	if err != nil {
		return err
	}
	open := 0
	for _, e := range entries {
		if ctx.BlockTime.Before(e.EndsAt) {
			open++
			continue
		}
		if err := ctx.KV.Delete(RuleKey(m.Rule, e.ProgrammeID)); err != nil {
			return err
		}
	}
	if open >= MaxProgrammesPerRule {
		return core.Wrapf(ErrTooManyProgrammes, "rule %s has %d open programmes", m.Rule, open)
	}
	p := &Programme{
		ID: m.ProgrammeID, Agency: m.Agency, Rule: m.Rule, Description: m.Description, Amount: m.Amount, Currency: m.Currency,
		PeriodUnit: m.PeriodUnit, PeriodCount: m.PeriodCount, StartsAt: m.StartsAt.UTC(), EndsAt: m.EndsAt.UTC(),
		EntitlementMonths: m.EntitlementMonths, AgeMonths: m.AgeMonths, DefinedBy: ctx.Signer, DefinedHeight: ctx.Height, DefinedAt: ctx.BlockTime.UTC(),
		DefinedTxHash: ctx.TxHash,
	}
	if err := core.SetJSON(ctx.KV, ProgrammeKey(p.ID), p); err != nil {
		return err
	}
	if err := core.SetJSON(ctx.KV, RuleKey(p.Rule, p.ID), RuleEntry{ProgrammeID: p.ID, EndsAt: p.EndsAt}); err != nil {
		return err
	}
	emit(ctx, "define_programme", "programme_id", p.ID, "agency", p.Agency, "rule", p.Rule, "amount", core.Dec(p.Amount), "currency", p.Currency)
	return nil
}

// Exec implements core.Msg: the signer's account must be linked to the
// person; the programme of rule "claim" and open at the block time; the
// person alive, not entitled under it already, and with no claim pending.
// A refused claim may be claimed again.
func (m ClaimBenefit) Exec(ctx *core.Context) error {
	var link identity.AccountLink
	if found, err := core.GetJSON(ctx.KV, identity.AccountLinkKey(ctx.Signer), &link); err != nil {
		return err
	} else if !found || link.OwnerKind != identity.OwnerPerson || link.OwnerID != m.PersonID {
		return core.Wrapf(ErrNotClaimant, "account %s, person %s", ctx.Signer, m.PersonID)
	}
	p, err := getProgramme(ctx.KV, m.ProgrammeID)
	if err != nil {
		return err
	}
	if p.Rule != RuleClaim {
		return core.Wrapf(ErrNotClaimRule, "programme %s has rule %s", p.ID, p.Rule)
	}
	if !p.open(ctx.BlockTime) {
		return core.Wrapf(ErrProgrammeClosed, "programme %s", p.ID)
	}
	if err := requireLiving(ctx, m.PersonID); err != nil {
		return err
	}
	ref := Ref{ProgrammeID: p.ID, Beneficiary: m.PersonID, Subject: m.PersonID}
	if ok, err := ctx.KV.Has(EntitlementKey(ref)); err != nil {
		return err
	} else if ok {
		return core.Wrapf(ErrAlreadyEntitled, "%s", ref.Path())
	}
	c := &Claim{ProgrammeID: p.ID, PersonID: m.PersonID}
	if _, err := core.GetJSON(ctx.KV, ClaimKey(p.ID, m.PersonID), c); err != nil {
		return err
	}
	if c.Status == ClaimPending {
		return core.Wrapf(ErrClaimPending, "programme %s, person %s", p.ID, m.PersonID)
	}
	c.Status, c.DocumentHash, c.Reason = ClaimPending, m.DocumentHash, ""
	c.ClaimedBy, c.ClaimedHeight, c.ClaimedAt = ctx.Signer, ctx.Height, ctx.BlockTime.UTC()
	c.DecidedBy, c.DecidedHeight, c.DecidedAt = nil, 0, nil
	if err := saveClaim(ctx, c, "claim", m); err != nil {
		return err
	}
	emit(ctx, "claim_benefit", "programme_id", p.ID, "person_id", m.PersonID)
	return nil
}

// requireLiving refuses a person who is not registered or is deceased.
func requireLiving(ctx *core.Context, id string) error {
	person, err := getPerson(ctx.KV, id)
	if err != nil {
		return err
	}
	if person.Status == identity.PersonDeceased {
		return core.Wrapf(ErrPersonDeceased, "person %s", id)
	}
	return nil
}

// saveClaim appends a history entry to c and saves it.
func saveClaim(ctx *core.Context, c *Claim, action string, details any) error {
	if err := ctx.RecordHistory(Prefix, tableClaimHistory, claimID(c.ProgrammeID, c.PersonID), &c.HistoryCount, action, details); err != nil {
		return err
	}
	return core.SetJSON(ctx.KV, ClaimKey(c.ProgrammeID, c.PersonID), c)
}

// claimFact is entry seq of a claim's history as a Fact.
func claimFact(ctx *core.Context, kind string, c *Claim, seq uint64) (Fact, error) {
	return historyFact(ctx.KV, kind, "benefits/claim/"+c.ProgrammeID+"/"+c.PersonID+"/history",
		ClaimHistoryKey(c.ProgrammeID, c.PersonID, seq), seq)
}

// Exec implements core.Msg: the signer must be an admin of the
// programme's agency; the claim pending. An approval needs the programme
// still open and the person alive, and opens the entitlement, citing the
// claim and the decision.
func (m DecideClaim) Exec(ctx *core.Context) error {
	p, err := getProgramme(ctx.KV, m.ProgrammeID)
	if err != nil {
		return err
	}
	if err := requireAgencyAdmin(ctx, p.Agency); err != nil {
		return err
	}
	c, err := getClaim(ctx.KV, m.ProgrammeID, m.PersonID)
	if err != nil {
		return err
	}
	if c.Status != ClaimPending {
		return core.Wrapf(ErrClaimNotPending, "claim of %s under %s is %s", c.PersonID, c.ProgrammeID, c.Status)
	}
	action := "refuse"
	c.Status = ClaimRefused
	if m.Approve {
		if !p.open(ctx.BlockTime) {
			return core.Wrapf(ErrProgrammeClosed, "programme %s", p.ID)
		}
		if err := requireLiving(ctx, m.PersonID); err != nil {
			return err
		}
		action, c.Status = "approve", ClaimApproved
	}
	claimSeq := c.HistoryCount - 1
	c.DecidedBy, c.DecidedHeight, c.DecidedAt, c.Reason = ctx.By(), ctx.Height, ctx.At(), m.Reason
	if err := saveClaim(ctx, c, action, m); err != nil {
		return err
	}
	if m.Approve {
		claimed, err := claimFact(ctx, FactClaim, c, claimSeq)
		if err != nil {
			return err
		}
		decided, err := claimFact(ctx, FactDecision, c, c.HistoryCount-1)
		if err != nil {
			return err
		}
		ref := Ref{ProgrammeID: p.ID, Beneficiary: c.PersonID, Subject: c.PersonID}
		if err := openEntitlement(ctx, p, ref, []Fact{claimed, decided}, ctx.BlockTime); err != nil {
			return err
		}
	}
	emit(ctx, "decide_claim", "programme_id", p.ID, "person_id", c.PersonID, "decision", c.Status)
	return nil
}

// Exec implements core.Msg: the signer must hold the treasury role; the
// order must exist and not be paid.
func (m MarkPaid) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleTreasury); err != nil {
		return err
	}
	ref := m.ref()
	o, err := core.Load[Order](ctx.KV, OrderKey(ref, m.Period), ErrOrderNotFound, "%s period %d", ref.Path(), m.Period)
	if err != nil {
		return err
	}
	if o.Status == OrderPaid {
		return core.Wrapf(ErrAlreadyPaid, "%s period %d, reference %s", ref.Path(), m.Period, o.Reference)
	}
	o.Status, o.Reference = OrderPaid, m.Reference
	o.PaidBy, o.PaidHeight, o.PaidAt, o.PaidTxHash = ctx.By(), ctx.Height, ctx.At(), ctx.TxHash
	if err := core.SetJSON(ctx.KV, OrderKey(ref, m.Period), o); err != nil {
		return err
	}
	emit(ctx, "mark_paid", refAttrs(ref, "period", core.Dec(m.Period), "amount", core.Dec(o.Amount), "reference", m.Reference)...)
	return nil
}
