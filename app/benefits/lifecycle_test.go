package benefits

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/app/identity"
)

// TestBirthEntitlements: a birth opens each parent's entitlement with the
// facts it rests on; orders are created once per period as time passes;
// the treasury pays them once; the child's death ends both entitlements.
func TestBirthEntitlements(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.ok(c.social, programme("FAM", RuleBirth, 0))
	e.advance(time.Hour)
	ev := e.ok(c.civil, birth("C-1", "P-ANN", "P-BOB"))
	require.Equal(t, []string{"record_birth", "open_entitlement", "open_entitlement"}, actions(ev))
	born := e.now

	ann, bob := ref("FAM", "P-ANN", "C-1"), ref("FAM", "P-BOB", "C-1")
	ent := e.entitlement(ann)
	require.Equal(t, StatusActive, ent.Status)
	require.Equal(t, RuleBirth, ent.Rule)
	require.Equal(t, born, ent.StartsAt)
	require.Equal(t, coretest.T0.AddDate(1, 0, 0), ent.EndsAt, "runs as long as the programme")
	require.Len(t, ent.Facts, 2)
	require.Equal(t, Fact{Kind: FactBirth, Path: "identity/person/C-1/history", Seq: 0, Action: "birth", Height: e.Height,
		TxHash: e.Last.TxHash, Time: born}, ent.Facts[0])
	require.Equal(t, FactParent, ent.Facts[1].Kind)
	require.Equal(t, "identity/person/P-ANN/history", ent.Facts[1].Path)
	require.Equal(t, "birth_of_child", ent.Facts[1].Action)
	require.Equal(t, "P-BOB", e.entitlement(bob).Beneficiary)

	// The first period is due at once; nothing more until a month later.
	ev = e.step()
	require.Equal(t, []string{"create_order", "create_order"}, actions(ev))
	o, ok := e.order(ann, 0)
	require.True(t, ok)
	require.Equal(t, Order{Ref: ann, Period: 0, PeriodStart: born, PeriodEnd: born.AddDate(0, 1, 0), Amount: 10_000, Currency: "EUR",
		Status: OrderDue, CreatedHeight: e.Height, CreatedAt: e.now, PaidTxHash: core.HexBytes{}}, o)
	require.Empty(t, e.step())
	e.advance(31 * 24 * time.Hour)
	require.Len(t, e.step(), 2)
	require.Empty(t, e.step(), "an order is created once per period")
	_, ok = e.order(ann, 2)
	require.False(t, ok)
	ent = e.entitlement(ann)
	require.Equal(t, uint64(2), ent.NextPeriod)
	require.Equal(t, born.AddDate(0, 2, 0), *ent.NextDueAt)

	ev = e.ok(c.treasury, pay(ann, 0, "SEPA-1"))
	require.Equal(t, []string{"SEPA-1"}, coretest.Attrs(t, ev, 0, EventType, "reference"))
	o, _ = e.order(ann, 0)
	require.Equal(t, OrderPaid, o.Status)
	require.Equal(t, "SEPA-1", o.Reference)
	require.Equal(t, c.treasury, *o.PaidBy)
	e.refuse(c.treasury, pay(ann, 0, "SEPA-2"), ErrAlreadyPaid)

	// The child's death ends both parents' entitlements; no more orders.
	e.advance(24 * time.Hour)
	ev = e.ok(c.civil, death("C-1"))
	require.Equal(t, []string{"record_death", "end_entitlement", "end_entitlement"}, actions(ev))
	ent = e.entitlement(ann)
	require.Equal(t, StatusEnded, ent.Status)
	require.Equal(t, EndSubjectDied, ent.EndReason)
	require.Equal(t, FactDeath, ent.EndFact.Kind)
	require.Equal(t, "identity/person/C-1/history", ent.EndFact.Path)
	require.Nil(t, ent.NextDueAt)
	e.advance(90 * 24 * time.Hour)
	require.Empty(t, e.step())
	require.Equal(t, []string{"open", "end"}, e.history(ann))
	// Orders already created stay payable.
	e.ok(c.treasury, pay(bob, 1, "SEPA-3"))
}

