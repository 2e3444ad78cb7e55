package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app/benefits"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/client"
)

func (c *cli) queryBenefitsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "benefits",
		Short: "Benefit programmes, entitlements with the facts they rest on, payment orders, claims",
		Long: `Benefits records. "why PROGRAMME BENEFICIARY SUBJECT" shows an entitlement
and checks each fact it rests on (a birth, a death, a marriage, a claim and
its decision) against the registry history it names, and for an age the
entitlement's start against the proven birth, each answer proven with
--prove and verified with --verify. A person who is not entitled gets
the entitlement's absence, proven the same way.`,
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
	ids := func(what []string, args []string) error {
		for i, s := range args {
			if err := core.ValidateID(what[i], s); err != nil {
				return fmt.Errorf("%q is not a %s", s, what[i])
			}
		}
		return nil
	}
	refArgs := []string{"programme id", "person id", "person id"}
	entitlement := leaf("entitlement PROGRAMME BENEFICIARY SUBJECT [--history]", "An entitlement (or its history)", 3,
		func(args []string) (string, error) {
			p := "/benefits/entitlement/" + args[0] + "/" + args[1] + "/" + args[2]
			if c.v.GetBool(flagHistory) {
				p += "/history"
			}
			return p, ids(refArgs, args)
		})
	entitlement.Flags().Bool(flagHistory, false, "the entitlement's history instead")
	claim := leaf("claim PROGRAMME PERSON [--history]", "A person's claim under a programme (or its history)", 2,
		func(args []string) (string, error) {
			p := "/benefits/claim/" + args[0] + "/" + args[1]
			if c.v.GetBool(flagHistory) {
				p += "/history"
			}
			return p, ids(refArgs[:2], args)
		})
	claim.Flags().Bool(flagHistory, false, "the claim's history instead")
	why := &cobra.Command{
		Use: "why PROGRAMME BENEFICIARY SUBJECT", Short: "An entitlement and each fact it rests on, checked against its registry record",
		Args: cobra.ExactArgs(3),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := ids(refArgs, args); err != nil {
				return err
			}
			return c.whyEntitled(cmd, benefits.Ref{ProgrammeID: args[0], Beneficiary: args[1], Subject: args[2]})
		},
	}
	cmd.AddCommand(
		leaf("programme ID", "A programme: its rule, amount, period and window", 1, func(args []string) (string, error) {
			return "/benefits/programme/" + args[0], ids(refArgs[:1], args)
		}),
		entitlement,
		leaf("order PROGRAMME BENEFICIARY SUBJECT PERIOD", "The payment order of an entitlement's period (from 0)", 4,
			func(args []string) (string, error) {
				if _, err := strconv.ParseUint(args[3], 10, 64); err != nil {
					return "", fmt.Errorf("%q is not a period (a number from 0)", args[3])
				}
				return "/benefits/order/" + args[0] + "/" + args[1] + "/" + args[2] + "/" + args[3], ids(refArgs, args[:3])
			}),
		claim,
		leaf("person ID", "Every entitlement that names a person, as beneficiary or subject", 1, func(args []string) (string, error) {
			return "/benefits/person/" + args[0], ids(refArgs[1:2], args)
		}),
		why,
	)
	return cmd
}

// quietQuery runs a query as query does (proven and verified as the flags
// say, proofs reported on stderr) without printing its value.
func (c *cli) quietQuery(cmd *cobra.Command, path string) ([]byte, error) {
	out := c.out
	c.out = io.Discard
	defer func() { c.out = out }()
	q, err := c.runQueryAt(cmd, path)
	if err != nil {
		return nil, err
	}
	return q.Value, nil
}

