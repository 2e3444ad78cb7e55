package identity

import (
	"crypto/sha256"
	"encoding/json"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/core/coretest"
	"github.com/govchain/govchain/state"
)

// t0 is the block time of height 0 in coretest.Context.
var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func blockTime(h int64) time.Time { return t0.Add(time.Duration(h) * time.Second) }

func hashOf(s string) core.Hash { return sha256.Sum256([]byte(s)) }

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

func (e *env) person(id string) Person {
	p, err := getPerson(e.KV, id)
	require.NoError(e.T, err)
	return *p
}

func (e *env) credential(id string) Credential {
	c, err := getCredential(e.KV, id)
	require.NoError(e.T, err)
	return *c
}

func (e *env) recovery(id uint64) Recovery {
	rc, err := getRecovery(e.KV, id)
	require.NoError(e.T, err)
	return *rc
}

func (e *env) status(a core.Address) (core.AccountStatus, bool) {
	st, found, err := core.GetAccountStatus(e.KV, a)
	require.NoError(e.T, err)
	return st, found
}

// history returns the actions of a record's history, via Query, checking
// that the answer holds the anchor and exactly history_count entries.
func (e *env) history(path ...string) []string {
	res, err := boundQuery(e.T, e.KV, append(path, "history"))
	require.NoError(e.T, err)
	var anchor struct {
		HistoryCount uint64 `json:"history_count"`
	}
	require.NoError(e.T, json.Unmarshal(res.Entries[0].Value, &anchor))
	require.Equal(e.T, res.Key, res.Entries[0].Key)
	require.Len(e.T, res.Entries, int(anchor.HistoryCount)+1)
	var actions []string
	for i, kv := range res.Entries[1:] {
		var h core.HistoryEntry
		require.NoError(e.T, json.Unmarshal(kv.Value, &h))
		require.Equal(e.T, uint64(i), h.Seq)
		actions = append(actions, h.Action)
	}
	return actions
}

// attr returns every value of an attribute of the first identity event.
func attr(t *testing.T, evs []core.Event, key string) []string {
	require.NotEmpty(t, evs)
	require.Equal(t, EventType, evs[0].Type)
	var vals []string
	for _, a := range evs[0].Attrs {
		require.True(t, a.Index)
		if a.Key == key {
			vals = append(vals, a.Value)
		}
	}
	return vals
}

func registerMsg(id string) RegisterPerson {
	return RegisterPerson{PersonID: id, DocumentHash: hashOf("extract " + id), Commitments: commitments(id)}
}

func birthMsg(id string, parents ...string) RecordBirth {
	return RecordBirth{PersonID: id, ParentIDs: parents, DocumentHash: hashOf("birth " + id), Commitments: commitments(id)}
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
