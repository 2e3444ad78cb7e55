package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/client"
)

// Flags of query.
const (
	flagHeight  = "height"
	flagProve   = "prove"
	flagHistory = "history"
)

func (c *cli) queryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "query",
		Short: "Read records from a node, optionally with verified Merkle proofs",
		Long: `Read a record (or a record with its history or list) from a node and
print it as JSON on stdout (with -o text and -o json alike: the record is
JSON; -o json makes errors JSON too, see govchain --help).

--height H reads the state after block H (default: the latest).

--prove fetches an ICS23 proof for every key the answer rests on and the
header of block H+1, whose AppHash is the root of that state, and checks
every proof against it; it prints
  proof: verified N key(s) against app hash <hex> of block H+1
on stderr, and fails (status 1) if any check fails. A not-found answer is
proven absent the same way, then reported as the node's not-found error.

--prove alone takes header H+1 from the node it asks. --prove --verify also
checks that header's commit: more than 2/3 of the voting power of a
validator set you trust signed exactly that block, and prints
  VERIFIED height H+1 time T app hash <hex>
on stderr, or exits 1 with the reason. The trust root is either
  --trust FILE      the chain's genesis.json or a validator-set file (the
                    validator changes since genesis are followed), or
  --trust-height N --trust-hash HEX --witness URL [--witness URL ...]
                    CometBFT's light client from a header you trust,
                    following validator-set changes and cross-checking the
                    node against the witnesses (other ministries' nodes).

Accounts are 40 hex digits or a keyring key name.`,
	}
	addHomeFlag(cmd)
	addKeyringFlags(cmd)
	addNodeFlag(cmd)
	pf := cmd.PersistentFlags()
	pf.Int64(flagHeight, 0, "state version to read (0 = latest)")
	pf.Bool(flagProve, false, "fetch and verify proofs against the AppHash of header H+1")
	pf.Duration(flagTimeout, 30*time.Second, "how long to wait for the node (and for header H+1)")
	addVerifyFlags(cmd)

	path := func(use, short string, args cobra.PositionalArgs, p func(cmd *cobra.Command, args []string) (string, error)) *cobra.Command {
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
	fixed := func(format string) func(*cobra.Command, []string) (string, error) {
		return func(_ *cobra.Command, args []string) (string, error) {
			parts := make([]any, len(args))
			for i, a := range args {
				if a == "" || strings.Contains(a, "/") {
					return "", fmt.Errorf("%q is not an id (ids are non-empty and contain no /)", a)
				}
				parts[i] = a
			}
			return fmt.Sprintf(format, parts...), nil
		}
	}
	acct := func(format string) func(*cobra.Command, []string) (string, error) {
		return func(_ *cobra.Command, args []string) (string, error) {
			a, err := c.keyring().ResolveAddress(args[0])
			if err != nil {
				return "", err
			}
			return fmt.Sprintf(format, a), nil
		}
	}

	account := path("account ACCOUNT", "An account's public key and next sequence", cobra.ExactArgs(1), acct("/account/%s"))
	chain := path("chain", "The chain's id and parameters (the member agencies: query agency list)", cobra.NoArgs, fixed("/chain/info"))
	raw := path("raw PATH", "Any query path, e.g. /land/parcel/P-1 or /store/<hex key>", cobra.ExactArgs(1),
		func(_ *cobra.Command, args []string) (string, error) { return args[0], nil })

	agencyCmd := &cobra.Command{Use: "agency", Short: "Agencies, roles and role policies"}
	roles := path("roles ACCOUNT [--history]", "The roles an account holds (or its role history)", cobra.ExactArgs(1),
		func(cmd *cobra.Command, args []string) (string, error) {
			if c.v.GetBool(flagHistory) {
				return acct("/agency/account/%s/history")(cmd, args)
			}
			return acct("/agency/account/%s/roles")(cmd, args)
		})
	roles.Flags().Bool(flagHistory, false, "the account's role history instead")
	agencyCmd.AddCommand(
		path("list", "Every member agency (anchored on the chain info)", cobra.NoArgs, fixed("/agency/list")),
		path("show ID", "One agency", cobra.ExactArgs(1), fixed("/agency/id/%s")),
		roles,
		path("policy ROLE", "Which agencies may grant a role", cobra.ExactArgs(1), fixed("/agency/policy/%s")),
	)

	landCmd := &cobra.Command{Use: "land", Short: "Parcels, owners, transfers, liens and disputes"}
	parcel := path("parcel ID [--history]", "A parcel (or its history)", cobra.ExactArgs(1),
		func(cmd *cobra.Command, args []string) (string, error) {
			if c.v.GetBool(flagHistory) {
				return fixed("/land/parcel/%s/history")(cmd, args)
			}
			return fixed("/land/parcel/%s")(cmd, args)
		})
	parcel.Flags().Bool(flagHistory, false, "the parcel's full history instead")
	landCmd.AddCommand(
		parcel,
		path("owner ACCOUNT", "The parcels an account holds shares in", cobra.ExactArgs(1), acct("/land/owner/%s/parcels")),
		path("transfer ID", "One transfer", cobra.ExactArgs(1), fixed("/land/transfer/%s")),
		path("transfers PARCEL", "A parcel's pending transfers", cobra.ExactArgs(1), fixed("/land/parcel/%s/transfers")),
		path("lien ID", "One lien", cobra.ExactArgs(1), fixed("/land/lien/%s")),
		path("liens PARCEL", "A parcel's pending and active liens", cobra.ExactArgs(1), fixed("/land/parcel/%s/liens")),
		path("dispute ID", "One dispute", cobra.ExactArgs(1), fixed("/land/dispute/%s")),
		path("disputes PARCEL", "A parcel's open disputes", cobra.ExactArgs(1), fixed("/land/parcel/%s/disputes")),
	)
	cmd.AddCommand(account, chain, raw, agencyCmd, landCmd, c.queryVehicleCmd(), c.queryIdentityCmd(), c.queryInvoiceCmd(), c.queryNotaryCmd(), c.queryGovCmd(), c.querySharingCmd(), c.queryAuctionCmd(), c.querySpendingCmd(), c.queryBenefitsCmd())
	return cmd
}

