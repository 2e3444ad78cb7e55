// Package identity is the civil registry: persons under pseudonymous
// identifiers, civil events (birth, marriage, divorce, death), the link
// between accounts and the persons or organisations they belong to, key
// rotation and lost-key recovery, and credentials issued by agencies.
//
// The app sees this package only through its Module value (module.go; see
// core.Module). Every message implements core.Msg: Validate is stateless;
// Exec checks authorisation first, refuses with one of the sentinels in
// errors.go (or a core sentinel), and writes only through ctx.KV, so a refused message leaves
// nothing once the caller discards its branch.
//
// # Personal data
//
// The chain never holds personal attributes. A person is known by an
// identifier the civil registry chooses (random-looking, never derived from
// a name or national number), the SHA-256 of the source document (birth
// certificate, registry extract), and salted commitments to attributes:
//
//	commitment = SHA-256(salt || value)
//
// where salt is 32 random bytes chosen by the registry for that one
// attribute and value is the attribute's UTF-8 text in the form the registry
// documents for it (for example "family_name" -> "Dupont", "birth_date" ->
// "1990-05-17"). The registry gives salt and value to the person; the person
// discloses them to a verifier who recomputes the hash and compares it with
// the commitment proven from the chain. Without the salt a commitment
// reveals nothing, not even whether two persons share a value. Attribute
// names are public identifiers ("family_name", "given_names", "birth_date",
// "birth_place", "sex", "nationality", ...), each at most once per person.
//
// # Civil events
//
// A civil_registrar registers existing persons (identity/register_person)
// and births (identity/record_birth, with one or two living parents),
// records marriages and divorces between two living persons, and deaths.
// A death record takes effect across registries in the same transaction:
// every account linked to the person is marked core.StatusDeceased (so it
// can no longer sign: the app refuses its transactions), every active
// credential of the person is revoked, a surviving spouse becomes widowed,
// and the person's land can then move only through land/transfer_inheritance
// certified by a notary (which requires the owner's account to be marked
// deceased).
//
// # Accounts
//
// An account belongs to at most one person or organisation. A
// civil_registrar links accounts to persons (identity/link_account); the
// tax_authority, which keeps the business register, registers organisations
// with their accounts (identity/register_org, identity/link_org_account).
// identity/unlink_account is signed by the same authority that linked.
//
// An account rotates its own key (identity/rotate_key, signed with the
// current key, carrying the new public key); the address, sequence, roles
// and records stay. A lost key is recovered in two steps by two agencies: a
// civil_registrar proposes the recovery of a person's account
// (identity/propose_recovery: new public key, reason, document hash,
// deadline) and an admin of another agency than the one that granted the
// registrar its role approves it (identity/approve_recovery), which rotates
// the key. The account itself (if its key is not lost after all) or the
// proposer may cancel a pending recovery; after the deadline it can only be
// cancelled.
//
// # Credentials
//
// An account with role credential_issuer issues a credential (type, subject
// person, SHA-256 of the claims, valid_from, valid_until) under an id it
// chooses, and it or another issuer of the same agency may revoke it.
// Queries run without a block time, so the stored record carries status
// ("active" or "revoked") and the validity period: a verifier proves
// credential/{id} at height H and compares valid_from and valid_until with
// the time of the header it verified the proof against. A credential is
// valid at that time iff status is active and valid_from <= time <
// valid_until.
//
// This package must never read the wall clock, the environment or files,
// use random numbers or floating point, or iterate a map without sorting:
// every node must compute the same state from the same transactions. Time is
// ctx.BlockTime.
package identity
