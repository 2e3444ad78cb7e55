package identity

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

var (
	va = coretest.Address("a")
	vb = coretest.Address("b")
)

// validateCase is a mutation Validate must refuse (coretest.ValidateCase).
type validateCase coretest.ValidateCase

// checkValidate requires base to be valid and every mutation of it to be
// refused with ErrInvalidMessage (coretest.CheckValidate).
var checkValidate = coretest.Validator[validateCase](Module, ErrInvalidMessage)

// commitmentCases are the commitment refusals shared by the messages that
// carry commitments; set replaces the message's commitments.
func commitmentCases[M core.Msg](set func(m *M, c []Commitment)) []validateCase {
	h := coretest.HashOf("x")
	many := make([]Commitment, MaxCommitments+1)
	for i := range many {
		many[i] = Commitment{Attribute: "a" + strings.Repeat("x", i), Commitment: h}
	}
	return []validateCase{
		{"no commitments", coretest.Mutate(func(m *M) { set(m, nil) })},
		{"too many commitments", coretest.Mutate(func(m *M) { set(m, many) })},
		{"bad attribute", coretest.Mutate(func(m *M) { set(m, []Commitment{{Attribute: "family name", Commitment: h}}) })},
		{"empty attribute", coretest.Mutate(func(m *M) { set(m, []Commitment{{Attribute: "", Commitment: h}}) })},
		{"zero commitment", coretest.Mutate(func(m *M) { set(m, []Commitment{{Attribute: "name"}}) })},
		{"unsorted", coretest.Mutate(func(m *M) {
			set(m, []Commitment{{Attribute: "b", Commitment: h}, {Attribute: "a", Commitment: h}})
		})},
		{"repeated", coretest.Mutate(func(m *M) {
			set(m, []Commitment{{Attribute: "a", Commitment: h}, {Attribute: "a", Commitment: h}})
		})},
	}
}

func TestValidateRegisterPerson(t *testing.T) {
	cases := []validateCase{
		{"empty id", coretest.Mutate(func(m *RegisterPerson) { m.PersonID = "" })},
		{"id with slash", coretest.Mutate(func(m *RegisterPerson) { m.PersonID = "P/1" })},
		{"long id", coretest.Mutate(func(m *RegisterPerson) { m.PersonID = strings.Repeat("x", 65) })},
		{"zero document", coretest.Mutate(func(m *RegisterPerson) { m.DocumentHash = core.Hash{} })},
	}
	cases = append(cases, commitmentCases(func(m *RegisterPerson, c []Commitment) { m.Commitments = c })...)
	checkValidate(t, registerMsg("P-1"), cases)
}

func TestValidateAmendPerson(t *testing.T) {
	base := AmendPerson{PersonID: "P-1", DocumentHash: coretest.HashOf("d"), Commitments: commitments("x")}
	cases := []validateCase{
		{"bad id", coretest.Mutate(func(m *AmendPerson) { m.PersonID = "a b" })},
		{"zero document", coretest.Mutate(func(m *AmendPerson) { m.DocumentHash = core.Hash{} })},
	}
	cases = append(cases, commitmentCases(func(m *AmendPerson, c []Commitment) { m.Commitments = c })...)
	checkValidate(t, base, cases)
}

func TestValidateRecordBirth(t *testing.T) {
	cases := []validateCase{
		{"bad id", coretest.Mutate(func(m *RecordBirth) { m.PersonID = "" })},
		{"no parents", coretest.Mutate(func(m *RecordBirth) { m.ParentIDs = nil })},
		{"three parents", coretest.Mutate(func(m *RecordBirth) { m.ParentIDs = []string{"A", "B", "C"} })},
		{"bad parent id", coretest.Mutate(func(m *RecordBirth) { m.ParentIDs = []string{"A", "B/2"} })},
		{"own parent", coretest.Mutate(func(m *RecordBirth) { m.ParentIDs = []string{"A", "K"} })},
		{"same parent twice", coretest.Mutate(func(m *RecordBirth) { m.ParentIDs = []string{"A", "A"} })},
		{"zero document", coretest.Mutate(func(m *RecordBirth) { m.DocumentHash = core.Hash{} })},
	}
	cases = append(cases, commitmentCases(func(m *RecordBirth, c []Commitment) { m.Commitments = c })...)
	checkValidate(t, birthMsg("K", "A", "B"), cases)
}

