package land

import (
	"time"

	"github.com/govchain/govchain/app/core"
)

// Name is the registry's name: the prefix of its message types and of its
// query paths.
const Name = "land"

// The frozen message type strings.
const (
	TypeRegisterParcel      = "land/register_parcel"
	TypeProposeTransfer     = "land/propose_transfer"
	TypeAcceptTransfer      = "land/accept_transfer"
	TypeCertifyTransfer     = "land/certify_transfer"
	TypeConsentTransfer     = "land/consent_transfer"
	TypeRegisterTransfer    = "land/register_transfer"
	TypeCancelTransfer      = "land/cancel_transfer"
	TypeCreateLien          = "land/create_lien"
	TypeAcceptLien          = "land/accept_lien"
	TypeReleaseLien         = "land/release_lien"
	TypeFlagDispute         = "land/flag_dispute"
	TypeClearDispute        = "land/clear_dispute"
	TypeSubdivideParcel     = "land/subdivide_parcel"
	TypeMergeParcels        = "land/merge_parcels"
	TypeTransferInheritance = "land/transfer_inheritance"
)

// Bounds enforced by Validate (and, for owners, by Exec).
const (
	// MaxOwners is the most owners a parcel may have, and the most sellers
	// or buyers a transfer may list.
	MaxOwners = 64
	// MaxDenominator bounds every denominator, so share arithmetic never
	// overflows.
	MaxDenominator = 1_000_000
	// MaxAreaM2 bounds an area in square metres.
	MaxAreaM2 = 1_000_000_000_000_000
	// MaxParts is the most children of a subdivision and parents of a merger.
	MaxParts = 64
	// MaxTransferHorizon is how far after the block time a transfer's
	// deadline may be.
	MaxTransferHorizon = 365 * 24 * time.Hour
	// Text field limits in bytes.
	MaxCadastralRefLen = 64
	MaxLocationLen     = 256
	MaxDescriptionLen  = 1024
	MaxReasonLen       = 1024
	MaxReferenceLen    = 128
)

// RegisterParcel (land/register_parcel, land_registrar) records a new
// parcel with its owners. Owners' shares are numerators over Denominator:
// each positive, no account twice, summing to Denominator, in lowest terms.
type RegisterParcel struct {
	ParcelID     string    `json:"parcel_id"`
	CadastralRef string    `json:"cadastral_ref"`
	AreaM2       int64     `json:"area_m2"`
	Location     string    `json:"location"`
	Description  string    `json:"description"`
	Denominator  uint64    `json:"denominator"`
	Owners       []Share   `json:"owners"`
	DocumentHash core.Hash `json:"document_hash"`
}

// Type implements core.Msg.
func (RegisterParcel) Type() string { return TypeRegisterParcel }

// Validate implements core.Msg.
func (m RegisterParcel) Validate() error {
	if err := validateParcelFields(m.ParcelID, m.CadastralRef, m.AreaM2, m.Location, m.Description); err != nil {
		return err
	}
	if err := validateDenominator(m.Denominator); err != nil {
		return err
	}
	sum, err := validateShares("owners", m.Owners, m.Denominator)
	if err != nil {
		return err
	}
	if sum != m.Denominator {
		return fields.Invalidf("owners' shares sum to %d, want denominator %d", sum, m.Denominator)
	}
	g := m.Denominator
	for _, o := range m.Owners {
		g = gcd(g, o.Shares)
	}
	if g != 1 {
		return fields.Invalidf("shares and denominator must be in lowest terms (all divisible by %d)", g)
	}
	return fields.Hash("document_hash", m.DocumentHash)
}

// ProposeTransfer (land/propose_transfer, a seller who owns shares) opens a
// sale. Sellers' and buyers' shares are over Denominator, which must be a
// multiple of the parcel's; the sums are equal. Price is in minor units of
// Currency (ISO 4217). ExpiresAt (UTC) must be after the block time and at
// most MaxTransferHorizon after it.
type ProposeTransfer struct {
	ParcelID    string    `json:"parcel_id"`
	Denominator uint64    `json:"denominator"`
	Sellers     []Share   `json:"sellers"`
	Buyers      []Share   `json:"buyers"`
	Price       int64     `json:"price"`
	Currency    string    `json:"currency"`
	ExpiresAt   time.Time `json:"expires_at"`
}

// Type implements core.Msg.
func (ProposeTransfer) Type() string { return TypeProposeTransfer }