// TestEntitlementTerm: an entitlement of entitlement_months ends at its
// term with its last order; a period that starts before the end is
// ordered in full.
func TestEntitlementTerm(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	p := programme("BABY", RuleBirth, 2)
	p.PeriodUnit, p.PeriodCount = UnitDay, 25
	e.ok(c.social, p)
	e.ok(c.civil, birth("C-1", "P-ANN"))
	r := ref("BABY", "P-ANN", "C-1")
	end := e.entitlement(r).EndsAt
	require.Equal(t, e.now.AddDate(0, 2, 0), end)
	var created []string
	for i := 0; i < 5; i++ {
		created = append(created, actions(e.step())...)
		e.advance(25 * 24 * time.Hour)
	}
	// Periods start at 0, 25 and 50 days; 75 days is after two months.
	require.Equal(t, []string{"create_order", "create_order", "create_order", "end_entitlement"}, created)
	o, ok := e.order(r, 2)
	require.True(t, ok)
	require.Equal(t, end, o.PeriodEnd, "the last period ends with the entitlement")
	ent := e.entitlement(r)
	require.Equal(t, EndTerm, ent.EndReason)
	require.Equal(t, end, *ent.EndedAt)
	require.Nil(t, ent.EndFact)
}

// TestSurvivorEntitlement: the death of a married person ends its own
// entitlements and opens the spouse's survivor entitlement, citing the
// death, the widowing and the marriage.
func TestSurvivorEntitlement(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.ok(c.social, programme("FAM", RuleBirth, 0))
	e.ok(c.social, programme("SURV", RuleDeathSurvivor, 0))
	e.ok(c.civil, marriage("P-ANN", "P-BOB"))
	marriedAt := e.Last.TxHash
	e.ok(c.civil, birth("C-1", "P-ANN", "P-BOB"))
	e.step()
	e.advance(time.Hour)
	ev := e.ok(c.civil, death("P-ANN"))
	require.Equal(t, []string{"record_death", "end_entitlement", "open_entitlement"}, actions(ev))
	require.Equal(t, EndBeneficiaryDied, e.entitlement(ref("FAM", "P-ANN", "C-1")).EndReason)
	require.Equal(t, StatusActive, e.entitlement(ref("FAM", "P-BOB", "C-1")).Status, "the surviving parent keeps theirs")

	surv := e.entitlement(ref("SURV", "P-BOB", "P-ANN"))
	require.Equal(t, RuleDeathSurvivor, surv.Rule)
	kinds := []string{}
	for _, f := range surv.Facts {
		kinds = append(kinds, f.Kind)
	}
	require.Equal(t, []string{FactDeath, FactWidowed, FactMarriage}, kinds)
	require.Equal(t, "identity/person/P-ANN/history", surv.Facts[0].Path)
	require.Equal(t, "record_death", surv.Facts[0].Action)
	require.Equal(t, "widowed", surv.Facts[1].Action)
	require.Equal(t, "record_marriage", surv.Facts[2].Action)
	require.Equal(t, marriedAt, []byte(surv.Facts[2].TxHash))
	require.Len(t, e.step(), 1, "the survivor's first order")

	// The survivor's own death ends it.
	e.ok(c.civil, death("P-BOB"))
	require.Equal(t, EndBeneficiaryDied, e.entitlement(ref("SURV", "P-BOB", "P-ANN")).EndReason)
	require.Equal(t, EndBeneficiaryDied, e.entitlement(ref("FAM", "P-BOB", "C-1")).EndReason)

	// An unmarried person's death opens nothing.
	e.ok(c.civil, register("P-SOLO"))
	before := e.prefixKeys()
	e.ok(c.civil, death("P-SOLO"))
	require.Equal(t, before, e.prefixKeys())
}

