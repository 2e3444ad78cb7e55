package upgrade

import (
	"errors"
	"fmt"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/gov"
	"github.com/govchain/govchain/state"
)

// Errors that stop the node. None is a transaction error: they are
// returned by the app's FinalizeBlock (and New), which then writes nothing.
var (
	// ErrUpgradeNeeded: a scheduled upgrade's height is reached and this
	// binary does not carry it.
	ErrUpgradeNeeded = errors.New("upgrade: UPGRADE NEEDED")
	// ErrMigrationFailed: the upgrade's migration returned an error or
	// panicked; nothing was written.
	ErrMigrationFailed = errors.New("upgrade: migration failed")
	// ErrBinaryTooOld: the state records an upgrade this binary does not
	// carry.
	ErrBinaryTooOld = errors.New("upgrade: binary too old for this state")
	// ErrMissedUpgrade: the state holds a plan whose height is already
	// past (a state no correct chain reaches).
	ErrMissedUpgrade = errors.New("upgrade: scheduled upgrade was not run at its height")
)

// Stops reports whether err is one of this package's reasons for a node
// to stop (ErrUpgradeNeeded, ErrMigrationFailed, ErrBinaryTooOld,
// ErrMissedUpgrade): the node must exit, and an operator act, before the
// chain can go on.
func Stops(err error) bool {
	for _, s := range []error{ErrUpgradeNeeded, ErrMigrationFailed, ErrBinaryTooOld, ErrMissedUpgrade} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// Upgrade is one named upgrade a binary carries.
type Upgrade struct {
	// Name is the name the agencies schedule it by (gov.ValidUpgradeName).
	Name string
	// Migrate changes the state at the start of block height, before
	// the block's transactions. It must be deterministic; an error (or a
	// panic) stops the node with nothing written.
	Migrate func(kv state.KV, height int64) error
}

// Registry is the upgrades a binary carries, oldest first.
type Registry []Upgrade

// Lookup returns the upgrade called name.
func (r Registry) Lookup(name string) (Upgrade, bool) {
	for _, u := range r {
		if u.Name == name {
			return u, true
		}
	}
	return Upgrade{}, false
}

// Validate checks that every name is valid and unique and every upgrade
// has a migration.
func (r Registry) Validate() error {
	for i, u := range r {
		if err := gov.ValidUpgradeName(u.Name); err != nil {
			return fmt.Errorf("upgrade: registry entry %d: %w", i, err)
		}
		if u.Migrate == nil {
			return fmt.Errorf("upgrade: %q has no migration", u.Name)
		}
		if _, dup := r[:i].Lookup(u.Name); dup {
			return fmt.Errorf("upgrade: %q is registered twice", u.Name)
		}
	}
	return nil
}

// Carried is the registry of this binary (see the package doc): the
// build decides it (carried_*.go).
func Carried() Registry { return carried }

// Done reports whether upgrade name has run in the state r: the condition
// of every rule the upgrade brings.
func Done(r state.Reader, name string) (bool, error) {
	return r.Has(gov.UpgradeDoneKey(name))
}

// CheckState refuses a state that records an upgrade reg does not carry
// (ErrBinaryTooOld), naming the binary to run instead.
func CheckState(r state.Reader, reg Registry) error {
	done, err := gov.DoneUpgrades(r)
	if err != nil {
		return err
	}
	for _, d := range done {
		if _, ok := reg.Lookup(d.Name); !ok {
			return fmt.Errorf("%w: the state was upgraded by %q at height %d (proposal %d), which this binary does not carry;"+
				" it must not execute this state: stop it and run the binary whose SHA-256 is %x, or a later one that carries %q",
				ErrBinaryTooOld, d.Name, d.Height, d.ProposalID, []byte(d.BinarySHA256), d.Name)
		}
	}
	return nil
}

// Begin is what the app does at the start of block height, before it
// writes anything of the block: it refuses a state this binary is too old
// for (CheckState) and, if the scheduled upgrade's height is height, runs
// its migration and records it (see the package doc). It returns the
// record of the upgrade it ran, or nil. On any error nothing was written
// to kv and the node must stop.
func Begin(kv state.KV, height int64, reg Registry) (*gov.UpgradeDone, error) {
	if err := CheckState(kv, reg); err != nil {
		return nil, err
	}
	plan, found, err := gov.GetUpgradePlan(kv)
	if err != nil || !found || plan.Height > height {
		return nil, err
	}
	if plan.Height < height {
		return nil, fmt.Errorf("%w: %q was scheduled at height %d and block %d is next", ErrMissedUpgrade, plan.Name, plan.Height, height)
	}
	u, ok := reg.Lookup(plan.Name)
	if !ok {
		notes := ""
		if plan.Notes != "" {
			notes = "; notes: " + plan.Notes
		}
		return nil, fmt.Errorf("%w: the agencies scheduled upgrade %q at height %d (proposal %d) and this binary does not carry it;"+
			" the node stops before executing block %d and writes nothing: install the binary whose SHA-256 is %x and start the node again%s",
			ErrUpgradeNeeded, plan.Name, plan.Height, plan.ProposalID, height, []byte(plan.BinarySHA256), notes)
	}
	br := state.NewBranch(kv)
	if err := migrate(u, br, height); err != nil {
		br.Discard()
		return nil, fmt.Errorf("%w: %q at height %d: %v; nothing was written: the node stops (fix the binary, or the agencies cancel or reschedule the upgrade and run the previous binary)",
			ErrMigrationFailed, u.Name, height, err)
	}
	done, err := gov.CompleteUpgrade(br, plan, height)
	if err != nil {
		br.Discard()
		return nil, err
	}
	if err := br.Write(); err != nil {
		return nil, err
	}
	return &done, nil
}

// migrate runs u's migration, turning a panic into an error.
func migrate(u Upgrade, kv state.KV, height int64) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("migration panicked: %v", r)
		}
	}()
	return u.Migrate(kv, height)
}

// Event is the block event of an upgrade that ran.
func Event(d *gov.UpgradeDone) core.Event {
	return core.Event{Type: "upgrade", Attrs: []core.Attr{
		{Key: "name", Value: d.Name, Index: true},
		{Key: "height", Value: fmt.Sprint(d.Height), Index: true},
		{Key: "proposal_id", Value: fmt.Sprint(d.ProposalID), Index: true},
	}}
}
