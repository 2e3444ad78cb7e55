package identity

import (
	"crypto/sha256"
	"strconv"
	"testing"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/state"
)

// commit computes a commitment the way a registry does: SHA-256(salt ||
// value).
func commit(salt, value string) core.Hash { return sha256.Sum256([]byte(salt + value)) }

func commitments(seed string) []Commitment {
	return []Commitment{
		{Attribute: "birth_date", Commitment: commit("salt-1-"+seed, "1990-05-17")},
		{Attribute: "family_name", Commitment: commit("salt-2-"+seed, "Dupont")},
	}
}

func pubKey(seed string) ed25519.PubKey {
	return ed25519.GenPrivKeyFromSecret([]byte(seed)).PubKey().(ed25519.PubKey)
}

// env is a chain of one-transaction blocks over a MemKV: each message runs
// Validate, then Exec on a state.Branch that is written only on success.
type env struct {
	*coretest.Env
}

func newEnv(t *testing.T) *env {
	return &env{Env: coretest.NewEnv(t)}
}

// grantFrom grants a role to a from a named agency.
func (e *env) grantFrom(a core.Address, r core.Role, agency string) {
	require.NoError(e.T, core.SetJSON(e.KV, core.RoleGrantKey(a, r), core.RoleGrant{Account: a, Role: r, Agency: agency}))
}

// admin makes a an admin of agency.
func (e *env) admin(a core.Address, agency string) {
	require.NoError(e.T, e.KV.Set(core.AgencyAdminKey(a), []byte(agency)))
}

// signed creates the account record of a key that has signed (as the app
// does on its first transaction) and returns its address.
func (e *env) signed(seed string) core.Address {
	pub := pubKey(seed)
	a := core.AddressOf(pub)
	require.NoError(e.T, core.SetAccount(e.KV, core.Account{Address: a, PubKey: core.HexBytes(pub), Sequence: 1}))
	return a
}

func (e *env) person(id string) Person         { return coretest.Read(e.T, getPerson, e.KV, id) }
func (e *env) credential(id string) Credential { return coretest.Read(e.T, getCredential, e.KV, id) }
func (e *env) recovery(id uint64) Recovery     { return coretest.Read(e.T, getRecovery, e.KV, id) }

func (e *env) status(a core.Address) (core.AccountStatus, bool) {
	st, found, err := core.GetAccountStatus(e.KV, a)
	require.NoError(e.T, err)
	return st, found
}

// history returns the actions of the history of a person, org,
// credential or recovery (kind) with the id, via Query, checking that the
// answer holds the record and exactly history_count entries under their
// keys.
func (e *env) history(kind, id string) []string {
	keyOf := map[string]func(uint64) []byte{
		"person":     func(s uint64) []byte { return PersonHistoryKey(id, s) },
		"org":        func(s uint64) []byte { return OrgHistoryKey(id, s) },
		"credential": func(s uint64) []byte { return CredentialHistoryKey(id, s) },
		"recovery": func(s uint64) []byte {
			n, err := strconv.ParseUint(id, 10, 64)
			require.NoError(e.T, err)
			return RecoveryHistoryKey(n, s)
		},
	}[kind]
	require.NotNil(e.T, keyOf, "no history of %s", kind)
	return coretest.Actions(coretest.History(e.T, boundQuery, e.KV, []string{kind, id, "history"}, keyOf))
}

// attr returns every value of an attribute of the first identity event.
func attr(t *testing.T, evs []core.Event, key string) []string {
	return coretest.Attrs(t, evs, 0, EventType, key)
}

func registerMsg(id string) RegisterPerson {
	return RegisterPerson{PersonID: id, DocumentHash: coretest.HashOf("extract " + id), Commitments: commitments(id)}
}

func birthMsg(id string, parents ...string) RecordBirth {
	return RecordBirth{PersonID: id, ParentIDs: parents, DocumentHash: coretest.HashOf("birth " + id), Commitments: commitments(id)}
}

// cast holds the accounts of the tests.
type cast struct {
	registrar, registrar2, issuer, issuer2, otherIssuer, tax core.Address
	adminCivil, adminTransport                               core.Address
}

func newCast(e *env) cast {
	c := cast{
		registrar:      e.Account("registrar"),
		registrar2:     e.Account("registrar2"),
		issuer:         e.Account("issuer"),
		issuer2:        e.Account("issuer2"),
		otherIssuer:    e.Account("other-issuer"),
		tax:            e.Account("tax", core.RoleTaxAuthority),
		adminCivil:     e.Account("admin-interior"),
		adminTransport: e.Account("admin-transport"),
	}
	e.grantFrom(c.registrar, core.RoleCivilRegistrar, "interior")
	e.grantFrom(c.registrar2, core.RoleCivilRegistrar, "interior")
	e.grantFrom(c.issuer, core.RoleCredentialIssuer, "transport")
	e.grantFrom(c.issuer2, core.RoleCredentialIssuer, "transport")
	e.grantFrom(c.otherIssuer, core.RoleCredentialIssuer, "health")
	e.admin(c.adminCivil, "interior")
	e.admin(c.adminTransport, "transport")
	return c
}

// boundQuery is coretest.BoundQuery on this module.
func boundQuery(t testing.TB, r state.Reader, path []string) (*core.QueryResult, error) {
	t.Helper()
	return coretest.BoundQuery(t, Module, r, path)
}
