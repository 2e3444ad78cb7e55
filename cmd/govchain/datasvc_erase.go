package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/datasvc"
)

const (
	flagErasureSweep = "erasure-sweep"
	flagSubject      = "subject"
)

func (c *cli) datasvcEraseCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "erase --class CLASS --subject SUBJECT --from SIGNER",
		Short: "Delete a record the agency erased on chain from the database",
		Long: `Delete from the database every version of the record of --subject in
--class (its values and salts) and the sealed bytes of every payload
delivered from it, once the committed state, read with proofs, shows the
record erased (govchain tx sharing erase-record, by the agency's admin).
A record the chain does not show erased is refused, and nothing is
deleted. Erasing it again changes nothing. A serving data service does
the same by itself within --erasure-sweep of the erasure, and at once when
a payload request for the record arrives; this command is for a service
that is not running. The records of the agency of --from (a data_service)
are erased.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			class, subject := c.v.GetString(flagClass), c.v.GetString(flagSubject)
			if class == "" || subject == "" {
				return fmt.Errorf("--%s and --%s are required", flagClass, flagSubject)
			}
			return c.withDatasvc(cmd.Context(), func(st *datasvc.Store, r datasvc.Reader, sg *datasvc.Signer) error {
				srv, err := datasvc.NewServer(cmd.Context(), datasvc.Config{Store: st, Reader: r, Signer: sg})
				if err != nil {
					return err
				}
				e, err := srv.Erase(cmd.Context(), class, subject)
				if err != nil {
					return err
				}
				if c.jsonOutput() {
					return c.printJSON(e)
				}
				fmt.Fprintf(c.out, "erased %s/%s of %s (erased on chain at height %d): %d version(s) and %d delivered payload(s) deleted\n",
					e.Class, e.Subject, srv.Agency(), e.ChainHeight, e.Versions, e.Payloads)
				return nil
			})
		},
	}
	f := cmd.Flags()
	f.String(flagFrom, "", "a data_service key of the agency")
	f.String(flagClass, "", "the class of the record")
	f.String(flagSubject, "", "the subject of the record")
	return cmd
}
