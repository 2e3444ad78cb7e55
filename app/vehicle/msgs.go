package vehicle

import (
	"time"

	"github.com/govchain/govchain/app/core"
)

// Name is the registry's name: the prefix of its message types and of its
// query paths.
const Name = "vehicle"

// The frozen message type strings.
const (
	TypeRegisterVehicle     = "vehicle/register_vehicle"
	TypeOfferTransfer       = "vehicle/offer_transfer"
	TypeAcceptTransfer      = "vehicle/accept_transfer"
	TypeApproveTransfer     = "vehicle/approve_transfer"
	TypeCancelTransfer      = "vehicle/cancel_transfer"
	TypeRecordInspection    = "vehicle/record_inspection"
	TypeRecordRepair        = "vehicle/record_repair"
	TypeRecordInsurance     = "vehicle/record_insurance"
	TypeRecordOdometer      = "vehicle/record_odometer"
	TypeCreateLien          = "vehicle/create_lien"
	TypeReleaseLien         = "vehicle/release_lien"
	TypeChangePlate         = "vehicle/change_plate"
	TypeDeregisterVehicle   = "vehicle/deregister_vehicle"
	TypeReinstateVehicle    = "vehicle/reinstate_vehicle"
	TypeTransferInheritance = "vehicle/transfer_inheritance"
)

// Bounds enforced by Validate (and, for liens, by Exec).
const (
	// MinYear is the earliest model year (the first motor car, 1886).
	MinYear = 1886
	// MaxYear bounds the model year statically; Exec also refuses a year
	// after the block time's next year.
	MaxYear = 9999
	// MaxOdometerKM bounds an odometer reading in kilometres.
	MaxOdometerKM = 100_000_000
	// MaxOfferHorizon is how far after the block time an offer's deadline
	// may be.
	MaxOfferHorizon = 180 * 24 * time.Hour
	// MaxActiveLiens is the most active liens a vehicle may carry.
	MaxActiveLiens = 16
	// Text field limits in bytes.
	MaxMakeLen         = 64
	MaxModelLen        = 64
	MaxColourLen       = 32
	MaxNotesLen        = 1024
	MaxDescriptionLen  = 1024
	MaxPolicyNumberLen = 64
	MaxReferenceLen    = 128
	MaxReasonLen       = 1024
)

// RegisterVehicle (vehicle/register_vehicle, vehicle_registrar) records a
// new vehicle under its VIN with its plate and first owner. TaxLiable may
// be left zero, meaning the owner. OdometerKM is the reading at
// registration (0 for a new vehicle).
type RegisterVehicle struct {
	VIN              string       `json:"vin"`
	CheckDigitScheme string       `json:"check_digit_scheme"`
	Make             string       `json:"make"`
	Model            string       `json:"model"`
	Year             int64        `json:"year"`
	Colour           string       `json:"colour"`
	Plate            string       `json:"plate"`
	Owner            core.Address `json:"owner"`
	TaxLiable        core.Address `json:"tax_liable"`
	OdometerKM       int64        `json:"odometer_km"`
}

// Type implements core.Msg.
func (RegisterVehicle) Type() string { return TypeRegisterVehicle }

// Validate implements core.Msg.
func (m RegisterVehicle) Validate() error {
	if err := ValidateVIN(m.VIN, m.CheckDigitScheme); err != nil {
		return err
	}
	if err := fields.Text("make", m.Make, true, MaxMakeLen); err != nil {
		return err
	}
	if err := fields.Text("model", m.Model, true, MaxModelLen); err != nil {
		return err
	}
	if m.Year < MinYear || m.Year > MaxYear {
		return fields.Invalidf("year must be %d-%d, got %d", MinYear, MaxYear, m.Year)
	}
	if err := fields.Text("colour", m.Colour, true, MaxColourLen); err != nil {
		return err
	}
	if err := ValidatePlate(m.Plate); err != nil {
		return err
	}
	if m.Owner.IsZero() {
		return fields.Invalidf("owner must not be zero")
	}
	return validateOdometer(m.OdometerKM)
}

// OfferTransfer (vehicle/offer_transfer, the owner) offers the vehicle to
// one buyer for Price minor units of Currency (ISO 4217), open until
// ExpiresAt (UTC, after the block time, at most MaxOfferHorizon after it).
type OfferTransfer struct {
	VIN       string       `json:"vin"`
	Buyer     core.Address `json:"buyer"`
	Price     int64        `json:"price"`
	Currency  string       `json:"currency"`
	ExpiresAt time.Time    `json:"expires_at"`
}

// Type implements core.Msg.
func (OfferTransfer) Type() string { return TypeOfferTransfer }

// Validate implements core.Msg.
func (m OfferTransfer) Validate() error {
	if err := validateVINRef(m.VIN); err != nil {
		return err
	}
	if m.Buyer.IsZero() {
		return fields.Invalidf("buyer must not be zero")
	}
	if m.Price < 0 {
		return fields.Invalidf("price must not be negative")
	}
	if err := fields.Currency(m.Currency); err != nil {
		return err
	}
	return fields.UTC("expires_at", m.ExpiresAt)
}

