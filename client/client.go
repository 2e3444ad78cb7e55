package client

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	rpchttp "github.com/cometbft/cometbft/rpc/client/http"
	rpctypes "github.com/cometbft/cometbft/rpc/jsonrpc/types"

	"github.com/govchain/govchain/app/core"
)

// DefaultNode is the RPC endpoint of a local node.
const DefaultNode = "http://127.0.0.1:26657"

// DefaultPollInterval is how often WaitTx and Query poll the node.
const DefaultPollInterval = 200 * time.Millisecond

// NodeError means the node could not be reached or did not answer.
type NodeError struct {
	Remote string
	Err    error
}

// Error implements error.
func (e *NodeError) Error() string {
	return fmt.Sprintf("cannot reach node at %s: %v", e.Remote, e.Err)
}

// Unwrap returns the transport error.
func (e *NodeError) Unwrap() error { return e.Err }

// TxError is a transaction refused by the chain, in CheckTx (Height 0) or
// in its block (Height > 0). Code is the stable result code of the abci
// package's table; Codespace is "govchain".
type TxError struct {
	Code      uint32
	Codespace string
	Log       string
	Hash      []byte
	Height    int64
}

// Error implements error: "code N (codespace): log".
func (e *TxError) Error() string {
	return fmt.Sprintf("code %d (%s): %s", e.Code, e.Codespace, e.Log)
}

// DuplicateTxError is the answer to a transaction whose exact bytes the
// node has already seen: CometBFT's mempool cache refuses it ("tx already
// exists in cache") before CheckTx runs. It is a replay, and carries the
// code, codespace and log the chain gives one (code 14, core.ErrReplay)
// in its TxError fields, Height 0; errors.Is(err, core.ErrReplay) holds.
// It is not itself a *TxError (errors.As finds none), because no CheckTx
// ran: the first copy may still be pending or have committed.
type DuplicateTxError struct {
	TxError
	// Remote is the node that refused it.
	Remote string
}

// Unwrap returns core.ErrReplay.
func (e *DuplicateTxError) Unwrap() error { return core.ErrReplay }

// duplicateTx returns the *DuplicateTxError of tx refused by remote.
func duplicateTx(remote string, tx []byte) *DuplicateTxError {
	hash := sha256.Sum256(tx)
	log := core.Wrapf(core.ErrReplay, "this exact transaction (hash %X) was already submitted to %s, whose mempool cache holds it; a new transaction needs the signer's next sequence",
		hash[:], remote)
	return &DuplicateTxError{TxError: TxError{Code: codeReplay, Codespace: codespace, Log: log.Error(), Hash: hash[:]}, Remote: remote}
}

// Busy reports whether the node refused the transaction only because it
// holds as much pending work as it admits (code 19, core.ErrBusy): the
// same bytes may be sent again later.
func (e *TxError) Busy() bool { return e.Code == codeBusy && e.Codespace == codespace && e.Height == 0 }

// DefaultBusyRetries and DefaultBusyWait are how often Broadcast sends a
// transaction again that a busy node refused, and how long it waits
// before each try (about a block).
const (
	DefaultBusyRetries = 10
	DefaultBusyWait    = time.Second
)

// Client talks to one node's CometBFT RPC. It is safe for concurrent use.
type Client struct {
	remote string
	rpc    *rpchttp.HTTP
	// PollInterval is how often WaitTx and Query poll; DefaultPollInterval
	// unless changed before use.
	PollInterval time.Duration
	// BusyRetries and BusyWait: Broadcast sends a transaction refused as
	// busy again up to BusyRetries times, BusyWait apart (0 retries: it
	// returns the refusal at once). DefaultBusyRetries and DefaultBusyWait
	// unless changed before use.
	BusyRetries int
	BusyWait    time.Duration
}

// New returns a client of the node at remote (e.g. DefaultNode). It does
// not contact the node.
func New(remote string) (*Client, error) {
	if !strings.Contains(remote, "://") {
		remote = "http://" + remote
	}
	rpc, err := rpchttp.New(remote, "/websocket")
	if err != nil {
		return nil, fmt.Errorf("client: node address %q: %w", remote, err)
	}
	return &Client{remote: remote, rpc: rpc, PollInterval: DefaultPollInterval, BusyRetries: DefaultBusyRetries, BusyWait: DefaultBusyWait}, nil
}

