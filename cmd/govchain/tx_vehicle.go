package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/vehicle"
)

// Flags of vehicle messages (shared names such as --transfer-id,
// --expires-at, --currency are land's constants).
const (
	flagVehVIN         = "vin"
	flagVehScheme      = "check-digit-scheme"
	flagVehMake        = "make"
	flagVehModel       = "model"
	flagVehYear        = "year"
	flagVehColour      = "colour"
	flagVehPlate       = "plate"
	flagVehNewPlate    = "new-plate"
	flagVehOwner       = "owner"
	flagVehTaxLiable   = "tax-liable"
	flagVehBuyer       = "buyer"
	flagVehOdometer    = "odometer-km"
	flagVehResult      = "result"
	flagVehNotes       = "notes"
	flagVehDescription = "description"
	flagVehPolicy      = "policy-number"
	flagVehValidFrom   = "valid-from"
	flagVehValidTo     = "valid-to"
	flagVehReason      = "reason"
	flagVehHeir        = "heir"
	flagVehCertificate = "certificate"
)

func (c *cli) txVehicleCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "vehicle",
		Short: "Vehicle registry transactions: registration, sales, inspections, liens, deregistration, inheritance",
		Long: `Vehicle registry transactions. VINs and plates are upper-cased (and
plates stripped of spaces) before signing, so "ab 123" is sent as AB123.`,
	}
	vinFlag := func(cmd *cobra.Command) {
		cmd.Flags().String(flagVehVIN, "", "vehicle identification number (17 characters)")
	}
	idFlag := func(name, what string) func(*cobra.Command) {
		return func(cmd *cobra.Command) { cmd.Flags().Uint64(name, 0, what) }
	}
	odometerFlag := func(cmd *cobra.Command) {
		cmd.Flags().Int64(flagVehOdometer, 0, "odometer reading in kilometres")
	}
	cmd.AddCommand(
		c.txLeaf("register", "Register a vehicle by VIN with its plate and first owner (signer: vehicle_registrar)",
			func(*cobra.Command) (core.Msg, error) {
				owner, err := c.account(flagVehOwner)
				if err != nil {
					return nil, err
				}
				var tax core.Address
				if c.v.GetString(flagVehTaxLiable) != "" {
					if tax, err = c.account(flagVehTaxLiable); err != nil {
						return nil, err
					}
				}
				return &vehicle.RegisterVehicle{
					VIN: c.vehicleVIN(), CheckDigitScheme: c.v.GetString(flagVehScheme),
					Make: c.v.GetString(flagVehMake), Model: c.v.GetString(flagVehModel), Year: c.v.GetInt64(flagVehYear),
					Colour: c.v.GetString(flagVehColour), Plate: normalisePlate(c.v.GetString(flagVehPlate)),
					Owner: owner, TaxLiable: tax, OdometerKM: c.v.GetInt64(flagVehOdometer),
				}, nil
			}, func(cmd *cobra.Command) {
				f := cmd.Flags()
				vinFlag(cmd)
				f.String(flagVehScheme, vehicle.SchemeNorthAmerican,
					`check digit scheme: north_american (position 9 checked) or none (ISO 3779 only; not for VINs starting 1-5)`)
				f.String(flagVehMake, "", "make")
				f.String(flagVehModel, "", "model")
				f.Int64(flagVehYear, 0, "model year")
				f.String(flagVehColour, "", "colour")
				f.String(flagVehPlate, "", "registration plate")
				f.String(flagVehOwner, "", "first owner: address or key name")
				f.String(flagVehTaxLiable, "", "account liable for the vehicle tax (default: the owner)")
				odometerFlag(cmd)
			}),
		c.txLeaf("offer-transfer", "Offer your vehicle to a buyer (signer: the owner)",
			func(*cobra.Command) (core.Msg, error) {
				buyer, err := c.account(flagVehBuyer)
				if err != nil {
					return nil, err
				}
				exp, err := c.expiry()
				if err != nil {
					return nil, err
				}
				return &vehicle.OfferTransfer{
					VIN: c.vehicleVIN(), Buyer: buyer, Price: c.v.GetInt64(flagPrice),
					Currency: c.v.GetString(flagCurrency), ExpiresAt: exp,
				}, nil
			}, func(cmd *cobra.Command) {
				f := cmd.Flags()
				vinFlag(cmd)
				f.String(flagVehBuyer, "", "buyer: address or key name")
				f.Int64(flagPrice, 0, "price in minor units of --currency (e.g. cents)")
				f.String(flagCurrency, "EUR", "ISO 4217 currency code")
				f.String(flagExpiresAt, "", "deadline, RFC 3339 (e.g. 2030-01-31T00:00:00Z)")
				f.Duration(flagExpiresIn, 7*24*time.Hour, "deadline from now, if --expires-at is not given")
			}),
		c.txLeaf("accept-transfer", "Accept an offer; ownership and tax liability move unless registrar approval is required (signer: the buyer)",
			func(*cobra.Command) (core.Msg, error) {
				return &vehicle.AcceptTransfer{TransferID: c.v.GetUint64(flagTransferID)}, nil
			}, idFlag(flagTransferID, "transfer id")),
		c.txLeaf("approve-transfer", "Complete an accepted transfer (signer: vehicle_registrar)",
			func(*cobra.Command) (core.Msg, error) {
				return &vehicle.ApproveTransfer{TransferID: c.v.GetUint64(flagTransferID)}, nil
			}, idFlag(flagTransferID, "transfer id")),
		c.txLeaf("cancel-transfer", "Withdraw an open transfer (signer: seller or buyer; vehicle_registrar once expired)",
			func(*cobra.Command) (core.Msg, error) {
				return &vehicle.CancelTransfer{TransferID: c.v.GetUint64(flagTransferID), Reason: c.v.GetString(flagVehReason)}, nil
			}, func(cmd *cobra.Command) {
				idFlag(flagTransferID, "transfer id")(cmd)
				cmd.Flags().String(flagVehReason, "", "why it is cancelled")
			}),
		c.txLeaf("record-inspection", "Record an inspection: result and odometer (signer: inspection_station)",
			func(*cobra.Command) (core.Msg, error) {
				return &vehicle.RecordInspection{
					VIN: c.vehicleVIN(), Result: c.v.GetString(flagVehResult),
					OdometerKM: c.v.GetInt64(flagVehOdometer), Notes: c.v.GetString(flagVehNotes),
				}, nil
			}, func(cmd *cobra.Command) {
				vinFlag(cmd)
				cmd.Flags().String(flagVehResult, "", "pass or fail")
				odometerFlag(cmd)
				cmd.Flags().String(flagVehNotes, "", "inspector's notes")
			}),
		c.txLeaf("record-repair", "Record a repair (signer: workshop)",
			func(*cobra.Command) (core.Msg, error) {
				return &vehicle.RecordRepair{
					VIN: c.vehicleVIN(), Description: c.v.GetString(flagVehDescription), OdometerKM: c.v.GetInt64(flagVehOdometer),
				}, nil
			}, func(cmd *cobra.Command) {
				vinFlag(cmd)
				cmd.Flags().String(flagVehDescription, "", "work done")
				odometerFlag(cmd)
			}),
		c.txLeaf("record-insurance", "Record an insurance policy (signer: insurer)",
			func(*cobra.Command) (core.Msg, error) {
				from, err := vehicleTime(flagVehValidFrom, c.v.GetString(flagVehValidFrom))
				if err != nil {
					return nil, err
				}
				to, err := vehicleTime(flagVehValidTo, c.v.GetString(flagVehValidTo))
				if err != nil {
					return nil, err
				}
				return &vehicle.RecordInsurance{
					VIN: c.vehicleVIN(), PolicyNumber: c.v.GetString(flagVehPolicy), ValidFrom: from, ValidTo: to,
				}, nil
			}, func(cmd *cobra.Command) {
				vinFlag(cmd)
				cmd.Flags().String(flagVehPolicy, "", "policy number")
				cmd.Flags().String(flagVehValidFrom, "", "cover starts: YYYY-MM-DD (UTC midnight) or RFC 3339")
				cmd.Flags().String(flagVehValidTo, "", "cover ends: YYYY-MM-DD (UTC midnight) or RFC 3339")
			}),
		c.txLeaf("record-odometer", "Record an odometer reading; a lower one is flagged as odometer fraud (signer: inspection_station, workshop or vehicle_registrar)",
			func(*cobra.Command) (core.Msg, error) {
				return &vehicle.RecordOdometer{VIN: c.vehicleVIN(), OdometerKM: c.v.GetInt64(flagVehOdometer)}, nil
			}, func(cmd *cobra.Command) {
				vinFlag(cmd)
				odometerFlag(cmd)
			}),
		c.txLeaf("create-lien", "Record a lien on a vehicle, active at once; it blocks sales (signer: bank)",
			func(*cobra.Command) (core.Msg, error) {
				h, err := c.hashFlag(flagDocument)
				if err != nil {
					return nil, err
				}
				return &vehicle.CreateLien{
					VIN: c.vehicleVIN(), Amount: c.v.GetInt64(flagAmount), Currency: c.v.GetString(flagCurrency),
					Reference: c.v.GetString(flagReference), DocumentHash: h,
				}, nil
			}, func(cmd *cobra.Command) {
				f := cmd.Flags()
				vinFlag(cmd)
				f.Int64(flagAmount, 0, "amount in minor units of --currency")
				f.String(flagCurrency, "EUR", "ISO 4217 currency code")
				f.String(flagReference, "", "the bank's reference for the loan")
				addHashFlags(cmd, flagDocument, "loan agreement")
			}),
		c.txLeaf("release-lien", "Release a lien (signer: the lien's bank)",
			func(*cobra.Command) (core.Msg, error) {
				return &vehicle.ReleaseLien{LienID: c.v.GetUint64(flagLienID)}, nil
			}, idFlag(flagLienID, "lien id")),
		c.txLeaf("change-plate", "Assign a new plate; the old one is freed (signer: vehicle_registrar)",
			func(*cobra.Command) (core.Msg, error) {
				return &vehicle.ChangePlate{VIN: c.vehicleVIN(), NewPlate: normalisePlate(c.v.GetString(flagVehNewPlate))}, nil
			}, func(cmd *cobra.Command) {
				vinFlag(cmd)
				cmd.Flags().String(flagVehNewPlate, "", "the new plate")
			}),
		c.txLeaf("deregister", "Deregister a vehicle: scrapped, exported or stolen (signer: vehicle_registrar)",
			func(*cobra.Command) (core.Msg, error) {
				return &vehicle.DeregisterVehicle{VIN: c.vehicleVIN(), Reason: c.v.GetString(flagVehReason), Notes: c.v.GetString(flagVehNotes)}, nil
			}, func(cmd *cobra.Command) {
				vinFlag(cmd)
				cmd.Flags().String(flagVehReason, "", "scrapped, exported or stolen")
				cmd.Flags().String(flagVehNotes, "", "notes (e.g. police report number)")
			}),
		c.txLeaf("reinstate", "Put a deregistered vehicle back in force (signer: vehicle_registrar)",
			func(*cobra.Command) (core.Msg, error) {
				return &vehicle.ReinstateVehicle{VIN: c.vehicleVIN(), Notes: c.v.GetString(flagVehNotes)}, nil
			}, func(cmd *cobra.Command) {
				vinFlag(cmd)
				cmd.Flags().String(flagVehNotes, "", "why (required)")
			}),
		c.txLeaf("transfer-inheritance", "Move a deceased owner's vehicle to the heir (signer: notary)",
			func(*cobra.Command) (core.Msg, error) {
				heir, err := c.account(flagVehHeir)
				if err != nil {
					return nil, err
				}
				h, err := c.hashFlag(flagVehCertificate)
				if err != nil {
					return nil, err
				}
				return &vehicle.TransferInheritance{VIN: c.vehicleVIN(), Heir: heir, CertificateHash: h}, nil
			}, func(cmd *cobra.Command) {
				vinFlag(cmd)
				cmd.Flags().String(flagVehHeir, "", "heir: address or key name")
				addHashFlags(cmd, flagVehCertificate, "inheritance certificate")
			}),
	)
	return cmd
}

// vehicleVIN returns --vin upper-cased, without surrounding spaces.
func (c *cli) vehicleVIN() string {
	return strings.ToUpper(strings.TrimSpace(c.v.GetString(flagVehVIN)))
}

// normalisePlate upper-cases a plate and removes its spaces, the canonical
// form the registry keys plates by.
func normalisePlate(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

// vehicleTime parses YYYY-MM-DD (UTC midnight) or RFC 3339, in UTC.
func vehicleTime(flag, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("--%s is required", flag)
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--%s %q: want YYYY-MM-DD or RFC 3339", flag, s)
	}
	return t.UTC(), nil
}