func (c *cli) runQuery(cmd *cobra.Command, path string) error {
	_, err := c.runQueryAt(cmd, path)
	return err
}

// queried is what runQueryAt printed: the answer's value and, if it was
// proven, the block time of the header it was proven against.
type queried struct {
	Value      []byte
	ProvenTime time.Time
}

// runQueryAt is runQuery, returning what it printed.
func (c *cli) runQueryAt(cmd *cobra.Command, path string) (*queried, error) {
	if c.v.GetBool(flagVerify) {
		return c.runVerifiedQuery(cmd, path)
	}
	cl, err := c.client()
	if err != nil {
		return nil, err
	}
	timeout := c.v.GetDuration(flagTimeout)
	ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
	defer cancel()
	res, err := cl.Query(ctx, path, client.QueryOptions{Height: c.v.GetInt64(flagHeight), Prove: c.v.GetBool(flagProve), HeaderWait: timeout})
	var qe *client.QueryError
	if errors.As(err, &qe) && qe.Proof != nil {
		return nil, &provenError{err: err, proof: fmt.Sprintf("proof: key %X is absent: %s", qe.Key, qe.Proof)}
	}
	if err != nil {
		return nil, err
	}
	fmt.Fprintln(c.out, prettyJSON(res.Value))
	out := &queried{Value: res.Value}
	if res.Proof != nil {
		fmt.Fprintf(c.errOut, "proof: %s\n", res.Proof)
		out.ProvenTime = res.Proof.HeaderTime
	}
	return out, nil
}

// prettyJSON indents a JSON value; anything else is printed as a JSON
// string.
func prettyJSON(b []byte) string {
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err == nil {
		return out.String()
	}
	s, _ := json.Marshal(string(b))
	return string(s)
}
