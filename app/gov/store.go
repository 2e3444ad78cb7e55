package gov

import (
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// getParams reads the parameters; a chain whose genesis wrote none (one
// that predates governance) uses DefaultParams.
func getParams(r state.Reader) (Params, error) {
	var p Params
	found, err := core.GetJSON(r, ParamsKey(), &p)
	if err != nil || !found {
		return DefaultParams(), err
	}
	return p, nil
}

// getIndex reads the proposal index (empty if never written).
func getIndex(r state.Reader) (*Index, error) {
	var idx Index
	if _, err := core.GetJSON(r, IndexKey(), &idx); err != nil {
		return nil, err
	}
	return &idx, nil
}

func putIndex(w state.Writer, idx *Index) error {
	if idx.Open == nil {
		idx.Open = []uint64{}
	}
	return core.SetJSON(w, IndexKey(), idx)
}

// getProposal reads a proposal; a missing one is ErrProposalNotFound.
func getProposal(r state.Reader, id uint64) (*Proposal, error) {
	return core.Load[Proposal](r, ProposalKey(id), ErrProposalNotFound, "proposal %d", id)
}

func putProposal(w state.Writer, p *Proposal) error {
	if p.Electorate == nil {
		p.Electorate = []Elector{}
	}
	if p.ValidatorUpdates == nil {
		p.ValidatorUpdates = []core.Validator{}
	}
	return core.SetJSON(w, ProposalKey(p.ID), p)
}

// appendHistory appends an entry to p's history and bumps its count; the
// caller saves p.
func appendHistory(ctx *core.Context, p *Proposal, action string, details any) error {
	return ctx.RecordHistory(Prefix, tableHistory, state.Uint64(p.ID), &p.HistoryCount, action, details)
}
