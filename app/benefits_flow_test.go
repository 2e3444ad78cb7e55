package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/benefits"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/state"
)

// newBenefitsChain is a test chain whose genesis also lets finance grant
// the treasury role and makes "dave" a treasury of finance.
func newBenefitsChain(t testing.TB, engine string) *testChain {
	return newTestChainWith(t, engine, t.TempDir(), func(c *testChain, g *Genesis) {
		g.RolePolicy = append(g.RolePolicy, core.RolePolicy{Role: core.RoleTreasury, Agencies: []string{"finance"}})
		g.Roles = append(g.Roles, GenesisRole{Account: c.addr("dave"), Role: core.RoleTreasury, Agency: "finance"})
	})
}

// benefitsProgramme is a programme of the finance ministry open for
// twenty years from the chain's start, paying amount EUR cents every period.
func benefitsProgramme(c *testChain, id, rule string, amount int64, unit string, count, months uint64) benefits.DefineProgramme {
	start := c.time.Truncate(24 * time.Hour)
	return benefits.DefineProgramme{ProgrammeID: id, Agency: "finance", Rule: rule, Description: "programme " + id, Amount: amount,
		Currency: "EUR", PeriodUnit: unit, PeriodCount: count, StartsAt: start, EndsAt: start.AddDate(20, 0, 0), EntitlementMonths: months}
}

func benefitsPerson(id string) identity.RegisterPerson {
	return identity.RegisterPerson{PersonID: id, DocumentHash: docHash("extract " + id),
		Commitments: []identity.Commitment{{Attribute: "family_name", Commitment: docHash("name " + id)}}}
}

// runBenefits drives c through the benefits workload: two persons (alice
// linked to one), a birth, a survivor's, a claim and an age programme of
// finance (the last paying from the age of one month), a marriage, a
// birth that opens both parents' entitlements and their first orders in
// its block and the child's own age entitlement, due a month later, a
// month that orders the parents' second period and the child's first, a
// claim approved, an order paid (and refused paid twice), the mother's
// death (her entitlements end, the father's survivor entitlement opens),
// and another month of orders. It returns the workload's app hashes, one
// per block.
func runBenefits(c *testChain) []string {
	c.t.Helper()
	from := len(c.hashes)
	toddler := benefitsProgramme(c, "TODDLER", benefits.RuleAge, 2_000, benefits.UnitMonth, 1, 12)
	toddler.AgeMonths = 1
	requireOK(c, c.block(
		c.sign("civil", benefitsPerson("PSN-MUM")),
		c.sign("civil", benefitsPerson("PSN-DAD")),
		c.sign("civil", identity.LinkAccount{PersonID: "PSN-MUM", Account: c.addr("alice")}),
	))
	requireOK(c, c.block(
		c.sign("admin-finance", benefitsProgramme(c, "FAMILY", benefits.RuleBirth, 15_000, benefits.UnitMonth, 1, 216)),
		c.sign("admin-finance", benefitsProgramme(c, "SURVIVOR", benefits.RuleDeathSurvivor, 40_000, benefits.UnitMonth, 1, 0)),
		c.sign("admin-finance", benefitsProgramme(c, "CARE", benefits.RuleClaim, 5_000, benefits.UnitDay, 14, 12)),
		c.sign("admin-finance", toddler),
	))
	requireOK(c, c.block(c.sign("civil", identity.RecordMarriage{PersonA: "PSN-MUM", PersonB: "PSN-DAD", DocumentHash: docHash("marriage")})))
	requireOK(c, c.block(c.sign("civil", identity.RecordBirth{PersonID: "PSN-KID", ParentIDs: []string{"PSN-MUM", "PSN-DAD"},
		DocumentHash: docHash("birth kid"), Commitments: []identity.Commitment{{Attribute: "family_name", Commitment: docHash("name kid")}}})))
	c.time = c.time.AddDate(0, 1, 0)
	requireOK(c, c.block())
	requireOK(c, c.block(c.sign("alice", benefits.ClaimBenefit{ProgrammeID: "CARE", PersonID: "PSN-MUM", DocumentHash: docHash("care file")})))
	requireOK(c, c.block(
		c.sign("admin-finance", benefits.DecideClaim{ProgrammeID: "CARE", PersonID: "PSN-MUM", Approve: true, Reason: "needs care"}),
		c.sign("dave", benefits.MarkPaid{ProgrammeID: "FAMILY", Beneficiary: "PSN-MUM", Subject: "PSN-KID", Period: 0, Reference: "SEPA-0001"}),
	))
	require.ErrorIs(c.t, c.exec("dave", benefits.MarkPaid{ProgrammeID: "FAMILY", Beneficiary: "PSN-MUM", Subject: "PSN-KID", Period: 0,
		Reference: "SEPA-0002"}), benefits.ErrAlreadyPaid)
	requireOK(c, c.block(c.sign("civil", identity.RecordDeath{PersonID: "PSN-MUM", DocumentHash: docHash("death mum")})))
	c.time = c.time.AddDate(0, 1, 0)
	requireOK(c, c.block())
	return c.hashes[from:]
}

