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
	require.Equal(t, abci.Codespace, codespace)
}

// TestBroadcastDuplicateIsReplay: CometBFT's answer to a transaction whose
// bytes its mempool cache holds (a JSON-RPC internal error) becomes a
// *DuplicateTxError in the words of the chain's replay code.
func TestBroadcastDuplicateIsReplay(t *testing.T) {
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
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"error":{"code":-32603,"message":"Internal error","data":"tx already exists in cache"}}`, req.ID)
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
