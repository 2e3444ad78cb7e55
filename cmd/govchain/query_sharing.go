package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app/sharing"
	"github.com/govchain/govchain/client"
)

// querySharingLong is the help of "govchain query sharing".
const querySharingLong = `Data sharing records: purposes, classes, agency keys, record commitments,
grants, consents, access requests and each subject's access log, all
provable with --prove (and --verify; see govchain query --help).

The lists (purposes, keys, grants, grantee, sealed, log SUBJECT) print
their anchor, which counts the entries, then every entry. A list nothing
was added to yet (an agency without keys or grants, no covert request, a
subject whose data nobody read) has no anchor on chain: it is printed as
an empty list, its anchor with a count of 0, and with --prove the proof
is that the anchor's key is absent (the command exits 0).

A subject's access log is numbered from 0. "log SUBJECT" is its head (the
count) followed by every entry; "log SUBJECT N" is entry N, and an entry
that does not exist is not found (code 810; with --prove, proven absent),
as any missing record is. --prove proves every entry shown, not that none
is missing: that the log is whole is what a complete certificate proves
(govchain certificate export /sharing/log/SUBJECT --complete: the head,
every entry, and the absence of the entry after the last).

A covert request (a covert purpose, such as law_enforcement) shows that it
exists, its agency, grant, purpose, disclose_at and details commitment, not
its official, fields or case reference, until it is disclosed. "request ID"
prints a line on stderr for it: disclosed, sealed until its disclose_at,
or OVERDUE when the proven block time (--prove) is past its disclose_at and
it is not disclosed: the chain cannot act on time alone, and an ombudsman
follows overdue requests up. "sealed" lists every allowed covert request
not disclosed yet.`

func (c *cli) querySharingCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sharing",
		Short: "Data sharing: purposes, classes, keys, records, grants, consents, requests, access logs",
		Long:  querySharingLong,
	}
	// leaf is a query of /sharing/ followed by the segments p returns
	// (each an id, or a fixed word).
	leaf := func(use, short string, args cobra.PositionalArgs, p func(cmd *cobra.Command, args []string) ([]string, error)) *cobra.Command {
		return &cobra.Command{
			Use: use, Short: short, Args: args,
			RunE: func(cmd *cobra.Command, args []string) error {
				segs, err := p(cmd, args)
				if err != nil {
					return err
				}
				return c.runSharingQuery(cmd, "/sharing/"+strings.Join(segs, "/"))
			},
		}
	}
	// ids is the path word followed by the arguments, each one segment,
	// then "history" if --history is set.
	ids := func(word string) func(*cobra.Command, []string) ([]string, error) {
		return func(cmd *cobra.Command, args []string) ([]string, error) {
			segs := []string{word}
			for _, a := range args {
				if err := invoicePathSegment(a); err != nil {
					return nil, err
				}
				segs = append(segs, a)
			}
			if on, _ := cmd.Flags().GetBool(flagHistory); on {
				segs = append(segs, "history")
			}
			return segs, nil
		}
	}
	// number is the path word followed by a positive number.
	number := func(word, what string) func(*cobra.Command, []string) ([]string, error) {
		return func(_ *cobra.Command, args []string) ([]string, error) {
			n, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil || n == 0 {
				return nil, fmt.Errorf("%q is not a %s id (a positive number)", args[0], what)
			}
			return []string{word, strconv.FormatUint(n, 10)}, nil
		}
	}
	withHistory := func(sub *cobra.Command, what string) *cobra.Command {
		sub.Flags().Bool(flagHistory, false, "the "+what+"'s history instead (the "+what+", then every entry)")
		return sub
	}
	cmd.AddCommand(
		leaf("purposes", "Every purpose code, retired ones included (anchored on the purpose index)", cobra.NoArgs, ids("purposes")),
		leaf("purpose CODE", "A purpose: description, covert, retired", cobra.ExactArgs(1), ids("purpose")),
		leaf("class AGENCY CLASS", "A data class an agency declared: its fields and purposes", cobra.ExactArgs(2), ids("class")),
		leaf("key AGENCY KEY_ID", "An agency's HPKE public key: suite, validity, status", cobra.ExactArgs(2), ids("key")),
		leaf("keys AGENCY", "Every key an agency registered (anchored on its key index: count and active ids)", cobra.ExactArgs(1), ids("keys")),
		withHistory(leaf("record AGENCY CLASS SUBJECT [--history]", "A record's field commitments, version and status (or its history)",
			cobra.ExactArgs(3), ids("record")), "record"),
		leaf("grant ID", "A grant: grantee, class, fields, subjects, purpose, expiry, rate, consent, status", cobra.ExactArgs(1), number("grant", "grant")),
		leaf("grants OWNER GRANTEE", "The active grants of an owner agency to a grantee (anchored on the pair's counts)", cobra.ExactArgs(2), ids("grants")),
		leaf("grantee AGENCY", "Every grant an agency received, as (grant id, owner) entries (anchored on its count)", cobra.ExactArgs(1), ids("grantee")),
		withHistory(leaf("consent SUBJECT AGENCY PURPOSE [--history]", "A subject's consent to an agency for a purpose (or its history)",
			cobra.ExactArgs(3), ids("consent")), "consent"),
		c.queryRequestCmd(number("request", "request")),
		leaf("sealed", "Every allowed covert request not disclosed yet, with its disclose_at (anchored on their count)", cobra.NoArgs, ids("sealed")),
		leaf("log SUBJECT [SEQ]", "A subject's access log: the head (count) then every entry, or entry SEQ (from 0)", cobra.RangeArgs(1, 2),
			func(_ *cobra.Command, args []string) ([]string, error) {
				if err := invoicePathSegment(args[0]); err != nil {
					return nil, err
				}
				if len(args) == 1 {
					return []string{"log", args[0]}, nil
				}
				seq, err := strconv.ParseUint(args[1], 10, 64)
				if err != nil {
					return nil, fmt.Errorf("%q is not a log sequence number (a number from 0)", args[1])
				}
				return []string{"log", args[0], strconv.FormatUint(seq, 10)}, nil
			}),
	)
	return cmd
}

