package core

import (
	"fmt"
	"slices"
	"time"

	"github.com/govchain/govchain/state"
)

// Role is a capability an agency grants to an account. Role names are frozen.
type Role string

// The roles of the registries. Which agency may grant which role is set in
// genesis.
const (
	RoleLandRegistrar Role = "land_registrar"
	// RoleImporter posts a legacy dump's rows in batches onto a running
	// chain (module migration); it also needs the registry's own role.
	RoleImporter          Role = "importer"
	RoleNotary            Role = "notary"
	RoleBank              Role = "bank"
	RoleAuditor           Role = "auditor"
	RoleCourt             Role = "court"
	RoleVehicleRegistrar  Role = "vehicle_registrar"
	RoleInspectionStation Role = "inspection_station"
	RoleWorkshop          Role = "workshop"
	RoleInsurer           Role = "insurer"
	RoleCivilRegistrar    Role = "civil_registrar"
	RoleCredentialIssuer  Role = "credential_issuer"
	RoleTaxAuthority      Role = "tax_authority"
	RoleBusiness          Role = "business"
	// RoleDataOfficer is an official who requests restricted data from
	// another agency for the agency that granted the role.
	RoleDataOfficer Role = "data_officer"
	// RoleDataService is the account an agency's data service signs with:
	// record commitments and delivery receipts for the agency that granted
	// the role.
	RoleDataService Role = "data_service"
	// RoleOmbudsman reads and checks access logs on behalf of citizens.
	RoleOmbudsman Role = "ombudsman"
	// RoleTreasury marks benefit payment orders paid with the bank
	// reference of the transfer (module benefits).
	RoleTreasury Role = "treasury"
)

// Roles lists every role in sorted order.
var Roles = []Role{
	RoleAuditor, RoleBank, RoleBusiness, RoleCivilRegistrar, RoleCourt,
	RoleCredentialIssuer, RoleDataOfficer, RoleDataService, RoleImporter, RoleInspectionStation,
	RoleInsurer, RoleLandRegistrar, RoleNotary, RoleOmbudsman, RoleTaxAuthority,
	RoleTreasury, RoleVehicleRegistrar, RoleWorkshop,
}

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool { _, ok := slices.BinarySearch(Roles, r); return ok }

// Key prefixes of the core tables: the first byte of every key core owns
// (see state.Key). Modules take other bytes (core.Module's Prefix); a byte
// once used is never reused.
const (
	PrefixMeta    byte = 0x01 // chain parameters and the last block's info
	PrefixAccount byte = 0x02 // accounts: public key and sequence
	PrefixAgency  byte = 0x03 // agencies (ministries) and their admins; the agency module's prefix
	PrefixRole    byte = 0x04 // role policy and role assignments
)

// CorePrefixes lists the key prefixes that belong to no module, which no
// module may take. PrefixAgency is the agency module's (it answers the
// agency queries and changes agencies and roles by message), though every
// module reads it through core's admin checks.
var CorePrefixes = []byte{PrefixMeta, PrefixAccount, PrefixRole}

// Tables under PrefixAccount, PrefixAgency and PrefixRole.
const (
	tableAccount     byte = 0x01 // address -> Account
	tableAgency      byte = 0x01 // agency id -> Agency
	tableAgencyAdmin byte = 0x02 // admin address -> agency id
	tableAgencySet   byte = 0x03 // the ids of the member agencies
	tableRolePolicy  byte = 0x01 // role -> RolePolicy
	tableRoleGrant   byte = 0x02 // address, role -> RoleGrant
	tableRoleHistory byte = 0x03 // address, seq -> HistoryEntry
	tableRoleAccount byte = 0x04 // address -> RoleAccount (history count)
)

// Account is an account's public key and next sequence number. It is
// created the first time the account signs a transaction.
type Account struct {
	Address  Address  `json:"address"`
	PubKey   HexBytes `json:"pub_key"`
	Sequence uint64   `json:"sequence"`
}

// AccountKey is the store key of an account.
func AccountKey(a Address) []byte { return state.Key(PrefixAccount, tableAccount, a[:]) }

// GetAccount reads an account; a missing account is returned with sequence
// 0 and found false.
func GetAccount(r state.Reader, a Address) (Account, bool, error) {
	key := AccountKey(a)
	b, err := r.Get(key)
	if err != nil {
		return Account{Address: a}, false, err
	}
	if b == nil {
		return Account{Address: a}, false, nil
	}
	var acc Account
	if decodeAccountJSON(b, &acc) {
		return acc, true, nil
	}
	return acc, true, decodeStored(key, b, &acc)
}

