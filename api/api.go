package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/verify"
)

// Defaults of Config.
const (
	// DefaultTimeout bounds a request's work, a transaction's wait for its
	// block included.
	DefaultTimeout = 30 * time.Second
	// DefaultMaxBodyBytes bounds a request body: a transaction (the
	// chain's own limit, params.max_tx_bytes, is 32 KiB unless genesis
	// raises it; the node refuses a larger one with code 2).
	DefaultMaxBodyBytes int64 = 1 << 20
)

// Config is what New needs. Client is required; the zero value of every
// other field works.
type Config struct {
	// Client is the node the API reads from and posts to.
	Client *client.Client
	// Trust is the trust root GET /api/v1/trust serves (the genesis
	// validators of the chain, or a set the ministries published); nil
	// answers 404 there.
	Trust *verify.Trust
	// CORSOrigins lists the browser origins allowed to call the API
	// from another origin, each as a browser sends it in its Origin header
	// ("https://registry.example.gov", "http://127.0.0.1:8080") and
	// matched exactly; empty turns CORS off.
	CORSOrigins []string
	// Page serves every path that is not the API's (outside /api/ and
	// /openapi.json): the citizens' web page, mounted at "/". Nil answers
	// those paths with a JSON 404.
	Page http.Handler
	// Timeout bounds each request's work, including the wait for header
	// H+1 of a proof and a transaction's wait for its block
	// (DefaultTimeout if 0).
	Timeout time.Duration
	// MaxBodyBytes bounds a request body (DefaultMaxBodyBytes if 0).
	MaxBodyBytes int64
}

// Validate reports the first problem of c as a one-line error.
func (c Config) Validate() error {
	if c.Client == nil {
		return errors.New("api: no client: the API needs a node to talk to")
	}
	if c.Timeout < 0 {
		return fmt.Errorf("api: timeout %s is negative", c.Timeout)
	}
	if c.MaxBodyBytes < 0 {
		return fmt.Errorf("api: max body bytes %d is negative", c.MaxBodyBytes)
	}
	return ValidateOrigins(c.CORSOrigins)
}

// ValidateOrigins refuses a CORS origin that is not of the form a browser
// sends: scheme http or https, a host and an optional port, nothing else
// (no path, not even "/", no wildcard).
func ValidateOrigins(origins []string) error {
	for _, o := range origins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(o, "?") || strings.HasSuffix(o, "#") {
			return fmt.Errorf("api: CORS origin %q is not an origin: give it as scheme://host[:port], e.g. https://registry.example.gov", o)
		}
		if strings.ToLower(o) != o {
			return fmt.Errorf("api: CORS origin %q must be lower case, as browsers send it", o)
		}
	}
	return nil
}

// handler is the API: a ServeMux of the endpoints behind the CORS check.
type handler struct {
	cl      *client.Client
	trust   *verify.Trust
	origins map[string]bool
	timeout time.Duration
	maxBody int64
	mux     *http.ServeMux
}

// New returns the API's handler (see the package doc for its endpoints
// and contract), or the error of cfg.Validate.
func New(cfg Config) (http.Handler, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	h := &handler{cl: cfg.Client, trust: cfg.Trust, timeout: cfg.Timeout, maxBody: cfg.MaxBodyBytes, mux: http.NewServeMux()}
	if h.timeout == 0 {
		h.timeout = DefaultTimeout
	}
	if h.maxBody == 0 {
		h.maxBody = DefaultMaxBodyBytes
	}
	if len(cfg.CORSOrigins) > 0 {
		h.origins = map[string]bool{}
		for _, o := range cfg.CORSOrigins {
			h.origins[o] = true
		}
	}
	h.route("/api/v1/status", http.MethodGet, nil, h.status)
	h.route("/api/v1/query/{path...}", http.MethodGet, []string{"height", "prove"}, h.query)
	h.route("/api/v1/certificate/{path...}", http.MethodGet, []string{"height", "complete"}, h.certificate)
	h.route("/api/v1/trust", http.MethodGet, nil, h.trustRoot)
	h.route("/api/v1/txs", http.MethodPost, []string{"wait"}, h.broadcast)
	h.route("/api/v1/txs/{hash}", http.MethodGet, nil, h.tx)
	h.route("/api/v1/blocks/{height}", http.MethodGet, nil, h.block)
	h.route("/api/v1/validators", http.MethodGet, []string{"height"}, h.validators)
	h.route("/openapi.json", http.MethodGet, nil, h.openapi)
	h.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, errorf(http.StatusNotFound, CodeNotFound, "api: no endpoint %s %s (GET /openapi.json lists them)", r.Method, r.URL.Path))
	})
	page := cfg.Page
	if page == nil {
		page = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeError(w, errorf(http.StatusNotFound, CodeNotFound, "api: no page is served at %s; the API is under /api/v1/ (GET /openapi.json lists it)", r.URL.Path))
		})
	}
	h.mux.Handle("/", page)
	return h, nil
}