// AcceptTransfer (vehicle/accept_transfer, the buyer) accepts a pending
// offer. Without registrar approval it completes the transfer: ownership
// and tax liability move to the buyer in the same transaction.
type AcceptTransfer struct {
	TransferID uint64 `json:"transfer_id"`
}

// Type implements core.Msg.
func (AcceptTransfer) Type() string { return TypeAcceptTransfer }

// Validate implements core.Msg.
func (m AcceptTransfer) Validate() error { return fields.Positive("transfer_id", m.TransferID) }

// ApproveTransfer (vehicle/approve_transfer, vehicle_registrar) completes
// an accepted transfer when the genesis parameter RegistrarApprovalRequired
// is set: ownership and tax liability move to the buyer.
type ApproveTransfer struct {
	TransferID uint64 `json:"transfer_id"`
}

// Type implements core.Msg.
func (ApproveTransfer) Type() string { return TypeApproveTransfer }

// Validate implements core.Msg.
func (m ApproveTransfer) Validate() error { return fields.Positive("transfer_id", m.TransferID) }

// CancelTransfer (vehicle/cancel_transfer, the seller or the buyer; or a
// vehicle_registrar once the transfer expired) withdraws a pending or
// accepted transfer before completion.
type CancelTransfer struct {
	TransferID uint64 `json:"transfer_id"`
	Reason     string `json:"reason"`
}

// Type implements core.Msg.
func (CancelTransfer) Type() string { return TypeCancelTransfer }

// Validate implements core.Msg.
func (m CancelTransfer) Validate() error {
	if err := fields.Positive("transfer_id", m.TransferID); err != nil {
		return err
	}
	return fields.Text("reason", m.Reason, false, MaxReasonLen)
}

// RecordInspection (vehicle/record_inspection, inspection_station) appends
// a roadworthiness inspection: result pass or fail, the odometer reading
// and notes. A reading below the recorded one is kept in the inspection
// but raises an odometer-fraud flag instead of updating the odometer.
type RecordInspection struct {
	VIN        string `json:"vin"`
	Result     string `json:"result"`
	OdometerKM int64  `json:"odometer_km"`
	Notes      string `json:"notes"`
}

// Type implements core.Msg.
func (RecordInspection) Type() string { return TypeRecordInspection }

// Validate implements core.Msg.
func (m RecordInspection) Validate() error {
	if err := validateVINRef(m.VIN); err != nil {
		return err
	}
	if m.Result != InspectionPass && m.Result != InspectionFail {
		return fields.Invalidf("result must be %q or %q, got %q", InspectionPass, InspectionFail, m.Result)
	}
	if err := validateOdometer(m.OdometerKM); err != nil {
		return err
	}
	return fields.Text("notes", m.Notes, false, MaxNotesLen)
}

// RecordRepair (vehicle/record_repair, workshop) appends a repair with its
// description and odometer reading (same odometer rule as inspections).
type RecordRepair struct {
	VIN         string `json:"vin"`
	Description string `json:"description"`
	OdometerKM  int64  `json:"odometer_km"`
}

// Type implements core.Msg.
func (RecordRepair) Type() string { return TypeRecordRepair }

// Validate implements core.Msg.
func (m RecordRepair) Validate() error {
	if err := validateVINRef(m.VIN); err != nil {
		return err
	}
	if err := fields.Text("description", m.Description, true, MaxDescriptionLen); err != nil {
		return err
	}
	return validateOdometer(m.OdometerKM)
}

// RecordInsurance (vehicle/record_insurance, insurer) records an insurance
// policy covering the vehicle from ValidFrom to ValidTo (UTC, ValidTo
// after ValidFrom). The signer is recorded as the insurer.
type RecordInsurance struct {
	VIN          string    `json:"vin"`
	PolicyNumber string    `json:"policy_number"`
	ValidFrom    time.Time `json:"valid_from"`
	ValidTo      time.Time `json:"valid_to"`
}

// Type implements core.Msg.
func (RecordInsurance) Type() string { return TypeRecordInsurance }

// Validate implements core.Msg.
func (m RecordInsurance) Validate() error {
	if err := validateVINRef(m.VIN); err != nil {
		return err
	}
	if err := fields.Text("policy_number", m.PolicyNumber, true, MaxPolicyNumberLen); err != nil {
		return err
	}
	if err := fields.UTC("valid_from", m.ValidFrom); err != nil {
		return err
	}
	if err := fields.UTC("valid_to", m.ValidTo); err != nil {
		return err
	}
	if !m.ValidTo.After(m.ValidFrom) {
		return fields.Invalidf("valid_to must be after valid_from")
	}
	return nil
}

// RecordOdometer (vehicle/record_odometer, inspection_station, workshop or
// vehicle_registrar) records an odometer reading. A reading below the
// recorded one succeeds without updating the odometer and raises an
// odometer-fraud flag (see doc.go).
type RecordOdometer struct {
	VIN        string `json:"vin"`
	OdometerKM int64  `json:"odometer_km"`
}

// Type implements core.Msg.
func (RecordOdometer) Type() string { return TypeRecordOdometer }

