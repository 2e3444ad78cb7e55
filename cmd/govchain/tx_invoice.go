package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/invoice"
)

// Flags of invoice messages (besides flagCurrency, flagBuyer, flagReason,
// flagReference and flagDocument, shared with other registries).
const (
	flagInvNumber     = "number"
	flagInvIssuer     = "issuer"
	flagInvOriginal   = "original"
	flagInvLine       = "line"
	flagInvLinesFile  = "lines-file"
	flagInvNetTotal   = "net-total"
	flagInvTaxTotal   = "tax-total"
	flagInvGrossTotal = "gross-total"
)

// invoiceLinesHelp documents the two ways of giving lines.
const invoiceLinesHelp = `Lines are given either as repeated --line flags or as a JSON file
(--lines-file), not both.

--line "DESCRIPTION;QUANTITY;UNIT_PRICE;TAX_RATE_BP[;NET_AMOUNT;TAX_AMOUNT]"
  QUANTITY    a decimal with up to 3 decimals, in the line's unit ("1.5")
  UNIT_PRICE  minor units of --currency per whole unit (cents: 333 = 3.33)
  TAX_RATE_BP tax rate in basis points (2000 = 20%)
  NET_AMOUNT, TAX_AMOUNT  optional: if omitted they are computed by the
              chain's rule, net = round(quantity x unit_price), tax =
              round(net x rate / 10000), half up, per line; if given they
              are sent as is and the chain checks them.
  The description may not contain ";".

--lines-file FILE  a JSON array of lines with every amount stated:
  [{"description":"mug","quantity":2000,"unit_price":1001,"net_amount":2002,
    "tax_rate_bp":700,"tax_amount":140}]
  (quantity in thousandths of the unit: 2000 = 2 units).

--net-total, --tax-total and --gross-total default to the sums of the
lines; if given, they are sent as is and the chain checks them exactly.`

func (c *cli) txInvoiceCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "invoice", Short: "Invoice transactions: invoices, credit notes, acknowledgements, reimbursement claims"}
	docFlags := func(cmd *cobra.Command) {
		f := cmd.Flags()
		f.String(flagInvNumber, "", "document number, unique among the issuer's invoices and credit notes (letters, digits, - _ . :)")
		f.String(flagCurrency, "EUR", "ISO 4217 currency code")
		f.StringArray(flagInvLine, nil, `line as "DESCRIPTION;QUANTITY;UNIT_PRICE;TAX_RATE_BP[;NET;TAX]" (repeat; see --help)`)
		f.String(flagInvLinesFile, "", "JSON file with the lines (instead of --line)")
		f.Int64(flagInvNetTotal, 0, "net total in minor units (default: the lines' sum)")
		f.Int64(flagInvTaxTotal, 0, "tax total in minor units (default: the lines' sum)")
		f.Int64(flagInvGrossTotal, 0, "gross total in minor units (default: net + tax)")
		addHashFlags(cmd, flagDocument, "full invoice document (e.g. its PDF)")
	}
	refFlags := func(cmd *cobra.Command) {
		cmd.Flags().String(flagInvIssuer, "", "issuer account: address or key name")
		cmd.Flags().String(flagInvNumber, "", "document number")
	}
	issue := c.txLeaf("issue-invoice", "Issue an invoice to a buyer (signer: business)",
		func(cmd *cobra.Command) (core.Msg, error) {
			buyer, err := c.account(flagBuyer)
			if err != nil {
				return nil, err
			}
			d, err := c.invoiceDocument(cmd)
			if err != nil {
				return nil, err
			}
			return &invoice.IssueInvoice{
				Number: c.v.GetString(flagInvNumber), Buyer: buyer, Currency: c.v.GetString(flagCurrency),
				Lines: d.lines, NetTotal: d.net, TaxTotal: d.tax, GrossTotal: d.gross, DocumentHash: d.hash,
			}, nil
		}, func(cmd *cobra.Command) {
			cmd.Flags().String(flagBuyer, "", "buyer account: address or key name")
			docFlags(cmd)
		})
	issue.Long = "Issue an invoice from the signer to --buyer. The issue time is the block time\nand the tax period its UTC month (\"2026-11\").\n\n" + invoiceLinesHelp
	creditNote := c.txLeaf("issue-credit-note", "Reduce or cancel one of your invoices with a credit note (signer: the invoice's issuer, business)",
		func(cmd *cobra.Command) (core.Msg, error) {
			d, err := c.invoiceDocument(cmd)
			if err != nil {
				return nil, err
			}
			return &invoice.IssueCreditNote{
				Number: c.v.GetString(flagInvNumber), OriginalNumber: c.v.GetString(flagInvOriginal),
				Reason: c.v.GetString(flagReason), Currency: c.v.GetString(flagCurrency),
				Lines: d.lines, NetTotal: d.net, TaxTotal: d.tax, GrossTotal: d.gross, DocumentHash: d.hash,
			}, nil
		}, func(cmd *cobra.Command) {
			cmd.Flags().String(flagInvOriginal, "", "number of the invoice to credit")
			cmd.Flags().String(flagReason, "", "why the invoice is credited")
			docFlags(cmd)
		})
	creditNote.Long = "Issue a credit note under its own --number that reduces your invoice --original.\n" +
		"Its net, tax and gross may not exceed what remains of the invoice; an invoice\ncredited in full is cancelled.\n\n" + invoiceLinesHelp
	cmd.AddCommand(
		issue,
		creditNote,
		c.txLeaf("acknowledge-invoice", "Acknowledge an invoice or credit note you received (signer: the buyer)",
			func(*cobra.Command) (core.Msg, error) {
				issuer, err := c.account(flagInvIssuer)
				if err != nil {
					return nil, err
				}
				return &invoice.AcknowledgeInvoice{Issuer: issuer, Number: c.v.GetString(flagInvNumber)}, nil
			}, refFlags),
		c.txLeaf("claim-reimbursement", "Claim an invoice for reimbursement; only the first claim succeeds (signer: any account)",
			func(*cobra.Command) (core.Msg, error) {
				issuer, err := c.account(flagInvIssuer)
				if err != nil {
					return nil, err
				}
				h, err := c.hashFlag(flagDocument)
				if err != nil {
					return nil, err
				}
				return &invoice.ClaimReimbursement{
					Issuer: issuer, Number: c.v.GetString(flagInvNumber), DocumentHash: h, Reference: c.v.GetString(flagReference),
				}, nil
			}, func(cmd *cobra.Command) {
				refFlags(cmd)
				cmd.Flags().String(flagReference, "", "your reference for the claim (e.g. expense report id)")
				addHashFlags(cmd, flagDocument, "invoice document you were given (must match the invoice's hash)")
			}),
	)
	return cmd
}

