package identity

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// TestCivilLifecycle: two persons registered, married, a child born,
// credentials issued, accounts linked; one spouse dies: accounts marked
// deceased, credentials revoked, the other widowed.
func TestCivilLifecycle(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)

	ev := e.OK(c.registrar, registerMsg("P-7f3a"))
	require.Equal(t, []string{"register_person"}, attr(t, ev, "action"))
	require.Equal(t, []string{"P-7f3a"}, attr(t, ev, "person_id"))
	require.Equal(t, []string{c.registrar.String()}, attr(t, ev, "signer"))
	e.OK(c.registrar, registerMsg("P-91c2"))
	p := e.person("P-7f3a")
	require.Equal(t, PersonAlive, p.Status)
	require.Equal(t, OriginRegistration, p.Origin)
	require.Equal(t, Single, p.MaritalStatus)
	require.Equal(t, commitments("P-7f3a"), p.Commitments)
	require.Equal(t, coretest.HashOf("extract P-7f3a"), p.DocumentHash)
	require.Equal(t, []core.Address{}, p.Accounts)

	// A verifier checks a disclosed attribute against the commitment.
	require.Equal(t, commit("salt-2-P-7f3a", "Dupont"), p.Commitments[1].Commitment)

	ev = e.OK(c.registrar, RecordMarriage{PersonA: "P-7f3a", PersonB: "P-91c2", DocumentHash: coretest.HashOf("marriage")})
	require.Equal(t, []string{"P-7f3a", "P-91c2"}, attr(t, ev, "person_id"))
	require.Equal(t, "P-91c2", e.person("P-7f3a").Spouse)
	require.Equal(t, Married, e.person("P-91c2").MaritalStatus)

	ev = e.OK(c.registrar, birthMsg("P-c001", "P-7f3a", "P-91c2"))
	require.Equal(t, []string{"P-7f3a", "P-91c2"}, attr(t, ev, "parent_id"))
	child := e.person("P-c001")
	require.Equal(t, OriginBirth, child.Origin)
	require.Equal(t, []string{"P-7f3a", "P-91c2"}, child.Parents)
	e.OK(c.registrar, birthMsg("P-c002", "P-91c2")) // one parent known

	// Accounts: two for P-7f3a, one for P-91c2.
	a1, a2, b1 := e.signed("a1"), e.signed("a2"), e.signed("b1")
	e.OK(c.registrar, LinkAccount{PersonID: "P-7f3a", Account: a1})
	ev = e.OK(c.registrar2, LinkAccount{PersonID: "P-7f3a", Account: a2})
	require.Equal(t, []string{a2.String()}, attr(t, ev, "account"))
	e.OK(c.registrar, LinkAccount{PersonID: "P-91c2", Account: b1})
	require.Equal(t, sortedAddrs([]core.Address{a1, a2}), e.person("P-7f3a").Accounts)
	res, err := boundQuery(t, e.KV, []string{"account", a1.String()})
	require.NoError(t, err)
	require.JSONEq(t, `{"account":"`+a1.String()+`","owner_kind":"person","owner_id":"P-7f3a","linked_by":"`+
		c.registrar.String()+`","linked_height":`+core.Dec(uint64(e.Height-2))+`,"linked_at":"`+
		coretest.BlockTime(e.Height-2).Format(time.RFC3339)+`"}`, string(res.Value))

	// Amend (a change of name).
	amended := []Commitment{{Attribute: "family_name", Commitment: commit("salt-9", "Martin")}}
	e.OK(c.registrar, AmendPerson{PersonID: "P-91c2", DocumentHash: coretest.HashOf("name change"), Commitments: amended})
	require.Equal(t, amended, e.person("P-91c2").Commitments)

	// Credentials of P-7f3a: a licence and a health card.
	until := coretest.BlockTime(e.Height).Add(365 * 24 * time.Hour)
	e.OK(c.issuer, IssueCredential{CredentialID: "DL-1", CredentialType: "driving_licence", Subject: "P-7f3a",
		ClaimsHash: coretest.HashOf("claims"), ValidFrom: coretest.T0, ValidUntil: until})
	e.OK(c.otherIssuer, IssueCredential{CredentialID: "HC-1", CredentialType: "health_card", Subject: "P-7f3a",
		ClaimsHash: coretest.HashOf("claims2"), ValidFrom: coretest.T0, ValidUntil: until})
	e.OK(c.otherIssuer, RevokeCredential{CredentialID: "HC-1", Reason: "replaced"})
	e.OK(c.otherIssuer, IssueCredential{CredentialID: "HC-2", CredentialType: "health_card", Subject: "P-7f3a",
		ClaimsHash: coretest.HashOf("claims3"), ValidFrom: coretest.T0, ValidUntil: until})

	// Death of P-7f3a.
	ev = e.OK(c.registrar, RecordDeath{PersonID: "P-7f3a", DocumentHash: coretest.HashOf("death certificate")})
	require.Equal(t, []string{"P-7f3a"}, attr(t, ev, "person_id"))
	require.Equal(t, []string{"P-91c2"}, attr(t, ev, "spouse_id"))
	require.Equal(t, []string{"DL-1", "HC-2"}, attr(t, ev, "credential_id"))
	require.ElementsMatch(t, []string{a1.String(), a2.String()}, attr(t, ev, "account"))
	dead := e.person("P-7f3a")
	require.Equal(t, PersonDeceased, dead.Status)
	require.Equal(t, coretest.HashOf("death certificate"), *dead.DeathDocumentHash)
	require.Equal(t, e.Height, dead.DeathHeight)
	for _, a := range []core.Address{a1, a2} {
		st, found := e.status(a)
		require.True(t, found)
		require.Equal(t, core.StatusDeceased, st.Status)
		require.Contains(t, st.Reason, "P-7f3a")
	}
	_, found := e.status(b1)
	require.False(t, found, "the spouse's account still signs")
	for _, id := range []string{"DL-1", "HC-2"} {
		cr := e.credential(id)
		require.Equal(t, CredentialRevoked, cr.Status)
		require.Equal(t, "subject deceased", cr.RevokeReason)
		require.Equal(t, c.registrar, *cr.RevokedBy)
		require.Equal(t, []string{"issue_credential", "revoke_credential"}, e.history("credential", id))
	}
	require.Equal(t, "replaced", e.credential("HC-1").RevokeReason, "an already revoked credential keeps its revocation")
	w := e.person("P-91c2")
	require.Equal(t, Widowed, w.MaritalStatus)
	require.Empty(t, w.Spouse)

	require.Equal(t, []string{"registration", "record_marriage", "birth_of_child", "link_account", "link_account", "record_death"},
		e.history("person", "P-7f3a"))
	require.Equal(t, []string{"registration", "record_marriage", "birth_of_child", "birth_of_child", "link_account",
		"amend_person", "widowed"}, e.history("person", "P-91c2"))
	require.Equal(t, []string{"birth"}, e.history("person", "P-c001"))

	// The widow remarries and divorces.
	e.OK(c.registrar, registerMsg("P-3333"))
	e.OK(c.registrar, RecordMarriage{PersonA: "P-3333", PersonB: "P-91c2", DocumentHash: coretest.HashOf("m2")})
	ev = e.OK(c.registrar, RecordDivorce{PersonA: "P-91c2", PersonB: "P-3333", DocumentHash: coretest.HashOf("d")})
	require.Equal(t, []string{"record_divorce"}, attr(t, ev, "action"))
	for _, id := range []string{"P-91c2", "P-3333"} {
		require.Equal(t, Divorced, e.person(id).MaritalStatus)
		require.Empty(t, e.person(id).Spouse)
	}
	// Divorced persons may marry again (each other too).
	e.OK(c.registrar, RecordMarriage{PersonA: "P-3333", PersonB: "P-91c2", DocumentHash: coretest.HashOf("m3")})

	// Unlinking an account of the deceased leaves it marked deceased.
	e.OK(c.registrar, UnlinkAccount{Account: a2, Reason: "closed"})
	_, found = e.status(a2)
	require.True(t, found)
	_, err = boundQuery(t, e.KV, []string{"account", a2.String()})
	require.ErrorIs(t, err, ErrAccountNotLinked)
	require.Equal(t, []core.Address{a1}, e.person("P-7f3a").Accounts)
}

