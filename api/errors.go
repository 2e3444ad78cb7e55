package api

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	rpctypes "github.com/cometbft/cometbft/rpc/jsonrpc/types"

	"github.com/govchain/govchain/abci"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/client"
)

// Codespace is the codespace of the API's own errors; a refusal by the
// chain keeps the chain's (abci.Codespace, "govchain").
const Codespace = "api"

// The API's own error codes, in codespace "api". They never change
// meaning; new ones are added at the end.
const (
	// CodeBadRequest: a malformed path, parameter or body (HTTP 400).
	CodeBadRequest uint32 = 1
	// CodeNotFound: no such endpoint, transaction, block or trust root
	// (HTTP 404). A registry record that does not exist is the chain's
	// own not-found code instead.
	CodeNotFound uint32 = 2
	// CodeMethodNotAllowed: the endpoint takes another method (HTTP 405).
	CodeMethodNotAllowed uint32 = 3
	// CodeBodyTooLarge: the body is over the server's limit (HTTP 413).
	CodeBodyTooLarge uint32 = 4
	// CodeNode: the node could not be reached, or failed (HTTP 502).
	CodeNode uint32 = 5
	// CodeProof: the node's answer does not match its own header's app
	// hash (HTTP 502).
	CodeProof uint32 = 6
	// CodeTimeout: the request's time ran out, for example waiting for a
	// transaction's block (HTTP 504).
	CodeTimeout uint32 = 7
	// CodeOriginNotAllowed: a CORS preflight from an origin the server
	// does not allow (HTTP 403).
	CodeOriginNotAllowed uint32 = 8
	// CodeInternal: a bug in the API (HTTP 500).
	CodeInternal uint32 = 9
)

// ErrorBody is the JSON of every error answer. A refusal by the chain
// carries the chain's code and log; the other fields are set where they
// apply.
type ErrorBody struct {
	Code      uint32 `json:"code"`
	Codespace string `json:"codespace"`
	// Error is one line: the chain's log, or what went wrong.
	Error string `json:"error"`
	// Hash is a refused transaction's hash (hex, upper case).
	Hash string `json:"hash,omitempty"`
	// Height is the state version a query was answered at, or the block
	// a transaction failed in.
	Height int64 `json:"height,omitempty"`
	// Key is the store key (hex) a not-found answer rests on.
	Key string `json:"key,omitempty"`
	// Proof is a not-found answer's absence proof (query with prove=true).
	Proof *Proof `json:"proof,omitempty"`
}

// Error is an error answer: an HTTP status and its body.
type Error struct {
	Status int
	Body   ErrorBody
	// RetryAfter, when positive, is sent as the Retry-After header (in
	// whole seconds): the answer is temporary and the same request may be
	// sent again after that long.
	RetryAfter time.Duration
}

// BusyRetryAfter is the Retry-After of a transaction refused because the
// node is busy (code 19, core.ErrBusy): about a block, as client.Broadcast
// waits before sending it again (client.DefaultBusyWait).
const BusyRetryAfter = client.DefaultBusyWait

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("code %d (%s): %s", e.Body.Code, e.Body.Codespace, e.Body.Error)
}

// errorf returns an error answer of the API's own.
func errorf(status int, code uint32, format string, args ...any) *Error {
	return &Error{Status: status, Body: ErrorBody{Code: code, Codespace: Codespace, Error: oneLine(fmt.Sprintf(format, args...))}}
}

