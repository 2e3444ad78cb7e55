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
	var kinds, outcomes []string
	var codes []uint32
	for _, e := range q.Entries[1:] {
		var le sharing.LogEntry
		require.NoError(t, json.Unmarshal(e.Value, &le))
		kinds = append(kinds, le.Kind)
		outcomes = append(outcomes, le.Outcome)
		if le.Refusal != nil {
			codes = append(codes, le.Refusal.Code)
		}
	}
	// Every request about SUBJ-1 is logged, the refused ones by the app's
	// refusal hook with the code the transaction got: no consent yet, a
	// field the grant does not cover, a grant limited to SUBJ-2, a revoked
	// grant.
	require.Equal(t, []string{sharing.KindRequest, sharing.KindRequest, sharing.KindRequest, sharing.KindDelivery,
		sharing.KindComplaint, sharing.KindRequest, sharing.KindRequest}, kinds)
	require.Equal(t, []string{sharing.OutcomeRefused, sharing.OutcomeAllowed, sharing.OutcomeRefused, "", "",
		sharing.OutcomeRefused, sharing.OutcomeRefused}, outcomes)
	require.Equal(t, []uint32{sharing.ErrConsentMissing.Code(), sharing.ErrFieldNotCovered.Code(),
		sharing.ErrSubjectNotCovered.Code(), sharing.ErrGrantRevoked.Code()}, codes)
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

	// A request the officer's agency has no grant for is refused with its
	// code, admitted by CheckTx so that it is recorded, and recorded in its
	// block; a signer who is no data officer is refused and recorded
	// nowhere.
	tx := c.sign("officer", sharingRequest(99, "SUBJ-1", "income"))
	require.NoError(t, c.app.CheckTx(tx).Err)
	r := c.block(tx)[0]
	require.ErrorIs(t, r.Err, sharing.ErrGrantNotFound)
	require.Equal(t, "refused", eventAttr(r.Events, "outcome"))
	id := eventAttr(r.Events, "request_id")
	q = c.query("/sharing/request/" + id)
	require.NoError(t, q.Err)
	require.NoError(t, json.Unmarshal(q.Value, &req))
	require.Equal(t, &sharing.Refusal{Code: sharing.ErrGrantNotFound.Code(), Reason: r.Err.Error()}, req.Refusal)
	stranger := c.sign("alice", sharingRequest(2, "SUBJ-1", "income"))
	require.ErrorIs(t, c.app.CheckTx(stranger).Err, core.ErrMissingRole)
	before := c.query("/sharing/log/SUBJ-1")
	r = c.block(stranger)[0]
	require.ErrorIs(t, r.Err, core.ErrMissingRole)
	require.Empty(t, r.Events)
	require.Equal(t, before.Entries, c.query("/sharing/log/SUBJ-1").Entries)
}
