package coretest

import (
	"crypto/sha256"
	"time"

	dbm "github.com/cosmos/cosmos-db"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// MemKV is an in-memory state.KV backed by cosmos-db's MemDB (sorted,
// deterministic iteration). It is not a Merkle tree and has no versions.
type MemKV struct{ db *dbm.MemDB }

// NewMemKV returns an empty MemKV.
func NewMemKV() *MemKV { return &MemKV{db: dbm.NewMemDB()} }

// Get implements state.Reader.
func (m *MemKV) Get(key []byte) ([]byte, error) { return m.db.Get(key) }

// Has implements state.Reader.
func (m *MemKV) Has(key []byte) (bool, error) { return m.db.Has(key) }

// Iterator implements state.Reader.
func (m *MemKV) Iterator(start, end []byte, ascending bool) (state.Iterator, error) {
	if ascending {
		return m.db.Iterator(start, end)
	}
	return m.db.ReverseIterator(start, end)
}

// Set implements state.Writer.
func (m *MemKV) Set(key, value []byte) error { return m.db.Set(key, value) }

// Delete implements state.Writer.
func (m *MemKV) Delete(key []byte) error { return m.db.Delete(key) }

// T0 is the block time of height 0 in Context: block h is T0 + h seconds.
var T0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// BlockTime is the block time of height h in Context.
func BlockTime(h int64) time.Time { return T0.Add(time.Duration(h) * time.Second) }

// HashOf is the SHA-256 of s: a test document's hash.
func HashOf(s string) core.Hash { return sha256.Sum256([]byte(s)) }

// Context returns a Context over kv for a transaction signed by signer at
// height, with block time BlockTime(height) and a tx hash derived from the
// height and signer, so tests are deterministic.
func Context(kv state.KV, signer core.Address, height int64) *core.Context {
	h := sha256.Sum256(append(signer[:], byte(height), byte(height>>8)))
	return &core.Context{
		KV:        kv,
		ChainID:   "test-chain",
		Height:    height,
		BlockTime: BlockTime(height),
		TxHash:    h[:],
		Signer:    signer,
	}
}

// Address returns a deterministic test address derived from a name.
func Address(name string) core.Address {
	var a core.Address
	h := sha256.Sum256([]byte(name))
	copy(a[:], h[:])
	return a
}

// Grant writes a role grant for account directly (bypassing the agency
// message), for tests that need role holders; the granting agency is
// "test-agency".
func Grant(kv state.KV, account core.Address, role core.Role) error {
	return GrantFor(kv, account, role, "test-agency")
}

// GrantFor is Grant by the given agency: the agency a holder of role acts
// for (core.Context.RoleAgency).
func GrantFor(kv state.KV, account core.Address, role core.Role, agency string) error {
	return core.SetJSON(kv, core.RoleGrantKey(account, role), core.RoleGrant{Account: account, Role: role, Agency: agency})
}
