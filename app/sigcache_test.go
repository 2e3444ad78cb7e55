package app

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/state"
)

// benchPathRegistrars is the number of land registrars of the tx-path
// benchmark: enough that a block's transactions stay within
// MaxSequenceAhead of each signer's committed sequence.
const benchPathRegistrars = 64

// newPathChain is a test chain with benchPathRegistrars more land
// registrars ("reg-0", "reg-1", ...).
func newPathChain(tb testing.TB) *testChain {
	return newTestChainWith(tb, state.EngineMemIAVL, tb.TempDir(), func(c *testChain, g *Genesis) {
		for i := 0; i < benchPathRegistrars; i++ {
			name := "reg-" + strconv.Itoa(i)
			c.keys[name] = testKey(name)
			g.Roles = append(g.Roles, GenesisRole{Account: c.addr(name), Role: core.RoleLandRegistrar, Agency: "justice"})
		}
	})
}

// pathTxs signs n parcel registrations spread over the registrars, with
// consecutive sequences per registrar, as the end-to-end load generator
// sends them.
func pathTxs(c *testChain, n, from int) [][]byte {
	txs := make([][]byte, 0, n)
	for i := 0; i < n; i++ {
		p := from + i
		id := fmt.Sprintf("PATH-%08d", p)
		txs = append(txs, c.sign("reg-"+strconv.Itoa(p%benchPathRegistrars), &land.RegisterParcel{ParcelID: id, CadastralRef: "CAD/" + id,
			AreaM2: 100 + int64(p%5000), Location: "bench district", Denominator: 1,
			Owners: []land.Share{{Account: c.addr("alice"), Shares: 1}}, DocumentHash: docHash(id)}))
	}
	return txs
}

// BenchmarkTxPath measures what a validator does with each transaction of
// a 1,000-transaction block of parcel registrations, in microseconds per
// transaction: CheckTx when it arrives, a recheck after a block, and
// PrepareProposal, ProcessProposal, FinalizeBlock and Commit.
//
//	go test ./app -run '^$' -bench TxPath -benchtime 20x
func BenchmarkTxPath(b *testing.B) {
	const perBlock = 1000
	c := newPathChain(b)
	c.block()
	// Every block of the benchmark is proposed whole: no block budget.
	require.NoError(b, c.app.SetBlockBudget(BlockBudget{}))
	var check, recheck, prepare, process, finalize, commit time.Duration
	next := 0
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		txs := pathTxs(c, perBlock, next)
		next += perBlock
		b.StartTimer()
		t0 := time.Now()
		for _, tx := range txs {
			require.NoError(b, c.app.CheckTx(tx).Err)
		}
		t1 := time.Now()
		for _, tx := range txs {
			require.NoError(b, c.app.RecheckTx(tx).Err)
		}
		t2 := time.Now()
		require.Len(b, c.app.PrepareProposal(txs, 1<<30), perBlock)
		t3 := time.Now()
		require.NoError(b, c.app.ProcessProposal(txs))
		t4 := time.Now()
		c.height++
		c.time = c.time.Add(time.Second)
		res, err := c.app.FinalizeBlock(c.height, c.time, txs)
		require.NoError(b, err)
		t5 := time.Now()
		_, err = c.app.Commit()
		require.NoError(b, err)
		t6 := time.Now()
		for _, r := range res.Txs {
			require.NoError(b, r.Err)
		}
		check += t1.Sub(t0)
		recheck += t2.Sub(t1)
		prepare += t3.Sub(t2)
		process += t4.Sub(t3)
		finalize += t5.Sub(t4)
		commit += t6.Sub(t5)
	}
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(b.N*perBlock) }
	b.ReportMetric(per(check), "µs/checktx")
	b.ReportMetric(per(recheck), "µs/recheck")
	b.ReportMetric(per(prepare), "µs/prepare")
	b.ReportMetric(per(process), "µs/process")
	b.ReportMetric(per(finalize), "µs/finalize")
	b.ReportMetric(per(commit), "µs/commit")
}

