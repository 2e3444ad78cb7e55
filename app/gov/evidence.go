package gov

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Kinds of validator misbehaviour CometBFT commits evidence of
// (Misbehavior.Type).
const (
	MisbehaviorDuplicateVote     = "duplicate_vote"
	MisbehaviorLightClientAttack = "light_client_attack"
	MisbehaviorUnknown           = "unknown"
)

// Misbehavior is one piece of evidence a block carries, as CometBFT hands
// it to FinalizeBlock: a validator (by CometBFT address, the first 20 bytes
// of SHA-256 of its consensus key) that signed two conflicting votes, or
// took part in a light-client attack, at Height.
type Misbehavior struct {
	Type             string
	Validator        []byte
	Power            int64
	Height           int64
	Time             time.Time
	TotalVotingPower int64
}

// Evidence is the record of one committed Misbehavior, kept in the Merkle
// state so an auditor can prove which ministry's validator misbehaved and
// when. The chain does not act on it by itself: removing or re-keying the
// validator is a governance proposal (ChangeValidator), decided by the
// agencies.
type Evidence struct {
	// ID numbers the evidence records of the chain from 1.
	ID   uint64 `json:"id"`
	Type string `json:"type"`
	// Validator is the CometBFT address of the validator (40 hex digits).
	Validator core.HexBytes `json:"validator"`
	// Agency is the agency whose validator it is at the committing block,
	// or "" if no member agency runs that validator any more.
	Agency string `json:"agency"`
	// Power is the validator's power at the infraction height, and
	// TotalVotingPower the whole set's.
	Power            int64 `json:"power"`
	TotalVotingPower int64 `json:"total_voting_power"`
	// InfractionHeight and InfractionTime are when it misbehaved.
	InfractionHeight int64     `json:"infraction_height"`
	InfractionTime   time.Time `json:"infraction_time"`
	// CommittedHeight is the block that carried the evidence.
	CommittedHeight int64 `json:"committed_height"`
}

// EvidenceIndex counts the evidence records (the last id); it is written with the first
// one, so its absence (provable) means no evidence was ever committed.
type EvidenceIndex struct {
	Count uint64 `json:"count"`
}

// EvidenceIndexKey is the store key of the EvidenceIndex.
func EvidenceIndexKey() []byte { return state.Key(Prefix, tableEvidenceIndex) }

// EvidenceKey is the store key of evidence record id.
func EvidenceKey(id uint64) []byte {
	return state.Key(Prefix, tableEvidence, state.Uint64(id))
}

// RecordMisbehavior stores one Evidence record per item of list, in
// order, for the block at height, and returns one "gov.misbehavior" event
// per record. It reads the agencies to name the validator's ministry.
func RecordMisbehavior(kv state.KV, height int64, list []Misbehavior) ([]core.Event, error) {
	if len(list) == 0 {
		return nil, nil
	}
	var idx EvidenceIndex
	if _, err := core.GetJSON(kv, EvidenceIndexKey(), &idx); err != nil {
		return nil, err
	}
	owners, err := validatorAgencies(kv)
	if err != nil {
		return nil, err
	}
	events := make([]core.Event, 0, len(list))
	for _, m := range list {
		typ := m.Type
		if typ != MisbehaviorDuplicateVote && typ != MisbehaviorLightClientAttack {
			typ = MisbehaviorUnknown
		}
		ev := Evidence{
			ID: idx.Count + 1, Type: typ, Validator: core.HexBytes(bytes.Clone(m.Validator)), Agency: owners[string(m.Validator)],
			Power: m.Power, TotalVotingPower: m.TotalVotingPower,
			InfractionHeight: m.Height, InfractionTime: m.Time.UTC(), CommittedHeight: height,
		}
		if err := core.SetJSON(kv, EvidenceKey(ev.ID), ev); err != nil {
			return nil, err
		}
		idx.Count++
		events = append(events, core.Event{Type: "gov.misbehavior", Attrs: []core.Attr{
			{Key: "evidence", Value: strconv.FormatUint(ev.ID, 10), Index: true},
			{Key: "type", Value: ev.Type, Index: true},
			{Key: "validator", Value: ev.Validator.String(), Index: true},
			{Key: "agency", Value: ev.Agency, Index: true},
			{Key: "infraction_height", Value: strconv.FormatInt(ev.InfractionHeight, 10)},
		}})
	}
	if err := core.SetJSON(kv, EvidenceIndexKey(), idx); err != nil {
		return nil, err
	}
	return events, nil
}

// validatorAgencies maps each member agency's validator address to the
// agency's id.
func validatorAgencies(r state.Reader) (map[string]string, error) {
	set, err := core.GetAgencySet(r)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, id := range set.AgencyIDs {
		ag, found, err := core.GetAgency(r, id)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, fmt.Errorf("gov: agency %q is in the agency set but not stored", id)
		}
		if ag.HasValidator() {
			out[string(ed25519.PubKey(ag.Validator.PubKey).Address())] = id
		}
	}
	return out, nil
}
