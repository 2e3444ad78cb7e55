package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/privval"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmtypes "github.com/cometbft/cometbft/types"
)

// DefaultDoubleSignCheckHeight is the consensus.double_sign_check_height
// init writes for a validator (docs/operator.md, "Keys kept safe"): how
// many blocks back a validator looks, before it signs for the first time
// after start, for its own key's signatures made by another process.
const DefaultDoubleSignCheckHeight = 10

// checkKeyFiles refuses key files that group or others may read or
// write: the validator's consensus key and the node's P2P key. A file
// that does not exist is not checked (start says what is missing).
func checkKeyFiles(paths ...string) error {
	for _, p := range paths {
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return err
		}
		if perm := fi.Mode().Perm(); perm&0o077 != 0 {
			return fmt.Errorf("%s may be read by group or others (mode %04o): run chmod 600 %s", p, perm, p)
		}
	}
	return nil
}

// ErrSignedElsewhere is why a guarded validator stops: its key signed a
// recent block that this home did not sign. The text keeps CometBFT's
// own words for the same refusal (consensus.ErrSignatureFoundInPastBlocks).
var ErrSignedElsewhere = errors.New("found signature from the same key in a recent block that this home did not sign: another process signs with this validator key")

// signGuard is the validator's key in this home (a FilePV) with
// double_sign_check_height enforced by govchain instead of CometBFT.
//
// CometBFT's check refuses to start when the key's signature is in any
// of the last N commits, which a plain restart always finds (the node
// signed those blocks itself before it stopped). The guard refuses only
// signatures this home cannot have made: before the first signature after
// start it looks at the commits of the N heights below the one it is asked
// to sign, and refuses, for good, if the key signed one of them at a
// height above the last one this home's priv_validator_state.json records
// at start. So a restart of the machine that signed goes on; a second
// copy of the key (a validator moved while the old machine still runs,
// or a copied key with an empty state) stops with ErrSignedElsewhere on
// failed, before it signs anything. The check runs after block sync, so it
// sees the blocks the network made while the node was down.
type signGuard struct {
	*privval.FilePV
	addr       cmtypes.Address
	lastSigned int64 // at start
	lookBack   int64

	mu      sync.Mutex
	store   commitStore
	checked bool
	err     error
	failed  chan error // receives err once
}

// nodePrivValidator returns the validator start gives CometBFT, after
// the key files' permissions are checked (checkKeyFiles): nil, with
// priv_validator_laddr set (CometBFT then asks the remote signer that
// connects to that address, and this home's key file is not read), or
// this home's FilePV behind a signGuard, which takes over
// double_sign_check_height from conf (guardConsensusConfig). The guard is
// also returned, nil with a remote signer.
func nodePrivValidator(conf *cmtcfg.Config) (cmtypes.PrivValidator, *signGuard, error) {
	if err := checkKeyFiles(conf.PrivValidatorKeyFile(), conf.NodeKeyFile()); err != nil {
		return nil, nil, err
	}
	if conf.PrivValidatorListenAddr != "" {
		return nil, nil, nil
	}
	// privval.LoadFilePV exits the process on a missing file: check first.
	for _, f := range []string{conf.PrivValidatorKeyFile(), conf.PrivValidatorStateFile()} {
		if _, err := os.Stat(f); err != nil {
			return nil, nil, fmt.Errorf("%w (is %s a node home made by govchain init?)", err, conf.RootDir)
		}
	}
	g := guardConsensusConfig(conf, privval.LoadFilePV(conf.PrivValidatorKeyFile(), conf.PrivValidatorStateFile()))
	return g, g, nil
}

// guardFailed is the channel on which g reports that it refused, or nil
// (never) without a guard.
func guardFailed(g *signGuard) <-chan error {
	if g == nil {
		return nil
	}
	return g.failed
}

// newSignGuard guards pv with lookBack heights (none if 0).
func newSignGuard(pv *privval.FilePV, lookBack int64) *signGuard {
	return &signGuard{FilePV: pv, addr: pv.GetAddress(), lastSigned: pv.LastSignState.Height, lookBack: lookBack,
		failed: make(chan error, 1)}
}

// guardConsensusConfig moves double_sign_check_height from conf to the
// returned guard of pv, so that CometBFT's own check stays off. The
// guard's block store is set (setStore) once the node exists.
func guardConsensusConfig(conf *cmtcfg.Config, pv *privval.FilePV) *signGuard {
	g := newSignGuard(pv, conf.Consensus.DoubleSignCheckHeight)
	conf.Consensus.DoubleSignCheckHeight = 0
	return g
}

// setStore gives the guard the node's block store.
func (g *signGuard) setStore(s commitStore) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.store = s
}

// SignVote signs vote unless the guard refuses.
func (g *signGuard) SignVote(chainID string, vote *cmtproto.Vote) error {
	if err := g.check(vote.Height); err != nil {
		return err
	}
	return g.FilePV.SignVote(chainID, vote)
}

// SignProposal signs proposal unless the guard refuses.
func (g *signGuard) SignProposal(chainID string, proposal *cmtproto.Proposal) error {
	if err := g.check(proposal.Height); err != nil {
		return err
	}
	return g.FilePV.SignProposal(chainID, proposal)
}

// check runs the look-back once, at the first signature, and keeps its
// answer.
func (g *signGuard) check(height int64) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.checked || g.lookBack == 0 {
		return g.err
	}
	if g.store == nil {
		return errors.New("govchain: the validator's guard has no block store yet")
	}
	g.checked = true
	if h, ok := signedAbove(g.store, g.addr, height, g.lookBack, g.lastSigned); ok {
		g.err = fmt.Errorf("%w (height %d; this home last signed at height %d; double_sign_check_height = %d)",
			ErrSignedElsewhere, h, g.lastSigned, g.lookBack)
		g.failed <- g.err
	}
	return g.err
}

// commitStore is the part of CometBFT's block store (store.BlockStore)
// the guard reads.
type commitStore interface {
	LoadSeenCommit(height int64) *cmtypes.Commit
	LoadBlockCommit(height int64) *cmtypes.Commit
}

// signedAbove reports the highest height in [height-lookBack, height-1],
// above floor, at which addr's signature is in the stored commit.
func signedAbove(s commitStore, addr cmtypes.Address, height, lookBack, floor int64) (int64, bool) {
	for h := height - 1; h >= height-lookBack && h > floor && h > 0; h-- {
		for _, c := range []*cmtypes.Commit{s.LoadSeenCommit(h), s.LoadBlockCommit(h)} {
			if c == nil {
				continue
			}
			for _, sig := range c.Signatures {
				if sig.BlockIDFlag != cmtypes.BlockIDFlagAbsent && bytes.Equal(addr, sig.ValidatorAddress) {
					return h, true
				}
			}
		}
	}
	return 0, false
}