// TestKeyRotationAndRecovery: an account rotates its key; a lost key is
// recovered by a civil registrar of one agency and an admin of another.
func TestKeyRotationAndRecovery(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.OK(c.registrar, registerMsg("P-1"))
	acct := e.signed("old")
	e.OK(c.registrar, LinkAccount{PersonID: "P-1", Account: acct})

	// Rotation by the account itself.
	ev := e.OK(acct, RotateKey{NewPubKey: core.HexBytes(pubKey("new"))})
	require.Equal(t, []string{acct.String()}, attr(t, ev, "account"))
	require.Equal(t, []string{core.AddressOf(pubKey("new")).String()}, attr(t, ev, "new_key_address"))
	got, err := core.ResolveSigner(e.KV, pubKey("new"))
	require.NoError(t, err)
	require.Equal(t, acct, got.Address)
	require.Equal(t, uint64(1), got.Sequence, "the sequence carries over")
	_, err = core.ResolveSigner(e.KV, pubKey("old"))
	require.ErrorIs(t, err, core.ErrKeyRotated)
	e.Refuse(acct, RotateKey{NewPubKey: core.HexBytes(pubKey("new"))}, core.ErrSameKey)
	e.Refuse(acct, RotateKey{NewPubKey: core.HexBytes(pubKey("old"))}, core.ErrKeyInUse)

	// The key "new" is lost: a registrar of "interior" proposes a recovery.
	deadline := coretest.BlockTime(e.Height).Add(7 * 24 * time.Hour)
	ev = e.OK(c.registrar, ProposeRecovery{Account: acct, NewPubKey: core.HexBytes(pubKey("recovered")),
		Reason: "phone lost", DocumentHash: coretest.HashOf("id check"), ExpiresAt: deadline})
	require.Equal(t, []string{"1"}, attr(t, ev, "recovery_id"))
	rc := e.recovery(1)
	require.Equal(t, RecoveryPending, rc.Status)
	require.Equal(t, "interior", rc.RegistrarAgency)
	require.Equal(t, "P-1", rc.PersonID)

	// Interior's own admin may not approve; transport's may.
	e.Refuse(c.adminCivil, ApproveRecovery{RecoveryID: 1}, ErrSameAgency)
	ev = e.OK(c.adminTransport, ApproveRecovery{RecoveryID: 1})
	require.Equal(t, []string{"transport"}, attr(t, ev, "agency"))
	rc = e.recovery(1)
	require.Equal(t, RecoveryApproved, rc.Status)
	require.Equal(t, "transport", rc.ApproverAgency)
	require.Equal(t, c.adminTransport, *rc.ClosedBy)
	got, err = core.ResolveSigner(e.KV, pubKey("recovered"))
	require.NoError(t, err)
	require.Equal(t, acct, got.Address)
	_, err = core.ResolveSigner(e.KV, pubKey("new"))
	require.ErrorIs(t, err, core.ErrKeyRotated)
	require.Equal(t, []string{"propose_recovery", "approve_recovery"}, e.history("recovery", "1"))
	require.Equal(t, []string{"registration", "link_account", "rotate_key", "recover_key"}, e.history("person", "P-1"))

	// A second recovery, cancelled by the account itself (its key was not
	// lost), and a third, cancelled by its proposer after expiry.
	e.OK(c.registrar, ProposeRecovery{Account: acct, NewPubKey: core.HexBytes(pubKey("r2")),
		Reason: "claimed loss", DocumentHash: coretest.HashOf("x"), ExpiresAt: coretest.BlockTime(e.Height).Add(time.Hour)})
	ev = e.OK(acct, CancelRecovery{RecoveryID: 2, Reason: "not me"})
	require.Equal(t, []string{"cancel_recovery"}, attr(t, ev, "action"))
	require.Equal(t, RecoveryCancelled, e.recovery(2).Status)
	require.Equal(t, "not me", e.recovery(2).CancelReason)
	e.OK(c.registrar, ProposeRecovery{Account: acct, NewPubKey: core.HexBytes(pubKey("r3")),
		Reason: "lost", DocumentHash: coretest.HashOf("y"), ExpiresAt: coretest.BlockTime(e.Height).Add(time.Hour)})
	e.Height += 7200
	e.Refuse(c.adminTransport, ApproveRecovery{RecoveryID: 3}, ErrRecoveryExpired)
	e.OK(c.registrar, CancelRecovery{RecoveryID: 3})
	require.Equal(t, RecoveryCancelled, e.recovery(3).Status)
}