// runSharingQuery is runQuery for a sharing path, where a list without an
// anchor (client.SharingEmptyList) is the empty list: printed as a list of
// the zero anchor alone, with, under --prove, the line of the proof that
// the anchor is absent instead of the not-found error. An absence not
// proven though --prove asked for it stays the node's error.
func (c *cli) runSharingQuery(cmd *cobra.Command, path string) error {
	_, err := c.runQueryAt(cmd, path)
	anchor, qe, ok := client.SharingEmptyList(path, err)
	if !ok {
		return err
	}
	var pe *provenError
	if proven := errors.As(err, &pe); c.v.GetBool(flagProve) && !proven {
		return err
	}
	list, err := json.Marshal([]client.Entry{{Key: qe.Key, Value: anchor}})
	if err != nil {
		return err
	}
	fmt.Fprintln(c.out, prettyJSON(list))
	if pe != nil {
		fmt.Fprintln(c.errOut, pe.proof)
	}
	return nil
}

// queryRequestCmd is "query sharing request ID": the request, and for a
// covert one a line on stderr saying whether it is disclosed, sealed or
// overdue (covertStatus).
func (c *cli) queryRequestCmd(path func(*cobra.Command, []string) ([]string, error)) *cobra.Command {
	return &cobra.Command{
		Use:   "request ID",
		Short: "An access request: outcome (and refusal code), commitments of the fields, delivery, complaints; a covert one's disclosure status",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			segs, err := path(cmd, args)
			if err != nil {
				return err
			}
			got, err := c.runQueryAt(cmd, "/sharing/"+strings.Join(segs, "/"))
			if err != nil {
				return err
			}
			var q sharing.Request
			if err := json.Unmarshal(got.Value, &q); err != nil {
				return fmt.Errorf("the request does not decode: %w", err)
			}
			if line := covertStatus(&q, got.ProvenTime); line != "" {
				fmt.Fprintln(c.errOut, line)
			}
			return nil
		},
	}
}

// covertStatus is the status line of covert request q given the block
// time its answer was proven at (zero if unproven); "" for any other
// request.
func covertStatus(q *sharing.Request, proven time.Time) string {
	if !q.Covert || q.Outcome != sharing.OutcomeAllowed {
		return ""
	}
	at := q.DiscloseAt.UTC().Format(time.RFC3339)
	switch {
	case q.Disclosure != nil && q.Disclosure.Early:
		return fmt.Sprintf("covert: disclosed early at height %d (it was sealed until %s)", q.Disclosure.Height, at)
	case q.Disclosure != nil:
		return fmt.Sprintf("covert: disclosed at height %d", q.Disclosure.Height)
	case proven.IsZero():
		return fmt.Sprintf("covert: sealed until %s, not disclosed (use --prove to compare with a proven block time)", at)
	case q.Overdue(proven):
		return fmt.Sprintf("covert: OVERDUE: sealed until %s and not disclosed at the proven block time %s", at, proven.UTC().Format(time.RFC3339))
	}
	return fmt.Sprintf("covert: sealed until %s, not disclosed (proven block time %s)", at, proven.UTC().Format(time.RFC3339))
}
