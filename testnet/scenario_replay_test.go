package testnet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/client"
)

// Result codes of abci/codes.go the scenario expects; they never change
// once released.
const (
	replayCodeMalformed  uint32 = 3  // core.ErrMalformedTx
	replayCodeWrongChain uint32 = 5  // core.ErrWrongChainID
	replayCodeBadSig     uint32 = 6  // core.ErrBadSignature
	replayCodeReplay     uint32 = 14 // core.ErrReplay
)

// replayCacheSize is the mempool cache_size of the node the replays are
// sent to: small, so that a few other transactions push a committed one
// out of it.
const replayCacheSize = 16

// TestScenarioReplay is scenario 8: replay and forgery at the network
// level. A registrar's RegisterParcel T commits; re-sent at once it is
// stopped by the mempool cache of the node. Then (a) once enough other
// transactions have pushed T out of that node's (deliberately small)
// cache, and (b) once the node it is sent to has restarted with an empty
// cache, the same bytes reach CheckTx and are refused as a replay (code
// 14). (c) The registrar's next transaction signed for another chain id is
// refused with code 5 by every node; (d) the same transaction signed for
// this chain but with one byte flipped in the signature, in the body, or
// in the chain id is refused (6, 6, 5), and so is one with a flipped byte
// that breaks the JSON (3). Blocks are then allowed to pass, and: T is in
// exactly one block, no forgery is in any block or known to any node's
// index, and the registrar's account record and the records T and the
// forgeries touch (proven against the headers) are byte for byte what they
// were before. Finally the untampered transaction commits, proving the
// refusals were the forgeries' and not the signer's. Safety at the end.
func TestScenarioReplay(t *testing.T) {
	t.Parallel()
	settle := int64(3)
	if fullE2E() {
		settle = 10
	}
	nw := startNetwork(t, netConfig{validators: 4, before: func(nw *network) {
		editNodeConfig(t, nw.nodes[1].home, func(c *cmtcfg.Config) { c.Mempool.CacheSize = replayCacheSize })
	}})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	target := nw.nodes[1]
	cl := target.Client()
	signer, err := nw.keys.Get("registrar-" + nw.nodes[0].agency)
	require.NoError(t, err)
	pusher, err := nw.keys.Get("registrar-" + nw.nodes[2].agency)
	require.NoError(t, err)

	// T: a registration that commits.
	seq, err := cl.NextSequence(ctx, signer.Address())
	require.NoError(t, err)
	txT := replayBuild(t, nw.chainID, signer, seq, "RP-T")
	hashT, err := cl.Broadcast(ctx, txT)
	require.NoError(t, err)
	resT, err := cl.WaitTx(ctx, hashT)
	require.NoError(t, err)
	t.Logf("T (%X, sequence %d) committed in block %d", hashT, seq, resT.Height)
	_, err = cl.Broadcast(ctx, txT)
	require.ErrorContains(t, err, "already submitted", "T re-sent at once must be stopped by the mempool cache")
	var txErr *client.TxError
	require.False(t, errors.As(err, &txErr), "the cache, not CheckTx, refuses T while it is cached: %v", err)
	t.Logf("T re-sent to %s at once: stopped by the mempool cache (%v)", target.name, err)

	// Push 2 x cache_size other transactions through the node's cache.
	pushed := replayPush(ctx, t, target, nw.chainID, pusher, 2*replayCacheSize)
	t.Logf("%d other transactions pushed through %s's mempool cache (cache_size %d), the last in block %d", 2*replayCacheSize, target.name, replayCacheSize, pushed)

	// The forgeries, all for the registrar's next sequence, seq+1.
	next := seq + 1
	good := replayBuild(t, nw.chainID, signer, next, "RP-Z")
	forged := []struct {
		name string
		tx   []byte
		code uint32
	}{
		{"(c) signed for another chain id", replayBuild(t, nw.chainID+"-other", signer, next, "RP-C"), replayCodeWrongChain},
		{"(d) a byte flipped in the signature", replayFlip(t, good, `"signature":"`, 10), replayCodeBadSig},
		{"(d) a byte flipped in the body", replayFlip(t, good, `"parcel_id":"RP-`, 0), replayCodeBadSig},
		{"(d) a byte flipped in the chain id", replayFlip(t, good, `"chain_id":"`, 0), replayCodeWrongChain},
		{"(d) a byte flipped in the JSON structure", replayFlipAt(good, 0), replayCodeMalformed},
	}
	paths := []string{"/account/" + signer.Address().String(), "/land/parcel/RP-T", "/land/parcel/RP-C", "/land/parcel/RP-Z", "/land/parcel/RP-Y"}
	before, hBefore := replayRecords(ctx, t, nw.nodes[0], paths)

	// (a) T after it left the cache.
	_, err = cl.Broadcast(ctx, txT)
	replayRequireCode(t, err, replayCodeReplay, "(a) T re-sent to %s after it left the cache", target.name)
	t.Logf("(a) T re-sent to %s after it left the cache: refused by CheckTx with code %d", target.name, replayCodeReplay)
	// (b) T after a restart of the node it is sent to (the full version:
	// of every node in turn).
	restarted := []*node{target}
	if fullE2E() {
		restarted = nw.nodes
	}
	for _, nd := range restarted {
		nd.Restart()
		took := replayWaitSynced(ctx, t, nd, 30*time.Second)
		_, err = nd.Client().Broadcast(ctx, txT)
		replayRequireCode(t, err, replayCodeReplay, "(b) T re-sent to %s after its restart", nd.name)
		t.Logf("(b) %s restarted (out of block sync in %s); T re-sent to it: refused by CheckTx with code %d",
			nd.name, took.Round(time.Millisecond), replayCodeReplay)
	}
	// (c), (d) to every node.
	for _, f := range forged {
		for _, nd := range nw.nodes {
			_, err := nd.Client().Broadcast(ctx, f.tx)
			replayRequireCode(t, err, f.code, "%s, sent to %s", f.name, nd.name)
		}
		t.Logf("%s: refused by every node with code %d", f.name, f.code)
	}

	// Give anything that slipped through the time to commit, then compare.
	nw.waitHeight(nw.maxHeight()+settle, 30*time.Second)
	after, hAfter := replayRecords(ctx, t, nw.nodes[0], paths)
	for i, p := range paths {
		require.Equal(t, before[i], after[i], "%s changed between heights %d and %d", p, hBefore, hAfter)
	}
	t.Logf("%d records (account, T's parcel, the forgeries' parcels) proven identical at heights %d and %d", len(paths), hBefore, hAfter)
	top := nw.maxHeight()
	counts := replayCountInBlocks(ctx, t, nw.nodes[0], top, append([][]byte{txT}, replayTxs(forged)...))
	require.Equal(t, 1, counts[0], "T must be in exactly one block")
	for i, f := range forged {
		require.Zero(t, counts[i+1], "%s is in a block", f.name)
		for _, nd := range nw.nodes {
			_, err := nd.Client().RPC().Tx(ctx, mustHex(cmtHash(f.tx)), false)
			require.ErrorContains(t, err, "not found", "%s: %s's index knows it", f.name, nd.name)
		}
	}
	for _, nd := range nw.nodes {
		res, err := nd.Client().RPC().Tx(ctx, hashT, false)
		require.NoError(t, err, nd.name)
		require.Equal(t, resT.Height, res.Height, "%s places T elsewhere", nd.name)
	}
	t.Logf("blocks 1-%d: T once (block %d), no forgery anywhere", top, resT.Height)

	// The control: the untampered transaction is accepted.
	res, err := cl.WaitTx(ctx, replayMustBroadcast(ctx, t, nw.nodes[3].Client(), good))
	require.NoError(t, err)
	got, err := cl.NextSequence(ctx, signer.Address())
	require.NoError(t, err)
	require.Equal(t, next+1, got)
	t.Logf("the untampered transaction for sequence %d committed in block %d", next, res.Height)
	nw.checkSafety(ctx)
}

