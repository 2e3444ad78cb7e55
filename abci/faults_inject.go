//go:build faultinject

package abci

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"

	abcitypes "github.com/cometbft/cometbft/abci/types"
	"github.com/cometbft/cometbft/crypto/ed25519"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
)

// The faultinject build's hooks (see faults.go for the production build).
// They are configured once, from the environment the process starts with:
//
//	GOVCHAIN_FAULT_COMMIT=before-write|after-write|before-return
//	GOVCHAIN_FAULT_HEIGHT=N
//	    SIGKILL the process at that point of Commit for block N: a real
//	    crash, with no deferred function, flush or clean-up run.
//	GOVCHAIN_FAULT_PROPOSER=bad-signature,replay,unchecked (any subset)
//	    be a byzantine proposer: each PrepareProposal uses the next mode in
//	    turn and appends transactions that never passed CheckTx:
//	    bad-signature: a transaction whose signature does not verify (the
//	        honest validators' ProcessProposal must reject the block);
//	    replay: transactions this node saw in its mempool at an earlier
//	        proposal and that have left it since, i.e. were committed
//	        (their sequences are used, so ProcessProposal must reject
//	        the block);
//	    unchecked: a well-signed transaction from a new key that is not
//	        authorised for its message (a parcel registration without the
//	        registrar role), so it fails against the state.
//
// Every fault is logged (module=abci, level error) before it happens, with
// "fault injection:" at the start of the message.

// Environment variables read by the faultinject build.
const (
	EnvFaultCommit   = "GOVCHAIN_FAULT_COMMIT"
	EnvFaultHeight   = "GOVCHAIN_FAULT_HEIGHT"
	EnvFaultProposer = "GOVCHAIN_FAULT_PROPOSER"
)

// The values GOVCHAIN_FAULT_COMMIT and GOVCHAIN_FAULT_PROPOSER accept.
var (
	faultCommitPoints  = []string{"before-write", "after-write", "before-return"}
	faultProposerModes = []string{"bad-signature", "replay", "unchecked"}
)

// FaultParcelPrefix starts the parcel id of every transaction the
// byzantine proposer makes up, so that a test can recognise them.
const FaultParcelPrefix = "BYZ-"

// faultConfig is the parsed fault environment.
type faultConfig struct {
	// commitPoint is empty or one of faultCommitPoints; commitHeight is
	// the block whose Commit crashes.
	commitPoint  string
	commitHeight int64
	// proposer lists the byzantine proposer's modes, used in turn.
	proposer []string
}

// parseFaultConfig reads the fault variables through getenv. A crash
// point needs a positive height; unknown values are errors.
func parseFaultConfig(getenv func(string) string) (faultConfig, error) {
	var c faultConfig
	if p := getenv(EnvFaultCommit); p != "" {
		if !slices.Contains(faultCommitPoints, p) {
			return c, fmt.Errorf("abci: %s=%q: want one of %s", EnvFaultCommit, p, strings.Join(faultCommitPoints, ", "))
		}
		h, err := strconv.ParseInt(getenv(EnvFaultHeight), 10, 64)
		if err != nil || h <= 0 {
			return c, fmt.Errorf("abci: %s=%q: want the positive height whose Commit crashes", EnvFaultHeight, getenv(EnvFaultHeight))
		}
		c.commitPoint, c.commitHeight = p, h
	} else if h := getenv(EnvFaultHeight); h != "" {
		return c, fmt.Errorf("abci: %s is set but %s is not", EnvFaultHeight, EnvFaultCommit)
	}
	if v := getenv(EnvFaultProposer); v != "" {
		for _, m := range strings.Split(v, ",") {
			m = strings.TrimSpace(m)
			if !slices.Contains(faultProposerModes, m) {
				return c, fmt.Errorf("abci: %s: unknown mode %q: want a list of %s", EnvFaultProposer, m, strings.Join(faultProposerModes, ", "))
			}
			c.proposer = append(c.proposer, m)
		}
	}
	return c, nil
}

// faultEnv is read once, when the process starts.
var faultEnv, faultEnvErr = parseFaultConfig(os.Getenv)

// faults returns the fault configuration; a malformed environment stops
// the node at its first hook, rather than running a test without its fault.
func faults() faultConfig {
	if faultEnvErr != nil {
		panic(faultEnvErr)
	}
	return faultEnv
}

// faultCommit kills the process at point when it is the configured crash
// point and the block being committed is the configured height.
func (s *Application) faultCommit(point string) {
	c := faults()
	if c.commitPoint != point {
		return
	}
	h, _ := s.app.Info() // the last committed version
	if point == "before-write" {
		h++ // the block being committed is not written yet
	}
	if h != c.commitHeight {
		return
	}
	s.logger.Error("fault injection: crashing inside Commit", "point", point, "height", h)
	_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {} // SIGKILL cannot be caught; nothing runs after it
}