func TestValidatePairs(t *testing.T) {
	checkValidate(t, RecordMarriage{PersonA: "A", PersonB: "B", DocumentHash: coretest.HashOf("m")}, []validateCase{
		{"bad a", coretest.Mutate(func(m *RecordMarriage) { m.PersonA = "" })},
		{"bad b", coretest.Mutate(func(m *RecordMarriage) { m.PersonB = "b b" })},
		{"same person", coretest.Mutate(func(m *RecordMarriage) { m.PersonB = "A" })},
		{"zero document", coretest.Mutate(func(m *RecordMarriage) { m.DocumentHash = core.Hash{} })},
	})
	checkValidate(t, RecordDivorce{PersonA: "A", PersonB: "B", DocumentHash: coretest.HashOf("m")}, []validateCase{
		{"bad a", coretest.Mutate(func(m *RecordDivorce) { m.PersonA = strings.Repeat("a", 65) })},
		{"same person", coretest.Mutate(func(m *RecordDivorce) { m.PersonA = "B" })},
		{"zero document", coretest.Mutate(func(m *RecordDivorce) { m.DocumentHash = core.Hash{} })},
	})
	checkValidate(t, RecordDeath{PersonID: "A", DocumentHash: coretest.HashOf("d")}, []validateCase{
		{"bad id", coretest.Mutate(func(m *RecordDeath) { m.PersonID = "" })},
		{"zero document", coretest.Mutate(func(m *RecordDeath) { m.DocumentHash = core.Hash{} })},
	})
}

func TestValidateAccounts(t *testing.T) {
	checkValidate(t, LinkAccount{PersonID: "A", Account: va}, []validateCase{
		{"bad id", coretest.Mutate(func(m *LinkAccount) { m.PersonID = "" })},
		{"zero account", coretest.Mutate(func(m *LinkAccount) { m.Account = core.Address{} })},
	})
	checkValidate(t, LinkOrgAccount{OrgID: "O", Account: va}, []validateCase{
		{"bad id", coretest.Mutate(func(m *LinkOrgAccount) { m.OrgID = "o o" })},
		{"zero account", coretest.Mutate(func(m *LinkOrgAccount) { m.Account = core.Address{} })},
	})
	checkValidate(t, UnlinkAccount{Account: va, Reason: "r"}, []validateCase{
		{"zero account", coretest.Mutate(func(m *UnlinkAccount) { m.Account = core.Address{} })},
		{"no reason", coretest.Mutate(func(m *UnlinkAccount) { m.Reason = "" })},
		{"control char", coretest.Mutate(func(m *UnlinkAccount) { m.Reason = "a\x00" })},
		{"long reason", coretest.Mutate(func(m *UnlinkAccount) { m.Reason = strings.Repeat("x", MaxReasonLen+1) })},
	})
	many := make([]core.Address, MaxAccounts+1)
	for i := range many {
		many[i] = coretest.Address(core.Dec(uint64(i)))
	}
	checkValidate(t, RegisterOrg{OrgID: "O", Name: "Acme", DocumentHash: coretest.HashOf("s"), Accounts: []core.Address{va, vb}}, []validateCase{
		{"bad id", coretest.Mutate(func(m *RegisterOrg) { m.OrgID = "" })},
		{"no name", coretest.Mutate(func(m *RegisterOrg) { m.Name = "" })},
		{"long name", coretest.Mutate(func(m *RegisterOrg) { m.Name = strings.Repeat("x", MaxOrgNameLen+1) })},
		{"zero document", coretest.Mutate(func(m *RegisterOrg) { m.DocumentHash = core.Hash{} })},
		{"no accounts", coretest.Mutate(func(m *RegisterOrg) { m.Accounts = nil })},
		{"too many accounts", coretest.Mutate(func(m *RegisterOrg) { m.Accounts = many })},
		{"zero account", coretest.Mutate(func(m *RegisterOrg) { m.Accounts = []core.Address{va, {}} })},
		{"repeated account", coretest.Mutate(func(m *RegisterOrg) { m.Accounts = []core.Address{va, va} })},
	})
	checkValidate(t, RotateKey{NewPubKey: core.HexBytes(pubKey("k"))}, []validateCase{
		{"no key", coretest.Mutate(func(m *RotateKey) { m.NewPubKey = nil })},
		{"short key", coretest.Mutate(func(m *RotateKey) { m.NewPubKey = m.NewPubKey[:31] })},
	})
}

func validRecovery() ProposeRecovery {
	return ProposeRecovery{Account: va, NewPubKey: core.HexBytes(pubKey("k")), Reason: "lost",
		DocumentHash: coretest.HashOf("c"), ExpiresAt: coretest.T0.Add(time.Hour)}
}

