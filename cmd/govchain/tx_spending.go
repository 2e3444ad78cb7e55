package main

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/spending"
)

// Flags of spending messages.
const (
	flagLineID        = "line-id"
	flagLineAgency    = "agency"
	flagYear          = "year"
	flagAllocation    = "allocation"
	flagContractID    = "contract-id"
	flagVendor        = "vendor"
	flagContract      = "contract"
	flagInvoiceNumber = "invoice-number"
)

func (c *cli) txSpendingCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "spending", Short: "Public spending: budget lines, contracts, invoice payments"}
	cmd.AddCommand(
		c.txLeaf("approve-line", "Approve a budget line for an agency and year (signer: a finance ministry admin)",
			func(*cobra.Command) (core.Msg, error) {
				return &spending.ApproveBudgetLine{LineID: c.v.GetString(flagLineID), Agency: c.v.GetString(flagLineAgency),
					Year: c.v.GetUint64(flagYear), Description: c.v.GetString(flagDescription),
					Allocation: c.v.GetInt64(flagAllocation), Currency: c.v.GetString(flagCurrency)}, nil
			}, func(cmd *cobra.Command) {
				f := cmd.Flags()
				f.String(flagLineID, "", "budget line id")
				f.String(flagLineAgency, "", "the agency the line is allocated to")
				f.Uint64(flagYear, 0, "budget year")
				f.String(flagDescription, "", "what the line is for")
				f.Int64(flagAllocation, 0, "allocation in minor units of --currency")
				f.String(flagCurrency, "EUR", "ISO 4217 currency code")
			}),
		c.txLeaf("award-contract", "Award a contract against a budget line (signer: an admin of the line's agency)",
			func(*cobra.Command) (core.Msg, error) {
				vendor, err := c.account(flagVendor)
				if err != nil {
					return nil, err
				}
				h, err := c.hashFlag(flagContract)
				if err != nil {
					return nil, err
				}
				return &spending.AwardContract{ContractID: c.v.GetString(flagContractID), LineID: c.v.GetString(flagLineID),
					Vendor: vendor, Amount: c.v.GetInt64(flagAmount), DocumentHash: h}, nil
			}, func(cmd *cobra.Command) {
				f := cmd.Flags()
				f.String(flagContractID, "", "contract id")
				f.String(flagLineID, "", "the budget line it is charged to")
				f.String(flagVendor, "", "the vendor's account (linked to a registered organisation)")
				f.Int64(flagAmount, 0, "contract amount in minor units of the line's currency")
				addHashFlags(cmd, flagContract, "signed contract")
			}),
		c.txLeaf("pay-invoice", "Pay a vendor's invoice under a contract (signer: an admin of the contract's agency)",
			func(*cobra.Command) (core.Msg, error) {
				return &spending.PayInvoice{ContractID: c.v.GetString(flagContractID), InvoiceNumber: c.v.GetString(flagInvoiceNumber),
					Reference: c.v.GetString(flagReference)}, nil
			}, func(cmd *cobra.Command) {
				f := cmd.Flags()
				f.String(flagContractID, "", "contract id")
				f.String(flagInvoiceNumber, "", "the vendor's invoice number (invoice registry)")
				f.String(flagReference, "", "the treasury's payment reference")
			}),
	)
	return cmd
}

func (c *cli) querySpendingCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "spending",
		Short: "Budget lines, contracts, payments, and totals per agency or vendor and year",
		Long: `Public spending records. Totals are one record each, per agency (or
vendor account) and budget year and currency: allocated, committed by
contracts, paid; --prove proves them like any record.`,
	}
	leaf := func(use, short string, n int, p func(args []string) (string, error)) *cobra.Command {
		return &cobra.Command{Use: use, Short: short, Args: cobra.ExactArgs(n),
			RunE: func(cmd *cobra.Command, args []string) error {
				qp, err := p(args)
				if err != nil {
					return err
				}
				return c.runQuery(cmd, qp)
			}}
	}
	id := func(what string, s string) error {
		if err := core.ValidateID(what, s); err != nil {
			return fmt.Errorf("%q is not a %s", s, what)
		}
		return nil
	}
	year := func(s string) error {
		if y, err := strconv.ParseUint(s, 10, 64); err != nil || y < spending.MinYear || y > spending.MaxYear {
			return fmt.Errorf("%q is not a budget year (%d-%d)", s, spending.MinYear, spending.MaxYear)
		}
		return nil
	}
	line := leaf("line ID [--history]", "A budget line (or its history)", 1, func(args []string) (string, error) {
		if err := id("line id", args[0]); err != nil {
			return "", err
		}
		if c.v.GetBool(flagHistory) {
			return "/spending/line/" + args[0] + "/history", nil
		}
		return "/spending/line/" + args[0], nil
	})
	line.Flags().Bool(flagHistory, false, "the line's history instead")
	cmd.AddCommand(
		line,
		leaf("contract ID", "A contract", 1, func(args []string) (string, error) {
			return "/spending/contract/" + args[0], id("contract id", args[0])
		}),
		leaf("payment VENDOR NUMBER", "The payment of a vendor's invoice (not found: unpaid)", 2, func(args []string) (string, error) {
			a, err := c.keyring().ResolveAddress(args[0])
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("/spending/payment/%s/%s", a, args[1]), id("invoice number", args[1])
		}),
		leaf("agency AGENCY YEAR CURRENCY", "An agency's totals for a budget year", 3, func(args []string) (string, error) {
			if err := year(args[1]); err != nil {
				return "", err
			}
			return fmt.Sprintf("/spending/agency/%s/%s/%s", args[0], args[1], args[2]), id("agency id", args[0])
		}),
		leaf("vendor ACCOUNT YEAR CURRENCY", "A vendor's totals for a budget year", 3, func(args []string) (string, error) {
			a, err := c.keyring().ResolveAddress(args[0])
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("/spending/vendor/%s/%s/%s", a, args[1], args[2]), year(args[1])
		}),
	)
	return cmd
}
