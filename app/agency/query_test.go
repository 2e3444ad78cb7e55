package agency

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/state"
)

// boundQuery is coretest.BoundQuery on this module.
func boundQuery(t testing.TB, r state.Reader, path []string) (*core.QueryResult, error) {
	t.Helper()
	return coretest.BoundQuery(t, Module, r, path)
}

// TestQueryPathKeys queries every agency path, found, missing and
// malformed, and requires PathKey to name the key each answer rests on.
func TestQueryPathKeys(t *testing.T) {
	kv := coretest.NewMemKV()
	require.NoError(t, core.SetAgencySet(kv, core.AgencySet{AgencyIDs: []string{"finance", "justice"}}))
	for _, id := range []string{"finance", "justice"} {
		require.NoError(t, core.SetJSON(kv, core.AgencyKey(id), core.Agency{ID: id, Name: id}))
	}
	require.NoError(t, core.SetJSON(kv, core.RolePolicyKey(core.RoleNotary), core.RolePolicy{Role: core.RoleNotary, Agencies: []string{"justice"}}))
	alice, bob := coretest.Address("alice"), coretest.Address("bob")
	require.NoError(t, Grant(coretest.Context(kv, alice, 1), alice, core.RoleNotary, "justice"))

	for _, q := range []struct {
		path    []string
		key     []byte
		entries int
	}{
		{[]string{"list"}, core.AgencySetKey(), 3},
		{[]string{"id", "justice"}, core.AgencyKey("justice"), 0},
		{[]string{"account", alice.String(), "roles"}, core.RoleAccountKey(alice), 0},
		{[]string{"account", strings.ToUpper(alice.String()), "roles"}, core.RoleAccountKey(alice), 0},
		{[]string{"account", alice.String(), "history"}, core.RoleAccountKey(alice), 2},
		{[]string{"policy", string(core.RoleNotary)}, core.RolePolicyKey(core.RoleNotary), 0},
	} {
		res, err := boundQuery(t, kv, q.path)
		require.NoError(t, err, "%q", q.path)
		require.Equal(t, q.key, res.Key, "%q", q.path)
		require.Len(t, res.Entries, q.entries, "%q", q.path)
	}

	for _, q := range []struct {
		path []string
		key  []byte
	}{
		{[]string{"id", "health"}, core.AgencyKey("health")},
		{[]string{"account", bob.String(), "roles"}, core.RoleAccountKey(bob)},
		{[]string{"account", bob.String(), "history"}, core.RoleAccountKey(bob)},
		{[]string{"policy", string(core.RoleBank)}, core.RolePolicyKey(core.RoleBank)},
	} {
		coretest.RequireNotFound(t, boundQuery, kv, q.path, q.key, nil)
	}
	coretest.RequireNotFound(t, boundQuery, coretest.NewMemKV(), []string{"list"}, core.AgencySetKey(), nil)

	coretest.RequireMalformed(t, boundQuery, kv, nil, [][]string{
		nil, {}, {"list", "x"}, {"id"}, {"id", "justice", "x"}, {"account", alice.String()},
		{"account", "xyz", "roles"}, {"account", alice.String(), "grants"}, {"policy", "pilot"}, {"policy"},
		{"parcel", "P-1"},
	})
}
