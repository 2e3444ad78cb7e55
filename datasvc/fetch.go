package datasvc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/seal"
)

// DefaultReceiptWait bounds how long Fetch waits for a delivery's receipt
// to be readable on chain.
const DefaultReceiptWait = 30 * time.Second

// Fetcher is the requesting agency's side: it fetches the payload of an
// allowed request from the owner's data service and checks it against
// the chain.
type Fetcher struct {
	// Store is the requesting agency's own database, which holds its
	// private keys and keeps every payload fetched.
	Store *Store
	// Reader reads the committed state.
	Reader Reader
	// Signer is the official who made the request; it signs the payload
	// request and any complaint.
	Signer *Signer
	// HTTP is the client the service is reached with; if nil, a client
	// whose requests time out after DeliverTimeout and a minute.
	HTTP *http.Client
	// ReceiptWait bounds the wait for the receipt (DefaultReceiptWait if
	// 0).
	ReceiptWait time.Duration
	// Now is the clock the payload request is signed with; time.Now if
	// nil.
	Now func() time.Time
}

// Fetched is a payload fetched, opened and checked.
type Fetched struct {
	Request       *sharing.Request `json:"-"`
	KeyID         string           `json:"key_id"`
	PayloadHash   core.Hash        `json:"payload_hash"`
	ReceiptHeight int64            `json:"receipt_height"`
	Fields        []seal.Field     `json:"-"`
}

// MismatchError is Fetch's error for a payload whose fields do not all
// match the request's commitments: the fields that do not, and the
// complaint filed on chain for each (sharing/file_complaint).
type MismatchError struct {
	RequestID   uint64
	PayloadHash core.Hash
	Fields      []string
	// Complaints are the complaints' transaction hashes, or the reason a
	// complaint could not be filed, in the order of Fields.
	Complaints []string
}

// Error implements error.
func (e *MismatchError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = fmt.Sprintf("%s (complaint: %s)", f, e.Complaints[i])
	}
	return fmt.Sprintf("datasvc: request %d: payload %s: field(s) that do not match their commitment on chain: %s",
		e.RequestID, e.PayloadHash, strings.Join(parts, ", "))
}

// ErrServiceRefused wraps every refusal answered by a data service.
var ErrServiceRefused = errors.New("datasvc: the data service refused")

// Fetch fetches the payload of request id from the data service at
// service (its base URL) and returns it once checked:
//
//  1. the request, read from the chain, must be allowed and the signer
//     its official (for a covert request, whose official is sealed, a
//     data officer of the requesting agency: the service checks it);
//  2. the payload request is signed (SignPayloadRequest) and posted;
//  3. the payload's SHA-256 must equal the receipt's on chain, and the key
//     id the receipt's, waiting (at most ReceiptWait) for the receipt to
//     be readable;
//  4. it is opened with the requester's private key of that id from the
//     Store, and kept there as evidence;
//  5. every field is checked against the request's commitments (for a
//     covert request, which shows the commitments of every field of its
//     grant, each field received against its own; that they are the
//     fields asked for is the requester's to check against the details it
//     kept). A field that does not match gets a complaint
//     (sharing/file_complaint; the chain takes a complaint about a covert
//     request only once it is disclosed) and Fetch returns a
//     *MismatchError.
func (f *Fetcher) Fetch(ctx context.Context, service string, id uint64) (*Fetched, error) {
	q, _, err := readJSON[sharing.Request](ctx, f.Reader, "/sharing/request/"+core.Dec(id), 0)
	if err != nil {
		return nil, err
	}
	switch {
	case q == nil:
		return nil, fmt.Errorf("datasvc: request %d is not committed on chain", id)
	case q.Outcome != sharing.OutcomeAllowed:
		return nil, fmt.Errorf("datasvc: request %d was refused on chain", id)
	case !q.Covert && q.Official != f.Signer.Account():
		return nil, fmt.Errorf("datasvc: request %d was made by %s; the signer is %s", id, q.Official, f.Signer.Account())
	}
	if err := f.Store.BindAgency(ctx, q.Requester); err != nil {
		return nil, err
	}
	resp, err := f.post(ctx, service, id)
	if err != nil {
		return nil, err
	}
	hash := core.Hash(seal.PayloadHash(resp.Sealed))
	if resp.RequestID != id || resp.PayloadHash != hash {
		return nil, fmt.Errorf("datasvc: the service's answer names request %d and payload hash %s; the payload is %s of request %d",
			resp.RequestID, resp.PayloadHash, hash, id)
	}
	rq, err := f.receipt(ctx, id)
	if err != nil {
		return nil, err
	}
	if rq.Delivery.PayloadHash != hash || rq.Delivery.KeyID != resp.KeyID {
		return nil, fmt.Errorf("datasvc: request %d: the payload (hash %s, key %s) is not the one the receipt on chain names (hash %s, key %s)",
			id, hash, resp.KeyID, rq.Delivery.PayloadHash, rq.Delivery.KeyID)
	}
	priv, err := f.Store.PrivateKey(ctx, resp.KeyID)
	if err != nil {
		return nil, err
	}
	p, err := seal.OpenPayload(priv, f.Signer.ChainID(), id, resp.KeyID, resp.Sealed)
	if err != nil {
		return nil, fmt.Errorf("datasvc: request %d: %w", id, err)
	}
	out := &Fetched{Request: rq, KeyID: resp.KeyID, PayloadHash: hash, ReceiptHeight: rq.Delivery.Height, Fields: p.Fields}
	commitments := make(map[string][32]byte, len(rq.Commitments))
	for _, c := range rq.Commitments {
		commitments[c.Name] = c.Commitment
	}
	if rq.Covert {
		// The chain shows the commitments of every field of the grant,
		// not which were asked for: the payload's fields are checked
		// against theirs.
		asked := make(map[string][32]byte, len(p.Fields))
		for _, fl := range p.Fields {
			if c, ok := commitments[fl.Name]; ok {
				asked[fl.Name] = c
			}
		}
		commitments = asked
	}
	mismatch := &MismatchError{RequestID: id, PayloadHash: hash}
	for _, fl := range p.Fields {
		if c, ok := commitments[fl.Name]; ok && c != fl.Commitment() {
			mismatch.Fields = append(mismatch.Fields, fl.Name)
		}
	}
	verdict := "ok"
	checkErr := seal.CheckPayload(p, commitments)
	if checkErr != nil {
		verdict = checkErr.Error()
	}
	if err := f.Store.StoreReceived(ctx, &Received{RequestID: id, KeyID: resp.KeyID, Sealed: resp.Sealed, PayloadHash: hash, Verdict: verdict}); err != nil {
		return nil, err
	}
	if len(mismatch.Fields) > 0 {
		for _, name := range mismatch.Fields {
			mismatch.Complaints = append(mismatch.Complaints, f.complain(ctx, id, name, p, hash))
		}
		return out, mismatch
	}
	if checkErr != nil {
		return out, fmt.Errorf("datasvc: request %d: %w", id, checkErr)
	}
	return out, nil
}