// faultPropose appends the byzantine proposer's transactions to txs, as
// far as they fit in the request's MaxTxBytes; mempool is what the
// proposal was built from (the request's transactions, or the
// application's own pool).
func (s *Application) faultPropose(req *abcitypes.RequestPrepareProposal, mempool, txs [][]byte) [][]byte {
	modes := faults().proposer
	if len(modes) == 0 {
		return txs
	}
	return byzantine.propose(s, modes, req, mempool, txs)
}

// byzantine is the byzantine proposer's memory (one per process).
var byzantine = &byzantineProposer{}

// byzantineProposer remembers what a replay needs across proposals.
type byzantineProposer struct {
	mu    sync.Mutex
	calls int
	// seen holds mempool transactions of earlier proposals, oldest first.
	seen []seenTx
}

type seenTx struct {
	height int64
	tx     []byte
}

// maxSeen bounds the replay memory.
const maxSeen = 256

func (b *byzantineProposer) propose(s *Application, modes []string, req *abcitypes.RequestPrepareProposal, mempool, txs [][]byte) [][]byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	mode := modes[b.calls%len(modes)]
	b.calls++
	present := map[string]bool{}
	for _, tx := range slices.Concat(mempool, txs) {
		present[string(tx)] = true
	}
	var extra [][]byte
	var err error
	switch mode {
	case "bad-signature":
		var tx []byte
		if tx, err = s.faultTx(mode, req.Height, b.calls); err == nil {
			tx, err = corruptSignature(tx)
		}
		extra = append(extra, tx)
	case "replay":
		// A transaction seen at an earlier height that is no longer in the
		// mempool has been committed: include it again. Up to three.
		keep := b.seen[:0]
		for _, st := range b.seen {
			if len(extra) < 3 && st.height < req.Height && !present[string(st.tx)] {
				extra = append(extra, st.tx)
				continue
			}
			keep = append(keep, st)
		}
		b.seen = keep
	case "unchecked":
		var tx []byte
		tx, err = s.faultTx(mode, req.Height, b.calls)
		extra = append(extra, tx)
	}
	if err != nil {
		s.logger.Error("fault injection: cannot build a byzantine transaction", "mode", mode, "err", err)
		extra = nil
	}
	// Remember this mempool for later replays.
	known := map[string]bool{}
	for _, st := range b.seen {
		known[string(st.tx)] = true
	}
	for _, tx := range mempool {
		if !known[string(tx)] {
			b.seen = append(b.seen, seenTx{height: req.Height, tx: tx})
		}
	}
	if len(b.seen) > maxSeen {
		b.seen = slices.Clone(b.seen[len(b.seen)-maxSeen:])
	}

	var total int64
	for _, tx := range txs {
		total += int64(len(tx))
	}
	out := slices.Clip(txs)
	added := 0
	for _, tx := range extra {
		if total+int64(len(tx)) > req.MaxTxBytes {
			break
		}
		total += int64(len(tx))
		out = append(out, tx)
		added++
	}
	s.logger.Error("fault injection: byzantine proposal", "height", req.Height, "mode", mode, "added", added, "txs", len(out))
	return out
}

// faultTx builds a well-signed registration of parcel BYZ-<mode>-<height>-<n>
// by a new key derived from those values; the key holds no role, so the
// registration fails against the state.
func (s *Application) faultTx(mode string, height int64, n int) ([]byte, error) {
	id := fmt.Sprintf("%s%s-%d-%d", FaultParcelPrefix, mode, height, n)
	secret := sha256.Sum256([]byte("govchain fault injection " + id))
	key := ed25519.GenPrivKeyFromSecret(secret[:])
	owner := core.AddressOf(key.PubKey().(ed25519.PubKey))
	msg := &land.RegisterParcel{ParcelID: id, CadastralRef: "BYZ/" + id, AreaM2: 1, Location: "nowhere",
		Denominator: 1, Owners: []land.Share{{Account: owner, Shares: 1}}, DocumentHash: core.Hash{0xBB}}
	return app.NewTx(s.app.ChainID(), key, 0, msg)
}

// corruptSignature flips one bit of a transaction's signature and returns
// the canonical encoding of the result: it decodes, but does not verify.
func corruptSignature(raw []byte) ([]byte, error) {
	var tx app.Tx
	if err := json.Unmarshal(raw, &tx); err != nil {
		return nil, err
	}
	tx.Signature[0] ^= 1
	return json.Marshal(&tx)
}
