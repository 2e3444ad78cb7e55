package app

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/invoice"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/app/notary"
	"github.com/govchain/govchain/app/vehicle"
	"github.com/govchain/govchain/state"
)

// TestPrepareProposalKeepsBudget checks each bound of the block budget:
// transactions, bytes and estimated work each end the block at the first
// transaction past them, in mempool order, with sequences still put in
// order; a block's first transaction is proposed even when it alone is
// over the budget; CometBFT's maxBytes still applies; and
// ProcessProposal accepts a block over this node's budget (the budget is
// the proposer's setting, not a rule of the chain), which then executes.
func TestPrepareProposalKeepsBudget(t *testing.T) {
	c := newPathChain(t)
	c.block()
	txs := pathTxs(c, 6, 0) // reg-0 ... reg-5, sequence 0 each
	size := int64(len(txs[0]))
	work := TxWork("land/register_parcel", len(txs[0]))
	require.Positive(t, work)
	for _, tx := range txs {
		require.Equal(t, work, TxWork("land/register_parcel", len(tx)), "the registrations are the same size")
	}

	for _, tc := range []struct {
		name   string
		budget BlockBudget
		want   int
	}{
		{"transactions", BlockBudget{MaxTxs: 4}, 4},
		{"bytes", BlockBudget{MaxBytes: 3*size + size/2}, 3},
		{"work", BlockBudget{MaxWork: 2*work + work/2}, 2},
		{"tightest bound wins", BlockBudget{MaxTxs: 5, MaxBytes: 4 * size, MaxWork: 3 * work}, 3},
		{"first transaction over budget", BlockBudget{MaxBytes: size - 1, MaxWork: work - 1}, 1},
		{"no bounds", BlockBudget{}, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, c.app.SetBlockBudget(tc.budget))
			require.Equal(t, tc.budget, c.app.BlockBudget())
			require.Equal(t, txs[:tc.want], c.app.PrepareProposal(txs, 1<<30))
		})
	}
	require.NoError(t, c.app.SetBlockBudget(BlockBudget{}))
	require.Empty(t, c.app.PrepareProposal(txs, size-1), "maxBytes applies to the first transaction too")

	// Sequences stay in order under the budget: reg-0's sequence 1 waits
	// behind sequence 0 and follows it when both fit.
	next := c.sign("reg-0", parcelMsg("BUDGET-SEQ", c.addr("alice")))
	require.NoError(t, c.app.SetBlockBudget(BlockBudget{MaxTxs: 2}))
	require.Equal(t, [][]byte{txs[0], next}, c.app.PrepareProposal([][]byte{next, txs[0], txs[1]}, 1<<30))

	require.NoError(t, c.app.SetBlockBudget(BlockBudget{MaxTxs: 1}))
	require.NoError(t, c.app.ProcessProposal(txs), "a block over this node's budget is accepted")
	for i, r := range c.block(txs...) {
		require.NoError(t, r.Err, "tx %d", i)
	}

	require.Error(t, c.app.SetBlockBudget(BlockBudget{MaxTxs: -1}))
	require.Error(t, c.app.SetBlockBudget(BlockBudget{MaxWork: -1}))
	require.Equal(t, BlockBudget{MaxTxs: 1}, c.app.BlockBudget(), "a refused budget changes nothing")
}

// TestTxWork checks the work estimate: the listed types cost what the
// table says whatever their size, an unlisted type costs at least the
// dearest listed one and more the larger it is.
func TestTxWork(t *testing.T) {
	require.Equal(t, txWorkCosts["land/register_parcel"].fixed, TxWork("land/register_parcel", 600))
	require.Equal(t, TxWork("land/register_parcel", 600), TxWork("land/register_parcel", 900))
	var dearest int64
	for typ, c := range txWorkCosts {
		if c.perKiB == 0 {
			dearest = max(dearest, TxWork(typ, 1000))
		}
		require.Contains(t, MsgTypes(), typ, "the table lists message types of the chain")
	}
	const unlisted = "identity/register_person"
	require.NotContains(t, txWorkCosts, unlisted)
	require.GreaterOrEqual(t, TxWork(unlisted, 100), dearest)
	require.Greater(t, TxWork(unlisted, 500_000), 100*TxWork(unlisted, 100), "a large transaction counts by its size")
	// A migration batch of 128 parcel rows (about 32 KiB) costs what
	// FinalizeBlock and Commit take for them: about 100 µs a row.
	require.Greater(t, TxWork("migration/import_batch", 32<<10), int64(128*100))
	require.Greater(t, TxWork(new(notary.AnchorDocument).Type(), 300), int64(0))
}