// replayBuild signs a RegisterParcel of id for chainID.
func replayBuild(t *testing.T, chainID string, k *client.Key, seq uint64, id string) []byte {
	t.Helper()
	raw, err := client.Build(chainID, k.PrivKey, seq, &land.RegisterParcel{ParcelID: id, CadastralRef: "REPLAY/" + id,
		AreaM2: 100, Location: "replay", Denominator: 1, Owners: []land.Share{{Account: k.Address(), Shares: 1}},
		DocumentHash: core.Hash{8}})
	require.NoError(t, err)
	return raw
}

// replayFlip returns tx with the byte off bytes after the (unique) marker
// changed so that the result is still canonical JSON: a lower-case hex
// digit becomes the next one (f becomes 0), another letter a neighbour.
func replayFlip(t *testing.T, tx []byte, marker string, off int) []byte {
	t.Helper()
	require.Equal(t, 1, bytes.Count(tx, []byte(marker)), "marker %s in %s", marker, tx)
	i := bytes.Index(tx, []byte(marker)) + len(marker) + off
	out := bytes.Clone(tx)
	const hexDigits = "0123456789abcdef"
	switch c := out[i]; {
	case strings.IndexByte(hexDigits, c) >= 0:
		out[i] = hexDigits[(strings.IndexByte(hexDigits, c)+1)%16]
	case c == 'z' || c == 'Z':
		out[i] = c - 1
	case c >= 'a' && c < 'z', c >= 'A' && c < 'Z':
		out[i] = c + 1
	default:
		t.Fatalf("byte %q at %d is neither a hex digit nor a letter", c, i)
	}
	return out
}

