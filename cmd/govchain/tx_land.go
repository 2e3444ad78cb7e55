package main

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/land"
)

// Flags of land messages.
const (
	flagParcelID     = "parcel-id"
	flagCadastralRef = "cadastral-ref"
	flagAreaM2       = "area-m2"
	flagLocation     = "location"
	flagDescription  = "description"
	flagDenominator  = "denominator"
	flagOwner        = "owner"
	flagSeller       = "seller"
	flagBuyer        = "buyer"
	flagPrice        = "price"
	flagCurrency     = "currency"
	flagExpiresAt    = "expires-at"
	flagExpiresIn    = "expires-in"
	flagTransferID   = "transfer-id"
	flagLienID       = "lien-id"
	flagDisputeID    = "dispute-id"
	flagAmount       = "amount"
	flagReference    = "reference"
	flagResolution   = "resolution"
	flagParentID     = "parent-id"
	flagChild        = "child"
	flagDocument     = "document"
	flagDeed         = "deed"
)

func (c *cli) txLandCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "land", Short: "Land registry transactions: parcels, sales, liens, disputes"}
	idFlag := func(name, what string) func(*cobra.Command) {
		return func(cmd *cobra.Command) { cmd.Flags().Uint64(name, 0, what) }
	}
	parcelFields := func(cmd *cobra.Command) {
		f := cmd.Flags()
		f.String(flagParcelID, "", "parcel id (letters, digits, - _ . :)")
		f.String(flagCadastralRef, "", "cadastral reference")
		f.Int64(flagAreaM2, 0, "area in square metres")
		f.String(flagLocation, "", "location (free text)")
		f.String(flagDescription, "", "description (free text)")
	}
	cmd.AddCommand(
		c.txLeaf("register-parcel", "Register a new parcel and its owners (signer: land_registrar)",
			func(cmd *cobra.Command) (core.Msg, error) {
				owners, err := c.shares(flagOwner, stringArray(cmd, flagOwner))
				if err != nil {
					return nil, err
				}
				h, err := c.hashFlag(flagDocument)
				if err != nil {
					return nil, err
				}
				return &land.RegisterParcel{
					ParcelID: c.v.GetString(flagParcelID), CadastralRef: c.v.GetString(flagCadastralRef),
					AreaM2: c.v.GetInt64(flagAreaM2), Location: c.v.GetString(flagLocation),
					Description: c.v.GetString(flagDescription), Denominator: c.v.GetUint64(flagDenominator),
					Owners: owners, DocumentHash: h,
				}, nil
			}, func(cmd *cobra.Command) {
				parcelFields(cmd)
				cmd.Flags().Uint64(flagDenominator, 1, "denominator of the owners' shares")
				cmd.Flags().StringArray(flagOwner, nil, "owner as ACCOUNT:SHARES (repeat; shares over --denominator)")
				addHashFlags(cmd, flagDocument, "title document")
			}),
		c.txLeaf("propose-transfer", "Propose a sale of shares of a parcel (signer: a selling owner)",
			func(cmd *cobra.Command) (core.Msg, error) {
				sellers, err := c.shares(flagSeller, stringArray(cmd, flagSeller))
				if err != nil {
					return nil, err
				}
				buyers, err := c.shares(flagBuyer, stringArray(cmd, flagBuyer))
				if err != nil {
					return nil, err
				}
				exp, err := c.expiry()
				if err != nil {
					return nil, err
				}
				return &land.ProposeTransfer{
					ParcelID: c.v.GetString(flagParcelID), Denominator: c.v.GetUint64(flagDenominator),
					Sellers: sellers, Buyers: buyers, Price: c.v.GetInt64(flagPrice),
					Currency: c.v.GetString(flagCurrency), ExpiresAt: exp,
				}, nil
			}, func(cmd *cobra.Command) {
				f := cmd.Flags()
				f.String(flagParcelID, "", "parcel id")
				f.Uint64(flagDenominator, 1, "denominator of the sold shares (a multiple of the parcel's)")
				f.StringArray(flagSeller, nil, "seller as ACCOUNT:SHARES (repeat)")
				f.StringArray(flagBuyer, nil, "buyer as ACCOUNT:SHARES (repeat)")
				f.Int64(flagPrice, 0, "price in minor units of --currency (e.g. cents)")
				f.String(flagCurrency, "EUR", "ISO 4217 currency code")
				f.String(flagExpiresAt, "", "deadline, RFC 3339 (e.g. 2030-01-31T00:00:00Z)")
				f.Duration(flagExpiresIn, 7*24*time.Hour, "deadline from now, if --expires-at is not given")
			}),
		c.txLeaf("accept-transfer", "Agree to a pending transfer (signer: a buyer or co-seller)",
			func(*cobra.Command) (core.Msg, error) {
				return &land.AcceptTransfer{TransferID: c.v.GetUint64(flagTransferID)}, nil
			}, idFlag(flagTransferID, "transfer id")),
		c.txLeaf("certify-transfer", "Certify the signed deed of a transfer (signer: notary, not a party)",
			func(*cobra.Command) (core.Msg, error) {
				h, err := c.hashFlag(flagDeed)
				if err != nil {
					return nil, err
				}
				return &land.CertifyTransfer{TransferID: c.v.GetUint64(flagTransferID), DeedHash: h}, nil
			}, func(cmd *cobra.Command) {
				idFlag(flagTransferID, "transfer id")(cmd)
				addHashFlags(cmd, flagDeed, "signed deed")
			}),
		c.txLeaf("consent-transfer", "Consent to a transfer of a parcel your lien encumbers (signer: the lien's bank)",
			func(*cobra.Command) (core.Msg, error) {
				return &land.ConsentTransfer{TransferID: c.v.GetUint64(flagTransferID), LienID: c.v.GetUint64(flagLienID)}, nil
			}, func(cmd *cobra.Command) {
				idFlag(flagTransferID, "transfer id")(cmd)
				idFlag(flagLienID, "lien id")(cmd)
			}),
		c.txLeaf("register-transfer", "Complete a transfer: ownership moves (signer: land_registrar)",
			func(*cobra.Command) (core.Msg, error) {
				return &land.RegisterTransfer{TransferID: c.v.GetUint64(flagTransferID)}, nil
			}, idFlag(flagTransferID, "transfer id")),
		c.txLeaf("cancel-transfer", "Withdraw a pending transfer (signer: a party; land_registrar once expired)",
			func(*cobra.Command) (core.Msg, error) {
				return &land.CancelTransfer{TransferID: c.v.GetUint64(flagTransferID), Reason: c.v.GetString(flagReason)}, nil
			}, func(cmd *cobra.Command) {
				idFlag(flagTransferID, "transfer id")(cmd)
				cmd.Flags().String(flagReason, "", "why it is cancelled")
			}),
		c.txLeaf("create-lien", "Propose a lien on a parcel (signer: bank)",
			func(*cobra.Command) (core.Msg, error) {
				h, err := c.hashFlag(flagDocument)
				if err != nil {
					return nil, err
				}
				return &land.CreateLien{
					ParcelID: c.v.GetString(flagParcelID), Amount: c.v.GetInt64(flagAmount),
					Currency: c.v.GetString(flagCurrency), Reference: c.v.GetString(flagReference), DocumentHash: h,
				}, nil
			}, func(cmd *cobra.Command) {
				f := cmd.Flags()
				f.String(flagParcelID, "", "parcel id")
				f.Int64(flagAmount, 0, "amount in minor units of --currency")
				f.String(flagCurrency, "EUR", "ISO 4217 currency code")
				f.String(flagReference, "", "the bank's reference for the loan")
				addHashFlags(cmd, flagDocument, "loan agreement")
			}),
		c.txLeaf("accept-lien", "Accept a pending lien on your parcel (signer: a current owner)",
			func(*cobra.Command) (core.Msg, error) {
				return &land.AcceptLien{LienID: c.v.GetUint64(flagLienID)}, nil
			}, idFlag(flagLienID, "lien id")),
		c.txLeaf("release-lien", "Release a lien (signer: the lien's bank)",
			func(*cobra.Command) (core.Msg, error) {
				return &land.ReleaseLien{LienID: c.v.GetUint64(flagLienID)}, nil
			}, idFlag(flagLienID, "lien id")),
		c.txLeaf("flag-dispute", "Open a dispute that freezes a parcel (signer: land_registrar or court)",
			func(*cobra.Command) (core.Msg, error) {
				h, err := c.hashFlag(flagDocument)
				if err != nil {
					return nil, err
				}
				return &land.FlagDispute{ParcelID: c.v.GetString(flagParcelID), Reason: c.v.GetString(flagReason), DocumentHash: h}, nil
			}, func(cmd *cobra.Command) {
				cmd.Flags().String(flagParcelID, "", "parcel id")
				cmd.Flags().String(flagReason, "", "the claim")
				addHashFlags(cmd, flagDocument, "claim document")
			}),
		c.txLeaf("clear-dispute", "Close a dispute with its resolution (signer: land_registrar or court)",
			func(*cobra.Command) (core.Msg, error) {
				h, err := c.hashFlag(flagDocument)
				if err != nil {
					return nil, err
				}
				return &land.ClearDispute{DisputeID: c.v.GetUint64(flagDisputeID), Resolution: c.v.GetString(flagResolution), DocumentHash: h}, nil
			}, func(cmd *cobra.Command) {
				idFlag(flagDisputeID, "dispute id")(cmd)
				cmd.Flags().String(flagResolution, "", "the resolution")
				addHashFlags(cmd, flagDocument, "deciding document")
			}),
		c.txLeaf("subdivide-parcel", "Replace a parcel by children whose areas sum to its own (signer: land_registrar)",
			func(cmd *cobra.Command) (core.Msg, error) {
				var children []land.NewParcel
				for _, s := range stringArray(cmd, flagChild) {
					var np land.NewParcel
					dec := json.NewDecoder(strings.NewReader(s))
					dec.DisallowUnknownFields()
					if err := dec.Decode(&np); err != nil {
						return nil, fmt.Errorf("--%s %q: %w", flagChild, s, err)
					}
					children = append(children, np)
				}
				h, err := c.hashFlag(flagDocument)
				if err != nil {
					return nil, err
				}
				return &land.SubdivideParcel{ParentID: c.v.GetString(flagParentID), Children: children, DocumentHash: h}, nil
			}, func(cmd *cobra.Command) {
				cmd.Flags().String(flagParentID, "", "parcel to subdivide")
				cmd.Flags().StringArray(flagChild, nil,
					`child parcel as JSON (repeat): {"parcel_id":"P-2","cadastral_ref":"C-2","area_m2":500,"location":"","description":""}`)
				addHashFlags(cmd, flagDocument, "subdivision plan")
			}),
		c.txLeaf("merge-parcels", "Replace identically owned parcels by one (signer: land_registrar)",
			func(cmd *cobra.Command) (core.Msg, error) {
				h, err := c.hashFlag(flagDocument)
				if err != nil {
					return nil, err
				}
				return &land.MergeParcels{
					ParentIDs: stringArray(cmd, flagParentID), ParcelID: c.v.GetString(flagParcelID),
					CadastralRef: c.v.GetString(flagCadastralRef), AreaM2: c.v.GetInt64(flagAreaM2),
					Location: c.v.GetString(flagLocation), Description: c.v.GetString(flagDescription), DocumentHash: h,
				}, nil
			}, func(cmd *cobra.Command) {
				parcelFields(cmd)
				cmd.Flags().StringArray(flagParentID, nil, "parcel to merge (repeat, at least 2)")
				addHashFlags(cmd, flagDocument, "merger plan")
			}),
	)
	cmd.AddCommand(c.txLandInheritanceCmd())
	return cmd
}

// expiry returns --expires-at, or now + --expires-in, in UTC to the second.
func (c *cli) expiry() (time.Time, error) {
	if s := c.v.GetString(flagExpiresAt); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return time.Time{}, fmt.Errorf("--%s: %w", flagExpiresAt, err)
		}
		return t.UTC(), nil
	}
	return time.Now().Add(c.v.GetDuration(flagExpiresIn)).UTC().Truncate(time.Second), nil
}

// stringArray returns a repeatable flag's values as given (viper would
// split them on commas).
func stringArray(cmd *cobra.Command, name string) []string {
	v, _ := cmd.Flags().GetStringArray(name)
	return v
}
