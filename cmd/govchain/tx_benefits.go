package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app/benefits"
	"github.com/govchain/govchain/app/core"
)

// Flags of benefits messages.
const (
	flagProgrammeID       = "programme-id"
	flagBenefitAgency     = "agency"
	flagRule              = "rule"
	flagPeriodUnit        = "period-unit"
	flagPeriodCount       = "period-count"
	flagStartsAt          = "starts-at"
	flagEndsAt            = "ends-at"
	flagEntitlementMonths = "entitlement-months"
	flagAgeYears          = "age-years"
	flagAgeMonths         = "age-months"
	flagBeneficiary       = "beneficiary"
	flagPeriod            = "period"
	flagApprove           = "approve"
	flagRefuse            = "refuse"
	flagClaimFile         = "file"
)

// programmeLength is how long a programme runs when --ends-at is not
// given.
const programmeLength = 20

func (c *cli) txBenefitsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "benefits",
		Short: "Automatic benefits: programmes, claims and their decisions, payment orders paid",
		Long: `Benefit programmes (see docs/benefits.md). Births and deaths recorded by the
civil registry open and end entitlements by themselves (a birth also opens
the child's own entitlements from an age, paid from that birthday); the
chain creates each period's payment order; the treasury marks orders paid.`,
	}
	personFlags := func(f interface {
		String(name, value, usage string) *string
	}) {
		f.String(flagProgrammeID, "", "programme id")
		f.String(identFlagPersonID, "", "the person's id (identity registry)")
	}
	cmd.AddCommand(
		c.txLeaf("define-programme", "Define a benefit programme (signer: an admin of --agency)",
			func(*cobra.Command) (core.Msg, error) {
				start := time.Now().UTC().Truncate(time.Second)
				if s := c.v.GetString(flagStartsAt); s != "" {
					t, err := time.Parse(time.RFC3339, s)
					if err != nil {
						return nil, fmt.Errorf("--%s: %w", flagStartsAt, err)
					}
					start = t.UTC()
				}
				years, months := c.v.GetUint64(flagAgeYears), c.v.GetUint64(flagAgeMonths)
				if years > benefits.MaxAgeMonths/12 || months > benefits.MaxAgeMonths {
					return nil, fmt.Errorf("--%s and --%s give an age of at most %d months in all", flagAgeYears, flagAgeMonths, benefits.MaxAgeMonths)
				}
				end := start.AddDate(programmeLength, 0, 0)
				if s := c.v.GetString(flagEndsAt); s != "" {
					t, err := time.Parse(time.RFC3339, s)
					if err != nil {
						return nil, fmt.Errorf("--%s: %w", flagEndsAt, err)
					}
					end = t.UTC()
				}
				return &benefits.DefineProgramme{ProgrammeID: c.v.GetString(flagProgrammeID), Agency: c.v.GetString(flagBenefitAgency),
					Rule: c.v.GetString(flagRule), Description: c.v.GetString(flagDescription), Amount: c.v.GetInt64(flagAmount),
					Currency: c.v.GetString(flagCurrency), PeriodUnit: c.v.GetString(flagPeriodUnit), PeriodCount: c.v.GetUint64(flagPeriodCount),
					StartsAt: start, EndsAt: end, EntitlementMonths: c.v.GetUint64(flagEntitlementMonths), AgeMonths: years*12 + months}, nil
			}, func(cmd *cobra.Command) {
				f := cmd.Flags()
				f.String(flagProgrammeID, "", "programme id")
				f.String(flagBenefitAgency, "", "the agency that runs the programme")
				f.String(flagRule, "", "birth, death_survivor, claim or age")
				f.String(flagDescription, "", "what the programme pays for")
				f.Int64(flagAmount, 0, "amount per period in minor units of --currency")
				f.String(flagCurrency, "EUR", "ISO 4217 currency code")
				f.String(flagPeriodUnit, benefits.UnitMonth, "month or day")
				f.Uint64(flagPeriodCount, 1, "units per period (1-12 months or 1-366 days)")
				f.String(flagStartsAt, "", "first moment a fact opens an entitlement, RFC 3339 (default: now)")
				f.String(flagEndsAt, "", fmt.Sprintf("end of the programme, RFC 3339 (default: %d years after --%s)", programmeLength, flagStartsAt))
				f.Uint64(flagEntitlementMonths, 0, "how long an entitlement runs after its start, in months (0: as long as the programme)")
				f.Uint64(flagAgeYears, 0, "rule age: the age in years (plus --age-months) from which a person born on the chain is paid")
				f.Uint64(flagAgeMonths, 0, "rule age: months of age, added to --age-years")
			}),
		c.txLeaf("claim", "Claim an entitlement under a programme decided on claims (signer: an account linked to the person)",
			func(*cobra.Command) (core.Msg, error) {
				h, err := c.hashFlag(flagClaimFile)
				if err != nil {
					return nil, err
				}
				return &benefits.ClaimBenefit{ProgrammeID: c.v.GetString(flagProgrammeID), PersonID: c.v.GetString(identFlagPersonID), DocumentHash: h}, nil
			}, func(cmd *cobra.Command) {
				personFlags(cmd.Flags())
				addHashFlags(cmd, flagClaimFile, "supporting file")
			}),
		c.txLeaf("decide-claim", "Approve or refuse a pending claim, with the reason (signer: an admin of the programme's agency)",
			func(*cobra.Command) (core.Msg, error) {
				approve, refuse := c.v.GetBool(flagApprove), c.v.GetBool(flagRefuse)
				if approve == refuse {
					return nil, fmt.Errorf("give --%s or --%s", flagApprove, flagRefuse)
				}
				return &benefits.DecideClaim{ProgrammeID: c.v.GetString(flagProgrammeID), PersonID: c.v.GetString(identFlagPersonID),
					Approve: approve, Reason: c.v.GetString(flagReason)}, nil
			}, func(cmd *cobra.Command) {
				personFlags(cmd.Flags())
				cmd.Flags().Bool(flagApprove, false, "approve the claim (opens the entitlement)")
				cmd.Flags().Bool(flagRefuse, false, "refuse the claim")
				cmd.Flags().String(flagReason, "", "the reason of the decision")
			}),
		c.txLeaf("mark-paid", "Mark a payment order paid with the bank's reference (signer: a treasury)",
			func(*cobra.Command) (core.Msg, error) {
				return &benefits.MarkPaid{ProgrammeID: c.v.GetString(flagProgrammeID), Beneficiary: c.v.GetString(flagBeneficiary),
					Subject: c.v.GetString(flagSubject), Period: c.v.GetUint64(flagPeriod), Reference: c.v.GetString(flagReference)}, nil
			}, func(cmd *cobra.Command) {
				f := cmd.Flags()
				f.String(flagProgrammeID, "", "programme id")
				f.String(flagBeneficiary, "", "the person paid")
				f.String(flagSubject, "", "the person the entitlement is for (the child, the deceased spouse, or the beneficiary)")
				f.Uint64(flagPeriod, 0, "the period, from 0")
				f.String(flagReference, "", "the bank's reference of the transfer")
			}),
	)
	return cmd
}