func TestValidateRecovery(t *testing.T) {
	checkValidate(t, validRecovery(), []validateCase{
		{"zero account", coretest.Mutate(func(m *ProposeRecovery) { m.Account = core.Address{} })},
		{"bad key", coretest.Mutate(func(m *ProposeRecovery) { m.NewPubKey = core.HexBytes{1, 2} })},
		{"no reason", coretest.Mutate(func(m *ProposeRecovery) { m.Reason = "" })},
		{"zero document", coretest.Mutate(func(m *ProposeRecovery) { m.DocumentHash = core.Hash{} })},
		{"no deadline", coretest.Mutate(func(m *ProposeRecovery) { m.ExpiresAt = time.Time{} })},
		{"deadline not UTC", coretest.Mutate(func(m *ProposeRecovery) { m.ExpiresAt = m.ExpiresAt.In(time.FixedZone("X", 3600)) })},
	})
	checkValidate(t, ApproveRecovery{RecoveryID: 1}, []validateCase{
		{"zero id", coretest.Mutate(func(m *ApproveRecovery) { m.RecoveryID = 0 })},
	})
	checkValidate(t, CancelRecovery{RecoveryID: 1, Reason: "r"}, []validateCase{
		{"zero id", coretest.Mutate(func(m *CancelRecovery) { m.RecoveryID = 0 })},
		{"control char", coretest.Mutate(func(m *CancelRecovery) { m.Reason = "\n" })},
	})
	require.NoError(t, CancelRecovery{RecoveryID: 1}.Validate(), "a reason is optional")
}

func validIssue() IssueCredential {
	return IssueCredential{CredentialID: "DL-1", CredentialType: "driving_licence", Subject: "P-1",
		ClaimsHash: coretest.HashOf("claims"), ValidFrom: coretest.T0, ValidUntil: coretest.T0.Add(time.Hour)}
}

func TestValidateCredentials(t *testing.T) {
	checkValidate(t, validIssue(), []validateCase{
		{"bad id", coretest.Mutate(func(m *IssueCredential) { m.CredentialID = "" })},
		{"bad type", coretest.Mutate(func(m *IssueCredential) { m.CredentialType = "driving licence" })},
		{"bad subject", coretest.Mutate(func(m *IssueCredential) { m.Subject = "P/1" })},
		{"zero claims", coretest.Mutate(func(m *IssueCredential) { m.ClaimsHash = core.Hash{} })},
		{"no valid_from", coretest.Mutate(func(m *IssueCredential) { m.ValidFrom = time.Time{} })},
		{"no valid_until", coretest.Mutate(func(m *IssueCredential) { m.ValidUntil = time.Time{} })},
		{"valid_until not UTC", coretest.Mutate(func(m *IssueCredential) { m.ValidUntil = m.ValidUntil.Local().In(time.FixedZone("Y", -7200)) })},
		{"empty period", coretest.Mutate(func(m *IssueCredential) { m.ValidUntil = m.ValidFrom })},
		{"reversed period", coretest.Mutate(func(m *IssueCredential) { m.ValidUntil = m.ValidFrom.Add(-time.Second) })},
	})
	checkValidate(t, RevokeCredential{CredentialID: "DL-1", Reason: "r"}, []validateCase{
		{"bad id", coretest.Mutate(func(m *RevokeCredential) { m.CredentialID = "" })},
		{"no reason", coretest.Mutate(func(m *RevokeCredential) { m.Reason = "" })},
	})
}

// validMsgs returns one valid message per type, in Types() order.
func validMsgs() []core.Msg {
	return []core.Msg{
		AmendPerson{PersonID: "P-1", DocumentHash: coretest.HashOf("d"), Commitments: commitments("x")},
		ApproveRecovery{RecoveryID: 1},
		CancelRecovery{RecoveryID: 1, Reason: "r"},
		validIssue(),
		LinkAccount{PersonID: "P-1", Account: va},
		LinkOrgAccount{OrgID: "O-1", Account: vb},
		validRecovery(),
		birthMsg("K", "A", "B"),
		RecordDeath{PersonID: "A", DocumentHash: coretest.HashOf("d")},
		RecordDivorce{PersonA: "A", PersonB: "B", DocumentHash: coretest.HashOf("d")},
		RecordMarriage{PersonA: "A", PersonB: "B", DocumentHash: coretest.HashOf("m")},
		RegisterOrg{OrgID: "O-1", Name: "Acme", DocumentHash: coretest.HashOf("s"), Accounts: []core.Address{va}},
		registerMsg("P-1"),
		RevokeCredential{CredentialID: "DL-1", Reason: "r"},
		RotateKey{NewPubKey: core.HexBytes(pubKey("k"))},
		UnlinkAccount{Account: va, Reason: "r"},
	}
}

// TestModule checks the module's contract (coretest.CheckModule): one
// valid message per type, each canonical, and its sentinels.
func TestModule(t *testing.T) {
	coretest.CheckModule(t, Module, validMsgs())
}