// writeError sends err, which classify has made an *Error (anything else
// is an internal error).
func writeError(w http.ResponseWriter, err error) {
	var e *Error
	if !errors.As(err, &e) {
		e = errorf(http.StatusInternalServerError, CodeInternal, "api: %v", err)
	}
	body, jerr := encodeJSON(e.Body)
	if jerr != nil {
		body = []byte(`{"code":9,"codespace":"api","error":"api: encode an error"}` + "\n")
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	if e.RetryAfter > 0 {
		hdr.Set("Retry-After", strconv.FormatInt(int64((e.RetryAfter+time.Second-1)/time.Second), 10))
	}
	w.WriteHeader(e.Status)
	_, _ = w.Write(body)
}

// statusOfKind is the HTTP status of a refusal by the chain, by its code's
// kind.
var statusOfKind = []struct {
	kind   error
	status int
}{
	{core.ErrNotFound, http.StatusNotFound},
	{core.ErrInvalid, http.StatusBadRequest},
	{core.ErrUnauthorized, http.StatusForbidden},
	{core.ErrConflict, http.StatusConflict},
}

// chainStatus maps each released result code to the HTTP status of its
// kind (abci.Codes), but a busy node's refusal (core.ErrBusy), which is
// temporary, to 503 Service Unavailable.
var chainStatus = func() map[uint32]int {
	m := map[uint32]int{core.CodeInternal: http.StatusBadGateway, core.ErrBusy.Code(): http.StatusServiceUnavailable}
	for _, c := range abci.Codes() {
		if _, ok := m[c.Code]; ok {
			continue
		}
		for _, k := range statusOfKind {
			if errors.Is(c.Err, k.kind) {
				m[c.Code] = k.status
				break
			}
		}
	}
	return m
}()

// refusal returns the answer to a refusal by the chain; a busy node's
// (503) carries a Retry-After of BusyRetryAfter.
func refusal(code uint32, codespace, log string) *Error {
	status, ok := chainStatus[code]
	if !ok || codespace != abci.Codespace {
		status = http.StatusBadRequest
	}
	e := &Error{Status: status, Body: ErrorBody{Code: code, Codespace: codespace, Error: oneLine(log)}}
	if status == http.StatusServiceUnavailable {
		e.RetryAfter = BusyRetryAfter
	}
	return e
}

// classify turns an endpoint's error into its answer: a refusal by the
// chain keeps the chain's code, anything else gets one of the API's.
func (h *handler) classify(err error) *Error {
	var (
		e   *Error
		qe  *client.QueryError
		na  *client.NoAnchorError
		te  *client.TxError
		de  *client.DuplicateTxError
		ne  *client.NodeError
		rpc *rpctypes.RPCError
		mbe *http.MaxBytesError
	)
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &na):
		out := refusal(na.Query.Code, na.Query.Codespace, fmt.Sprintf(
			"api: %s has no anchor at state %d (key %x is absent): ask without complete=true for the certificate of its absence",
			na.Query.Path, na.Query.Height, na.Query.Key))
		out.Body.Height, out.Body.Key = na.Query.Height, hex.EncodeToString(na.Query.Key)
		return out
	case errors.As(err, &qe):
		out := refusal(qe.Code, qe.Codespace, qe.Log)
		out.Body.Height = qe.Height
		if len(qe.Key) > 0 {
			out.Body.Key = hex.EncodeToString(qe.Key)
		}
		if qe.Proof != nil {
			out.Body.Proof = proofOf(qe.Proof, nil)
		}
		return out
	case errors.As(err, &de):
		out := refusal(de.Code, de.Codespace, de.Log)
		out.Body.Hash = fmt.Sprintf("%X", de.Hash)
		return out
	case errors.As(err, &te):
		out := refusal(te.Code, te.Codespace, te.Log)
		out.Body.Hash, out.Body.Height = fmt.Sprintf("%X", te.Hash), te.Height
		return out
	case errors.As(err, &mbe):
		return errorf(http.StatusRequestEntityTooLarge, CodeBodyTooLarge, "api: the body is over %d bytes", mbe.Limit)
	case errors.Is(err, client.ErrNotList):
		return errorf(http.StatusBadRequest, CodeBadRequest, "%v", err)
	case errors.Is(err, client.ErrProof):
		return errorf(http.StatusBadGateway, CodeProof, "api: the node's answer does not verify: %v", err)
	case errors.Is(err, context.DeadlineExceeded):
		return errorf(http.StatusGatewayTimeout, CodeTimeout, "api: no answer within %s: %v", h.timeout, err)
	case errors.As(err, &ne):
		return errorf(http.StatusBadGateway, CodeNode, "api: %v", err)
	case errors.As(err, &rpc):
		return errorf(http.StatusBadGateway, CodeNode, "api: the node answered: %s", rpcText(rpc))
	default:
		return errorf(http.StatusBadGateway, CodeNode, "api: %v", err)
	}
}

// rpcText is the readable part of a JSON-RPC error.
func rpcText(e *rpctypes.RPCError) string {
	if e.Data != "" {
		return e.Data
	}
	return e.Message
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
