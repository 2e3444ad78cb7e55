//go:build faultinject

package abci

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	abcitypes "github.com/cometbft/cometbft/abci/types"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// TestParseFaultConfig checks the fault environment's grammar: valid
// settings parse, and a typo is an error rather than a silently missing
// fault.
func TestParseFaultConfig(t *testing.T) {
	for name, tc := range map[string]struct {
		env  map[string]string
		want faultConfig
		err  string
	}{
		"nothing":       {env: nil},
		"before-write":  {env: map[string]string{EnvFaultCommit: "before-write", EnvFaultHeight: "12"}, want: faultConfig{commitPoint: "before-write", commitHeight: 12}},
		"before-return": {env: map[string]string{EnvFaultCommit: "before-return", EnvFaultHeight: "1"}, want: faultConfig{commitPoint: "before-return", commitHeight: 1}},
		"proposer": {env: map[string]string{EnvFaultProposer: "bad-signature, replay,unchecked"},
			want: faultConfig{proposer: []string{"bad-signature", "replay", "unchecked"}}},
		"unknown point":    {env: map[string]string{EnvFaultCommit: "during-write", EnvFaultHeight: "3"}, err: "want one of"},
		"no height":        {env: map[string]string{EnvFaultCommit: "after-write"}, err: "positive height"},
		"zero height":      {env: map[string]string{EnvFaultCommit: "after-write", EnvFaultHeight: "0"}, err: "positive height"},
		"height alone":     {env: map[string]string{EnvFaultHeight: "3"}, err: "is not"},
		"unknown mode":     {env: map[string]string{EnvFaultProposer: "replay,evil"}, err: `unknown mode "evil"`},
		"empty mode entry": {env: map[string]string{EnvFaultProposer: "replay,"}, err: "unknown mode"},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := parseFaultConfig(func(k string) string { return tc.env[k] })
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

// faultChildEnv tells the test binary, started by TestFaultCommitCrashes,
// to act as the crashing node: "<dir>|<engine>".
const faultChildEnv = "GOVCHAIN_FAULT_TEST_CHILD"

// TestFaultCommitCrashes runs, for each crash point and state engine, a
// child process that commits blocks 1 to 3 with the crash set at block 2.
// The child must die by SIGKILL after logging the point; the store it
// leaves must be at version 1 (before-write) or 2 (after the write); and
// a new process must finish the chain (re-executing block 2 if it was not
// written) to the same app hash as a run without a crash.
func TestFaultCommitCrashes(t *testing.T) {
	if v := os.Getenv(faultChildEnv); v != "" {
		dir, engine, _ := strings.Cut(v, "|")
		s := faultTestApp(t, dir, engine, cmtlog.NewTMLogger(cmtlog.NewSyncWriter(os.Stdout)))
		for h := int64(1); h <= 3; h++ {
			faultTestBlock(t, s, h)
		}
		return // the parent fails: no crash
	}
	for _, engine := range []string{state.EngineMemIAVL, state.EngineIAVL} {
		ref := faultTestApp(t, t.TempDir(), engine, cmtlog.NewNopLogger())
		for h := int64(1); h <= 3; h++ {
			faultTestBlock(t, ref, h)
		}
		_, want := ref.app.Info()
		for _, point := range faultCommitPoints {
			t.Run(engine+"/"+point, func(t *testing.T) {
				dir := t.TempDir()
				cmd := exec.Command(os.Args[0], "-test.run=^TestFaultCommitCrashes$", "-test.count=1")
				cmd.Env = append(os.Environ(), faultChildEnv+"="+dir+"|"+engine,
					EnvFaultCommit+"="+point, EnvFaultHeight+"=2")
				out, err := cmd.CombinedOutput()
				var ee *exec.ExitError
				require.True(t, errors.As(err, &ee), "the child did not crash: %v\n%s", err, out)
				ws := ee.Sys().(syscall.WaitStatus)
				require.True(t, ws.Signaled() && ws.Signal() == syscall.SIGKILL, "child ended with %v\n%s", ws, out)
				require.Contains(t, string(out), "fault injection: crashing inside Commit")
				require.Contains(t, string(out), "point="+point+" height=2")

				s := faultTestApp(t, dir, engine, cmtlog.NewNopLogger())
				h, _ := s.app.Info()
				wantH := int64(2)
				if point == "before-write" {
					wantH = 1
				}
				require.Equal(t, wantH, h, "version the crash left")
				for h++; h <= 3; h++ {
					faultTestBlock(t, s, h)
				}
				_, got := s.app.Info()
				require.Equal(t, want, got, "app hash after recovery")
			})
		}
	}
}

// TestByzantineProposer drives the byzantine proposer through its three
// modes in turn: a badly signed transaction that makes ProcessProposal
// reject the block; a replay of a transaction committed since, which
// ProcessProposal rejects too (and which, should it reach FinalizeBlock,
// fails with ErrReplay); an unauthorised well-signed transaction, accepted
// by ProcessProposal and failing with ErrMissingRole. Extras never exceed
// MaxTxBytes.
func TestByzantineProposer(t *testing.T) {
	ctx := context.Background()
	s := faultTestApp(t, t.TempDir(), state.EngineMemIAVL, cmtlog.NewNopLogger())
	faultTestBlock(t, s, 1)
	grant, err := app.NewTx("c", key("admin"), 0, &agency.GrantRole{Account: addr("alice"), Role: core.RoleNotary})
	require.NoError(t, err)
	b := &byzantineProposer{}
	modes := []string{"bad-signature", "replay", "unchecked"}
	propose := func(h int64, mempool ...[]byte) [][]byte {
		req := &abcitypes.RequestPrepareProposal{Height: h, Txs: mempool, MaxTxBytes: 1 << 20}
		return b.propose(s, modes, req, req.Txs, s.app.PrepareProposal(req.Txs, req.MaxTxBytes))
	}
	accepted := func(txs [][]byte) bool {
		res, err := s.ProcessProposal(ctx, &abcitypes.RequestProcessProposal{Height: 2, Txs: txs})
		require.NoError(t, err)
		return res.Status == abcitypes.ResponseProcessProposal_ACCEPT
	}

	// Height 2, bad-signature: the mempool's grant and a forged tx.
	txs := propose(2, grant)
	require.Len(t, txs, 2)
	require.Equal(t, grant, txs[0])
	d, err := app.Decode(txs[1], app.DefaultMaxTxBytes)
	require.NoError(t, err, "the forged tx is canonical")
	require.ErrorIs(t, app.VerifySignature(d, "c"), core.ErrBadSignature)
	require.False(t, accepted(txs), "a block with a badly signed tx must be rejected")
	require.Equal(t, []uint32{CodeOK}, faultTestBlock(t, s, 2, grant)) // an honest proposer's block

	// Height 3, replay: the grant left the mempool, so it is replayed.
	txs = propose(3)
	require.Equal(t, [][]byte{grant}, txs)
	require.False(t, accepted(txs), "a block replaying a committed tx must be rejected")
	require.Equal(t, []uint32{Code(core.ErrReplay)}, faultTestBlock(t, s, 3, txs...))

	// Height 4, unchecked: well signed, not authorised.
	txs = propose(4)
	require.Len(t, txs, 1)
	d, err = app.Decode(txs[0], app.DefaultMaxTxBytes)
	require.NoError(t, err)
	require.NoError(t, app.VerifySignature(d, "c"))
	require.True(t, strings.HasPrefix(string(d.Tx.Msg.Body), `{"parcel_id":"`+FaultParcelPrefix), "%s", d.Tx.Msg.Body)
	require.True(t, accepted(txs))
	require.Equal(t, []uint32{Code(core.ErrMissingRole)}, faultTestBlock(t, s, 4, txs...))

	// Height 5, bad-signature again, with no room left: nothing is added.
	req := &abcitypes.RequestPrepareProposal{Height: 5, Txs: [][]byte{grant}, MaxTxBytes: int64(len(grant))}
	require.Equal(t, [][]byte{grant}, b.propose(s, modes, req, req.Txs, [][]byte{grant}))
}
