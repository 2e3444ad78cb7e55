package testnet

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/abci"
	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/client"
)

// The parcel ids the byzantine proposer makes up start with these (see
// faultTx in abci/faults_inject.go: BYZ-<mode>-<height>-<n>).
const (
	byzUncheckedPrefix = "BYZ-unchecked-"
	byzBadSigPrefix    = "BYZ-bad-signature-"
)

// byzLogLevel logs the abci module's proposal rejections on every node.
const byzLogLevel = "GOVCHAIN_LOG_LEVEL=main:info,state:info,abci:info,*:warn"

// TestScenarioByzantineProposer is scenario 6: one of four validators
// runs the faultinject build as a byzantine proposer; each of its
// proposals in turn adds a badly signed transaction, replays of committed
// transactions, or a well-signed but unauthorised one, none of which went
// through CheckTx; the workload runs meanwhile. Then, read from the
// blocks and block results over RPC:
//   - no committed transaction has a bad signature and none is committed
//     twice: the honest validators' ProcessProposal rejected the blocks
//     with a forged signature or a replay (their logs say so, with the
//     reason: ErrBadSignature or ErrReplay, and nothing else) and the
//     chain went on with other rounds and proposers;
//   - every unauthorised transaction is in a block of the byzantine
//     proposer and failed with ErrMissingRole, with the same code on every
//     node, and the parcels they meant to create do not exist;
//   - safety, durability (the workload's log against the chain, each
//     transaction looked up by hash) and liveness hold.
//
// The short version runs at least 15 s, the full one 2 min; both run
// until each kind of misbehaviour has been seen (1, or 3 in the full
// version), with a bound.
func TestScenarioByzantineProposer(t *testing.T) {
	t.Parallel()
	minRun, maxRun, minEach := 15*time.Second, 60*time.Second, 1
	if fullE2E() {
		minRun, maxRun, minEach = 2*time.Minute, 4*time.Minute, 3
	}
	seed := scenarioSeed(t)
	byz := rand.New(rand.NewPCG(seed, 6)).IntN(4)
	nw := startNetwork(t, netConfig{validators: 4, before: func(nw *network) {
		for _, nd := range nw.nodes {
			nd.env = []string{byzLogLevel}
		}
		b := nw.nodes[byz]
		b.bin = faultBinary
		b.env = append(b.env, "GOVCHAIN_FAULT_PROPOSER=bad-signature,replay,unchecked")
	}})
	bad := nw.nodes[byz]
	ctx, cancel := context.WithTimeout(context.Background(), maxRun+4*time.Minute)
	defer cancel()
	st, err := bad.Client().RPC().Status(ctx)
	require.NoError(t, err)
	sc := &byzScan{nw: nw, byzAddr: st.ValidatorInfo.Address, next: 1, first: map[string]int64{}, byByz: map[int64]bool{}}
	t.Logf("byzantine proposer: %s (validator %X)", bad.name, sc.byzAddr)

	live := watchLiveness(nw)
	w := startWorkload(nw, seed)
	start := time.Now()
	var badProposals, replayProposals, sigRejections, replayRejections int
	for {
		time.Sleep(2 * time.Second)
		sc.scan(ctx)
		badProposals = byzCount(bad, "mode=bad-signature added=1")
		replayProposals = len(byzLines(bad, "mode=replay added=")) - byzCount(bad, "mode=replay added=0")
		sigRejections, replayRejections = 0, 0
		for _, nd := range nw.validators() {
			if nd != bad {
				for _, line := range byzLines(nd, "rejected proposal") {
					switch {
					case strings.Contains(line, core.ErrBadSignature.Error()):
						sigRejections++
					case strings.Contains(line, core.ErrReplay.Error()):
						replayRejections++
					default:
						require.Fail(t, "a proposal rejected for another reason", "%s: %s", nd.name, line)
					}
				}
			}
		}
		done := sc.unchecked >= minEach && badProposals >= minEach && replayProposals >= minEach &&
			sigRejections >= minEach && replayRejections >= minEach
		if done && time.Since(start) >= minRun {
			break
		}
		require.Less(t, time.Since(start), maxRun,
			"after %s: %d bad-signature and %d replay proposals, rejected %d and %d times by honest validators, %d unauthorised txs committed; want %d of each",
			maxRun, badProposals, replayProposals, sigRejections, replayRejections, sc.unchecked, minEach)
	}
	ops := w.stop()
	stall := live.stop()

	nw.waitHeight(nw.maxHeight()+1, 30*time.Second)
	sc.scan(ctx)
	sc.sameResultsEverywhere(ctx)
	// The heights of the forged and replaying proposals were decided in
	// another round, by another proposer.
	forged, decidedByOthers := 0, 0
	for _, line := range byzLines(bad, "mode=") {
		if !strings.Contains(line, "mode=bad-signature added=1") && (!strings.Contains(line, "mode=replay added=") || strings.Contains(line, "mode=replay added=0")) {
			continue
		}
		m := regexp.MustCompile(` height=(\d+) `).FindStringSubmatch(line)
		require.NotNil(t, m, "%s", line)
		h, err := strconv.ParseInt(m[1], 10, 64)
		require.NoError(t, err)
		if h < sc.next {
			forged++
			if !sc.byByz[h] {
				decidedByOthers++
			}
		}
	}
	require.Positive(t, decidedByOthers, "no height with a forged or replaying proposal was decided by another proposer")
	cl := nw.nodes[0].Client()
	for _, id := range sc.parcels {
		_, err := cl.Query(ctx, "/land/parcel/"+id, client.QueryOptions{})
		require.ErrorContains(t, err, "parcel not found", "the unauthorised registration of %s took effect", id)
	}
	t.Logf("%d bad-signature and %d replay proposals by %s, rejected %d and %d times by honest validators; %d of %d of those heights decided by another proposer; committed: %d unauthorised txs (%s), in %d blocks of %s; %d blocks scanned; longest time without a new block: %s",
		badProposals, replayProposals, bad.name, sigRejections, replayRejections, decidedByOthers, forged, sc.unchecked, core.ErrMissingRole, len(sc.byzHeights), bad.name, sc.next-1, stall.Round(time.Millisecond))
	require.Less(t, stall, 15*time.Second, "liveness: the chain stalled with one byzantine validator of four")

	nw.checkSafety(ctx)
	nw.checkOps(ctx, ops)
}

