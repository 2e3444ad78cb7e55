package sharing

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
)

// accessCell is one cell of the access matrix: each flag true is the
// condition under which access is allowed.
type accessCell struct {
	grantee bool // the officer acts for the grantee (else for health)
	class   bool // the subject has a record in the grant's class (else only in another class)
	field   bool // the field requested is the grant's (else another field of the class)
	purpose bool // the purpose is the grant's (else another purpose of the class)
	consent bool // the subject consented to the requester for the purpose
	current bool // the grant has not expired
	active  bool // the grant is not revoked
	quota   bool // the grant's window has room (else its one request is used)
}

func (c accessCell) String() string {
	s := ""
	for _, f := range []struct {
		ok   bool
		name string
	}{{c.grantee, "agency"}, {c.class, "class"}, {c.field, "field"}, {c.purpose, "purpose"},
		{c.consent, "consent"}, {c.current, "expiry"}, {c.active, "revoked"}, {c.quota, "rate"}} {
		if !f.ok {
			s += "!" + f.name + " "
		}
	}
	if s == "" {
		return "allowed"
	}
	return s[:len(s)-1]
}

// refusal is the sentinel the cell's request must be refused with, in the
// order Exec checks, or nil if it must be allowed.
func (c accessCell) refusal() *core.Error {
	switch {
	case !c.active:
		return ErrGrantRevoked
	case !c.current:
		return ErrGrantExpired
	case !c.grantee:
		return ErrNotGrantee
	case !c.field:
		return ErrFieldNotCovered
	case !c.purpose:
		return ErrPurposeMismatch
	case !c.class:
		return ErrRecordNotFound
	case !c.consent:
		return ErrConsentMissing
	case !c.quota:
		return ErrRateLimited
	}
	return nil
}

// TestAccessMatrix runs a data officer's request in every combination of
// agency, class, field, purpose, consent, expiry, revocation and rate
// limit, each on a fresh chain: only the cell where every condition holds
// is allowed; every other cell is refused with the sentinel of the first
// condition that fails and changes nothing but the recorded refusal (the
// Request, and the log entry and head count of the subject).
func TestAccessMatrix(t *testing.T) {
	allowed := 0
	for n := 0; n < 1<<8; n++ {
		bit := func(i int) bool { return n&(1<<i) == 0 }
		cell := accessCell{bit(0), bit(1), bit(2), bit(3), bit(4), bit(5), bit(6), bit(7)}
		t.Run(fmt.Sprintf("%03d %s", n, cell), func(t *testing.T) {
			if cell.refusal() == nil {
				allowed++
			}
			runAccessCell(t, cell)
		})
	}
	require.Equal(t, 1, allowed, "exactly one cell is allowed")
}

func runAccessCell(t *testing.T, cell accessCell) {
	e := newEnv(t)
	c := newCast(e)
	const purpose = "benefit_eligibility"
	// Finance's income and pension classes; PSN-1 has an income record,
	// PSN-2 only a pension record. Grant 1: interior may request address
	// and income for benefit eligibility, with consent, once a year, for
	// 30 days.
	e.OK(c.adminF, declareIncome())
	pension := declareIncome()
	pension.ClassID = "pension"
	e.OK(c.adminF, pension)
	e.OK(c.svcF, commitMsg(psn1, 1))
	inPension := commitMsg(psn2, 1)
	inPension.ClassID = "pension"
	e.OK(c.svcF, inPension)
	gm := e.grantMsg()
	gm.MaxRequests, gm.PeriodSeconds = 1, MaxPeriodSeconds
	e.OK(c.adminF, gm)

	subject, account := psn1, c.alice
	if !cell.class {
		subject, account = psn2, c.bob
	}
	consent := GiveConsent{Agency: interior, Purpose: purpose}
	if !cell.quota {
		// Use the window's one request on a valid request about PSN-1.
		e.OK(c.alice, consent)
		e.OK(c.officerI, requestMsg(1, psn1, "income"))
		if !cell.consent && subject == psn1 {
			e.OK(c.alice, WithdrawConsent{Agency: interior, Purpose: purpose})
		}
	}
	if cell.consent && (cell.quota || subject != psn1) {
		e.OK(account, consent)
	}
	if !cell.active {
		e.OK(c.adminF, RevokeGrant{GrantID: 1, Reason: "matrix"})
	}
	if !cell.current {
		e.Height += int64(31 * 24 * time.Hour / time.Second)
	}

	officer := c.officerI
	if !cell.grantee {
		officer = c.officerH
	}
	field := "income"
	if !cell.field {
		field = "employer"
	}
	m := requestMsg(1, subject, field)
	if !cell.purpose {
		m.Purpose = "tax_assessment"
	}

	if want := cell.refusal(); want != nil {
		e.refuseRequest(officer, m, want)
		return
	}
	id, n, count := e.nextRequest(), e.logCount(subject), e.grant(1).WindowCount
	ev := e.OK(officer, m)
	require.Equal(t, []string{core.Dec(id)}, attr(t, ev, "request_id"))
	q := e.request(id)
	require.Equal(t, OutcomeAllowed, q.Outcome)
	require.Equal(t, []FieldCommitment{commitments(subject, 1)[2]}, q.Commitments)
	require.Equal(t, count+1, e.grant(1).WindowCount)
	log := e.log(subject)
	require.Len(t, log, int(n)+1)
	require.Equal(t, KindRequest, log[n].Kind)
	require.Equal(t, OutcomeAllowed, log[n].Outcome)
	require.Equal(t, id, log[n].RequestID)
}
