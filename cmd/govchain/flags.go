package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/govchain/govchain/client"
)

// Flag names shared by several commands.
const (
	flagHome       = "home"
	flagKeyringDir = "keyring-dir"
	// flagKeyringBackend chooses the backend of a keyring being created;
	// an existing keyring keeps the one it records.
	flagKeyringBackend = "keyring-backend"
	// flagKeyringPassFile names the file holding a file keyring's
	// passphrase (mode 0600); without it the passphrase is asked on the
	// terminal.
	flagKeyringPassFile = "keyring-passphrase-file"
	flagNode            = "node"
	flagTimeout         = "timeout"
	flagOutput          = "output"
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
	addPassphraseFlag(cmd.PersistentFlags())
}

// addPassphraseFlag adds the flag that gives a file keyring's passphrase.
func addPassphraseFlag(f *pflag.FlagSet) {
	f.String(flagKeyringPassFile, "", "file holding the keyring passphrase on its first line (mode 0600; default: ask on the terminal)")
}

// addBackendFlag adds the flag that chooses the backend of a keyring
// being created (commands that may create one: keys, init).
func addBackendFlag(f *pflag.FlagSet) {
	f.String(flagKeyringBackend, "", "backend of a keyring being created: file (encrypted, the default) or test (plaintext, for tests and the development chain only); an existing keyring keeps its own")
}

func addNodeFlag(cmd *cobra.Command) {
	cmd.PersistentFlags().String(flagNode, client.DefaultNode, "CometBFT RPC endpoint of a node (env GOVCHAIN_NODE)")
}

func (c *cli) home() string { return c.v.GetString(flagHome) }

// keyring returns the keyring under --keyring-dir, or <home>/keyring,
// with the backend of --keyring-backend if it is created now, the
// passphrase of --keyring-passphrase-file or the terminal, and a token's
// PIN from the terminal when its key records no PIN file.
func (c *cli) keyring() *client.Keyring { return c.keyringWith(c.v.GetString(flagKeyringBackend)) }

// keyringWith is keyring with backend for a keyring created now.
func (c *cli) keyringWith(backend string) *client.Keyring {
	dir := c.v.GetString(flagKeyringDir)
	if dir == "" {
		dir = filepath.Join(c.home(), "keyring")
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return client.OpenKeyring(dir, client.KeyringOptions{
		Backend:    backend,
		Passphrase: c.keyringPassphrase,
		PIN: func(k client.PKCS11Key) ([]byte, error) {
			return c.askSecret(fmt.Sprintf("user PIN of token %q: ", k.Token), false,
				fmt.Sprintf("token %q: key %q records no PIN file and there is no terminal to ask for the PIN on", k.Token, k.KeyLabel))
		},
	})
}

// keyringPassphrase reads --keyring-passphrase-file, or asks on the
// terminal (twice when the passphrase is being chosen).
func (c *cli) keyringPassphrase(dir string, confirm bool) ([]byte, error) {
	if f := c.v.GetString(flagKeyringPassFile); f != "" {
		return client.ReadSecretFile(f)
	}
	prompt := "passphrase of keyring " + dir + ": "
	if confirm {
		prompt = "new passphrase for keyring " + dir + ": "
	}
	return c.askSecret(prompt, confirm, fmt.Sprintf("keyring %s is encrypted (backend file) and there is no terminal to ask for its passphrase on; give --%s FILE", dir, flagKeyringPassFile))
}

// askSecret reads a secret from the terminal without echo, prompting on
// stderr, twice if confirm; without a terminal it fails with noTTY.
func (c *cli) askSecret(prompt string, confirm bool, noTTY string) ([]byte, error) {
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return nil, fmt.Errorf("%s", noTTY)
	}
	fmt.Fprint(c.errOut, prompt)
	s, err := term.ReadPassword(fd)
	fmt.Fprintln(c.errOut)
	if err != nil {
		return nil, fmt.Errorf("read from the terminal: %w", err)
	}
	if confirm {
		fmt.Fprint(c.errOut, "repeat it: ")
		again, err := term.ReadPassword(fd)
		fmt.Fprintln(c.errOut)
		if err != nil {
			return nil, fmt.Errorf("read from the terminal: %w", err)
		}
		if !bytes.Equal(s, again) {
			return nil, fmt.Errorf("the two entries differ; nothing was changed")
		}
	}
	return s, nil
}

func (c *cli) client() (*client.Client, error) {
	return client.New(c.v.GetString(flagNode))
}
