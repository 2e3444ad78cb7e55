package main

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/spf13/cobra"
)

// Flags of keys.
const (
	flagOut         = "out"
	flagName        = "name"
	flagAddressOnly = "address"
)

func (c *cli) keysCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Manage ed25519 account keys in the keyring (<home>/keyring/keys.json)",
		Long: `Manage the account keys that sign transactions.

The keyring is one JSON file, <home>/keyring/keys.json (or under
--keyring-dir), mode 0600 in a 0700 directory. Private keys are stored in
PLAINTEXT: the file permissions are their only protection.`,
	}
	addHomeFlag(cmd)
	addKeyringFlags(cmd)
	cmd.AddCommand(c.keysAddCmd(), c.keysListCmd(), c.keysShowCmd(), c.keysExportCmd(), c.keysImportCmd(), c.keysDeleteCmd())
	return cmd
}

// keyJSON is a key as -o json prints it.
type keyJSON struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	PubKey  string `json:"pub_key,omitempty"`
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
					list[i] = keyJSON{Name: k.Name, Address: k.Address().String()}
				}
				return c.printJSON(list)
			}
			for _, k := range keys {
				fmt.Fprintf(c.out, "%-20s %s\n", k.Name, k.Address())
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
			k, err := c.keyring().Get(args[0])
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
			return c.printKey(k.Name, k.Address().String(), k.PubKey())
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
