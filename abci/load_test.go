package abci

import (
	"context"
	"fmt"
	"testing"
	"time"

	abcitypes "github.com/cometbft/cometbft/abci/types"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// TestCheckTxBusyAndBudget drives load handling as CometBFT sees it:
// past the app's pending limit CheckTx answers code 19 in the govchain
// codespace with a log that says to retry, and the recheck of what is
// pending keeps it; PrepareProposal keeps to the block budget while
// ProcessProposal accepts a larger block; after the block the same
// bytes refused as busy are admitted.
func TestCheckTxBusyAndBudget(t *testing.T) {
	ctx := context.Background()
	s := faultTestApp(t, t.TempDir(), state.EngineMemIAVL, cmtlog.NewNopLogger())
	a := s.app
	faultTestBlock(t, s, 1)

	grants := notaryGrants(t)
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

	require.Equal(t, []uint32{CodeOK}, faultTestBlock(t, s, 2, grants[0]))
	require.Equal(t, CodeOK, check(grants[1], abcitypes.CheckTxType_Recheck).Code, "a recheck keeps what is pending")
	require.Equal(t, CodeOK, check(grants[2], abcitypes.CheckTxType_New).Code, "the same bytes are admitted after a block")
	require.Equal(t, Code(core.ErrReplay), check(grants[0], abcitypes.CheckTxType_New).Code,
		"the node is full again, and a replay still gets its own code")
}

// TestAppMempool drives the application's mempool as CometBFT's mempool
// type "app" does: CheckTx (a client's transaction) and InsertTx (a
// peer's) fill it, ReapTxs returns what to gossip, PrepareProposal
// ignores the request's transactions (CometBFT hands it none) and
// proposes from the pool within the budget, and a block empties what it
// executed; a duplicate is code 14, and a transaction over the size limit
// is refused by InsertTx with its code.
func TestAppMempool(t *testing.T) {
	ctx := context.Background()
	s := faultTestApp(t, t.TempDir(), state.EngineMemIAVL, cmtlog.NewNopLogger())
	a := s.app
	a.EnablePool(false)
	faultTestBlock(t, s, 1)

	grants := notaryGrants(t)
	res, err := s.CheckTx(ctx, &abcitypes.RequestCheckTx{Tx: grants[0]})
	require.NoError(t, err)
	require.Equal(t, CodeOK, res.Code)
	dup, err := s.CheckTx(ctx, &abcitypes.RequestCheckTx{Tx: grants[0]})
	require.NoError(t, err)
	require.Equal(t, Code(core.ErrReplay), dup.Code, "%s", dup.Log)
	for _, tx := range grants[1:] {
		ins, err := s.InsertTx(ctx, &abcitypes.RequestInsertTx{Tx: tx})
		require.NoError(t, err)
		require.Equal(t, CodeOK, ins.Code)
	}
	big, err := s.InsertTx(ctx, &abcitypes.RequestInsertTx{Tx: make([]byte, app.DefaultMaxTxBytes+1)})
	require.NoError(t, err)
	require.Equal(t, Code(core.ErrTxTooLarge), big.Code)

	reap, err := s.ReapTxs(ctx, &abcitypes.RequestReapTxs{})
	require.NoError(t, err)
	require.Equal(t, grants[:1], reap.Txs, "the client's transaction is gossiped, the peers' are not")

	require.NoError(t, a.SetBlockBudget(app.BlockBudget{MaxTxs: 2}))
	var prep *abcitypes.ResponsePrepareProposal
	require.Eventually(t, func() bool {
		prep, err = s.PrepareProposal(ctx, &abcitypes.RequestPrepareProposal{Txs: [][]byte{[]byte("not from the pool")}, MaxTxBytes: 1 << 20, Height: 2})
		return err == nil && len(prep.Txs) == 2
	}, 10*time.Second, 5*time.Millisecond, "the gossiped transactions are checked in the background")
	require.Equal(t, grants[:2], prep.Txs, "from the pool, in sequence order, within the budget")
	require.Equal(t, []uint32{CodeOK, CodeOK}, faultTestBlock(t, s, 2, prep.Txs...))
	prep, err = s.PrepareProposal(ctx, &abcitypes.RequestPrepareProposal{MaxTxBytes: 1 << 20, Height: 3})
	require.NoError(t, err)
	require.Equal(t, grants[2:], prep.Txs, "what the block executed left the pool")
}

// notaryGrants signs the admin's notary grants to alice, bob and carol,
// sequences 0 to 2.
func notaryGrants(t *testing.T) [][]byte {
	t.Helper()
	var grants [][]byte
	for i, name := range []string{"alice", "bob", "carol"} {
		tx, err := app.NewTx("c", key("admin"), uint64(i), &agency.GrantRole{Account: addr(name), Role: core.RoleNotary})
		require.NoError(t, err)
		grants = append(grants, tx)
	}
	return grants
}

// TestPaceSeesDecidedRounds drives the budget's pace (app.BudgetPace)
// through FinalizeBlock as CometBFT calls it: full blocks a second apart
// under a target of 20 s grow the budget an eighth a block, and a block
// whose decided last commit says the block before needed round 1 brings
// it back down, although the blocks still come fast.
func TestPaceSeesDecidedRounds(t *testing.T) {
	ctx := context.Background()
	s := faultTestApp(t, t.TempDir(), state.EngineMemIAVL, cmtlog.NewNopLogger())
	a := s.app
	var txs [][]byte
	for i := range 7 {
		tx, err := app.NewTx("c", key("admin"), uint64(i), &agency.GrantRole{Account: addr(fmt.Sprint("notary", i)), Role: core.RoleNotary})
		require.NoError(t, err)
		txs = append(txs, tx)
	}
	// A block of one transaction is full up to a scale of 1.25.
	require.NoError(t, a.SetBlockBudget(app.BlockBudget{MaxBytes: int64(len(txs[0])) * 3 / 4}))
	require.NoError(t, a.SetBudgetPace(app.BudgetPace{MaxEighths: 16, Target: 20 * time.Second}))
	block := func(h int64, round int32) {
		t.Helper()
		res, err := s.FinalizeBlock(ctx, &abcitypes.RequestFinalizeBlock{Height: h, Time: time.Unix(h, 0), Txs: txs[h-1 : h],
			DecidedLastCommit: abcitypes.CommitInfo{Round: round}})
		require.NoError(t, err)
		require.Equal(t, CodeOK, res.TxResults[0].Code, "block %d: %s", h, res.TxResults[0].Log)
		_, err = s.Commit(ctx, &abcitypes.RequestCommit{})
		require.NoError(t, err)
	}
	for h := int64(1); h <= 6; h++ {
		block(h, 0)
	}
	require.Equal(t, 10, a.BudgetEighths(), "two full fast blocks after the first four intervals")
	block(7, 1)
	require.Equal(t, 8, a.BudgetEighths(), "block 6 was decided in round 1")
}