// SetAccount writes an account (the bytes SetJSON would write).
func SetAccount(w state.Writer, acc Account) error {
	return w.Set(AccountKey(acc.Address), appendAccountJSON(make([]byte, 0, 160), acc))
}

// Validator is an agency's CometBFT validator: its ed25519 consensus public
// key (32 bytes, hex) and voting power.
type Validator struct {
	PubKey HexBytes `json:"pub_key"`
	Power  int64    `json:"power"`
}

// Agency is a ministry taking part in the network.
type Agency struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Validator Validator `json:"validator"`
	Admins    []Address `json:"admins"`
}

// AgencyKey is the store key of an agency.
func AgencyKey(id string) []byte {
	return state.Key(PrefixAgency, tableAgency, []byte(id))
}

// AgencyAdminKey is the store key naming the agency an address administers.
func AgencyAdminKey(a Address) []byte {
	return state.Key(PrefixAgency, tableAgencyAdmin, a[:])
}

// AgenciesPrefix is the key prefix under which every agency is stored.
func AgenciesPrefix() []byte { return state.Key(PrefixAgency, tableAgency) }

// GetAgency reads an agency.
func GetAgency(r state.Reader, id string) (Agency, bool, error) {
	var ag Agency
	found, err := GetJSON(r, AgencyKey(id), &ag)
	return ag, found, err
}