// TestBenefitsDeterminismAcrossEngines runs the benefits workload on a
// fresh store of each engine and requires the same app hash at every
// height, and the hashes to equal the golden ones in testdata (go test
// -update rewrites them).
func TestBenefitsDeterminismAcrossEngines(t *testing.T) {
	var runs [][]string
	for _, engine := range []string{state.EngineMemIAVL, state.EngineIAVL} {
		runs = append(runs, runBenefits(newBenefitsChain(t, engine)))
	}
	require.Equal(t, runs[0], runs[1], "the engines' app hashes differ")
	golden := filepath.Join("testdata", "golden_apphash_benefits.txt")
	got := strings.Join(runs[0], "\n") + "\n"
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test ./app -run BenefitsDeterminism -update to create it")
	require.Equal(t, string(want), got, "app hashes changed: if the state layout changed on purpose, run with -update")
}

// queryJSON runs a proven query (every proof checked against the
// committed root) and decodes its value strictly into v.
func queryJSON(c *testChain, path string, v any) QueryResponse {
	c.t.Helper()
	q := c.query(path)
	require.NoError(c.t, q.Err, path)
	require.NotEmpty(c.t, q.Proofs, path)
	require.NoError(c.t, core.StrictUnmarshal(q.Value, v), path)
	return q
}

// TestBenefitsThroughApp checks the workload's outcome with proven
// queries: the entitlements and their facts, each fact proven in the
// history it names; the orders created once per period; the absence of
// an entitlement proven.
func TestBenefitsThroughApp(t *testing.T) {
	c := newBenefitsChain(t, state.EngineMemIAVL)
	runBenefits(c)

	var mum, dad, surv, care, toddler benefits.Entitlement
	queryJSON(c, "/benefits/entitlement/TODDLER/PSN-KID/PSN-KID", &toddler)
	require.Equal(t, benefits.StatusActive, toddler.Status)
	require.Equal(t, []string{benefits.FactBirth}, []string{toddler.Facts[0].Kind})
	require.Len(t, toddler.Facts, 1)
	require.Equal(t, benefits.AgeReached(toddler.Facts[0].Time, 1), toddler.StartsAt, "from the child's first month")
	require.Equal(t, toddler.StartsAt.AddDate(1, 0, 0), toddler.EndsAt)
	queryJSON(c, "/benefits/entitlement/FAMILY/PSN-MUM/PSN-KID", &mum)
	queryJSON(c, "/benefits/entitlement/FAMILY/PSN-DAD/PSN-KID", &dad)
	queryJSON(c, "/benefits/entitlement/SURVIVOR/PSN-DAD/PSN-MUM", &surv)
	queryJSON(c, "/benefits/entitlement/CARE/PSN-MUM/PSN-MUM", &care)
	require.Equal(t, []string{benefits.StatusEnded, benefits.StatusActive, benefits.StatusActive, benefits.StatusEnded},
		[]string{mum.Status, dad.Status, surv.Status, care.Status})
	require.Equal(t, benefits.EndBeneficiaryDied, mum.EndReason)
	require.Equal(t, benefits.EndBeneficiaryDied, care.EndReason)
	require.Equal(t, mum.StartsAt.AddDate(18, 0, 0), dad.EndsAt, "until the child is 18")

	// Every fact is an entry of the history it names, proven against the
	// same root, with the height and tx hash the entitlement cites.
	for _, e := range []benefits.Entitlement{mum, dad, surv, care, toddler} {
		for _, f := range append(e.Facts, derefFact(e.EndFact)...) {
			q := c.query("/" + f.Path)
			require.NoError(t, q.Err, f.Path)
			require.Greater(t, len(q.Entries), int(f.Seq)+1, f.Path)
			var h core.HistoryEntry
			require.NoError(t, json.Unmarshal(q.Entries[f.Seq+1].Value, &h))
			require.Equal(t, []any{f.Action, f.Height, []byte(f.TxHash)}, []any{h.Action, h.Height, []byte(h.TxHash)}, "%s entry %d", f.Path, f.Seq)
		}
	}
	require.Equal(t, []string{"death", "widowed", "marriage"}, []string{surv.Facts[0].Kind, surv.Facts[1].Kind, surv.Facts[2].Kind})

	// Orders: two periods of each parent's (the mother's ended after its
	// second), the survivor's first two, the care claim's first, the
	// child's first two, the first from its age.
	var o benefits.Order
	queryJSON(c, "/benefits/order/TODDLER/PSN-KID/PSN-KID/0", &o)
	require.Equal(t, toddler.StartsAt, o.PeriodStart)
	for _, p := range []string{"/benefits/order/FAMILY/PSN-MUM/PSN-KID/1", "/benefits/order/FAMILY/PSN-DAD/PSN-KID/2",
		"/benefits/order/SURVIVOR/PSN-DAD/PSN-MUM/1", "/benefits/order/CARE/PSN-MUM/PSN-MUM/0", "/benefits/order/TODDLER/PSN-KID/PSN-KID/1"} {
		queryJSON(c, p, &o)
		require.Equal(t, benefits.OrderDue, o.Status, p)
	}
	queryJSON(c, "/benefits/order/FAMILY/PSN-MUM/PSN-KID/0", &o)
	require.Equal(t, []string{benefits.OrderPaid, "SEPA-0001"}, []string{o.Status, o.Reference})
	for _, p := range []string{"/benefits/order/FAMILY/PSN-MUM/PSN-KID/2", "/benefits/order/CARE/PSN-MUM/PSN-MUM/1",
		"/benefits/order/TODDLER/PSN-KID/PSN-KID/2",
		"/benefits/entitlement/SURVIVOR/PSN-MUM/PSN-DAD", "/benefits/entitlement/FAMILY/PSN-KID/PSN-MUM"} {
		q := c.query(p)
		require.ErrorIs(t, q.Err, core.ErrNotFound, p)
		require.Len(t, q.Proofs, 1, "%s is proven absent", p)
		require.False(t, q.Proofs[0].Exists)
	}
	q := c.query("/benefits/person/PSN-DAD")
	require.NoError(t, q.Err)
	require.Len(t, q.Entries, 3, "the anchor and the father's two entitlements")
	require.Len(t, q.Proofs, 3)
	var idx benefits.PersonIndex
	require.NoError(t, core.StrictUnmarshal(q.Entries[0].Value, &idx))
	require.Equal(t, uint64(2), idx.EntitlementCount)
}