// Validate implements core.Msg.
func (m ProposeTransfer) Validate() error {
	if err := fields.ID("parcel_id", m.ParcelID); err != nil {
		return err
	}
	if err := validateDenominator(m.Denominator); err != nil {
		return err
	}
	sold, err := validateShares("sellers", m.Sellers, m.Denominator)
	if err != nil {
		return err
	}
	bought, err := validateShares("buyers", m.Buyers, m.Denominator)
	if err != nil {
		return err
	}
	if sold != bought {
		return fields.Invalidf("sellers sell %d shares but buyers receive %d", sold, bought)
	}
	if sold > m.Denominator {
		return fields.Invalidf("shares sold (%d) exceed the denominator %d", sold, m.Denominator)
	}
	for _, s := range m.Sellers {
		if _, ok := findShare(m.Buyers, s.Account); ok {
			return fields.Invalidf("account %s is both seller and buyer", s.Account)
		}
	}
	if m.Price < 0 {
		return fields.Invalidf("price must not be negative")
	}
	if err := fields.Currency(m.Currency); err != nil {
		return err
	}
	return fields.UTC("expires_at", m.ExpiresAt)
}

// AcceptTransfer (land/accept_transfer, a buyer or a co-seller) records the
// signer's agreement to a pending transfer.
type AcceptTransfer struct {
	TransferID uint64 `json:"transfer_id"`
}

// Type implements core.Msg.
func (AcceptTransfer) Type() string { return TypeAcceptTransfer }

// Validate implements core.Msg.
func (m AcceptTransfer) Validate() error { return fields.Positive("transfer_id", m.TransferID) }

// CertifyTransfer (land/certify_transfer, notary not party to the sale)
// certifies the signed deed, by its SHA-256, once every party accepted.
type CertifyTransfer struct {
	TransferID uint64    `json:"transfer_id"`
	DeedHash   core.Hash `json:"deed_hash"`
}

// Type implements core.Msg.
func (CertifyTransfer) Type() string { return TypeCertifyTransfer }

// Validate implements core.Msg.
func (m CertifyTransfer) Validate() error {
	if err := fields.Positive("transfer_id", m.TransferID); err != nil {
		return err
	}
	return fields.Hash("deed_hash", m.DeedHash)
}

// ConsentTransfer (land/consent_transfer, the bank holding the lien)
// consents to a transfer of the parcel its active lien encumbers; the lien
// is released when the transfer is registered.
type ConsentTransfer struct {
	TransferID uint64 `json:"transfer_id"`
	LienID     uint64 `json:"lien_id"`
}

// Type implements core.Msg.
func (ConsentTransfer) Type() string { return TypeConsentTransfer }

// Validate implements core.Msg.
func (m ConsentTransfer) Validate() error {
	if err := fields.Positive("transfer_id", m.TransferID); err != nil {
		return err
	}
	return fields.Positive("lien_id", m.LienID)
}

// RegisterTransfer (land/register_transfer, land_registrar) completes a
// transfer: every party accepted, a notary certified, every active lien's
// bank consented, not expired, parcel not disputed, sellers still hold the
// shares. Ownership moves atomically.
type RegisterTransfer struct {
	TransferID uint64 `json:"transfer_id"`
}

// Type implements core.Msg.
func (RegisterTransfer) Type() string { return TypeRegisterTransfer }

// Validate implements core.Msg.
func (m RegisterTransfer) Validate() error { return fields.Positive("transfer_id", m.TransferID) }

// CancelTransfer (land/cancel_transfer, any seller or buyer; or a
// land_registrar once the transfer expired) withdraws a pending transfer.
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

// CreateLien (land/create_lien, bank) proposes a lien on a parcel for
// Amount minor units of Currency; it becomes active when every current
// owner accepts it.
type CreateLien struct {
	ParcelID     string    `json:"parcel_id"`
	Amount       int64     `json:"amount"`
	Currency     string    `json:"currency"`
	Reference    string    `json:"reference"`
	DocumentHash core.Hash `json:"document_hash"`
}

// Type implements core.Msg.
func (CreateLien) Type() string { return TypeCreateLien }

// Validate implements core.Msg.
func (m CreateLien) Validate() error {
	if err := fields.ID("parcel_id", m.ParcelID); err != nil {
		return err
	}
	return fields.Lien(m.Amount, m.Currency, m.Reference, MaxReferenceLen, m.DocumentHash)
}

// AcceptLien (land/accept_lien, a current owner) accepts a pending lien.
type AcceptLien struct {
	LienID uint64 `json:"lien_id"`
}