// TestCheckTxShedsLoad checks admission under load: past the pending
// limit CheckTx refuses a valid transaction with ErrBusy and admits
// nothing more; a transaction with something wrong with it still gets
// its own error; a recheck never sheds and counts what it keeps; after a
// block the count restarts from what the recheck kept, and the same
// bytes refused as busy are admitted.
func TestCheckTxShedsLoad(t *testing.T) {
	c := newPathChain(t)
	c.block()
	require.Equal(t, DefaultPendingLimit(), c.app.PendingLimit())
	require.NoError(t, c.app.SetPendingLimit(PendingLimit{MaxTxs: 3}))
	txs := pathTxs(c, 5, 0)

	for _, tx := range txs[:3] {
		require.NoError(t, c.app.CheckTx(tx).Err)
	}
	n, bytes := c.app.Pending()
	require.Equal(t, 3, n)
	require.Equal(t, int64(len(txs[0])+len(txs[1])+len(txs[2])), bytes)

	busy := c.app.CheckTx(txs[3])
	require.ErrorIs(t, busy.Err, core.ErrBusy)
	require.Equal(t, uint32(19), core.ResultCode(busy.Err))
	require.Contains(t, busy.Err.Error(), "3 transactions")
	n, _ = c.app.Pending()
	require.Equal(t, 3, n, "a refused transaction is not counted")

	ahead := c.sign("reg-0", parcelMsg("SHED-AHEAD", c.addr("alice")))
	c.seq[c.addr("reg-0")] += MaxSequenceAhead
	tooFar := c.sign("reg-0", parcelMsg("SHED-FAR", c.addr("alice")))
	require.ErrorIs(t, c.app.CheckTx(ahead).Err, core.ErrBusy, "a valid transaction is busy...")
	require.ErrorIs(t, c.app.CheckTx(tooFar).Err, core.ErrWrongSequence, "...one too far ahead is refused for that")

	// The recheck after a block keeps what is still valid and never sheds.
	for i, r := range c.block(txs[0]) {
		require.NoError(t, r.Err, "tx %d", i)
	}
	for _, tx := range txs[1:3] {
		require.NoError(t, c.app.RecheckTx(tx).Err)
	}
	require.ErrorIs(t, c.app.RecheckTx(txs[0]).Err, core.ErrReplay, "the executed one leaves")
	n, _ = c.app.Pending()
	require.Equal(t, 2, n, "the count restarts from what the recheck kept")
	require.NoError(t, c.app.CheckTx(txs[3]).Err, "the same bytes are admitted once there is room")
	require.ErrorIs(t, c.app.CheckTx(txs[4]).Err, core.ErrBusy)
	require.NoError(t, c.app.RecheckTx(txs[4]).Err, "a recheck never sheds")

	require.NoError(t, c.app.SetPendingLimit(PendingLimit{MaxBytes: 1}))
	require.ErrorIs(t, c.app.CheckTx(txs[4]).Err, core.ErrBusy, "the bound in bytes")
	require.NoError(t, c.app.SetPendingLimit(PendingLimit{}))
	require.NoError(t, c.app.CheckTx(txs[4]).Err, "no bound")
	require.Error(t, c.app.SetPendingLimit(PendingLimit{MaxTxs: -1}))
	require.Equal(t, PendingLimit{}, c.app.PendingLimit(), "a refused limit changes nothing")
}

// TestCheckTxCutsPipelinesFirst checks the first step of shedding: from
// half the pending limit on, a transaction MaxSequenceAheadBusy or more
// past its account's committed sequence is busy, one closer is admitted;
// below half, the whole MaxSequenceAhead is open.
func TestCheckTxCutsPipelinesFirst(t *testing.T) {
	c := newPathChain(t)
	c.block()
	deep := make([][]byte, MaxSequenceAheadBusy+1) // reg-0's sequences 0 to 16
	for i := range deep {
		deep[i] = c.sign("reg-0", parcelMsg(fmt.Sprintf("DEEP-%d", i), c.addr("alice")))
	}
	require.NoError(t, c.app.SetPendingLimit(PendingLimit{}))
	require.NoError(t, c.app.CheckTx(deep[MaxSequenceAheadBusy]).Err, "no limit: the whole MaxSequenceAhead is open")

	c = newPathChain(t)
	c.block()
	for i := range deep {
		deep[i] = c.sign("reg-0", parcelMsg(fmt.Sprintf("DEEP-%d", i), c.addr("alice")))
	}
	require.NoError(t, c.app.SetPendingLimit(PendingLimit{MaxTxs: 6}))
	require.NoError(t, c.app.CheckTx(deep[MaxSequenceAheadBusy]).Err, "below half the limit")
	others := pathTxs(c, 3, 1) // reg-1 ... reg-3
	for _, tx := range others[:2] {
		require.NoError(t, c.app.CheckTx(tx).Err)
	}
	n, _ := c.app.Pending()
	require.Equal(t, 3, n, "half the limit")
	res := c.app.CheckTx(deep[MaxSequenceAheadBusy])
	require.ErrorIs(t, res.Err, core.ErrBusy, "the same bytes, now that the node is half full")
	require.Contains(t, res.Err.Error(), fmt.Sprintf("is %d past its committed sequence 0", MaxSequenceAheadBusy))
	require.NoError(t, c.app.CheckTx(deep[MaxSequenceAheadBusy-1]).Err, "closer than MaxSequenceAheadBusy")
	require.NoError(t, c.app.CheckTx(others[2]).Err, "an account's next sequence")
	n, _ = c.app.Pending()
	require.Equal(t, 5, n)
}