// invoiceDoc is the document part shared by invoices and credit notes.
type invoiceDoc struct {
	lines           []invoice.Line
	net, tax, gross int64
	hash            core.Hash
}

// invoiceDocument reads lines, totals and the document hash from the
// command's flags.
func (c *cli) invoiceDocument(cmd *cobra.Command) (invoiceDoc, error) {
	var d invoiceDoc
	specs, file := stringArray(cmd, flagInvLine), c.v.GetString(flagInvLinesFile)
	var err error
	switch {
	case len(specs) > 0 && file != "":
		return d, fmt.Errorf("give --%s or --%s, not both", flagInvLine, flagInvLinesFile)
	case file != "":
		d.lines, err = readInvoiceLines(file)
	case len(specs) > 0:
		for _, s := range specs {
			l, err := parseInvoiceLine(s)
			if err != nil {
				return d, fmt.Errorf("--%s %q: %w", flagInvLine, s, err)
			}
			d.lines = append(d.lines, l)
		}
	default:
		return d, fmt.Errorf("--%s (repeat) or --%s is required", flagInvLine, flagInvLinesFile)
	}
	if err != nil {
		return d, err
	}
	d.net, d.tax, d.gross = invoice.SumLines(d.lines)
	if cmd.Flags().Changed(flagInvNetTotal) {
		d.net = c.v.GetInt64(flagInvNetTotal)
	}
	if cmd.Flags().Changed(flagInvTaxTotal) {
		d.tax = c.v.GetInt64(flagInvTaxTotal)
	}
	if cmd.Flags().Changed(flagInvGrossTotal) {
		d.gross = c.v.GetInt64(flagInvGrossTotal)
	} else {
		d.gross = d.net + d.tax
	}
	d.hash, err = c.hashFlag(flagDocument)
	return d, err
}

// readInvoiceLines decodes a JSON array of lines, refusing unknown fields.
func readInvoiceLines(path string) ([]invoice.Line, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var lines []invoice.Line
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&lines); err != nil {
		return nil, fmt.Errorf("--%s %s: %w", flagInvLinesFile, path, err)
	}
	return lines, nil
}

// parseInvoiceLine parses "DESCRIPTION;QUANTITY;UNIT_PRICE;TAX_RATE_BP"
// with optional ";NET_AMOUNT;TAX_AMOUNT".
func parseInvoiceLine(s string) (invoice.Line, error) {
	f := strings.Split(s, ";")
	if len(f) != 4 && len(f) != 6 {
		return invoice.Line{}, fmt.Errorf("want DESCRIPTION;QUANTITY;UNIT_PRICE;TAX_RATE_BP[;NET_AMOUNT;TAX_AMOUNT]")
	}
	qty, err := parseThousandths(strings.TrimSpace(f[1]))
	if err != nil {
		return invoice.Line{}, err
	}
	nums := make([]int64, 0, 4)
	for i, name := range []string{"unit price", "tax rate", "net amount", "tax amount"} {
		if i+2 >= len(f) {
			break
		}
		n, err := strconv.ParseInt(strings.TrimSpace(f[i+2]), 10, 64)
		if err != nil {
			return invoice.Line{}, fmt.Errorf("%s %q must be a whole number of minor units (or basis points)", name, f[i+2])
		}
		nums = append(nums, n)
	}
	if len(nums) == 4 {
		return invoice.Line{Description: f[0], Quantity: qty, UnitPrice: nums[0], NetAmount: nums[2], TaxRateBP: nums[1], TaxAmount: nums[3]}, nil
	}
	return invoice.NewLine(f[0], qty, nums[0], nums[1])
}

// parseThousandths parses a non-negative decimal with at most 3 decimals
// ("1.5") into thousandths (1500).
func parseThousandths(s string) (int64, error) {
	whole, frac, _ := strings.Cut(s, ".")
	bad := fmt.Errorf("quantity %q must be a decimal with at most 3 decimals", s)
	if whole == "" || len(frac) > 3 || strings.HasPrefix(whole, "-") || strings.HasPrefix(whole, "+") {
		return 0, bad
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > invoice.MaxQuantity/invoice.QuantityScale {
		return 0, bad
	}
	var fr int64
	if frac != "" {
		if fr, err = strconv.ParseInt(frac+strings.Repeat("0", 3-len(frac)), 10, 64); err != nil || strings.HasPrefix(frac, "-") || strings.HasPrefix(frac, "+") {
			return 0, bad
		}
	}
	return w*invoice.QuantityScale + fr, nil
}
