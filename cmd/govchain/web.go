package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/api"
	"github.com/govchain/govchain/client"
	"github.com/govchain/govchain/verify"
	"github.com/govchain/govchain/web"
)

// Flags of web (which shares datasvc serve's --listen) and start's
// --web-laddr.
const (
	flagCORSOrigin = "cors-origin"
	flagWebLaddr   = "web-laddr"
)

func (c *cli) webCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "web --node URL [--listen HOST:PORT] [--trust FILE] [--cors-origin ORIGIN ...]",
		Short: "Serve the HTTP/JSON API (and the web page) against a node's RPC",
		Long: `Serve the HTTP API of docs/api.md on --listen (default ` + api.DefaultAddress + `),
reading from and posting to the node at --node, until SIGINT or SIGTERM.
GET /openapi.json describes every endpoint.

--trust FILE (the chain's genesis.json, or a validator-set file) is the
trust root GET /api/v1/trust serves, for a page to pin; take it from the
ministries, not from the node. Without it that endpoint answers 404.
--cors-origin allows pages of another origin (exactly as browsers send
it, e.g. https://registry.example.gov; repeat the flag for more) to call
the API from a browser; CORS is off without it.

A node serves the same API itself when its app.toml enables [web]
(govchain init --dev does), with its own genesis as the trust root.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return c.runWeb(cmd) },
	}
	addNodeFlag(cmd)
	f := cmd.Flags()
	f.String(flagListen, api.DefaultAddress, "host:port to serve the API on (port 0 picks a free one)")
	f.String(flagTrust, "", "trusted genesis.json or validator-set file, served at /api/v1/trust")
	f.StringArray(flagCORSOrigin, nil, "a browser origin allowed to call the API (scheme://host[:port]; repeat)")
	f.Duration(flagTimeout, api.DefaultTimeout, "how long one request may take, a transaction's wait for its block included")
	return cmd
}

func (c *cli) runWeb(cmd *cobra.Command) error {
	srv := api.ServerConfig{Enable: true, Address: c.v.GetString(flagListen), CORSOrigins: c.v.GetStringSlice(flagCORSOrigin)}
	if err := srv.Validate(); err != nil {
		return fmt.Errorf("--%s or --%s: %w", flagListen, flagCORSOrigin, err)
	}
	timeout := c.v.GetDuration(flagTimeout)
	if timeout <= 0 {
		return fmt.Errorf("--%s must be positive", flagTimeout)
	}
	trust, err := c.trustFromFlag()
	if err != nil {
		return err
	}
	cl, err := c.client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
	chainID, err := cl.ChainID(ctx)
	cancel()
	if err != nil {
		return err
	}
	if trust != nil && trust.ChainID != chainID {
		return fmt.Errorf("--%s is for chain %q, but the node at %s runs %q", flagTrust, trust.ChainID, cl.Remote(), chainID)
	}
	w, err := listenWeb(srv, cl, trust, timeout)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.out, "serving the API of %s (chain %s) on %s\n", cl.Remote(), chainID, w.url())
	select {
	case <-cmd.Context().Done():
		return w.shutdown()
	case err := <-w.done:
		return err
	}
}

// webServer is the API served on a listener.
type webServer struct {
	srv *http.Server
	l   net.Listener
	// done gets Serve's error if it stops by itself.
	done chan error
}

// listenWeb binds srv.Address and serves the API of the node at cl on
// it, with trust as the trust root, until shutdown.
func listenWeb(srv api.ServerConfig, cl *client.Client, trust *verify.Trust, timeout time.Duration) (*webServer, error) {
	h, err := api.New(api.Config{
		Client:      cl,
		Trust:       trust,
		CORSOrigins: srv.CORSOrigins,
		Timeout:     timeout,
		// The citizens' web page, at "/" (package web).
		Page: web.Handler(),
	})
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", srv.Address)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	w := &webServer{srv: api.NewServer(h, timeout), l: l, done: make(chan error, 1)}
	go func() {
		err := w.srv.Serve(l)
		if !errors.Is(err, http.ErrServerClosed) {
			w.done <- fmt.Errorf("web: %w", err)
		}
	}()
	return w, nil
}

// url is the address the API is served on.
func (w *webServer) url() string { return "http://" + w.l.Addr().String() }

// shutdown stops the server, letting requests in flight finish for up to
// 10 seconds.
func (w *webServer) shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := w.srv.Shutdown(ctx); err != nil {
		return fmt.Errorf("web: stop: %w", err)
	}
	return nil
}

// nodeWeb is the API a node serves beside itself ([web] in app.toml): it
// talks to the node's own RPC at rpcLaddr (config.toml's rpc.laddr) and
// serves the node's genesis as the trust root.
func nodeWeb(srv api.ServerConfig, rpcLaddr, genesisFile string) (*webServer, error) {
	remote, ok := strings.CutPrefix(rpcLaddr, "tcp://")
	if ok {
		host, port, err := net.SplitHostPort(remote)
		if err != nil {
			return nil, fmt.Errorf("web: rpc.laddr %q: %w", rpcLaddr, err)
		}
		switch host {
		case "", "0.0.0.0":
			host = "127.0.0.1"
		case "::":
			host = "::1"
		}
		remote = "http://" + net.JoinHostPort(host, port)
	} else {
		remote = rpcLaddr
	}
	cl, err := client.New(remote)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	data, err := os.ReadFile(genesisFile)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	trust, err := verify.ParseTrust(data)
	if err != nil {
		return nil, fmt.Errorf("web: trust root from %s: %w", genesisFile, err)
	}
	return listenWeb(srv, cl, trust, api.DefaultTimeout)
}