// TestTxCacheBounded checks the cache itself: a hit returns what was
// added, only for the chain id it was checked for; the size never exceeds
// the bound; an entry looked up again (a recheck) survives the turnover
// of generations while the others are dropped; remove forgets; a nil
// cache remembers nothing.
func TestTxCacheBounded(t *testing.T) {
	key := func(i int) [sha256.Size]byte { return sha256.Sum256([]byte(strconv.Itoa(i))) }
	c := newTxCache(100)
	d := &DecodedTx{Size: 1}
	c.add(key(0), "chain-a", d, 0)
	require.Same(t, d, c.get(key(0), "chain-a"))
	require.Nil(t, c.get(key(0), "chain-b"), "an entry is valid only for its chain id")
	require.Nil(t, c.get(key(1), "chain-a"))

	for i := 1; i < 1000; i++ {
		c.add(key(i), "chain-a", &DecodedTx{Size: i}, 0)
		require.NotNil(t, c.get(key(0), "chain-a"), "a transaction looked up after every addition stays (i=%d)", i)
		require.LessOrEqual(t, c.len(), 100)
	}
	require.Nil(t, c.get(key(1), "chain-a"), "an old entry nobody looked up is gone")
	require.Equal(t, 999, c.get(key(999), "chain-a").Size)
	c.remove(key(999))
	require.Nil(t, c.get(key(999), "chain-a"))

	// An entry keeps the height it was first cached at.
	c.add(key(5000), "chain-a", d, 5)
	c.add(key(5000), "chain-a", d, 9)
	since, ok := c.since(key(5000))
	require.True(t, ok)
	require.Equal(t, int64(5), since)
	_, ok = c.since(key(5001))
	require.False(t, ok)

	var none *txCache
	none.add(key(0), "chain-a", d, 0)
	require.Nil(t, none.get(key(0), "chain-a"))
	none.remove(key(0))
	require.Zero(t, none.len())
	require.Nil(t, newTxCache(1))
}

// TestValidateTxCache checks that ValidateTx remembers only transactions
// that pass, under the chain id they passed for: the same bytes again
// give the same DecodedTx without a second check; a flipped byte or a
// forged signature is refused every time and never cached; a remembered
// transaction is refused if the chain id or size limit no longer admit
// it; and FinalizeBlock forgets what it executed.
func TestValidateTxCache(t *testing.T) {
	c := newPathChain(t)
	c.block()
	txs := pathTxs(c, 3, 0)

	d, err := c.app.ValidateTx(txs[0])
	require.NoError(t, err)
	again, err := c.app.ValidateTx(txs[0])
	require.NoError(t, err)
	require.Same(t, d, again, "the second check is a cache hit")
	require.Equal(t, 1, c.app.txs.len())
	require.Equal(t, TxCacheStats{Hits: 1, Misses: 1, Entries: 1}, c.app.TxCacheStats())

	flipped := append([]byte(nil), txs[1]...)
	i := len(flipped) - 3 // a hex digit of the signature
	flipped[i] = map[bool]byte{true: '1', false: '0'}[flipped[i] == '0']
	for range 2 {
		_, err = c.app.ValidateTx(flipped)
		require.ErrorIs(t, err, core.ErrBadSignature)
	}
	var forged Tx
	require.NoError(t, json.Unmarshal(txs[1], &forged))
	forged.Signature = append(core.HexBytes(nil), forged.Signature...)
	forged.Signature[0] ^= 0x80
	raw, err := json.Marshal(&forged)
	require.NoError(t, err)
	for range 2 {
		_, err = c.app.ValidateTx(raw)
		require.ErrorIs(t, err, core.ErrBadSignature)
		require.ErrorIs(t, c.app.ProcessProposal([][]byte{raw}), core.ErrBadSignature)
	}
	require.Equal(t, 1, c.app.txs.len(), "refused transactions are not cached")

	// The same bytes under another chain id or a smaller size limit.
	chainID := c.app.info.ChainID
	c.app.info.ChainID = "other-chain"
	_, err = c.app.ValidateTx(txs[0])
	require.ErrorIs(t, err, core.ErrWrongChainID)
	c.app.info.ChainID = chainID
	c.app.info.Params.MaxTxBytes = len(txs[0]) - 1
	_, err = c.app.ValidateTx(txs[0])
	require.ErrorIs(t, err, core.ErrTxTooLarge)
	require.Len(t, c.app.PrepareProposal(txs[:1], 1<<20), 0)
	c.app.info.Params.MaxTxBytes = 0

	// A block's checks fill the cache; its execution empties it again.
	require.NoError(t, c.app.ProcessProposal(txs))
	require.Equal(t, 3, c.app.txs.len())
	for _, r := range c.block(txs...) {
		require.NoError(t, r.Err)
	}
	require.Zero(t, c.app.txs.len())
}

