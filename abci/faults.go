//go:build !faultinject

package abci

import abcitypes "github.com/cometbft/cometbft/abci/types"

// Fault-injection hooks. The testnet scenarios need a node that crashes
// inside Commit and a validator that proposes what an honest one never
// would; they get both from a test build of the same binary:
//
//	go build -tags faultinject ./cmd/govchain
//
// whose hooks (faults_inject.go) read GOVCHAIN_FAULT_* from the
// environment. In this, the production build, every hook is an empty
// function that the compiler inlines away: no environment is read and no
// behaviour changes.

// faultCommit is called inside Commit at point: "before-write" (before the
// state is persisted), "after-write" (right after) and "before-return". It
// does nothing in the production build; the faultinject build may kill
// the process there.
func (s *Application) faultCommit(point string) {}

// faultPropose returns the transactions PrepareProposal proposes, given
// the request, the mempool the proposal was built from and the ones the
// app selected. The production build returns
// txs unchanged; the faultinject build may add transactions that never
// passed CheckTx.
func (s *Application) faultPropose(_ *abcitypes.RequestPrepareProposal, _, txs [][]byte) [][]byte {
	return txs
}
