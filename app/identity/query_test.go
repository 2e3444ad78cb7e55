package identity

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

func TestQueries(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.OK(c.registrar, registerMsg("P-1"))
	e.OK(c.registrar, registerMsg("P-2"))
	acct := e.signed("acct")
	e.OK(c.registrar, LinkAccount{PersonID: "P-1", Account: acct})
	org := e.signed("org")
	e.OK(c.tax, RegisterOrg{OrgID: "O-1", Name: "Acme", DocumentHash: coretest.HashOf("s"), Accounts: []core.Address{org}})
	until := coretest.BlockTime(e.Height).Add(24 * time.Hour)
	for _, id := range []string{"CR-2", "CR-10"} {
		e.OK(c.issuer, IssueCredential{CredentialID: id, CredentialType: "permit", Subject: "P-1",
			ClaimsHash: coretest.HashOf(id), ValidFrom: coretest.T0, ValidUntil: until})
	}
	e.OK(c.issuer, RevokeCredential{CredentialID: "CR-2", Reason: "r"})
	e.OK(c.registrar, ProposeRecovery{Account: acct, NewPubKey: core.HexBytes(pubKey("n")), Reason: "lost",
		DocumentHash: coretest.HashOf("c"), ExpiresAt: coretest.BlockTime(e.Height).Add(time.Hour)})

	// Single records: the exact stored bytes.
	for _, q := range []struct {
		path []string
		key  []byte
	}{
		{[]string{"person", "P-1"}, PersonKey("P-1")},
		{[]string{"account", acct.String()}, AccountLinkKey(acct)},
		{[]string{"account", org.String()}, AccountLinkKey(org)},
		{[]string{"org", "O-1"}, OrgKey("O-1")},
		{[]string{"credential", "CR-2"}, CredentialKey("CR-2")},
		{[]string{"recovery", "1"}, RecoveryKey(1)},
	} {
		coretest.RequireStored(t, boundQuery, e.KV, q.path, q.key)
	}

	// The credential answer carries status and validity for the verifier.
	res, err := boundQuery(t, e.KV, []string{"credential", "CR-10"})
	require.NoError(t, err)
	var cr map[string]any
	require.NoError(t, json.Unmarshal(res.Value, &cr))
	require.Equal(t, CredentialActive, cr["status"])
	require.Equal(t, until.Format(time.RFC3339), cr["valid_until"])
	require.Equal(t, coretest.T0.Format(time.RFC3339), cr["valid_from"])

	// Histories: anchor then history_count entries, with exact keys.
	require.Equal(t, []string{"registration", "link_account"}, e.history("person", "P-1"))
	require.Equal(t, []string{"register_org"}, e.history("org", "O-1"))
	require.Equal(t, []string{"issue_credential", "revoke_credential"}, e.history("credential", "CR-2"))
	require.Equal(t, []string{"propose_recovery"}, e.history("recovery", "1"))
	res, err = boundQuery(t, e.KV, []string{"person", "P-1", "history"})
	require.NoError(t, err)
	require.Equal(t, PersonKey("P-1"), res.Key)
	require.Equal(t, PersonHistoryKey("P-1", 1), res.Entries[2].Key)
	res, err = boundQuery(t, e.KV, []string{"recovery", "1", "history"})
	require.NoError(t, err)
	require.Equal(t, RecoveryHistoryKey(1, 0), res.Entries[1].Key)

	// A person's credentials: anchor with the count, then every entry in
	// key order (shorter ids first).
	res, err = boundQuery(t, e.KV, []string{"person", "P-1", "credentials"})
	require.NoError(t, err)
	require.Equal(t, PersonCredentialsKey("P-1"), res.Key)
	require.Equal(t, res.Key, res.Entries[0].Key)
	var idx PersonCredentials
	require.NoError(t, json.Unmarshal(res.Value, &idx))
	require.Equal(t, PersonCredentials{PersonID: "P-1", CredentialCount: 2}, idx)
	require.Len(t, res.Entries, 3)
	for i, id := range []string{"CR-2", "CR-10"} {
		require.Equal(t, PersonCredentialKey("P-1", id), res.Entries[i+1].Key)
		var pc PersonCredential
		require.NoError(t, json.Unmarshal(res.Entries[i+1].Value, &pc))
		require.Equal(t, PersonCredential{CredentialID: id, CredentialType: "permit", Issuer: c.issuer}, pc)
	}
	// A person without credentials: the anchor with count 0.
	res, err = boundQuery(t, e.KV, []string{"person", "P-2", "credentials"})
	require.NoError(t, err)
	require.Len(t, res.Entries, 1)
	require.JSONEq(t, `{"person_id":"P-2","credential_count":0}`, string(res.Value))

	// Not found: the key whose absence proves it.
	nobody := e.Account("nobody")
	for _, q := range []struct {
		path []string
		key  []byte
		err  error
	}{
		{[]string{"person", "NOPE"}, PersonKey("NOPE"), ErrPersonNotFound},
		{[]string{"person", "NOPE", "history"}, PersonKey("NOPE"), ErrPersonNotFound},
		{[]string{"person", "NOPE", "credentials"}, PersonCredentialsKey("NOPE"), ErrPersonNotFound},
		{[]string{"account", nobody.String()}, AccountLinkKey(nobody), ErrAccountNotLinked},
		{[]string{"org", "NOPE"}, OrgKey("NOPE"), ErrOrgNotFound},
		{[]string{"org", "NOPE", "history"}, OrgKey("NOPE"), ErrOrgNotFound},
		{[]string{"credential", "NOPE"}, CredentialKey("NOPE"), ErrCredentialNotFound},
		{[]string{"credential", "NOPE", "history"}, CredentialKey("NOPE"), ErrCredentialNotFound},
		{[]string{"recovery", "9"}, RecoveryKey(9), ErrRecoveryNotFound},
		{[]string{"recovery", "9", "history"}, RecoveryKey(9), ErrRecoveryNotFound},
	} {
		coretest.RequireNotFound(t, boundQuery, e.KV, q.path, q.key, q.err)
	}

	// Malformed paths.
	coretest.RequireMalformed(t, boundQuery, e.KV, ErrUnknownQuery, [][]string{
		nil, {"person"}, {"person", "P-1", "nope"}, {"person", "P/1"}, {"person", "P-1", "history", "x"},
		{"account", "XYZ"}, {"account", acct.String(), "history"}, {"account", "AB" + acct.String()[2:]},
		{"recovery", "0"}, {"recovery", "01"}, {"recovery", "-1"}, {"recovery", "x"},
		{"credential", ""}, {"org", "O-1", "credentials"}, {"nope", "x"},
	})
}
