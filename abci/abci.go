package abci

import (
	"context"
	"fmt"
	"sync"
	"time"

	abcitypes "github.com/cometbft/cometbft/abci/types"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	cmtcrypto "github.com/cometbft/cometbft/proto/tendermint/crypto"
	cmttypes "github.com/cometbft/cometbft/types"

	"github.com/govchain/govchain/abci/metrics"
	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/gov"
	"github.com/govchain/govchain/app/upgrade"
	"github.com/govchain/govchain/snapshot"
	"github.com/govchain/govchain/state"
)

// Version is reported in Info; cmd sets it from the build.
type Version struct {
	// Software is the govchain version string.
	Software string
	// AppVersion is the state-machine protocol version; it changes only when
	// the rules change.
	AppVersion uint64
}

// Application is the abcitypes.Application that CometBFT drives.
type Application struct {
	abcitypes.BaseApplication
	app     *app.App
	logger  cmtlog.Logger
	version Version
	// snapshots serves and restores state-sync snapshots (snapshot.go);
	// nil when none is attached.
	snapshots *snapshot.Manager
	// metrics observes the hooks' results; nil records nothing.
	metrics *metrics.Metrics
	// treeSnapshot reports the engine snapshot the state tree is read
	// from (SetTreeSnapshot); nil: not watched. lastTreeSnapshot is the
	// value after the previous Commit.
	treeSnapshot     func() int64
	lastTreeSnapshot int64
	// finalized is the height of the last block FinalizeBlock executed,
	// for Commit's log lines (CometBFT calls the two in turn, never
	// concurrently).
	finalized int64
	// halted is closed once FinalizeBlock has refused a block for an
	// upgrade (upgrade.Stops); haltErr is why.
	halted   chan struct{}
	haltOnce sync.Once
	haltErr  error
}

var _ abcitypes.Application = (*Application)(nil)

// New wraps an App for CometBFT.
func New(a *app.App, logger cmtlog.Logger, v Version) *Application {
	return &Application{app: a, logger: logger, version: v, halted: make(chan struct{})}
}

// Halted is closed once FinalizeBlock has refused to execute a block
// because of an upgrade (a scheduled upgrade this binary does not carry,
// a failed migration, a state upgraded beyond this binary:
// upgrade.Stops); HaltErr then says why. Consensus cannot go on with
// this binary: the operator must stop the node and start the binary the
// reason names.
func (s *Application) Halted() <-chan struct{} { return s.halted }

// HaltErr is the reason Halted was closed (nil before).
func (s *Application) HaltErr() error {
	select {
	case <-s.halted:
		return s.haltErr
	default:
		return nil
	}
}

// SetMetrics makes the Application record its hooks' results and
// latencies in m (nil: none). Call it before CometBFT starts; metrics
// observe, they never change an answer.
func (s *Application) SetMetrics(m *metrics.Metrics) {
	s.metrics = m
	h, _ := s.app.Info()
	m.SetVersion(h)
}

// SetTreeSnapshot makes Commit log a line each time snapshot, the version
// of the engine snapshot the state tree is read from (store.TreeSnapshot),
// changes: the node switched to the snapshot its engine rewrote in the
// background (every snapshot_interval versions), which frees the memory
// of the versions before it and prunes the old snapshots and the
// write-ahead log. Call it before CometBFT starts.
func (s *Application) SetTreeSnapshot(snapshot func() int64) {
	s.treeSnapshot = snapshot
	s.lastTreeSnapshot = snapshot()
}

// Info reports exactly the last committed height and app hash, so that
// CometBFT's handshake replays whatever blocks the app is missing.
func (s *Application) Info(_ context.Context, _ *abcitypes.RequestInfo) (*abcitypes.ResponseInfo, error) {
	h, hash := s.app.Info()
	return &abcitypes.ResponseInfo{
		Data:             "govchain",
		Version:          s.version.Software,
		AppVersion:       s.version.AppVersion,
		LastBlockHeight:  h,
		LastBlockAppHash: hash,
	}, nil
}

