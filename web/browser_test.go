package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/api"
	"github.com/govchain/govchain/internal/devnode"
	"github.com/govchain/govchain/verify"
	"github.com/govchain/govchain/web/internal/tamper"
)

// The browser tests drive Debian's chromium, headless, through the page
// served by a development node's API (govchain start with [web] on), with
// a proxy of the test's own between the page and the API that can change
// the node's answers. They need the verifier in web/dist (make web-wasm)
// and chromium (make chromium installs it): without either they fail,
// saying how to get it; they never skip.

// chromiumPath is Debian's chromium; GOVCHAIN_CHROMIUM names another.
func chromiumPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("GOVCHAIN_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("the browser tests need chromium at %s and it is not there: run `make chromium` "+
			"(as root it installs Debian's package with apt-get install -y chromium) or `sudo apt-get install chromium`, "+
			"or set GOVCHAIN_CHROMIUM to a Chromium binary", p)
	}
	return p
}

func requireVerifier(t *testing.T) {
	t.Helper()
	if !VerifierBuilt() {
		t.Fatal("web/dist has no verifier, so the page can verify nothing: run `make web-wasm` first (make test does)")
	}
}

// screenshotDirOf is where the scenarios' screenshots go: bin/web-screenshots
// at the repository's root (emptied once per run of the test binary), or
// GOVCHAIN_WEB_SCREENSHOTS. The first test that asks prints it.
func screenshotDirOf(t *testing.T) string {
	t.Helper()
	shotsOnce.Do(func() {
		dir := os.Getenv("GOVCHAIN_WEB_SCREENSHOTS")
		if dir == "" {
			root, err := filepath.Abs("..")
			if err != nil {
				shotsErr = err
				return
			}
			dir = filepath.Join(root, "bin", "web-screenshots")
			if shotsErr = os.RemoveAll(dir); shotsErr != nil {
				return
			}
		}
		shotsErr = os.MkdirAll(dir, 0o755)
		shotsDir = dir
		fmt.Printf("web browser tests: screenshots in %s\n", dir)
	})
	require.NoError(t, shotsErr)
	return shotsDir
}

var (
	shotsOnce sync.Once
	shotsDir  string
	shotsErr  error
)

// devChain is a development chain (internal/devnode) and its API with
// this package's page mounted at "/", as govchain web serves them.
type devChain struct {
	node *devnode.Node
	web  string // the API's URL
}