// replayFlipAt returns tx with the byte at i inverted (whatever it becomes).
func replayFlipAt(tx []byte, i int) []byte {
	out := bytes.Clone(tx)
	out[i] ^= 0xff
	return out
}

// replayTxs lists the forgeries' bytes.
func replayTxs(forged []struct {
	name string
	tx   []byte
	code uint32
}) [][]byte {
	var out [][]byte
	for _, f := range forged {
		out = append(out, f.tx)
	}
	return out
}

// replayRequireCode requires err to be a CheckTx refusal with code.
func replayRequireCode(t *testing.T, err error, code uint32, what string, args ...any) {
	t.Helper()
	var txErr *client.TxError
	require.True(t, errors.As(err, &txErr), "%s: want a CheckTx refusal with code %d, got %v", fmt.Sprintf(what, args...), code, err)
	require.Equal(t, code, txErr.Code, "%s: %s", fmt.Sprintf(what, args...), txErr.Log)
	require.Zero(t, txErr.Height)
}

// replayMustBroadcast broadcasts tx and returns its hash.
func replayMustBroadcast(ctx context.Context, t *testing.T, cl *client.Client, tx []byte) []byte {
	t.Helper()
	h, err := cl.Broadcast(ctx, tx)
	require.NoError(t, err)
	return h
}

// replayPush commits n registrations signed by k, sent to nd in batches
// of half the cache size, each committed before the next is sent, and
// returns the height of the last one's block. The batches keep every
// pending transaction in nd's small cache, so that a copy gossiped back to
// nd is recognised and not queued twice (CometBFT needs a cache larger
// than what is pending); one node keeps a batch in sequence order.
func replayPush(ctx context.Context, t *testing.T, nd *node, chainID string, k *client.Key, n int) int64 {
	t.Helper()
	cl := nd.Client()
	seq, err := cl.NextSequence(ctx, k.Address())
	require.NoError(t, err)
	var height int64
	for i := 0; i < n; i += replayCacheSize / 2 {
		var last []byte
		for j := i; j < min(n, i+replayCacheSize/2); j++ {
			raw := replayBuild(t, chainID, k, seq+uint64(j), fmt.Sprintf("RP-PUSH-%03d", j))
			last = replayMustBroadcast(ctx, t, cl, raw)
		}
		res, err := cl.WaitTx(ctx, last)
		require.NoError(t, err)
		height = res.Height
	}
	return height
}

// replayRecords reads each path with a proof (of existence or of absence)
// verified against the next header, all at one height, and returns the
// values (nil for a proven absence) and that height.
func replayRecords(ctx context.Context, t *testing.T, nd *node, paths []string) ([][]byte, int64) {
	t.Helper()
	cl := nd.Client()
	h, err := nd.Height()
	require.NoError(t, err)
	out := make([][]byte, len(paths))
	for i, p := range paths {
		res, err := cl.Query(ctx, p, client.QueryOptions{Height: h, Prove: true})
		var qe *client.QueryError
		switch {
		case errors.As(err, &qe):
			require.NotNil(t, qe.Proof, "%s at %d: %v without an absence proof", p, h, err)
		default:
			require.NoError(t, err, "%s at %d", p, h)
			require.NotNil(t, res.Proof, p)
			out[i] = res.Value
		}
	}
	return out, h
}

// replayCountInBlocks counts, for each of txs, how many times it appears
// in nd's blocks 1..top.
func replayCountInBlocks(ctx context.Context, t *testing.T, nd *node, top int64, txs [][]byte) []int {
	t.Helper()
	cl := nd.Client()
	counts := make([]int, len(txs))
	for h := int64(1); h <= top; h++ {
		res, err := cl.RPC().Block(ctx, &h)
		require.NoError(t, err, "block %d", h)
		for _, tx := range res.Block.Txs {
			for i, want := range txs {
				if bytes.Equal(tx, want) {
					counts[i]++
				}
			}
		}
	}
	return counts
}

// replayWaitSynced waits until nd has left block sync (its RPC accepts
// transactions only then) and returns how long that took.
func replayWaitSynced(ctx context.Context, t *testing.T, nd *node, timeout time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	require.Eventually(t, func() bool {
		st, err := nd.Client().RPC().Status(ctx)
		return err == nil && !st.SyncInfo.CatchingUp
	}, timeout, 100*time.Millisecond, "%s is still catching up after %s; log:\n%s", nd.name, timeout, nd.Tail())
	return time.Since(start)
}
