package gov

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// memberAgencies reads every member agency, in agency-set (sorted id) order.
func memberAgencies(r state.Reader) ([]core.Agency, error) {
	set, err := core.GetAgencySet(r)
	if err != nil {
		return nil, err
	}
	out := make([]core.Agency, 0, len(set.AgencyIDs))
	for _, id := range set.AgencyIDs {
		ag, found, err := core.GetAgency(r, id)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, fmt.Errorf("gov: agency set lists %q, which has no record", id)
		}
		out = append(out, ag)
	}
	return out, nil
}

func findAgency(ags []core.Agency, id string) (core.Agency, bool) {
	for _, ag := range ags {
		if ag.ID == id {
			return ag, true
		}
	}
	return core.Agency{}, false
}

// check verifies that change c is allowed in state r and returns the
// validator updates it makes (nil if it leaves the validator set alone).
// It writes nothing. It runs at submission and again at execution, in the
// block at height.
func check(r state.Reader, c Change, height int64) ([]core.Validator, error) {
	ags, err := memberAgencies(r)
	if err != nil {
		return nil, err
	}
	// after is every agency's validator after the change (zero: none).
	after := make([]core.Agency, len(ags))
	copy(after, ags)
	var updates []core.Validator
	switch c.Kind() {
	case KindAddAgency:
		ag := *c.AddAgency
		if _, ok := findAgency(ags, ag.ID); ok {
			return nil, core.Wrapf(ErrAgencyExists, "agency %s", ag.ID)
		}
		for _, a := range ag.Admins {
			other, err := core.AdminAgency(r, a)
			if err != nil {
				return nil, err
			}
			if other != "" {
				return nil, core.Wrapf(ErrAdminInUse, "%s administers agency %s", a, other)
			}
		}
		if !ag.HasValidator() {
			return nil, nil
		}
		after = append(after, ag)
		updates = []core.Validator{ag.Validator}
	case KindRemoveAgency:
		id := c.RemoveAgency.AgencyID
		ag, ok := findAgency(ags, id)
		if !ok {
			return nil, core.Wrapf(ErrAgencyNotFound, "agency %s", id)
		}
		if !ag.HasValidator() {
			return nil, nil
		}
		after = slices.DeleteFunc(after, func(a core.Agency) bool { return a.ID == id })
		updates = []core.Validator{{PubKey: ag.Validator.PubKey, Power: 0}}
	case KindSetValidatorPower:
		s := c.SetValidatorPower
		ag, ok := findAgency(ags, s.AgencyID)
		if !ok {
			return nil, core.Wrapf(ErrAgencyNotFound, "agency %s", s.AgencyID)
		}
		newKey := s.PubKey
		if len(newKey) == 0 {
			if !ag.HasValidator() {
				return nil, core.Wrapf(ErrNoValidator, "agency %s: give a pub_key to add its validator", ag.ID)
			}
			newKey = ag.Validator.PubKey
		}
		rotated := ag.HasValidator() && !bytes.Equal(newKey, ag.Validator.PubKey)
		if rotated {
			updates = append(updates, core.Validator{PubKey: ag.Validator.PubKey, Power: 0})
		}
		nv := core.Validator{PubKey: slices.Clone(newKey), Power: s.Power}
		if s.Power == 0 {
			nv = core.Validator{}
			if !rotated {
				updates = append(updates, core.Validator{PubKey: ag.Validator.PubKey, Power: 0})
			}
		} else {
			updates = append(updates, nv)
		}
		for i := range after {
			if after[i].ID == ag.ID {
				after[i].Validator = nv
			}
		}
	case KindSetRolePolicy:
		for _, id := range c.SetRolePolicy.Agencies {
			if _, ok := findAgency(ags, id); !ok {
				return nil, core.Wrapf(ErrAgencyNotFound, "role policy names agency %s", id)
			}
		}
		return nil, nil
	case KindSetPurpose:
		return nil, c.SetPurpose.Check(r)
	case KindScheduleUpgrade, KindCancelUpgrade:
		return nil, checkUpgrade(r, c, height)
	default:
		return nil, fields.Invalidf("change must set exactly one kind")
	}
	if err := checkValidatorSet(after); err != nil {
		return nil, err
	}
	return updates, nil
}