// InitChain writes the genesis state. The validators CometBFT passes (from
// genesis.json) must be exactly the agencies' validators.
func (s *Application) InitChain(_ context.Context, req *abcitypes.RequestInitChain) (*abcitypes.ResponseInitChain, error) {
	hash, vals, err := s.app.InitChain(req.ChainId, req.Time, req.InitialHeight, req.AppStateBytes)
	if err != nil {
		return nil, err
	}
	updates := make([]abcitypes.ValidatorUpdate, 0, len(vals))
	for _, v := range vals {
		updates = append(updates, abcitypes.Ed25519ValidatorUpdate(v.PubKey, v.Power))
	}
	if len(req.Validators) > 0 {
		if err := sameValidators(req.Validators, updates); err != nil {
			return nil, err
		}
	}
	return &abcitypes.ResponseInitChain{AppHash: hash, Validators: updates}, nil
}

func sameValidators(a, b []abcitypes.ValidatorUpdate) error {
	key := func(v abcitypes.ValidatorUpdate) string {
		return fmt.Sprintf("%x/%d", v.PubKey.GetEd25519(), v.Power)
	}
	want := map[string]bool{}
	for _, v := range b {
		want[key(v)] = true
	}
	if len(a) != len(b) {
		return fmt.Errorf("abci: genesis.json lists %d validators, the agencies in app_state define %d", len(a), len(b))
	}
	for _, v := range a {
		if !want[key(v)] {
			return fmt.Errorf("abci: genesis validator %X (power %d) is not an agency's validator", v.PubKey.GetEd25519(), v.Power)
		}
	}
	return nil
}

// CheckTx admits a transaction to the mempool only if it would execute
// successfully against the last committed state. The recheck after each
// block keeps it only while its signer and sequence are still valid
// (app.RecheckTx), without running its message again.
func (s *Application) CheckTx(_ context.Context, req *abcitypes.RequestCheckTx) (*abcitypes.ResponseCheckTx, error) {
	start := time.Now()
	recheck := req.Type == abcitypes.CheckTxType_Recheck
	var res app.TxResult
	if recheck {
		res = s.app.RecheckTx(req.Tx)
	} else {
		res = s.app.CheckTx(req.Tx)
	}
	code := Code(res.Err)
	s.metrics.CheckTx(recheck, code, time.Since(start))
	if code != CodeOK {
		msg := "refused transaction"
		if recheck {
			msg = "dropped transaction on recheck"
		}
		s.logger.Debug(msg, "tx_hash", txHash(req.Tx), "code", code, "type", res.Type, "reason", res.Err)
	}
	return &abcitypes.ResponseCheckTx{Code: code, Log: Log(res.Err), Codespace: codespace(res.Err)}, nil
}

// InsertTx takes a transaction a peer gossiped into the node's own
// mempool (CometBFT's mempool type "app"; app.App.InsertTx).
func (s *Application) InsertTx(_ context.Context, req *abcitypes.RequestInsertTx) (*abcitypes.ResponseInsertTx, error) {
	err := s.app.InsertTx(req.Tx)
	return &abcitypes.ResponseInsertTx{Code: Code(err)}, nil
}

// ReapTxs returns the transactions that entered the node's own mempool
// since the last call, for CometBFT to gossip (app.App.ReapTxs).
func (s *Application) ReapTxs(_ context.Context, req *abcitypes.RequestReapTxs) (*abcitypes.ResponseReapTxs, error) {
	return &abcitypes.ResponseReapTxs{Txs: s.app.ReapTxs(req.MaxBytes)}, nil
}

// PrepareProposal drops transactions that fail the shared validity check.
// (The faultinject test build may then add byzantine ones: faults.go.)
func (s *Application) PrepareProposal(_ context.Context, req *abcitypes.RequestPrepareProposal) (*abcitypes.ResponsePrepareProposal, error) {
	in := req.Txs
	if s.app.PoolEnabled() {
		in = s.app.PoolTxs()
	}
	txs := s.app.PrepareProposal(in, req.MaxTxBytes)
	return &abcitypes.ResponsePrepareProposal{Txs: s.faultPropose(req, in, txs)}, nil
}

