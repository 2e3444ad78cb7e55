package app

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/state"
)

// TestSharingThroughApp runs the replay's data sharing flow through the
// state machine (envelope, roles from genesis, gov applying a purpose) and
// checks the results with proven queries: a subject's access log is
// complete (every entry proven, and the entry numbered by the head's count
// proven absent), and the purpose voted in is listed.
func TestSharingThroughApp(t *testing.T) {
	c := newTestChain(t, state.EngineMemIAVL, t.TempDir())
	c.block()
	f := &sharingFlow{}
	for txs := f.next(c); txs != nil; txs = f.next(c) {
		for _, r := range c.block(txs...) {
			f.observe(r)
		}
	}
	require.Len(t, f.allowed, 2)

	q := c.query("/sharing/log/SUBJ-1")
	require.NoError(t, q.Err)
	var head sharing.LogHead
	require.NoError(t, json.Unmarshal(q.Entries[0].Value, &head))
	require.Len(t, q.Entries, int(head.Count)+1)
	require.Len(t, q.Proofs, len(q.Entries), "every entry is proven")
	var kinds []string
	for _, e := range q.Entries[1:] {
		var le sharing.LogEntry
		require.NoError(t, json.Unmarshal(e.Value, &le))
		kinds = append(kinds, le.Kind)
	}
	// Refused requests are recorded by the app's refusal hook, which this
	// list grows by when it lands; the allowed request, its delivery and
	// the complaint are logged by their own transactions.
	require.Subset(t, kinds, []string{sharing.KindRequest, sharing.KindDelivery, sharing.KindComplaint})
	q = c.query("/sharing/log/SUBJ-1/" + core.Dec(head.Count))
	require.ErrorIs(t, q.Err, sharing.ErrLogNotFound)
	require.Len(t, q.Proofs, 1)
	require.False(t, q.Proofs[0].Exists, "the next entry is proven absent: the log is complete")

	q = c.query("/sharing/purpose/research")
	require.NoError(t, q.Err)
	var p sharing.Purpose
	require.NoError(t, json.Unmarshal(q.Value, &p))
	require.Equal(t, "scientific research", p.Description)
	q = c.query("/sharing/request/" + core.Dec(f.allowed[0]))
	require.NoError(t, q.Err)
	var req sharing.Request
	require.NoError(t, json.Unmarshal(q.Value, &req))
	require.Equal(t, sharing.OutcomeAllowed, req.Outcome)
	require.NotNil(t, req.Delivery)
	require.Len(t, req.Complaints, 1)
}
