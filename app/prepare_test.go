package app

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
)

// TestPrepareProposalOrdersSequences checks that the proposer puts each
// account's pipelined transactions in sequence order whatever the mempool
// order, leaves out a transaction after a gap (it waits in the mempool)
// and one whose sequence is used, drops a badly signed one, and stops at
// maxBytes; and that every transaction of the block it built executes.
func TestPrepareProposalOrdersSequences(t *testing.T) {
	c := newPathChain(t)
	c.block()
	reg := func(signer string, n int) [][]byte {
		var out [][]byte
		for i := 0; i < n; i++ {
			id := fmt.Sprintf("ORD-%s-%d", signer, i)
			out = append(out, c.sign(signer, &land.RegisterParcel{ParcelID: id, CadastralRef: "CAD/" + id, AreaM2: 100,
				Denominator: 1, Owners: []land.Share{{Account: c.addr("alice"), Shares: 1}}, DocumentHash: docHash(id)}))
		}
		return out
	}
	a, b := reg("reg-0", 5), reg("reg-1", 2)
	bad := append([]byte(nil), b[0]...)
	bad[len(bad)-4] = map[bool]byte{true: '1', false: '0'}[bad[len(bad)-4] == '0']

	mempool := [][]byte{a[2], a[0], bad, b[0], a[1], a[4], b[1]}
	got := c.app.PrepareProposal(mempool, 1<<20)
	require.Equal(t, [][]byte{a[0], b[0], a[1], a[2], b[1]}, got, "a[3] is missing, so a[4] waits")
	for i, r := range c.block(got...) {
		require.NoError(t, r.Err, "tx %d", i)
	}

	// Next block: a[1] is a replay now; a[3] arrived after a[4].
	got = c.app.PrepareProposal([][]byte{a[4], a[1], a[3]}, 1<<20)
	require.Equal(t, [][]byte{a[3], a[4]}, got)
	require.Equal(t, [][]byte{a[3]}, c.app.PrepareProposal([][]byte{a[4], a[3]}, int64(len(a[3])+len(a[4])-1)), "maxBytes")
	for _, r := range c.block(got...) {
		require.NoError(t, r.Err)
	}
	acc, _, err := core.GetAccount(c.store, c.addr("reg-0"))
	require.NoError(t, err)
	require.Equal(t, uint64(5), acc.Sequence)
}
