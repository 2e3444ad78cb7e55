package datasvc_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/client"
)

// TestSignerAfterRestart: a signer started while a transaction it would
// sign (same account, sequence and message: a receipt posted just before
// a crash) is still in the node's mempool is refused by the node's cache
// as a duplicate; the signer takes those bytes as its own and waits for
// them, instead of failing. The race between the two posts and the next
// block is run until the duplicate case happened at least once.
func TestSignerAfterRestart(t *testing.T) {
	s := newScenario(t, "signer", 1)
	c, ctx := s.c, ctxOf(t)
	key, err := c.kr.Get("officer-finance")
	require.NoError(t, err)
	dups := 0
	for i := 0; i < 20 && dups < 2; i++ {
		msg := &sharing.RequestAccess{GrantID: s.grant, Subject: s.subjects[0], Fields: []string{"address"},
			Purpose: "benefit_eligibility", CaseRef: docHash("restart " + string(rune('a'+i)))}
		seq, err := c.cl.NextSequence(ctx, key.Address())
		require.NoError(t, err)
		tx, err := client.Build(c.chainID, key.PrivKey, seq, msg)
		require.NoError(t, err)
		first, err := c.cl.Broadcast(ctx, tx)
		require.NoError(t, err)
		// The restarted process: a new signer, which asks the chain for
		// its sequence.
		sg := c.signer(t, "officer-finance")
		hash, err := sg.Broadcast(ctx, msg)
		require.NoError(t, err, "attempt %d", i)
		if bytes.Equal(hash, first) {
			dups++
		}
		res, err := sg.WaitTx(ctx, hash)
		require.NoError(t, err)
		require.Positive(t, res.Height)
		_, err = sg.WaitTx(ctx, first)
		require.NoError(t, err)
	}
	require.Positive(t, dups, "the second post never met the first in the mempool")
}
