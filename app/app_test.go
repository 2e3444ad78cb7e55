package app

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"slices"
	"testing"

	"github.com/cometbft/cometbft/crypto/ed25519"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/gov"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/notary"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/store"
)

func TestGenesisValidate(t *testing.T) {
	base := func() *Genesis {
		c := map[string]ed25519.PrivKey{}
		for _, n := range testNames {
			c[n] = testKey(n)
		}
		return testGenesis(c)
	}
	require.NoError(t, base().Validate())
	cases := map[string]func(g *Genesis){
		"no agencies":           func(g *Genesis) { g.Agencies = nil },
		"duplicate agency":      func(g *Genesis) { g.Agencies = append(g.Agencies, g.Agencies[0]) },
		"no validator":          func(g *Genesis) { g.Agencies = g.Agencies[1:] },
		"shared admin":          func(g *Genesis) { g.Agencies[1].Admins = g.Agencies[0].Admins },
		"bad agency id":         func(g *Genesis) { g.Agencies[0].ID = "a b" },
		"power without key":     func(g *Genesis) { g.Agencies[1].Validator.Power = 5 },
		"unknown role":          func(g *Genesis) { g.RolePolicy[0].Role = "king" },
		"policy unknown agency": func(g *Genesis) { g.RolePolicy[0].Agencies = []string{"nowhere"} },
		"grant not allowed":     func(g *Genesis) { g.Roles[0].Agency = "finance" },
		"grant twice":           func(g *Genesis) { g.Roles = append(g.Roles, g.Roles[0]) },
		"tiny max tx":           func(g *Genesis) { g.Params.MaxTxBytes = 10 },
		"bad gov section": func(g *Genesis) {
			g.Sections = map[string]json.RawMessage{"gov": json.RawMessage(`{"voting_period_seconds":-1,"threshold":"agencies"}`)}
		},
		"section of no module": func(g *Genesis) { g.Sections = map[string]json.RawMessage{"land": json.RawMessage(`{}`)} },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			g := base()
			mutate(g)
			require.Error(t, g.Validate())
		})
	}
	_, err := ParseGenesis([]byte(`{"agencies":[],"surprise":1}`))
	require.ErrorContains(t, err, "unknown field")
}

// TestGenesisSections checks the module sections of app_state: written
// in module order with each module's defaults, decoded strictly, an
// absent or zero section standing for the defaults, and a section under a
// name that is no module's refused.
func TestGenesisSections(t *testing.T) {
	c := map[string]ed25519.PrivKey{}
	for _, n := range testNames {
		c[n] = testKey(n)
	}
	raw, err := json.Marshal(testGenesis(c))
	require.NoError(t, err)
	var top map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(raw, &top))
	require.JSONEq(t, `{"registrar_approval_required":false}`, string(top["vehicle"]))
	require.JSONEq(t, `{"voting_period_seconds":604800,"threshold":"agencies"}`, string(top["gov"]))
	require.Less(t, bytes.Index(raw, []byte(`"vehicle"`)), bytes.Index(raw, []byte(`"gov"`)), "sections follow the module order")

	g, err := ParseGenesis(raw)
	require.NoError(t, err)
	again, err := json.Marshal(g)
	require.NoError(t, err)
	require.Equal(t, string(raw), string(again), "a parsed genesis encodes as it was")

	// A zero or absent gov section means gov.DefaultParams, as released.
	for _, section := range []string{`,"gov":{"voting_period_seconds":0,"threshold":""}`, ``} {
		edited := bytes.Replace(raw, []byte(`,"gov":`+string(top["gov"])), []byte(section), 1)
		g, err := ParseGenesis(edited)
		require.NoError(t, err, section)
		secs, err := g.sections()
		require.NoError(t, err)
		require.Equal(t, gov.DefaultParams(), secs[slices.Index(Modules, gov.Module)])
	}
	for _, bad := range []struct{ edit, want string }{
		{`,"gov":{"voting_period_seconds":60,"threshold":"agencies","extra":1}`, "unknown field"},
		{`,"gov":{"voting_period_seconds":60,"threshold":"kings"}`, "threshold"},
		{`,"land":{}`, "unknown field"},
		{`,"Params":{}`, "unknown field"},
	} {
		edited := bytes.Replace(raw, []byte(`,"gov":`+string(top["gov"])), []byte(bad.edit), 1)
		_, err := ParseGenesis(edited)
		require.ErrorContains(t, err, bad.want, bad.edit)
	}
}