// parcelMsg is a parcel registration owned by owner.
func parcelMsg(id string, owner core.Address) *land.RegisterParcel {
	return &land.RegisterParcel{ParcelID: id, CadastralRef: "CAD/" + id, AreaM2: 100, Denominator: 1,
		Owners: []land.Share{{Account: owner, Shares: 1}}, DocumentHash: docHash(id)}
}

// BenchmarkTxWork measures the execution work TxWork estimates: for each
// message type of txWorkCosts, blocks of 500 transactions through
// FinalizeBlock and Commit, each transaction checked once before (as
// CheckTx does on a validator, so its signature is cached), on a state
// of GOVCHAIN_BENCH_PARCELS records per registry (100,000 by default).
// It reports µs per transaction of each type.
//
//	go test ./app -run '^$' -bench TxWork -benchtime 4x
func BenchmarkTxWork(b *testing.B) {
	records := benchEnvInt(b, "GOVCHAIN_BENCH_PARCELS", 100_000)
	c := newTestChain(b, state.EngineMemIAVL, b.TempDir())
	c.block()
	alice := c.addr("alice")
	vin := func(v int) string {
		raw := []byte(fmt.Sprintf("1HGCM8263%c%07d", "ABCDEFGHJKLMNPRSTUVWXYZ"[(v/10_000_000)%23], v%10_000_000))
		raw[8] = vehicle.VINCheckDigit(string(raw))
		return string(raw)
	}
	line, err := invoice.NewLine("services", 1000, 12_345, 2100)
	require.NoError(b, err)
	net, tax, gross := invoice.SumLines([]invoice.Line{line})
	types := []struct {
		signer string
		msg    func(i int) core.Msg
	}{
		{"registrar", func(i int) core.Msg { return parcelMsg(fmt.Sprintf("TW-%09d", i), alice) }},
		{"vreg", func(i int) core.Msg {
			return &vehicle.RegisterVehicle{VIN: vin(i), CheckDigitScheme: "north_american", Make: "Skoda", Model: "Octavia",
				Year: 2021, Colour: "blue", Plate: fmt.Sprintf("TW-%08d", i), Owner: alice, OdometerKM: 10}
		}},
		{"inspector", func(i int) core.Msg {
			return &vehicle.RecordOdometer{VIN: vin((i * 7919) % records), OdometerKM: int64(100 + i)}
		}},
		{"shop", func(i int) core.Msg {
			return &invoice.IssueInvoice{Number: fmt.Sprintf("TW-%09d", i), Buyer: alice, Currency: "EUR",
				Lines: []invoice.Line{line}, NetTotal: net, TaxTotal: tax, GrossTotal: gross, DocumentHash: docHash(fmt.Sprint("inv", i))}
		}},
		{"notary", func(i int) core.Msg {
			return &notary.AnchorDocument{DocumentHash: docHash(fmt.Sprint("doc", i)), DocType: "deed", Reference: fmt.Sprintf("bench/doc/TW-%09d", i)}
		}},
	}
	// Fill each registry through its handler, 10,000 records a version.
	for _, ty := range types {
		for i := 0; i < records; {
			c.height++
			for end := min(i+10_000, records); i < end; i++ {
				ctx := &core.Context{KV: c.store, ChainID: c.chainID, Height: c.height, BlockTime: c.time, TxHash: []byte{1}, Signer: c.addr(ty.signer)}
				if m := ty.msg(i); m.Type() != "vehicle/record_odometer" {
					require.NoError(b, m.Exec(ctx))
				}
			}
			_, _, err := c.store.Commit()
			require.NoError(b, err)
		}
	}
	c.height = c.store.Version()
	const perBlock = 500
	b.ResetTimer()
	for _, ty := range types {
		var spent time.Duration
		var typ string
		for n := 0; n < b.N; n++ {
			b.StopTimer()
			txs := make([][]byte, perBlock)
			for j := range txs {
				m := ty.msg(records + n*perBlock + j)
				typ = m.Type()
				txs[j] = c.sign(ty.signer, m)
				_, err := c.app.ValidateTx(txs[j])
				require.NoError(b, err)
			}
			b.StartTimer()
			start := time.Now()
			for i, r := range c.block(txs...) {
				require.NoError(b, r.Err, "%s tx %d", typ, i)
			}
			spent += time.Since(start)
		}
		b.ReportMetric(float64(spent.Microseconds())/float64(b.N*perBlock), "µs/"+typ)
	}
}
