package main

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/client"
)

// Flag names shared by several commands.
const (
	flagHome       = "home"
	flagKeyringDir = "keyring-dir"
	flagNode       = "node"
	flagTimeout    = "timeout"
	flagOutput     = "output"
)

// defaultHome is ~/.govchain, or .govchain if the user has no home.
func defaultHome() string {
	h, err := os.UserHomeDir()
	if err != nil {
		return ".govchain"
	}
	return filepath.Join(h, ".govchain")
}

func addHomeFlag(cmd *cobra.Command) {
	cmd.PersistentFlags().String(flagHome, defaultHome(), "node and keyring home directory (env GOVCHAIN_HOME)")
}

func addKeyringFlags(cmd *cobra.Command) {
	cmd.PersistentFlags().String(flagKeyringDir, "", "keyring directory (default <home>/keyring)")
}

func addNodeFlag(cmd *cobra.Command) {
	cmd.PersistentFlags().String(flagNode, client.DefaultNode, "CometBFT RPC endpoint of a node (env GOVCHAIN_NODE)")
}

func (c *cli) home() string { return c.v.GetString(flagHome) }

// keyring returns the keyring under --keyring-dir, or <home>/keyring.
func (c *cli) keyring() *client.Keyring {
	dir := c.v.GetString(flagKeyringDir)
	if dir == "" {
		dir = filepath.Join(c.home(), "keyring")
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return client.NewKeyring(dir)
}

func (c *cli) client() (*client.Client, error) {
	return client.New(c.v.GetString(flagNode))
}
