package api

import (
	"fmt"
	"net"
	"net/http"
	"time"
)

// DefaultAddress is where a node serves the API when app.toml's [web]
// section enables it without an address, and where govchain web listens
// by default: loopback only.
const DefaultAddress = "127.0.0.1:26680"

// ServerConfig is the [web] section of a node's app.toml: whether
// `govchain start` serves the API (and the web page) beside the node,
// where, and to which browser origins. It is off unless enabled; `govchain
// init --dev` enables it.
type ServerConfig struct {
	// Enable serves the API beside the node.
	Enable bool `mapstructure:"enable" toml:"enable"`
	// Address is the host:port to listen on.
	Address string `mapstructure:"address" toml:"address"`
	// CORSOrigins lists the browser origins allowed to call the API from
	// pages of other origins (Config.CORSOrigins); empty: none.
	CORSOrigins []string `mapstructure:"cors_origins" toml:"cors_origins"`
}

// DefaultServerConfig is off, on DefaultAddress, with no CORS origin.
func DefaultServerConfig() ServerConfig {
	return ServerConfig{Address: DefaultAddress, CORSOrigins: []string{}}
}

// Validate reports the first problem of c as a one-line error.
func (c ServerConfig) Validate() error {
	if _, port, err := net.SplitHostPort(c.Address); err != nil || port == "" {
		return fmt.Errorf("api: address %q is not host:port (e.g. %s)", c.Address, DefaultAddress)
	}
	return ValidateOrigins(c.CORSOrigins)
}

// NewServer returns an http.Server for h with every timeout set: 10 s to
// read a request's headers, 30 s for the whole request, and a request's
// work (timeout, as Config.Timeout; DefaultTimeout if 0) plus 10 s to
// write the answer; idle connections are closed after 2 minutes and
// headers are bounded to 64 KiB.
func NewServer(h http.Handler, timeout time.Duration) *http.Server {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      timeout + 10*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
}
