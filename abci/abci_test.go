package abci

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	abcitypes "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	ics23 "github.com/cosmos/ics23/go"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/gov"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/store"
)

func TestCodeTableIsStable(t *testing.T) {
	seen := map[uint32]error{}
	for _, e := range codeTable {
		require.NotContains(t, seen, e.code, "code %d used by %v and %v", e.code, seen[e.code], e.err)
		seen[e.code] = e.err
		require.Equal(t, e.code, Code(e.err), "sentinel %q must map to its own code", e.err)
		require.Equal(t, e.code, Code(fmt.Errorf("wrapped: %w", e.err)))
		require.NotEqual(t, CodeInternal, e.code)
	}
	for _, e := range kindTable {
		require.NotContains(t, seen, e.code)
		seen[e.code] = e.err
	}
	// Released codes never move: spot-check a few from each range.
	require.Equal(t, uint32(6), Code(core.ErrBadSignature))
	require.Equal(t, uint32(7), Code(core.ErrWrongSequence))
	require.Equal(t, uint32(100), Code(agency.ErrRoleNotGrantable))
	require.Equal(t, uint32(91), Code(core.NewError(core.ErrNotFound, "x: other")))
	require.Equal(t, CodeInternal, Code(errors.New("disk on fire")))
	require.Equal(t, "internal error: disk on fire", Log(errors.New("disk on fire")))
	require.Equal(t, CodeOK, Code(nil))
	require.Len(t, Codes(), len(codeTable)+len(kindTable))
	require.Equal(t, uint32(2), Codes()[0].Code)
}

func key(name string) ed25519.PrivKey { return ed25519.GenPrivKeyFromSecret([]byte(name)) }

func addr(name string) core.Address { return core.AddressOf(key(name).PubKey().(ed25519.PubKey)) }

