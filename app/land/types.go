package land

import (
	"time"

	"github.com/govchain/govchain/app/core"
)

// Parcel statuses.
const (
	// ParcelActive is a parcel in force.
	ParcelActive = "active"
	// ParcelRetired is a parcel replaced by its children (subdivision) or
	// by a merged parcel; it keeps its history and last ownership.
	ParcelRetired = "retired"
)

// Transfer statuses. Expiry is not a status: a pending transfer whose
// expires_at is before the block time is expired.
const (
	TransferPending    = "pending"
	TransferRegistered = "registered"
	TransferCancelled  = "cancelled"
	// TransferSuperseded: closed when the parcel's ownership changed under
	// the transfer (another transfer or an inheritance was registered) so
	// that its sellers no longer hold what it sells, or its denominator no
	// longer fits the parcel's.
	TransferSuperseded = "superseded"
)

// Lien statuses.
const (
	LienPending  = "pending"
	LienActive   = "active"
	LienReleased = "released"
)

// Dispute statuses.
const (
	DisputeOpen    = "open"
	DisputeCleared = "cleared"
)

// Share is an account's numerator of a parcel, over a denominator held by
// the parcel (or by the transfer that carries it).
type Share struct {
	Account core.Address `json:"account"`
	Shares  uint64       `json:"shares"`
}

// Parcel is a registered parcel: the record stored under ParcelKey. Owners
// are sorted by account, every share is positive, shares sum to
// Denominator, and (Owners, Denominator) is in lowest terms. The id lists
// are in the order the ids were added.
type Parcel struct {
	ID               string       `json:"id"`
	CadastralRef     string       `json:"cadastral_ref"`
	AreaM2           int64        `json:"area_m2"`
	Location         string       `json:"location"`
	Description      string       `json:"description"`
	DocumentHash     core.Hash    `json:"document_hash"`
	Denominator      uint64       `json:"denominator"`
	Owners           []Share      `json:"owners"`
	Status           string       `json:"status"`
	Parents          []string     `json:"parents"`
	Children         []string     `json:"children"`
	PendingTransfers []uint64     `json:"pending_transfers"`
	PendingLiens     []uint64     `json:"pending_liens"`
	ActiveLiens      []uint64     `json:"active_liens"`
	OpenDisputes     []uint64     `json:"open_disputes"`
	RegisteredBy     core.Address `json:"registered_by"`
	RegisteredHeight int64        `json:"registered_height"`
	RegisteredAt     time.Time    `json:"registered_at"`
	HistoryCount     uint64       `json:"history_count"`
}

// Owner is the per-account record under OwnerKey: the number of parcel
// index entries (OwnerParcel) the account has. It exists only while the
// count is positive.
type Owner struct {
	Account     core.Address `json:"account"`
	ParcelCount uint64       `json:"parcel_count"`
}

// OwnerParcel is the owner index entry under OwnerParcelKey: the account's
// shares in an active parcel.
type OwnerParcel struct {
	ParcelID    string `json:"parcel_id"`
	Shares      uint64 `json:"shares"`
	Denominator uint64 `json:"denominator"`
}

// Acceptance records that an account agreed to a workflow step.
type Acceptance struct {
	Account core.Address `json:"account"`
	Height  int64        `json:"height"`
	Time    time.Time    `json:"time"`
}

// Certification records a notary's certification of a signed deed.
type Certification struct {
	Notary   core.Address `json:"notary"`
	DeedHash core.Hash    `json:"deed_hash"`
	Height   int64        `json:"height"`
	Time     time.Time    `json:"time"`
}

// Consent records that a lien's bank consented to a transfer; the lien is
// released when the transfer is registered.
type Consent struct {
	LienID uint64       `json:"lien_id"`
	Bank   core.Address `json:"bank"`
	Height int64        `json:"height"`
	Time   time.Time    `json:"time"`
}

// Transfer is a sale of shares of one parcel, stored under TransferKey.
// Sellers' and buyers' shares are over Denominator, a multiple of the
// parcel's denominator at proposal time. Acceptances start with the
// proposer's.
type Transfer struct {
	ID             uint64         `json:"id"`
	ParcelID       string         `json:"parcel_id"`
	Status         string         `json:"status"`
	Proposer       core.Address   `json:"proposer"`
	Denominator    uint64         `json:"denominator"`
	Sellers        []Share        `json:"sellers"`
	Buyers         []Share        `json:"buyers"`
	Price          int64          `json:"price"`
	Currency       string         `json:"currency"`
	ExpiresAt      time.Time      `json:"expires_at"`
	ProposedHeight int64          `json:"proposed_height"`
	ProposedAt     time.Time      `json:"proposed_at"`
	Acceptances    []Acceptance   `json:"acceptances"`
	Certification  *Certification `json:"certification"`
	Consents       []Consent      `json:"consents"`
	ClosedBy       *core.Address  `json:"closed_by"`
	ClosedHeight   int64          `json:"closed_height"`
	ClosedAt       *time.Time     `json:"closed_at"`
	CancelReason   string         `json:"cancel_reason"`
	ReleasedLiens  []uint64       `json:"released_liens"`
	// SupersededBy, on a superseded transfer, is the registered transfer
	// that changed the ownership under it; 0 (absent) when an inheritance
	// did, or when the transfer was not superseded.
	SupersededBy uint64 `json:"superseded_by,omitempty"`
	// SupersededReason, on a superseded transfer, says why it can no
	// longer be registered.
	SupersededReason string `json:"superseded_reason,omitempty"`
}

// Lien is a bank's charge on a parcel, stored under LienKey. It is pending
// until every current owner has accepted it, then active until its bank
// releases it or consents to a registered transfer.
type Lien struct {
	ID                 uint64        `json:"id"`
	ParcelID           string        `json:"parcel_id"`
	Status             string        `json:"status"`
	Bank               core.Address  `json:"bank"`
	Amount             int64         `json:"amount"`
	Currency           string        `json:"currency"`
	Reference          string        `json:"reference"`
	DocumentHash       core.Hash     `json:"document_hash"`
	CreatedHeight      int64         `json:"created_height"`
	CreatedAt          time.Time     `json:"created_at"`
	Acceptances        []Acceptance  `json:"acceptances"`
	ActivatedHeight    int64         `json:"activated_height"`
	ReleasedBy         *core.Address `json:"released_by"`
	ReleasedHeight     int64         `json:"released_height"`
	ReleasedByTransfer uint64        `json:"released_by_transfer"`
}

// Dispute is a caveat on a parcel, stored under DisputeKey. While open it
// freezes the parcel's transfers, subdivision and merger.
type Dispute struct {
	ID                uint64        `json:"id"`
	ParcelID          string        `json:"parcel_id"`
	Status            string        `json:"status"`
	FlaggedBy         core.Address  `json:"flagged_by"`
	Reason            string        `json:"reason"`
	DocumentHash      core.Hash     `json:"document_hash"`
	FlaggedHeight     int64         `json:"flagged_height"`
	FlaggedAt         time.Time     `json:"flagged_at"`
	ClearedBy         *core.Address `json:"cleared_by"`
	Resolution        string        `json:"resolution"`
	ResolutionDocHash *core.Hash    `json:"resolution_document_hash"`
	ClearedHeight     int64         `json:"cleared_height"`
	ClearedAt         *time.Time    `json:"cleared_at"`
}
