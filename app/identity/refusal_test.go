package identity

import (
	"testing"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// TestRefusals triggers every sentinel of the package at least once and
// checks that each refusal leaves the state unchanged.
func TestRefusals(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	day := 24 * time.Hour
	nobody := e.Account("nobody")

	e.OK(c.registrar, registerMsg("A"))
	e.OK(c.registrar, registerMsg("B"))
	e.OK(c.registrar, registerMsg("C"))

	// Persons and civil events.
	bad := registerMsg("D")
	bad.Commitments = nil
	e.Refuse(c.registrar, bad, ErrInvalidMessage)
	e.Refuse(nobody, registerMsg("D"), core.ErrMissingRole)
	e.Refuse(c.registrar, registerMsg("A"), ErrPersonExists)
	e.Refuse(c.registrar, birthMsg("A", "B"), ErrPersonExists)
	e.Refuse(c.registrar, birthMsg("D", "B", "NOPE"), ErrPersonNotFound)
	e.Refuse(c.registrar, AmendPerson{PersonID: "NOPE", DocumentHash: coretest.HashOf("x"), Commitments: commitments("x")}, ErrPersonNotFound)
	e.Refuse(c.registrar, RecordMarriage{PersonA: "A", PersonB: "NOPE", DocumentHash: coretest.HashOf("m")}, ErrPersonNotFound)
	e.Refuse(c.registrar, RecordDivorce{PersonA: "A", PersonB: "B", DocumentHash: coretest.HashOf("d")}, ErrNotMarried)
	e.OK(c.registrar, RecordMarriage{PersonA: "A", PersonB: "B", DocumentHash: coretest.HashOf("m")})
	e.Refuse(c.registrar, RecordMarriage{PersonA: "A", PersonB: "B", DocumentHash: coretest.HashOf("m")}, ErrAlreadyMarried)
	e.Refuse(c.registrar, RecordMarriage{PersonA: "C", PersonB: "B", DocumentHash: coretest.HashOf("m")}, ErrAlreadyMarried)
	e.Refuse(c.registrar, RecordDivorce{PersonA: "A", PersonB: "C", DocumentHash: coretest.HashOf("d")}, ErrNotMarried)
	e.Refuse(c.registrar, RecordDeath{PersonID: "NOPE", DocumentHash: coretest.HashOf("d")}, ErrPersonNotFound)

	// Accounts and organisations.
	a1, a2, o1 := e.signed("a1"), e.signed("a2"), e.signed("o1")
	e.Refuse(c.registrar, LinkAccount{PersonID: "NOPE", Account: a1}, ErrPersonNotFound)
	e.OK(c.registrar, LinkAccount{PersonID: "A", Account: a1})
	e.Refuse(c.registrar, LinkAccount{PersonID: "B", Account: a1}, ErrAccountLinked)
	for i := 1; i < MaxAccounts; i++ {
		e.OK(c.registrar, LinkAccount{PersonID: "C", Account: e.Account("c-acct-" + core.Dec(uint64(i)))})
	}
	e.OK(c.registrar, LinkAccount{PersonID: "C", Account: e.Account("c-acct-last")})
	e.Refuse(c.registrar, LinkAccount{PersonID: "C", Account: a2}, ErrTooManyAccounts)
	e.Refuse(c.tax, UnlinkAccount{Account: a1, Reason: "r"}, core.ErrMissingRole)
	e.Refuse(c.registrar, UnlinkAccount{Account: a2, Reason: "r"}, ErrAccountNotLinked)
	e.Refuse(c.registrar, RegisterOrg{OrgID: "O", Name: "Acme", DocumentHash: coretest.HashOf("s"), Accounts: []core.Address{o1}}, core.ErrMissingRole)
	e.Refuse(c.tax, RegisterOrg{OrgID: "O", Name: "Acme", DocumentHash: coretest.HashOf("s"), Accounts: []core.Address{o1, a1}}, ErrAccountLinked)
	e.OK(c.tax, RegisterOrg{OrgID: "O", Name: "Acme", DocumentHash: coretest.HashOf("s"), Accounts: []core.Address{o1}})
	e.Refuse(c.tax, RegisterOrg{OrgID: "O", Name: "Acme", DocumentHash: coretest.HashOf("s"), Accounts: []core.Address{a2}}, ErrOrgExists)
	e.Refuse(c.tax, LinkOrgAccount{OrgID: "NOPE", Account: a2}, ErrOrgNotFound)
	e.Refuse(c.registrar, UnlinkAccount{Account: o1, Reason: "r"}, core.ErrMissingRole)
	e.Refuse(e.Account("never-signed"), RotateKey{NewPubKey: core.HexBytes(pubKey("k"))}, core.ErrNoSuchSigner)

	// Recoveries.
	rec := func(a core.Address, key string, d time.Duration) ProposeRecovery {
		return ProposeRecovery{Account: a, NewPubKey: core.HexBytes(pubKey(key)), Reason: "lost",
			DocumentHash: coretest.HashOf("check"), ExpiresAt: coretest.BlockTime(e.Height + 1).Add(d)}
	}
	e.Refuse(nobody, rec(a1, "n1", day), core.ErrMissingRole)
	e.Refuse(c.registrar, rec(a2, "n1", day), ErrAccountNotLinked)
	e.Refuse(c.registrar, rec(o1, "n1", day), ErrNotPersonAccount)
	e.Refuse(c.registrar, rec(e.Account("c-acct-last"), "n1", day), ErrAccountUnknown)
	e.Refuse(c.registrar, rec(a1, "n1", 0), ErrDeadlineOutOfRange)
	e.Refuse(c.registrar, rec(a1, "n1", MaxRecoveryHorizon+time.Second), ErrDeadlineOutOfRange)
	e.OK(c.registrar, rec(a1, "n1", day)) // recovery 1
	e.Refuse(c.adminTransport, ApproveRecovery{RecoveryID: 99}, ErrRecoveryNotFound)
	e.Refuse(c.registrar, ApproveRecovery{RecoveryID: 1}, core.ErrNotAgencyAdmin)
	e.Refuse(c.adminCivil, ApproveRecovery{RecoveryID: 1}, ErrSameAgency)
	e.Refuse(nobody, CancelRecovery{RecoveryID: 1}, ErrNotRecoveryParty)
	e.Refuse(c.registrar2, CancelRecovery{RecoveryID: 1}, ErrNotRecoveryParty)
	e.Refuse(c.registrar, CancelRecovery{RecoveryID: 99}, ErrRecoveryNotFound)
	e.OK(c.registrar, rec(a1, "o1", day)) // recovery 2: the key of o1 is in use
	e.Refuse(c.adminTransport, ApproveRecovery{RecoveryID: 2}, core.ErrKeyInUse)
	e.OK(c.adminTransport, ApproveRecovery{RecoveryID: 1})
	e.Refuse(c.adminTransport, ApproveRecovery{RecoveryID: 1}, ErrRecoveryNotPending)
	e.Refuse(c.registrar, CancelRecovery{RecoveryID: 1}, ErrRecoveryNotPending)
	e.OK(c.registrar, rec(a1, "n3", time.Hour)) // recovery 3
	e.Height += 3601
	e.Refuse(c.adminTransport, ApproveRecovery{RecoveryID: 3}, ErrRecoveryExpired)

	// Credentials.
	cred := func(id, subject string, until time.Time) IssueCredential {
		return IssueCredential{CredentialID: id, CredentialType: "licence", Subject: subject,
			ClaimsHash: coretest.HashOf("claims " + id), ValidFrom: coretest.T0, ValidUntil: until}
	}
	later := coretest.BlockTime(e.Height).Add(day)
	e.Refuse(c.registrar, cred("K-1", "A", later), core.ErrMissingRole)
	e.Refuse(c.issuer, cred("K-1", "NOPE", later), ErrPersonNotFound)
	e.Refuse(c.issuer, cred("K-1", "A", coretest.BlockTime(e.Height+1)), ErrValidityEnded)
	e.OK(c.issuer, cred("K-1", "A", later))
	e.Refuse(c.issuer, cred("K-1", "B", later), ErrCredentialExists)
	e.Refuse(c.issuer, RevokeCredential{CredentialID: "NOPE", Reason: "r"}, ErrCredentialNotFound)
	e.Refuse(c.otherIssuer, RevokeCredential{CredentialID: "K-1", Reason: "r"}, ErrNotIssuer)
	e.Refuse(nobody, RevokeCredential{CredentialID: "K-1", Reason: "r"}, core.ErrMissingRole)
	e.OK(c.issuer, RevokeCredential{CredentialID: "K-1", Reason: "r"})
	e.Refuse(c.issuer, RevokeCredential{CredentialID: "K-1", Reason: "r"}, ErrCredentialRevoked)
	for i := 1; i <= MaxCredentialsPerPerson; i++ {
		e.OK(c.issuer, cred("C-"+core.Dec(uint64(i)), "C", later))
	}
	e.Refuse(c.issuer, cred("K-overflow", "C", later), ErrTooManyCredentials)

	// Death: B dies; nothing more may happen to B.
	e.OK(c.registrar, RecordDeath{PersonID: "B", DocumentHash: coretest.HashOf("death")})
	e.Refuse(c.registrar, RecordDeath{PersonID: "B", DocumentHash: coretest.HashOf("death")}, ErrPersonDeceased)
	e.Refuse(c.registrar, birthMsg("D", "A", "B"), ErrPersonDeceased)
	e.Refuse(c.registrar, RecordMarriage{PersonA: "A", PersonB: "B", DocumentHash: coretest.HashOf("m")}, ErrPersonDeceased)
	e.Refuse(c.registrar, RecordDivorce{PersonA: "A", PersonB: "B", DocumentHash: coretest.HashOf("d")}, ErrPersonDeceased)
	e.Refuse(c.registrar, LinkAccount{PersonID: "B", Account: a2}, ErrPersonDeceased)
	e.Refuse(c.issuer, cred("K-B", "B", later), ErrPersonDeceased)
	// A's pending recovery 4 cannot be approved once A is dead.
	e.OK(c.registrar, rec(a1, "n4", day))
	e.OK(c.registrar, RecordDeath{PersonID: "A", DocumentHash: coretest.HashOf("death A")})
	e.Refuse(c.adminTransport, ApproveRecovery{RecoveryID: 4}, ErrPersonDeceased)
	e.Refuse(c.registrar, rec(a1, "n5", day), ErrPersonDeceased)

	// Query-only sentinels.
	for _, q := range []struct {
		path []string
		err  error
	}{
		{[]string{"person", "A", "nope"}, ErrUnknownQuery},
		{[]string{"org", "NOPE"}, ErrOrgNotFound},
	} {
		e.RefuseQuery(boundQuery, q.path, q.err)
	}

	e.RequireSeen(Errors)
}