// Validate implements core.Msg.
func (m RecordOdometer) Validate() error {
	if err := validateVINRef(m.VIN); err != nil {
		return err
	}
	return validateOdometer(m.OdometerKM)
}

// CreateLien (vehicle/create_lien, bank) records the signer's security
// interest in a vehicle for Amount minor units of Currency, with the
// SHA-256 of the signed loan agreement. The lien is active at once.
type CreateLien struct {
	VIN          string    `json:"vin"`
	Amount       int64     `json:"amount"`
	Currency     string    `json:"currency"`
	Reference    string    `json:"reference"`
	DocumentHash core.Hash `json:"document_hash"`
}

// Type implements core.Msg.
func (CreateLien) Type() string { return TypeCreateLien }

// Validate implements core.Msg.
func (m CreateLien) Validate() error {
	if err := validateVINRef(m.VIN); err != nil {
		return err
	}
	return fields.Lien(m.Amount, m.Currency, m.Reference, MaxReferenceLen, m.DocumentHash)
}

// ReleaseLien (vehicle/release_lien, the bank holding the lien) releases
// an active lien.
type ReleaseLien struct {
	LienID uint64 `json:"lien_id"`
}

// Type implements core.Msg.
func (ReleaseLien) Type() string { return TypeReleaseLien }

// Validate implements core.Msg.
func (m ReleaseLien) Validate() error { return fields.Positive("lien_id", m.LienID) }

// ChangePlate (vehicle/change_plate, vehicle_registrar) assigns a new,
// unassigned plate to a vehicle; its old plate is freed.
type ChangePlate struct {
	VIN      string `json:"vin"`
	NewPlate string `json:"new_plate"`
}

// Type implements core.Msg.
func (ChangePlate) Type() string { return TypeChangePlate }

// Validate implements core.Msg.
func (m ChangePlate) Validate() error {
	if err := validateVINRef(m.VIN); err != nil {
		return err
	}
	return ValidatePlate(m.NewPlate)
}

// DeregisterVehicle (vehicle/deregister_vehicle, vehicle_registrar) takes
// a vehicle off the register: Reason is scrapped, exported or stolen. Its
// open transfer is cancelled; afterwards only reinstatement is accepted.
type DeregisterVehicle struct {
	VIN    string `json:"vin"`
	Reason string `json:"reason"`
	Notes  string `json:"notes"`
}

// Type implements core.Msg.
func (DeregisterVehicle) Type() string { return TypeDeregisterVehicle }

// Validate implements core.Msg.
func (m DeregisterVehicle) Validate() error {
	if err := validateVINRef(m.VIN); err != nil {
		return err
	}
	switch m.Reason {
	case ReasonScrapped, ReasonExported, ReasonStolen:
	default:
		return fields.Invalidf("reason must be %q, %q or %q, got %q", ReasonScrapped, ReasonExported, ReasonStolen, m.Reason)
	}
	return fields.Text("notes", m.Notes, false, MaxNotesLen)
}

// ReinstateVehicle (vehicle/reinstate_vehicle, vehicle_registrar) puts a
// deregistered vehicle back in force (a stolen vehicle recovered, an
// export reversed).
type ReinstateVehicle struct {
	VIN   string `json:"vin"`
	Notes string `json:"notes"`
}

// Type implements core.Msg.
func (ReinstateVehicle) Type() string { return TypeReinstateVehicle }

// Validate implements core.Msg.
func (m ReinstateVehicle) Validate() error {
	if err := validateVINRef(m.VIN); err != nil {
		return err
	}
	return fields.Text("notes", m.Notes, true, MaxNotesLen)
}

// TransferInheritance (vehicle/transfer_inheritance, notary) moves a
// vehicle whose owner's account is deceased (core.StatusDeceased) to the
// heir to whom the inheritance certificate, identified by its SHA-256,
// assigns it. Ownership and tax liability move; liens stay; an open
// transfer is cancelled.
type TransferInheritance struct {
	VIN             string       `json:"vin"`
	Heir            core.Address `json:"heir"`
	CertificateHash core.Hash    `json:"certificate_hash"`
}

// Type implements core.Msg.
func (TransferInheritance) Type() string { return TypeTransferInheritance }

// Validate implements core.Msg.
func (m TransferInheritance) Validate() error {
	if err := validateVINRef(m.VIN); err != nil {
		return err
	}
	if m.Heir.IsZero() {
		return fields.Invalidf("heir must not be zero")
	}
	return fields.Hash("certificate_hash", m.CertificateHash)
}

// validateVINRef checks a VIN that names an existing record: its length
// and characters (the check digit was checked at registration).
func validateVINRef(vin string) error {
	if !validVINChars(vin) {
		return fields.Invalidf("vin %q must be %d upper-case letters (not I, O, Q) and digits", vin, VINLen)
	}
	return nil
}

func validateOdometer(km int64) error {
	if km < 0 || km > MaxOdometerKM {
		return fields.Invalidf("odometer_km must be 0-%d, got %d", MaxOdometerKM, km)
	}
	return nil
}
