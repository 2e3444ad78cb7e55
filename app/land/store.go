package land

import (
	"fmt"
	"slices"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// getParcel reads a parcel; a missing parcel is ErrParcelNotFound.
func getParcel(r state.Reader, id string) (*Parcel, error) {
	return core.Load[Parcel](r, ParcelKey(id), ErrParcelNotFound, "parcel %s", id)
}

// getActiveParcel reads a parcel that is not retired.
func getActiveParcel(r state.Reader, id string) (*Parcel, error) {
	p, err := getParcel(r, id)
	if err != nil {
		return nil, err
	}
	if p.Status == ParcelRetired {
		return nil, core.Wrapf(ErrParcelRetired, "parcel %s", id)
	}
	return p, nil
}

func putParcel(w state.Writer, p *Parcel) error {
	for _, s := range []*[]string{&p.Parents, &p.Children} {
		if *s == nil {
			*s = []string{}
		}
	}
	for _, s := range []*[]uint64{&p.PendingTransfers, &p.PendingLiens, &p.ActiveLiens, &p.OpenDisputes} {
		if *s == nil {
			*s = []uint64{}
		}
	}
	if p.Owners == nil {
		p.Owners = []Share{}
	}
	return core.SetJSON(w, ParcelKey(p.ID), p)
}

func getTransfer(r state.Reader, id uint64) (*Transfer, error) {
	return core.Load[Transfer](r, TransferKey(id), ErrTransferNotFound, "transfer %d", id)
}

func putTransfer(w state.Writer, t *Transfer) error {
	if t.Acceptances == nil {
		t.Acceptances = []Acceptance{}
	}
	if t.Consents == nil {
		t.Consents = []Consent{}
	}
	if t.ReleasedLiens == nil {
		t.ReleasedLiens = []uint64{}
	}
	return core.SetJSON(w, TransferKey(t.ID), t)
}

func getLien(r state.Reader, id uint64) (*Lien, error) {
	return core.Load[Lien](r, LienKey(id), ErrLienNotFound, "lien %d", id)
}

func putLien(w state.Writer, l *Lien) error {
	if l.Acceptances == nil {
		l.Acceptances = []Acceptance{}
	}
	return core.SetJSON(w, LienKey(l.ID), l)
}

func getDispute(r state.Reader, id uint64) (*Dispute, error) {
	return core.Load[Dispute](r, DisputeKey(id), ErrDisputeNotFound, "dispute %d", id)
}

func putDispute(w state.Writer, d *Dispute) error { return core.SetJSON(w, DisputeKey(d.ID), d) }

// appendHistory appends an entry to p's history and bumps its count; the
// caller saves p.
func appendHistory(ctx *core.Context, p *Parcel, action string, details any) error {
	return ctx.RecordHistory(Prefix, tableHistory, []byte(p.ID), &p.HistoryCount, action, details)
}

// updateOwnerIndex moves the owner index of a parcel from (old, oldDen) to
// (nu, nuDen): entries of accounts that no longer own are deleted, new and
// changed entries written, and per-owner counts adjusted. Both lists are
// sorted by account; an empty list means the parcel is not (or no longer)
// active.
func updateOwnerIndex(kv state.KV, parcelID string, old []Share, oldDen uint64, nu []Share, nuDen uint64) error {
	for _, o := range old {
		if _, ok := findShare(nu, o.Account); ok {
			continue
		}
		if err := kv.Delete(OwnerParcelKey(o.Account, parcelID)); err != nil {
			return err
		}
		if err := addOwnerCount(kv, o.Account, -1); err != nil {
			return err
		}
	}
	for _, n := range nu {
		prev, had := findShare(old, n.Account)
		if had && prev == n.Shares && oldDen == nuDen {
			continue
		}
		entry := OwnerParcel{ParcelID: parcelID, Shares: n.Shares, Denominator: nuDen}
		if err := core.SetJSON(kv, OwnerParcelKey(n.Account, parcelID), entry); err != nil {
			return err
		}
		if !had {
			if err := addOwnerCount(kv, n.Account, 1); err != nil {
				return err
			}
		}
	}
	return nil
}

// addOwnerCount adds delta (+1 or -1) to an account's parcel count,
// deleting the owner record when the count reaches zero.
func addOwnerCount(kv state.KV, a core.Address, delta int) error {
	o := Owner{Account: a}
	if _, err := core.GetJSON(kv, OwnerKey(a), &o); err != nil {
		return err
	}
	switch {
	case delta > 0:
		o.ParcelCount++
	case o.ParcelCount == 0:
		return fmt.Errorf("land: owner count of %s would go negative", a)
	default:
		o.ParcelCount--
	}
	if o.ParcelCount == 0 {
		return kv.Delete(OwnerKey(a))
	}
	return core.SetJSON(kv, OwnerKey(a), o)
}

// sortShares returns a copy of list sorted by account.
func sortShares(list []Share) []Share {
	out := slices.Clone(list)
	slices.SortFunc(out, func(a, b Share) int { return a.Account.Compare(b.Account) })
	return out
}

// applyTransfer computes the ownership that results from t on owners (over
// den): every seller must hold its shares. The result is sorted by account,
// without zero shares, in lowest terms. It returns ErrDenominatorMismatch
// if t's denominator is not a multiple of den and ErrInsufficientShares if
// a seller holds too little.
func applyTransfer(owners []Share, den uint64, t *Transfer) ([]Share, uint64, error) {
	if den == 0 || t.Denominator%den != 0 {
		return nil, 0, core.Wrapf(ErrDenominatorMismatch, "transfer denominator %d, parcel denominator %d", t.Denominator, den)
	}
	k := t.Denominator / den
	out := make([]Share, 0, len(owners)+len(t.Buyers))
	for _, o := range owners {
		out = append(out, Share{Account: o.Account, Shares: o.Shares * k})
	}
	idx := func(a core.Address) int {
		return slices.IndexFunc(out, func(s Share) bool { return s.Account == a })
	}
	for _, s := range t.Sellers {
		i := idx(s.Account)
		if i < 0 || out[i].Shares < s.Shares {
			held := uint64(0)
			if i >= 0 {
				held = out[i].Shares
			}
			return nil, 0, core.Wrapf(ErrInsufficientShares, "seller %s holds %d/%d, sells %d/%d", s.Account, held, t.Denominator, s.Shares, t.Denominator)
		}
		out[i].Shares -= s.Shares
	}
	for _, b := range t.Buyers {
		if i := idx(b.Account); i >= 0 {
			out[i].Shares += b.Shares
		} else {
			out = append(out, b)
		}
	}
	out = slices.DeleteFunc(out, func(s Share) bool { return s.Shares == 0 })
	out = sortShares(out)
	g := t.Denominator
	for _, s := range out {
		g = gcd(g, s.Shares)
	}
	for i := range out {
		out[i].Shares /= g
	}
	return out, t.Denominator / g, nil
}

func sameShares(a, b []Share) bool { return slices.Equal(a, b) }

func isOwner(p *Parcel, a core.Address) bool {
	_, ok := findShare(p.Owners, a)
	return ok
}

func accepted(list []Acceptance, a core.Address) bool {
	return slices.ContainsFunc(list, func(x Acceptance) bool { return x.Account == a })
}

func (t *Transfer) isParty(a core.Address) bool {
	_, s := findShare(t.Sellers, a)
	_, b := findShare(t.Buyers, a)
	return s || b
}

// allAccepted reports whether every seller and buyer accepted, and the
// first who has not.
func (t *Transfer) allAccepted() (core.Address, bool) {
	for _, list := range [][]Share{t.Sellers, t.Buyers} {
		for _, s := range list {
			if !accepted(t.Acceptances, s.Account) {
				return s.Account, false
			}
		}
	}
	return core.Address{}, true
}

func (t *Transfer) expired(ctx *core.Context) bool { return ctx.BlockTime.After(t.ExpiresAt) }

func acceptanceOf(ctx *core.Context) Acceptance {
	return Acceptance{Account: ctx.Signer, Height: ctx.Height, Time: ctx.BlockTime.UTC()}
}