// startDevChain starts a development node and serves its API and the
// page (Handler, the embedded files) on a loopback port; both stop when
// the test ends, and the node never outlives the test binary.
func startDevChain(t *testing.T) *devChain {
	t.Helper()
	n, err := devnode.Start(devnode.Options{ChainID: "govchain-dev", Prefix: "govchain-web-"})
	require.NoError(t, err)
	t.Cleanup(n.Stop)
	genesis, err := os.ReadFile(filepath.Join(n.Home, "config", "genesis.json"))
	require.NoError(t, err)
	trust, err := verify.ParseTrust(genesis)
	require.NoError(t, err)
	h, err := api.New(api.Config{Client: n.Client, Trust: trust, Page: Handler()})
	require.NoError(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &devChain{node: n, web: srv.URL}
}

// cli runs a govchain command against the chain and returns its output.
func (c *devChain) cli(t *testing.T, args ...string) string {
	t.Helper()
	out, err := c.run(args...)
	require.NoError(t, err, "govchain %s:\n%s", strings.Join(args, " "), out)
	return out
}

func (c *devChain) run(args ...string) (string, error) {
	cmd := exec.Command(c.node.Bin, args...)
	cmd.Env = append(os.Environ(), "GOVCHAIN_HOME="+c.node.Home, "GOVCHAIN_NODE="+c.node.URL)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// The records the scenarios look at.
const (
	testParcel  = "BE-21004-0117"
	testVIN     = "1M8GDM9AXKP042788"
	testInvoice = "INV-2026-0412"
	testSubject = "P-7K2M-QX41"
)

// seedData is what seed wrote, for the scenarios.
type seedData struct {
	deed, other []byte // a notarised document and one never notarised
	cert        []byte // the certificate of testParcel, as exported
	shop, alice string // accounts
	tx          string // the hash of the parcel's registration
}

// seed records a parcel's registration and sale, a lien and a dispute, a
// vehicle with an inspection and an odometer reading, a notarised
// document, an invoice, a governance proposal and a vote, a citizen and a
// refused request for her data (the first entry of her access log), and
// exports the parcel's certificate.
func seed(t *testing.T, c *devChain) *seedData {
	t.Helper()
	dir := t.TempDir()
	d := &seedData{deed: []byte("Deed of sale of parcel BE-21004-0117, signed before the notary.\n"), other: []byte("A letter nobody notarised.\n")}
	deed := filepath.Join(dir, "deed.txt")
	require.NoError(t, os.WriteFile(deed, d.deed, 0o644))
	d.shop = strings.TrimSpace(c.cli(t, "keys", "show", "shop", "--address"))
	d.alice = strings.TrimSpace(c.cli(t, "keys", "show", "alice", "--address"))
	out := c.cli(t, "tx", "land", "register-parcel", "--from", "registrar", "--parcel-id", testParcel, "--cadastral-ref", "Brussels 4/A/117",
		"--area-m2", "1250", "--location", "Rue de la Loi 16, 1000 Brussels", "--owner", "alice:1",
		"--document-hash", "9f2b5c7d0e4a6f8b1c3d5e7f9a0b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f2a4b")
	m := regexp.MustCompile(`txhash: ([0-9A-F]{64})`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	d.tx = m[1]
	for _, args := range [][]string{
		{"tx", "land", "propose-transfer", "--from", "alice", "--parcel-id", testParcel, "--seller", "alice:1", "--buyer", "bob:1", "--price", "32500000"},
		{"tx", "land", "accept-transfer", "--from", "bob", "--transfer-id", "1"},
		{"tx", "land", "certify-transfer", "--from", "notary", "--transfer-id", "1", "--deed-hash", strings.Repeat("22", 32)},
		{"tx", "land", "register-transfer", "--from", "registrar", "--transfer-id", "1"},
		{"tx", "land", "create-lien", "--from", "bank", "--parcel-id", testParcel, "--amount", "18000000", "--currency", "EUR",
			"--reference", "MORTGAGE-2026-0042", "--document-hash", strings.Repeat("11", 32)},
		{"tx", "land", "flag-dispute", "--from", "court", "--parcel-id", testParcel, "--reason", "boundary claim by the neighbour",
			"--document-hash", strings.Repeat("33", 32)},
		{"tx", "vehicle", "register", "--from", "vehicle-registrar", "--vin", testVIN, "--make", "Volkswagen", "--model", "Golf",
			"--year", "2019", "--colour", "blue", "--plate", "1-ABC-123", "--owner", "alice", "--odometer-km", "48200"},
		{"tx", "vehicle", "record-inspection", "--from", "inspector", "--vin", testVIN, "--result", "pass", "--odometer-km", "61350",
			"--notes", "annual inspection"},
		{"tx", "vehicle", "record-odometer", "--from", "workshop", "--vin", testVIN, "--odometer-km", "62000"},
		{"tx", "notary", "anchor-document", "--from", "notary", "--document", deed, "--doc-type", "deed", "--reference", "land/parcel/" + testParcel},
		{"tx", "invoice", "issue-invoice", "--from", "shop", "--buyer", "alice", "--number", testInvoice,
			"--line", "Office chair;1;24900;2100", "--line", "Desk lamp;2;3450;2100", "--document", deed},
		{"tx", "gov", "propose-set-role-policy", "--from", "admin-interior", "--role", "notary", "--agency", "justice", "--agency", "interior",
			"--summary", "Let the Ministry of the Interior appoint notaries in the provinces as well"},
		{"tx", "gov", "vote", "--from", "admin-interior", "--proposal-id", "1", "--option", "yes"},
		{"tx", "identity", "register-person", "--from", "civil-registrar", "--person-id", testSubject,
			"--document-hash", strings.Repeat("44", 32), "--attribute", "family_name=Martin"},
	} {
		c.cli(t, args...)
	}
	// Refused (there is no grant 1), and logged all the same.
	out, err := c.run("tx", "sharing", "request-access", "--from", "officer-finance", "--grant-id", "1", "--subject", testSubject,
		"--field", "address", "--field", "employer", "--purpose", "benefit_eligibility", "--case-file", deed)
	require.Error(t, err, out)
	require.Contains(t, out, "code 807", out)
	file := filepath.Join(dir, "parcel.json")
	c.cli(t, "certificate", "export", "/land/parcel/"+testParcel, "--out", file)
	d.cert, err = os.ReadFile(file)
	require.NoError(t, err)
	return d
}

// change is how the proxy changes a certificate on its way to the page.
type change int32

const (
	tamperNone change = iota
	tamperValue
	tamperProof
	tamperSignature
	// tamperOffline refuses every request: the node is gone.
	tamperOffline
	// tamperOtherRecord answers with the genuine certificate of another
	// record (the vehicle's history), tamperOlderState with the genuine
	// certificate of an older state.
	tamperOtherRecord
	tamperOlderState
)

// changeValue changes one byte of a stored value: the parcel's area.
func changeValue(t *testing.T, cert []byte) []byte {
	t.Helper()
	out, err := tamper.Value(cert, `"area_m2": 1250`, `"area_m2": 1251`)
	require.NoError(t, err)
	return out
}

// proxy is the test's proxy between the page and the API: it passes
// everything, but changes the certificates of testParcel's history as
// mode says, or refuses every request while offline (counting them).
type proxy struct {
	t       *testing.T
	srv     *httptest.Server
	failed  atomic.Int32 // requests the proxy could not pass on or change
	mode    atomic.Int32
	offline atomic.Int32 // requests refused while offline
	changed atomic.Int32 // certificates changed
}

func newProxy(t *testing.T, upstream string) *proxy {
	t.Helper()
	p := &proxy{t: t}
	target, err := url.Parse(upstream)
	require.NoError(t, err)
	rp := &httputil.ReverseProxy{}
	rp.Rewrite = func(pr *httputil.ProxyRequest) {
		pr.SetURL(target)
		r := pr.Out
		if !strings.HasPrefix(r.URL.Path, "/api/v1/certificate/land/parcel/"+testParcel+"/history") {
			return
		}
		switch change(p.mode.Load()) {
		case tamperOtherRecord:
			r.URL.Path = "/api/v1/certificate/vehicle/vehicle/" + testVIN + "/history"
			p.changed.Add(1)
		case tamperOlderState:
			q := r.URL.Query()
			var h int64
			_, err := fmt.Sscan(q.Get("height"), &h)
			if err != nil || h < 3 {
				return
			}
			q.Set("height", fmt.Sprint(h-2))
			r.URL.RawQuery = q.Encode()
			p.changed.Add(1)
		}
	}
	rp.ModifyResponse = func(res *http.Response) error {
		mode := change(p.mode.Load())
		if mode != tamperValue && mode != tamperProof && mode != tamperSignature || res.StatusCode != http.StatusOK ||
			!strings.HasPrefix(res.Request.URL.Path, "/api/v1/certificate/land/parcel/"+testParcel) {
			return nil
		}
		body, err := io.ReadAll(res.Body)
		if err != nil {
			return err
		}
		_ = res.Body.Close()
		switch mode {
		case tamperValue:
			body, err = tamper.Value(body, `"area_m2": 1250`, `"area_m2": 1251`)
		case tamperProof:
			body, err = tamper.Proof(body)
		case tamperSignature:
			body, err = tamper.Signature(body)
		}
		if err != nil {
			return err
		}
		p.changed.Add(1)
		res.Body = io.NopCloser(bytes.NewReader(body))
		res.ContentLength = int64(len(body))
		res.Header.Set("Content-Length", fmt.Sprint(len(body)))
		res.Header.Del("ETag")
		return nil
	}
	rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		p.failed.Add(1)
		t.Logf("proxy: %s: %v", r.URL, err)
		w.WriteHeader(http.StatusBadGateway)
	}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if change(p.mode.Load()) == tamperOffline {
			p.offline.Add(1)
			panic(http.ErrAbortHandler)
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *proxy) set(m change) { p.mode.Store(int32(m)) }

// browser is a headless chromium tab, and the URLs of every request it
// made.
type browser struct {
	t        *testing.T
	ctx      context.Context
	shots    string
	mu       sync.Mutex
	requests []string
	// errors are the page's uncaught exceptions and console errors.
	errors []string
}

// newBrowser starts chromium with the flags of the brief, in a fresh
// profile (chromedp's own temporary user data directory, removed when it
// stops).
func newBrowser(t *testing.T, shots string) *browser {
	t.Helper()
	tmp, err := os.MkdirTemp("", "govchain-chromium-")
	require.NoError(t, err)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
		// Chromium's singleton socket directories go into TMPDIR and stay
		// there when it is killed: a directory of the test's own.
		chromedp.Env("TMPDIR=" + tmp),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancel()
		cancelAlloc()
		_ = os.RemoveAll(tmp)
	})
	b := &browser{t: t, ctx: ctx, shots: shots}
	// Start the browser, then record every request it sends.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("about:blank")))
	reqs := chromedp.Events(ctx, network.RequestWillBeSent)
	go func() {
		for ev, err := range reqs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.requests = append(b.requests, ev.Request.URL)
			b.mu.Unlock()
		}
	}()
	exceptions := chromedp.Events(ctx, cdpruntime.ExceptionThrown)
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.errors = append(b.errors, ev.ExceptionDetails.Text+" "+ev.ExceptionDetails.URL)
			b.mu.Unlock()
		}
	}()
	_, err = chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
	require.NoError(t, err)
	return b
}