func derefFact(f *benefits.Fact) []benefits.Fact {
	if f == nil {
		return nil
	}
	return []benefits.Fact{*f}
}

// TestBenefitsNothingWithoutProgrammes: on a chain with no programme, a
// marriage, a birth and a death through FinalizeBlock write no key of the
// benefits module and the blocks carry no step event.
func TestBenefitsNothingWithoutProgrammes(t *testing.T) {
	c := newBenefitsChain(t, state.EngineMemIAVL)
	requireOK(c, c.block(c.sign("civil", benefitsPerson("PSN-MUM")), c.sign("civil", benefitsPerson("PSN-DAD"))))
	for _, m := range []core.Msg{
		identity.RecordMarriage{PersonA: "PSN-MUM", PersonB: "PSN-DAD", DocumentHash: docHash("marriage")},
		identity.RecordBirth{PersonID: "PSN-KID", ParentIDs: []string{"PSN-MUM"}, DocumentHash: docHash("birth"),
			Commitments: []identity.Commitment{{Attribute: "family_name", Commitment: docHash("kid")}}},
		identity.RecordDeath{PersonID: "PSN-MUM", DocumentHash: docHash("death")},
	} {
		c.height++
		c.time = c.time.Add(time.Hour)
		res, err := c.app.FinalizeBlock(c.height, c.time, [][]byte{c.sign("civil", m)})
		require.NoError(t, err)
		require.NoError(t, res.Txs[0].Err)
		require.Empty(t, res.Events, "no step event")
		_, err = c.app.Commit()
		require.NoError(t, err)
	}
	it, err := c.store.Iterator([]byte{benefits.Prefix}, []byte{benefits.Prefix + 1}, true)
	require.NoError(t, err)
	defer it.Close()
	require.False(t, it.Valid(), "a key of the benefits module was written")
}

// TestBenefitsHookRefusesWholeTransaction: a hook's refusal (here a
// parent named by MaxEntitlementsPerPerson entitlements) refuses the
// birth in CheckTx and in FinalizeBlock, and the child is not registered.
func TestBenefitsHookRefusesWholeTransaction(t *testing.T) {
	c := newBenefitsChain(t, state.EngineMemIAVL)
	var txs [][]byte
	for i := 0; i < benefits.MaxProgrammesPerRule; i++ {
		txs = append(txs, c.sign("admin-finance", benefitsProgramme(c, "FAM-"+strconv.Itoa(i), benefits.RuleBirth, 100, benefits.UnitMonth, 1, 0)))
	}
	requireOK(c, c.block(append(txs, c.sign("civil", benefitsPerson("PSN-MUM")))...))
	birth := func(id string) identity.RecordBirth {
		return identity.RecordBirth{PersonID: id, ParentIDs: []string{"PSN-MUM"}, DocumentHash: docHash("birth " + id),
			Commitments: []identity.Commitment{{Attribute: "family_name", Commitment: docHash("name " + id)}}}
	}
	txs = nil
	for i := 0; i < benefits.MaxEntitlementsPerPerson/benefits.MaxProgrammesPerRule; i++ {
		txs = append(txs, c.sign("civil", birth("PSN-KID-"+strconv.Itoa(i))))
	}
	requireOK(c, c.block(txs...))
	raw := c.sign("civil", birth("PSN-KID-LAST"))
	require.ErrorIs(t, c.app.CheckTx(raw).Err, benefits.ErrTooManyEntitlements)
	res := c.block(raw)
	require.ErrorIs(t, res[0].Err, benefits.ErrTooManyEntitlements)
	require.ErrorIs(t, c.query("/identity/person/PSN-KID-LAST").Err, identity.ErrPersonNotFound)
}
