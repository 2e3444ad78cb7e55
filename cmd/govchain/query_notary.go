package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app/core"
)

// Flags of notary queries.
const flagNotaryFile = "file"

func (c *cli) queryNotaryCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "notary", Short: "Anchored documents: proof of existence or of absence"}
	doc := &cobra.Command{
		Use:   "document (SHA256 | --file FILE) [--history]",
		Short: "When a document was anchored, and by whom",
		Long: `Look a document up by its SHA-256 (64 hex digits), or hash --file locally.
With --prove, an anchored document is proven to exist in the state of the
queried height; an unknown hash is proven absent and reported as an error.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var h core.Hash
			file := c.v.GetString(flagNotaryFile)
			switch {
			case len(args) == 1 && file != "":
				return fmt.Errorf("give a hash or --%s, not both", flagNotaryFile)
			case len(args) == 1:
				var err error
				if h, err = core.ParseHash(strings.ToLower(args[0])); err != nil {
					return err
				}
			case file != "":
				b, err := os.ReadFile(file)
				if err != nil {
					return err
				}
				h = sha256.Sum256(b)
			default:
				return fmt.Errorf("a SHA-256 or --%s FILE is required", flagNotaryFile)
			}
			p := "/notary/document/" + h.String()
			if c.v.GetBool(flagHistory) {
				p += "/history"
			}
			return c.runQuery(cmd, p)
		},
	}
	doc.Flags().String(flagNotaryFile, "", "file to hash locally (not sent)")
	doc.Flags().Bool(flagHistory, false, "the document's history instead")
	cmd.AddCommand(doc)
	return cmd
}