// eval evaluates a JavaScript expression (awaiting a promise) and decodes
// its value into T.
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	require.NoError(b.t, err, "evaluating %s", expr)
	return v
}

// poll waits until a JavaScript expression is truthy and returns its value.
func poll[T any](b *browser, expr string, what string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Poll[T](expr, chromedp.WithPollingTimeout(45*time.Second), chromedp.WithPollingInterval(50*time.Millisecond)))
	require.NoError(b.t, err, "waiting for %s (%s)", what, expr)
	return v
}

// goTo navigates the page to a route (#/...) and waits for its view.
func (b *browser) goTo(route string) {
	b.t.Helper()
	if eval[string](b, `location.hash`) == "#"+route {
		// The same hash again is no navigation: pass by another page.
		b.goTo("/elsewhere")
	}
	b.markOld()
	eval[chromedp.Void](b, `location.hash = `+jsString(route))
	poll[bool](b, `!!document.querySelector("main .view:not([data-old]) h1")`, "the view of "+route)
}

// markOld marks the current view, so that what follows waits for the next.
func (b *browser) markOld() {
	b.t.Helper()
	eval[chromedp.Void](b, `(() => { const v = document.querySelector("main .view"); if (v) v.dataset.old = "1"; })()`)
}

// verdict waits for the verdict of the current view (in scope, a CSS
// selector) and returns its text and whether it says verified.
func (b *browser) verdict(scope string) (string, bool) {
	b.t.Helper()
	sel := `main .view:not([data-old]) ` + scope + ` .verdict[data-verified]`
	v := poll[[]any](b, `(() => { const e = document.querySelector(`+jsString(sel)+`); return e ? [e.querySelector(".verdict-line").textContent, e.dataset.verified === "true"] : null; })()`, "a verdict")
	return v[0].(string), v[1].(bool)
}