// AdminAgency returns the id of the agency that a administers, or "" if
// a is no agency's admin.
func AdminAgency(r state.Reader, a Address) (string, error) {
	b, err := r.Get(AgencyAdminKey(a))
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// RolePolicy names the agencies that may grant a role, sorted.
type RolePolicy struct {
	Role     Role     `json:"role"`
	Agencies []string `json:"agencies"`
}

// RolePolicyKey is the store key of a role's policy.
func RolePolicyKey(r Role) []byte {
	return state.Key(PrefixRole, tableRolePolicy, []byte(r))
}

// GetRolePolicy reads the policy of a role (empty if no agency may grant it).
func GetRolePolicy(r state.Reader, role Role) (RolePolicy, error) {
	p := RolePolicy{Role: role}
	_, err := GetJSON(r, RolePolicyKey(role), &p)
	return p, err
}

// RoleGrant records that an agency granted a role to an account.
type RoleGrant struct {
	Account Address   `json:"account"`
	Role    Role      `json:"role"`
	Agency  string    `json:"agency"`
	Height  int64     `json:"height"`
	Time    time.Time `json:"time"`
}

// RoleGrantKey is the store key of an account's grant of one role.
func RoleGrantKey(a Address, role Role) []byte {
	return state.Key(PrefixRole, tableRoleGrant, a[:], []byte(role))
}

// RoleGrantsPrefix is the key prefix of all of an account's grants.
func RoleGrantsPrefix(a Address) []byte {
	return state.Key(PrefixRole, tableRoleGrant, a[:])
}

// RoleAccount is the provable summary of an account's roles: the roles it
// holds now (sorted) and how many role history entries it has.
type RoleAccount struct {
	Account      Address `json:"account"`
	Roles        []Role  `json:"roles"`
	HistoryCount uint64  `json:"history_count"`
}

// RoleAccountKey is the key of an account's role-history counter.
func RoleAccountKey(a Address) []byte {
	return state.Key(PrefixRole, tableRoleAccount, a[:])
}

// RoleHistoryTable is the table (under PrefixRole) of role history
// entries, keyed by address and sequence.
const RoleHistoryTable = tableRoleHistory

// HasRole reports whether account a currently holds role.
func HasRole(r state.Reader, a Address, role Role) (bool, error) {
	return r.Has(RoleGrantKey(a, role))
}

// RequireRole refuses (ErrMissingRole) unless the signer holds one of the
// roles. Roles are read from ctx.KV, so a revocation takes effect from the
// next transaction.
func (c *Context) RequireRole(roles ...Role) error {
	for _, role := range roles {
		ok, err := HasRole(c.KV, c.Signer, role)
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
	}
	return Wrapf(ErrMissingRole, "account %s needs role %s", c.Signer, joinRoles(roles))
}

// RoleAgency returns the agency that granted the signer role: the agency
// a holder of a role such as RoleDataOfficer acts for. It refuses
// (ErrMissingRole) a signer who does not hold role.
func (c *Context) RoleAgency(role Role) (string, error) {
	var g RoleGrant
	found, err := GetJSON(c.KV, RoleGrantKey(c.Signer, role), &g)
	if err != nil {
		return "", err
	}
	if !found {
		return "", Wrapf(ErrMissingRole, "account %s needs role %s", c.Signer, role)
	}
	return g.Agency, nil
}

// RequireAgencyAdmin returns the agency the signer administers, or
// refuses (ErrNotAgencyAdmin) a signer who administers none.
func (c *Context) RequireAgencyAdmin() (string, error) {
	id, err := AdminAgency(c.KV, c.Signer)
	if err != nil {
		return "", err
	}
	if id == "" {
		return "", Wrapf(ErrNotAgencyAdmin, "%s is no agency's admin", c.Signer)
	}
	return id, nil
}

func joinRoles(roles []Role) string {
	s := ""
	for i, r := range roles {
		if i > 0 {
			s += " or "
		}
		s += string(r)
	}
	return s
}

// HasValidator reports whether the agency runs a validator. An agency
// without one takes part in role grants and, later, governance, but not in
// consensus.
func (ag Agency) HasValidator() bool { return len(ag.Validator.PubKey) > 0 }

// Validate checks an agency definition statelessly.
func (ag Agency) Validate() error {
	if err := ValidateID("agency id", ag.ID); err != nil {
		return err
	}
	if ag.Name == "" || len(ag.Name) > 200 {
		return Wrapf(ErrInvalid, "agency %s: name must be 1-200 bytes", ag.ID)
	}
	if ag.HasValidator() {
		if len(ag.Validator.PubKey) != 32 {
			return Wrapf(ErrInvalid, "agency %s: validator pub_key must be 32 bytes", ag.ID)
		}
		if ag.Validator.Power <= 0 {
			return Wrapf(ErrInvalid, "agency %s: validator power must be positive", ag.ID)
		}
	} else if ag.Validator.Power != 0 {
		return Wrapf(ErrInvalid, "agency %s: validator power without a pub_key", ag.ID)
	}
	if len(ag.Admins) == 0 {
		return Wrapf(ErrInvalid, "agency %s: needs at least one admin", ag.ID)
	}
	for _, a := range ag.Admins {
		if a.IsZero() {
			return Wrapf(ErrInvalid, "agency %s: zero admin address", ag.ID)
		}
	}
	return nil
}

// ValidateID checks an identifier (agency id, parcel id, ...): 1-64 bytes of
// letters, digits and - _ . : /-free punctuation, so it can stand in a query
// path and a key part.
func ValidateID(what, id string) error {
	if len(id) == 0 || len(id) > 64 {
		return Wrapf(ErrInvalid, "%s must be 1-64 characters, got %d", what, len(id))
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == ':'
		if !ok {
			return Wrapf(ErrInvalid, "%s %q: only letters, digits and - _ . : are allowed", what, id)
		}
	}
	return nil
}

// Printable reports whether s is valid text of at most max bytes with no
// control characters, for free-text fields.
func Printable(s string, max int) error {
	if len(s) > max {
		return fmt.Errorf("longer than %d bytes", max)
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0xfffd {
			return fmt.Errorf("contains a control or invalid character")
		}
	}
	return nil
}

// ChainInfoKey is the store key of the chain information record (chain id,
// parameters, member agency ids), written at genesis.
func ChainInfoKey() []byte { return state.Key(PrefixMeta, 0x01) }

// AgencySet lists the member agencies' ids, sorted. It anchors the agency
// list: an answer listing agencies is complete when it holds one record per
// id here.
type AgencySet struct {
	AgencyIDs []string `json:"agency_ids"`
}

// AgencySetKey is the store key of the AgencySet record.
func AgencySetKey() []byte { return state.Key(PrefixAgency, tableAgencySet) }

// GetAgencySet reads the member agencies' ids.
func GetAgencySet(r state.Reader) (AgencySet, error) {
	var s AgencySet
	_, err := GetJSON(r, AgencySetKey(), &s)
	return s, err
}

// SetAgencySet writes the member agencies' ids, sorted and never nil.
func SetAgencySet(w state.Writer, s AgencySet) error {
	ids := slices.Clone(s.AgencyIDs)
	if ids == nil {
		ids = []string{}
	}
	slices.Sort(ids)
	return SetJSON(w, AgencySetKey(), AgencySet{AgencyIDs: ids})
}
