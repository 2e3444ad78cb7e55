package gov

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// emit emits the gov event of one message. Its indexed attributes always
// include action, proposal_id, agency_id (the signer's agency) and signer.
func emit(ctx *core.Context, action string, p *Proposal, agencyID string, kv ...string) {
	attrs := []string{"action", action, "proposal_id", strconv.FormatUint(p.ID, 10),
		"agency_id", agencyID, "signer", ctx.Signer.String(), "kind", p.Kind, "status", p.Status}
	ctx.Emit(Name, append(attrs, kv...)...)
}

// submitDetails is the history detail of a submission.
type submitDetails struct {
	Kind         string    `json:"kind"`
	Threshold    string    `json:"threshold"`
	TotalWeight  int64     `json:"total_weight"`
	Electorate   []Elector `json:"electorate"`
	VotingEndsAt string    `json:"voting_ends_at"`
}

// Exec implements core.Msg: the signer must be an agency admin; the change
// must be allowed in the current state (check). The electorate is the
// current agency set, weighted by the threshold basis.
func (m SubmitProposal) Exec(ctx *core.Context) error {
	agencyID, err := ctx.RequireAgencyAdmin()
	if err != nil {
		return err
	}
	if _, err := check(ctx.KV, m.Change, ctx.Height); err != nil {
		return err
	}
	params, err := getParams(ctx.KV)
	if err != nil {
		return err
	}
	electorate, total, err := electorateOf(ctx.KV, params.Threshold)
	if err != nil {
		return err
	}
	idx, err := getIndex(ctx.KV)
	if err != nil {
		return err
	}
	idx.LastID++
	idx.Open = append(idx.Open, idx.LastID)
	p := &Proposal{
		ID:              idx.LastID,
		Kind:            m.Change.Kind(),
		Change:          m.Change,
		Summary:         m.Summary,
		Proposer:        ctx.Signer,
		ProposerAgency:  agencyID,
		Status:          StatusOpen,
		Threshold:       params.Threshold,
		Electorate:      electorate,
		TotalWeight:     total,
		SubmittedHeight: ctx.Height,
		SubmittedAt:     ctx.BlockTime.UTC(),
		VotingEndsAt:    ctx.BlockTime.UTC().Add(params.VotingPeriod()),
	}
	if err := appendHistory(ctx, p, "submit_proposal", submitDetails{
		Kind: p.Kind, Threshold: p.Threshold, TotalWeight: total, Electorate: electorate,
		VotingEndsAt: p.VotingEndsAt.Format(time.RFC3339),
	}); err != nil {
		return err
	}
	if err := putProposal(ctx.KV, p); err != nil {
		return err
	}
	if err := putIndex(ctx.KV, idx); err != nil {
		return err
	}
	emit(ctx, "submit_proposal", p, agencyID, changeAttrs(m.Change)...)
	return nil
}

// changeAttrs are the event attributes naming what a change touches.
func changeAttrs(c Change) []string {
	switch c.Kind() {
	case KindAddAgency:
		return []string{"target_agency_id", c.AddAgency.ID}
	case KindRemoveAgency:
		return []string{"target_agency_id", c.RemoveAgency.AgencyID}
	case KindSetValidatorPower:
		return []string{"target_agency_id", c.SetValidatorPower.AgencyID}
	case KindSetRolePolicy:
		return []string{"role", string(c.SetRolePolicy.Role)}
	case KindSetPurpose:
		return []string{"purpose", c.SetPurpose.Code}
	case KindScheduleUpgrade:
		return []string{"upgrade_name", c.ScheduleUpgrade.Name, "upgrade_height", strconv.FormatInt(c.ScheduleUpgrade.Height, 10)}
	case KindCancelUpgrade:
		return []string{"upgrade_name", c.CancelUpgrade.Name}
	}
	return nil
}

// electorateOf snapshots the electorate: every member agency with weight 1
// (ThresholdAgencies), or every member agency running a validator with its
// power (ThresholdPower). It is sorted by agency id.
func electorateOf(r state.Reader, basis string) ([]Elector, int64, error) {
	ags, err := memberAgencies(r)
	if err != nil {
		return nil, 0, err
	}
	var out []Elector
	var total int64
	for _, ag := range ags {
		w := int64(1)
		if basis == ThresholdPower {
			if !ag.HasValidator() {
				continue
			}
			w = ag.Validator.Power
		}
		out = append(out, Elector{AgencyID: ag.ID, Weight: w})
		total += w
	}
	if total <= 0 {
		return nil, 0, fmt.Errorf("gov: the electorate (basis %s) has no weight", basis)
	}
	return out, total, nil
}

// voteDetails is the history detail of a vote.
type voteDetails struct {
	AgencyID string `json:"agency_id"`
	Option   string `json:"option"`
	Weight   int64  `json:"weight"`
}

// outcomeDetails is the history detail of a decision.
type outcomeDetails struct {
	Status           string           `json:"status"`
	YesWeight        int64            `json:"yes_weight"`
	NoWeight         int64            `json:"no_weight"`
	TotalWeight      int64            `json:"total_weight"`
	Failure          string           `json:"failure,omitempty"`
	ValidatorUpdates []core.Validator `json:"validator_updates,omitempty"`
}