// TestTxCacheSameResults replays the determinism blocks (every registry,
// successes and refusals) on two chains: one without the cache, and one
// whose cache is filled before each block by CheckTx, RecheckTx and
// ProcessProposal, as a validator's is, so that its FinalizeBlock takes
// every transaction from the cache. Results and app hashes must be equal
// at every height; and every cached message must still encode to the
// exact body that was signed after its block ran, which would fail if a
// handler modified the message it executes (the cache shares it).
func TestTxCacheSameResults(t *testing.T) {
	blocks := genBlocks(t, 60)
	plain := newTestChain(t, state.EngineMemIAVL, t.TempDir())
	plain.app.txs = nil
	cached := newTestChain(t, state.EngineMemIAVL, t.TempDir())
	hits := 0
	for h, txs := range blocks {
		var seen []*DecodedTx
		for _, tx := range txs {
			cached.app.CheckTx(tx)
			cached.app.RecheckTx(tx)
			if d, err := cached.app.ValidateTx(tx); err == nil {
				seen = append(seen, d)
			}
		}
		_ = cached.app.ProcessProposal(txs)
		for _, d := range seen {
			if cached.app.txs.get([sha256.Size]byte(d.Hash), cached.chainID) == d {
				hits++
			}
		}
		want := plain.block(txs...)
		got := cached.block(txs...)
		require.Equal(t, plain.hashes[h], cached.hashes[h], "app hash at height %d", h+1)
		require.Len(t, got, len(want))
		for i := range want {
			require.Equal(t, fmt.Sprint(want[i].Err), fmt.Sprint(got[i].Err), "height %d tx %d", h+1, i)
			require.Equal(t, want[i].Events, got[i].Events, "height %d tx %d", h+1, i)
		}
		for _, d := range seen {
			body, err := json.Marshal(d.Msg)
			require.NoError(t, err)
			require.Equal(t, string(d.Tx.Msg.Body), string(body), "%s modified its message while executing", d.Msg.Type())
		}
	}
	require.Positive(t, hits, "FinalizeBlock ran on cached transactions")
}

// TestRecheckTx checks what keeps a transaction in the mempool after a
// block: a valid one stays; one whose sequence a block consumed (a
// replay) leaves; one whose message the block made fail stays (it fails
// in its own block and consumes its sequence), while CheckTx refuses it.
func TestRecheckTx(t *testing.T) {
	c := newPathChain(t)
	c.block()
	first := pathTxs(c, 1, 0)[0]
	require.NoError(t, c.app.CheckTx(first).Err)
	// The same parcel again, by another registrar, waits in the mempool.
	dup := c.sign("reg-1", &land.RegisterParcel{ParcelID: "PATH-00000000", CadastralRef: "CAD/dup", AreaM2: 100,
		Denominator: 1, Owners: []land.Share{{Account: c.addr("bob"), Shares: 1}}, DocumentHash: docHash("dup")})
	next := pathTxs(c, 1, 64)[0] // reg-0's next sequence
	require.NoError(t, c.app.CheckTx(dup).Err)
	require.NoError(t, c.app.CheckTx(next).Err)

	require.NoError(t, c.block(first)[0].Err)
	require.ErrorIs(t, c.app.RecheckTx(first).Err, core.ErrReplay)
	require.NoError(t, c.app.RecheckTx(next).Err)
	require.NoError(t, c.app.RecheckTx(dup).Err)
	require.ErrorIs(t, c.app.CheckTx(dup).Err, land.ErrParcelExists)
	res := c.block(dup, next)
	require.ErrorIs(t, res[0].Err, land.ErrParcelExists)
	require.NoError(t, res[1].Err)
	require.ErrorIs(t, c.app.RecheckTx(dup).Err, core.ErrReplay, "the failed registration consumed its sequence")
}

// TestCanonicalSignBytes checks that the sign bytes Decode cuts from the
// canonical encoding are exactly those Tx.SignBytes encodes, for every
// transaction of the determinism replay (every registry) and for text
// that encoding/json escapes (HTML characters, U+2028, non-ASCII).
func TestCanonicalSignBytes(t *testing.T) {
	c := newPathChain(t)
	var txs [][]byte
	for _, b := range genBlocks(t, 30) {
		txs = append(txs, b...)
	}
	for i, loc := range []string{"<script>&amp;", "line\u2028sep", "Zürich ☃", `quote " and \ back`} {
		txs = append(txs, c.sign("reg-0", &land.RegisterParcel{ParcelID: fmt.Sprintf("ESC-%d", i), CadastralRef: "CAD/" + loc, AreaM2: 100,
			Location: loc, Description: loc, Denominator: 1, Owners: []land.Share{{Account: c.addr("alice"), Shares: 1}}, DocumentHash: docHash(loc)}))
	}
	for i, raw := range txs {
		d, err := Decode(raw, DefaultMaxTxBytes)
		require.NoError(t, err, "tx %d", i)
		require.NotNil(t, d.signBytes, "tx %d", i)
		require.Equal(t, string(d.Tx.SignBytes()), string(d.SignBytes()), "tx %d", i)
	}
	require.Nil(t, canonicalSignBytes([]byte(`{"chain_id":"x"}`), &Tx{Signature: core.HexBytes{1}}))
}