// Type implements core.Msg.
func (AcceptLien) Type() string { return TypeAcceptLien }

// Validate implements core.Msg.
func (m AcceptLien) Validate() error { return fields.Positive("lien_id", m.LienID) }

// ReleaseLien (land/release_lien, the bank holding the lien) releases a
// pending or active lien.
type ReleaseLien struct {
	LienID uint64 `json:"lien_id"`
}

// Type implements core.Msg.
func (ReleaseLien) Type() string { return TypeReleaseLien }

// Validate implements core.Msg.
func (m ReleaseLien) Validate() error { return fields.Positive("lien_id", m.LienID) }

// FlagDispute (land/flag_dispute, land_registrar or court) opens a dispute
// that freezes the parcel's transfers, subdivision and merger.
type FlagDispute struct {
	ParcelID     string    `json:"parcel_id"`
	Reason       string    `json:"reason"`
	DocumentHash core.Hash `json:"document_hash"`
}

// Type implements core.Msg.
func (FlagDispute) Type() string { return TypeFlagDispute }

// Validate implements core.Msg.
func (m FlagDispute) Validate() error {
	if err := fields.ID("parcel_id", m.ParcelID); err != nil {
		return err
	}
	if err := fields.Text("reason", m.Reason, true, MaxReasonLen); err != nil {
		return err
	}
	return fields.Hash("document_hash", m.DocumentHash)
}

// ClearDispute (land/clear_dispute, land_registrar or court) closes an open
// dispute with a resolution and the SHA-256 of the deciding document.
type ClearDispute struct {
	DisputeID    uint64    `json:"dispute_id"`
	Resolution   string    `json:"resolution"`
	DocumentHash core.Hash `json:"document_hash"`
}

// Type implements core.Msg.
func (ClearDispute) Type() string { return TypeClearDispute }

// Validate implements core.Msg.
func (m ClearDispute) Validate() error {
	if err := fields.Positive("dispute_id", m.DisputeID); err != nil {
		return err
	}
	if err := fields.Text("resolution", m.Resolution, true, MaxReasonLen); err != nil {
		return err
	}
	return fields.Hash("document_hash", m.DocumentHash)
}

// NewParcel describes a parcel created by a subdivision.
type NewParcel struct {
	ParcelID     string `json:"parcel_id"`
	CadastralRef string `json:"cadastral_ref"`
	AreaM2       int64  `json:"area_m2"`
	Location     string `json:"location"`
	Description  string `json:"description"`
}

// SubdivideParcel (land/subdivide_parcel, land_registrar) replaces a parent
// parcel by 2..MaxParts children whose areas sum to the parent's; the
// children inherit its ownership and the parent is retired.
type SubdivideParcel struct {
	ParentID     string      `json:"parent_id"`
	Children     []NewParcel `json:"children"`
	DocumentHash core.Hash   `json:"document_hash"`
}

// Type implements core.Msg.
func (SubdivideParcel) Type() string { return TypeSubdivideParcel }

// Validate implements core.Msg.
func (m SubdivideParcel) Validate() error {
	if err := fields.ID("parent_id", m.ParentID); err != nil {
		return err
	}
	if len(m.Children) < 2 || len(m.Children) > MaxParts {
		return fields.Invalidf("a subdivision needs 2-%d children, got %d", MaxParts, len(m.Children))
	}
	seen := map[string]bool{m.ParentID: true}
	for _, c := range m.Children {
		if err := validateParcelFields(c.ParcelID, c.CadastralRef, c.AreaM2, c.Location, c.Description); err != nil {
			return err
		}
		if seen[c.ParcelID] {
			return fields.Invalidf("parcel id %q appears twice", c.ParcelID)
		}
		seen[c.ParcelID] = true
	}
	return fields.Hash("document_hash", m.DocumentHash)
}

// MergeParcels (land/merge_parcels, land_registrar) replaces 2..MaxParts
// identically owned parents by one new parcel whose area is their sum; the
// parents are retired.
type MergeParcels struct {
	ParentIDs    []string  `json:"parent_ids"`
	ParcelID     string    `json:"parcel_id"`
	CadastralRef string    `json:"cadastral_ref"`
	AreaM2       int64     `json:"area_m2"`
	Location     string    `json:"location"`
	Description  string    `json:"description"`
	DocumentHash core.Hash `json:"document_hash"`
}

// Type implements core.Msg.
func (MergeParcels) Type() string { return TypeMergeParcels }