// TestOrganisations: the tax authority registers an organisation and
// manages its accounts; an organisation's account can rotate its key.
func TestOrganisations(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	x, y, z := e.signed("x"), e.signed("y"), e.signed("z")
	ev := e.OK(c.tax, RegisterOrg{OrgID: "ORG-1", Name: "Acme Ltd", DocumentHash: coretest.HashOf("statutes"), Accounts: []core.Address{y, x}})
	require.Equal(t, []string{"ORG-1"}, attr(t, ev, "org_id"))
	o, err := getOrg(e.KV, "ORG-1")
	require.NoError(t, err)
	require.Equal(t, sortedAddrs([]core.Address{x, y}), o.Accounts)
	for _, a := range []core.Address{x, y} {
		l, found, err := getLink(e.KV, a)
		require.NoError(t, err)
		require.True(t, found)
		require.Equal(t, OwnerOrg, l.OwnerKind)
		require.Equal(t, "ORG-1", l.OwnerID)
	}
	e.OK(c.tax, LinkOrgAccount{OrgID: "ORG-1", Account: z})
	e.OK(c.tax, UnlinkAccount{Account: x, Reason: "employee left"})
	e.OK(y, RotateKey{NewPubKey: core.HexBytes(pubKey("y2"))})
	o, err = getOrg(e.KV, "ORG-1")
	require.NoError(t, err)
	require.Equal(t, sortedAddrs([]core.Address{y, z}), o.Accounts)
	require.Equal(t, []string{"register_org", "link_org_account", "unlink_account", "rotate_key"}, e.history("org", "ORG-1"))
	// An unlinked account may be linked again, to a person this time.
	e.OK(c.registrar, registerMsg("P-1"))
	e.OK(c.registrar, LinkAccount{PersonID: "P-1", Account: x})
	// An account that is nobody's may rotate its key too.
	free := e.signed("free")
	e.OK(free, RotateKey{NewPubKey: core.HexBytes(pubKey("free2"))})
}

// TestCredentialRevocationByAgency: another issuer of the issuer's agency
// may revoke; an issuer of another agency may not.
func TestCredentialRevocationByAgency(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.OK(c.registrar, registerMsg("P-1"))
	e.OK(c.issuer, IssueCredential{CredentialID: "DL-9", CredentialType: "driving_licence", Subject: "P-1",
		ClaimsHash: coretest.HashOf("c"), ValidFrom: coretest.T0, ValidUntil: coretest.T0.Add(48 * time.Hour)})
	cr := e.credential("DL-9")
	require.Equal(t, "transport", cr.IssuerAgency)
	require.Equal(t, CredentialActive, cr.Status)
	e.Refuse(c.otherIssuer, RevokeCredential{CredentialID: "DL-9", Reason: "r"}, ErrNotIssuer)
	ev := e.OK(c.issuer2, RevokeCredential{CredentialID: "DL-9", Reason: "suspended by court order"})
	require.Equal(t, []string{"DL-9"}, attr(t, ev, "credential_id"))
	require.Equal(t, c.issuer2, *e.credential("DL-9").RevokedBy)
}
