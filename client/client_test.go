package client

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/abci"
	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
)

// TestCodesAreTheChains: the result codes the client relies on are the
// abci package's.
func TestCodesAreTheChains(t *testing.T) {
	require.Equal(t, abci.Code(app.ErrAccountNotFound), uint32(codeAccountNotFound))
	require.Equal(t, abci.Code(app.ErrKeyNotBound), uint32(codeKeyNotBound))
	require.Equal(t, abci.Code(core.ErrReplay), uint32(codeReplay))
	require.Equal(t, abci.Code(core.ErrBusy), uint32(codeBusy))
	require.Equal(t, abci.Codespace, codespace)
}

// TestBroadcastDuplicateIsReplay: CometBFT's answer to a transaction whose
// bytes its mempool cache holds (a JSON-RPC internal error), from its own
// mempool or from the application's (type "app"), becomes a
// *DuplicateTxError in the words of the chain's replay code.
func TestBroadcastDuplicateIsReplay(t *testing.T) {
	for _, answer := range []string{"tx already exists in cache", "tx already seen"} {
		t.Run(answer, func(t *testing.T) { testBroadcastDuplicate(t, answer) })
	}
}

func testBroadcastDuplicate(t *testing.T, answer string) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var req struct {
			ID     json.RawMessage `json:"id"`
			Method string          `json:"method"`
		}
		if json.Unmarshal(b, &req) != nil || req.Method != "broadcast_tx_sync" {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"error":{"code":-32603,"message":"Internal error","data":%q}}`, req.ID, answer)
	}))
	defer srv.Close()
	cl, err := New(srv.URL)
	require.NoError(t, err)
	tx := []byte(`{"chain_id":"c-1"}`)
	hash, err := cl.Broadcast(context.Background(), tx)

	var de *DuplicateTxError
	require.ErrorAs(t, err, &de)
	sum := sha256.Sum256(tx)
	require.Equal(t, sum[:], hash)
	require.Equal(t, sum[:], de.Hash)
	require.Equal(t, srv.URL, de.Remote)
	require.ErrorIs(t, err, core.ErrReplay)
	require.Equal(t, abci.Code(core.ErrReplay), de.Code)
	require.Equal(t, abci.Codespace, de.Codespace)
	require.Equal(t, fmt.Sprintf("code 14 (govchain): tx: sequence already used (replay): this exact transaction (hash %X) was already submitted to %s, "+
		"whose mempool cache holds it; a new transaction needs the signer's next sequence", sum[:], srv.URL), err.Error())
	var te *TxError
	require.False(t, errors.As(err, &te), "no CheckTx ran")
}

// TestBroadcastRetriesBusy: a node that answers busy (code 19) is sent
// the same bytes again, BusyWait apart, until it admits them; with no
// retries left, or ctx over, the busy refusal is returned as it is; any
// other refusal is returned at once.
func TestBroadcastRetriesBusy(t *testing.T) {
	var calls int
	var seen [][]byte
	answers := []string{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		var req struct {
			ID     json.RawMessage `json:"id"`
			Params struct {
				Tx []byte `json:"tx"`
			} `json:"params"`
		}
		require.NoError(t, json.Unmarshal(b, &req))
		seen = append(seen, req.Params.Tx)
		code := answers[min(calls, len(answers)-1)]
		calls++
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"code":%s,"codespace":"govchain","log":"x","hash":"AB"}}`, req.ID, code)
	}))
	defer srv.Close()
	cl, err := New(srv.URL)
	require.NoError(t, err)
	require.Equal(t, DefaultBusyRetries, cl.BusyRetries)
	cl.BusyWait = time.Millisecond
	tx := []byte(`{"chain_id":"c-1"}`)

	answers, calls, seen = []string{"19", "19", "0"}, 0, nil
	_, err = cl.Broadcast(context.Background(), tx)
	require.NoError(t, err)
	require.Equal(t, 3, calls, "sent until admitted")
	require.Equal(t, [][]byte{tx, tx, tx}, seen, "the same bytes each time")

	answers, calls = []string{"19"}, 0
	cl.BusyRetries = 2
	_, err = cl.Broadcast(context.Background(), tx)
	var txErr *TxError
	require.ErrorAs(t, err, &txErr)
	require.True(t, txErr.Busy())
	require.Equal(t, 3, calls, "one try and two retries")

	answers, calls = []string{"19"}, 0
	cl.BusyRetries, cl.BusyWait = 5, time.Hour
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	_, err = cl.Broadcast(ctx, tx)
	require.ErrorAs(t, err, &txErr)
	require.True(t, txErr.Busy(), "ctx over: the busy refusal itself")
	require.Equal(t, 1, calls)

	answers, calls = []string{"9"}, 0
	_, err = cl.Broadcast(context.Background(), tx)
	require.ErrorAs(t, err, &txErr)
	require.False(t, txErr.Busy())
	require.Equal(t, 1, calls, "another refusal is not retried")
}
