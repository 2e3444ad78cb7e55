package app

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
)

// poolChain is a chain whose App keeps its own mempool, one block made.
func poolChain(t *testing.T, relay bool) *testChain {
	c := newPathChain(t)
	c.app.EnablePool(relay)
	c.block()
	return c
}

// waitPool waits until the pool holds n transactions (gossiped ones are
// checked in the background) and returns them in proposal order.
func waitPool(t *testing.T, c *testChain, n int) [][]byte {
	t.Helper()
	var got [][]byte
	require.Eventually(t, func() bool {
		got = c.app.PoolTxs()
		pending, _ := c.app.Pending()
		return len(got) == n && pending == n
	}, 10*time.Second, 5*time.Millisecond, "pool never held %d transactions", n)
	return got
}

// TestPoolAdmitsGossipsAndProposes follows transactions through the
// node's own mempool: CheckTx admits a client's (and ReapTxs hands them
// to gossip once), InsertTx queues a peer's for the batch check (a bad
// signature, a used sequence and a duplicate never enter, and they are
// not gossiped on), PoolTxs gives them in arrival order to
// PrepareProposal, and a block takes out what it executed.
func TestPoolAdmitsGossipsAndProposes(t *testing.T) {
	c := poolChain(t, false)
	require.True(t, c.app.PoolEnabled())
	txs := pathTxs(c, 6, 0) // reg-0 ... reg-5, sequence 0 each

	for _, tx := range txs[:3] {
		require.NoError(t, c.app.CheckTx(tx).Err)
	}
	dup := c.app.CheckTx(txs[1]).Err
	require.ErrorIs(t, dup, core.ErrReplay, "the same bytes again")
	require.Contains(t, dup.Error(), "already in this node's mempool")
	require.Equal(t, txs[:3], c.app.ReapTxs(0), "a client's transactions are gossiped")
	require.Empty(t, c.app.ReapTxs(0), "once")

	bad := append([]byte(nil), txs[4]...)
	bad[len(bad)-3] ^= 0x01 // inside the signature
	used := c.sign("reg-0", parcelMsg("POOL-USED", c.addr("alice")))
	c.seq[c.addr("reg-0")]-- // sign it again below with the same sequence
	for _, tx := range [][]byte{txs[3], bad, txs[0], txs[4]} {
		require.NoError(t, c.app.InsertTx(tx), "queued or already there")
	}
	got := waitPool(t, c, 5)
	require.Equal(t, txs[:5], got, "arrival order; the bad signature never entered")
	require.Empty(t, c.app.ReapTxs(0), "a peer's transactions are not gossiped on")
	require.Equal(t, txs[:5], c.app.PrepareProposal(got, 1<<20))

	// FinalizeBlock takes out what it executed at once, before Commit.
	c.height++
	c.time = c.time.Add(10 * time.Second)
	block, err := c.app.FinalizeBlock(c.height, c.time, [][]byte{txs[0], txs[1]})
	require.NoError(t, err)
	require.NoError(t, block.Txs[0].Err)
	require.NoError(t, block.Txs[1].Err)
	n, _ := c.app.Pending()
	require.Equal(t, 3, n, "the room is free before the commit")
	_, err = c.app.Commit()
	require.NoError(t, err)
	require.Equal(t, txs[2:5], waitPool(t, c, 3), "a block takes out what it executed")

	// reg-0's sequence 1 is used by another transaction in a block: the
	// pooled one with the same sequence leaves after the commit.
	other := c.sign("reg-0", parcelMsg("POOL-OTHER", c.addr("alice")))
	require.NoError(t, c.app.CheckTx(used).Err)
	waitPool(t, c, 4)
	require.NoError(t, c.block(other)[0].Err)
	require.Equal(t, txs[2:5], waitPool(t, c, 3), "its sequence was consumed")
	require.NoError(t, c.app.InsertTx(used))
	require.Equal(t, txs[2:5], waitPool(t, c, 3), "and a peer's copy does not come back")
}

// TestPoolDropsWhatWaitsBehindAGap checks the recheck after each block: a
// transaction ahead of its account's sequence stays while it waits for
// the missing one, for MaxGapWaitBlocks blocks, then leaves.
func TestPoolDropsWhatWaitsBehindAGap(t *testing.T) {
	c := poolChain(t, false)
	c.seq[c.addr("reg-0")]++ // sequence 0 is never sent
	ahead := c.sign("reg-0", parcelMsg("POOL-AHEAD", c.addr("alice")))
	require.NoError(t, c.app.CheckTx(ahead).Err)
	require.Empty(t, c.app.PrepareProposal(c.app.PoolTxs(), 1<<20), "it cannot be proposed before sequence 0")
	for range MaxGapWaitBlocks {
		c.block()
	}
	require.Equal(t, [][]byte{ahead}, c.app.PoolTxs(), "it waits MaxGapWaitBlocks blocks")
	c.block()
	require.Empty(t, c.app.PoolTxs(), "then leaves")
	n, _ := c.app.Pending()
	require.Zero(t, n)
}