// whyEntitled prints an entitlement and checks every fact it cites (and
// the fact that ended it) against the history entry it names: the action,
// height and tx hash must be the record's.
func (c *cli) whyEntitled(cmd *cobra.Command, r benefits.Ref) error {
	v, err := c.quietQuery(cmd, "/benefits/"+r.Path())
	if err != nil {
		return err
	}
	var e benefits.Entitlement
	if err := core.StrictUnmarshal(v, &e); err != nil {
		return fmt.Errorf("entitlement record: %w", err)
	}
	fmt.Fprintf(c.out, "%s: %s, rule %s: %d %s every %d %s(s) from %s until %s\n", r.Path(), e.Status, e.Rule, e.Amount, e.Currency,
		e.PeriodCount, e.PeriodUnit, e.StartsAt.Format(time.RFC3339), e.EndsAt.Format(time.RFC3339))
	facts := e.Facts
	if e.EndFact != nil {
		facts = append(facts, *e.EndFact)
	}
	for i, f := range facts {
		verb := "rests on"
		if i == len(e.Facts) {
			verb = "ended (" + e.EndReason + ") by"
		}
		if err := c.checkFact(cmd, f); err != nil {
			return err
		}
		fmt.Fprintf(c.out, "%s %s: %s entry %d, %s at height %d, tx %X: matches the record\n", verb, f.Kind, f.Path, f.Seq, f.Action, f.Height, []byte(f.TxHash))
	}
	if e.Rule == benefits.RuleAge {
		if err := c.checkAge(&e); err != nil {
			return err
		}
	}
	switch {
	case e.Status == benefits.StatusActive && e.NextDueAt != nil:
		fmt.Fprintf(c.out, "next order: period %d, due %s\n", e.NextPeriod, e.NextDueAt.Format(time.RFC3339))
	case e.Status == benefits.StatusEnded:
		fmt.Fprintf(c.out, "ended: %d order(s) created\n", e.NextPeriod)
	}
	return nil
}

// checkAge requires an age entitlement to start when its child, born at
// the time of the birth record it cites (checked by checkFact), reaches
// its age, and prints that reasoning.
func (c *cli) checkAge(e *benefits.Entitlement) error {
	for _, f := range e.Facts {
		if f.Kind != benefits.FactBirth {
			continue
		}
		at := benefits.AgeReached(f.Time, e.AgeMonths)
		if !at.Equal(e.StartsAt) {
			return fmt.Errorf("entitlement starts at %s, not at age %d months of the birth at %s (%s)", e.StartsAt.Format(time.RFC3339),
				e.AgeMonths, f.Time.Format(time.RFC3339), at.Format(time.RFC3339))
		}
		fmt.Fprintf(c.out, "starts at age %d months (%d years and %d months): born at %s, that age is reached at %s\n", e.AgeMonths,
			e.AgeMonths/12, e.AgeMonths%12, f.Time.Format(time.RFC3339), at.Format(time.RFC3339))
		return nil
	}
	return errors.New("age entitlement cites no birth record")
}

// checkFact fetches the history a fact names and requires its entry to
// be the fact: action, height, tx hash and time.
func (c *cli) checkFact(cmd *cobra.Command, f benefits.Fact) error {
	v, err := c.quietQuery(cmd, "/"+f.Path)
	if err != nil {
		return fmt.Errorf("fact %s: %w", f.Kind, err)
	}
	var entries []client.Entry
	if err := json.Unmarshal(v, &entries); err != nil || uint64(len(entries)) <= f.Seq+1 {
		return fmt.Errorf("fact %s: %s has no entry %d", f.Kind, f.Path, f.Seq)
	}
	var h core.HistoryEntry
	if err := json.Unmarshal(entries[f.Seq+1].Value, &h); err != nil {
		return fmt.Errorf("fact %s: %s entry %d: %w", f.Kind, f.Path, f.Seq, err)
	}
	if h.Action != f.Action || h.Height != f.Height || !bytes.Equal(h.TxHash, f.TxHash) || !h.Time.Equal(f.Time) {
		return fmt.Errorf("fact %s: %s entry %d is %s at height %d, tx %X, time %s, not what the entitlement cites", f.Kind, f.Path, f.Seq,
			h.Action, h.Height, []byte(h.TxHash), h.Time.Format(time.RFC3339Nano))
	}
	return nil
}
