package abci

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	abcitypes "github.com/cometbft/cometbft/abci/types"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/store"
)

// TestCheckTxBusyAndBudget drives load handling as CometBFT sees it:
// past the app's pending limit CheckTx answers code 19 in the govchain
// codespace with a log that says to retry, and the recheck of what is
// pending keeps it; PrepareProposal keeps to the block budget while
// ProcessProposal accepts a larger block; after the block the same
// bytes refused as busy are admitted.
func TestCheckTxBusyAndBudget(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(t.TempDir(), state.DefaultConfig())
	require.NoError(t, err)
	a, err := app.New(st)
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Close() })
	s := New(a, cmtlog.NewNopLogger(), Version{Software: "test", AppVersion: 1})
	g := app.Genesis{
		Params: app.DefaultParams(),
		Agencies: []core.Agency{{ID: "justice", Name: "Ministry of Justice", Admins: []core.Address{addr("admin")},
			Validator: core.Validator{PubKey: core.HexBytes(key("validator").PubKey().Bytes()), Power: 10}}},
		RolePolicy: []core.RolePolicy{{Role: core.RoleNotary, Agencies: []string{"justice"}}},
	}
	appState, err := json.Marshal(g)
	require.NoError(t, err)
	_, err = s.InitChain(ctx, &abcitypes.RequestInitChain{ChainId: "c", Time: time.Unix(0, 0), AppStateBytes: appState, InitialHeight: 1})
	require.NoError(t, err)
	commit := func(height int64, txs [][]byte) {
		res, err := s.FinalizeBlock(ctx, &abcitypes.RequestFinalizeBlock{Height: height, Time: time.Unix(height, 0), Txs: txs})
		require.NoError(t, err)
		for i, r := range res.TxResults {
			require.Equal(t, CodeOK, r.Code, "tx %d: %s", i, r.Log)
		}
		_, err = s.Commit(ctx, &abcitypes.RequestCommit{})
		require.NoError(t, err)
	}
	commit(1, nil)

	var grants [][]byte
	for i, name := range []string{"alice", "bob", "carol"} {
		tx, err := app.NewTx("c", key("admin"), uint64(i), &agency.GrantRole{Account: addr(name), Role: core.RoleNotary})
		require.NoError(t, err)
		grants = append(grants, tx)
	}
	check := func(tx []byte, typ abcitypes.CheckTxType) *abcitypes.ResponseCheckTx {
		res, err := s.CheckTx(ctx, &abcitypes.RequestCheckTx{Tx: tx, Type: typ})
		require.NoError(t, err)
		return res
	}

	require.NoError(t, a.SetPendingLimit(app.PendingLimit{MaxTxs: 2}))
	require.Equal(t, CodeOK, check(grants[0], abcitypes.CheckTxType_New).Code)
	require.Equal(t, CodeOK, check(grants[1], abcitypes.CheckTxType_New).Code)
	busy := check(grants[2], abcitypes.CheckTxType_New)
	require.Equal(t, uint32(19), busy.Code)
	require.Equal(t, Codespace, busy.Codespace)
	require.Contains(t, busy.Log, "busy, retry later")

	require.NoError(t, a.SetBlockBudget(app.BlockBudget{MaxTxs: 1}))
	prep, err := s.PrepareProposal(ctx, &abcitypes.RequestPrepareProposal{Txs: grants[:2], MaxTxBytes: 1 << 20})
	require.NoError(t, err)
	require.Equal(t, grants[:1], prep.Txs, "the budget ends the block")
	pp, err := s.ProcessProposal(ctx, &abcitypes.RequestProcessProposal{Txs: grants[:2], Height: 2})
	require.NoError(t, err)
	require.Equal(t, abcitypes.ResponseProcessProposal_ACCEPT, pp.Status, "a block over this node's budget is accepted")

	commit(2, grants[:1])
	require.Equal(t, CodeOK, check(grants[1], abcitypes.CheckTxType_Recheck).Code, "a recheck keeps what is pending")
	require.Equal(t, CodeOK, check(grants[2], abcitypes.CheckTxType_New).Code, "the same bytes are admitted after a block")
	require.Equal(t, Code(core.ErrReplay), check(grants[0], abcitypes.CheckTxType_New).Code,
		"the node is full again, and a replay still gets its own code")
}
