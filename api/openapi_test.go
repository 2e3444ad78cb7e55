package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/api"
	"github.com/govchain/govchain/client"
)

// spec is the API's OpenAPI document, loaded and checked.
type spec struct {
	doc *openapi3.T
	// templates are the document's paths, each with the expression that
	// matches a request path ({path} takes the rest, slashes included).
	templates []template
}

type template struct {
	path string
	re   *regexp.Regexp
	// params names the expression's groups.
	params []string
}

func loadSpec(t *testing.T) *spec {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(api.OpenAPI)
	require.NoError(t, err)
	require.NoError(t, doc.Validate(context.Background()), "openapi.json is not a valid OpenAPI 3 document")
	s := &spec{doc: doc}
	param := regexp.MustCompile(`\\\{([a-z]+)\\\}`)
	for _, p := range doc.Paths.InMatchingOrder() {
		tp := template{path: p}
		expr := param.ReplaceAllStringFunc(regexp.QuoteMeta(p), func(m string) string {
			name := strings.Trim(m, `\{}`)
			tp.params = append(tp.params, name)
			if name == "path" {
				return "(.*)"
			}
			return "([^/]*)"
		})
		tp.re = regexp.MustCompile("^" + expr + "$")
		s.templates = append(s.templates, tp)
	}
	return s
}

// route finds the document's operation for a request.
func (s *spec) route(t *testing.T, req *http.Request) (*routers.Route, map[string]string) {
	t.Helper()
	for _, tp := range s.templates {
		m := tp.re.FindStringSubmatch(req.URL.Path)
		if m == nil {
			continue
		}
		item := s.doc.Paths.Value(tp.path)
		op := item.GetOperation(req.Method)
		if op == nil {
			return &routers.Route{Spec: s.doc, Path: tp.path, PathItem: item, Method: req.Method}, nil
		}
		params := map[string]string{}
		for i, name := range tp.params {
			params[name] = m[i+1]
		}
		return &routers.Route{Spec: s.doc, Path: tp.path, PathItem: item, Method: req.Method, Operation: op}, params
	}
	t.Fatalf("openapi.json has no path for %s", req.URL.Path)
	return nil, nil
}

// check validates a real response against the document: its status must
// be documented for the operation, its body must match the schema. A
// request that the API serves is checked against the document too.
func (s *spec) check(t *testing.T, req *http.Request, reqBody []byte, r response) error {
	t.Helper()
	route, params := s.route(t, req)
	if route.Operation == nil {
		// A method the path does not take: 405 with an Error body.
		if r.status != http.StatusMethodNotAllowed {
			return fmt.Errorf("%s %s is not in openapi.json, yet answered %d", req.Method, route.Path, r.status)
		}
		var v any
		if err := json.Unmarshal(r.body, &v); err != nil {
			return err
		}
		return s.doc.Components.Schemas["Error"].Value.VisitJSON(v)
	}
	opts := &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	if r.status < 300 {
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
		require.NoError(t, openapi3filter.ValidateRequest(context.Background(), in), "%s %s: the request", req.Method, req.URL)
	}
	return openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in, Status: r.status, Header: r.header, Body: io.NopCloser(bytes.NewReader(r.body)), Options: opts,
	})
}