// checkValidatorSet enforces the validator rules on the agencies' validators
// after a change: distinct keys, at least MinValidators validators, and no
// agency with 1/3 or more of the total power.
func checkValidatorSet(ags []core.Agency) error {
	var ids []string
	var total int64
	keys := make([]string, 0, len(ags))
	for _, ag := range ags {
		if !ag.HasValidator() {
			continue
		}
		k := string(ag.Validator.PubKey)
		if i := slices.Index(keys, k); i >= 0 {
			return core.Wrapf(ErrValidatorKeyInUse, "agencies %s and %s would share key %s", ids[i], ag.ID, ag.Validator.PubKey)
		}
		keys = append(keys, k)
		ids = append(ids, ag.ID)
		total += ag.Validator.Power
	}
	if len(ids) < MinValidators {
		return core.Wrapf(ErrTooFewValidators, "%d validator(s) would remain (%s), at least %d are required",
			len(ids), strings.Join(ids, ", "), MinValidators)
	}
	for _, ag := range ags {
		if ag.HasValidator() && 3*ag.Validator.Power >= total {
			return core.Wrapf(ErrPowerConcentration, "agency %s would hold %d of %d (3*%d >= %d)",
				ag.ID, ag.Validator.Power, total, ag.Validator.Power, total)
		}
	}
	return nil
}

// apply writes change c of proposal proposalID, which check has just
// allowed, to kv at height.
func apply(kv state.KV, c Change, proposalID uint64, height int64) error {
	switch c.Kind() {
	case KindAddAgency:
		ag := *c.AddAgency
		ag.Admins = slices.Clone(ag.Admins)
		if err := core.SetJSON(kv, core.AgencyKey(ag.ID), ag); err != nil {
			return err
		}
		for _, a := range ag.Admins {
			if err := kv.Set(core.AgencyAdminKey(a), []byte(ag.ID)); err != nil {
				return err
			}
		}
		set, err := core.GetAgencySet(kv)
		if err != nil {
			return err
		}
		set.AgencyIDs = append(set.AgencyIDs, ag.ID)
		return core.SetAgencySet(kv, set)
	case KindRemoveAgency:
		id := c.RemoveAgency.AgencyID
		ag, _, err := core.GetAgency(kv, id)
		if err != nil {
			return err
		}
		if err := kv.Delete(core.AgencyKey(id)); err != nil {
			return err
		}
		for _, a := range ag.Admins {
			if err := kv.Delete(core.AgencyAdminKey(a)); err != nil {
				return err
			}
		}
		set, err := core.GetAgencySet(kv)
		if err != nil {
			return err
		}
		set.AgencyIDs = slices.DeleteFunc(set.AgencyIDs, func(s string) bool { return s == id })
		if err := core.SetAgencySet(kv, set); err != nil {
			return err
		}
		for _, role := range core.Roles {
			pol, err := core.GetRolePolicy(kv, role)
			if err != nil {
				return err
			}
			if !slices.Contains(pol.Agencies, id) {
				continue
			}
			pol.Agencies = slices.DeleteFunc(pol.Agencies, func(s string) bool { return s == id })
			if err := putRolePolicy(kv, pol); err != nil {
				return err
			}
		}
		return nil
	case KindSetValidatorPower:
		s := c.SetValidatorPower
		ag, _, err := core.GetAgency(kv, s.AgencyID)
		if err != nil {
			return err
		}
		switch {
		case s.Power == 0:
			ag.Validator = core.Validator{}
		case len(s.PubKey) > 0:
			ag.Validator = core.Validator{PubKey: slices.Clone(s.PubKey), Power: s.Power}
		default:
			ag.Validator.Power = s.Power
		}
		return core.SetJSON(kv, core.AgencyKey(ag.ID), ag)
	case KindSetRolePolicy:
		s := c.SetRolePolicy
		return putRolePolicy(kv, core.RolePolicy{Role: s.Role, Agencies: slices.Clone(s.Agencies)})
	case KindSetPurpose:
		return c.SetPurpose.Apply(kv, height)
	case KindScheduleUpgrade, KindCancelUpgrade:
		return applyUpgrade(kv, c, proposalID, height)
	}
	return fmt.Errorf("gov: cannot apply a change of kind %q", c.Kind())
}

// putRolePolicy writes a role policy with its agencies sorted and never nil.
func putRolePolicy(w state.Writer, p core.RolePolicy) error {
	if p.Agencies == nil {
		p.Agencies = []string{}
	}
	slices.Sort(p.Agencies)
	return core.SetJSON(w, core.RolePolicyKey(p.Role), p)
}
