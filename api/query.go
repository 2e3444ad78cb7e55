package api

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/verify"
)

// Answer is the JSON of GET /api/v1/query/{path...}.
type Answer struct {
	// Path is the registry path answered, e.g. /land/parcel/P-1.
	Path string `json:"path"`
	// Height is the state version read: the state after block Height.
	Height int64 `json:"height"`
	// Key is the store key (hex) of the record, or the anchor of a
	// multi-key answer.
	Key string `json:"key"`
	// Value is the node's answer: the stored JSON of the record, or for a
	// multi-key answer (a history, a list) the JSON array
	// [{"key": hex, "value": stored JSON}, ...], anchor first.
	Value json.RawMessage `json:"value,omitempty"`
	// ValueBase64 is the answer's exact bytes when they are not JSON
	// (no registry stores such a value; /store/{key} may name one).
	ValueBase64 []byte `json:"value_base64,omitempty"`
	// Proof is set with prove=true.
	Proof *Proof `json:"proof,omitempty"`
}

// Proof is what a proven answer was checked against, with the proof ops
// so that a client can check them itself.
type Proof struct {
	// HeaderHeight is H+1: the block whose header's app hash is the root
	// of state version H.
	HeaderHeight int64 `json:"header_height"`
	// HeaderTime is that header's block time.
	HeaderTime time.Time `json:"header_time"`
	// AppHash is that header's app hash (hex, upper case), as the node
	// serves it: the validators' signatures on the header are not checked
	// here (a certificate carries them).
	AppHash string `json:"app_hash"`
	// Keys is how many keys were proven (present, or for a not-found
	// answer, absent).
	Keys int `json:"keys"`
	// BoundToPath reports that the proven key is the one the path names
	// (always so for the registries' paths).
	BoundToPath bool `json:"bound_to_path"`
	// Value is the exact bytes the existence proofs are of (the answer's
	// value), base64: a client checks the proofs against these, whatever
	// its JSON library does to numbers and escapes. Absent for a not-found
	// answer.
	Value []byte `json:"value_base64,omitempty"`
	// Ops are the ICS23 proofs, one per key, in the answer's order: type
	// "ics23:iavl", key the exact store key (hex), data the
	// protobuf-encoded cosmos.ics23.v1.CommitmentProof (base64).
	Ops []verify.ProofOp `json:"ops"`
}

// proofOf is the JSON of a proof the client checked; value is the
// answer's exact bytes (nil for an absence).
func proofOf(p *client.Proof, value []byte) *Proof {
	return &Proof{HeaderHeight: p.HeaderHeight, HeaderTime: p.HeaderTime, AppHash: fmt.Sprintf("%X", p.AppHash),
		Keys: p.Keys, BoundToPath: p.BoundToPath, Value: value, Ops: p.Ops}
}

// registryPath returns the registry path of a query or certificate
// request: "/" and the rest of the URL path after the endpoint, each
// segment unescaped. It refuses an empty path or segment and control
// characters.
func registryPath(r *http.Request) (string, error) {
	p := r.PathValue("path")
	if p == "" {
		return "", errorf(http.StatusBadRequest, CodeBadRequest, "api: no registry path: ask for one such as %s/land/parcel/P-1",
			strings.TrimSuffix(r.URL.Path, "/"))
	}
	if !utf8.ValidString(p) || strings.ContainsFunc(p, unicode.IsControl) {
		return "", errorf(http.StatusBadRequest, CodeBadRequest, "api: the registry path %q has a control character or is not UTF-8", p)
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" {
			return "", errorf(http.StatusBadRequest, CodeBadRequest, "api: the registry path /%s has an empty segment", p)
		}
	}
	return "/" + p, nil
}

// pathRequest is what a query or certificate request asks: the registry
// path, ?height=N (0: the latest) and its one boolean parameter.
type pathRequest struct {
	path   string
	height int64
	flag   bool
}

// readPathRequest reads a query or certificate request whose boolean
// parameter is named flag.
func readPathRequest(r *http.Request, flag string) (pathRequest, error) {
	var (
		pr  pathRequest
		err error
	)
	if pr.path, err = registryPath(r); err != nil {
		return pr, err
	}
	if pr.height, err = heightParam(r); err != nil {
		return pr, err
	}
	pr.flag, err = boolParam(r, flag)
	return pr, err
}

func (h *handler) query(ctx context.Context, r *http.Request) (*reply, error) {
	pr, err := readPathRequest(r, "prove")
	if err != nil {
		return nil, err
	}
	res, err := h.cl.Query(ctx, pr.path, client.QueryOptions{Height: pr.height, Prove: pr.flag, HeaderWait: h.timeout})
	if err != nil {
		return nil, err
	}
	out := &Answer{Path: res.Path, Height: res.Height, Key: hex.EncodeToString(res.Key)}
	if json.Valid(res.Value) {
		out.Value = res.Value
	} else {
		out.ValueBase64 = res.Value
	}
	if res.Proof != nil {
		out.Proof = proofOf(res.Proof, res.Value)
	}
	return &reply{body: out, pinned: pr.height > 0}, nil
}

func (h *handler) certificate(ctx context.Context, r *http.Request) (*reply, error) {
	pr, err := readPathRequest(r, "complete")
	if err != nil {
		return nil, err
	}
	cert, err := h.cl.Certificate(ctx, pr.path, client.CertificateOptions{Height: pr.height, Complete: pr.flag, HeaderWait: h.timeout})
	if err != nil {
		return nil, err
	}
	bz, err := verify.Encode(cert)
	if err != nil {
		return nil, err
	}
	return &reply{raw: bz, pinned: pr.height > 0}, nil
}

func (h *handler) trustRoot(context.Context, *http.Request) (*reply, error) {
	if h.trust == nil {
		return nil, errorf(http.StatusNotFound, CodeNotFound, "api: this server was given no trust root (govchain web --trust FILE)")
	}
	return &reply{body: verify.TrustFileOf(h.trust)}, nil
}