// complain files a complaint about field name of payload p, returning
// the complaint's transaction hash or why it was not filed.
func (f *Fetcher) complain(ctx context.Context, id uint64, name string, p seal.Payload, hash core.Hash) string {
	var received core.Hash
	for _, fl := range p.Fields {
		if fl.Name == name {
			received = fl.Commitment()
		}
	}
	res, err := f.Signer.Submit(ctx, &sharing.FileComplaint{RequestID: id, Field: name, ReceivedCommitment: received, PayloadHash: hash})
	if err != nil {
		return "not filed: " + err.Error()
	}
	return "filed in tx " + res.Hash
}

// post signs the payload request for id and posts it to the service.
func (f *Fetcher) post(ctx context.Context, service string, id uint64) (*PayloadResponse, error) {
	clock := f.Now
	if clock == nil {
		clock = time.Now
	}
	pr, err := SignPayloadRequest(f.Signer.Key(), f.Signer.ChainID(), id, f.Signer.Account(), clock())
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(pr)
	if err != nil {
		return nil, err
	}
	u, err := url.JoinPath(service, "v1", "requests", strconv.FormatUint(id, 10), "payload")
	if err != nil {
		return nil, fmt.Errorf("datasvc: service URL %q: %w", service, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("datasvc: service URL %q: %w", service, err)
	}
	req.Header.Set("Content-Type", "application/json")
	hc := f.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: DeliverTimeout + time.Minute}
	}
	res, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("datasvc: cannot reach the data service: %w", err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("datasvc: read the data service's answer: %w", err)
	}
	if res.StatusCode != http.StatusOK {
		var e ErrorResponse
		if json.Unmarshal(b, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(b))
		}
		if e.Code != 0 {
			return nil, fmt.Errorf("%w (HTTP %d, code %d): %s", ErrServiceRefused, res.StatusCode, e.Code, e.Error)
		}
		return nil, fmt.Errorf("%w (HTTP %d): %s", ErrServiceRefused, res.StatusCode, e.Error)
	}
	var out PayloadResponse
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("datasvc: the data service's answer does not decode: %w", err)
	}
	return &out, nil
}

// receipt waits, at most ReceiptWait, for request id to carry a delivery
// receipt on chain, and returns the request.
func (f *Fetcher) receipt(ctx context.Context, id uint64) (*sharing.Request, error) {
	wait := f.ReceiptWait
	if wait <= 0 {
		wait = DefaultReceiptWait
	}
	deadline := time.Now().Add(wait)
	for {
		q, _, err := readJSON[sharing.Request](ctx, f.Reader, "/sharing/request/"+core.Dec(id), 0)
		if err != nil {
			return nil, err
		}
		if q != nil && q.Delivery != nil {
			return q, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("datasvc: request %d has no delivery receipt on chain after %s; the payload is not opened", id, wait)
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}
