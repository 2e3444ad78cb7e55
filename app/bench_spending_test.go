package app

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/spending"
	"github.com/govchain/govchain/state"
)

// benchContracts is the number of contracts of the spending benchmark:
// GOVCHAIN_BENCH_CONTRACTS, 100,000 by default.
func benchContracts(b *testing.B) int { return benchEnvInt(b, "GOVCHAIN_BENCH_CONTRACTS", 100_000) }

const (
	benchVendors       = 1000
	benchContractsLine = 1000
)

// BenchmarkSpendingBlocks measures the spending module through
// FinalizeBlock+Commit at GOVCHAIN_BENCH_CONTRACTS contracts, in blocks of
// 1,000 signed transactions, phase by phase: every award (against lines of
// 1,000 contracts, approved beforehand), every vendor's invoice (invoice
// registry), every payment. Vendors (1,000 organisations) and lines are
// written beforehand, untimed. It reports the transactions per second and
// milliseconds per block of each phase; it runs the workload once per
// iteration:
//
//	go test ./app -run '^$' -bench SpendingBlocks -benchtime 1x -timeout 120m
func BenchmarkSpendingBlocks(b *testing.B) {
	onEachEngine(b, func(b *testing.B, engine string) { spendingWorkload(b, b, engine, benchContracts(b)) })
}

// spendingWorkload runs the spending benchmark's workload of n contracts
// on a fresh chain of engine, timing only the FinalizeBlock+Commit of each
// phase with tm (whose timer must be stopped on entry).
func spendingWorkload(b testing.TB, tm benchTimer, engine string, n int) *testChain {
	c := newTestChain(b, engine, b.TempDir())
	c.block()
	vendors := make([]ed25519.PrivKey, benchVendors)
	addrs := make([]core.Address, benchVendors)
	seq := make([]uint64, benchVendors)
	c.height++
	c.time = c.time.Add(time.Second)
	ctx := &core.Context{KV: c.store, ChainID: c.chainID, Height: c.height, BlockTime: c.time, TxHash: []byte{1}, Signer: c.addr("admin-finance")}
	for i := range vendors {
		vendors[i] = ed25519.GenPrivKeyFromSecret([]byte("bench-vendor-" + strconv.Itoa(i)))
		addrs[i] = core.AddressOf(vendors[i].PubKey().(ed25519.PubKey))
		require.NoError(b, core.SetJSON(c.store, identity.AccountLinkKey(addrs[i]),
			identity.AccountLink{Account: addrs[i], OwnerKind: identity.OwnerOrg, OwnerID: fmt.Sprintf("ORG-%d", i)}))
		require.NoError(b, core.SetJSON(c.store, core.RoleGrantKey(addrs[i], core.RoleBusiness),
			core.RoleGrant{Account: addrs[i], Role: core.RoleBusiness, Agency: "finance"}))
	}
	lineID := func(k int) string { return fmt.Sprintf("JUS-2027-%05d", k/benchContractsLine) }
	for k := 0; k < n; k += benchContractsLine {
		require.NoError(b, spending.ApproveBudgetLine{LineID: lineID(k), Agency: "justice", Year: 2027, Description: "bench",
			Allocation: benchContractsLine * 1_000_000, Currency: "EUR"}.Exec(ctx))
	}
	_, _, err := c.store.Commit()
	require.NoError(b, err)
	c.height = c.store.Version()

	const perBlock = 1000
	justice := c.addr("admin-justice")
	contractID := func(k int) string { return fmt.Sprintf("JUS-C-%07d", k) }
	invoiceNo := func(k int) string { return fmt.Sprintf("INV-%07d", k) }
	phase := func(each func(k int) []byte) [][][]byte {
		var blocks [][][]byte
		for k := 0; k < n; k += perBlock {
			var blk [][]byte
			for j := k; j < k+perBlock && j < n; j++ {
				blk = append(blk, each(j))
			}
			blocks = append(blocks, blk)
		}
		return blocks
	}
	awards := phase(func(k int) []byte {
		return c.sign("admin-justice", &spending.AwardContract{ContractID: contractID(k), LineID: lineID(k),
			Vendor: addrs[k%benchVendors], Amount: 1_000_000, DocumentHash: docHash(contractID(k))})
	})
	invoices := phase(func(k int) []byte {
		v := k % benchVendors
		inv := spendingInvoice(invoiceNo(k), justice, 1_000_000)
		raw, err := NewTx(c.chainID, vendors[v], seq[v], &inv)
		require.NoError(b, err)
		seq[v]++
		return raw
	})
	payments := phase(func(k int) []byte {
		return c.sign("admin-justice", &spending.PayInvoice{ContractID: contractID(k), InvoiceNumber: invoiceNo(k), Reference: "TRSY"})
	})

	runPhase(b, tm, c, "award", awards)
	runPhase(b, tm, c, "invoice", invoices)
	runPhase(b, tm, c, "pay", payments)
	return c
}

// TestSpendingBenchWorkload runs the benchmark's workload at a tiny size
// (1,001 contracts: two blocks per phase, two lines) and checks its
// totals, so that the benchmark the lead runs is known to work.
func TestSpendingBenchWorkload(t *testing.T) {
	c := spendingWorkload(t, noTimer{}, state.EngineMemIAVL, 1001)
	q := c.query("/spending/agency/justice/2027/EUR")
	require.NoError(t, q.Err)
	var tot spending.Totals
	require.NoError(t, core.StrictUnmarshal(q.Value, &tot))
	require.Equal(t, spending.Totals{Owner: "justice", Year: 2027, Currency: "EUR", Allocated: 2 * benchContractsLine * 1_000_000,
		Committed: 1001 * 1_000_000, Paid: 1001 * 1_000_000, Lines: 2, Contracts: 1001, Payments: 1001}, tot)
}