// ProcessProposal rejects a block carrying any transaction that fails the
// shared validity check or repeats a used sequence (a byzantine proposer's
// block; see app.App.ProcessProposal).
func (s *Application) ProcessProposal(_ context.Context, req *abcitypes.RequestProcessProposal) (*abcitypes.ResponseProcessProposal, error) {
	if err := s.app.ProcessProposal(req.Txs); err != nil {
		s.logger.Info("rejected proposal", "height", req.Height, "reason", err)
		return &abcitypes.ResponseProcessProposal{Status: abcitypes.ResponseProcessProposal_REJECT}, nil
	}
	return &abcitypes.ResponseProcessProposal{Status: abcitypes.ResponseProcessProposal_ACCEPT}, nil
}

// FinalizeBlock executes the decided block. An error stops the node.
func (s *Application) FinalizeBlock(_ context.Context, req *abcitypes.RequestFinalizeBlock) (*abcitypes.ResponseFinalizeBlock, error) {
	start, cpu, gcs := time.Now(), processCPU(), gcCycles()
	s.app.ObserveDecidedRound(req.Height-1, req.DecidedLastCommit.Round)
	block, err := s.app.FinalizeBlock(req.Height, req.Time, req.Txs, misbehavior(req.Misbehavior)...)
	if err != nil {
		s.logger.Error("cannot execute block; stopping", "height", req.Height, "err", err)
		if upgrade.Stops(err) {
			s.haltOnce.Do(func() {
				s.haltErr = err
				close(s.halted)
			})
		}
		return nil, err
	}
	s.finalized = req.Height
	out := make([]*abcitypes.ExecTxResult, len(block.Txs))
	failed := 0
	for i, r := range block.Txs {
		out[i] = &abcitypes.ExecTxResult{
			Code:      Code(r.Err),
			Log:       Log(r.Err),
			Codespace: codespace(r.Err),
			Events:    events(r.Events),
		}
		if r.Err != nil {
			failed++
			s.logger.Info("transaction failed in its block", "height", req.Height, "index", i, "tx_hash", txHash(req.Txs[i]),
				"code", out[i].Code, "type", r.Type, "reason", r.Err)
		} else {
			s.logger.Debug("transaction executed", "height", req.Height, "index", i, "tx_hash", txHash(req.Txs[i]), "type", r.Type)
		}
	}
	s.logger.Info("executed block", "height", req.Height, "txs", len(block.Txs), "failed", failed, "app_hash", fmt.Sprintf("%X", block.AppHash),
		"took", time.Since(start).Round(time.Millisecond), "checked", block.Checked,
		"cpu", (processCPU() - cpu).Round(time.Millisecond), "gc", gcCycles()-gcs)
	var updates []abcitypes.ValidatorUpdate
	for _, v := range block.ValidatorUpdates {
		updates = append(updates, abcitypes.Ed25519ValidatorUpdate(v.PubKey, v.Power))
	}
	if s.metrics != nil {
		observed := make([]metrics.Tx, len(block.Txs))
		for i, r := range block.Txs {
			observed[i] = metrics.Tx{Type: r.Type, Code: out[i].Code, Events: r.Events}
		}
		s.metrics.Block(observed, time.Since(start))
	}
	for _, ev := range block.Events {
		if ev.Type == "upgrade" {
			s.logger.Info("upgrade ran: its migration is in this block's state", "height", req.Height, "attrs", ev.Attrs)
			continue
		}
		if ev.Type != "gov.misbehavior" {
			continue
		}
		s.logger.Error("evidence of validator misbehaviour committed", "height", req.Height, "event", ev.Type, "attrs", ev.Attrs)
	}
	return &abcitypes.ResponseFinalizeBlock{TxResults: out, Events: events(block.Events), ValidatorUpdates: updates, AppHash: block.AppHash}, nil
}