// ServeHTTP applies CORS, then routes.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.origins != nil {
		w.Header().Add("Vary", "Origin")
		origin := r.Header.Get("Origin")
		allowed := origin != "" && h.origins[origin]
		if allowed {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Set("Access-Control-Expose-Headers", "ETag")
		}
		if r.Method == http.MethodOptions && origin != "" && r.Header.Get("Access-Control-Request-Method") != "" {
			if !allowed {
				writeError(w, errorf(http.StatusForbidden, CodeOriginNotAllowed, "api: origin %q may not call this API (it is not in the server's CORS origins)", origin))
				return
			}
			w.Header().Set("Access-Control-Allow-Methods", "GET, HEAD, POST")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type, If-None-Match")
			w.Header().Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	h.mux.ServeHTTP(w, r)
}

// reply is an endpoint's successful answer.
type reply struct {
	// status is the HTTP status (200 if 0).
	status int
	// body is encoded as JSON, unless raw is set, which is sent as is.
	body any
	raw  []byte
	// pinned marks an answer that cannot change: it is of a given height.
	pinned bool
}

// endpoint answers a request whose method and parameters were checked.
type endpoint func(ctx context.Context, r *http.Request) (*reply, error)

// route registers an endpoint for pattern: only method (and HEAD for a
// GET), only the query parameters params, the body bounded, the work
// bounded in time.
func (h *handler) route(pattern, method string, params []string, ep endpoint) {
	h.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != method && (method != http.MethodGet || r.Method != http.MethodHead) {
			allow := method
			if method == http.MethodGet {
				allow += ", " + http.MethodHead
			}
			w.Header().Set("Allow", allow)
			writeError(w, errorf(http.StatusMethodNotAllowed, CodeMethodNotAllowed, "api: %s takes %s, not %s", r.URL.Path, allow, r.Method))
			return
		}
		if err := checkParams(r.URL.Query(), params); err != nil {
			writeError(w, err)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, h.maxBody)
		ctx, cancel := context.WithTimeout(r.Context(), h.timeout)
		defer cancel()
		rep, err := ep(ctx, r)
		if err != nil {
			writeError(w, h.classify(err))
			return
		}
		writeReply(w, r, rep)
	})
}

// checkParams refuses a query parameter that is not one of allowed, or
// given twice.
func checkParams(q url.Values, allowed []string) error {
	for name, vals := range q {
		known := false
		for _, a := range allowed {
			known = known || a == name
		}
		switch {
		case !known && len(allowed) == 0:
			return errorf(http.StatusBadRequest, CodeBadRequest, "api: unknown parameter %q: this endpoint takes none", name)
		case !known:
			return errorf(http.StatusBadRequest, CodeBadRequest, "api: unknown parameter %q: this endpoint takes %s", name, strings.Join(allowed, ", "))
		case len(vals) > 1:
			return errorf(http.StatusBadRequest, CodeBadRequest, "api: parameter %q is given %d times", name, len(vals))
		}
	}
	return nil
}

// heightParam reads ?height=N: 0 if absent, else a positive integer.
func heightParam(r *http.Request) (int64, error) {
	s := r.URL.Query().Get("height")
	if !r.URL.Query().Has("height") {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, errorf(http.StatusBadRequest, CodeBadRequest, "api: height %q is not a positive integer", s)
	}
	return n, nil
}

// boolParam reads ?name=true|false: false if absent.
func boolParam(r *http.Request, name string) (bool, error) {
	if !r.URL.Query().Has(name) {
		return false, nil
	}
	switch s := r.URL.Query().Get(name); s {
	case "true":
		return true, nil
	case "false":
		return false, nil
	default:
		return false, errorf(http.StatusBadRequest, CodeBadRequest, "api: %s must be true or false, not %q", name, s)
	}
}

// writeReply sends rep as JSON with its ETag and caching headers, or 304
// if the client holds that ETag.
func writeReply(w http.ResponseWriter, r *http.Request, rep *reply) {
	body := rep.raw
	if body == nil {
		var err error
		if body, err = encodeJSON(rep.body); err != nil {
			writeError(w, errorf(http.StatusInternalServerError, CodeInternal, "api: encode the answer: %v", err))
			return
		}
	}
	status := rep.status
	if status == 0 {
		status = http.StatusOK
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "application/json")
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		sum := sha256.Sum256(body)
		etag := `"` + hex.EncodeToString(sum[:16]) + `"`
		hdr.Set("ETag", etag)
		if rep.pinned {
			hdr.Set("Cache-Control", "public, max-age=86400")
		} else {
			hdr.Set("Cache-Control", "no-cache")
		}
		if etagMatch(r.Header.Get("If-None-Match"), etag) {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	} else {
		hdr.Set("Cache-Control", "no-store")
	}
	hdr.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// etagMatch reports whether an If-None-Match header names etag (or *).
func etagMatch(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// encodeJSON encodes v indented by two spaces, stored values as they are
// (no HTML escaping), with a final newline.
func encodeJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