// Remote returns the node's address.
func (c *Client) Remote() string { return c.remote }

// RPC returns the underlying CometBFT RPC client, for calls this package
// does not wrap.
func (c *Client) RPC() *rpchttp.HTTP { return c.rpc }

// nodeErr classifies an RPC error: an error the node answered with (a
// JSON-RPC error object) is returned as it is, anything else means the node
// was not reached and becomes a *NodeError.
func (c *Client) nodeErr(err error) error {
	if err == nil {
		return nil
	}
	var rpcErr *rpctypes.RPCError
	if errors.As(err, &rpcErr) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return err
	}
	return &NodeError{Remote: c.remote, Err: err}
}

func rpcErrText(e *rpctypes.RPCError) string {
	if e.Data != "" {
		return e.Data
	}
	return e.Message
}

// ChainID returns the chain id the node runs (its /status network).
func (c *Client) ChainID(ctx context.Context) (string, error) {
	st, err := c.rpc.Status(ctx)
	if err != nil {
		return "", c.nodeErr(err)
	}
	return st.NodeInfo.Network, nil
}

// NextSequence returns the sequence number the account's next transaction
// must carry: 0 for an account that never signed one.
func (c *Client) NextSequence(ctx context.Context, addr core.Address) (uint64, error) {
	res, err := c.Query(ctx, "/account/"+addr.String(), QueryOptions{})
	var qe *QueryError
	if errors.As(err, &qe) && qe.Code == codeAccountNotFound {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var acc core.Account
	if err := json.Unmarshal(res.Value, &acc); err != nil {
		return 0, fmt.Errorf("client: account record does not decode: %w", err)
	}
	return acc.Sequence, nil
}

// SignerAccount returns the account a key (named by its own address)
// signs for: the account it was rotated into, or else its own address.
func (c *Client) SignerAccount(ctx context.Context, keyAddr core.Address) (core.Address, error) {
	res, err := c.Query(ctx, "/key/"+keyAddr.String(), QueryOptions{})
	var qe *QueryError
	if errors.As(err, &qe) && qe.Code == codeKeyNotBound {
		return keyAddr, nil
	}
	if err != nil {
		return core.Address{}, err
	}
	var b core.KeyBinding
	if err := json.Unmarshal(res.Value, &b); err != nil {
		return core.Address{}, fmt.Errorf("client: key binding does not decode: %w", err)
	}
	return b.Account, nil
}

// Result codes the client relies on (see the abci package's code table;
// codes never change once released): app.ErrAccountNotFound,
// app.ErrKeyNotBound and core.ErrReplay; and the codespace of every
// non-zero code.
const (
	codeAccountNotFound = 24
	codeKeyNotBound     = 25
	codeReplay          = 14
	codeBusy            = 19
	codespace           = "govchain"
)

// Broadcast posts tx and returns its hash once the node's CheckTx admitted
// it to the mempool. A refusal by CheckTx is a *TxError with Height 0;
// a transaction the node has already seen is a *DuplicateTxError. Either
// way the hash is returned with the error. A node that answers busy
// (TxError.Busy) is sent the same transaction again, BusyWait later, up to
// BusyRetries times while ctx lasts; then its refusal is returned.
func (c *Client) Broadcast(ctx context.Context, tx []byte) ([]byte, error) {
	for try := 0; ; try++ {
		hash, err := c.broadcastOnce(ctx, tx)
		var txErr *TxError
		if try >= c.BusyRetries || !errors.As(err, &txErr) || !txErr.Busy() {
			return hash, err
		}
		t := time.NewTimer(c.BusyWait)
		select {
		case <-ctx.Done():
			t.Stop()
			return hash, err
		case <-t.C:
		}
	}
}

// broadcastOnce is one broadcast_tx_sync of Broadcast.
func (c *Client) broadcastOnce(ctx context.Context, tx []byte) ([]byte, error) {
	res, err := c.rpc.BroadcastTxSync(ctx, tx)
	var rpcErr *rpctypes.RPCError
	if errors.As(err, &rpcErr) {
		// CometBFT's own mempool says "tx already exists in cache", the
		// application's mempool (type "app") "tx already seen".
		if strings.Contains(rpcErr.Data, "already exists in cache") || strings.Contains(rpcErr.Data, "tx already seen") {
			d := duplicateTx(c.remote, tx)
			return d.Hash, d
		}
		return nil, fmt.Errorf("node at %s refused the transaction: %s", c.remote, rpcErrText(rpcErr))
	}
	if err != nil {
		return nil, c.nodeErr(err)
	}
	if res.Code != 0 {
		return res.Hash, &TxError{Code: res.Code, Codespace: res.Codespace, Log: res.Log, Hash: res.Hash}
	}
	return res.Hash, nil
}

// Event is one event of an executed transaction. A key may appear more
// than once (one "parcel_id" per affected parcel).
type Event struct {
	Type  string `json:"type"`
	Attrs []Attr `json:"attributes"`
}

// Attr is one event attribute.
type Attr struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// TxResult is a transaction included in a block.
type TxResult struct {
	Hash      string  `json:"hash"`
	Height    int64   `json:"height"`
	Code      uint32  `json:"code"`
	Codespace string  `json:"codespace,omitempty"`
	Log       string  `json:"log,omitempty"`
	Events    []Event `json:"events"`
}

// Attr returns the first attribute key of any event (e.g. "transfer_id").
func (r *TxResult) Attr(key string) (string, bool) {
	for _, e := range r.Events {
		for _, a := range e.Attrs {
			if a.Key == key {
				return a.Value, true
			}
		}
	}
	return "", false
}

// WaitTx polls the node until the transaction with hash is in a block, or
// ctx ends. A transaction that failed in its block is returned with a
// *TxError; its sequence number is consumed all the same.
func (c *Client) WaitTx(ctx context.Context, hash []byte) (*TxResult, error) {
	t := time.NewTicker(c.PollInterval)
	defer t.Stop()
	for {
		res, err := c.rpc.Tx(ctx, hash, false)
		if err == nil {
			out := &TxResult{
				Hash:      strings.ToUpper(hex.EncodeToString(hash)),
				Height:    res.Height,
				Code:      res.TxResult.Code,
				Codespace: res.TxResult.Codespace,
				Log:       res.TxResult.Log,
			}
			for _, e := range res.TxResult.Events {
				ev := Event{Type: e.Type}
				for _, a := range e.Attributes {
					ev.Attrs = append(ev.Attrs, Attr{Key: a.Key, Value: a.Value})
				}
				out.Events = append(out.Events, ev)
			}
			if out.Code != 0 {
				return out, &TxError{Code: out.Code, Codespace: out.Codespace, Log: out.Log, Hash: hash, Height: out.Height}
			}
			return out, nil
		}
		if err := c.nodeErr(err); err != nil {
			var rpcErr *rpctypes.RPCError
			if !errors.As(err, &rpcErr) {
				return nil, err
			}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("transaction %X was admitted to the mempool but is not in a block yet: %w", hash, ctx.Err())
		case <-t.C:
		}
	}
}

// SubmitOptions tunes Submit. Zero values mean: ask the node.
type SubmitOptions struct {
	// ChainID is used if not empty; otherwise the node's chain id.
	ChainID string
	// Sequence is used if not nil; otherwise the account's next sequence.
	Sequence *uint64
}

// Submit builds, signs, broadcasts and waits for msg signed by key (a
// *Key, or any other Signer). Any refusal is a *TxError.
func (c *Client) Submit(ctx context.Context, key Signer, msg core.Msg, opts SubmitOptions) (*TxResult, error) {
	tx, err := c.BuildTx(ctx, key, msg, opts)
	if err != nil {
		return nil, err
	}
	hash, err := c.Broadcast(ctx, tx)
	if err != nil {
		return nil, err
	}
	return c.WaitTx(ctx, hash)
}

// BuildTx is BuildWith with the chain id and sequence fetched from the
// node where opts leaves them unset.
func (c *Client) BuildTx(ctx context.Context, key Signer, msg core.Msg, opts SubmitOptions) ([]byte, error) {
	chainID := opts.ChainID
	if chainID == "" {
		id, err := c.ChainID(ctx)
		if err != nil {
			return nil, err
		}
		chainID = id
	}
	var seq uint64
	if opts.Sequence != nil {
		seq = *opts.Sequence
	} else {
		acct, err := c.SignerAccount(ctx, SignerAddress(key))
		if err != nil {
			return nil, err
		}
		s, err := c.NextSequence(ctx, acct)
		if err != nil {
			return nil, err
		}
		seq = s
	}
	return BuildWith(chainID, key, seq, msg)
}
