package api

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	rpctypes "github.com/cometbft/cometbft/rpc/jsonrpc/types"

	"github.com/govchain/govchain/client"
)

// Tx is the JSON of a transaction: POST /api/v1/txs answers with it (the
// result fields once the transaction is in a block, with wait=true), GET
// /api/v1/txs/{hash} with all of it.
type Tx struct {
	// Hash is the SHA-256 of the transaction's bytes (hex, upper case).
	Hash string `json:"hash"`
	// Height is the block the transaction is in; 0 if it was only
	// admitted to the mempool (POST without wait=true).
	Height int64 `json:"height"`
	// Index is the transaction's position in its block (GET only).
	Index uint32 `json:"index"`
	// Code is the result: 0 for success. A transaction that failed in its
	// block still consumed its sequence; GET shows its code and log.
	Code      uint32         `json:"code"`
	Codespace string         `json:"codespace,omitempty"`
	Log       string         `json:"log,omitempty"`
	Events    []client.Event `json:"events"`
	// Tx is the signed transaction itself, the canonical JSON envelope
	// (GET only).
	Tx json.RawMessage `json:"tx,omitempty"`
}

func (h *handler) broadcast(ctx context.Context, r *http.Request) (*reply, error) {
	wait, err := boolParam(r, "wait")
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	tx := bytes.TrimSpace(body)
	if len(tx) == 0 {
		return nil, errorf(http.StatusBadRequest, CodeBadRequest,
			"api: the body must be a signed transaction: its canonical JSON envelope, as govchain tx --generate-only prints it")
	}
	hash, err := h.cl.Broadcast(ctx, tx)
	if err != nil {
		return nil, err
	}
	if !wait {
		return &reply{status: http.StatusAccepted, body: &Tx{Hash: fmt.Sprintf("%X", hash), Events: []client.Event{}}}, nil
	}
	res, err := h.cl.WaitTx(ctx, hash)
	if err != nil {
		return nil, err
	}
	return &reply{body: &Tx{Hash: res.Hash, Height: res.Height, Code: res.Code, Codespace: res.Codespace, Log: res.Log, Events: events(res.Events)}}, nil
}

func (h *handler) tx(ctx context.Context, r *http.Request) (*reply, error) {
	s := r.PathValue("hash")
	hash, err := hex.DecodeString(s)
	if err != nil || len(hash) != 32 {
		return nil, errorf(http.StatusBadRequest, CodeBadRequest, "api: transaction hash %q is not 64 hex digits", s)
	}
	res, err := h.cl.RPC().Tx(ctx, hash, false)
	var rpc *rpctypes.RPCError
	if errors.As(err, &rpc) && strings.Contains(rpcText(rpc), "not found") {
		return nil, errorf(http.StatusNotFound, CodeNotFound, "api: transaction %X is not in a block (it may still be in the mempool, or was never admitted)", hash)
	}
	if err != nil {
		return nil, err
	}
	var evs []client.Event
	for _, e := range res.TxResult.Events {
		ev := client.Event{Type: e.Type}
		for _, a := range e.Attributes {
			ev.Attrs = append(ev.Attrs, client.Attr{Key: a.Key, Value: a.Value})
		}
		evs = append(evs, ev)
	}
	out := &Tx{Hash: fmt.Sprintf("%X", hash), Height: res.Height, Index: res.Index, Code: res.TxResult.Code,
		Codespace: res.TxResult.Codespace, Log: res.TxResult.Log, Events: events(evs)}
	if json.Valid(res.Tx) {
		out.Tx = json.RawMessage(res.Tx)
	}
	return &reply{body: out, pinned: true}, nil
}

// events returns evs with every list an array in JSON (none is null).
func events(evs []client.Event) []client.Event {
	out := make([]client.Event, 0, len(evs))
	for _, e := range evs {
		if e.Attrs == nil {
			e.Attrs = []client.Attr{}
		}
		out = append(out, e)
	}
	return out
}
