package testnet

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/abci"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/client"
)

// The invariants every scenario ends with. They read the nodes through
// RPC only, once the faults are over and every node runs.

// checkAfter is the end of a scenario: once every running node is a
// block past the tip, safety (checkSafety) and durability of the
// workload's operations (checkOps).
func (nw *network) checkAfter(ctx context.Context, ops []opRecord) {
	nw.t.Helper()
	nw.waitHeight(nw.maxHeight()+1, 30*time.Second)
	nw.checkSafety(ctx)
	nw.checkOps(ctx, ops)
}

// checkSafety requires every node to report the same block id and app
// hash at every height from 1 to the lowest latest height among them, and
// each node's ABCI Info app hash at its last height H to equal header
// H+1's AppHash.
func (nw *network) checkSafety(ctx context.Context) {
	t := nw.t
	t.Helper()
	top := int64(-1)
	for _, nd := range nw.nodes {
		h, err := nd.Height()
		require.NoError(t, err, "%s", nd.name)
		if top < 0 || h < top {
			top = h
		}
	}
	require.Positive(t, top)
	type meta struct{ block, app []byte }
	var ref []meta // by height-1, from node 0
	for i, nd := range nw.nodes {
		cl := nd.Client()
		for lo := int64(1); lo <= top; lo += 20 {
			hi := min(lo+19, top)
			res, err := cl.RPC().BlockchainInfo(ctx, lo, hi)
			require.NoError(t, err, "%s blockchain %d-%d", nd.name, lo, hi)
			require.Len(t, res.BlockMetas, int(hi-lo+1))
			for _, bm := range res.BlockMetas { // newest first
				h := bm.Header.Height
				m := meta{block: bm.BlockID.Hash, app: bm.Header.AppHash}
				if i == 0 {
					for int64(len(ref)) < h {
						ref = append(ref, meta{})
					}
					ref[h-1] = m
					continue
				}
				require.Equal(t, ref[h-1].block, m.block, "fork: %s and %s disagree on block %d", nw.nodes[0].name, nd.name, h)
				require.Equal(t, ref[h-1].app, m.app, "%s and %s disagree on app hash in header %d", nw.nodes[0].name, nd.name, h)
			}
		}
	}
	// Info's app hash is the state after its last block: the next header
	// carries it.
	for _, nd := range nw.nodes {
		nd.checkInfoAppHash(ctx)
	}
}

// checkInfoAppHash requires the app hash nd's ABCI Info reports for its
// last block H to equal the AppHash in nd's header H+1 (waiting up to 30 s
// for that header).
func (nd *node) checkInfoAppHash(ctx context.Context) {
	t := nd.tb
	t.Helper()
	cl := nd.Client()
	info, err := cl.RPC().ABCIInfo(ctx)
	require.NoError(t, err, "%s", nd.name)
	h := info.Response.LastBlockHeight
	var next []byte
	require.Eventually(t, func() bool {
		hdr, err := cl.RPC().Header(ctx, ptr(h+1))
		if err != nil || hdr.Header == nil {
			return false
		}
		next = hdr.Header.AppHash
		return true
	}, 30*time.Second, 200*time.Millisecond, "%s: no header %d", nd.name, h+1)
	require.True(t, bytes.Equal(info.Response.LastBlockAppHash, next),
		"%s: Info app hash at %d is %X, header %d says %X", nd.name, h, info.Response.LastBlockAppHash, h+1, next)
}

// committed is a logged transaction found in a block, with its result.
type committed struct {
	op     opRecord
	height int64
	index  uint32
	code   uint32
	// transfer is the transfer id a land/propose_transfer created.
	transfer uint64
}

// heightOf is c's height, 0 for none.
func heightOf(c *committed) int64 {
	if c == nil {
		return 0
	}
	return c.height
}

