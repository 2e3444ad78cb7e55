package benefits

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/state"
)

// EventType is the type of every event this module emits. Its indexed
// attributes always include action; a message's events also carry signer,
// and every event names the programme_id and the person ids it touched.
const EventType = Name

// emit emits the benefits event of one step; the signer is added in a
// transaction (not in the block step, which has none).
func emit(ctx *core.Context, action string, kv ...string) {
	attrs := []string{"action", action}
	if len(ctx.TxHash) > 0 {
		attrs = append(attrs, "signer", ctx.Signer.String())
	}
	ctx.Emit(EventType, append(attrs, kv...)...)
}

// refAttrs are the event attributes naming an entitlement.
func refAttrs(r Ref, kv ...string) []string {
	return append([]string{"programme_id", r.ProgrammeID, "beneficiary", r.Beneficiary, "subject", r.Subject}, kv...)
}

func getProgramme(r state.Reader, id string) (*Programme, error) {
	return core.Load[Programme](r, ProgrammeKey(id), ErrProgrammeNotFound, "programme %s", id)
}

func getEntitlement(r state.Reader, ref Ref) (*Entitlement, error) {
	return core.Load[Entitlement](r, EntitlementKey(ref), ErrEntitlementNotFound, "%s", ref.Path())
}

func getClaim(r state.Reader, programme, person string) (*Claim, error) {
	return core.Load[Claim](r, ClaimKey(programme, person), ErrClaimNotFound, "programme %s, person %s", programme, person)
}

func getPerson(r state.Reader, id string) (*identity.Person, error) {
	return core.Load[identity.Person](r, identity.PersonKey(id), identity.ErrPersonNotFound, "person %s", id)
}

func putEntitlement(kv state.KV, e *Entitlement) error {
	return core.SetJSON(kv, EntitlementKey(e.Ref), e)
}

// requireAgencyAdmin refuses (ErrNotProgrammeAgency) a signer who is not
// an admin of agency.
func requireAgencyAdmin(ctx *core.Context, agency string) error {
	id, err := core.AdminAgency(ctx.KV, ctx.Signer)
	if err != nil {
		return err
	}
	if id != agency {
		return core.Wrapf(ErrNotProgrammeAgency, "%s is not an admin of %s", ctx.Signer, agency)
	}
	return nil
}

// openProgrammes returns the programmes of rule open at the block time,
// in id order. It writes nothing.
func openProgrammes(ctx *core.Context, rule string) ([]*Programme, error) {
	return programmesAt(ctx, rule, func(*Programme) time.Time { return ctx.BlockTime })
}

// programmesAt returns the programmes of rule that have not ended at the
// block time and whose window holds at(p), in id order. It writes
// nothing.
func programmesAt(ctx *core.Context, rule string, at func(*Programme) time.Time) ([]*Programme, error) {
	entries, err := ruleEntries(ctx.KV, rule)
	if err != nil {
		return nil, err
	}
	var out []*Programme
	for _, e := range entries {
		if !ctx.BlockTime.Before(e.EndsAt) {
			continue
		}
		p, err := getProgramme(ctx.KV, e.ProgrammeID)
		if err != nil {
			return nil, err
		}
		if p.open(at(p)) {
			out = append(out, p)
		}
	}
	return out, nil
}

// ruleEntries reads the index of a rule's programmes, in id order.
func ruleEntries(r state.Reader, rule string) ([]RuleEntry, error) {
	return scan[RuleEntry](r, RulePrefix(rule))
}

// scan decodes every value under prefix as a T, in key order.
func scan[T any](r state.Reader, prefix []byte) ([]T, error) {
	it, err := r.Iterator(prefix, state.PrefixEnd(prefix), true)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []T
	for ; it.Valid(); it.Next() {
		var v T
		if err := json.Unmarshal(it.Value(), &v); err != nil {
			return nil, fmt.Errorf("benefits: stored value under %x does not decode: %w", it.Key(), err)
		}
		out = append(out, v)
	}
	return out, it.Error()
}

// historyFact reads entry seq of the history at query path, under key,
// as a Fact of kind.
func historyFact(r state.Reader, kind, path string, key []byte, seq uint64) (Fact, error) {
	var h core.HistoryEntry
	found, err := core.GetJSON(r, key, &h)
	if err != nil {
		return Fact{}, err
	}
	if !found {
		return Fact{}, core.Wrapf(ErrEntitlementNotFound, "fact %s entry %d is missing", path, seq)
	}
	return Fact{Kind: kind, Path: path, Seq: seq, Action: h.Action, Height: h.Height, TxHash: h.TxHash, Time: h.Time.UTC()}, nil
}

// personFact is entry seq of a person's identity history as a Fact.
func personFact(r state.Reader, kind, person string, seq uint64) (Fact, error) {
	return historyFact(r, kind, "identity/person/"+person+"/history", identity.PersonHistoryKey(person, seq), seq)
}

