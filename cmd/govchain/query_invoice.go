package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app/invoice"
)

// Flags of invoice queries.
const (
	flagInvStart   = "start"
	flagInvEntries = "entries"
)

func (c *cli) queryInvoiceCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "invoice",
		Short: "Invoices and credit notes, buyers' invoices, issuers' totals per tax period",
		Long: fmt.Sprintf(`Invoices and credit notes, buyers' invoices and issuers' totals per tax
period, all provable with --prove. Lists (buyer, totals --entries) come in
pages of %d entries after an anchor record that states the count; --start N
reads the page from entry N.`, invoice.PageSize),
	}
	leaf := func(use, short string, args cobra.PositionalArgs, p func(cmd *cobra.Command, args []string) (string, error)) *cobra.Command {
		return &cobra.Command{
			Use: use, Short: short, Args: args,
			RunE: func(cmd *cobra.Command, args []string) error {
				qp, err := p(cmd, args)
				if err != nil {
					return err
				}
				return c.runQuery(cmd, qp)
			},
		}
	}
	page := func(cmd *cobra.Command, path string) string {
		if cmd.Flags().Changed(flagInvStart) {
			return fmt.Sprintf("%s/%d", path, c.v.GetUint64(flagInvStart))
		}
		return path
	}
	show := leaf("show ISSUER NUMBER [--history]", "An invoice or credit note (or its history)", cobra.ExactArgs(2),
		func(cmd *cobra.Command, args []string) (string, error) {
			issuer, err := c.keyring().ResolveAddress(args[0])
			if err != nil {
				return "", err
			}
			if err := invoicePathSegment(args[1]); err != nil {
				return "", err
			}
			p := fmt.Sprintf("/invoice/invoice/%s/%s", issuer, args[1])
			if c.v.GetBool(flagHistory) {
				p += "/history"
			}
			return p, nil
		})
	show.Flags().Bool(flagHistory, false, "the document's full history instead")
	buyer := leaf("buyer ACCOUNT [--start N]", "The invoices and credit notes issued to an account", cobra.ExactArgs(1),
		func(cmd *cobra.Command, args []string) (string, error) {
			a, err := c.keyring().ResolveAddress(args[0])
			if err != nil {
				return "", err
			}
			return page(cmd, fmt.Sprintf("/invoice/buyer/%s/invoices", a)), nil
		})
	buyer.Flags().Uint64(flagInvStart, 0, "first entry of the page")
	totals := leaf("totals ISSUER PERIOD [--entries [--start N]]", "An issuer's totals for a tax period YYYY-MM (or the documents counted in them)", cobra.ExactArgs(2),
		func(cmd *cobra.Command, args []string) (string, error) {
			issuer, err := c.keyring().ResolveAddress(args[0])
			if err != nil {
				return "", err
			}
			if err := invoicePathSegment(args[1]); err != nil {
				return "", err
			}
			p := fmt.Sprintf("/invoice/totals/%s/%s", issuer, args[1])
			if !c.v.GetBool(flagInvEntries) {
				if cmd.Flags().Changed(flagInvStart) {
					return "", fmt.Errorf("--%s needs --%s", flagInvStart, flagInvEntries)
				}
				return p, nil
			}
			return page(cmd, p+"/entries"), nil
		})
	totals.Flags().Bool(flagInvEntries, false, "the documents counted in the totals instead")
	totals.Flags().Uint64(flagInvStart, 0, "first entry of the page (with --entries)")
	cmd.AddCommand(show, buyer, totals)
	return cmd
}

// invoicePathSegment refuses a query argument that cannot be one path
// segment.
func invoicePathSegment(s string) error {
	if s == "" || strings.Contains(s, "/") {
		return fmt.Errorf("%q is not an id (ids are non-empty and contain no /)", s)
	}
	return nil
}