// checkOps compares the workload's log with the chain on every node:
// an ok transaction is in the same block with code 0 everywhere
// (durability); one refused by CheckTx is in no block; one that failed in
// its block is there with that code; an unknown one is present at most
// once (and the same everywhere). Then it replays every logged
// transaction found in a block, in block order, against a model of the
// land registry and requires:
//   - no parcel id registered twice, and a registration refused in its
//     block as a duplicate only after one took effect;
//   - a transfer proposed only by the owner in the model, and refused as
//     not the owner's only when the model says so;
//   - each transfer registered only while its seller was the owner in the
//     model (the compare-and-set held), a registration refused as
//     superseded (or "ownership changed") only when it had changed, and
//     at most one transfer registered of those proposed from the same
//     owner state;
//   - every parcel's owner, registrar and registration height on chain as
//     the replay makes them, and no parcel whose registration never took
//     effect.
func (nw *network) checkOps(ctx context.Context, ops []opRecord) {
	t := nw.t
	t.Helper()
	var ok, failed, unknown int
	var inChain []committed // in a block, whatever the client saw
	hashes := map[string]bool{}
	for _, op := range ops {
		require.False(t, hashes[op.Hash], "the workload logged transaction %s twice", op.Hash)
		hashes[op.Hash] = true
		// What every node says of the transaction: they must all agree.
		var seen *committed
		for i, nd := range nw.nodes {
			res, err := nd.Client().RPC().Tx(ctx, mustHex(op.Hash), false)
			if err != nil {
				require.Contains(t, err.Error(), "not found", "%s: tx %s", nd.name, op.Hash)
				require.True(t, i == 0 || seen == nil, "%s %s (%s) is missing on %s only", op.Kind, op.Hash, op.Outcome, nd.name)
				continue
			}
			require.True(t, i == 0 || seen != nil, "%s %s (%s) is on %s only", op.Kind, op.Hash, op.Outcome, nd.name)
			if seen == nil {
				seen = &committed{op: op, height: res.Height, index: res.Index, code: res.TxResult.Code}
				for _, ev := range res.TxResult.Events {
					for _, a := range ev.Attributes {
						if a.Key == "transfer_id" && seen.transfer == 0 {
							seen.transfer, _ = strconv.ParseUint(a.Value, 10, 64)
						}
					}
				}
				continue
			}
			require.Equal(t, seen.height, res.Height, "%s %s at two heights", op.Kind, op.Hash)
			require.Equal(t, seen.code, res.TxResult.Code, "%s %s with two results", op.Kind, op.Hash)
		}
		switch {
		case op.Outcome == outcomeOK:
			require.NotNil(t, seen, "durability: %s %s, ok at height %d, is not in the chain", op.Kind, op.Hash, op.Height)
			require.Zero(t, seen.code)
			require.Equal(t, op.Height, seen.height)
		case op.Outcome == outcomeFailed && op.Height == 0:
			require.Nil(t, seen, "%s %s was refused by CheckTx but is in block %d", op.Kind, op.Hash, heightOf(seen))
		case op.Outcome == outcomeFailed:
			require.NotNil(t, seen, "%s %s failed in block %d but is not there", op.Kind, op.Hash, op.Height)
			require.Equal(t, op.Code, seen.code)
		}
		if seen != nil {
			inChain = append(inChain, *seen)
		}
		switch op.Outcome {
		case outcomeOK:
			ok++
		case outcomeFailed:
			failed++
		default:
			unknown++
		}
	}
	effects := 0
	for _, c := range inChain {
		if c.code == 0 {
			effects++
		}
	}
	t.Logf("workload: %d operations: %d ok, %d failed, %d unknown; %d took effect", len(ops), ok, failed, unknown, effects)
	require.Positive(t, ok, "the workload committed nothing")

	model := opsReplay(t, inChain)
	attempts := map[string]int{} // registrations of each id, whatever their outcome
	var ids []string
	for _, op := range ops {
		if op.Kind == land.TypeRegisterParcel {
			if attempts[op.Parcel] == 0 {
				ids = append(ids, op.Parcel)
			}
			attempts[op.Parcel]++
		}
	}
	// Refusals the clients saw, in CheckTx or in their block.
	dupRefused, changedRefused := 0, 0
	for _, op := range ops {
		switch {
		case op.Outcome != outcomeFailed:
		case op.Kind == land.TypeRegisterParcel && op.Code == abci.Code(land.ErrParcelExists):
			dupRefused++
		case op.Kind == land.TypeRegisterTransfer && (op.Code == abci.Code(land.ErrOwnershipChanged) || op.Code == abci.Code(land.ErrTransferSuperseded)):
			changedRefused++
		}
	}
	contested, contestedWon := 0, 0
	for _, id := range ids {
		if attempts[id] > 1 {
			contested++
			if model.parcels[id] != nil {
				contestedWon++
			}
		}
	}
	t.Logf("contention: %d parcel ids registered by two or more clients, %d of them once; %d duplicate registrations refused (%d in their block);"+
		" %d owner states with two or more transfers proposed, %d of them won by one; %d transfers registered, %d refused as ownership changed (%d in their block)",
		contested, contestedWon, dupRefused, model.dupInBlock, model.races, model.racesWon, model.registered, changedRefused, model.lost)

	// The chain's parcels are what the replay made them.
	cl := nw.nodes[0].Client()
	for _, id := range ids {
		want := model.parcels[id]
		res, err := cl.Query(ctx, "/land/parcel/"+id, client.QueryOptions{})
		if want == nil {
			require.Error(t, err, "parcel %s exists though no registration of it took effect", id)
			require.True(t, strings.Contains(err.Error(), "parcel not found"), "%v", err)
			continue
		}
		require.NoError(t, err, "parcel %s", id)
		var p land.Parcel
		require.NoError(t, json.Unmarshal(res.Value, &p))
		require.Len(t, p.Owners, 1)
		require.Equal(t, want.owner, p.Owners[0].Account, "parcel %s: owner differs from the replay of the committed operations", id)
		require.Equal(t, want.registeredBy, p.RegisteredBy, "parcel %s: registered by another registrar than the one whose registration took effect", id)
		require.Equal(t, want.height, p.RegisteredHeight, "parcel %s: registered at another height", id)
	}
}

