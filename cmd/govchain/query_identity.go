package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Flags of identity queries.
const (
	identFlagCredentials = "credentials"
)

// queryIdentityCmd is `govchain query identity ...`: persons, accounts,
// organisations, credentials and recoveries, each optionally proven
// (--prove, a persistent flag of query).
func (c *cli) queryIdentityCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "identity", Short: "Persons, account owners, organisations, credentials and key recoveries"}
	run := func(use, short string, build func(cmd *cobra.Command, args []string) (string, error)) *cobra.Command {
		return &cobra.Command{
			Use: use, Short: short, Args: cobra.ExactArgs(1),
			RunE: func(cmd *cobra.Command, args []string) error {
				qp, err := build(cmd, args)
				if err != nil {
					return err
				}
				return c.runQuery(cmd, qp)
			},
		}
	}
	// record answers /identity/<kind>/<id>, or one of its sub-lists when
	// the flag of that name is set.
	record := func(kind string, subs ...string) func(cmd *cobra.Command, args []string) (string, error) {
		return func(cmd *cobra.Command, args []string) (string, error) {
			id := args[0]
			if id == "" || strings.Contains(id, "/") {
				return "", fmt.Errorf("%q is not an id (ids are non-empty and contain no /)", id)
			}
			p := "/identity/" + kind + "/" + id
			for _, s := range subs {
				if on, _ := cmd.Flags().GetBool(s); on {
					return p + "/" + s, nil
				}
			}
			return p, nil
		}
	}
	person := run("person ID [--history | --credentials]", "A person (or its history, or its credentials)", record("person", flagHistory, identFlagCredentials))
	person.Flags().Bool(flagHistory, false, "the person's full history instead")
	person.Flags().Bool(identFlagCredentials, false, "the credentials naming the person instead (count, then entries)")
	person.MarkFlagsMutuallyExclusive(flagHistory, identFlagCredentials)
	account := run("account ACCOUNT", "Which person or organisation an account belongs to",
		func(_ *cobra.Command, args []string) (string, error) {
			a, err := c.keyring().ResolveAddress(args[0])
			if err != nil {
				return "", err
			}
			return fmt.Sprintf("/identity/account/%s", a), nil
		})
	withHistory := func(kind, use, short string) *cobra.Command {
		sub := run(use+" ID [--history]", short, record(kind, flagHistory))
		sub.Flags().Bool(flagHistory, false, "the record's full history instead")
		return sub
	}
	cmd.AddCommand(
		person,
		account,
		withHistory("org", "org", "An organisation and its accounts (or its history)"),
		withHistory("credential", "credential",
			"A credential: status (active/revoked) and valid_from/valid_until, to compare with the proven header's time"),
		withHistory("recovery", "recovery", "A key recovery (or its history)"),
	)
	return cmd
}
