package identity

import (
	"fmt"
	"slices"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// EventType is the type of every event this registry emits. Its indexed
// attributes always include action (the message's verb_noun) and signer,
// plus the ids the message touched (person_id, org_id, account,
// credential_id, recovery_id).
const EventType = Name

// emit emits the identity event of one message.
func emit(ctx *core.Context, action string, kv ...string) {
	attrs := append([]string{"action", action, "signer", ctx.Signer.String()}, kv...)
	ctx.Emit(EventType, attrs...)
}

func getPerson(r state.Reader, id string) (*Person, error) {
	return core.Load[Person](r, PersonKey(id), ErrPersonNotFound, "person %s", id)
}

// getLivingPerson reads a person who is not deceased.
func getLivingPerson(r state.Reader, id string) (*Person, error) {
	p, err := getPerson(r, id)
	if err != nil {
		return nil, err
	}
	if p.Status == PersonDeceased {
		return nil, core.Wrapf(ErrPersonDeceased, "person %s", id)
	}
	return p, nil
}

func putPerson(w state.Writer, p *Person) error {
	if p.Commitments == nil {
		p.Commitments = []Commitment{}
	}
	if p.Parents == nil {
		p.Parents = []string{}
	}
	if p.Accounts == nil {
		p.Accounts = []core.Address{}
	}
	return core.SetJSON(w, PersonKey(p.ID), p)
}

func requireNewPerson(r state.Reader, id string) error {
	ok, err := r.Has(PersonKey(id))
	if err != nil {
		return err
	}
	if ok {
		return core.Wrapf(ErrPersonExists, "person %s", id)
	}
	return nil
}

func getOrg(r state.Reader, id string) (*Organisation, error) {
	return core.Load[Organisation](r, OrgKey(id), ErrOrgNotFound, "organisation %s", id)
}

func putOrg(w state.Writer, o *Organisation) error {
	if o.Accounts == nil {
		o.Accounts = []core.Address{}
	}
	return core.SetJSON(w, OrgKey(o.ID), o)
}

// getLink reads an account's link; found is false for an unlinked account.
func getLink(r state.Reader, a core.Address) (*AccountLink, bool, error) {
	var l AccountLink
	found, err := core.GetJSON(r, AccountLinkKey(a), &l)
	return &l, found, err
}

// getLinked reads the link of an account that belongs to someone; an
// unlinked account is ErrAccountNotLinked.
func getLinked(r state.Reader, a core.Address) (*AccountLink, error) {
	return core.Load[AccountLink](r, AccountLinkKey(a), ErrAccountNotLinked, "account %s", a)
}

// requireUnlinked refuses an account that already belongs to someone.
func requireUnlinked(r state.Reader, a core.Address) error {
	l, found, err := getLink(r, a)
	if err != nil {
		return err
	}
	if found {
		return core.Wrapf(ErrAccountLinked, "account %s belongs to %s %s", a, l.OwnerKind, l.OwnerID)
	}
	return nil
}

func putLink(ctx *core.Context, a core.Address, kind, owner string) error {
	return core.SetJSON(ctx.KV, AccountLinkKey(a), AccountLink{
		Account: a, OwnerKind: kind, OwnerID: owner,
		LinkedBy: ctx.Signer, LinkedHeight: ctx.Height, LinkedAt: ctx.BlockTime.UTC(),
	})
}

func getCredential(r state.Reader, id string) (*Credential, error) {
	return core.Load[Credential](r, CredentialKey(id), ErrCredentialNotFound, "credential %s", id)
}

func putCredential(w state.Writer, c *Credential) error {
	return core.SetJSON(w, CredentialKey(c.ID), c)
}

func getPersonCredentials(r state.Reader, personID string) (*PersonCredentials, error) {
	pc := PersonCredentials{PersonID: personID}
	found, err := core.GetJSON(r, PersonCredentialsKey(personID), &pc)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, fmt.Errorf("identity: person %s has no credential index", personID)
	}
	return &pc, nil
}

func getRecovery(r state.Reader, id uint64) (*Recovery, error) {
	return core.Load[Recovery](r, RecoveryKey(id), ErrRecoveryNotFound, "recovery %d", id)
}

func putRecovery(w state.Writer, rc *Recovery) error {
	return core.SetJSON(w, RecoveryKey(rc.ID), rc)
}

// The history appenders add an entry to a record's history and bump its
// count; the caller saves the record.

func personHistory(ctx *core.Context, p *Person, action string, details any) error {
	return ctx.RecordHistory(Prefix, tablePersonHistory, []byte(p.ID), &p.HistoryCount, action, details)
}

func orgHistory(ctx *core.Context, o *Organisation, action string, details any) error {
	return ctx.RecordHistory(Prefix, tableOrgHistory, []byte(o.ID), &o.HistoryCount, action, details)
}

func credentialHistory(ctx *core.Context, c *Credential, action string, details any) error {
	return ctx.RecordHistory(Prefix, tableCredentialHistory, []byte(c.ID), &c.HistoryCount, action, details)
}

func recoveryHistory(ctx *core.Context, rc *Recovery, action string, details any) error {
	return ctx.RecordHistory(Prefix, tableRecoveryHistory, state.Uint64(rc.ID), &rc.HistoryCount, action, details)
}

// grantAgency returns the agency that granted account a the role, or ""
// if it does not hold it.
func grantAgency(r state.Reader, a core.Address, role core.Role) (string, error) {
	var g core.RoleGrant
	if _, err := core.GetJSON(r, core.RoleGrantKey(a, role), &g); err != nil {
		return "", err
	}
	return g.Agency, nil
}

// insertAddr returns a copy of the sorted list with a added.
func insertAddr(list []core.Address, a core.Address) []core.Address {
	out := append(slices.Clone(list), a)
	slices.SortFunc(out, core.Address.Compare)
	return out
}

func sortedAddrs(list []core.Address) []core.Address {
	out := slices.Clone(list)
	slices.SortFunc(out, core.Address.Compare)
	return out
}
