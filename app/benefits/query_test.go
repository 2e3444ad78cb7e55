package benefits

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core/coretest"
)

func TestQueries(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	e.ok(c.social, programme("FAM", RuleBirth, 0))
	e.ok(c.social, programme("CARE", RuleClaim, 0))
	e.ok(c.civil, birth("C-1", "P-ANN"))
	e.ok(c.ann, ClaimBenefit{ProgrammeID: "CARE", PersonID: "P-ANN", DocumentHash: coretest.HashOf("file")})
	e.step()
	r := ref("FAM", "P-ANN", "C-1")
	for _, q := range []struct {
		path []string
		key  []byte
	}{
		{[]string{"programme", "FAM"}, ProgrammeKey("FAM")},
		{[]string{"entitlement", "FAM", "P-ANN", "C-1"}, EntitlementKey(r)},
		{[]string{"order", "FAM", "P-ANN", "C-1", "0"}, OrderKey(r, 0)},
		{[]string{"claim", "CARE", "P-ANN"}, ClaimKey("CARE", "P-ANN")},
	} {
		coretest.RequireStored(t, boundQuery, e.KV, q.path, q.key)
	}
	for _, person := range []string{"C-1", "P-ANN"} {
		idx, refs, ok := coretest.Index(t, boundQuery, e.KV, []string{"person", person}, PersonKey(person), ErrPersonNotFound,
			func(a PersonIndex) uint64 { return a.EntitlementCount }, func(r Ref) []byte { return PersonEntitlementKey(person, r) })
		require.True(t, ok)
		require.Equal(t, PersonIndex{PersonID: person, EntitlementCount: 1}, idx)
		require.Equal(t, []Ref{r}, refs)
	}
	require.Equal(t, []string{"open"}, e.history(r))
	require.Equal(t, []string{"claim"}, e.claimHistory("CARE", "P-ANN"))
	for _, q := range []struct {
		path []string
		key  []byte
		err  error
	}{
		{[]string{"programme", "NOPE"}, ProgrammeKey("NOPE"), ErrProgrammeNotFound},
		{[]string{"entitlement", "FAM", "P-BOB", "C-1"}, EntitlementKey(ref("FAM", "P-BOB", "C-1")), ErrEntitlementNotFound},
		{[]string{"entitlement", "FAM", "P-BOB", "C-1", "history"}, EntitlementKey(ref("FAM", "P-BOB", "C-1")), ErrEntitlementNotFound},
		{[]string{"order", "FAM", "P-ANN", "C-1", "1"}, OrderKey(r, 1), ErrOrderNotFound},
		{[]string{"claim", "CARE", "P-BOB"}, ClaimKey("CARE", "P-BOB"), ErrClaimNotFound},
		{[]string{"claim", "CARE", "P-BOB", "history"}, ClaimKey("CARE", "P-BOB"), ErrClaimNotFound},
		{[]string{"person", "P-BOB"}, PersonKey("P-BOB"), ErrPersonNotFound},
	} {
		coretest.RequireNotFound(t, boundQuery, e.KV, q.path, q.key, q.err)
	}
	coretest.RequireMalformed(t, boundQuery, e.KV, ErrUnknownQuery, [][]string{
		nil, {}, {"programme"}, {"programme", "a b"}, {"programme", "FAM", "x"}, {"entitlement", "FAM", "P-ANN"},
		{"entitlement", "FAM", "P-ANN", "C-1", "orders"}, {"order", "FAM", "P-ANN", "C-1"}, {"order", "FAM", "P-ANN", "C-1", "01"},
		{"order", "FAM", "P-ANN", "C-1", "-1"}, {"order", "FAM", "P-ANN", "C-1", "x"}, {"claim", "CARE"}, {"claim", "CARE", "P-ANN", "decision"},
		{"person"}, {"person", "a/b"}, {"auction", "1"},
	})
}
