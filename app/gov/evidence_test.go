package gov

import (
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"
)

// Evidence is recorded in order with the validator's agency, listed and
// served one by one with PathKey naming the keys, and evented; a block
// without evidence writes nothing.
func TestRecordMisbehavior(t *testing.T) {
	e := newEnv(t, ThresholdPower)
	e.agencies(10, 10, 10, 10)
	before := e.Snapshot()
	evs, err := RecordMisbehavior(e.KV, 7, nil)
	require.NoError(t, err)
	require.Empty(t, evs)
	require.Equal(t, before, e.Snapshot(), "a block without evidence changed the state")

	addrOf := func(id string) []byte {
		ag, ok := e.agency(id)
		require.True(t, ok)
		return ed25519.PubKey(ag.Validator.PubKey).Address()
	}
	at := time.Date(2026, 11, 21, 10, 0, 0, 5, time.FixedZone("x", 3600))
	stranger := make([]byte, 20)
	evs, err = RecordMisbehavior(e.KV, 12, []Misbehavior{
		{Type: MisbehaviorDuplicateVote, Validator: addrOf("b"), Power: 10, Height: 10, Time: at, TotalVotingPower: 40},
		{Type: "something new", Validator: stranger, Power: 1, Height: 11, Time: at, TotalVotingPower: 40},
	})
	require.NoError(t, err)
	require.Len(t, evs, 2)
	require.Equal(t, "gov.misbehavior", evs[0].Type)
	attrs := map[string]string{}
	for _, a := range evs[0].Attrs {
		attrs[a.Key] = a.Value
	}
	require.Equal(t, map[string]string{"evidence": "1", "type": MisbehaviorDuplicateVote, "validator": hex.EncodeToString(addrOf("b")), "agency": "b", "infraction_height": "10"}, attrs)

	res, err := boundQuery(t, e.KV, []string{"evidence", "1"})
	require.NoError(t, err)
	var got Evidence
	require.NoError(t, json.Unmarshal(res.Value, &got))
	require.Equal(t, Evidence{ID: 1, Type: MisbehaviorDuplicateVote, Validator: addrOf("b"), Agency: "b", Power: 10, TotalVotingPower: 40,
		InfractionHeight: 10, InfractionTime: at.UTC(), CommittedHeight: 12}, got)

	_, err = RecordMisbehavior(e.KV, 13, []Misbehavior{{Type: MisbehaviorLightClientAttack, Validator: addrOf("c"), Height: 12, Time: at}})
	require.NoError(t, err)
	list, err := boundQuery(t, e.KV, []string{"evidence"})
	require.NoError(t, err)
	require.Len(t, list.Entries, 4, "the index and three records")
	require.JSONEq(t, `{"count":3}`, string(list.Entries[0].Value))
	var second, third Evidence
	require.NoError(t, json.Unmarshal(list.Entries[2].Value, &second))
	require.NoError(t, json.Unmarshal(list.Entries[3].Value, &third))
	require.Equal(t, MisbehaviorUnknown, second.Type)
	require.Equal(t, "", second.Agency, "no agency runs that validator")
	require.Equal(t, uint64(3), third.ID)
	require.Equal(t, "c", third.Agency)
	require.Equal(t, int64(13), third.CommittedHeight)
	_, err = boundQuery(t, e.KV, []string{"evidence", "4"})
	require.ErrorIs(t, err, ErrEvidenceNotFound)
}
