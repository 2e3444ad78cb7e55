package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/binary"
	"encoding/hex"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// files holds the page (assets/) and the built verifier (dist/).
//
//go:embed assets dist
var files embed.FS

// The verifier's files in dist/, as make web-wasm writes them.
const (
	wasmGzipFile = "dist/verifier.wasm.gz"
	wasmExecFile = "dist/wasm_exec.js"
)

// contentSecurityPolicy lets the page run its own scripts and compile its
// own WebAssembly, and load or connect to nothing of another origin.
const contentSecurityPolicy = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"

// asset is one file as served: its bytes (gzip-compressed if gzipped),
// type and entity tag.
type asset struct {
	body        []byte
	contentType string
	etag        string
	gzipped     bool
}

// Handler returns the handler of the embedded page, to mount at "/".
func Handler() http.Handler { return newHandler(files) }

// VerifierBuilt reports whether this binary carries the WebAssembly
// verifier (make web-wasm was run before it was built). Without it the
// page still loads but can verify nothing, and says so.
func VerifierBuilt() bool {
	_, err := fs.Stat(files, wasmGzipFile)
	return err == nil
}

// VerifierSize returns the size of the embedded verifier: raw (as the
// browser runs it) and gzip-compressed (as it is sent), or zeros if it
// was not built.
func VerifierSize() (raw, gzipped int64) {
	b, err := fs.ReadFile(files, wasmGzipFile)
	if err != nil {
		return 0, 0
	}
	return gzipSizes(b)
}

type handler struct {
	assets map[string]asset
}

func newHandler(fsys fs.FS) *handler {
	h := &handler{assets: map[string]asset{}}
	add := func(url, file string, gzipped bool) {
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			return
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(strings.TrimSuffix(file, ".gz")))
		switch path.Ext(strings.TrimSuffix(file, ".gz")) {
		case ".wasm":
			ct = "application/wasm"
		case ".js":
			ct = "text/javascript; charset=utf-8"
		case ".html":
			ct = "text/html; charset=utf-8"
		case ".css":
			ct = "text/css; charset=utf-8"
		}
		h.assets[url] = asset{body: b, contentType: ct, etag: `"` + hex.EncodeToString(sum[:16]) + `"`, gzipped: gzipped}
	}
	entries, _ := fs.ReadDir(fsys, "assets")
	for _, e := range entries {
		if !e.IsDir() {
			add("/assets/"+e.Name(), "assets/"+e.Name(), false)
		}
	}
	if a, ok := h.assets["/assets/index.html"]; ok {
		h.assets["/"] = a
		delete(h.assets, "/assets/index.html")
	}
	add("/assets/wasm_exec.js", wasmExecFile, false)
	add("/assets/verifier.wasm", wasmGzipFile, true)
	return h
}

// ServeHTTP serves the embedded files (see the package documentation).
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", contentSecurityPolicy)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	p := r.URL.Path
	if p == "/index.html" {
		p = "/"
	}
	a, ok := h.assets[p]
	if !ok {
		if p == "/assets/verifier.wasm" {
			hd.Set("X-Govchain-Verifier", "not-built")
			http.Error(w, "web: the verifier was not built into this binary: run `make web-wasm`, then rebuild govchain (`make build` does both)", http.StatusNotFound)
			return
		}
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hd.Set("Allow", "GET, HEAD")
		http.Error(w, "web: method not allowed", http.StatusMethodNotAllowed)
		return
	}
	hd.Set("Content-Type", a.contentType)
	hd.Set("Cache-Control", "no-cache")
	hd.Set("ETag", a.etag)
	if a.gzipped {
		hd.Set("Vary", "Accept-Encoding")
	}
	if match := r.Header.Get("If-None-Match"); match != "" && etagMatches(match, a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if !a.gzipped || acceptsGzip(r.Header.Get("Accept-Encoding")) {
		if a.gzipped {
			hd.Set("Content-Encoding", "gzip")
		}
		hd.Set("Content-Length", strconv.Itoa(len(a.body)))
		if r.Method == http.MethodGet {
			_, _ = w.Write(a.body)
		}
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(a.body))
	if err != nil {
		http.Error(w, "web: the embedded verifier is damaged", http.StatusInternalServerError)
		return
	}
	if raw, _ := gzipSizes(a.body); raw > 0 {
		hd.Set("Content-Length", strconv.FormatInt(raw, 10))
	}
	if r.Method == http.MethodGet {
		_, _ = io.Copy(w, zr)
	}
}

// gzipSizes returns the raw and compressed size of a gzip file: the raw
// size is the trailer's (RFC 1952: the input's size modulo 2^32, which a
// wasm file never reaches).
func gzipSizes(gz []byte) (raw, gzipped int64) {
	if len(gz) < 4 {
		return 0, 0
	}
	return int64(binary.LittleEndian.Uint32(gz[len(gz)-4:])), int64(len(gz))
}

// etagMatches reports whether an If-None-Match header names etag.
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "W/"))
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding header accepts gzip: it
// names gzip (or *) without q=0.
func acceptsGzip(header string) bool {
	gz, star := -1, -1
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		ok := 1
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				if q, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && q == 0 {
					ok = 0
				}
			}
		}
		switch coding {
		case "gzip", "x-gzip":
			gz = ok
		case "*":
			star = ok
		}
	}
	if gz >= 0 {
		return gz == 1
	}
	return star == 1
}
