package testnet

import (
	"bytes"
	"context"
	"encoding/json"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/client"
)

// The invariants every scenario ends with. They read the nodes through
// RPC only, once the faults are over and every node runs.

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
		cl := nd.Client()
		info, err := cl.RPC().ABCIInfo(ctx)
		require.NoError(t, err)
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
}

// committed is a logged transaction found in a block.
type committed struct {
	op     opRecord
	height int64
	index  uint32
}

func heightOf(c *committed) int64 {
	if c == nil {
		return 0
	}
	return c.height
}

// checkOps compares the workload's log with the chain on every node:
// an ok transaction is in the same block with code 0 everywhere
// (durability); a failed one left no effect; an unknown one is present
// at most once (and the same everywhere). Then the parcels' owners must
// be what the committed operations, applied in order, make them.
func (nw *network) checkOps(ctx context.Context, ops []opRecord) {
	t := nw.t
	t.Helper()
	var ok, failed, unknown int
	var effects []committed // code 0 in a block, whatever the client saw
	for _, op := range ops {
		// What every node says of the transaction: they must all agree.
		var seen *committed
		var code uint32
		for i, nd := range nw.nodes {
			res, err := nd.Client().RPC().Tx(ctx, mustHex(op.Hash), false)
			if err != nil {
				require.Contains(t, err.Error(), "not found", "%s: tx %s", nd.name, op.Hash)
				require.True(t, i == 0 || seen == nil, "%s %s (%s) is missing on %s only", op.Kind, op.Hash, op.Outcome, nd.name)
				continue
			}
			require.True(t, i == 0 || seen != nil, "%s %s (%s) is on %s only", op.Kind, op.Hash, op.Outcome, nd.name)
			if seen == nil {
				seen, code = &committed{op: op, height: res.Height, index: res.Index}, res.TxResult.Code
				continue
			}
			require.Equal(t, seen.height, res.Height, "%s %s at two heights", op.Kind, op.Hash)
			require.Equal(t, code, res.TxResult.Code, "%s %s with two results", op.Kind, op.Hash)
		}
		switch {
		case op.Outcome == outcomeOK:
			require.NotNil(t, seen, "durability: %s %s, ok at height %d, is not in the chain", op.Kind, op.Hash, op.Height)
			require.Zero(t, code)
			require.Equal(t, op.Height, seen.height)
		case op.Outcome == outcomeFailed && op.Height == 0:
			require.Nil(t, seen, "%s %s was refused by CheckTx but is in block %d", op.Kind, op.Hash, heightOf(seen))
		case op.Outcome == outcomeFailed:
			require.NotNil(t, seen, "%s %s failed in block %d but is not there", op.Kind, op.Hash, op.Height)
			require.Equal(t, op.Code, code)
		}
		if seen != nil && code == 0 {
			effects = append(effects, *seen)
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
	t.Logf("workload: %d operations: %d ok, %d failed, %d unknown; %d took effect", len(ops), ok, failed, unknown, len(effects))
	require.Positive(t, ok, "the workload committed nothing")

	// The model: registrations set the owner, registered transfers move it.
	sort.Slice(effects, func(i, j int) bool {
		if effects[i].height != effects[j].height {
			return effects[i].height < effects[j].height
		}
		return effects[i].index < effects[j].index
	})
	owner := map[string]core.Address{}
	registered := map[string]int{}
	for _, e := range effects {
		switch e.op.Kind {
		case land.TypeRegisterParcel:
			registered[e.op.Parcel]++
			owner[e.op.Parcel] = e.op.Buyer
		case land.TypeRegisterTransfer:
			owner[e.op.Parcel] = e.op.Buyer
		}
	}
	cl := nw.nodes[0].Client()
	for _, op := range ops {
		if op.Kind != land.TypeRegisterParcel {
			continue
		}
		res, err := cl.Query(ctx, "/land/parcel/"+op.Parcel, client.QueryOptions{})
		if registered[op.Parcel] == 0 {
			require.Error(t, err, "parcel %s exists though its registration (%s) never took effect", op.Parcel, op.Outcome)
			require.True(t, strings.Contains(err.Error(), "parcel not found"), "%v", err)
			continue
		}
		require.Equal(t, 1, registered[op.Parcel], "parcel %s registered twice", op.Parcel)
		require.NoError(t, err, "parcel %s", op.Parcel)
		var p land.Parcel
		require.NoError(t, json.Unmarshal(res.Value, &p))
		require.Len(t, p.Owners, 1)
		require.Equal(t, owner[op.Parcel], p.Owners[0].Account, "parcel %s: owner differs from the committed operations", op.Parcel)
	}
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
