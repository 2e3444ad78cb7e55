package benefits

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/app/identity"
)

// TestRefusals triggers every sentinel of the package at least once and
// checks that each refusal leaves the state unchanged, the civil
// registry's records included when a hook refuses its message.
func TestRefusals(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	fam := programme("FAM", RuleBirth, 0)
	care := programme("CARE", RuleClaim, 0)
	claim := func(p, person string) ClaimBenefit {
		return ClaimBenefit{ProgrammeID: p, PersonID: person, DocumentHash: coretest.HashOf("file " + person)}
	}
	decide := func(p, person string, approve bool) DecideClaim {
		return DecideClaim{ProgrammeID: p, PersonID: person, Approve: approve, Reason: "decided"}
	}

	bad := fam
	bad.Amount = 0
	e.refuse(c.social, bad, ErrInvalidMessage)
	e.refuse(c.other, fam, ErrNotProgrammeAgency)
	e.refuse(c.civil, fam, ErrNotProgrammeAgency)
	past := fam
	past.StartsAt, past.EndsAt = e.now.AddDate(-2, 0, 0), e.now.AddDate(-1, 0, 0)
	e.refuse(c.social, past, ErrWindowOutOfRange)
	e.ok(c.social, fam)
	e.refuse(c.social, fam, ErrProgrammeExists)
	e.ok(c.social, care)

	// Age programmes: an age is needed, and a child born now must reach
	// it before ends_at; an age is not claimed.
	e.refuse(c.social, ageProgramme("OLD", 0, 0), ErrInvalidMessage)
	far := ageProgramme("OLD", 65*12, 0)
	far.EndsAt = e.now.AddDate(65, 0, 0)
	e.refuse(c.social, far, ErrWindowOutOfRange)
	e.ok(c.social, ageProgramme("OLD", 65*12, 0))
	e.refuse(c.ann, claim("OLD", "P-ANN"), ErrNotClaimRule)

	// Claims.
	e.refuse(c.ann, claim("NOPE", "P-ANN"), ErrProgrammeNotFound)
	e.refuse(c.bob, claim("CARE", "P-ANN"), ErrNotClaimant)
	e.refuse(c.civil, claim("CARE", "P-ANN"), ErrNotClaimant)
	e.refuse(c.ann, claim("FAM", "P-ANN"), ErrNotClaimRule)
	later := programme("LATER", RuleClaim, 0)
	later.StartsAt = e.now.Add(time.Hour)
	e.ok(c.social, later)
	e.refuse(c.ann, claim("LATER", "P-ANN"), ErrProgrammeClosed)
	e.refuse(c.social, decide("CARE", "P-ANN", true), ErrClaimNotFound)
	e.refuse(c.social, decide("NOPE", "P-ANN", true), ErrProgrammeNotFound)
	e.ok(c.ann, claim("CARE", "P-ANN"))
	e.refuse(c.ann, claim("CARE", "P-ANN"), ErrClaimPending)
	e.refuse(c.other, decide("CARE", "P-ANN", true), ErrNotProgrammeAgency)
	e.ok(c.social, decide("CARE", "P-ANN", true))
	e.refuse(c.social, decide("CARE", "P-ANN", false), ErrClaimNotPending)
	e.refuse(c.ann, claim("CARE", "P-ANN"), ErrAlreadyEntitled)

	// A claim pending when the claimant dies cannot be approved; the dead
	// cannot claim.
	e.ok(c.bob, claim("CARE", "P-BOB"))
	e.ok(c.civil, death("P-BOB"))
	e.refuse(c.social, decide("CARE", "P-BOB", true), ErrPersonDeceased)
	e.ok(c.social, decide("CARE", "P-BOB", false))
	e.refuse(c.bob, claim("CARE", "P-BOB"), ErrPersonDeceased)

	// A claim approved after the programme ended.
	short := programme("SHORT", RuleClaim, 0)
	short.EndsAt = e.now.Add(time.Hour)
	e.ok(c.social, short)
	e.ok(c.ann, claim("SHORT", "P-ANN"))
	e.advance(time.Hour)
	e.refuse(c.social, decide("SHORT", "P-ANN", true), ErrProgrammeClosed)

	// Payment orders.
	r := ref("CARE", "P-ANN", "P-ANN")
	e.refuse(c.treasury, pay(r, 0, "SEPA-1"), ErrOrderNotFound)
	e.step()
	e.refuse(c.treasury, pay(r, 1, "SEPA-1"), ErrOrderNotFound)
	e.ok(c.treasury, pay(r, 0, "SEPA-1"))
	e.refuse(c.treasury, pay(r, 0, "SEPA-1"), ErrAlreadyPaid)

	// No more than MaxProgrammesPerRule open programmes of a rule; ended
	// ones make room.
	for i := 0; i < MaxProgrammesPerRule; i++ {
		p := programme(fmt.Sprintf("S-%02d", i), RuleDeathSurvivor, 0)
		if i == 0 {
			p.EndsAt = e.now.Add(time.Minute)
		}
		e.ok(c.social, p)
	}
	e.refuse(c.social, programme("S-MORE", RuleDeathSurvivor, 0), ErrTooManyProgrammes)
	e.advance(time.Minute)
	e.ok(c.social, programme("S-MORE", RuleDeathSurvivor, 0))

	// A birth that would name a parent in more than
	// MaxEntitlementsPerPerson entitlements is refused whole: the child is
	// not registered either.
	for i := 1; i < MaxProgrammesPerRule; i++ {
		e.ok(c.social, programme(fmt.Sprintf("B-%02d", i), RuleBirth, 0))
	}
	e.ok(c.civil, register("P-MANY"))
	for i := 0; i < MaxEntitlementsPerPerson/MaxProgrammesPerRule; i++ {
		e.ok(c.civil, birth(fmt.Sprintf("K-%d", i), "P-MANY"))
	}
	e.refuse(c.civil, birth("K-LAST", "P-MANY"), ErrTooManyEntitlements)
	_, err := getPerson(e.KV, "K-LAST")
	require.ErrorIs(t, err, identity.ErrPersonNotFound)

	for _, q := range []struct {
		path []string
		err  error
	}{
		{[]string{"entitlement", "FAM", "P-ANN", "C-9"}, ErrEntitlementNotFound},
		{[]string{"person", "P-NOBODY"}, ErrPersonNotFound},
	} {
		e.RefuseQuery(boundQuery, q.path, q.err)
	}
	e.RefuseQuery(boundQuery, []string{"programme"}, ErrUnknownQuery)
	e.RequireSeen(Errors)
}