// Validate implements core.Msg.
func (m MergeParcels) Validate() error {
	if len(m.ParentIDs) < 2 || len(m.ParentIDs) > MaxParts {
		return fields.Invalidf("a merger needs 2-%d parents, got %d", MaxParts, len(m.ParentIDs))
	}
	if err := validateParcelFields(m.ParcelID, m.CadastralRef, m.AreaM2, m.Location, m.Description); err != nil {
		return err
	}
	seen := map[string]bool{m.ParcelID: true}
	for _, id := range m.ParentIDs {
		if err := fields.ID("parent id", id); err != nil {
			return err
		}
		if seen[id] {
			return fields.Invalidf("parcel id %q appears twice", id)
		}
		seen[id] = true
	}
	return fields.Hash("document_hash", m.DocumentHash)
}

// TransferInheritance (land/transfer_inheritance, notary not an heir)
// moves every share of a deceased owner (an account the civil registry
// marked core.StatusDeceased) to the heirs named in a certified inheritance
// certificate or deed, by its SHA-256. Heirs' shares are over Denominator,
// a multiple of the parcel's, and sum to exactly the deceased's shares over
// it. Liens stay on the parcel; pending transfers the deceased is party to
// are cancelled.
type TransferInheritance struct {
	ParcelID        string       `json:"parcel_id"`
	Deceased        core.Address `json:"deceased"`
	Denominator     uint64       `json:"denominator"`
	Heirs           []Share      `json:"heirs"`
	CertificateHash core.Hash    `json:"certificate_hash"`
}

// Type implements core.Msg.
func (TransferInheritance) Type() string { return TypeTransferInheritance }

// Validate implements core.Msg.
func (m TransferInheritance) Validate() error {
	if err := fields.ID("parcel_id", m.ParcelID); err != nil {
		return err
	}
	if m.Deceased.IsZero() {
		return fields.Invalidf("deceased must not be the zero account")
	}
	if err := validateDenominator(m.Denominator); err != nil {
		return err
	}
	sum, err := validateShares("heirs", m.Heirs, m.Denominator)
	if err != nil {
		return err
	}
	if sum > m.Denominator {
		return fields.Invalidf("heirs' shares (%d) exceed the denominator %d", sum, m.Denominator)
	}
	if _, ok := findShare(m.Heirs, m.Deceased); ok {
		return fields.Invalidf("the deceased %s cannot be an heir", m.Deceased)
	}
	return fields.Hash("certificate_hash", m.CertificateHash)
}

func validateParcelFields(id, ref string, area int64, location, description string) error {
	if err := fields.ID("parcel_id", id); err != nil {
		return err
	}
	if err := fields.Text("cadastral_ref", ref, true, MaxCadastralRefLen); err != nil {
		return err
	}
	if area <= 0 || area > MaxAreaM2 {
		return fields.Invalidf("area_m2 must be 1-%d, got %d", int64(MaxAreaM2), area)
	}
	if err := fields.Text("location", location, false, MaxLocationLen); err != nil {
		return err
	}
	return fields.Text("description", description, false, MaxDescriptionLen)
}

func validateDenominator(d uint64) error {
	if d == 0 || d > MaxDenominator {
		return fields.Invalidf("denominator must be 1-%d, got %d", MaxDenominator, d)
	}
	return nil
}

// validateShares checks a share list over den and returns the sum, which
// cannot overflow: at most MaxOwners shares of at most MaxDenominator.
func validateShares(field string, list []Share, den uint64) (uint64, error) {
	if len(list) == 0 || len(list) > MaxOwners {
		return 0, fields.Invalidf("%s must list 1-%d accounts, got %d", field, MaxOwners, len(list))
	}
	var sum uint64
	for i, s := range list {
		if s.Account.IsZero() {
			return 0, fields.Invalidf("%s: zero account", field)
		}
		if s.Shares == 0 || s.Shares > den {
			return 0, fields.Invalidf("%s: shares of %s must be 1-%d, got %d", field, s.Account, den, s.Shares)
		}
		for _, p := range list[:i] {
			if p.Account == s.Account {
				return 0, fields.Invalidf("%s: account %s appears twice", field, s.Account)
			}
		}
		sum += s.Shares
	}
	return sum, nil
}

func findShare(list []Share, a core.Address) (uint64, bool) {
	for _, s := range list {
		if s.Account == a {
			return s.Shares, true
		}
	}
	return 0, false
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
