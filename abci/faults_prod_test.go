//go:build !faultinject

package abci

import (
	"context"
	"testing"

	abcitypes "github.com/cometbft/cometbft/abci/types"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// TestFaultHooksProductionBuild checks that the production build ignores
// the fault environment: with every GOVCHAIN_FAULT_* variable set, Commit
// commits each block and PrepareProposal proposes exactly what the app
// selected. (Built only without the faultinject tag; that build has its own
// tests in faults_inject_test.go.)
func TestFaultHooksProductionBuild(t *testing.T) {
	t.Setenv("GOVCHAIN_FAULT_COMMIT", "before-write")
	t.Setenv("GOVCHAIN_FAULT_HEIGHT", "2")
	t.Setenv("GOVCHAIN_FAULT_PROPOSER", "bad-signature,replay,unchecked")
	s := faultTestApp(t, t.TempDir(), state.EngineMemIAVL, cmtlog.NewNopLogger())
	grant, err := app.NewTx("c", key("admin"), 0, &agency.GrantRole{Account: addr("alice"), Role: core.RoleNotary})
	require.NoError(t, err)
	for h := int64(1); h <= 3; h++ {
		prep, err := s.PrepareProposal(context.Background(), &abcitypes.RequestPrepareProposal{
			Height: h, Txs: [][]byte{grant, []byte("junk")}, MaxTxBytes: 1 << 20})
		require.NoError(t, err)
		require.Equal(t, [][]byte{grant}, prep.Txs, "height %d", h)
		faultTestBlock(t, s, h)
	}
	got, _ := s.app.Info()
	require.Equal(t, int64(3), got)
}