func TestAgencyRolesAndAuth(t *testing.T) {
	for _, engine := range []string{state.EngineMemIAVL, state.EngineIAVL} {
		t.Run(engine, func(t *testing.T) {
			c := newTestChain(t, engine, t.TempDir())
			c.block() // genesis committed with block 1

			// An admin grants a role its agency may grant.
			r := c.mustExec("admin-justice", &agency.GrantRole{Account: c.addr("alice"), Role: core.RoleNotary})
			require.Equal(t, "agency", r.Events[0].Type)
			grantedAt := c.height

			// Not allowed by policy, not an admin, already granted.
			require.ErrorIs(t, c.exec("admin-finance", &agency.GrantRole{Account: c.addr("bob"), Role: core.RoleNotary}), agency.ErrRoleNotGrantable)
			require.ErrorIs(t, c.exec("alice", &agency.GrantRole{Account: c.addr("bob"), Role: core.RoleNotary}), core.ErrNotAgencyAdmin)
			require.ErrorIs(t, c.exec("admin-justice", &agency.GrantRole{Account: c.addr("alice"), Role: core.RoleNotary}), agency.ErrAlreadyGranted)
			// Only the granting agency revokes.
			require.ErrorIs(t, c.exec("admin-finance", &agency.RevokeRole{Account: c.addr("alice"), Role: core.RoleNotary}), agency.ErrNotGrantor)
			c.mustExec("admin-justice", &agency.RevokeRole{Account: c.addr("alice"), Role: core.RoleNotary, Reason: "left office"})
			require.ErrorIs(t, c.exec("admin-justice", &agency.RevokeRole{Account: c.addr("alice"), Role: core.RoleNotary}), agency.ErrNotGranted)

			// The account's roles and history are provable.
			q := c.query("/agency/account/" + c.addr("alice").String() + "/history")
			require.NoError(t, q.Err)
			require.Len(t, q.Entries, 3) // anchor + grant + revoke
			var ra core.RoleAccount
			require.NoError(t, json.Unmarshal(q.Entries[0].Value, &ra))
			require.Equal(t, uint64(2), ra.HistoryCount)
			require.Empty(t, ra.Roles)

			// The state at an older height stays queryable and provable
			// against that height's app hash.
			old := c.app.Query("/agency/account/"+c.addr("alice").String()+"/roles", grantedAt, true)
			require.NoError(t, old.Err)
			require.Equal(t, grantedAt, old.Height)
			require.NoError(t, json.Unmarshal(old.Value, &ra))
			require.Equal(t, []core.Role{core.RoleNotary}, ra.Roles)
			oldHash, err := hex.DecodeString(c.hashes[grantedAt-1])
			require.NoError(t, err)
			require.NoError(t, state.VerifyExistence(oldHash, old.Proofs[0].Proof, old.Key, old.Value))
			require.ErrorIs(t, c.app.Query("/agency/list", c.height+5, false).Err, ErrVersionUnavailable)

			q = c.query("/agency/list")
			require.NoError(t, q.Err)
			require.Len(t, q.Entries, 3) // chain info + 2 agencies

			q = c.query("/agency/account/" + c.addr("dave").String() + "/roles")
			require.ErrorIs(t, q.Err, core.ErrNotFound)
			require.Len(t, q.Proofs, 1)
			require.False(t, q.Proofs[0].Exists)
		})
	}
}