// TestOpenAPIConformance checks openapi.json as an OpenAPI 3 document,
// then sends real requests to the API of a development node (every
// operation, its successes and its errors) and validates each response's
// status and body against the document; a response with a field the
// document does not declare, or without one it requires, fails the same
// check. Every operation of the document is exercised.
func TestOpenAPIConformance(t *testing.T) {
	s := loadSpec(t)
	base := serve(t, api.Config{})
	reg := register(t, base, "O-1")

	type call struct {
		method, url string
		body        func() []byte
		status      int
	}
	tx := func(id string) func() []byte { return func() []byte { return parcelTx(t, id) } }
	raw := func(b string) func() []byte { return func() []byte { return []byte(b) } }
	// The replay sends the last transaction's bytes again.
	var sent []byte
	replay := func() []byte { return sent }
	calls := []call{
		{"GET", "/api/v1/status", nil, 200},
		{"GET", "/api/v1/query/land/parcel/O-1", nil, 200},
		{"GET", "/api/v1/query/land/parcel/O-1?prove=true", nil, 200},
		{"GET", "/api/v1/query/land/parcel/O-1/history?prove=true", nil, 200},
		{"GET", fmt.Sprintf("/api/v1/query/agency/list?height=%d", reg.Height), nil, 200},
		{"GET", "/api/v1/query/land/parcel/O-404?prove=true", nil, 404},
		{"GET", "/api/v1/query/land/plot/O-1", nil, 400},
		{"GET", "/api/v1/query/land/parcel/O-1?height=x", nil, 400},
		{"GET", "/api/v1/certificate/land/parcel/O-1", nil, 200},
		{"GET", "/api/v1/certificate/land/parcel/O-1/history?complete=true", nil, 200},
		{"GET", "/api/v1/certificate/land/parcel/O-404", nil, 200},
		{"GET", "/api/v1/certificate/sharing/log/P-NOBODY?complete=true", nil, 200},
		{"GET", "/api/v1/certificate/land/parcel/O-404/history?complete=true", nil, 404},
		{"GET", "/api/v1/certificate/land/parcel/O-1?complete=true", nil, 400},
		{"GET", "/api/v1/trust", nil, 200},
		{"POST", "/api/v1/txs?wait=true", tx("O-2"), 200},
		{"POST", "/api/v1/txs", tx("O-3"), 202},
		{"POST", "/api/v1/txs", replay, 409},
		{"POST", "/api/v1/txs", raw(`{"chain_id":"x"}`), 400},
		{"GET", "/api/v1/txs/" + reg.Hash, nil, 200},
		{"GET", "/api/v1/txs/" + strings.Repeat("0", 64), nil, 404},
		{"GET", fmt.Sprintf("/api/v1/blocks/%d", reg.Height), nil, 200},
		{"GET", "/api/v1/blocks/latest", nil, 200},
		{"GET", "/api/v1/blocks/1000000000", nil, 404},
		{"GET", "/api/v1/validators", nil, 200},
		{"GET", "/api/v1/validators?height=1", nil, 200},
		{"DELETE", "/api/v1/validators", nil, 405},
		{"GET", "/openapi.json", nil, 200},
	}
	covered := map[string]bool{}
	var last struct {
		req *http.Request
		r   response
	}
	for _, c := range calls {
		var body []byte
		if c.body != nil {
			body = c.body()
		}
		r := do(t, c.method, base+c.url, body, "Content-Type", "application/json")
		require.Equal(t, c.status, r.status, "%s %s: %s", c.method, c.url, r.body)
		sent = body
		req, err := http.NewRequest(c.method, base+c.url, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		route, _ := s.route(t, req)
		require.NoError(t, s.check(t, req, body, r), "%s %s answered %d, which openapi.json does not allow:\n%s", c.method, c.url, r.status, r.body)
		if route.Operation != nil {
			covered[c.method+" "+route.Path] = true
		}
		if c.url == "/api/v1/status" {
			last.req, last.r = req, r
		}
	}
	var missing []string
	for _, p := range s.doc.Paths.InMatchingOrder() {
		for method := range s.doc.Paths.Value(p).Operations() {
			if !covered[method+" "+p] {
				missing = append(missing, method+" "+p)
			}
		}
	}
	sort.Strings(missing)
	require.Empty(t, missing, "operations of openapi.json that no request exercised")

	// The same check refuses a status answer with a field the document
	// does not declare, without a required one, or of the wrong type, and
	// a status the operation does not document.
	var body map[string]any
	require.NoError(t, json.Unmarshal(last.r.body, &body))
	for name, edit := range map[string]func(map[string]any){
		"undeclared field": func(m map[string]any) { m["extra"] = 1 },
		"missing field":    func(m map[string]any) { delete(m, "chain_id") },
		"wrong type":       func(m map[string]any) { m["latest_height"] = "7" },
		"bad hash":         func(m map[string]any) { m["latest_block_hash"] = "xyz" },
	} {
		m := map[string]any{}
		for k, v := range body {
			m[k] = v
		}
		edit(m)
		b, err := json.Marshal(m)
		require.NoError(t, err)
		altered := last.r
		altered.body = b
		require.Error(t, s.check(t, last.req, nil, altered), name)
	}
	wrongStatus := last.r
	wrongStatus.status = http.StatusTeapot
	require.Error(t, s.check(t, last.req, nil, wrongStatus), "an undocumented status")
}

// TestBusyRefusal: a transaction the node refuses as busy (code 19) is
// answered 503 with a Retry-After header, as openapi.json documents, and
// keeps the chain's code, codespace and log; any other refusal of kind
// conflict stays 409 without Retry-After. The node is a stand-in for
// CometBFT's RPC that answers every broadcast with the given code.
func TestBusyRefusal(t *testing.T) {
	s := loadSpec(t)
	code := "19"
	rpc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			ID json.RawMessage `json:"id"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, `{"jsonrpc":"2.0","id":%s,"result":{"code":%s,"codespace":"govchain","log":"tx: node is busy, retry later: 2500 transactions wait","hash":"%s"}}`, req.ID, code, strings.Repeat("AB", 32))
	}))
	t.Cleanup(rpc.Close)
	cl, err := client.New(rpc.URL)
	require.NoError(t, err)
	cl.BusyRetries = 0
	h, err := api.New(api.Config{Client: cl})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	tx := []byte(`{"chain_id":"c-1"}`)
	r := do(t, "POST", srv.URL+"/api/v1/txs", tx, "Content-Type", "application/json")
	requireError(t, r, http.StatusServiceUnavailable, 19, "govchain", "tx: node is busy, retry later: 2500 transactions wait")
	require.Equal(t, "1", r.header.Get("Retry-After"))
	req, err := http.NewRequest("POST", srv.URL+"/api/v1/txs", bytes.NewReader(tx))
	require.NoError(t, err)
	require.NoError(t, s.check(t, req, tx, r), "openapi.json must document the busy answer")
	noHeader := r
	noHeader.header = r.header.Clone()
	noHeader.header.Del("Retry-After")
	require.Error(t, s.check(t, req, tx, noHeader), "openapi.json requires Retry-After on 503")

	code = "14"
	r = do(t, "POST", srv.URL+"/api/v1/txs", tx, "Content-Type", "application/json")
	requireError(t, r, http.StatusConflict, 14, "govchain", "")
	require.Empty(t, r.header.Get("Retry-After"))
}
