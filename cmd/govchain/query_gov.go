package main

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app/gov"
)

// Flags of gov queries.
const (
	flagGovVotes = "votes"
)

func (c *cli) queryGovCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "gov",
		Short: "Governance: parameters, open proposals, a proposal with its votes or history, evidence of misbehaviour, upgrades",
		Long: `Governance records. The agency set itself is "govchain query agency list".
With --prove every key the answer rests on is proven (see govchain query --help).`,
	}
	leaf := func(use, short string, args cobra.PositionalArgs, p func(args []string) (string, error)) *cobra.Command {
		return &cobra.Command{
			Use: use, Short: short, Args: args,
			RunE: func(cmd *cobra.Command, args []string) error {
				qp, err := p(args)
				if err != nil {
					return err
				}
				return c.runQuery(cmd, qp)
			},
		}
	}
	fixedPath := func(p string) func([]string) (string, error) {
		return func([]string) (string, error) { return p, nil }
	}
	proposal := leaf("proposal ID [--votes | --history]", "A proposal: change, status, tally, deadline, electorate (or its votes, or its history)",
		cobra.ExactArgs(1), func(args []string) (string, error) {
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil || id == 0 {
				return "", fmt.Errorf("%q is not a proposal id (a positive number)", args[0])
			}
			votes, history := c.v.GetBool(flagGovVotes), c.v.GetBool(flagHistory)
			switch {
			case votes && history:
				return "", fmt.Errorf("give --%s or --%s, not both", flagGovVotes, flagHistory)
			case votes:
				return fmt.Sprintf("/gov/proposal/%d/votes", id), nil
			case history:
				return fmt.Sprintf("/gov/proposal/%d/history", id), nil
			}
			return fmt.Sprintf("/gov/proposal/%d", id), nil
		})
	proposal.Flags().Bool(flagGovVotes, false, "the proposal followed by one entry per vote")
	proposal.Flags().Bool(flagHistory, false, "the proposal's history instead")
	evidence := leaf("evidence [ID]", "Evidence of validator misbehaviour (double signing) the chain committed: all records, or one",
		cobra.MaximumNArgs(1), func(args []string) (string, error) {
			if len(args) == 0 {
				return "/gov/evidence", nil
			}
			id, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil || id == 0 {
				return "", fmt.Errorf("%q is not an evidence id (a positive number)", args[0])
			}
			return fmt.Sprintf("/gov/evidence/%d", id), nil
		})
	upgrade := leaf("upgrade [NAME]", "The scheduled upgrade plan, or the record of upgrade NAME having run",
		cobra.MaximumNArgs(1), func(args []string) (string, error) {
			if len(args) == 0 {
				return "/gov/upgrade", nil
			}
			if err := gov.ValidUpgradeName(args[0]); err != nil {
				return "", fmt.Errorf("%q is not an upgrade name: %w", args[0], err)
			}
			return "/gov/upgrade/" + args[0], nil
		})
	cmd.AddCommand(
		evidence,
		leaf("params", "The voting period and the threshold basis (agencies or power)", cobra.NoArgs, fixedPath("/gov/params")),
		leaf("proposals", "The open proposals (anchored on the proposal index)", cobra.NoArgs, fixedPath("/gov/proposals")),
		proposal,
		upgrade,
	)
	return cmd
}
