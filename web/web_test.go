package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

// testFS is a page with a small stand-in verifier: the handler's contract
// does not depend on what the verifier is.
func testFS(t *testing.T, withVerifier bool) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{
		"assets/index.html": {Data: []byte("<!doctype html><title>t</title>")},
		"assets/app.js":     {Data: []byte("console.log(1)")},
		"assets/style.css":  {Data: []byte("body{}")},
		"dist/README.md":    {Data: []byte("readme")},
	}
	if withVerifier {
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		_, err := zw.Write(bytes.Repeat([]byte("\x00asm wasm bytes "), 1000))
		require.NoError(t, err)
		require.NoError(t, zw.Close())
		fsys[wasmGzipFile] = &fstest.MapFile{Data: gz.Bytes()}
		fsys[wasmExecFile] = &fstest.MapFile{Data: []byte("// wasm_exec")}
	}
	return fsys
}

func get(t *testing.T, h http.Handler, method, path string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestHandlerServesThePage(t *testing.T) {
	h := newHandler(testFS(t, true))
	for _, path := range []string{"/", "/index.html"} {
		w := get(t, h, http.MethodGet, path, nil)
		require.Equal(t, http.StatusOK, w.Code)
		require.Equal(t, "text/html; charset=utf-8", w.Header().Get("Content-Type"))
		require.Equal(t, "<!doctype html><title>t</title>", w.Body.String())
		csp := w.Header().Get("Content-Security-Policy")
		require.Contains(t, csp, "default-src 'none'")
		require.Contains(t, csp, "connect-src 'self'")
		require.Contains(t, csp, "script-src 'self' 'wasm-unsafe-eval'")
		require.Equal(t, "nosniff", w.Header().Get("X-Content-Type-Options"))
	}
	w := get(t, h, http.MethodGet, "/assets/app.js", nil)
	require.Equal(t, "text/javascript; charset=utf-8", w.Header().Get("Content-Type"))
	require.Equal(t, "console.log(1)", w.Body.String())
	require.Equal(t, "text/css; charset=utf-8", get(t, h, http.MethodGet, "/assets/style.css", nil).Header().Get("Content-Type"))

	// Revalidation by entity tag.
	etag := w.Header().Get("ETag")
	require.NotEmpty(t, etag)
	require.Equal(t, http.StatusNotModified, get(t, h, http.MethodGet, "/assets/app.js", map[string]string{"If-None-Match": etag}).Code)
	require.Equal(t, http.StatusOK, get(t, h, http.MethodGet, "/assets/app.js", map[string]string{"If-None-Match": `"other"`}).Code)

	// HEAD has the headers and no body; other methods and paths are refused.
	w = get(t, h, http.MethodHead, "/assets/app.js", nil)
	require.Equal(t, http.StatusOK, w.Code)
	require.Equal(t, "14", w.Header().Get("Content-Length"))
	require.Empty(t, w.Body.String())
	w = get(t, h, http.MethodPost, "/", nil)
	require.Equal(t, http.StatusMethodNotAllowed, w.Code)
	require.Equal(t, "GET, HEAD", w.Header().Get("Allow"))
	for _, path := range []string{"/assets/nothing.js", "/assets/index.html", "/dist/README.md", "/README.md", "/assets/"} {
		require.Equal(t, http.StatusNotFound, get(t, h, http.MethodGet, path, nil).Code, path)
	}
}

func TestVerifierIsServedCompressedWhenAccepted(t *testing.T) {
	fsys := testFS(t, true)
	h := newHandler(fsys)
	gz := fsys[wasmGzipFile].Data
	raw, n := gzipSizes(gz)
	require.Equal(t, int64(16000), raw)
	require.Equal(t, int64(len(gz)), n)

	for _, accept := range []string{"gzip", "gzip, deflate, br, zstd", "br;q=1.0, gzip;q=0.8", "*"} {
		w := get(t, h, http.MethodGet, "/assets/verifier.wasm", map[string]string{"Accept-Encoding": accept})
		require.Equal(t, http.StatusOK, w.Code, accept)
		require.Equal(t, "gzip", w.Header().Get("Content-Encoding"), accept)
		require.Equal(t, "application/wasm", w.Header().Get("Content-Type"))
		require.Equal(t, "Accept-Encoding", w.Header().Get("Vary"))
		require.Equal(t, gz, w.Body.Bytes())
	}
	for _, accept := range []string{"", "identity", "br", "gzip;q=0", "*;q=0", "br, *;q=0"} {
		w := get(t, h, http.MethodGet, "/assets/verifier.wasm", map[string]string{"Accept-Encoding": accept})
		require.Equal(t, http.StatusOK, w.Code, accept)
		require.Empty(t, w.Header().Get("Content-Encoding"), accept)
		require.Equal(t, "16000", w.Header().Get("Content-Length"), accept)
		require.Equal(t, bytes.Repeat([]byte("\x00asm wasm bytes "), 1000), w.Body.Bytes(), accept)
	}
	require.Equal(t, "// wasm_exec", get(t, h, http.MethodGet, "/assets/wasm_exec.js", nil).Body.String())
}

func TestPageWithoutTheVerifierSaysSo(t *testing.T) {
	h := newHandler(testFS(t, false))
	require.Equal(t, http.StatusOK, get(t, h, http.MethodGet, "/", nil).Code, "the page itself is served")
	w := get(t, h, http.MethodGet, "/assets/verifier.wasm", map[string]string{"Accept-Encoding": "gzip"})
	require.Equal(t, http.StatusNotFound, w.Code)
	require.Equal(t, "not-built", w.Header().Get("X-Govchain-Verifier"))
	require.Contains(t, w.Body.String(), "make web-wasm")
	require.Equal(t, http.StatusNotFound, get(t, h, http.MethodGet, "/assets/wasm_exec.js", nil).Code)
}

// The embedded page is the one in assets/, and the verifier is embedded
// exactly when web/dist holds it.
func TestEmbeddedFiles(t *testing.T) {
	h := newHandler(files)
	entries, err := os.ReadDir("assets")
	require.NoError(t, err)
	for _, e := range entries {
		want, err := os.ReadFile(filepath.Join("assets", e.Name()))
		require.NoError(t, err)
		path := "/assets/" + e.Name()
		if e.Name() == "index.html" {
			path = "/"
		}
		w := get(t, h, http.MethodGet, path, nil)
		require.Equal(t, http.StatusOK, w.Code, path)
		require.Equal(t, string(want), w.Body.String(), path)
	}
	_, err = os.Stat(filepath.Join("dist", "verifier.wasm.gz"))
	require.Equal(t, err == nil, VerifierBuilt())
	raw, gz := VerifierSize()
	require.Equal(t, VerifierBuilt(), raw > gz && gz > 0)
}

// The scripts' messages: both languages have the same keys with the same
// placeholders, and every key the scripts name exists.
func TestMessageTable(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("assets", "messages.js"))
	require.NoError(t, err)
	tables := map[string]map[string]string{}
	entry := regexp.MustCompile(`^\s*"([^"]+)":\s*"((?:[^"\\]|\\.)*)",$`)
	var cur map[string]string
	for _, line := range strings.Split(string(src), "\n") {
		if m := regexp.MustCompile(`^const (\w+) = \{$`).FindStringSubmatch(line); m != nil {
			cur = map[string]string{}
			tables[m[1]] = cur
			continue
		}
		if line == "};" {
			cur = nil
			continue
		}
		if cur == nil || strings.TrimSpace(line) == "" {
			continue
		}
		m := entry.FindStringSubmatch(line)
		require.NotNil(t, m, "messages.js: a line of a table that is not \"key\": \"text\",: %s", line)
		_, dup := cur[m[1]]
		require.False(t, dup, "messages.js: %s twice", m[1])
		cur[m[1]] = m[2]
	}
	require.Len(t, tables, 2, "the tables en and pt")
	en, pt := tables["en"], tables["pt"]
	require.Equal(t, sortedKeys(en), sortedKeys(pt), "English and Portuguese have the same keys")
	placeholder := regexp.MustCompile(`\{(\w+)\}`)
	for k, v := range en {
		require.Equal(t, sortedMatches(placeholder, v), sortedMatches(placeholder, pt[k]), "placeholders of %s", k)
		require.NotEmpty(t, pt[k], k)
	}

	used := regexp.MustCompile(`\bt\("([a-zA-Z0-9_.]+)"[,)]`)
	named := regexp.MustCompile(`"(nav\.\w+)"`)
	scripts, err := filepath.Glob(filepath.Join("assets", "*.js"))
	require.NoError(t, err)
	n := 0
	for _, f := range scripts {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range append(used.FindAllStringSubmatch(string(b), -1), named.FindAllStringSubmatch(string(b), -1)...) {
			if filepath.Base(f) == "messages.js" {
				continue
			}
			_, ok := en[m[1]]
			require.True(t, ok, "%s uses the message %q, which the table does not have", filepath.Base(f), m[1])
			n++
		}
	}
	require.Greater(t, n, 100, "the scripts name their messages with t(\"key\")")
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sortedMatches(re *regexp.Regexp, s string) []string {
	out := []string{}
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return out
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"gzip": true, "GZIP": true, "x-gzip": true, "deflate, gzip;q=0.5": true, "*": true, "br, *": true,
		"": false, "br": false, "gzip;q=0": false, "gzip; q=0.0": false, "*;q=0": false, "gzip;q=0, *": false, "identity": false,
	} {
		require.Equal(t, want, acceptsGzip(header), "%q", header)
	}
}

func TestDecompressedVerifierIsTheRawBuild(t *testing.T) {
	if !VerifierBuilt() {
		t.Fatal("web/dist has no verifier: run `make web-wasm` (make test does)")
	}
	h := newHandler(files)
	w := get(t, h, http.MethodGet, "/assets/verifier.wasm", nil)
	require.Equal(t, http.StatusOK, w.Code)
	raw, _ := VerifierSize()
	require.Equal(t, raw, int64(w.Body.Len()))
	require.Equal(t, []byte("\x00asm"), w.Body.Bytes()[:4], "a WebAssembly module")
	gz, err := gzip.NewReader(bytes.NewReader(get(t, h, http.MethodGet, "/assets/verifier.wasm", map[string]string{"Accept-Encoding": "gzip"}).Body.Bytes()))
	require.NoError(t, err)
	b, err := io.ReadAll(gz)
	require.NoError(t, err)
	require.Equal(t, w.Body.Bytes(), b)
}
