package identity

import (
	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/govchain/govchain/app/core"
)

// accountDetails is the history detail of a link, unlink or key change.
type accountDetails struct {
	Account core.Address `json:"account"`
	Reason  string       `json:"reason,omitempty"`
	NewKey  core.Address `json:"new_key_address,omitzero"`
}

// orgDetails is the history detail of an organisation's registration.
type orgDetails struct {
	Name         string         `json:"name"`
	DocumentHash core.Hash      `json:"document_hash"`
	Accounts     []core.Address `json:"accounts"`
}

// Exec implements core.Msg: the signer must be a civil registrar; the
// person must be alive with fewer than MaxAccounts accounts; the account
// must be unlinked.
func (m LinkAccount) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleCivilRegistrar); err != nil {
		return err
	}
	p, err := getLivingPerson(ctx.KV, m.PersonID)
	if err != nil {
		return err
	}
	if err := requireUnlinked(ctx.KV, m.Account); err != nil {
		return err
	}
	if len(p.Accounts) >= MaxAccounts {
		return core.Wrapf(ErrTooManyAccounts, "person %s has %d", p.ID, len(p.Accounts))
	}
	p.Accounts = insertAddr(p.Accounts, m.Account)
	if err := putLink(ctx, m.Account, OwnerPerson, p.ID); err != nil {
		return err
	}
	if err := personHistory(ctx, p, "link_account", accountDetails{Account: m.Account}); err != nil {
		return err
	}
	if err := putPerson(ctx.KV, p); err != nil {
		return err
	}
	emit(ctx, "link_account", "person_id", p.ID, "account", m.Account.String())
	return nil
}

// Exec implements core.Msg: the signer must be the tax authority; the id
// must be new and every account unlinked.
func (m RegisterOrg) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleTaxAuthority); err != nil {
		return err
	}
	if ok, err := ctx.KV.Has(OrgKey(m.OrgID)); err != nil {
		return err
	} else if ok {
		return core.Wrapf(ErrOrgExists, "organisation %s", m.OrgID)
	}
	for _, a := range m.Accounts {
		if err := requireUnlinked(ctx.KV, a); err != nil {
			return err
		}
	}
	o := &Organisation{
		ID: m.OrgID, Name: m.Name, DocumentHash: m.DocumentHash, Accounts: sortedAddrs(m.Accounts),
		RegisteredBy: ctx.Signer, RegisteredHeight: ctx.Height, RegisteredAt: ctx.BlockTime.UTC(),
	}
	for _, a := range o.Accounts {
		if err := putLink(ctx, a, OwnerOrg, o.ID); err != nil {
			return err
		}
	}
	if err := orgHistory(ctx, o, "register_org", orgDetails{Name: o.Name, DocumentHash: o.DocumentHash, Accounts: o.Accounts}); err != nil {
		return err
	}
	if err := putOrg(ctx.KV, o); err != nil {
		return err
	}
	kv := []string{"org_id", o.ID}
	for _, a := range o.Accounts {
		kv = append(kv, "account", a.String())
	}
	emit(ctx, "register_org", kv...)
	return nil
}

// Exec implements core.Msg: the signer must be the tax authority; the
// organisation must exist with fewer than MaxAccounts accounts; the account
// must be unlinked.
func (m LinkOrgAccount) Exec(ctx *core.Context) error {
	if err := ctx.RequireRole(core.RoleTaxAuthority); err != nil {
		return err
	}
	o, err := getOrg(ctx.KV, m.OrgID)
	if err != nil {
		return err
	}
	if err := requireUnlinked(ctx.KV, m.Account); err != nil {
		return err
	}
	if len(o.Accounts) >= MaxAccounts {
		return core.Wrapf(ErrTooManyAccounts, "organisation %s has %d", o.ID, len(o.Accounts))
	}
	o.Accounts = insertAddr(o.Accounts, m.Account)
	if err := putLink(ctx, m.Account, OwnerOrg, o.ID); err != nil {
		return err
	}
	if err := orgHistory(ctx, o, "link_org_account", accountDetails{Account: m.Account}); err != nil {
		return err
	}
	if err := putOrg(ctx.KV, o); err != nil {
		return err
	}
	emit(ctx, "link_org_account", "org_id", o.ID, "account", m.Account.String())
	return nil
}

