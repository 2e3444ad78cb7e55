package app

import (
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/seal"
	"github.com/govchain/govchain/state"
)

// benchSubjects is the state size of the sharing benchmark:
// GOVCHAIN_BENCH_SUBJECTS, 1,000,000 by default.
func benchSubjects(b *testing.B) int { return benchEnvInt(b, "GOVCHAIN_BENCH_SUBJECTS", 1_000_000) }

func benchSubject(i int) string { return fmt.Sprintf("S%09d", i) }

// BenchmarkSharingBlocks measures access requests and delivery receipts
// through FinalizeBlock+Commit on a state of GOVCHAIN_BENCH_SUBJECTS
// subjects (each a registered person with a committed restricted record),
// in blocks of 1,000: 500 allowed access requests by one data officer
// under one grant, and the 500 delivery receipts of the previous block's
// requests by the owner's data service. Every request appends to its
// subject's access log; every receipt too. It reports tx/s and the size of
// each transaction.
//
//	go test ./app -run '^$' -bench SharingBlocks -benchtime 20x -timeout 60m
func BenchmarkSharingBlocks(b *testing.B) {
	subjects := benchSubjects(b)
	c := newTestChain(b, state.EngineMemIAVL, b.TempDir())
	c.block()

	// The class, the grantee's key and the grant, through the app.
	seed := docHash("bench hpke")
	k, err := seal.ParsePrivateKey(seal.SuiteX25519, seed[:])
	require.NoError(b, err)
	for _, r := range c.block(
		c.sign("admin-finance", &sharing.DeclareClass{ClassID: "income", Description: "income declared for tax",
			Fields: []string{"address", "employer", "income"}, Purposes: []string{"benefit_eligibility"}}),
		c.sign("admin-justice", &sharing.RegisterKey{KeyID: "k1", Suite: seal.SuiteX25519, PublicKey: k.PublicKeyBytes(),
			ValidUntil: c.time.Add(365 * 24 * time.Hour)}),
	) {
		require.NoError(b, r.Err)
	}
	for _, r := range c.block(c.sign("admin-finance", &sharing.CreateGrant{Grantee: "justice", ClassID: "income",
		Fields: []string{"address", "income"}, Purpose: "benefit_eligibility", LegalBasis: "Social Benefits Act s. 12",
		LegalBasisHash: docHash("act"), ExpiresAt: c.time.Add(4 * 365 * 24 * time.Hour), MaxRequests: 1_000_000,
		PeriodSeconds: 366 * 24 * 3600})) {
		require.NoError(b, r.Err)
	}

	// Fill: each subject a person and a committed record, written by the
	// modules' own handlers, 10,000 subjects per committed version.
	start := time.Now()
	civil, datasvc := c.addr("civil"), c.addr("datasvc")
	for i := 0; i < subjects; {
		c.height++
		c.time = c.time.Add(time.Second)
		for end := min(i+10_000, subjects); i < end; i++ {
			s := benchSubject(i)
			ctx := &core.Context{KV: c.store, ChainID: c.chainID, Height: c.height, BlockTime: c.time, TxHash: []byte{1}, Signer: civil}
			require.NoError(b, (&identity.RegisterPerson{PersonID: s, DocumentHash: docHash(s),
				Commitments: []identity.Commitment{{Attribute: "name", Commitment: docHash("n " + s)}}}).Exec(ctx))
			ctx.Signer = datasvc
			require.NoError(b, sharingCommit(s).Exec(ctx))
		}
		_, _, err := c.store.Commit()
		require.NoError(b, err)
	}
	c.height = c.store.Version()
	b.Logf("filled %d subjects in %s", subjects, time.Since(start).Round(time.Second))

	// Requests are allowed and numbered from 1; each measured block
	// requests 500 more and receipts the 500 oldest undelivered ones.
	const perBlock = 1000
	nextSubject, nextDelivery := 0, uint64(1)
	var reqBytes, delBytes int
	makeBlock := func(requests, deliveries int) [][]byte {
		txs := make([][]byte, 0, requests+deliveries)
		for i := 0; i < requests; i++ {
			raw := c.sign("officer", &sharing.RequestAccess{GrantID: 1, Subject: benchSubject(nextSubject % subjects),
				Fields: []string{"address", "income"}, Purpose: "benefit_eligibility", CaseRef: docHash("case " + strconv.Itoa(nextSubject))})
			reqBytes = len(raw)
			txs = append(txs, raw)
			nextSubject++
		}
		for i := 0; i < deliveries; i++ {
			id := nextDelivery
			nextDelivery++
			raw := c.sign("datasvc", &sharing.RecordDelivery{RequestID: id, PayloadHash: docHash("sealed " + strconv.FormatUint(id, 10)), KeyID: "k1"})
			delBytes = len(raw)
			txs = append(txs, raw)
		}
		return txs
	}
	for _, r := range c.block(makeBlock(perBlock, 0)...) {
		require.NoError(b, r.Err)
	}
	blocks := make([][][]byte, b.N)
	for i := range blocks {
		blocks[i] = makeBlock(perBlock/2, perBlock/2)
	}

	runBenchBlocks(b, c, blocks)
	b.ReportMetric(float64(reqBytes), "B/request")
	b.ReportMetric(float64(delBytes), "B/receipt")
}
