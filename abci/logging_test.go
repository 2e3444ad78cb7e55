package abci

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	abcitypes "github.com/cometbft/cometbft/abci/types"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// TestLogLinesCarryHeightAndTxHash runs CheckTx, FinalizeBlock and Commit
// with a JSON logger and requires every line to be one JSON object, and
// the lines about a transaction or a block to carry its hash (as the RPC
// prints it) and its height as fields.
func TestLogLinesCarryHeightAndTxHash(t *testing.T) {
	ctx := context.Background()
	var buf bytes.Buffer
	s := faultTestApp(t, t.TempDir(), state.EngineMemIAVL, cmtlog.NewTMJSONLogger(&buf).With("module", "abci"))

	good, err := app.NewTx("c", key("admin"), 0, &agency.GrantRole{Account: addr("alice"), Role: core.RoleNotary})
	require.NoError(t, err)
	bad, err := app.NewTx("c", key("alice"), 0, &agency.GrantRole{Account: addr("bob"), Role: core.RoleNotary})
	require.NoError(t, err)
	var res *abcitypes.ResponseFinalizeBlock
	block := func(h int64, txs ...[]byte) {
		res, err = s.FinalizeBlock(ctx, &abcitypes.RequestFinalizeBlock{Height: h, Time: time.Unix(h, 0), Txs: txs})
		require.NoError(t, err)
		_, err = s.Commit(ctx, &abcitypes.RequestCommit{})
		require.NoError(t, err)
	}
	block(1)
	buf.Reset()
	ct, err := s.CheckTx(ctx, &abcitypes.RequestCheckTx{Tx: bad})
	require.NoError(t, err)
	require.NotEqual(t, CodeOK, ct.Code)
	block(2, good, bad)

	type line map[string]any
	var lines []line
	for _, raw := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var l line
		require.NoError(t, json.Unmarshal([]byte(raw), &l), "not a JSON line: %s", raw)
		require.Equal(t, "abci", l["module"], raw)
		lines = append(lines, l)
	}
	find := func(msg string) line {
		t.Helper()
		for _, l := range lines {
			if l["_msg"] == msg {
				return l
			}
		}
		t.Fatalf("no line %q in:\n%s", msg, buf.String())
		return nil
	}
	hashOf := func(tx []byte) string { return fmt.Sprintf("%X", sha256.Sum256(tx)) }
	code := func(l line) uint32 { return uint32(l["code"].(float64)) }

	l := find("refused transaction")
	_, hasHeight := l["height"]
	require.False(t, hasHeight, "CheckTx concerns no block: %v", l)
	require.Equal(t, hashOf(bad), l["tx_hash"])
	require.Equal(t, ct.Code, code(l))
	require.Equal(t, "agency/grant_role", l["type"])
	require.Contains(t, l["reason"], "is no agency's admin")

	l = find("transaction executed")
	require.Equal(t, hashOf(good), l["tx_hash"])
	require.EqualValues(t, 2, l["height"])
	require.EqualValues(t, 0, l["index"])

	l = find("transaction failed in its block")
	require.Equal(t, hashOf(bad), l["tx_hash"])
	require.EqualValues(t, 2, l["height"])
	require.EqualValues(t, 1, l["index"])
	require.Equal(t, res.TxResults[1].Code, code(l))

	l = find("executed block")
	require.EqualValues(t, 2, l["height"])
	require.EqualValues(t, 2, l["txs"])
	require.EqualValues(t, 1, l["failed"])
	require.Equal(t, fmt.Sprintf("%X", res.AppHash), l["app_hash"])
	took, ok := l["took"].(string)
	require.True(t, ok, "took: %v", l["took"])
	_, err = time.ParseDuration(took)
	require.NoError(t, err, "took: the app's execution time of the block")
	require.EqualValues(t, 1, l["checked"], "checked: only good was not seen by CheckTx before its block")
	cpu, ok := l["cpu"].(string)
	require.True(t, ok, "cpu: %v", l["cpu"])
	_, err = time.ParseDuration(cpu)
	require.NoError(t, err, "cpu: the process's CPU time over the block")
	_, ok = l["gc"].(float64)
	require.True(t, ok, "gc: the GC cycles over the block: %v", l["gc"])

	require.EqualValues(t, 2, find("committed")["height"])
}
