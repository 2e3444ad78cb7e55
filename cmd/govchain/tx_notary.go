package main

import (
	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/notary"
)

// Flags of notary messages (besides flagDocument and flagReference, shared
// with other registries).
const flagNotaryDocType = "doc-type"

func (c *cli) txNotaryCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "notary", Short: "Notarised documents: anchor a document's SHA-256"}
	anchor := c.txLeaf("anchor-document", "Anchor a document's SHA-256 with the block time (signer: any account holding a role)",
		func(*cobra.Command) (core.Msg, error) {
			h, err := c.hashFlag(flagDocument)
			if err != nil {
				return nil, err
			}
			return &notary.AnchorDocument{DocumentHash: h, DocType: c.v.GetString(flagNotaryDocType), Reference: c.v.GetString(flagReference)}, nil
		}, func(cmd *cobra.Command) {
			addHashFlags(cmd, flagDocument, "document")
			cmd.Flags().String(flagNotaryDocType, "", "kind of document, e.g. deed, contract, will (letters, digits, - _ . :)")
			cmd.Flags().String(flagReference, "", `optional registry record the document concerns, e.g. "land/parcel/P-1"`)
		})
	anchor.Long = `Anchor the SHA-256 of a document (--document FILE is hashed locally and
never sent; or give --document-hash). The block time is the timestamp.

Anchoring a hash that is already anchored succeeds and changes nothing: the
event (status=existing) reports the first anchoring's height, time, tx and
account (anchored_height, anchored_at, anchored_tx, anchored_by).`
	cmd.AddCommand(anchor)
	return cmd
}