// TestPoolShedsLoad checks that the pool keeps to the node's
// PendingLimit: past it CheckTx answers busy (code 19) while InsertTx
// still takes what peers gossip, and once a block makes room a client's
// transaction is admitted again.
func TestPoolShedsLoad(t *testing.T) {
	c := poolChain(t, false)
	require.NoError(t, c.app.SetPendingLimit(PendingLimit{MaxTxs: 3}))
	txs := pathTxs(c, 5, 0)
	require.NoError(t, c.app.CheckTx(txs[0]).Err)
	require.NoError(t, c.app.InsertTx(txs[1]))
	require.NoError(t, c.app.InsertTx(txs[2]))
	waitPool(t, c, 3)

	res := c.app.CheckTx(txs[3])
	require.ErrorIs(t, res.Err, core.ErrBusy)
	require.Equal(t, uint32(19), core.ResultCode(res.Err))
	require.Contains(t, res.Err.Error(), "3 transactions")
	time.Sleep(50 * time.Millisecond)
	require.Len(t, c.app.PoolTxs(), 3, "a client's transaction past the limit was added")

	// What a peer gossips still enters (up to twice the limit,
	// TestPoolCountsWhatItDrops): the peer admitted it from its client.
	require.NoError(t, c.app.InsertTx(txs[3]))
	waitPool(t, c, 4)

	c.block(txs[0], txs[1])
	require.NoError(t, c.app.CheckTx(txs[4]).Err, "a client's transaction once there is room")
	require.Equal(t, [][]byte{txs[2], txs[3], txs[4]}, waitPool(t, c, 3))

	big := make([]byte, DefaultMaxTxBytes+1)
	require.ErrorIs(t, c.app.InsertTx(big), core.ErrTxTooLarge)
}

// TestPoolProposalKeepsToTheBudget checks that PoolTxs offers
// PrepareProposal the whole pool in arrival order, and that the proposal
// keeps to the budget.
func TestPoolProposalKeepsToTheBudget(t *testing.T) {
	c := poolChain(t, false)
	require.NoError(t, c.app.SetBlockBudget(BlockBudget{MaxTxs: 4}))
	txs := pathTxs(c, 10, 0)
	for _, tx := range txs {
		require.NoError(t, c.app.CheckTx(tx).Err)
	}
	in := c.app.PoolTxs()
	require.Equal(t, txs, in)
	require.Equal(t, txs[:4], c.app.PrepareProposal(in, 1<<20))
}

// TestInsertTxWithoutPool checks that an App whose mempool CometBFT keeps
// refuses InsertTx and reaps nothing.
func TestInsertTxWithoutPool(t *testing.T) {
	c := newPathChain(t)
	c.block()
	tx := pathTxs(c, 1, 0)[0]
	require.False(t, c.app.PoolEnabled())
	err := c.app.InsertTx(tx)
	require.Error(t, err)
	require.Contains(t, err.Error(), fmt.Sprintf("%q", "app"))
	require.Nil(t, c.app.ReapTxs(0))
	require.Nil(t, c.app.PoolTxs())
}

// TestPoolRelaysGossiped checks that with relay on, a transaction a peer
// gossiped is gossiped on once it passed its check, once, and one that
// failed it is not.
func TestPoolRelaysGossiped(t *testing.T) {
	c := poolChain(t, true)
	txs := pathTxs(c, 3, 0)
	bad := append([]byte(nil), txs[2]...)
	bad[len(bad)-3] ^= 0x01
	require.NoError(t, c.app.CheckTx(txs[0]).Err)
	require.NoError(t, c.app.InsertTx(txs[1]))
	require.NoError(t, c.app.InsertTx(bad))
	waitPool(t, c, 2)
	require.Equal(t, txs[:2], c.app.ReapTxs(0))
	require.Empty(t, c.app.ReapTxs(0))
}

// TestPoolCountsWhatItDrops checks MempoolStats and the two bounds of
// the pool: CheckTx answers busy at the pending limit, while what peers
// gossip still enters up to twice it (so that every node's pool holds the
// transactions its peers admitted), and is dropped and counted past that.
func TestPoolCountsWhatItDrops(t *testing.T) {
	c := poolChain(t, false)
	require.NoError(t, c.app.SetPendingLimit(PendingLimit{MaxTxs: 2}))
	txs := pathTxs(c, 6, 0)
	bad := append([]byte(nil), txs[1]...)
	bad[len(bad)-3] ^= 0x01
	require.NoError(t, c.app.CheckTx(txs[0]).Err)
	require.NoError(t, c.app.InsertTx(bad))
	require.Eventually(t, func() bool { return c.app.MempoolStats().DroppedInvalid == 1 }, 10*time.Second, 5*time.Millisecond)
	require.NoError(t, c.app.InsertTx(txs[1]))
	waitPool(t, c, 2)
	require.ErrorIs(t, c.app.CheckTx(txs[2]).Err, core.ErrBusy, "a client's transaction at the limit")
	require.NoError(t, c.app.InsertTx(txs[2]))
	waitPool(t, c, 3)
	require.NoError(t, c.app.InsertTx(txs[3]))
	waitPool(t, c, 4)
	require.NoError(t, c.app.InsertTx(txs[4]))
	var size int64
	for _, tx := range txs[:4] {
		size += int64(len(tx))
	}
	require.Equal(t, MempoolStats{Txs: 4, Bytes: size, DroppedBusy: 1, DroppedInvalid: 1, LimitTxs: 2}, c.app.MempoolStats())
	require.Len(t, c.app.PoolTxs(), 4)
	require.ErrorIs(t, c.app.CheckTx(txs[5]).Err, core.ErrBusy)
}

// TestPoolCompacts checks that once most of the pool's entries are gone,
// the pool and the transactions still to gossip keep only the live ones,
// in order.
func TestPoolCompacts(t *testing.T) {
	c := poolChain(t, false)
	txs := pathTxs(c, 100, 0)
	for _, tx := range txs {
		require.NoError(t, c.app.CheckTx(tx).Err)
	}
	c.block(txs[:90]...)
	require.Equal(t, txs[90:], c.app.PoolTxs())
	require.Len(t, c.app.pool.order, 10, "compacted")
	require.Len(t, c.app.pool.fresh, 10, "compacted too")
	require.Equal(t, txs[90:], c.app.ReapTxs(0), "the executed ones are not gossiped")
}
