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
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/store"
)

// faultTestApp opens (or creates) a store with the given engine in dir and
// returns the Application over it, after InitChain if the store is new.
// Its chain is "c", with one agency whose admin is key("admin").
func faultTestApp(t *testing.T, dir, engine string, logger cmtlog.Logger) *Application {
	t.Helper()
	cfg := state.DefaultConfig()
	cfg.Engine = engine
	s, _ := faultTestAppOn(t, dir, cfg, logger)
	return s
}

// faultTestAppOn is faultTestApp with the store's whole configuration; it
// also returns the store.
func faultTestAppOn(t *testing.T, dir string, cfg state.Config, logger cmtlog.Logger) (*Application, state.Store) {
	t.Helper()
	st, err := store.Open(dir, cfg)
	require.NoError(t, err)
	a, err := app.New(st)
	require.NoError(t, err)
	t.Cleanup(func() { _ = a.Close() })
	s := New(a, logger, Version{Software: "test", AppVersion: 1})
	if h, _ := a.Info(); h > 0 {
		return s, st
	}
	g := app.Genesis{
		Params: app.DefaultParams(),
		Agencies: []core.Agency{{ID: "justice", Name: "Ministry of Justice",
			Validator: core.Validator{PubKey: core.HexBytes(key("validator").PubKey().Bytes()), Power: 10},
			Admins:    []core.Address{addr("admin")}}},
		RolePolicy: []core.RolePolicy{{Role: core.RoleNotary, Agencies: []string{"justice"}}},
	}
	appState, err := json.Marshal(g)
	require.NoError(t, err)
	_, err = s.InitChain(context.Background(), &abcitypes.RequestInitChain{ChainId: "c", Time: time.Unix(0, 0), AppStateBytes: appState, InitialHeight: 1})
	require.NoError(t, err)
	return s, st
}

// faultTestBlock finalizes and commits block h with txs, requiring both to
// succeed, and returns the transactions' result codes.
func faultTestBlock(t *testing.T, s *Application, h int64, txs ...[]byte) []uint32 {
	t.Helper()
	ctx := context.Background()
	res, err := s.FinalizeBlock(ctx, &abcitypes.RequestFinalizeBlock{Height: h, Time: time.Unix(h, 0), Txs: txs})
	require.NoError(t, err)
	_, err = s.Commit(ctx, &abcitypes.RequestCommit{})
	require.NoError(t, err)
	codes := make([]uint32, len(res.TxResults))
	for i, r := range res.TxResults {
		codes[i] = r.Code
	}
	return codes
}