// lastPersonFact is the latest entry of a person's identity history (the
// one the message just recorded) as a Fact.
func lastPersonFact(r state.Reader, kind string, p *identity.Person) (Fact, error) {
	return personFact(r, kind, p.ID, p.HistoryCount-1)
}

// openEntitlement opens ref's entitlement under p from facts, starting at
// start (the block time; for rule "age" the moment the child reaches the
// age, which is before p ends): it runs from start until the programme
// ends or, if the programme says so, EntitlementMonths later; its first
// order is due at start. Both persons' indexes list it.
func openEntitlement(ctx *core.Context, p *Programme, ref Ref, facts []Fact, start time.Time) error {
	if ok, err := ctx.KV.Has(EntitlementKey(ref)); err != nil {
		return err
	} else if ok {
		return core.Wrapf(ErrAlreadyEntitled, "%s", ref.Path())
	}
	start = start.UTC()
	end := p.EndsAt
	if p.EntitlementMonths > 0 {
		if e := addMonths(start, int(p.EntitlementMonths)); e.Before(end) {
			end = e
		}
	}
	e := &Entitlement{
		Ref: ref, Rule: p.Rule, Amount: p.Amount, Currency: p.Currency, PeriodUnit: p.PeriodUnit, PeriodCount: p.PeriodCount,
		AgeMonths: p.AgeMonths, Facts: facts, StartsAt: start, EndsAt: end, Status: StatusActive, NextDueAt: &start,
		OpenedHeight: ctx.Height, OpenedTxHash: ctx.TxHash,
	}
	for _, person := range persons(ref) {
		if err := indexPerson(ctx.KV, person, ref); err != nil {
			return err
		}
	}
	if err := core.SetJSON(ctx.KV, DueKey(start, ref), ref); err != nil {
		return err
	}
	if err := ctx.RecordHistory(Prefix, tableEntitlementHistory, ref.id(), &e.HistoryCount, "open", facts); err != nil {
		return err
	}
	if err := putEntitlement(ctx.KV, e); err != nil {
		return err
	}
	emit(ctx, "open_entitlement", refAttrs(ref, "rule", p.Rule, "starts_at", start.Format(time.RFC3339), "ends_at", end.Format(time.RFC3339))...)
	return nil
}

// persons lists the persons an entitlement names: the beneficiary, and the
// subject if it is another person.
func persons(r Ref) []string {
	if r.Subject == r.Beneficiary {
		return []string{r.Beneficiary}
	}
	return []string{r.Beneficiary, r.Subject}
}

// indexPerson adds ref to person's entitlement index, refusing
// (ErrTooManyEntitlements) a person already named by
// MaxEntitlementsPerPerson entitlements.
func indexPerson(kv state.KV, person string, ref Ref) error {
	idx := PersonIndex{PersonID: person}
	if _, err := core.GetJSON(kv, PersonKey(person), &idx); err != nil {
		return err
	}
	if idx.EntitlementCount >= MaxEntitlementsPerPerson {
		return core.Wrapf(ErrTooManyEntitlements, "person %s is named by %d entitlements", person, idx.EntitlementCount)
	}
	idx.EntitlementCount++
	if err := core.SetJSON(kv, PersonKey(person), idx); err != nil {
		return err
	}
	return core.SetJSON(kv, PersonEntitlementKey(person, ref), ref)
}

// endEntitlement ends an active entitlement for reason: no further order
// is created (orders already created stay payable). fact is the record
// that ended it (nil at the end of its term, which is the block step's
// doing).
func endEntitlement(ctx *core.Context, e *Entitlement, reason string, fact *Fact, at time.Time) error {
	if e.NextDueAt != nil {
		if err := ctx.KV.Delete(DueKey(*e.NextDueAt, e.Ref)); err != nil {
			return err
		}
	}
	at = at.UTC()
	e.Status, e.EndReason, e.EndFact = StatusEnded, reason, fact
	e.EndedHeight, e.EndedAt, e.NextDueAt = ctx.Height, &at, nil
	if err := ctx.RecordHistory(Prefix, tableEntitlementHistory, e.id(), &e.HistoryCount, "end", endDetails{Reason: reason, Fact: fact}); err != nil {
		return err
	}
	if err := putEntitlement(ctx.KV, e); err != nil {
		return err
	}
	emit(ctx, "end_entitlement", refAttrs(e.Ref, "reason", reason)...)
	return nil
}

// endDetails is the history detail of an entitlement's end.
type endDetails struct {
	Reason string `json:"reason"`
	Fact   *Fact  `json:"fact,omitempty"`
}

// personRefs lists the entitlements that name a person, in key order.
func personRefs(r state.Reader, person string) ([]Ref, error) {
	return scan[Ref](r, PersonEntitlementsPrefix(person))
}
