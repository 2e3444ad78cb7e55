package datasvc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/govchain/govchain/app/core"
)

// The HTTP API of a data service (Server.Handler):
//
//	POST /v1/requests/{id}/payload
//	    body: PayloadRequest (at most MaxBodyBytes of JSON, no unknown
//	    field); answer 200 with a PayloadResponse, or an ErrorResponse
//	    with the status of the Refusal: 400 a malformed body, 401 a bad
//	    signature, a stale time or an account without a key, 403 not the
//	    request's official (of a covert request: no data officer of the
//	    requesting agency), a request refused on chain or to another
//	    agency, a grant revoked or expired, a covert request asking for
//	    fields outside its grant, 404 a request not committed,
//	    409 a record changed, no usable key of the requester, or a
//	    receipt naming another payload, 410 an erased record, 500 the
//	    service's own failure (values that do not match their
//	    commitments), 503 the chain cannot be read or written now.
//	GET /healthz
//	    200 {"status":"ok","agency":"…"}.
const (
	// PathPayload is the pattern of the payload route.
	PathPayload = "/v1/requests/{id}/payload"
	// PathHealth is the health route.
	PathHealth = "/healthz"
	// MaxBodyBytes bounds a payload request's body.
	MaxBodyBytes = 4096
	// DeliverTimeout bounds the work on one payload request, receipt
	// included; it goes on if the requester hangs up, so that a receipt
	// is not left half-posted.
	DeliverTimeout = 2 * time.Minute
)

// PayloadResponse is the answer to a payload request: the sealed payload
// (standard base64), the requester's key id it is sealed to, its SHA-256
// and the height of the block that holds its receipt.
type PayloadResponse struct {
	RequestID     uint64    `json:"request_id"`
	KeyID         string    `json:"key_id"`
	PayloadHash   core.Hash `json:"payload_hash"`
	ReceiptHeight int64     `json:"receipt_height"`
	Sealed        []byte    `json:"sealed"`
}

// ErrorResponse is the body of every answer but 200: the reason, and the
// chain's result code when a rule of the chain refused.
type ErrorResponse struct {
	Error string `json:"error"`
	Code  uint32 `json:"code,omitempty"`
}

// Handler returns the service's HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+PathPayload, s.handlePayload)
	mux.HandleFunc("GET "+PathHealth, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "agency": s.agency})
	})
	return mux
}

func (s *Server) handlePayload(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 64)
	if err != nil || id == 0 || strconv.FormatUint(id, 10) != r.PathValue("id") {
		s.writeRefusal(w, 0, refuse(http.StatusBadRequest, "request id %q must be a positive decimal number", r.PathValue("id")))
		return
	}
	var pr PayloadRequest
	if err := decodeBody(w, r, &pr); err != nil {
		s.writeRefusal(w, id, refuse(http.StatusBadRequest, "body: %v", err))
		return
	}
	// The work goes on if the requester hangs up: a receipt is posted
	// whole or not at all.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), DeliverTimeout)
	defer cancel()
	d, err := s.Deliver(ctx, id, &pr)
	if err != nil {
		var ref *Refusal
		if !errors.As(err, &ref) {
			ref = internal("%v", err)
		}
		s.writeRefusal(w, id, ref)
		return
	}
	writeJSON(w, http.StatusOK, PayloadResponse{RequestID: d.RequestID, KeyID: d.KeyID, PayloadHash: d.PayloadHash,
		ReceiptHeight: d.ReceiptHeight, Sealed: d.Sealed})
}

func (s *Server) writeRefusal(w http.ResponseWriter, id uint64, r *Refusal) {
	if r.Status >= 500 {
		s.log.Error("payload request failed", "request_id", id, "status", r.Status, "reason", r.Reason)
	} else {
		s.log.Info("payload request refused", "request_id", id, "status", r.Status, "code", r.Code, "reason", r.Reason)
	}
	writeJSON(w, r.Status, ErrorResponse{Error: r.Reason, Code: r.Code})
}

// decodeBody decodes the request's body into v strictly: at most
// MaxBodyBytes, one JSON object, no unknown field.
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the JSON object")
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"encode the answer"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// sweepLoop runs SweepErasures now and then every ErasureSweep until ctx
// ends; a failed sweep is logged and done again at the next tick.
func (s *Server) sweepLoop(ctx context.Context) {
	every := s.cfg.ErasureSweep
	if every <= 0 {
		every = DefaultErasureSweep
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.SweepErasures(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("erasure sweep failed; it runs again", "err", err, "in", every.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Serve settles every pending delivery (Recover), then serves the HTTP
// API on ln until ctx ends, then shuts down: it stops accepting, lets the
// requests in flight finish (their receipts included) and returns nil.
// If ctx ends while deliveries are being settled, it returns nil at once
// and the next start settles the rest.
// ready, if not nil, is called once Recover is done and the server
// accepts requests. With cfg.Events it also sweeps erasures (SweepErasures)
// at start and every cfg.ErasureSweep while it serves.
func (s *Server) Serve(ctx context.Context, ln net.Listener, ready func(*RecoverResult)) error {
	rec, err := s.Recover(ctx)
	if err != nil {
		_ = ln.Close()
		if ctx.Err() != nil {
			// Stopped while settling: the next start goes on.
			return nil
		}
		return fmt.Errorf("datasvc: settle stored deliveries before serving: %w", err)
	}
	s.log.Info("stored deliveries settled", "pending", rec.Pending, "found", rec.Found, "posted", rec.Posted,
		"removed", rec.Removed, "conflicts", rec.Conflicts)
	if s.cfg.Events != nil {
		go s.sweepLoop(ctx)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}
	done := make(chan error, 1)
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), DeliverTimeout)
		defer cancel()
		done <- srv.Shutdown(sctx)
	}()
	if ready != nil {
		ready(rec)
	}
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("datasvc: serve: %w", err)
	}
	if err := <-done; err != nil {
		return fmt.Errorf("datasvc: shut down: %w", err)
	}
	return nil
}