// TestClaimEntitlement: a claim is refused with a reason, claimed again,
// approved; the entitlement cites the claim and the decision.
func TestClaimEntitlement(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.ok(c.social, programme("CARE", RuleClaim, 6))
	claim := ClaimBenefit{ProgrammeID: "CARE", PersonID: "P-ANN", DocumentHash: coretest.HashOf("medical file")}
	e.ok(c.ann, claim)
	e.ok(c.social, DecideClaim{ProgrammeID: "CARE", PersonID: "P-ANN", Reason: "file incomplete"})
	cl := e.claim("CARE", "P-ANN")
	require.Equal(t, ClaimRefused, cl.Status)
	require.Equal(t, "file incomplete", cl.Reason)
	_, err := getEntitlement(e.KV, ref("CARE", "P-ANN", "P-ANN"))
	require.ErrorIs(t, err, ErrEntitlementNotFound)

	e.advance(24 * time.Hour)
	e.ok(c.ann, claim)
	ev := e.ok(c.social, DecideClaim{ProgrammeID: "CARE", PersonID: "P-ANN", Approve: true, Reason: "file complete"})
	require.Equal(t, []string{"open_entitlement", "decide_claim"}, actions(ev))
	ent := e.entitlement(ref("CARE", "P-ANN", "P-ANN"))
	require.Equal(t, e.now.AddDate(0, 6, 0), ent.EndsAt)
	require.Len(t, ent.Facts, 2)
	require.Equal(t, Fact{Kind: FactClaim, Path: "benefits/claim/CARE/P-ANN/history", Seq: 2, Action: "claim",
		Height: e.Height - 1, TxHash: ent.Facts[0].TxHash, Time: e.now}, ent.Facts[0])
	require.Equal(t, "approve", ent.Facts[1].Action)
	require.Equal(t, uint64(3), ent.Facts[1].Seq)
	require.Equal(t, []string{"claim", "refuse", "claim", "approve"}, e.claimHistory("CARE", "P-ANN"))
	require.Len(t, e.step(), 1)
}

// TestStepBounded: at most MaxOrdersPerBlock orders per block, earliest
// due first (then by programme, beneficiary and subject); the rest in the
// next block; never twice.
func TestStepBounded(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	for i := 0; i < 3; i++ {
		e.ok(c.social, programme("P"+string(rune('A'+i)), RuleBirth, 0))
	}
	n := MaxOrdersPerBlock/6 + 1 // six entitlements per birth: three programmes, two parents
	// The first birth's entitlements sort last by programme, beneficiary
	// and subject, but are due first.
	e.ok(c.civil, register("ZA"))
	e.ok(c.civil, register("ZB"))
	e.ok(c.civil, birth("Z-FIRST", "ZA", "ZB"))
	e.advance(time.Second)
	for i := 1; i < n; i++ {
		e.ok(c.civil, register("PA-"+childID(i)))
		e.ok(c.civil, register("PB-"+childID(i)))
		e.ok(c.civil, birth(childID(i), "PA-"+childID(i), "PB-"+childID(i)))
	}
	require.Len(t, e.step(), MaxOrdersPerBlock)
	for _, p := range []string{"PA", "PB", "PC"} {
		_, ok := e.order(ref(p, "ZB", "Z-FIRST"), 0)
		require.True(t, ok, "earliest due first")
	}
	require.Len(t, e.step(), 6*n-MaxOrdersPerBlock)
	require.Empty(t, e.step())
	for i := 1; i < n; i++ {
		for _, p := range []string{"PA", "PB", "PC"} {
			_, ok := e.order(ref(p, "PA-"+childID(i), childID(i)), 0)
			require.True(t, ok)
			_, ok = e.order(ref(p, "PB-"+childID(i), childID(i)), 1)
			require.False(t, ok)
		}
	}
}

func childID(i int) string {
	return "C-" + string(rune('A'+i/26/26%26)) + string(rune('A'+i/26%26)) + string(rune('A'+i%26))
}

