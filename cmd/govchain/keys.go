package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/client"
)

// Flags of keys.
const (
	flagOut         = "out"
	flagName        = "name"
	flagAddressOnly = "address"
	flagModule      = "module"
	flagToken       = "token"
	flagKeyLabel    = "key-label"
	flagPINFile     = "pin-file"
	flagExisting    = "existing"
)

func (c *cli) keysCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Manage ed25519 account keys in the keyring (<home>/keyring/keys.json)",
		Long: `Manage the account keys that sign transactions.

The keyring is one JSON file, <home>/keyring/keys.json (or under
--keyring-dir), mode 0600 in a 0700 directory. It records its backend,
chosen when it is created (--keyring-backend) and kept from then on:

  file  every private key sealed with the keyring passphrase (argon2id,
        then XChaCha20-Poly1305); the default, and what a production home
        uses. The passphrase is read from --keyring-passphrase-file (mode
        0600, first line) or asked on the terminal; never from the command
        line or the environment.
  test  private keys in PLAINTEXT, for tests and the development chain
        only (init --dev and testnet init use it).

Names, addresses and public keys are read without the passphrase. A file
keyring refuses plaintext keys (one written before backends existed):
"govchain keys encrypt" seals them. A key on a PKCS#11 token
("govchain keys add-pkcs11") is recorded by its public key and location
only, in either backend, and signs like any other key.`,
	}
	addHomeFlag(cmd)
	addKeyringFlags(cmd)
	addBackendFlag(cmd.PersistentFlags())
	cmd.AddCommand(c.keysAddCmd(), c.keysListCmd(), c.keysShowCmd(), c.keysExportCmd(), c.keysImportCmd(), c.keysDeleteCmd(),
		c.keysEncryptCmd(), c.keysAddPKCS11Cmd())
	return cmd
}

// keyJSON is a key as -o json prints it.
type keyJSON struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	PubKey  string `json:"pub_key,omitempty"`
	Kind    string `json:"kind,omitempty"`
}

func (c *cli) printKey(name, addr string, pub []byte) error {
	if c.jsonOutput() {
		return c.printJSON(keyJSON{Name: name, Address: addr, PubKey: hex.EncodeToString(pub)})
	}
	_, err := fmt.Fprintf(c.out, "name:    %s\naddress: %s\npub_key: %x\n", name, addr, pub)
	return err
}

func (c *cli) keysAddCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "add NAME",
		Short: "Generate a new key",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			k, err := c.keyring().Create(args[0])
			if err != nil {
				return err
			}
			return c.printKey(k.Name, k.Address().String(), k.PubKey())
		},
	}
}

func (c *cli) keysListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the keys: name and address",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			keys, err := c.keyring().List()
			if err != nil {
				return err
			}
			if c.jsonOutput() {
				list := make([]keyJSON, len(keys))
				for i, k := range keys {
					list[i] = keyJSON{Name: k.Name, Address: k.Address().String(), Kind: k.Kind}
				}
				return c.printJSON(list)
			}
			for _, k := range keys {
				fmt.Fprintf(c.out, "%-20s %s %s\n", k.Name, k.Address(), k.Kind)
			}
			return nil
		},
	}
}

func (c *cli) keysShowCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show NAME",
		Short: "Show a key's name, address and public key",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			k, err := c.keyring().Info(args[0])
			if err != nil {
				return err
			}
			if c.v.GetBool(flagAddressOnly) {
				if c.jsonOutput() {
					return c.printJSON(keyJSON{Name: k.Name, Address: k.Address().String()})
				}
				fmt.Fprintln(c.out, k.Address())
				return nil
			}
			return c.printKey(k.Name, k.Address().String(), k.PubKey)
		},
	}
	cmd.Flags().Bool(flagAddressOnly, false, "print the address only")
	return cmd
}

