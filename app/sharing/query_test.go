package sharing

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
)

// TestQueries asks every query path, found, missing and malformed,
// through boundQuery, so that each answer rests on (or proves absent)
// exactly the key PathKey names.
func TestQueries(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.setup(c)
	e.OK(c.adminI, e.keyMsg("k2"))
	e.OK(c.adminI, RevokeKey{KeyID: "k1"})
	e.OK(c.adminF, e.grantMsg()) // grant 2
	e.OK(c.adminF, RevokeGrant{GrantID: 1, Reason: "r"})
	e.OK(c.officerI, requestMsg(2, psn1, "income")) // request 1
	e.OK(c.svcF, RecordDelivery{RequestID: 1, PayloadHash: coretest.HashOf("p"), KeyID: "k2"})

	// Purposes: the index, then each purpose in code order.
	res, err := boundQuery(t, e.KV, []string{"purposes"})
	require.NoError(t, err)
	require.Equal(t, PurposeIndexKey(), res.Key)
	idx := decode[PurposeIndex](t, res.Value)
	require.Len(t, res.Entries, len(idx.Codes)+1)
	for i, code := range idx.Codes {
		require.Equal(t, PurposeKey(code), res.Entries[i+1].Key)
		require.Equal(t, code, decode[Purpose](t, res.Entries[i+1].Value).Code)
	}

	// Single records: the exact stored bytes.
	for _, q := range []struct {
		path []string
		key  []byte
	}{
		{[]string{"purpose", "health_care"}, PurposeKey("health_care")},
		{[]string{"class", finance, incomeClass}, ClassKey(finance, incomeClass)},
		{[]string{"key", interior, "k1"}, AgencyKeyKey(interior, "k1")},
		{[]string{"record", finance, incomeClass, psn1}, RecordKey(finance, incomeClass, psn1)},
		{[]string{"grant", "2"}, GrantKey(2)},
		{[]string{"consent", psn1, interior, "benefit_eligibility"}, ConsentKey(psn1, interior, "benefit_eligibility")},
		{[]string{"request", "1"}, RequestKey(1)},
		{[]string{"log", psn1, "0"}, LogEntryKey(psn1, 0)},
		{[]string{"log", psn1, "1"}, LogEntryKey(psn1, 1)},
	} {
		coretest.RequireStored(t, boundQuery, e.KV, q.path, q.key)
	}

	// Keys: the index (every key ever), then each key.
	ki, keys, ok := coretest.Index(t, boundQuery, e.KV, []string{"keys", interior}, KeyIndexKey(interior), ErrKeyNotFound,
		func(k KeyIndex) uint64 { return k.KeyCount }, func(k AgencyKey) []byte { return AgencyKeyKey(k.Agency, k.KeyID) })
	require.True(t, ok)
	require.Equal(t, []string{"k2"}, ki.Active)
	require.Equal(t, KeyRevoked, keys[0].Status)
	require.Equal(t, KeyActive, keys[1].Status)

	// The pair's active grants: grant 2 only.
	pair, grants, ok := coretest.Index(t, boundQuery, e.KV, []string{"grants", finance, interior}, PairKey(finance, interior), ErrGrantNotFound,
		func(p GrantPair) uint64 { return p.ActiveCount }, func(g Grant) []byte { return GrantKey(g.ID) })
	require.True(t, ok)
	require.Equal(t, uint64(2), pair.GrantCount)
	require.Len(t, grants, 1)
	require.Equal(t, uint64(2), grants[0].ID)

	// The grants interior received: both.
	_, refs, ok := coretest.Index(t, boundQuery, e.KV, []string{"grantee", interior}, GranteeKey(interior), ErrGrantNotFound,
		func(g GranteeGrants) uint64 { return g.GrantCount }, func(r GrantRef) []byte { return GranteeGrantKey(interior, r.GrantID) })
	require.True(t, ok)
	require.Equal(t, []GrantRef{{GrantID: 1, Owner: finance}, {GrantID: 2, Owner: finance}}, refs)

	// Histories.
	require.Equal(t, []string{"commit"}, coretest.Actions(coretest.History(t, boundQuery, e.KV,
		[]string{"record", finance, incomeClass, psn1, "history"},
		func(s uint64) []byte { return RecordHistoryKey(finance, incomeClass, psn1, s) })))
	require.Equal(t, []string{"give_consent"}, coretest.Actions(coretest.History(t, boundQuery, e.KV,
		[]string{"consent", psn1, interior, "benefit_eligibility", "history"},
		func(s uint64) []byte { return ConsentHistoryKey(psn1, interior, "benefit_eligibility", s) })))

	// The log: the head's count, entries 0..count-1, and entry count
	// proven absent.
	log := e.log(psn1)
	require.Len(t, log, 2)
	require.Equal(t, []string{KindRequest, KindDelivery}, []string{log[0].Kind, log[1].Kind})

	// Not found: the key whose absence proves it.
	for _, q := range []struct {
		path []string
		key  []byte
		err  error
	}{
		{[]string{"purpose", "nope"}, PurposeKey("nope"), ErrPurposeNotFound},
		{[]string{"class", finance, "nope"}, ClassKey(finance, "nope"), ErrClassNotFound},
		{[]string{"key", interior, "nope"}, AgencyKeyKey(interior, "nope"), ErrKeyNotFound},
		{[]string{"keys", health}, KeyIndexKey(health), ErrKeyNotFound},
		{[]string{"record", finance, incomeClass, psn3}, RecordKey(finance, incomeClass, psn3), ErrRecordNotFound},
		{[]string{"record", finance, incomeClass, psn3, "history"}, RecordKey(finance, incomeClass, psn3), ErrRecordNotFound},
		{[]string{"grant", "9"}, GrantKey(9), ErrGrantNotFound},
		{[]string{"grants", finance, health}, PairKey(finance, health), ErrGrantNotFound},
		{[]string{"grantee", health}, GranteeKey(health), ErrGrantNotFound},
		{[]string{"consent", psn2, interior, "benefit_eligibility"}, ConsentKey(psn2, interior, "benefit_eligibility"), ErrConsentNotFound},
		{[]string{"consent", psn2, interior, "benefit_eligibility", "history"}, ConsentKey(psn2, interior, "benefit_eligibility"), ErrConsentNotFound},
		{[]string{"request", "9"}, RequestKey(9), ErrRequestNotFound},
		{[]string{"log", psn2}, LogHeadKey(psn2), ErrLogNotFound},
		{[]string{"log", psn1, "2"}, LogEntryKey(psn1, 2), ErrLogNotFound},
		{[]string{"sealed"}, SealedIndexKey(), ErrRequestNotFound},
	} {
		coretest.RequireNotFound(t, boundQuery, e.KV, q.path, q.key, q.err)
	}

	// Unknown paths and malformed segments are invalid.
	coretest.RequireMalformed(t, boundQuery, e.KV, ErrUnknownQuery, [][]string{
		nil, {}, {"purposes", "x"}, {"purpose"}, {"purpose", "a b"}, {"class", finance}, {"class", finance, "a/b"},
		{"key", interior}, {"keys"}, {"keys", ""}, {"record", finance, incomeClass}, {"record", finance, incomeClass, psn1, "x"},
		{"record", finance, incomeClass, psn1, "history", "x"}, {"grant", "0"}, {"grant", "01"}, {"grant", "x"},
		{"grants", finance}, {"grants", finance, interior, "x"}, {"grantee"}, {"consent", psn1, interior},
		{"consent", psn1, interior, "p", "x"}, {"request", "-1"}, {"log"}, {"log", psn1, "-1"}, {"log", psn1, "01"},
		{"log", psn1, "x"}, {"log", psn1, "18446744073709551616"}, {"log", psn1, "0", "x"}, {"land", "x"},
		{"sealed", "x"}, {"sealed", "1"},
	})
}