// TestNothingWithoutProgrammes: births, marriages and deaths on a chain
// with no programme write nothing of this module, and the step writes
// nothing.
func TestNothingWithoutProgrammes(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.ok(c.civil, marriage("P-ANN", "P-BOB"))
	e.ok(c.civil, birth("C-1", "P-ANN", "P-BOB"))
	e.ok(c.civil, death("P-ANN"))
	e.ok(c.civil, death("C-1"))
	before := e.Snapshot()
	require.Empty(t, e.step())
	require.Equal(t, before, e.Snapshot())
	require.Zero(t, e.prefixKeys())
}

// TestProgrammeWindow: facts before starts_at or from ends_at open
// nothing.
func TestProgrammeWindow(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	p := programme("LATER", RuleBirth, 0)
	p.StartsAt = e.now.Add(time.Hour)
	p.EndsAt = e.now.Add(2 * time.Hour)
	e.ok(c.social, p)
	e.ok(c.civil, birth("C-EARLY", "P-ANN"))
	e.advance(time.Hour)
	e.ok(c.civil, birth("C-IN", "P-ANN"))
	e.advance(time.Hour)
	e.ok(c.civil, birth("C-LATE", "P-ANN"))
	_, err := getEntitlement(e.KV, ref("LATER", "P-ANN", "C-EARLY"))
	require.ErrorIs(t, err, ErrEntitlementNotFound)
	_, err = getEntitlement(e.KV, ref("LATER", "P-ANN", "C-LATE"))
	require.ErrorIs(t, err, ErrEntitlementNotFound)
	ent := e.entitlement(ref("LATER", "P-ANN", "C-IN"))
	require.Equal(t, p.EndsAt, ent.EndsAt)
	require.Equal(t, identity.PersonAlive, coretest.Read(t, getPerson, e.KV, "C-LATE").Status)
}

// TestAgeEntitlement: a birth opens the child's own entitlement under an
// age programme, citing its birth record; its first order is due at the
// birthday of the age and not before, then monthly until its term; a
// death before the birthday ends it with no order, a death after it ends
// it and keeps its orders payable.
func TestAgeEntitlement(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.ok(c.social, ageProgramme("YOUTH", 16*12, 24))
	e.advance(time.Hour)
	born := e.now
	sixteen, eighteen := born.AddDate(16, 0, 0), born.AddDate(18, 0, 0)
	ev := e.ok(c.civil, birth("C-1", "P-ANN", "P-BOB"))
	require.Equal(t, []string{"record_birth", "open_entitlement"}, actions(ev))
	require.Equal(t, []string{sixteen.Format(time.RFC3339)}, coretest.Attrs(t, ev, 1, EventType, "starts_at"))
	r1 := ref("YOUTH", "C-1", "C-1")
	ent := e.entitlement(r1)
	require.Equal(t, []any{RuleAge, StatusActive, uint64(16 * 12), sixteen, eighteen, sixteen, uint64(0)},
		[]any{ent.Rule, ent.Status, ent.AgeMonths, ent.StartsAt, ent.EndsAt, *ent.NextDueAt, ent.NextPeriod})
	require.Equal(t, []Fact{{Kind: FactBirth, Path: "identity/person/C-1/history", Seq: 0, Action: "birth", Height: e.Height,
		TxHash: e.Last.TxHash, Time: born}}, ent.Facts)
	require.Equal(t, AgeReached(ent.Facts[0].Time, ent.AgeMonths), ent.StartsAt, "the start is recomputed from the cited birth")
	e.ok(c.civil, birth("C-2", "P-ANN"))
	e.ok(c.civil, birth("C-3", "P-BOB"))
	r2, r3 := ref("YOUTH", "C-2", "C-2"), ref("YOUTH", "C-3", "C-3")

	// A death before the birthday ends the entitlement: no order, ever.
	require.Empty(t, e.step())
	e.advance(365 * 24 * time.Hour)
	ev = e.ok(c.civil, death("C-2"))
	require.Equal(t, []string{"record_death", "end_entitlement"}, actions(ev))
	ent = e.entitlement(r2)
	require.Equal(t, []any{StatusEnded, EndBeneficiaryDied, FactDeath}, []any{ent.Status, ent.EndReason, ent.EndFact.Kind})
	require.Nil(t, ent.NextDueAt)

	// Nothing is ordered before the sixteenth birthday.
	e.now = sixteen.Add(-time.Second)
	require.Empty(t, e.step())
	for _, r := range []Ref{r1, r2, r3} {
		_, ok := e.order(r, 0)
		require.False(t, ok, r.Path())
	}
	e.now = sixteen
	require.Equal(t, []string{"create_order", "create_order"}, actions(e.step()))
	o, ok := e.order(r1, 0)
	require.True(t, ok)
	require.Equal(t, []any{sixteen, sixteen.AddDate(0, 1, 0), int64(10_000), OrderDue}, []any{o.PeriodStart, o.PeriodEnd, o.Amount, o.Status})
	_, ok = e.order(r3, 0)
	require.True(t, ok)
	_, ok = e.order(r2, 0)
	require.False(t, ok, "the child who died gets nothing")

	// A death after the birthday ends it; its order stays payable.
	e.advance(24 * time.Hour)
	require.Equal(t, []string{"record_death", "end_entitlement"}, actions(e.ok(c.civil, death("C-3"))))
	require.Equal(t, EndBeneficiaryDied, e.entitlement(r3).EndReason)
	e.ok(c.treasury, pay(r3, 0, "SEPA-3"))

	// One order a month until the eighteenth birthday, then the term.
	e.now = eighteen
	var created []string
	for ev := e.step(); len(ev) > 0; ev = e.step() {
		created = append(created, actions(ev)...)
	}
	require.Len(t, created, 24, "orders 1-23, then the end")
	require.Equal(t, "end_entitlement", created[23])
	_, ok = e.order(r1, 23)
	require.True(t, ok)
	_, ok = e.order(r1, 24)
	require.False(t, ok)
	_, ok = e.order(r3, 1)
	require.False(t, ok)
	require.Equal(t, EndTerm, e.entitlement(r1).EndReason)
	require.Equal(t, []string{"open", "end"}, e.history(r2))
}