func (c *cli) keysExportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "export NAME --out FILE",
		Short: "Write a key to a file, PLAINTEXT private key included (mode 0600)",
		Long: `Write one key to FILE as JSON, including its PRIVATE KEY IN PLAINTEXT.
The file is created with mode 0600 and never overwritten. Whoever reads it
can sign as the account: move it only over channels you trust, and delete
it once imported.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			out := c.v.GetString(flagOut)
			if out == "" {
				return errors.New("--out FILE is required")
			}
			b, err := c.keyring().Export(args[0])
			if err != nil {
				return err
			}
			f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("%s already exists; not overwriting it", out)
			}
			if err != nil {
				return err
			}
			if _, err := f.Write(b); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			if c.jsonOutput() {
				return c.printJSON(map[string]string{"exported": args[0], "file": out})
			}
			fmt.Fprintf(c.out, "exported %s to %s (plaintext private key, mode 0600)\n", args[0], out)
			return nil
		},
	}
	cmd.Flags().String(flagOut, "", "file to write (must not exist)")
	return cmd
}

func (c *cli) keysImportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Add a key from a file written by keys export",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			b, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			k, err := c.keyring().Import(b, c.v.GetString(flagName))
			if err != nil {
				return err
			}
			return c.printKey(k.Name, k.Address().String(), k.PubKey())
		},
	}
	cmd.Flags().String(flagName, "", "store the key under this name instead of the one in the file")
	return cmd
}

func (c *cli) keysDeleteCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "delete NAME",
		Short: "Remove a key from the keyring (export it first if you may need it)",
		Args:  cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if err := c.keyring().Delete(args[0]); err != nil {
				return err
			}
			if c.jsonOutput() {
				return c.printJSON(map[string]string{"deleted": args[0]})
			}
			fmt.Fprintf(c.out, "deleted %s\n", args[0])
			return nil
		},
	}
}

func (c *cli) keysEncryptCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "encrypt",
		Short: "Seal every plaintext key with a passphrase and make the keyring a file keyring",
		Long: `Seal every plaintext private key of the keyring with the keyring
passphrase (asked twice on the terminal, or read from
--keyring-passphrase-file; a keyring that already holds sealed keys checks
it against them) and record the file backend. It converts a test keyring,
or one written before keyrings had backends, into a production one. The
keyring file is replaced atomically: on any error nothing changes.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			kr := c.keyring()
			n, err := kr.Encrypt()
			if err != nil {
				return err
			}
			if c.jsonOutput() {
				return c.printJSON(map[string]any{"keyring": kr.Dir(), "encrypted": n, "backend": client.BackendFile})
			}
			fmt.Fprintf(c.out, "sealed %d plaintext key(s) in %s; its backend is %s\n", n, kr.Dir(), client.BackendFile)
			return nil
		},
	}
}

func (c *cli) keysAddPKCS11Cmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "add-pkcs11 NAME --module PATH --token LABEL [--key-label L] [--pin-file F] [--existing]",
		Short: "Add a key held on a hardware token (PKCS#11, ed25519 with CKM_EDDSA)",
		Long: `Record under NAME an ed25519 key pair held on a PKCS#11 token: by default a
new one, generated on the token (sensitive, not extractable), labelled
--key-label (default NAME); with --existing, the key pair that already
has that label. The private key never leaves the token: "govchain tx ...
--from NAME" asks the token to sign.

--module is the token's PKCS#11 library (for SoftHSM2,
/usr/lib/softhsm/libsofthsm2.so), --token its label. The user PIN is
read from --pin-file (mode 0600, first line), whose path the keyring
records for later signatures, or else asked on the terminal each time;
it never goes on the command line. Needs a binary built with cgo.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			ref := client.PKCS11Key{Module: c.v.GetString(flagModule), Token: c.v.GetString(flagToken),
				KeyLabel: c.v.GetString(flagKeyLabel), PINFile: c.v.GetString(flagPINFile)}
			if ref.KeyLabel == "" {
				ref.KeyLabel = args[0]
			}
			for _, p := range []*string{&ref.Module, &ref.PINFile} {
				if *p != "" {
					abs, err := filepath.Abs(*p)
					if err != nil {
						return err
					}
					*p = abs
				}
			}
			if ref.Module == "" || ref.Token == "" {
				return fmt.Errorf("--%s PATH and --%s LABEL are required", flagModule, flagToken)
			}
			k, err := c.keyring().AddPKCS11(args[0], ref, !c.v.GetBool(flagExisting))
			if err != nil {
				return err
			}
			return c.printKey(k.Name, k.Address().String(), k.PubKey)
		},
	}
	f := cmd.Flags()
	f.String(flagModule, "", "PKCS#11 library of the token (absolute path, e.g. /usr/lib/softhsm/libsofthsm2.so)")
	f.String(flagToken, "", "label of the token")
	f.String(flagKeyLabel, "", "label of the key pair on the token (default: NAME)")
	f.String(flagPINFile, "", "file holding the token's user PIN (mode 0600); its path is recorded for later signatures")
	f.Bool(flagExisting, false, "use the key pair the token already holds under --key-label instead of generating one")
	return cmd
}
