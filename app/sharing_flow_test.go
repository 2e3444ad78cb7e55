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
// proven absent) with its covert requests and their disclosures, and the
// purpose voted in is listed. A plain request under a covert purpose is
// refused by CheckTx, so that its details reach no block.
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
	require.Len(t, f.covert, 2)

	q := c.query("/sharing/log/SUBJ-1")
	require.NoError(t, q.Err)
	var head sharing.LogHead
	require.NoError(t, json.Unmarshal(q.Entries[0].Value, &head))
	require.Len(t, q.Entries, int(head.Count)+1)
	require.Len(t, q.Proofs, len(q.Entries), "every entry is proven")
	var kinds, outcomes []string
	var codes []uint32
	var entries []sharing.LogEntry
	for _, e := range q.Entries[1:] {
		var le sharing.LogEntry
		require.NoError(t, json.Unmarshal(e.Value, &le))
		entries = append(entries, le)
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
	// Then the covert requests: two allowed, one refused for its sealed
	// size (the plain one under the covert grant is not recorded), the
	// delivery of the first, its early release by justice's court, and
	// the officer's disclosure of the second, which exceeded the grant.
	require.Equal(t, []string{sharing.KindRequest, sharing.KindRequest, sharing.KindRequest, sharing.KindDelivery,
		sharing.KindComplaint, sharing.KindRequest, sharing.KindRequest,
		sharing.KindRequest, sharing.KindRequest, sharing.KindRequest, sharing.KindDelivery, sharing.KindDisclosure,
		sharing.KindDisclosure}, kinds)
	require.Equal(t, []string{sharing.OutcomeRefused, sharing.OutcomeAllowed, sharing.OutcomeRefused, "", "",
		sharing.OutcomeRefused, sharing.OutcomeRefused,
		sharing.OutcomeAllowed, sharing.OutcomeAllowed, sharing.OutcomeRefused, "", "", ""}, outcomes)
	require.Equal(t, []uint32{sharing.ErrConsentMissing.Code(), sharing.ErrFieldNotCovered.Code(),
		sharing.ErrSubjectNotCovered.Code(), sharing.ErrGrantRevoked.Code(), sharing.ErrSealedDetailsSize.Code()}, codes)
	for _, e := range entries[7:] {
		require.Equal(t, e.Kind != sharing.KindDelivery, e.Covert, "entry %d", e.Seq)
		require.Empty(t, e.Fields)
		require.Nil(t, e.CaseRef)
	}
	require.True(t, entries[7].Actor.IsZero(), "a covert request names no official")
	require.Equal(t, covertA.Commitment(), *entries[7].DetailsCommitment)
	require.Equal(t, &sharing.LogDisclosure{Fields: covertA.Fields, CaseRef: covertA.CaseRef, Salt: covertA.Salt, Early: true},
		entries[11].Disclosure)
	require.Equal(t, c.addr("court"), entries[11].Actor)
	require.Equal(t, &sharing.LogDisclosure{Fields: covertB.Fields, CaseRef: covertB.CaseRef, Salt: covertB.Salt, ExceedsGrant: true},
		entries[12].Disclosure)
	require.Equal(t, c.addr("officer"), entries[12].Actor)
	q = c.query("/sharing/sealed")
	require.NoError(t, q.Err)
	require.Len(t, q.Entries, 1, "both covert requests disclosed: the sealed list is its anchor alone")
	require.Equal(t, `{"count":0}`, string(q.Entries[0].Value))
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

	plain := sharingRequest(3, "SUBJ-1", "income")
	plain.Purpose = "law_enforcement"
	require.ErrorIs(t, c.app.CheckTx(c.sign("officer", plain)).Err, sharing.ErrCovertFormRequired)
}