func TestSequenceReplayAndFailedTx(t *testing.T) {
	c := newTestChain(t, state.EngineMemIAVL, t.TempDir())
	c.block()
	grant := c.sign("admin-justice", &agency.GrantRole{Account: c.addr("alice"), Role: core.RoleNotary})
	require.NoError(t, c.app.CheckTx(grant).Err)
	require.NoError(t, c.block(grant)[0].Err)

	// The same bytes again: refused in CheckTx and in FinalizeBlock, state unchanged.
	require.ErrorIs(t, c.app.CheckTx(grant).Err, core.ErrReplay)
	before := c.store.LastHash()
	res := c.block(grant)
	require.ErrorIs(t, res[0].Err, core.ErrReplay)
	after := c.store.LastHash()
	// Only the block info record changes with an empty-effect block.
	acc, _, err := core.GetAccount(c.store, c.addr("admin-justice"))
	require.NoError(t, err)
	require.Equal(t, uint64(1), acc.Sequence)
	require.NotEqual(t, before, after)

	// A sequence a little ahead may wait in the mempool; too far ahead is
	// refused; in a block only the exact next sequence executes, and a
	// refused one is not consumed.
	a := c.addr("alice")
	grantBank := &agency.GrantRole{Account: a, Role: core.RoleBank}
	ahead, err := NewTx(c.chainID, c.keys["admin-finance"], 1, grantBank)
	require.NoError(t, err)
	require.NoError(t, c.app.CheckTx(ahead).Err)
	tooFar, err := NewTx(c.chainID, c.keys["admin-finance"], MaxSequenceAhead+1, grantBank)
	require.NoError(t, err)
	require.ErrorIs(t, c.app.CheckTx(tooFar).Err, core.ErrWrongSequence)
	require.ErrorIs(t, c.block(ahead)[0].Err, core.ErrWrongSequence)
	acc, _, err = core.GetAccount(c.store, c.addr("admin-finance"))
	require.NoError(t, err)
	require.Equal(t, uint64(0), acc.Sequence)

	// An unauthorised message passes the signature and sequence checks, so
	// in a block it consumes its sequence and changes nothing else.
	bad := c.sign("alice", &agency.GrantRole{Account: a, Role: core.RoleBank})
	require.ErrorIs(t, c.app.CheckTx(bad).Err, core.ErrNotAgencyAdmin)
	require.ErrorIs(t, c.block(bad)[0].Err, core.ErrNotAgencyAdmin)
	acc, _, err = core.GetAccount(c.store, a)
	require.NoError(t, err)
	require.Equal(t, uint64(1), acc.Sequence)
	ok, err := core.HasRole(c.store, a, core.RoleBank)
	require.NoError(t, err)
	require.False(t, ok)
	// ... and can never be replayed.
	require.ErrorIs(t, c.block(bad)[0].Err, core.ErrReplay)
}

// A transaction waiting behind a sequence gap is dropped by recheck after
// MaxGapWaitBlocks; the account's next transaction is never dropped.
func TestRecheckDropsTxWaitingBehindGap(t *testing.T) {
	c := newTestChain(t, state.EngineMemIAVL, t.TempDir())
	c.block()
	grant := &agency.GrantRole{Account: c.addr("alice"), Role: core.RoleNotary}
	ahead, err := NewTx(c.chainID, c.keys["admin-justice"], 1, grant)
	require.NoError(t, err)
	require.NoError(t, c.app.CheckTx(ahead).Err)
	next, err := NewTx(c.chainID, c.keys["admin-justice"], 0, grant)
	require.NoError(t, err)
	require.NoError(t, c.app.CheckTx(next).Err)
	for range MaxGapWaitBlocks {
		c.block()
		require.NoError(t, c.app.RecheckTx(ahead).Err)
		require.NoError(t, c.app.RecheckTx(next).Err)
	}
	c.block()
	err = c.app.RecheckTx(ahead).Err
	require.ErrorIs(t, err, core.ErrWrongSequence)
	require.ErrorContains(t, err, "waited 101 blocks for sequence 0")
	require.NoError(t, c.app.RecheckTx(next).Err, "the next sequence waits for a block, however long")
	// Sent again once the gap is filled, it is accepted.
	require.NoError(t, c.block(next)[0].Err)
	require.NoError(t, c.app.RecheckTx(ahead).Err)
}