// TestAgeWindow: an age programme's window holds the birthday of the age,
// not the birth: a child who reaches the age before starts_at or from
// ends_at is not entitled, an entitlement ends with the programme, and a
// programme defined after a birth does not see it.
func TestAgeWindow(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	p := ageProgramme("FIRST", 12, 0)
	p.StartsAt = e.now.AddDate(1, 0, 0).Add(time.Hour)
	p.EndsAt = e.now.AddDate(1, 0, 0).Add(3 * time.Hour)
	e.ok(c.social, p)
	e.ok(c.civil, birth("C-EARLY", "P-ANN"))
	e.advance(time.Hour)
	e.ok(c.civil, birth("C-IN", "P-ANN"))
	in := e.now
	e.advance(2 * time.Hour)
	before := e.prefixKeys()
	e.ok(c.civil, birth("C-LATE", "P-ANN"))
	require.Equal(t, before, e.prefixKeys(), "an age reached at ends_at opens nothing")
	for _, id := range []string{"C-EARLY", "C-LATE"} {
		_, err := getEntitlement(e.KV, ref("FIRST", id, id))
		require.ErrorIs(t, err, ErrEntitlementNotFound, id)
	}
	r := ref("FIRST", "C-IN", "C-IN")
	ent := e.entitlement(r)
	require.Equal(t, []any{in.AddDate(1, 0, 0), p.EndsAt}, []any{ent.StartsAt, ent.EndsAt})

	e.ok(c.social, ageProgramme("AFTER", 12, 0))
	_, err := getEntitlement(e.KV, ref("AFTER", "C-IN", "C-IN"))
	require.ErrorIs(t, err, ErrEntitlementNotFound, "a programme defined after the birth")

	// Its one period is cut at the programme's end.
	e.now = ent.StartsAt
	require.Equal(t, []string{"create_order", "end_entitlement"}, actions(e.step()))
	o, ok := e.order(r, 0)
	require.True(t, ok)
	require.Equal(t, p.EndsAt, o.PeriodEnd)
}
