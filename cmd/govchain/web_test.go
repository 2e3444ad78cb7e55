package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/internal/devnode"
	"github.com/govchain/govchain/verify"
)

// TestWebConfig: init writes [web] off, init --dev on, on the default
// address; start refuses a bad --web-laddr and, before anything runs, an
// address in use.
func TestWebConfig(t *testing.T) {
	prod, dev := filepath.Join(t.TempDir(), "prod"), filepath.Join(t.TempDir(), "dev")
	_, errOut, code := govchain(t, "init", "--home", prod, "--chain-id", "web-prod-1", "--keyring-backend", "test")
	require.Equal(t, 0, code, errOut)
	_, errOut, code = govchain(t, "init", "--dev", "--home", dev, "--chain-id", "web-dev-1")
	require.Equal(t, 0, code, errOut)
	c, err := LoadConfig(prod)
	require.NoError(t, err)
	require.False(t, c.Web.Enable)
	c, err = LoadConfig(dev)
	require.NoError(t, err)
	require.True(t, c.Web.Enable)
	require.Equal(t, "127.0.0.1:26680", c.Web.Address)
	require.Empty(t, c.Web.CORSOrigins)

	// Origins written and read back.
	c.Web.CORSOrigins = []string{"https://registry.example.gov", "http://127.0.0.1:8080"}
	f := filepath.Join(dev, "config", AppConfigFile)
	require.NoError(t, WriteConfig(f, c))
	got, err := LoadConfig(dev)
	require.NoError(t, err)
	require.Equal(t, c, got)
	c.Web.CORSOrigins = []string{"https://registry.example.gov/"}
	require.ErrorContains(t, WriteConfig(f, c), `app.toml: [web] api: CORS origin "https://registry.example.gov/" is not an origin`)

	_, errOut, code = govchain(t, "start", "--home", dev, "--web-laddr", "nowhere")
	requireOneLineError(t, errOut, code, `--web-laddr: api: address "nowhere" is not host:port`)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	_, errOut, code = govchain(t, "start", "--home", dev, "--rpc-laddr", "tcp://"+devnode.FreeAddr(),
		"--p2p-laddr", "tcp://"+devnode.FreeAddr(), "--web-laddr", l.Addr().String())
	requireOneLineError(t, errOut, code, "web: listen tcp "+l.Addr().String())
}

// TestWebServed: a development node serves the API beside its RPC, with
// its genesis as the trust root; govchain web serves the same API against
// the node with the trust root and CORS origins it is given, refuses a
// trust root of another chain, an origin that is not one and an
// unreachable node, and stops cleanly on its context's end.
func TestWebServed(t *testing.T) {
	n := startDevNode(t, "web-1")
	genesis := filepath.Join(n.home, "config", "genesis.json")
	data, err := os.ReadFile(genesis)
	require.NoError(t, err)
	trust, err := verify.ParseTrust(data)
	require.NoError(t, err)

	var st struct {
		ChainID string `json:"chain_id"`
	}
	require.NoError(t, getJSON(n.web+"/api/v1/status", &st))
	require.Equal(t, "web-1", st.ChainID)
	var tf verify.TrustFile
	require.NoError(t, getJSON(n.web+"/api/v1/trust", &tf))
	require.Equal(t, verify.TrustFileOf(trust), tf)

	// govchain web against the node.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out devnode.SyncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"web", "--node", n.url, "--listen", "127.0.0.1:0", "--trust", genesis,
			"--cors-origin", "https://registry.example.gov"}, &out, &out)
	}()
	addr := regexp.MustCompile(`serving the API of \S+ \(chain web-1\) on (http://127\.0\.0\.1:\d+)\n`)
	require.Eventually(t, func() bool { return addr.MatchString(out.String()) }, 30*time.Second, 50*time.Millisecond, "output: %s", &out)
	base := addr.FindStringSubmatch(out.String())[1]
	require.NoError(t, getJSON(base+"/api/v1/trust", &tf))
	require.Equal(t, verify.TrustFileOf(trust), tf)
	req, err := http.NewRequest(http.MethodGet, base+"/api/v1/query/agency/id/justice", nil)
	require.NoError(t, err)
	req.Header.Set("Origin", "https://registry.example.gov")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, "https://registry.example.gov", resp.Header.Get("Access-Control-Allow-Origin"))
	cancel()
	select {
	case code := <-done:
		require.Equal(t, 0, code, "output: %s", &out)
	case <-time.After(20 * time.Second):
		t.Fatal("govchain web did not stop")
	}

	other := filepath.Join(t.TempDir(), "other")
	_, errOut, code := govchain(t, "init", "--dev", "--home", other, "--chain-id", "other-1")
	require.Equal(t, 0, code, errOut)
	_, errOut, code = govchain(t, "web", "--node", n.url, "--listen", "127.0.0.1:0", "--trust", filepath.Join(other, "config", "genesis.json"))
	requireOneLineError(t, errOut, code, `--trust is for chain "other-1", but the node at `+n.url+` runs "web-1"`)
	_, errOut, code = govchain(t, "web", "--node", n.url, "--cors-origin", "*")
	requireOneLineError(t, errOut, code, `api: CORS origin "*" is not an origin`)
	_, errOut, code = govchain(t, "web", "--node", "http://127.0.0.1:9", "--listen", "127.0.0.1:0", "--timeout", "5s")
	requireOneLineError(t, errOut, code, "cannot reach node at http://127.0.0.1:9")
}
