package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"sync"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"
	cmtypes "github.com/cometbft/cometbft/types"
)

// DefaultDoubleSignCheckHeight is the consensus.double_sign_check_height
// init writes for a validator (docs/operator.md, "Keys kept safe"): how
// many blocks back a validator looks, before it signs, for its own key's
// signatures made by another process (signGuard).
const DefaultDoubleSignCheckHeight = 10

// checkKeyFiles refuses key files that group or others may read or
// write (any permission bit but the owner's): the validator's consensus
// key and the node's P2P key. A file that does not exist is not checked
// (start says what is missing).
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
			how := "read"
			if perm&0o044 == 0 {
				how = "written or run"
			}
			return fmt.Errorf("%s may be %s by group or others (mode %04o): run chmod 600 %s", p, how, perm, p)
		}
	}
	return nil
}

// ErrSignedElsewhere is why a guarded validator stops: its key signed a
// recent block that this node did not sign. The text keeps CometBFT's
// own words for the same refusal (consensus.ErrSignatureFoundInPastBlocks).
var ErrSignedElsewhere = errors.New("found signature from the same key in a recent block that this node did not sign: another process signs with this validator key")

// signGuard is the node's validator with double_sign_check_height
// enforced by govchain instead of CometBFT.
//
// CometBFT's check refuses to start when the key's signature is in any
// of the last N commits, which a plain restart always finds (the node
// signed those blocks itself before it stopped). The guard refuses only
// signatures this node cannot have made: before each signature at height
// H it looks at the commits of the heights in [H-N, H-1] it has not looked
// at yet, and refuses, for good, if one of them, at a height above floor,
// holds a signature of the key that is not one of the precommit
// signatures this node made since it started. With this home's key (a
// FilePV) floor is the last height its priv_validator_state.json records
// at start; with a remote signer,
// which signs for this node only, it is the node's block store height at
// start + 1 (the highest height the node can have voted at before it
// stopped). So a restart of the machine that signed goes on, and a second
// process with the same key stops with ErrSignedElsewhere on failed: before
// its first signature when the blocks it holds at that point (after block
// sync) already show the other's signatures; otherwise as soon as a block
// it commits carries the other's precommit rather than its own, which may
// be after it signed a few votes (a copy started again after a short stop
// joins consensus at once, and both sign every height).
type signGuard struct {
	cmtypes.PrivValidator
	addr     cmtypes.Address
	lookBack int64
	// floor is the height at or below which signatures are this node's;
	// storeFloor: floor is set by setStore from the block store.
	floor      int64
	storeFloor bool
	// closeFn releases a remote signer's listener (nil for a FilePV).
	closeFn func() error

	mu    sync.Mutex
	store commitStore
	// checkedTo is the highest height whose commit was looked at;
	// signed holds the precommit signatures this node made since it
	// started, by height, above the lowest height still to look at.
	checkedTo int64
	signed    map[int64][][]byte
	err       error
	failed    chan error // receives err once
}

// nodePrivValidator returns the validator start gives CometBFT, after
// the key files' permissions are checked (checkKeyFiles): this home's
// FilePV or, with priv_validator_laddr set, the remote signer that
// connects to that address (this home's key file is then not read),
// behind a signGuard that takes over double_sign_check_height from conf,
// so that CometBFT's own check stays off. The guard's block store is set
// (setStore) once the node exists; close releases the remote signer's
// listener.
func nodePrivValidator(conf *cmtcfg.Config, nodeKey *p2p.NodeKey, logger cmtlog.Logger) (*signGuard, error) {
	if err := checkKeyFiles(conf.PrivValidatorKeyFile(), conf.NodeKeyFile()); err != nil {
		return nil, err
	}
	lookBack := conf.Consensus.DoubleSignCheckHeight
	conf.Consensus.DoubleSignCheckHeight = 0
	if laddr := conf.PrivValidatorListenAddr; laddr != "" {
		// What CometBFT's node does with priv_validator_laddr, with the
		// client kept here so that it can be guarded.
		conf.PrivValidatorListenAddr = ""
		doc, err := cmtypes.GenesisDocFromFile(conf.GenesisFile())
		if err != nil {
			return nil, err
		}
		ep, err := privval.NewSignerListenerFromAddr(laddr, nodeKey.PrivKey, logger.With("module", "privval"))
		if err != nil {
			return nil, fmt.Errorf("priv_validator_laddr %s: %w", laddr, err)
		}
		sc, err := privval.NewSignerClient(ep, doc.ChainID)
		if err != nil {
			return nil, fmt.Errorf("priv_validator_laddr %s: %w", laddr, err)
		}
		pk, err := sc.GetPubKey()
		if err != nil {
			_ = sc.Close()
			return nil, fmt.Errorf("priv_validator_laddr %s: no remote signer answered (start govchain signer): %w", laddr, err)
		}
		g := newSignGuard(privval.NewRetrySignerClient(sc, 50, 100*time.Millisecond), pk.Address(), lookBack, 0)
		g.storeFloor, g.closeFn = true, sc.Close
		return g, nil
	}
	// privval.LoadFilePV exits the process on a missing file: check first.
	for _, f := range []string{conf.PrivValidatorKeyFile(), conf.PrivValidatorStateFile()} {
		if _, err := os.Stat(f); err != nil {
			return nil, fmt.Errorf("%w (is %s a node home made by govchain init?)", err, conf.RootDir)
		}
	}
	pv := privval.LoadFilePV(conf.PrivValidatorKeyFile(), conf.PrivValidatorStateFile())
	return newSignGuard(pv, pv.GetAddress(), lookBack, pv.LastSignState.Height), nil
}