// Exec implements core.Msg: the account must be linked; the signer must be
// a civil registrar for a person's account, the tax authority for an
// organisation's. The link is deleted and the owner's history records it.
// A deceased person's accounts stay marked deceased.
func (m UnlinkAccount) Exec(ctx *core.Context) error {
	l, err := getLinked(ctx.KV, m.Account)
	if err != nil {
		return err
	}
	details := accountDetails{Account: m.Account, Reason: m.Reason}
	if l.OwnerKind == OwnerOrg {
		if err := ctx.RequireRole(core.RoleTaxAuthority); err != nil {
			return err
		}
		o, err := getOrg(ctx.KV, l.OwnerID)
		if err != nil {
			return err
		}
		o.Accounts = core.Remove(o.Accounts, m.Account)
		if err := orgHistory(ctx, o, "unlink_account", details); err != nil {
			return err
		}
		if err := putOrg(ctx.KV, o); err != nil {
			return err
		}
	} else {
		if err := ctx.RequireRole(core.RoleCivilRegistrar); err != nil {
			return err
		}
		p, err := getPerson(ctx.KV, l.OwnerID)
		if err != nil {
			return err
		}
		p.Accounts = core.Remove(p.Accounts, m.Account)
		if err := personHistory(ctx, p, "unlink_account", details); err != nil {
			return err
		}
		if err := putPerson(ctx.KV, p); err != nil {
			return err
		}
	}
	if err := ctx.KV.Delete(AccountLinkKey(m.Account)); err != nil {
		return err
	}
	emit(ctx, "unlink_account", ownerAttr(l), l.OwnerID, "account", m.Account.String())
	return nil
}

// ownerAttr is the event attribute naming a link's owner.
func ownerAttr(l *AccountLink) string {
	if l.OwnerKind == OwnerOrg {
		return "org_id"
	}
	return "person_id"
}

// Exec implements core.Msg: the signer is the account whose key changes
// (any account that has signed before may rotate its key). core.RotateKey
// refuses a key that is, or was, in use (core.ErrKeyInUse, core.ErrSameKey).
// If the account is linked, its owner's history records the new key's
// address.
func (m RotateKey) Exec(ctx *core.Context) error {
	pub := ed25519.PubKey(m.NewPubKey)
	if err := core.RotateKey(ctx.KV, ctx.Signer, pub); err != nil {
		return err
	}
	if err := recordKeyChange(ctx, ctx.Signer, pub, "rotate_key", ""); err != nil {
		return err
	}
	emit(ctx, "rotate_key", "account", ctx.Signer.String(), "new_key_address", core.AddressOf(pub).String())
	return nil
}

// recordKeyChange appends a key change of account a to the history of the
// person or organisation it belongs to, if any.
func recordKeyChange(ctx *core.Context, a core.Address, pub ed25519.PubKey, action, reason string) error {
	l, found, err := getLink(ctx.KV, a)
	if err != nil || !found {
		return err
	}
	details := accountDetails{Account: a, Reason: reason, NewKey: core.AddressOf(pub)}
	if l.OwnerKind == OwnerOrg {
		o, err := getOrg(ctx.KV, l.OwnerID)
		if err != nil {
			return err
		}
		if err := orgHistory(ctx, o, action, details); err != nil {
			return err
		}
		return putOrg(ctx.KV, o)
	}
	p, err := getPerson(ctx.KV, l.OwnerID)
	if err != nil {
		return err
	}
	if err := personHistory(ctx, p, action, details); err != nil {
		return err
	}
	return putPerson(ctx.KV, p)
}