// TestLifecycle drives the Application as CometBFT does: InitChain,
// CheckTx, PrepareProposal, ProcessProposal, FinalizeBlock, Commit, Query
// with proofs, then a restart that Info must report exactly.
func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := store.Open(dir, state.DefaultConfig())
	require.NoError(t, err)
	a, err := app.New(st)
	require.NoError(t, err)
	s := New(a, cmtlog.NewNopLogger(), Version{Software: "test", AppVersion: 1})

	valKey := key("validator")
	g := app.Genesis{
		Params: app.DefaultParams(),
		Agencies: []core.Agency{{ID: "justice", Name: "Ministry of Justice",
			Validator: core.Validator{PubKey: core.HexBytes(valKey.PubKey().Bytes()), Power: 10},
			Admins:    []core.Address{addr("admin")}}},
		RolePolicy: []core.RolePolicy{{Role: core.RoleNotary, Agencies: []string{"justice"}}},
	}
	appState, err := json.Marshal(g)
	require.NoError(t, err)

	// CometBFT's genesis validators must be the agencies'.
	wrong := []abcitypes.ValidatorUpdate{abcitypes.Ed25519ValidatorUpdate(key("other").PubKey().Bytes(), 10)}
	_, err = s.InitChain(ctx, &abcitypes.RequestInitChain{ChainId: "c", Time: time.Unix(0, 0), AppStateBytes: appState, Validators: wrong, InitialHeight: 1})
	require.ErrorContains(t, err, "not an agency's validator")

	initRes, err := s.InitChain(ctx, &abcitypes.RequestInitChain{ChainId: "c", Time: time.Unix(0, 0), AppStateBytes: appState,
		Validators: []abcitypes.ValidatorUpdate{abcitypes.Ed25519ValidatorUpdate(valKey.PubKey().Bytes(), 10)}, InitialHeight: 1})
	require.NoError(t, err)
	require.Len(t, initRes.Validators, 1)
	require.NotEmpty(t, initRes.AppHash)

	finalize := func(height int64, txs ...[]byte) *abcitypes.ResponseFinalizeBlock {
		pp, err := s.ProcessProposal(ctx, &abcitypes.RequestProcessProposal{Txs: txs, Height: height})
		require.NoError(t, err)
		require.Equal(t, abcitypes.ResponseProcessProposal_ACCEPT, pp.Status)
		res, err := s.FinalizeBlock(ctx, &abcitypes.RequestFinalizeBlock{Height: height, Time: time.Unix(height, 0), Txs: txs})
		require.NoError(t, err)
		_, err = s.Commit(ctx, &abcitypes.RequestCommit{})
		require.NoError(t, err)
		return res
	}
	finalize(1)

	grant, err := app.NewTx("c", key("admin"), 0, &agency.GrantRole{Account: addr("alice"), Role: core.RoleNotary})
	require.NoError(t, err)
	ct, err := s.CheckTx(ctx, &abcitypes.RequestCheckTx{Tx: grant})
	require.NoError(t, err)
	require.Equal(t, CodeOK, ct.Code, ct.Log)

	// A refused tx: stable code, readable log, codespace.
	bad, err := app.NewTx("c", key("alice"), 0, &agency.GrantRole{Account: addr("bob"), Role: core.RoleNotary})
	require.NoError(t, err)
	ct, err = s.CheckTx(ctx, &abcitypes.RequestCheckTx{Tx: bad})
	require.NoError(t, err)
	require.Equal(t, Code(core.ErrNotAgencyAdmin), ct.Code)
	require.Contains(t, ct.Log, "is no agency's admin")
	require.Equal(t, Codespace, ct.Codespace)

	prep, err := s.PrepareProposal(ctx, &abcitypes.RequestPrepareProposal{Txs: [][]byte{grant, []byte("junk")}, MaxTxBytes: 1 << 20})
	require.NoError(t, err)
	require.Equal(t, [][]byte{grant}, prep.Txs)
	pp, err := s.ProcessProposal(ctx, &abcitypes.RequestProcessProposal{Txs: [][]byte{grant, []byte("junk")}})
	require.NoError(t, err)
	require.Equal(t, abcitypes.ResponseProcessProposal_REJECT, pp.Status)

	res := finalize(2, grant)
	require.Equal(t, CodeOK, res.TxResults[0].Code, res.TxResults[0].Log)
	var attrs []string
	for _, ev := range res.TxResults[0].Events {
		for _, at := range ev.Attributes {
			if at.Index {
				attrs = append(attrs, ev.Type+"."+at.Key+"="+at.Value)
			}
		}
	}
	require.Contains(t, attrs, "agency.account="+addr("alice").String())
	require.Contains(t, attrs, "message.action=agency/grant_role")

	// Proven query: one ics23:iavl op whose key is the exact store key.
	q, err := s.Query(ctx, &abcitypes.RequestQuery{Path: "/agency/account/" + addr("alice").String() + "/roles", Prove: true})
	require.NoError(t, err)
	require.Equal(t, CodeOK, q.Code, q.Log)
	require.Equal(t, int64(2), q.Height)
	require.Len(t, q.ProofOps.Ops, 1)
	op := q.ProofOps.Ops[0]
	require.Equal(t, "ics23:iavl", op.Type)
	require.Equal(t, core.RoleAccountKey(addr("alice")), op.Key)
	var proof ics23.CommitmentProof
	require.NoError(t, proof.Unmarshal(op.Data))
	info, err := s.Info(ctx, &abcitypes.RequestInfo{})
	require.NoError(t, err)
	require.NoError(t, state.VerifyExistence(info.LastBlockAppHash, &proof, op.Key, q.Value))

	// Not found: code, key and an absence proof.
	q, err = s.Query(ctx, &abcitypes.RequestQuery{Path: "/account/" + addr("nobody").String(), Prove: true})
	require.NoError(t, err)
	require.Equal(t, Code(app.ErrAccountNotFound), q.Code)
	require.Len(t, q.ProofOps.Ops, 1)
	require.NoError(t, proof.Unmarshal(q.ProofOps.Ops[0].Data))
	require.NoError(t, state.VerifyAbsence(info.LastBlockAppHash, &proof, q.ProofOps.Ops[0].Key))

	// Evidence of a double sign: recorded under the validator's agency,
	// evented on the block, provable.
	q, err = s.Query(ctx, &abcitypes.RequestQuery{Path: "/gov/evidence", Prove: true})
	require.NoError(t, err)
	require.Equal(t, Code(gov.ErrEvidenceNotFound), q.Code, "no evidence yet: %s", q.Log)
	valAddr := valKey.PubKey().Address()
	res, err = s.FinalizeBlock(ctx, &abcitypes.RequestFinalizeBlock{Height: 3, Time: time.Unix(3, 0), Misbehavior: []abcitypes.Misbehavior{{
		Type: abcitypes.MisbehaviorType_DUPLICATE_VOTE, Validator: abcitypes.Validator{Address: valAddr, Power: 10},
		Height: 2, Time: time.Unix(2, 0), TotalVotingPower: 10,
	}}})
	require.NoError(t, err)
	_, err = s.Commit(ctx, &abcitypes.RequestCommit{})
	require.NoError(t, err)
	require.Len(t, res.Events, 1)
	blockAttrs := map[string]string{}
	for _, at := range res.Events[0].Attributes {
		blockAttrs[at.Key] = at.Value
	}
	require.Equal(t, "gov.misbehavior", res.Events[0].Type)
	require.Equal(t, map[string]string{"evidence": "1", "type": "duplicate_vote", "validator": strings.ToLower(valAddr.String()), "agency": "justice", "infraction_height": "2"}, blockAttrs)
	q, err = s.Query(ctx, &abcitypes.RequestQuery{Path: "/gov/evidence/1", Prove: true})
	require.NoError(t, err)
	require.Equal(t, CodeOK, q.Code, q.Log)
	require.Contains(t, string(q.Value), `"agency":"justice"`)
	require.NoError(t, proof.Unmarshal(q.ProofOps.Ops[0].Data))
	info, err = s.Info(ctx, &abcitypes.RequestInfo{})
	require.NoError(t, err)
	require.NoError(t, state.VerifyExistence(info.LastBlockAppHash, &proof, q.ProofOps.Ops[0].Key, q.Value))

	// Out-of-order block stops the node.
	_, err = s.FinalizeBlock(ctx, &abcitypes.RequestFinalizeBlock{Height: 5, Time: time.Unix(5, 0)})
	require.ErrorIs(t, err, app.ErrHeight)

	require.NoError(t, a.Close())
	st, err = store.Open(dir, state.DefaultConfig())
	require.NoError(t, err)
	a, err = app.New(st)
	require.NoError(t, err)
	defer a.Close()
	info2, err := New(a, cmtlog.NewNopLogger(), Version{}).Info(ctx, &abcitypes.RequestInfo{})
	require.NoError(t, err)
	require.Equal(t, int64(3), info2.LastBlockHeight)
	require.Equal(t, info.LastBlockAppHash, info2.LastBlockAppHash)
}