// TestLogCompleteness: the access log's head counts every entry, each
// numbered from 0, and the entry numbered by the count is absent, before
// and after an append.
func TestLogCompleteness(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.setup(c)
	coretest.RequireNotFound(t, boundQuery, e.KV, []string{"log", psn1}, LogHeadKey(psn1), ErrLogNotFound)
	coretest.RequireNotFound(t, boundQuery, e.KV, []string{"log", psn1, "0"}, LogEntryKey(psn1, 0), ErrLogNotFound)
	for i := 1; i <= 3; i++ {
		e.OK(c.officerI, requestMsg(1, psn1, "income"))
		require.Len(t, e.log(psn1), i) // checks count, order and the absence of entry i
	}
	// Nothing but an append changes the log: a refusal without a record
	// (no role) leaves it as it was.
	e.Refuse(c.alice, requestMsg(1, psn1, "income"), core.ErrMissingRole)
	require.Len(t, e.log(psn1), 3)
}

// FuzzResolve feeds arbitrary query paths to the resolver: it never
// panics, a path it refuses is refused as invalid with ErrUnknownQuery and
// names no key, and a path it resolves names a key under the module's
// prefix.
func FuzzResolve(f *testing.F) {
	for _, p := range []string{"purposes", "sealed", "log/PSN-1/0", "record/finance/income/PSN-1/history", "grants/a/b",
		"consent/s/a/p/history", "grant/18446744073709551615", "log/x/01", "keys/" + strings.Repeat("a", 300)} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, path string) {
		parts := strings.Split(path, "/")
		key, answer, err := resolve(parts)
		if err != nil {
			require.ErrorIs(t, err, ErrUnknownQuery)
			require.ErrorIs(t, err, core.ErrInvalid)
			require.Nil(t, key)
			_, ok := Module.PathKey(parts)
			require.False(t, ok)
			return
		}
		require.NotNil(t, answer)
		require.Equal(t, Prefix, key[0])
	})
}