// newSignGuard guards pv, whose key has address addr, with lookBack
// heights (none if 0) above floor.
func newSignGuard(pv cmtypes.PrivValidator, addr cmtypes.Address, lookBack, floor int64) *signGuard {
	return &signGuard{PrivValidator: pv, addr: addr, lookBack: lookBack, floor: floor, failed: make(chan error, 1)}
}

// blockStore is what setStore reads of CometBFT's block store.
type blockStore interface {
	commitStore
	Height() int64
}

// setStore gives the guard the node's block store, before the node
// starts.
func (g *signGuard) setStore(s blockStore) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.store = s
	if g.storeFloor {
		g.floor = s.Height() + 1
	}
}

// close releases what the guarded validator holds.
func (g *signGuard) close() error {
	if g.closeFn == nil {
		return nil
	}
	return g.closeFn()
}

// SignVote signs vote unless the guard refuses.
func (g *signGuard) SignVote(chainID string, vote *cmtproto.Vote) error {
	if err := g.check(vote.Height); err != nil {
		return err
	}
	if err := g.PrivValidator.SignVote(chainID, vote); err != nil {
		return err
	}
	if vote.Type == cmtproto.PrecommitType {
		g.signedAt(vote.Height, vote.Signature)
	}
	return nil
}

// SignProposal signs proposal unless the guard refuses.
func (g *signGuard) SignProposal(chainID string, proposal *cmtproto.Proposal) error {
	if err := g.check(proposal.Height); err != nil {
		return err
	}
	return g.PrivValidator.SignProposal(chainID, proposal)
}

// signedAt records a precommit signature this node made at height (only
// precommits are in commits).
func (g *signGuard) signedAt(height int64, sig []byte) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.signed == nil {
		g.signed = map[int64][][]byte{}
	}
	g.signed[height] = append(g.signed[height], bytes.Clone(sig))
}

// mine reports whether sig is a precommit signature this node made at
// height since it started.
func (g *signGuard) mine(height int64, sig []byte) bool {
	return slices.ContainsFunc(g.signed[height], func(b []byte) bool { return bytes.Equal(b, sig) })
}

// check looks, before a signature at height, at the commits of the
// heights below it that it has not looked at yet, within the look-back
// and above the floor, for a signature of the key that this node did not
// make since it started. Once it finds one it refuses every signature.
func (g *signGuard) check(height int64) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.err != nil || g.lookBack == 0 {
		return g.err
	}
	if g.store == nil {
		return errors.New("govchain: the validator's guard has no block store yet")
	}
	lo := max(g.floor, g.checkedTo, height-1-g.lookBack)
	if h, ok := signedIn(g.store, g.addr, lo, height-1, g.mine); ok {
		g.err = fmt.Errorf("%w (height %d; before it, this node signed up to height %d; double_sign_check_height = %d)",
			ErrSignedElsewhere, h, g.floor, g.lookBack)
		g.failed <- g.err
		return g.err
	}
	g.checkedTo = max(g.checkedTo, height-1)
	for h := range g.signed {
		if h <= lo {
			delete(g.signed, h)
		}
	}
	return nil
}

// commitStore is the part of CometBFT's block store (store.BlockStore)
// the guard reads.
type commitStore interface {
	LoadSeenCommit(height int64) *cmtypes.Commit
	LoadBlockCommit(height int64) *cmtypes.Commit
}

// signedIn reports the highest height in (lo, hi] at which the stored
// commit holds a signature of addr that mine does not claim.
func signedIn(s commitStore, addr cmtypes.Address, lo, hi int64, mine func(height int64, sig []byte) bool) (int64, bool) {
	for h := hi; h > lo && h > 0; h-- {
		for _, c := range []*cmtypes.Commit{s.LoadSeenCommit(h), s.LoadBlockCommit(h)} {
			if c == nil {
				continue
			}
			for _, sig := range c.Signatures {
				if sig.BlockIDFlag != cmtypes.BlockIDFlagAbsent && bytes.Equal(addr, sig.ValidatorAddress) && !mine(h, sig.Signature) {
					return h, true
				}
			}
		}
	}
	return 0, false
}
