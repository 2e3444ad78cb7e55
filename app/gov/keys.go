package gov

import (
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Prefix is the first byte of every store key of this module (see
// core.Module); frozen, never reused.
const Prefix byte = 0x60

// Tables under Prefix. Each table byte is used by exactly one table
// and is never reused, even if the table is retired.
const (
	// tableParams: (no parts) -> Params, written at genesis.
	tableParams byte = 0x01
	// tableProposal: proposal id (8 bytes big-endian) -> Proposal.
	tableProposal byte = 0x02
	// tableHistory: proposal id (8 bytes), seq (8 bytes) -> core.HistoryEntry.
	tableHistory byte = 0x03
	// tableVote: proposal id (8 bytes), agency id -> Vote.
	tableVote byte = 0x04
	// tableIndex: (no parts) -> Index (last id, open proposal ids).
	tableIndex byte = 0x05
	// tableEvidence: evidence id (8 bytes big-endian) -> Evidence.
	tableEvidence byte = 0x06
	// tableEvidenceIndex: (no parts) -> EvidenceIndex.
	tableEvidenceIndex byte = 0x07
	// tableUpgradePlan: (no parts) -> UpgradePlan, while one is scheduled.
	tableUpgradePlan byte = 0x08
	// tableUpgradeDone: upgrade name -> UpgradeDone.
	tableUpgradeDone byte = 0x09
)

// ParamsKey is the store key of the governance parameters.
func ParamsKey() []byte { return state.Key(Prefix, tableParams) }

// IndexKey is the store key of the proposal index: the anchor of the open
// proposals.
func IndexKey() []byte { return state.Key(Prefix, tableIndex) }

// ProposalKey is the store key of a proposal.
func ProposalKey(id uint64) []byte {
	return state.Key(Prefix, tableProposal, state.Uint64(id))
}

// HistoryKey is the store key of entry seq (from 0) of a proposal's history.
func HistoryKey(id, seq uint64) []byte {
	return core.HistoryKey(Prefix, tableHistory, state.Uint64(id), seq)
}

// VoteKey is the store key of an agency's vote on a proposal.
func VoteKey(id uint64, agencyID string) []byte {
	return state.Key(Prefix, tableVote, state.Uint64(id), []byte(agencyID))
}

// VotesPrefix is the prefix of every vote on a proposal.
func VotesPrefix(id uint64) []byte {
	return state.Key(Prefix, tableVote, state.Uint64(id))
}

// UpgradePlanKey is the store key of the scheduled upgrade (absent when
// none is).
func UpgradePlanKey() []byte { return state.Key(Prefix, tableUpgradePlan) }

// UpgradeDoneKey is the store key of the record that upgrade name ran.
func UpgradeDoneKey(name string) []byte {
	return state.Key(Prefix, tableUpgradeDone, []byte(name))
}
