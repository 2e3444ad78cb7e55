package app

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/benefits"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/state"
)

// benchPersons is the number of persons of the benefits benchmark:
// GOVCHAIN_BENCH_PERSONS, 1,000,000 by default.
func benchPersons(b *testing.B) int { return benchEnvInt(b, "GOVCHAIN_BENCH_PERSONS", 1_000_000) }

// BenchmarkBenefitsBlocks measures the benefits module through
// FinalizeBlock+Commit with GOVCHAIN_BENCH_PERSONS persons entitled, in
// two phases: "birth", every birth (one parent each, 1,000 signed
// identity/record_birth per block) opening the parent's entitlement under
// a monthly birth programme in its transaction, the block step ordering
// each first period; then "orders", a month later, the blocks (no
// transactions) whose step creates the second period's orders,
// benefits.MaxOrdersPerBlock per block: the payment-order step's cost per
// block. The parents are written beforehand, untimed; signing is untimed.
// It reports, per phase, transactions (or orders) per second and
// milliseconds per block; it runs the workload once per iteration:
//
//	go test ./app -run '^$' -bench BenefitsBlocks -benchtime 1x -timeout 120m
func BenchmarkBenefitsBlocks(b *testing.B) {
	onEachEngine(b, func(b *testing.B, engine string) { benefitsWorkload(b, b, engine, benchPersons(b)) })
}

// benefitsWorkload runs the benefits benchmark's workload for n persons
// (n/2 parents, n/2 births, so n/2 entitlements and n persons) on a fresh
// chain of engine, timing only FinalizeBlock+Commit with tm (whose timer
// must be stopped on entry). It returns the chain and the orders the
// second phase created.
func benefitsWorkload(b testing.TB, tm benchTimer, engine string, n int) (*testChain, int) {
	c := newBenefitsChain(b, engine)
	start := c.time.Truncate(24 * time.Hour)
	requireOK(c, c.block(c.sign("admin-finance", benefits.DefineProgramme{ProgrammeID: "FAMILY", Agency: "finance",
		Rule: benefits.RuleBirth, Description: "family allowance", Amount: 15_000, Currency: "EUR",
		PeriodUnit: benefits.UnitMonth, PeriodCount: 1, StartsAt: start, EndsAt: start.AddDate(30, 0, 0), EntitlementMonths: 216})))
	parents := n / 2
	parent := func(i int) string { return fmt.Sprintf("PSN-P-%07d", i) }
	for i := 0; i < parents; i++ {
		require.NoError(b, core.SetJSON(c.store, identity.PersonKey(parent(i)), identity.Person{
			ID: parent(i), Status: identity.PersonAlive, Origin: identity.OriginRegistration, DocumentHash: docHash(parent(i)),
			Commitments: []identity.Commitment{}, Parents: []string{}, MaritalStatus: identity.Single, Accounts: []core.Address{},
			RegisteredHeight: c.height, RegisteredAt: c.time,
		}))
	}
	_, _, err := c.store.Commit()
	require.NoError(b, err)
	c.height = c.store.Version()

	const perBlock = 1000
	var d time.Duration
	blocks, failed := 0, 0
	for k := 0; k < parents; k += perBlock {
		var txs [][]byte
		for i := k; i < k+perBlock && i < parents; i++ {
			kid := fmt.Sprintf("PSN-K-%07d", i)
			txs = append(txs, c.sign("civil", identity.RecordBirth{PersonID: kid, ParentIDs: []string{parent(i)},
				DocumentHash: docHash(kid), Commitments: []identity.Commitment{{Attribute: "family_name", Commitment: docHash("name " + kid)}}}))
		}
		tm.StartTimer()
		t0 := time.Now()
		for _, r := range c.block(txs...) {
			if r.Err != nil {
				failed++
			}
		}
		d += time.Since(t0)
		tm.StopTimer()
		blocks++
	}
	require.Zero(b, failed, "every birth must succeed")
	tm.ReportMetric(float64(parents)/d.Seconds(), "birth-tx/s")
	tm.ReportMetric(float64(d.Milliseconds())/float64(blocks), "birth-ms/block")

	// A month later, the second period of every entitlement is due.
	c.time = c.time.AddDate(0, 1, 0)
	orders, blocks := 0, 0
	d = 0
	for {
		c.height++
		c.time = c.time.Add(10 * time.Second)
		tm.StartTimer()
		t0 := time.Now()
		res, err := c.app.FinalizeBlock(c.height, c.time, nil)
		require.NoError(b, err)
		_, err = c.app.Commit()
		require.NoError(b, err)
		took := time.Since(t0)
		tm.StopTimer()
		if len(res.Events) == 0 {
			break
		}
		d += took
		orders += len(res.Events)
		blocks++
	}
	require.Equal(b, parents, orders, "one order per entitlement and period")
	tm.ReportMetric(float64(orders)/d.Seconds(), "orders/s")
	tm.ReportMetric(float64(d.Milliseconds())/float64(max(blocks, 1)), "orders-ms/block")
	return c, orders
}

// TestBenefitsBenchWorkload runs the benchmark's workload at a tiny size
// (2,002 persons: two blocks of births, two blocks of orders, the second
// of one order, past benefits.MaxOrdersPerBlock) and
// checks its orders, so that the benchmark the lead runs is known to work.
func TestBenefitsBenchWorkload(t *testing.T) {
	c, orders := benefitsWorkload(t, noTimer{}, state.EngineMemIAVL, 2002)
	require.Equal(t, 1001, orders)
	for _, p := range []string{"/benefits/order/FAMILY/PSN-P-0000000/PSN-K-0000000/1", "/benefits/order/FAMILY/PSN-P-0001000/PSN-K-0001000/1"} {
		var o benefits.Order
		queryJSON(c, p, &o)
		require.Equal(t, int64(15_000), o.Amount)
	}
	q := c.query("/benefits/order/FAMILY/PSN-P-0001000/PSN-K-0001000/2")
	require.ErrorIs(t, q.Err, benefits.ErrOrderNotFound)
}