// requireRendered fails if the current view shows an error or a value
// the page did not render in words (null, undefined, NaN, [object …]).
func (b *browser) requireRendered(what string) {
	b.t.Helper()
	text := eval[string](b, `document.querySelector("main .view").textContent`)
	require.NotContains(b.t, text, "Something went wrong", what)
	require.NotRegexp(b.t, `\b(null|undefined|NaN)\b|\[object `, text, "%s shows a value the page did not render", what)
}

// shot saves a full-page screenshot.
func (b *browser) shot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	require.NoError(b.t, err)
	require.NoError(b.t, os.WriteFile(filepath.Join(b.shots, name+".png"), png, 0o644))
}

// drop drops a file on the drop zone of the file input id, as a user's
// drag and drop does.
func (b *browser) drop(id, name string, content []byte) {
	b.t.Helper()
	eval[chromedp.Void](b, fmt.Sprintf(`(() => {
  const bytes = Uint8Array.from(atob(%s), (c) => c.charCodeAt(0));
  const dt = new DataTransfer();
  dt.items.add(new File([bytes], %s));
  document.getElementById(%s).closest(".drop").dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
})()`, jsString(base64.StdEncoding.EncodeToString(content)), jsString(name), jsString(id)))
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// verifiedBy is the verdict of a record of the development chain, whose
// one validator is the Ministry of Justice's.
var verifiedBy = regexp.MustCompile(`^Verified: signed by Ministry of Justice \(10 of 10 of the voting power\) at height \d+, time .+ UTC$`)

func TestBrowser(t *testing.T) {
	started := time.Now()
	requireVerifier(t)
	chromiumPath(t)
	shots := screenshotDirOf(t)
	chain := startDevChain(t)
	data := seed(t, chain)
	px := newProxy(t, chain.web)
	b := newBrowser(t, shots)
	origin := px.srv.URL
	setup := time.Since(started)

	// Loading the page: the verifier, the trust root pinned from the
	// server, the agencies.
	require.NoError(t, chromedp.Do(b.ctx, chromedp.Navigate(origin+"/")))
	poll[bool](b, `document.body.dataset.ready === "true" && performance.getEntriesByName("govchain-verifier-ready").length > 0`, "the page and its verifier")
	poll[bool](b, `/Trust root: chain govchain-dev, 1 validators/.test(document.getElementById("verifier-status").textContent)`, "the pinned trust root")
	load := eval[map[string]float64](b, `(() => {
  const nav = performance.getEntriesByType("navigation")[0];
  return { dom: nav.domContentLoadedEventEnd, verifier: performance.getEntriesByName("govchain-verifier-ready")[0].startTime };
})()`)
	b.shot("00-home")

	t.Run("search a parcel and see its history", func(t *testing.T) {
		b.t = t
		b.markOld()
		require.NoError(t, chromedp.Do(b.ctx,
			chromedp.SetValue(chromedp.ID("search-kind"), "parcel"),
			chromedp.SendKeys(chromedp.ID("search-text"), testParcel+"\r")))
		text, ok := b.verdict("")
		require.True(t, ok, text)
		require.Regexp(t, verifiedBy, text)
		require.Equal(t, "#/parcel/"+testParcel, eval[string](b, `location.hash`))
		// The history, complete, each change with its signer's role.
		require.Contains(t, eval[string](b, `document.querySelector(".verdict").textContent`), "Proven complete: 7 entries, and none follows the last.")
		actions := poll[[]string](b, `(() => { const a = [...document.querySelectorAll("ol.timeline > li .what strong")].map((e) => e.textContent); return a.length ? a : null; })()`, "the history")
		require.Equal(t, []string{"Parcel registered", "Sale proposed", "Sale accepted", "Deed certified by a notary",
			"Sale registered: new owners", "Lien created", "Dispute flagged"}, actions)
		who := poll[[]string](b, `(() => { const w = [...document.querySelectorAll("ol.timeline .who")].map((e) => e.textContent); return w.some((x) => x === "loading…") ? null : w; })()`, "the signers' roles")
		require.Equal(t, "land registrar for Ministry of Justice", who[0])
		require.Equal(t, "no role: a citizen or business", who[1])
		require.Equal(t, "notary for Ministry of Justice", who[3])
		// The related records, each verified and bound to the parcel.
		sections := poll[[]string](b, `(() => { const s = [...document.querySelectorAll(".record section h2")].map((e) => e.textContent + ": " + (e.parentNode.querySelector(".badge") || {textContent: "-"}).textContent); return s.length >= 4 ? s : null; })()`, "the related records")
		require.Contains(t, sections, "Liens (1): verified")
		require.Contains(t, sections, "Open disputes (1): verified")
		require.Contains(t, sections, "Transfers in progress (0): -")
		summary := eval[string](b, `document.querySelector(".summary").textContent`)
		require.Equal(t, "Parcel BE-21004-0117, 1,250 m² at Rue de la Loi 16, 1000 Brussels (cadastral reference Brussels 4/A/117), is active.", summary)
		// Keyboard and screen reader: the heading has the focus after the
		// search, and the verdict is announced.
		require.Equal(t, "H1", eval[string](b, `document.activeElement.tagName`))
		require.Equal(t, "polite", eval[string](b, `document.querySelector(".verdict").getAttribute("aria-live")`))
		b.requireRendered("the parcel's page")
		b.shot("01-parcel-verified")
	})

	for _, tc := range []struct {
		name, file string
		mode       change
		reason     *regexp.Regexp
	}{
		{"a value changed", "02-tampered-value", tamperValue,
			regexp.MustCompile(`^Not verified: verify: proof mismatch: key 10010d42452d32313030342d30313137 \(entry 0\) at state \d+: the proof is for another key or value$`)},
		{"a proof changed", "03-tampered-proof", tamperProof, regexp.MustCompile(`^Not verified: .*verify: proof mismatch: `)},
		{"a signature changed", "04-tampered-signature", tamperSignature,
			regexp.MustCompile(`^Not verified: verify: insufficient or invalid signatures: commit of header \d+: `)},
		{"another record's certificate", "04a-other-record", tamperOtherRecord,
			regexp.MustCompile(`^Not verified: the server sent the certificate of /vehicle/vehicle/` + testVIN + `/history, not of /land/parcel/` + testParcel + `/history$`)},
		{"an older state's certificate", "04b-older-state", tamperOlderState,
			regexp.MustCompile(`^Not verified: the server sent the state at height (\d+), not at height \d+$`)},
	} {
		t.Run("the node's answer with "+tc.name, func(t *testing.T) {
			b.t = t
			before := px.changed.Load()
			px.set(tc.mode)
			defer px.set(tamperNone)
			b.goTo("/")
			b.goTo("/parcel/" + testParcel)
			text, ok := b.verdict("")
			require.False(t, ok, text)
			require.Regexp(t, tc.reason, text)
			require.Greater(t, px.changed.Load(), before, "the proxy changed the certificate")
			require.Zero(t, px.failed.Load(), "the proxy passed on every answer")
			require.Equal(t, "What follows is what the node claims; it was not verified.", eval[string](b, `document.querySelector(".record .warning").textContent`))
			b.shot(tc.file)
		})
	}

	t.Run("drop a valid and a tampered certificate, offline", func(t *testing.T) {
		b.t = t
		b.goTo("/verify")
		px.set(tamperOffline)
		defer px.set(tamperNone)
		b.drop("cert-file", "parcel.json", data.cert)
		text, ok := b.verdict("")
		require.True(t, ok, text)
		require.Regexp(t, verifiedBy, text)
		b.shot("05-certificate-valid")
		b.drop("cert-file", "tampered.json", changeValue(t, data.cert))
		text = poll[string](b, `(() => { const e = document.querySelector("main .verdict[data-verified=false]"); return e ? e.querySelector(".verdict-line").textContent : null; })()`, "the tampered certificate's verdict")
		require.Regexp(t, `^Not verified: verify: proof mismatch: key 10010d42452d32313030342d30313137 \(entry 0\) at state \d+: the proof is for another key or value$`, text)
		require.Zero(t, px.offline.Load(), "a dropped certificate is verified without asking anything of the node")
		b.shot("06-certificate-tampered")
	})

	t.Run("drop a notarised and a never-notarised file", func(t *testing.T) {
		b.t = t
		for i, tc := range []struct {
			content []byte
			want    string
		}{
			{data.deed, "Notarised: anchored as “deed” (reference land/parcel/BE-21004-0117) on "},
			{data.other, "Never notarised: no document with this SHA-256 was ever anchored (its absence is proven)."},
		} {
			b.goTo("/")
			b.markOld()
			b.drop("doc-file", fmt.Sprintf("file-%d.txt", i), tc.content)
			sum := sha256.Sum256(tc.content)
			poll[bool](b, `location.hash === `+jsString("#/document/"+hex.EncodeToString(sum[:])), "the document's page, by the SHA-256 computed in the browser")
			text, ok := b.verdict("")
			require.True(t, ok, text)
			require.Regexp(t, verifiedBy, text)
			require.Contains(t, eval[string](b, `document.querySelector(".summary").textContent`), tc.want)
			b.shot(fmt.Sprintf("%02d-document-%s", 7+i, map[int]string{0: "notarised", 1: "never-notarised"}[i]))
		}
	})

	t.Run("a vehicle's inspections and odometer readings", func(t *testing.T) {
		b.t = t
		b.goTo("/vehicle/" + testVIN)
		text, ok := b.verdict("")
		require.True(t, ok, text)
		captions := poll[[]string](b, `(() => { const c = [...document.querySelectorAll("table caption")].map((e) => e.textContent); return c.length ? c : null; })()`, "the readings")
		require.Equal(t, []string{"Inspections (1)", "Odometer readings (3)"}, captions)
		poll[bool](b, `!/loading…/.test(document.querySelector("main .view").textContent)`, "the vehicle's page")
		b.requireRendered("the vehicle's page")
		b.shot("09-vehicle")
	})

	t.Run("in Portuguese, at phone width", func(t *testing.T) {
		b.t = t
		require.NoError(t, chromedp.Do(b.ctx, chromedp.EmulateViewport(375, 812, chromedp.EmulateMobile)))
		defer func() { require.NoError(t, chromedp.Do(b.ctx, chromedp.EmulateViewport(1280, 900))) }()
		b.goTo("/parcel/" + testParcel)
		require.NoError(t, chromedp.Do(b.ctx, chromedp.SetValue(chromedp.ID("lang"), "pt"),
			chromedp.Evaluate[chromedp.Void](`document.getElementById("lang").dispatchEvent(new Event("change"))`)))
		defer eval[chromedp.Void](b, `(() => { const s = document.getElementById("lang"); s.value = "en"; s.dispatchEvent(new Event("change")); })()`)
		text := poll[string](b, `(() => { const e = document.querySelector("main .verdict[data-verified]"); return e && /^Verificado/.test(e.textContent) ? e.querySelector(".verdict-line").textContent : null; })()`, "the verdict in Portuguese")
		require.Regexp(t, `^Verificado: assinado por Ministry of Justice \(10 de 10 do poder de voto\) na altura \d+, hora .+ UTC$`, text)
		require.Equal(t, "pt", eval[string](b, `document.documentElement.lang`))
		require.True(t, eval[bool](b, `document.documentElement.scrollWidth <= window.innerWidth`), "no horizontal scrolling at 375 px")
		b.shot("10-parcel-pt-phone")
	})

	t.Run("a citizen's access log, proven complete", func(t *testing.T) {
		b.t = t
		b.goTo("/log/" + testSubject)
		text, ok := b.verdict("")
		require.True(t, ok, text)
		require.Regexp(t, verifiedBy, text)
		require.Contains(t, eval[string](b, `document.querySelector(".verdict").textContent`), "Proven complete: 1 entry, and none follows it.")
		entry := poll[string](b, `(() => { const e = document.querySelector("ol.timeline li"); return e && !/loading/.test(e.textContent) ? e.textContent : null; })()`, "the log entry and its signer's role")
		require.Contains(t, entry, "Request (refused)")
		require.Contains(t, entry, "Asked by Ministry of Finance, purpose benefit eligibility, under a grant that names no owner or data class.")
		require.Contains(t, entry, "(data officer for Ministry of Finance)")
		require.Contains(t, entry, "Refused with code 807: sharing: grant not found: grant 1")
		b.shot("11-access-log")
	})

	t.Run("the other pages", func(t *testing.T) {
		b.t = t
		for _, tc := range []struct {
			route, shot string
			wait        string // a JavaScript condition for the view to be complete
		}{
			{"/invoice/" + data.shop + "/" + testInvoice, "12-invoice", `document.querySelector(".verdict[data-verified=true]")`},
			{"/account/" + data.alice, "13-account", `document.querySelectorAll("section .badge").length === 6 && /` + testVIN + `[^]*` + testInvoice + `/.test(document.querySelector(".view").textContent)`},
			{"/tx/" + data.tx, "14-transaction", `/A land\/register_parcel transaction, accepted in block \d+/.test(document.querySelector(".view").textContent)`},
			{"/block/2", "15-block", `/Transactions \(\d+\)/.test(document.querySelector(".view").textContent)`},
			{"/live", "16-live", `document.querySelectorAll("ol.live > li").length >= 3`},
			{"/agencies", "17-agencies", `document.querySelectorAll("ul.cards > li").length === 4`},
			{"/validators", "18-validators", `document.querySelectorAll("table").length === 2 && /Ministry of Justice/.test(document.querySelectorAll("table")[1].textContent)`},
			{"/gov", "19-governance", `/Proposal 1.*verified/.test(document.querySelector(".view").textContent)`},
			{"/proposal/1", "20-proposal", `/Ministry of the Interior voted yes \(weight \d+\)/.test(document.querySelector(".view").textContent)`},
			{"/trust", "21-trust", `/Pinned from this server/.test(document.querySelector(".view").textContent)`},
			{"/find/NO-SUCH-THING", "22-nothing-found", `/Nothing was found for NO-SUCH-THING/.test(document.querySelector(".view").textContent)`},
			{"/log/P-NOBODY-READ", "23-empty-access-log", `/No agency ever asked for data about P-NOBODY-READ \(proven\)/.test(document.querySelector(".view").textContent) && /Proven: \/sharing\/log\/P-NOBODY-READ is empty at this height/.test(document.querySelector(".verdict[data-verified=true]").textContent)`},
		} {
			b.goTo(tc.route)
			poll[bool](b, `!!(`+tc.wait+`)`, tc.route)
			b.requireRendered(tc.route)
			b.shot(tc.shot)
		}
	})

	t.Run("another trust root", func(t *testing.T) {
		b.t = t
		genesis, err := os.ReadFile(filepath.Join(chain.node.Home, "config", "genesis.json"))
		require.NoError(t, err)
		other := bytes.Replace(genesis, []byte(`"chain_id": "govchain-dev"`), []byte(`"chain_id": "other-1"`), 1)
		require.NotEqual(t, genesis, other)
		b.goTo("/trust")
		b.drop("trust-file", "notes.txt", []byte("not a trust root"))
		poll[bool](b, `/That file is not a trust root: verify: malformed certificate/.test(document.querySelector(".view").textContent)`, "the refusal of a file that is no trust root")
		b.drop("trust-file", "other-genesis.json", other)
		poll[bool](b, `/Pinned the trust root of other-genesis.json/.test(document.querySelector(".view").textContent)`, "the other trust root pinned")
		require.Contains(t, eval[string](b, `document.getElementById("verifier-status").textContent`), "Trust root: chain other-1, 1 validators.")
		require.Contains(t, eval[string](b, `document.getElementById("verifier-status").textContent`), "This server's trust root differs from the one you pinned.")
		b.goTo("/parcel/" + testParcel)
		text, ok := b.verdict("")
		require.False(t, ok)
		require.Equal(t, `Not verified: verify: wrong chain: certificate is of chain "govchain-dev", trust root of "other-1"`, text)
		b.shot("25-other-trust-root")
		b.goTo("/trust")
		require.NoError(t, chromedp.Do(b.ctx, chromedp.Click(chromedp.CSS(".view button"))))
		poll[bool](b, `/Pinned this server's trust root/.test(document.querySelector(".view").textContent)`, "the server's trust root pinned again")
		b.goTo("/parcel/" + testParcel)
		text, ok = b.verdict("")
		require.True(t, ok, text)
	})

	t.Run("govchain web serves the page", func(t *testing.T) {
		b.t = t
		listen := devnode.FreeAddr()
		cmd := exec.Command(chain.node.Bin, "web", "--node", chain.node.URL, "--listen", listen,
			"--trust", filepath.Join(chain.node.Home, "config", "genesis.json"))
		done, err := devnode.Spawn(cmd)
		require.NoError(t, err)
		defer func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			<-done
		}()
		var page string
		require.Eventually(t, func() bool {
			res, err := http.Get("http://" + listen + "/")
			if err != nil {
				return false
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			page = string(b)
			return err == nil && res.StatusCode == http.StatusOK
		}, 30*time.Second, 50*time.Millisecond, "govchain web never served /")
		want, err := os.ReadFile(filepath.Join("assets", "index.html"))
		require.NoError(t, err)
		require.Equal(t, string(want), page)
		req, err := http.NewRequest(http.MethodGet, "http://"+listen+"/assets/verifier.wasm", nil)
		require.NoError(t, err)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := http.DefaultTransport.RoundTrip(req)
		require.NoError(t, err)
		defer res.Body.Close()
		n, err := io.Copy(io.Discard, res.Body)
		require.NoError(t, err)
		_, gz := VerifierSize()
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Equal(t, "gzip", res.Header.Get("Content-Encoding"))
		require.Equal(t, gz, n, "the verifier the binary embeds is this tree's")
	})

	t.Run("the keyboard: skip link, focus order, search", func(t *testing.T) {
		b.t = t
		b.goTo("/")
		// A click on the page's top left corner, above everything, starts
		// the focus order at the top, as a new page does.
		require.NoError(t, chromedp.Do(b.ctx, chromedp.MouseClickXY(1, 1), chromedp.KeyEvent("\t")))
		require.Equal(t, "skip", eval[string](b, `document.activeElement.id`), "the first Tab reaches the skip link")
		require.NoError(t, chromedp.Do(b.ctx, chromedp.KeyEvent("\r")))
		require.Equal(t, "main", eval[string](b, `document.activeElement.id`), "the skip link moves the focus to the content")
		require.Equal(t, "#/", eval[string](b, `location.hash`), "and keeps the page")
		// From the content, Tab reaches the search form's controls in
		// reading order: what to look for, then the text.
		require.NoError(t, chromedp.Do(b.ctx, chromedp.KeyEvent("\t")))
		require.Equal(t, "search-kind", eval[string](b, `document.activeElement.id`))
		require.NoError(t, chromedp.Do(b.ctx, chromedp.KeyEvent("\t")))
		require.Equal(t, "search-text", eval[string](b, `document.activeElement.id`))
		b.markOld()
		require.NoError(t, chromedp.Do(b.ctx, chromedp.KeyEvent(testVIN+"\r")))
		text, ok := b.verdict("")
		require.True(t, ok, text)
		require.Equal(t, "#/vehicle/"+testVIN, eval[string](b, `location.hash`), "a VIN is found by the search for anything")
	})

	t.Run("every control has a label", func(t *testing.T) {
		b.t = t
		b.goTo("/")
		unlabelled := eval[[]string](b, `[...document.querySelectorAll("input, select, textarea")].filter((e) => e.labels.length === 0 && !e.getAttribute("aria-label")).map((e) => e.id || e.name)`)
		require.Empty(t, unlabelled)
		require.True(t, eval[bool](b, `!!document.querySelector("body > header nav[aria-label]") && !!document.querySelector("body > main#main") && !!document.querySelector("body > footer") && !!document.querySelector("a.skip[href='#main']")`),
			"the landmarks and the skip link")
	})

	// Nothing was asked of any other origin, and nothing failed.
	b.mu.Lock()
	require.Empty(t, b.errors, "the page's uncaught exceptions")
	for _, u := range b.requests {
		if !strings.HasPrefix(u, origin+"/") && !strings.HasPrefix(u, "data:") && u != "about:blank" {
			t.Errorf("the page requested %s, outside its own origin %s", u, origin)
		}
	}
	b.mu.Unlock()

	// The measurements (printed, never asserted): a fresh load of a
	// parcel's page, to its verdict, then the verifier alone.
	b.t = t
	require.NoError(t, chromedp.Do(b.ctx, chromedp.Navigate("about:blank"), chromedp.Navigate(origin+"/#/parcel/"+testParcel)))
	text, ok := b.verdict("")
	require.True(t, ok, text)
	verdictAt := eval[float64](b, `performance.getEntriesByName("govchain-verdict")[0].startTime`)
	verify := eval[map[string]float64](b, `(async () => {
  const st = await (await fetch("/api/v1/status")).json();
  const res = await fetch("/api/v1/certificate/land/parcel/`+testParcel+`/history?complete=true&height=" + (st.latest_height - 1));
  const cert = new Uint8Array(await res.arrayBuffer());
  const trust = JSON.stringify(JSON.parse(localStorage.getItem("govchain.trust")).file);
  const ms = [];
  for (let i = 0; i < 20; i++) {
    const s = performance.now();
    const rep = JSON.parse(govchainVerify(cert, trust, ""));
    ms.push(performance.now() - s);
    if (!rep.verified) throw new Error(rep.error);
  }
  ms.sort((a, b) => a - b);
  return { median: (ms[9] + ms[10]) / 2, min: ms[0], max: ms[19], bytes: cert.length };
})()`)
	raw, gz := VerifierSize()
	fmt.Printf("web measurements:\n")
	fmt.Printf("  verifier.wasm: %d bytes raw, %d bytes gzip\n", raw, gz)
	fmt.Printf("  verify a parcel's complete history in the browser (%d-byte certificate, 8 keys): median of 20 %.1f ms (min %.1f, max %.1f)\n",
		int(verify["bytes"]), verify["median"], verify["min"], verify["max"])
	fmt.Printf("  page load on the development chain: DOMContentLoaded %.0f ms, verifier ready %.0f ms; a parcel's page to its verdict %.0f ms\n",
		load["dom"], load["verifier"], verdictAt)
	fmt.Printf("  wall time: setup (build, chain, seed, browser) %s, all %s\n", setup.Round(time.Second), time.Since(started).Round(time.Second))
}

// A binary built without the verifier serves a page that says so, and how
// to build it, instead of failing silently.
func TestBrowserWithoutVerifier(t *testing.T) {
	chromiumPath(t)
	fsys := fstest.MapFS{}
	entries, err := os.ReadDir("assets")
	require.NoError(t, err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join("assets", e.Name()))
		require.NoError(t, err)
		fsys["assets/"+e.Name()] = &fstest.MapFile{Data: b}
	}
	// The API, as far as this page asks it: the trust root and a
	// certificate (of the chain of web/verifier/testdata).
	cert, err := os.ReadFile(filepath.Join("verifier", "testdata", "record.json"))
	require.NoError(t, err)
	genesis, err := os.ReadFile(filepath.Join("verifier", "testdata", "genesis.json"))
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.Handle("/", newHandler(fsys))
	mux.HandleFunc("/api/v1/trust", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(genesis) })
	mux.HandleFunc("/api/v1/certificate/", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(cert) })
	mux.HandleFunc("/api/v1/status", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"latest_height": 72}`)) })
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	b := newBrowser(t, screenshotDirOf(t))
	require.NoError(t, chromedp.Do(b.ctx, chromedp.Navigate(srv.URL+"/#/parcel/"+testParcel)))
	status := poll[string](b, `(() => { const s = document.getElementById("verifier-status").textContent; return /not built/.test(s) ? s : null; })()`, "the page to say the verifier is missing")
	require.Equal(t, "The verifier was not built into this govchain binary, so nothing on this page can be verified. "+
		"Build it with `make web-wasm`, then rebuild govchain (`make build` does both).", status)
	text, ok := b.verdict("")
	require.False(t, ok)
	require.Equal(t, "Not verified: The verifier was not built into this govchain binary, so nothing on this page can be verified. "+
		"Build it with `make web-wasm`, then rebuild govchain (`make build` does both).", text)
	b.shot("24-verifier-not-built")
	b.mu.Lock()
	defer b.mu.Unlock()
	require.Empty(t, b.errors)
}