// byzScan is what TestScenarioByzantineProposer has read of the chain
// (from node 0) so far; scan asserts as it reads.
type byzScan struct {
	nw      *network
	byzAddr []byte
	next    int64 // the next height to read
	// first maps a tx hash to its block.
	first      map[string]int64
	unchecked  int
	parcels    []string // the unauthorised registrations' parcel ids
	byzHeights []int64  // blocks holding an injected tx
	// byByz tells, for each height read, whether the byzantine node
	// proposed its block.
	byByz map[int64]bool
}

// scan reads the blocks from sc.next to node 0's latest, and their
// results, from node 0. Every
// transaction must decode, carry a valid signature (so no badly signed
// one was ever committed) and be in the chain once (so no replay was); an
// injected unauthorised registration must be in a block of the byzantine
// proposer and have failed with ErrMissingRole.
func (sc *byzScan) scan(ctx context.Context) {
	t := sc.nw.t
	t.Helper()
	top, err := sc.nw.nodes[0].Height()
	require.NoError(t, err)
	cl := sc.nw.nodes[0].Client()
	for ; sc.next <= top; sc.next++ {
		h := sc.next
		blk, err := cl.RPC().Block(ctx, &h)
		require.NoError(t, err, "block %d", h)
		res, err := cl.RPC().BlockResults(ctx, &h)
		require.NoError(t, err, "results of block %d", h)
		require.Len(t, res.TxsResults, len(blk.Block.Txs), "block %d", h)
		byProposer := bytes.Equal(blk.Block.ProposerAddress, sc.byzAddr)
		sc.byByz[h] = byProposer
		injected := false
		for i, raw := range blk.Block.Txs {
			code := res.TxsResults[i].Code
			d, err := app.Decode(raw, app.DefaultMaxTxBytes)
			require.NoError(t, err, "block %d tx %d does not decode", h, i)
			require.NoError(t, app.VerifySignature(d, sc.nw.chainID), "a badly signed tx is in committed block %d (tx %d)", h, i)
			hash := cmtHash(raw)
			if prev, ok := sc.first[hash]; ok {
				require.Fail(t, "a replay was committed", "block %d (proposer %X) holds tx %s again, first committed in block %d (code %d: %s)",
					h, blk.Block.ProposerAddress, hash, prev, code, res.TxsResults[i].Log)
			}
			sc.first[hash] = h
			if d.Tx.Msg.Type != land.TypeRegisterParcel {
				continue
			}
			var p struct {
				ParcelID string `json:"parcel_id"`
			}
			require.NoError(t, json.Unmarshal(d.Tx.Msg.Body, &p))
			require.False(t, strings.HasPrefix(p.ParcelID, byzBadSigPrefix), "block %d holds the forged registration %s", h, p.ParcelID)
			if strings.HasPrefix(p.ParcelID, byzUncheckedPrefix) {
				require.True(t, byProposer, "block %d holds %s but the byzantine node did not propose it", h, p.ParcelID)
				require.Equal(t, abci.Code(core.ErrMissingRole), code, "unauthorised %s in block %d: %s", p.ParcelID, h, res.TxsResults[i].Log)
				sc.unchecked++
				sc.parcels = append(sc.parcels, p.ParcelID)
				injected = true
			}
		}
		if injected {
			sc.byzHeights = append(sc.byzHeights, h)
		}
	}
}

// sameResultsEverywhere requires every node to report, for each block
// holding an injected transaction, the same result code and log for each
// of its transactions as node 0.
func (sc *byzScan) sameResultsEverywhere(ctx context.Context) {
	t := sc.nw.t
	t.Helper()
	for _, h := range sc.byzHeights {
		ref, err := sc.nw.nodes[0].Client().RPC().BlockResults(ctx, &h)
		require.NoError(t, err)
		for _, nd := range sc.nw.nodes[1:] {
			got, err := nd.Client().RPC().BlockResults(ctx, &h)
			require.NoError(t, err, "%s: results of block %d", nd.name, h)
			require.Len(t, got.TxsResults, len(ref.TxsResults))
			for i := range ref.TxsResults {
				require.Equal(t, ref.TxsResults[i].Code, got.TxsResults[i].Code, "%s: block %d tx %d", nd.name, h, i)
				require.Equal(t, ref.TxsResults[i].Log, got.TxsResults[i].Log, "%s: block %d tx %d", nd.name, h, i)
			}
		}
	}
}

// byzLines returns the lines of nd's whole log that contain s.
func byzLines(nd *node, s string) []string {
	var out []string
	for _, line := range strings.Split(nd.Log(), "\n") {
		if strings.Contains(line, s) {
			out = append(out, line)
		}
	}
	return out
}

// byzCount counts the lines of nd's whole log that contain s.
func byzCount(nd *node, s string) int { return len(byzLines(nd, s)) }