func TestProcessProposalRejectsInvalidTx(t *testing.T) {
	c := newTestChain(t, state.EngineMemIAVL, t.TempDir())
	c.block()
	good := c.sign("admin-justice", &agency.GrantRole{Account: c.addr("alice"), Role: core.RoleNotary})
	require.NoError(t, c.app.ProcessProposal([][]byte{good}))
	require.Error(t, c.app.ProcessProposal([][]byte{good, []byte("garbage")}))
	var tx Tx
	require.NoError(t, json.Unmarshal(good, &tx))
	tx.Signature[3] ^= 0x40
	forged, err := json.Marshal(&tx)
	require.NoError(t, err)
	require.ErrorIs(t, c.app.ProcessProposal([][]byte{forged}), core.ErrBadSignature)
	// PrepareProposal drops what ProcessProposal would reject and respects the size limit.
	require.Equal(t, [][]byte{good}, c.app.PrepareProposal([][]byte{[]byte("garbage"), good, forged}, 1<<20))
	require.Empty(t, c.app.PrepareProposal([][]byte{good}, int64(len(good)-1)))
	// A byzantine proposer's forged tx reaching FinalizeBlock is refused there too.
	require.ErrorIs(t, c.block(forged)[0].Err, core.ErrBadSignature)
}

// A proposal that repeats a used sequence (a replay of a committed
// transaction, or two transactions of one account with one sequence) is
// rejected; PrepareProposal never builds one.
func TestProcessProposalRejectsReplay(t *testing.T) {
	c := newTestChain(t, state.EngineMemIAVL, t.TempDir())
	c.block()
	first := c.sign("admin-justice", &agency.GrantRole{Account: c.addr("alice"), Role: core.RoleNotary})
	require.NoError(t, c.app.ProcessProposal([][]byte{first}))
	require.NoError(t, c.block(first)[0].Err)

	// The committed transaction again, alone or after a good one.
	second := c.sign("admin-justice", &agency.GrantRole{Account: c.addr("bob"), Role: core.RoleNotary})
	require.NoError(t, c.app.ProcessProposal([][]byte{second}))
	err := c.app.ProcessProposal([][]byte{second, first})
	require.ErrorIs(t, err, core.ErrReplay)
	require.ErrorContains(t, err, "tx 1: ")
	require.ErrorContains(t, err, "sequence 0 of "+c.addr("admin-justice").String())
	require.Equal(t, [][]byte{second}, c.app.PrepareProposal([][]byte{first, second}, 1<<20))

	// Two transactions of one account with the same sequence: the first
	// could execute, the second could only fail.
	other, err := NewTx(c.chainID, c.keys["admin-justice"], 1, &agency.GrantRole{Account: c.addr("carol"), Role: core.RoleNotary})
	require.NoError(t, err)
	require.NoError(t, c.app.ProcessProposal([][]byte{other}))
	require.ErrorIs(t, c.app.ProcessProposal([][]byte{second, other}), core.ErrReplay)
	require.Equal(t, [][]byte{second}, c.app.PrepareProposal([][]byte{second, other}, 1<<20))

	// Consecutive sequences of one account, and a gap, are accepted: they
	// execute or fail in FinalizeBlock.
	third := c.sign("admin-justice", &agency.GrantRole{Account: c.addr("carol"), Role: core.RoleNotary})
	require.NoError(t, c.app.ProcessProposal([][]byte{second, third}))
	require.NoError(t, c.app.ProcessProposal([][]byte{third}))
	res := c.block(second, third)
	require.NoError(t, res[0].Err)
	require.NoError(t, res[1].Err)
	require.ErrorIs(t, c.app.ProcessProposal([][]byte{third}), core.ErrReplay)
}
func TestRestartReopensCommittedState(t *testing.T) {
	for _, engine := range []string{state.EngineMemIAVL, state.EngineIAVL} {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			c := newTestChain(t, engine, dir)
			c.block()
			c.mustExec("admin-justice", &agency.GrantRole{Account: c.addr("alice"), Role: core.RoleNotary})
			h, hash := c.app.Info()
			// A finalized but uncommitted block is lost on restart; CometBFT replays it.
			_, err := c.app.FinalizeBlock(h+1, c.time.Add(10e9), [][]byte{c.sign("admin-justice", &agency.GrantRole{Account: c.addr("bob"), Role: core.RoleNotary})})
			require.NoError(t, err)
			require.NoError(t, c.app.Close())

			cfg := state.DefaultConfig()
			cfg.Engine = engine
			st, err := store.Open(dir, cfg)
			require.NoError(t, err)
			a, err := New(st)
			require.NoError(t, err)
			defer a.Close()
			h2, hash2 := a.Info()
			require.Equal(t, h, h2)
			require.Equal(t, hash, hash2)
			require.Equal(t, c.chainID, a.ChainID())
			q := a.Query("/agency/account/"+c.addr("alice").String()+"/roles", 0, false)
			require.NoError(t, q.Err)
			q = a.Query("/agency/account/"+c.addr("bob").String()+"/roles", 0, false)
			require.ErrorIs(t, q.Err, core.ErrNotFound)
		})
	}
}

