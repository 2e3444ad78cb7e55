package gov

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Bounds of an upgrade plan.
const (
	// MaxUpgradeNameLen is the longest upgrade name in bytes.
	MaxUpgradeNameLen = 64
	// MaxUpgradeNotesLen is the longest upgrade notes in bytes.
	MaxUpgradeNotesLen = 1000
)

// ScheduleUpgrade is the change that schedules a software upgrade: every
// node stops before executing block Height unless its binary carries the
// upgrade Name, which then runs Name's state migration once, before that
// block's transactions (see package upgrade). BinarySHA256 is the SHA-256
// of the binary the agencies approved, for operators to check the binary
// they install; Notes say where to get it and what changes.
//
// Name is 1-64 bytes of lower-case letters, digits and - . _, starting
// with a letter or digit. Height must be above the height of the block
// that executes the proposal (checked at submission and again at
// execution). At most one upgrade is scheduled at a time (cancel it
// first), and a name that was done once is never scheduled again.
type ScheduleUpgrade struct {
	Name         string        `json:"name"`
	Height       int64         `json:"height"`
	BinarySHA256 core.HexBytes `json:"binary_sha256"`
	Notes        string        `json:"notes"`
}

// CancelUpgrade is the change that cancels the scheduled upgrade Name.
type CancelUpgrade struct {
	Name string `json:"name"`
}

// UpgradePlan is the scheduled upgrade, stored under UpgradePlanKey from
// the execution of the proposal that scheduled it until the upgrade runs
// (then it is deleted and an UpgradeDone is written) or a proposal
// cancels it.
type UpgradePlan struct {
	ScheduleUpgrade
	// ProposalID is the proposal that scheduled it, executed at
	// ScheduledHeight.
	ProposalID      uint64 `json:"proposal_id"`
	ScheduledHeight int64  `json:"scheduled_height"`
}

// UpgradeDone records that an upgrade's migration ran, at the start of
// block Height, stored under UpgradeDoneKey(Name) for good: a binary
// reads it to know which rules apply, and refuses to run a state that has
// one it does not carry.
type UpgradeDone struct {
	Name         string        `json:"name"`
	Height       int64         `json:"height"`
	BinarySHA256 core.HexBytes `json:"binary_sha256"`
	ProposalID   uint64        `json:"proposal_id"`
}

// ValidUpgradeName reports whether name is a valid upgrade name.
func ValidUpgradeName(name string) error {
	if len(name) == 0 || len(name) > MaxUpgradeNameLen {
		return fmt.Errorf("name must be 1-%d bytes, got %d", MaxUpgradeNameLen, len(name))
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case i > 0 && (c == '-' || c == '.' || c == '_'):
		default:
			return fmt.Errorf("name %q: only lower-case letters, digits and - . _ (not first) are allowed", name)
		}
	}
	return nil
}

// Validate checks a schedule statelessly.
func (s ScheduleUpgrade) Validate() error {
	if err := ValidUpgradeName(s.Name); err != nil {
		return err
	}
	if s.Height <= 0 {
		return fmt.Errorf("height must be positive, got %d", s.Height)
	}
	if len(s.BinarySHA256) != 32 {
		return fmt.Errorf("binary_sha256 must be 32 bytes, got %d", len(s.BinarySHA256))
	}
	if err := core.Printable(s.Notes, MaxUpgradeNotesLen); err != nil {
		return fmt.Errorf("notes %v", err)
	}
	return nil
}

// checkUpgrade is check for the upgrade kinds at height.
func checkUpgrade(r state.Reader, c Change, height int64) error {
	plan, found, err := GetUpgradePlan(r)
	if err != nil {
		return err
	}
	switch c.Kind() {
	case KindScheduleUpgrade:
		s := c.ScheduleUpgrade
		if found {
			return core.Wrapf(ErrUpgradeScheduled, "%q at height %d (proposal %d); cancel it first", plan.Name, plan.Height, plan.ProposalID)
		}
		if s.Height <= height {
			return core.Wrapf(ErrUpgradeHeight, "height %d, and this block is at height %d", s.Height, height)
		}
		if done, err := r.Has(UpgradeDoneKey(s.Name)); err != nil {
			return err
		} else if done {
			return core.Wrapf(ErrUpgradeDone, "%q", s.Name)
		}
	case KindCancelUpgrade:
		if !found || plan.Name != c.CancelUpgrade.Name {
			return core.Wrapf(ErrNoUpgradePlan, "%q", c.CancelUpgrade.Name)
		}
	}
	return nil
}

// applyUpgrade writes an upgrade change that checkUpgrade has allowed.
func applyUpgrade(kv state.KV, c Change, proposalID uint64, height int64) error {
	if c.Kind() == KindCancelUpgrade {
		return kv.Delete(UpgradePlanKey())
	}
	s := *c.ScheduleUpgrade
	s.BinarySHA256 = slices.Clone(s.BinarySHA256)
	return core.SetJSON(kv, UpgradePlanKey(), UpgradePlan{ScheduleUpgrade: s, ProposalID: proposalID, ScheduledHeight: height})
}

// GetUpgradePlan reads the scheduled upgrade, if any.
func GetUpgradePlan(r state.Reader) (UpgradePlan, bool, error) {
	var p UpgradePlan
	found, err := core.GetJSON(r, UpgradePlanKey(), &p)
	return p, found, err
}

// CompleteUpgrade records that plan's migration ran at the start of block
// height: it deletes the plan and writes its UpgradeDone. The caller
// (package upgrade) writes it on the same branch as the migration.
func CompleteUpgrade(kv state.KV, plan UpgradePlan, height int64) (UpgradeDone, error) {
	d := UpgradeDone{Name: plan.Name, Height: height, BinarySHA256: slices.Clone(plan.BinarySHA256), ProposalID: plan.ProposalID}
	if err := kv.Delete(UpgradePlanKey()); err != nil {
		return d, err
	}
	return d, core.SetJSON(kv, UpgradeDoneKey(plan.Name), d)
}

// DoneUpgrades returns every UpgradeDone in state, in key order (name
// length, then bytes).
func DoneUpgrades(r state.Reader) ([]UpgradeDone, error) {
	prefix := state.Key(Prefix, tableUpgradeDone)
	it, err := r.Iterator(prefix, state.PrefixEnd(prefix), true)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []UpgradeDone
	for ; it.Valid(); it.Next() {
		var d UpgradeDone
		if err := json.Unmarshal(it.Value(), &d); err != nil {
			return nil, fmt.Errorf("gov: upgrade record under %x does not decode: %w", it.Key(), err)
		}
		out = append(out, d)
	}
	return out, it.Error()
}
