package gov

import (
	"fmt"
	"strings"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// resolve parses a gov query path (without the leading "gov") into the key
// its answer rests on (the record, or the list's anchor) and the function
// that answers it from that key. A malformed or unknown path is the error
// Module.Query refuses it with, before anything is read. Module.Query and
// Module.PathKey both resolve through here, so the key a node answers with
// and the key a client expects cannot differ.
//
// Its answers (Module.Query) are read from a committed view; values are
// the exact stored bytes. The paths are:
//
//	params                  the governance parameters (Key, Value)
//	proposals               anchor: the Index record (last_id, open ids),
//	                        then each open proposal in the index's order
//	proposal/{id}           the proposal: change, status, tally, electorate,
//	                        deadline (id in decimal)
//	proposal/{id}/votes     anchor: the proposal (vote_count), then every
//	                        Vote in key order (agency id length, then bytes)
//	proposal/{id}/history   anchor: the proposal (history_count), then every
//	                        history entry in order
//	evidence                anchor: the EvidenceIndex (count), then every
//	                        Evidence record in order; not found (with an
//	                        absence proof) if no evidence was ever committed
//	evidence/{id}           one Evidence record (id in decimal, from 1)
//	upgrade                 the scheduled UpgradePlan; not found (with an
//	                        absence proof) while none is scheduled
//	upgrade/{name}          the UpgradeDone record of an upgrade that ran;
//	                        not found (absence proof) if it never ran
//
// The agency set itself is served by the agency registry (/agency/list). A
// missing record is a *core.NotFound with the key whose absence proves it.
// A path not listed here, or a malformed id in it, is ErrUnknownQuery.
func resolve(path []string) ([]byte, core.Answer, error) {
	switch {
	case len(path) == 1 && path[0] == "params":
		return ParamsKey(), core.Single(core.NewError(core.ErrNotFound, "gov: no governance parameters in state")), nil
	case len(path) == 1 && path[0] == "proposals":
		return IndexKey(), core.ListOf(errNoIndex, func(idx *Index) [][]byte { return core.IDKeys(ProposalKey, idx.Open) }), nil
	case len(path) == 1 && path[0] == "evidence":
		return EvidenceIndexKey(), evidenceList.Answer, nil
	case len(path) == 1 && path[0] == "upgrade":
		return UpgradePlanKey(), core.Single(core.Wrapf(ErrNoUpgradePlan, "no upgrade is scheduled")), nil
	case len(path) == 2 && path[0] == "upgrade":
		if err := ValidUpgradeName(path[1]); err != nil {
			return nil, nil, core.Wrapf(ErrUnknownQuery, "upgrade: %v", err)
		}
		return UpgradeDoneKey(path[1]), core.Single(core.Wrapf(ErrUpgradeNotDone, "%q", path[1])), nil
	case len(path) == 2 && path[0] == "evidence":
		return core.SingleByID(path[1], ErrUnknownQuery, EvidenceKey, ErrEvidenceNotFound)
	case len(path) == 2 && path[0] == "proposal":
		return core.SingleByID(path[1], ErrUnknownQuery, ProposalKey, ErrProposalNotFound)
	case len(path) == 3 && path[0] == "proposal":
		id, err := core.ParseQueryID(path[1], ErrUnknownQuery)
		if err != nil {
			return nil, nil, err
		}
		switch path[2] {
		case "votes":
			return ProposalKey(id), votes(id), nil
		case "history":
			return ProposalKey(id), core.HistoryOf(ErrProposalNotFound, func(seq uint64) []byte { return HistoryKey(id, seq) }), nil
		}
	}
	return nil, nil, core.Wrapf(ErrUnknownQuery, "%q", strings.Join(path, "/"))
}

// evidenceList is the evidence index's numbered list: its count, then
// entry seq, the Evidence record of id seq+1.
var evidenceList = &core.NumberedList{NotFound: ErrEvidenceNotFound, CountField: "count",
	EntryKey: func(seq uint64) []byte { return EvidenceKey(seq + 1) }}

// errNoIndex answers proposals in a state without the proposal index
// (before genesis wrote it).
var errNoIndex = core.NewError(core.ErrNotFound, "gov: no proposal index in state")

// votes answers proposal/{id}/votes: the proposal, then every vote in key
// order (core.QueryPrefix), which must be as many as the proposal counts.
func votes(id uint64) core.Answer {
	return func(r state.Reader, key []byte) (*core.QueryResult, error) {
		res, err := core.QueryPrefix(r, key, ErrProposalNotFound, VotesPrefix(id))
		if err != nil {
			return nil, err
		}
		var p Proposal
		if _, err := core.GetJSON(r, key, &p); err != nil {
			return nil, err
		}
		if uint64(len(res.Entries)-1) != p.VoteCount {
			return nil, fmt.Errorf("gov: proposal %d counts %d votes, %d stored", p.ID, p.VoteCount, len(res.Entries)-1)
		}
		return res, nil
	}
}
