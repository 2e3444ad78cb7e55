package benefits

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// step is the module's per-block work (core.Step): it creates the payment
// orders that are due, at most MaxOrdersPerBlock, earliest due first
// (then by programme, beneficiary and subject): for each entry of the due
// index at or before the block time, the order of the entitlement's next
// period, under a key derived from the entitlement and the period, so it
// is created exactly once. The entitlement then waits for its next period
// in the index, or, if that period would start at or after its end, ends
// with reason "term". It writes nothing when nothing is due.
func step(ctx *core.Context) error {
	end := state.Key(Prefix, tableDue, state.Uint64(uint64(ctx.BlockTime.UnixNano())+1))
	it, err := ctx.KV.Iterator(duePrefix(), end, true)
	if err != nil {
		return err
	}
	var refs []Ref
	for ; it.Valid() && len(refs) < MaxOrdersPerBlock; it.Next() {
		var r Ref
		if err := json.Unmarshal(it.Value(), &r); err != nil {
			it.Close()
			return fmt.Errorf("benefits: due entry %x does not decode: %w", it.Key(), err)
		}
		refs = append(refs, r)
	}
	if err := errors.Join(it.Error(), it.Close()); err != nil {
		return err
	}
	for _, r := range refs {
		e, err := getEntitlement(ctx.KV, r)
		if err != nil {
			return err
		}
		if e.Status != StatusActive || e.NextDueAt == nil || e.NextDueAt.After(ctx.BlockTime) {
			return fmt.Errorf("benefits: due index lists %s, which is not due", r.Path())
		}
		if err := createOrder(ctx, e); err != nil {
			return err
		}
	}
	return nil
}

// duePrefix is the prefix of the due index.
func duePrefix() []byte { return state.Key(Prefix, tableDue) }

// createOrder creates the order of e's next period and moves e to the
// period after it, or ends it at its term.
func createOrder(ctx *core.Context, e *Entitlement) error {
	k := e.NextPeriod
	start := e.PeriodStart(k)
	next := e.PeriodStart(k + 1)
	o := Order{
		Ref: e.Ref, Period: k, PeriodStart: start, PeriodEnd: minTime(next, e.EndsAt), Amount: e.Amount, Currency: e.Currency,
		Status: OrderDue, CreatedHeight: ctx.Height, CreatedAt: ctx.BlockTime.UTC(),
	}
	if err := core.SetJSON(ctx.KV, OrderKey(e.Ref, k), o); err != nil {
		return err
	}
	emit(ctx, "create_order", refAttrs(e.Ref, "period", core.Dec(k), "amount", core.Dec(o.Amount), "currency", o.Currency)...)
	if err := ctx.KV.Delete(DueKey(*e.NextDueAt, e.Ref)); err != nil {
		return err
	}
	e.NextPeriod, e.NextDueAt = k+1, nil
	if !next.Before(e.EndsAt) {
		return endEntitlement(ctx, e, EndTerm, nil, e.EndsAt)
	}
	e.NextDueAt = &next
	if err := core.SetJSON(ctx.KV, DueKey(next, e.Ref), e.Ref); err != nil {
		return err
	}
	return putEntitlement(ctx.KV, e)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
