package main

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	cmtcfg "github.com/cometbft/cometbft/config"
	"github.com/stretchr/testify/require"
)

// TestStartIndexesWhatTheIndexMissed stops a development node and takes
// out of its transaction index what a kill between a block's commit and
// its indexing leaves out, then requires start to put it back: /tx finds
// the transactions again after the restart. Two cases: the last indexed
// block's transactions missing (CometBFT writes a block's events before
// its transactions) with every later block unindexed, and the whole index
// gone.
func TestStartIndexesWhatTheIndexMissed(t *testing.T) {
	n := startDevNode(t, "txindex-1")
	register := func(id string) (hash string, height int64) {
		out, errOut, code := n.cli("tx", "land", "register-parcel", "--from", "registrar", "--parcel-id", id,
			"--cadastral-ref", "C-"+id, "--area-m2", "100", "--location", "1 Main St", "--owner", "alice:1",
			"--document-hash", strings.Repeat("ab", 32))
		require.Equal(t, 0, code, errOut)
		m := regexp.MustCompile(`txhash: ([0-9A-F]{64})\nheight: (\d+)\n`).FindStringSubmatch(out)
		require.NotNil(t, m, out)
		h, err := strconv.ParseInt(m[2], 10, 64)
		require.NoError(t, err)
		return m[1], h
	}
	hash1, height1 := register("IDX-1")
	hash2, height2 := register("IDX-2")
	_, height3 := register("IDX-3") // a block after height2's (no empty blocks)
	require.Greater(t, height2, height1)
	require.Greater(t, height3, height2)
	requireTxAt := func(hash string, height int64) {
		t.Helper()
		var res struct {
			Result struct {
				Height string `json:"height"`
			} `json:"result"`
			Error json.RawMessage `json:"error"`
		}
		resp, err := http.Get(n.url + "/tx?hash=0x" + hash)
		require.NoError(t, err)
		defer resp.Body.Close()
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&res))
		require.Empty(t, string(res.Error), "/tx of %s", hash)
		require.Equal(t, strconv.FormatInt(height, 10), res.Result.Height)
	}
	requireTxAt(hash1, height1)
	requireTxAt(hash2, height2)
	n.stop()

	conf, err := newCLI(nil, nil).loadNodeConfig(n.home)
	require.NoError(t, err)
	noLog := func(string, ...any) {}

	// Block height2 indexed without its transaction, nothing after it.
	idb, err := cmtcfg.DefaultDBProvider(&cmtcfg.DBContext{ID: "tx_index", Config: conf})
	require.NoError(t, err)
	heightKey := append([]byte("block_events"), "block.height\x00\x01"...)
	it, err := idb.Iterator(heightKey, append(bytes.Clone(heightKey), 0xff))
	require.NoError(t, err)
	var later [][]byte
	last := int64(0)
	for ; it.Valid(); it.Next() {
		h, n := binary.Varint(it.Value())
		require.Positive(t, n)
		last = max(last, h)
		if h > height2 {
			later = append(later, bytes.Clone(it.Key()))
		}
	}
	require.NoError(t, it.Close())
	require.NotEmpty(t, later, "the node indexed no block after height %d", height2)
	b := idb.NewBatch()
	for _, k := range later {
		require.NoError(t, b.Delete(k))
	}
	raw2, err := hex.DecodeString(hash2)
	require.NoError(t, err)
	require.NoError(t, b.Delete(raw2))
	require.NoError(t, b.WriteSync())
	require.NoError(t, b.Close())
	require.NoError(t, idb.Close())

	indexed, err := catchUpTxIndex(conf, noLog)
	require.NoError(t, err)
	require.GreaterOrEqual(t, int64(indexed), last-height2+1, "blocks %d to %d (the last indexed one with its transaction missing)", height2, last)
	indexed, err = catchUpTxIndex(conf, noLog)
	require.NoError(t, err)
	require.Zero(t, indexed, "a second catch-up has nothing to index")
	n.launch()
	requireTxAt(hash2, height2)
	n.stop()

	// The whole index gone: start itself indexes every block again.
	require.NoError(t, os.RemoveAll(filepath.Join(conf.DBDir(), "tx_index.db")))
	n.launch()
	requireTxAt(hash1, height1)
	requireTxAt(hash2, height2)
	resp, err := http.Get(n.url + fmt.Sprintf("/block_search?query=%%22block.height=%d%%22", height1))
	require.NoError(t, err)
	var bs struct {
		Result struct {
			TotalCount string `json:"total_count"`
		} `json:"result"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&bs))
	require.NoError(t, resp.Body.Close())
	require.Equal(t, "1", bs.Result.TotalCount, "block %d's events are indexed again", height1)
	n.stop()
}