// TestRotatedAndDisabledSigners checks signer resolution in blocks: a
// rotated-out key is refused without consuming a sequence, the new key signs
// for the same account, and a disabled account cannot sign.
func TestRotatedAndDisabledSigners(t *testing.T) {
	c := newTestChain(t, state.EngineMemIAVL, t.TempDir())
	c.block()
	c.mustExec("admin-justice", &agency.GrantRole{Account: c.addr("alice"), Role: core.RoleNotary})
	admin := c.addr("admin-justice")

	// Rotate admin-justice's key (as the identity registry will) between blocks.
	newKey := testKey("admin-justice-2")
	require.NoError(t, core.RotateKey(c.store, admin, newKey.PubKey().(ed25519.PubKey)))
	c.block()

	old := c.sign("admin-justice", &agency.GrantRole{Account: c.addr("bob"), Role: core.RoleNotary})
	require.ErrorIs(t, c.app.CheckTx(old).Err, core.ErrKeyRotated)
	require.ErrorIs(t, c.block(old)[0].Err, core.ErrKeyRotated)

	raw, err := NewTx(c.chainID, newKey, 1, &agency.GrantRole{Account: c.addr("bob"), Role: core.RoleNotary})
	require.NoError(t, err)
	r := c.block(raw)[0]
	require.NoError(t, r.Err, "the new key keeps the account's admin rights")
	require.Equal(t, admin, r.Signer)
	acc, _, err := core.GetAccount(c.store, admin)
	require.NoError(t, err)
	require.Equal(t, uint64(2), acc.Sequence)

	require.NoError(t, core.SetAccountStatus(c.store, core.AccountStatus{Account: c.addr("alice"), Status: core.StatusDisabled, Reason: "test"}))
	c.block()
	dis := c.sign("alice", &agency.GrantRole{Account: c.addr("bob"), Role: core.RoleBank})
	require.ErrorIs(t, c.app.CheckTx(dis).Err, core.ErrAccountDisabled)
	require.ErrorIs(t, c.block(dis)[0].Err, core.ErrAccountDisabled)
}

// TestRotateKeyAsFirstTransaction rotates the key of an account whose very
// first transaction is the rotation, then signs with the new key, which the
// /key path reports bound to the account.
func TestRotateKeyAsFirstTransaction(t *testing.T) {
	c := newTestChain(t, state.EngineMemIAVL, t.TempDir())
	c.block()
	carol := c.addr("carol")
	newKey := testKey("carol-2")
	c.mustExec("carol", &identity.RotateKey{NewPubKey: core.HexBytes(newKey.PubKey().Bytes())})

	acc, found, err := core.GetAccount(c.store, carol)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, uint64(1), acc.Sequence)
	require.Equal(t, core.HexBytes(newKey.PubKey().Bytes()), acc.PubKey)

	q := c.query("/key/" + core.AddressOf(newKey.PubKey().(ed25519.PubKey)).String())
	require.NoError(t, q.Err)
	var b core.KeyBinding
	require.NoError(t, json.Unmarshal(q.Value, &b))
	require.Equal(t, carol, b.Account)
	require.ErrorIs(t, c.query("/key/"+carol.String()).Err, ErrKeyNotBound)

	raw, err := NewTx(c.chainID, newKey, acc.Sequence, &notaryAnchorProbe)
	require.NoError(t, err)
	// carol holds no role, so the anchoring is refused for that reason, not
	// for her key or sequence: the new key signs for her account.
	r := c.block(raw)[0]
	require.ErrorIs(t, r.Err, core.ErrMissingRole)
	require.Equal(t, carol, r.Signer)
}

var notaryAnchorProbe = notary.AnchorDocument{DocumentHash: docHash("probe"), DocType: "deed"}
