package app

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/store"
)

// testChain drives an App the way CometBFT does: InitChain, then
// FinalizeBlock and Commit per block, with CheckTx and Query in between.
type testChain struct {
	t       testing.TB
	app     *App
	store   state.Store
	chainID string
	height  int64
	time    time.Time
	keys    map[string]ed25519.PrivKey
	seq     map[core.Address]uint64
	hashes  []string // app hash after each block, from height 1
}

// Named test identities. Admins administer the agencies; the others get
// roles in genesis.
var testNames = []string{"admin-justice", "admin-finance", "registrar", "notary", "bank", "court", "auditor",
	"vreg", "inspector", "shop", "employer", "civil", "issuer", "officer", "datasvc", "alice", "bob", "carol", "dave"}

func testGenesis(keys map[string]ed25519.PrivKey) *Genesis {
	addr := func(n string) core.Address { return core.AddressOf(keys[n].PubKey().(ed25519.PubKey)) }
	return &Genesis{
		Params: DefaultParams(),
		Agencies: []core.Agency{
			{ID: "justice", Name: "Ministry of Justice", Validator: core.Validator{PubKey: core.HexBytes(testKey("val-justice").PubKey().Bytes()), Power: 10}, Admins: []core.Address{addr("admin-justice")}},
			{ID: "finance", Name: "Ministry of Finance", Admins: []core.Address{addr("admin-finance")}},
		},
		RolePolicy: []core.RolePolicy{
			{Role: core.RoleLandRegistrar, Agencies: []string{"justice"}},
			{Role: core.RoleNotary, Agencies: []string{"justice"}},
			{Role: core.RoleCourt, Agencies: []string{"justice"}},
			{Role: core.RoleBank, Agencies: []string{"finance"}},
			{Role: core.RoleAuditor, Agencies: []string{"finance", "justice"}},
			{Role: core.RoleVehicleRegistrar, Agencies: []string{"justice"}},
			{Role: core.RoleInspectionStation, Agencies: []string{"justice"}},
			{Role: core.RoleBusiness, Agencies: []string{"finance"}},
			{Role: core.RoleCivilRegistrar, Agencies: []string{"justice"}},
			{Role: core.RoleCredentialIssuer, Agencies: []string{"justice"}},
			{Role: core.RoleDataOfficer, Agencies: []string{"finance", "justice"}},
			{Role: core.RoleDataService, Agencies: []string{"finance", "justice"}},
		},
		Roles: []GenesisRole{
			{Account: addr("registrar"), Role: core.RoleLandRegistrar, Agency: "justice"},
			{Account: addr("notary"), Role: core.RoleNotary, Agency: "justice"},
			{Account: addr("court"), Role: core.RoleCourt, Agency: "justice"},
			{Account: addr("bank"), Role: core.RoleBank, Agency: "finance"},
			{Account: addr("auditor"), Role: core.RoleAuditor, Agency: "finance"},
			{Account: addr("vreg"), Role: core.RoleVehicleRegistrar, Agency: "justice"},
			{Account: addr("inspector"), Role: core.RoleInspectionStation, Agency: "justice"},
			{Account: addr("shop"), Role: core.RoleBusiness, Agency: "finance"},
			{Account: addr("employer"), Role: core.RoleBusiness, Agency: "finance"},
			{Account: addr("civil"), Role: core.RoleCivilRegistrar, Agency: "justice"},
			{Account: addr("issuer"), Role: core.RoleCredentialIssuer, Agency: "justice"},
			{Account: addr("officer"), Role: core.RoleDataOfficer, Agency: "justice"},
			{Account: addr("datasvc"), Role: core.RoleDataService, Agency: "finance"},
		},
	}
}

func newTestChain(t testing.TB, engine string, dir string) *testChain {
	t.Helper()
	return newTestChainWith(t, engine, dir, nil)
}

// newTestChainWith is newTestChain with a chance to change the genesis
// (given the chain's keys) before InitChain.
func newTestChainWith(t testing.TB, engine string, dir string, mutate func(*testChain, *Genesis)) *testChain {
	t.Helper()
	cfg := state.DefaultConfig()
	cfg.Engine = engine
	st, err := store.Open(dir, cfg)
	require.NoError(t, err)
	return newTestChainOn(t, st, mutate)
}

// newTestChainOn is newTestChainWith on a store the caller opened (and
// may have wrapped); the chain closes it at the end of the test.
func newTestChainOn(t testing.TB, st state.Store, mutate func(*testChain, *Genesis)) *testChain {
	t.Helper()
	a, err := New(st)
	require.NoError(t, err)
	c := &testChain{t: t, app: a, store: st, chainID: "test-chain", time: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
		keys: map[string]ed25519.PrivKey{}, seq: map[core.Address]uint64{}}
	for _, n := range testNames {
		c.keys[n] = testKey(n)
	}
	gen := testGenesis(c.keys)
	if mutate != nil {
		mutate(c, gen)
	}
	g, err := json.Marshal(gen)
	require.NoError(t, err)
	_, vals, err := a.InitChain(c.chainID, c.time, 1, g)
	require.NoError(t, err)
	require.NotEmpty(t, vals)
	t.Cleanup(func() { _ = a.Close() })
	return c
}

func (c *testChain) addr(name string) core.Address {
	return core.AddressOf(c.keys[name].PubKey().(ed25519.PubKey))
}

// sign builds a transaction from name with its next sequence, counting it
// as used.
func (c *testChain) sign(name string, m core.Msg) []byte {
	c.t.Helper()
	a := c.addr(name)
	raw, err := NewTx(c.chainID, c.keys[name], c.seq[a], m)
	require.NoError(c.t, err)
	c.seq[a]++
	return raw
}

// block finalizes and commits one block of transactions ten seconds after
// the previous one.
func (c *testChain) block(txs ...[]byte) []TxResult {
	c.t.Helper()
	c.height++
	c.time = c.time.Add(10 * time.Second)
	block, err := c.app.FinalizeBlock(c.height, c.time, txs)
	require.NoError(c.t, err)
	res, hash := block.Txs, block.AppHash
	v, err := c.app.Commit()
	require.NoError(c.t, err)
	require.Equal(c.t, c.height, v)
	_, last := c.app.Info()
	require.Equal(c.t, hash, last)
	c.hashes = append(c.hashes, fmt.Sprintf("%X", hash))
	return res
}

// exec runs one message from name in its own block and returns its error.
func (c *testChain) exec(name string, m core.Msg) error {
	c.t.Helper()
	return c.block(c.sign(name, m))[0].Err
}

// mustExec runs one message and requires success.
func (c *testChain) mustExec(name string, m core.Msg) TxResult {
	c.t.Helper()
	r := c.block(c.sign(name, m))[0]
	require.NoError(c.t, r.Err, "%s by %s", m.Type(), name)
	return r
}

// query runs a proven query and checks every proof against the committed
// root.
func (c *testChain) query(path string) QueryResponse {
	c.t.Helper()
	r := c.app.Query(path, 0, true)
	root := c.store.LastHash()
	for i, p := range r.Proofs {
		if !p.Exists {
			require.NoError(c.t, state.VerifyAbsence(root, p.Proof, p.Key))
			continue
		}
		val := r.Value
		if r.Entries != nil {
			val = r.Entries[i].Value
			require.Equal(c.t, r.Entries[i].Key, p.Key)
		}
		require.NoError(c.t, state.VerifyExistence(root, p.Proof, p.Key, val))
	}
	return r
}