// opsModel is the land registry as the replay of the logged transactions
// makes it, with counts of the contention seen.
type opsModel struct {
	parcels map[string]*opsParcel
	// dupInBlock: registrations refused in their block as duplicates;
	// races: owner states from which two or more transfers were proposed,
	// racesWon: those of them from which one registered; registered and
	// lost: transfers registered, and refused as superseded (their
	// ownership changed).
	dupInBlock, races, racesWon, registered, lost int
}

// opsParcel is one parcel of the model.
type opsParcel struct {
	owner        core.Address
	registeredBy core.Address
	height       int64
	// epoch counts the ownership changes since registration: it names the
	// owner state a transfer is proposed from.
	epoch int
}

// opsReplay applies the transactions found in blocks, in block order, to
// the model, requiring the registry's rules of each (see checkOps).
func opsReplay(t testing.TB, inChain []committed) *opsModel {
	t.Helper()
	sort.Slice(inChain, func(i, j int) bool {
		if inChain[i].height != inChain[j].height {
			return inChain[i].height < inChain[j].height
		}
		return inChain[i].index < inChain[j].index
	})
	var (
		codeExists     = abci.Code(land.ErrParcelExists)
		codeNotOwner   = abci.Code(land.ErrNotOwner)
		codeChanged    = abci.Code(land.ErrOwnershipChanged)
		codeSuperseded = abci.Code(land.ErrTransferSuperseded)
	)
	type proposal struct {
		parcel string
		seller core.Address
		epoch  int
	}
	type ownerState struct {
		parcel string
		epoch  int
	}
	m := &opsModel{parcels: map[string]*opsParcel{}}
	proposals := map[uint64]proposal{}
	proposed, won := map[ownerState]int{}, map[ownerState]int{}
	for _, e := range inChain {
		op, p := e.op, m.parcels[e.op.Parcel]
		switch op.Kind {
		case land.TypeRegisterParcel:
			switch {
			case e.code == 0:
				require.Nil(t, p, "parcel %s registered twice: at height %d, and again at %d (%s)", op.Parcel, p.heightOr0(), e.height, op.Hash)
				m.parcels[op.Parcel] = &opsParcel{owner: op.Buyer, registeredBy: op.Signer, height: e.height}
			case e.code == codeExists:
				require.NotNil(t, p, "registration %s of %s refused in block %d as a duplicate, but none took effect before", op.Hash, op.Parcel, e.height)
				m.dupInBlock++
			}
		case land.TypeProposeTransfer:
			switch {
			case e.code == 0:
				require.NotNil(t, p, "transfer %s proposed in block %d on parcel %s, which does not exist", op.Hash, e.height, op.Parcel)
				require.Equal(t, p.owner, op.Seller, "transfer %s of parcel %s proposed in block %d by %s, who is not the owner", op.Hash, op.Parcel, e.height, op.Seller)
				require.NotZero(t, e.transfer, "proposal %s has no transfer_id event", op.Hash)
				proposals[e.transfer] = proposal{parcel: op.Parcel, seller: op.Seller, epoch: p.epoch}
				st := ownerState{op.Parcel, p.epoch}
				proposed[st]++
				if proposed[st] == 2 {
					m.races++
				}
			case e.code == codeNotOwner && p != nil:
				require.NotEqual(t, p.owner, op.Seller, "proposal %s refused in block %d as not the owner's, but %s owned %s", op.Hash, e.height, op.Seller, op.Parcel)
			}
		case land.TypeRegisterTransfer:
			pr, found := proposals[op.Transfer]
			switch {
			case e.code == 0:
				require.True(t, found, "transfer %d registered in block %d (%s), but its proposal is not in the log", op.Transfer, e.height, op.Hash)
				require.Equal(t, pr.parcel, op.Parcel)
				require.NotNil(t, p)
				require.Equal(t, pr.seller, p.owner, "compare-and-set: transfer %d of %s registered in block %d, but the owner was %s, not its seller %s",
					op.Transfer, op.Parcel, e.height, p.owner, pr.seller)
				st := ownerState{op.Parcel, pr.epoch}
				won[st]++
				require.Equal(t, 1, won[st], "compare-and-set: %d transfers of %s registered from its owner state %d", won[st], op.Parcel, pr.epoch)
				if proposed[st] > 1 {
					m.racesWon++
				}
				p.owner = op.Buyer
				p.epoch++
				m.registered++
			case e.code == codeChanged || e.code == codeSuperseded:
				require.NotNil(t, p)
				require.NotEqual(t, op.Seller, p.owner, "transfer %d of %s refused in block %d as ownership changed, but its seller %s still owned it",
					op.Transfer, op.Parcel, e.height, op.Seller)
				m.lost++
			}
		}
	}
	return m
}

// heightOr0 is the parcel's registration height, 0 for none.
func (p *opsParcel) heightOr0() int64 {
	if p == nil {
		return 0
	}
	return p.height
}

// liveness watches the network's tip while a scenario runs and records
// the longest time without a new block.
type liveness struct {
	nw      *network
	stopped chan struct{}
	wg      sync.WaitGroup

	mu       sync.Mutex
	maxStall time.Duration
}

// watchLiveness starts watching nw's tip every 250 ms until stop, which
// returns the longest time without a new block.
func watchLiveness(nw *network) *liveness {
	l := &liveness{nw: nw, stopped: make(chan struct{})}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		last, lastAt := nw.maxHeight(), time.Now()
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-l.stopped:
				return
			case <-tick.C:
			}
			if h := nw.maxHeight(); h > last {
				last, lastAt = h, time.Now()
			}
			l.mu.Lock()
			l.maxStall = max(l.maxStall, time.Since(lastAt))
			l.mu.Unlock()
		}
	}()
	nw.t.Cleanup(func() { l.stop() })
	return l
}

// stop ends the watch and returns the longest stall seen.
func (l *liveness) stop() time.Duration {
	select {
	case <-l.stopped:
	default:
		close(l.stopped)
	}
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.maxStall
}
