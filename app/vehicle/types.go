package vehicle

import (
	"time"

	"github.com/govchain/govchain/app/core"
)

// Vehicle statuses.
const (
	// StatusActive is a vehicle in force.
	StatusActive = "active"
	// StatusDeregistered is a vehicle taken off the road (DeregReason says
	// why); only reinstatement is accepted for it.
	StatusDeregistered = "deregistered"
)

// Deregistration reasons.
const (
	ReasonScrapped = "scrapped"
	ReasonExported = "exported"
	ReasonStolen   = "stolen"
)

// Check digit schemes of a VIN (see doc.go and ValidateVIN).
const (
	// SchemeNorthAmerican: position 9 is the check digit of 49 CFR 565
	// (weights and transliteration of ISO 3779 Annex / SAE J853); enforced.
	SchemeNorthAmerican = "north_american"
	// SchemeNone: a VIN under ISO 3779 alone, where position 9 is an
	// ordinary VDS character; no check digit is computed.
	SchemeNone = "none"
)

// Transfer statuses. Expiry is not a status of an open transfer: a pending
// or accepted transfer whose expires_at is before the block time is
// expired; it becomes TransferExpired only when a later offer supersedes it.
const (
	TransferPending   = "pending"
	TransferAccepted  = "accepted"
	TransferCompleted = "completed"
	TransferCancelled = "cancelled"
	TransferExpired   = "expired"
)

// Lien statuses. A lien is active from creation (see doc.go).
const (
	LienActive   = "active"
	LienReleased = "released"
)

// Inspection results.
const (
	InspectionPass = "pass"
	InspectionFail = "fail"
)

// Inspection is the summary of the last inspection kept on the vehicle
// record; every inspection is in the history.
type Inspection struct {
	Station    core.Address `json:"station"`
	Result     string       `json:"result"`
	OdometerKM int64        `json:"odometer_km"`
	Height     int64        `json:"height"`
	Time       time.Time    `json:"time"`
}

// Insurance is the last insurance policy recorded for the vehicle.
type Insurance struct {
	Insurer      core.Address `json:"insurer"`
	PolicyNumber string       `json:"policy_number"`
	ValidFrom    time.Time    `json:"valid_from"`
	ValidTo      time.Time    `json:"valid_to"`
	Height       int64        `json:"height"`
}

// Vehicle is a registered vehicle: the record stored under VehicleKey.
//
// Owner is the registered owner (keeper) who may sell it; TaxLiable is the
// account that owes the vehicle's tax, moved with ownership at a completed
// transfer or inheritance. OdometerKM is the highest reading accepted;
// FraudFlags counts refused lower readings (each is an "odometer_rollback"
// history entry). OpenTransfer is the id of the transfer that is pending or
// accepted, 0 if none. ActiveLiens lists active liens in creation order.
type Vehicle struct {
	VIN              string       `json:"vin"`
	CheckDigitScheme string       `json:"check_digit_scheme"`
	Make             string       `json:"make"`
	Model            string       `json:"model"`
	Year             int64        `json:"year"`
	Colour           string       `json:"colour"`
	Plate            string       `json:"plate"`
	Owner            core.Address `json:"owner"`
	OwnerSince       time.Time    `json:"owner_since"`
	TaxLiable        core.Address `json:"tax_liable"`
	TaxLiableSince   time.Time    `json:"tax_liable_since"`
	Status           string       `json:"status"`
	DeregReason      string       `json:"dereg_reason"`
	OdometerKM       int64        `json:"odometer_km"`
	OdometerHeight   int64        `json:"odometer_height"`
	FraudFlags       uint64       `json:"fraud_flags"`
	LastInspection   *Inspection  `json:"last_inspection"`
	Insurance        *Insurance   `json:"insurance"`
	OpenTransfer     uint64       `json:"open_transfer"`
	ActiveLiens      []uint64     `json:"active_liens"`
	RegisteredBy     core.Address `json:"registered_by"`
	RegisteredHeight int64        `json:"registered_height"`
	RegisteredAt     time.Time    `json:"registered_at"`
	HistoryCount     uint64       `json:"history_count"`
}

// Plate is the plate index record under PlateKey: the VIN of the vehicle
// carrying the plate. A client reads the vehicle next (vehicle/{vin}),
// proving both answers against the same app hash.
type Plate struct {
	Plate string `json:"plate"`
	VIN   string `json:"vin"`
}

// Owner is the per-account record under OwnerKey: the number of owner
// index entries (OwnerVehicle) the account has. It exists only while the
// count is positive.
type Owner struct {
	Account      core.Address `json:"account"`
	VehicleCount uint64       `json:"vehicle_count"`
}

// OwnerVehicle is the owner index entry under OwnerVehicleKey: the account
// has owned the vehicle since a height.
type OwnerVehicle struct {
	VIN         string    `json:"vin"`
	SinceHeight int64     `json:"since_height"`
	Since       time.Time `json:"since"`
}

// Transfer is a sale of a vehicle by its owner to one buyer, stored under
// TransferKey. ApprovalRequired is the genesis parameter
// RegistrarApprovalRequired when the offer was made.
type Transfer struct {
	ID               uint64        `json:"id"`
	VIN              string        `json:"vin"`
	Status           string        `json:"status"`
	Seller           core.Address  `json:"seller"`
	Buyer            core.Address  `json:"buyer"`
	Price            int64         `json:"price"`
	Currency         string        `json:"currency"`
	ExpiresAt        time.Time     `json:"expires_at"`
	ApprovalRequired bool          `json:"approval_required"`
	OfferedHeight    int64         `json:"offered_height"`
	OfferedAt        time.Time     `json:"offered_at"`
	AcceptedHeight   int64         `json:"accepted_height"`
	AcceptedAt       *time.Time    `json:"accepted_at"`
	ClosedBy         *core.Address `json:"closed_by"`
	ClosedHeight     int64         `json:"closed_height"`
	ClosedAt         *time.Time    `json:"closed_at"`
	CancelReason     string        `json:"cancel_reason"`
}

// Lien is a bank's security interest in a vehicle, stored under LienKey.
// It is active from creation until its bank releases it; while active it
// blocks every sale of the vehicle.
type Lien struct {
	ID             uint64        `json:"id"`
	VIN            string        `json:"vin"`
	Status         string        `json:"status"`
	Bank           core.Address  `json:"bank"`
	Amount         int64         `json:"amount"`
	Currency       string        `json:"currency"`
	Reference      string        `json:"reference"`
	DocumentHash   core.Hash     `json:"document_hash"`
	CreatedHeight  int64         `json:"created_height"`
	CreatedAt      time.Time     `json:"created_at"`
	ReleasedBy     *core.Address `json:"released_by"`
	ReleasedHeight int64         `json:"released_height"`
}