// Exec implements core.Msg: the signer must be an admin of an agency in the
// electorate that has not voted; the proposal must be open and its deadline
// not passed. A deciding vote closes the proposal and, if it passes,
// executes the change.
func (m CastVote) Exec(ctx *core.Context) error {
	agencyID, err := ctx.RequireAgencyAdmin()
	if err != nil {
		return err
	}
	p, err := getOpenProposal(ctx, m.ProposalID)
	if err != nil {
		return err
	}
	if ctx.BlockTime.After(p.VotingEndsAt) {
		return core.Wrapf(ErrVotingEnded, "proposal %d: voting ended at %s", p.ID, p.VotingEndsAt.Format(time.RFC3339))
	}
	weight, ok := p.weightOf(agencyID)
	if !ok {
		return core.Wrapf(ErrNotElector, "agency %s, proposal %d", agencyID, p.ID)
	}
	if has, err := ctx.KV.Has(VoteKey(p.ID, agencyID)); err != nil {
		return err
	} else if has {
		return core.Wrapf(ErrAlreadyVoted, "agency %s, proposal %d", agencyID, p.ID)
	}
	v := Vote{ProposalID: p.ID, AgencyID: agencyID, Voter: ctx.Signer, Option: m.Option, Weight: weight,
		Height: ctx.Height, Time: ctx.BlockTime.UTC()}
	if err := core.SetJSON(ctx.KV, VoteKey(p.ID, agencyID), v); err != nil {
		return err
	}
	p.VoteCount++
	if m.Option == OptionYes {
		p.YesWeight += weight
	} else {
		p.NoWeight += weight
	}
	if err := appendHistory(ctx, p, "cast_vote", voteDetails{AgencyID: agencyID, Option: m.Option, Weight: weight}); err != nil {
		return err
	}
	switch {
	case 3*p.YesWeight > 2*p.TotalWeight:
		if err := execute(ctx, p); err != nil {
			return err
		}
	case 3*(p.TotalWeight-p.NoWeight) <= 2*p.TotalWeight:
		p.Status = StatusRejected
	}
	if p.Status != StatusOpen {
		if err := closeProposal(ctx, p); err != nil {
			return err
		}
	}
	if err := putProposal(ctx.KV, p); err != nil {
		return err
	}
	attrs := []string{"option", m.Option}
	for _, u := range p.ValidatorUpdates {
		attrs = append(attrs, "validator_update", fmt.Sprintf("%s:%d", u.PubKey, u.Power))
	}
	if p.Failure != "" {
		attrs = append(attrs, "failure", p.Failure)
	}
	emit(ctx, "cast_vote", p, agencyID, append(attrs, changeAttrs(p.Change)...)...)
	return nil
}

// execute runs a passed proposal's change on its own branch of ctx.KV. If
// the change is no longer allowed (check refuses it with a sentinel), the
// proposal fails with the reason and nothing of the change is written; a
// storage error is returned.
func execute(ctx *core.Context, p *Proposal) error {
	br := state.NewBranch(ctx.KV)
	updates, err := check(br, p.Change, ctx.Height)
	if err == nil {
		err = apply(br, p.Change, p.ID, ctx.Height)
		if err != nil {
			return err
		}
	}
	if err != nil {
		br.Discard()
		if !core.IsRefusal(err) {
			return err
		}
		p.Status = StatusFailed
		p.Failure = err.Error()
		return nil
	}
	if err := br.Write(); err != nil {
		return err
	}
	for _, u := range updates {
		ctx.UpdateValidator(u)
	}
	p.Status = StatusPassed
	p.ValidatorUpdates = updates
	return nil
}

// closeProposal records p's decision (p.Status is already set): its closing
// height and time, a history entry, and its removal from the open index.
func closeProposal(ctx *core.Context, p *Proposal) error {
	p.ClosedHeight, p.ClosedAt = ctx.Height, ctx.At()
	if err := appendHistory(ctx, p, p.Status, outcomeDetails{
		Status: p.Status, YesWeight: p.YesWeight, NoWeight: p.NoWeight, TotalWeight: p.TotalWeight,
		Failure: p.Failure, ValidatorUpdates: p.ValidatorUpdates,
	}); err != nil {
		return err
	}
	idx, err := getIndex(ctx.KV)
	if err != nil {
		return err
	}
	idx.Open = slices.DeleteFunc(idx.Open, func(id uint64) bool { return id == p.ID })
	return putIndex(ctx.KV, idx)
}

// Exec implements core.Msg: the signer must be an agency admin; the
// proposal must be open and the block time past its deadline.
func (m CloseProposal) Exec(ctx *core.Context) error {
	agencyID, err := ctx.RequireAgencyAdmin()
	if err != nil {
		return err
	}
	p, err := getOpenProposal(ctx, m.ProposalID)
	if err != nil {
		return err
	}
	if !ctx.BlockTime.After(p.VotingEndsAt) {
		return core.Wrapf(ErrVotingOpen, "proposal %d: voting ends at %s", p.ID, p.VotingEndsAt.Format(time.RFC3339))
	}
	p.Status = StatusExpired
	if err := closeProposal(ctx, p); err != nil {
		return err
	}
	if err := putProposal(ctx.KV, p); err != nil {
		return err
	}
	emit(ctx, "close_proposal", p, agencyID, changeAttrs(p.Change)...)
	return nil
}

func getOpenProposal(ctx *core.Context, id uint64) (*Proposal, error) {
	p, err := getProposal(ctx.KV, id)
	if err != nil {
		return nil, err
	}
	if p.Status != StatusOpen {
		return nil, core.Wrapf(ErrProposalClosed, "proposal %d is %s", id, p.Status)
	}
	return p, nil
}