// misbehavior converts the evidence CometBFT hands FinalizeBlock.
func misbehavior(list []abcitypes.Misbehavior) []gov.Misbehavior {
	out := make([]gov.Misbehavior, 0, len(list))
	for _, m := range list {
		typ := gov.MisbehaviorUnknown
		switch m.Type {
		case abcitypes.MisbehaviorType_DUPLICATE_VOTE:
			typ = gov.MisbehaviorDuplicateVote
		case abcitypes.MisbehaviorType_LIGHT_CLIENT_ATTACK:
			typ = gov.MisbehaviorLightClientAttack
		}
		out = append(out, gov.Misbehavior{
			Type: typ, Validator: m.Validator.Address, Power: m.Validator.Power,
			Height: m.Height, Time: m.Time, TotalVotingPower: m.TotalVotingPower,
		})
	}
	return out
}

// Commit persists the block durably. An error stops the node.
// The faultCommit calls are crash points of the faultinject test build
// (faults.go); they compile to nothing in production.
func (s *Application) Commit(_ context.Context, _ *abcitypes.RequestCommit) (*abcitypes.ResponseCommit, error) {
	s.faultCommit("before-write")
	start := time.Now()
	version, err := s.app.Commit()
	if err != nil {
		s.logger.Error("cannot commit; stopping", "height", s.finalized, "err", err)
		return nil, err
	}
	s.faultCommit("after-write")
	s.logger.Info("committed", "height", version)
	if s.treeSnapshot != nil {
		if snap := s.treeSnapshot(); snap != s.lastTreeSnapshot {
			s.logger.Info("state tree switched to its snapshot", "height", version, "snapshot", snap, "previous", s.lastTreeSnapshot)
			s.lastTreeSnapshot = snap
		}
	}
	s.metrics.Commit(version, time.Since(start))
	s.afterCommit(version)
	s.faultCommit("before-return")
	return &abcitypes.ResponseCommit{}, nil
}

// Query answers a query path. With prove=true, ProofOps holds one
// "ics23:iavl" op per key the answer rests on (op key = exact store key,
// data = the CommitmentProof), all against the app hash in header
// Height+1; a not-found answer carries an absence proof of its key.
func (s *Application) Query(_ context.Context, req *abcitypes.RequestQuery) (*abcitypes.ResponseQuery, error) {
	r := s.app.Query(req.Path, req.Height, req.Prove)
	resp := &abcitypes.ResponseQuery{
		Code:      Code(r.Err),
		Log:       Log(r.Err),
		Codespace: codespace(r.Err),
		Key:       r.Key,
		Value:     r.Value,
		Height:    r.Height,
	}
	if len(r.Proofs) > 0 {
		ops := &cmtcrypto.ProofOps{}
		for _, p := range r.Proofs {
			data, err := p.Proof.Marshal()
			if err != nil {
				resp.Code, resp.Log = CodeInternal, "internal error: encode proof: "+err.Error()
				return resp, nil
			}
			ops.Ops = append(ops.Ops, cmtcrypto.ProofOp{Type: state.ProofOpType, Key: p.Key, Data: data})
		}
		resp.ProofOps = ops
	}
	return resp, nil
}

// txHash is a transaction's hash as CometBFT's RPC and block explorers
// print it: the SHA-256 of its bytes in upper-case hex.
func txHash(tx []byte) string { return fmt.Sprintf("%X", cmttypes.Tx(tx).Hash()) }

func codespace(err error) string {
	if err == nil {
		return ""
	}
	return Codespace
}

func events(evs []core.Event) []abcitypes.Event {
	out := make([]abcitypes.Event, 0, len(evs))
	for _, e := range evs {
		ae := abcitypes.Event{Type: e.Type}
		for _, a := range e.Attrs {
			ae.Attributes = append(ae.Attributes, abcitypes.EventAttribute{Key: a.Key, Value: a.Value, Index: a.Index})
		}
		out = append(out, ae)
	}
	return out
}
