package legacy

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/app/vehicle"
)

// Registry is one legacy registry's format: its columns, the role whose
// holder signs its records, and the mapping from a row to the message
// whose execution creates the record. A row maps to exactly the record
// that message would create if a holder of Role posted it.
type Registry struct {
	// Name is the registry's name in files, flags and genesis.
	Name string
	// Module is the name of the chain module whose records it holds.
	Module string
	// Role is the role the importing account must hold.
	Role core.Role
	// Columns are the CSV header and the JSON Lines field names, in order.
	Columns []string
	// Optional are columns after Columns that a dump may leave out (a
	// column added after the registry's format was first released): a
	// header or a JSON object without one reads it as empty. A canonical
	// row ends at its last optional field that is not empty, so a dump
	// made before the column existed keeps its canonical rows and root.
	Optional []string
	// parse maps a row's fields (in Columns order, trimmed) to the message
	// and the row's id; the error is a *Reject without line or raw text.
	parse func(f []string) (core.Msg, string, error)
	// fields renders a parsed message back to its canonical fields.
	fields func(m core.Msg) []string
	// recordKey is the store key of the record a row's id names.
	recordKey func(id string) []byte
	// pathPrefix followed by a row's id is the query path of its record.
	pathPrefix string
	// id is a row's id from its fields; nil: the first field.
	id func(f []string) string
	// claims are the ids a row's message claims beyond its own (an
	// invoice's credit notes: ISSUER/NUMBER of each); nil: none. Rows
	// that claim the same id, as their own or beyond it, are all set
	// aside (CodeDuplicate) before any is loaded.
	claims func(m core.Msg) []string
	// claimName is what such a claim is, as a reason names it ("a credit
	// note").
	claimName string
	// shared are the prefixes of the keys that rows of the registry read
	// or write beyond their own records (totals, counters, indexes by
	// another id): a bulk load keeps them in memory and streams every
	// other key (see leanLoad).
	shared [][]byte
}

// RowID is the id of a canonical row of r: the record's id, by which the
// canonical rows are sorted ("" if the row does not decode).
func (r *Registry) RowID(row []byte) string {
	f, err := Fields(row)
	switch {
	case err != nil || len(f) < len(r.Columns):
		return ""
	case r.id != nil:
		return r.id(f)
	}
	return f[0]
}

// RecordPath is the query path of the record a row's id names.
func (r *Registry) RecordPath(id string) string { return r.pathPrefix + id }

// Parcels is the land registry: one row per parcel.
var Parcels = &Registry{
	Name:   "parcels",
	Module: land.Name,
	Role:   core.RoleLandRegistrar,
	Columns: []string{"parcel_id", "cadastral_ref", "area_m2", "location", "description",
		"document_sha256", "denominator", "owners"},
	Optional:   []string{"liens"},
	parse:      parseParcel,
	fields:     parcelFields,
	recordKey:  land.ParcelKey,
	pathPrefix: "/land/parcel/",
	shared:     [][]byte{land.OwnersPrefix(), land.CountersPrefix()},
}

// Vehicles is the vehicle registry: one row per vehicle.
var Vehicles = &Registry{
	Name:   "vehicles",
	Module: vehicle.Name,
	Role:   core.RoleVehicleRegistrar,
	Columns: []string{"vin", "check_digit_scheme", "make", "model", "year", "colour", "plate",
		"owner", "tax_liable", "odometer_km"},
	parse:      parseVehicle,
	fields:     vehicleFields,
	recordKey:  vehicle.VehicleKey,
	pathPrefix: "/vehicle/vehicle/",
	shared:     vehicle.ImportSharedPrefixes(),
}

// Persons is the civil registry as the chain holds it: one row per
// person, with salted commitments to the person's attributes and no
// personal data. Commit makes such a dump from the civil registry's own.
var Persons = &Registry{
	Name:       "persons",
	Module:     identity.Name,
	Role:       core.RoleCivilRegistrar,
	Columns:    []string{"person_id", "document_sha256", "commitments"},
	parse:      parsePerson,
	fields:     personFields,
	recordKey:  identity.PersonKey,
	pathPrefix: "/identity/person/",
}

// Registries lists every registry the import reads, by name order.
var Registries = []*Registry{Invoices, Parcels, Persons, Vehicles}

// RegistryByName returns the registry called name.
func RegistryByName(name string) (*Registry, error) {
	for _, r := range Registries {
		if r.Name == name {
			return r, nil
		}
	}
	names := make([]string, len(Registries))
	for i, r := range Registries {
		names[i] = r.Name
	}
	return nil, fmt.Errorf("legacy: unknown registry %q (known: %s)", name, strings.Join(names, ", "))
}

// AllColumns are Columns then Optional.
func (r *Registry) AllColumns() []string { return append(slices.Clip(r.Columns), r.Optional...) }

// Msg maps one canonical row's fields to its message: Columns, then
// none, some or all of Optional.
func (r *Registry) Msg(fields []string) (core.Msg, error) {
	if len(fields) < len(r.Columns) || len(fields) > len(r.Columns)+len(r.Optional) {
		return nil, fmt.Errorf("legacy: canonical row has %d fields, a %s row has %d to %d", len(fields), r.Name, len(r.Columns), len(r.Columns)+len(r.Optional))
	}
	full := make([]string, len(r.Columns)+len(r.Optional))
	copy(full, fields)
	m, _, err := r.parse(full)
	return m, err
}

// canonicalFields are the canonical fields of m: every column, without
// the empty optional fields at the end.
func (r *Registry) canonicalFields(m core.Msg) []string {
	f := r.fields(m)
	for len(f) > len(r.Columns) && f[len(f)-1] == "" {
		f = f[:len(f)-1]
	}
	return f
}

func bad(code, format string, args ...any) error {
	return &Reject{Code: code, Reason: fmt.Sprintf(format, args...)}
}

func parseInt(field, s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, bad(CodeBadField, "%s: %q is not a whole number", field, s)
	}
	return n, nil
}

// parseAddress reads an account in either case of hex, as core.ParseAddress
// and core.ParseHash do (hex.DecodeString): a dump's hex fields are never
// lower-cased first, as their canonical form is written from the bytes.
func parseAddress(field, s string) (core.Address, error) {
	a, err := core.ParseAddress(s)
	if err != nil {
		return a, bad(CodeBadField, "%s: %q is not an account (40 hex digits)", field, s)
	}
	return a, nil
}

// validate runs the message's stateless check, classifying its refusal.
func validate(m core.Msg, code string) error {
	if err := m.Validate(); err != nil {
		return &Reject{Code: code, ResultCode: core.ResultCode(err), Reason: err.Error()}
	}
	return nil
}

func parseParcel(f []string) (core.Msg, string, error) {
	m := land.RegisterParcel{ParcelID: f[0], CadastralRef: f[1], Location: f[3], Description: f[4]}
	var err error
	if m.AreaM2, err = parseInt("area_m2", f[2]); err != nil {
		return nil, m.ParcelID, err
	}
	if m.DocumentHash, err = core.ParseHash(f[5]); err != nil {
		return nil, m.ParcelID, bad(CodeBadField, "document_sha256: %q is not 64 hex digits", f[5])
	}
	den, err := parseInt("denominator", f[6])
	if err != nil {
		return nil, m.ParcelID, err
	}
	if den <= 0 {
		return nil, m.ParcelID, bad(CodeBadField, "denominator: must be positive, got %d", den)
	}
	m.Denominator = uint64(den)
	var sum uint64
	for part := range strings.SplitSeq(f[7], ";") {
		acct, shares, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			return nil, m.ParcelID, bad(CodeBadField, "owners: %q is not account:shares", part)
		}
		a, err := parseAddress("owners", acct)
		if err != nil {
			return nil, m.ParcelID, err
		}
		n, err := parseInt("owners", shares)
		if err != nil {
			return nil, m.ParcelID, err
		}
		if n <= 0 {
			return nil, m.ParcelID, bad(CodeShares, "owners: %s holds %d shares, must be positive", acct, n)
		}
		if slices.ContainsFunc(m.Owners, func(s land.Share) bool { return s.Account == a }) {
			return nil, m.ParcelID, bad(CodeBadField, "owners: %s is listed twice", a)
		}
		m.Owners = append(m.Owners, land.Share{Account: a, Shares: uint64(n)})
		sum += uint64(n)
	}
	if sum != m.Denominator {
		return nil, m.ParcelID, bad(CodeShares, "owners' shares sum to %d, denominator is %d", sum, m.Denominator)
	}
	slices.SortFunc(m.Owners, func(a, b land.Share) int { return a.Account.Compare(b.Account) })
	if err := validate(m, CodeInvalid); err != nil {
		return nil, m.ParcelID, err
	}
	if f[8] == "" {
		return m, m.ParcelID, nil
	}
	liens, err := parseLiens(f[8], m.DocumentHash)
	if err != nil {
		return nil, m.ParcelID, err
	}
	return parcelWithLiens{RegisterParcel: m, Liens: liens}, m.ParcelID, nil
}

// MaxLiens is the most liens a parcel row may carry.
const MaxLiens = 16

// lienRefPrefix starts the reference of an imported lien; the lien's
// registration date in the legacy registry follows.
const lienRefPrefix = "registered "

// parseLiens parses a parcels row's liens column: lender:amount:currency:
// registered entries separated by ";" (an account, whole minor units, an
// ISO 4217 code, a date YYYY-MM-DD), each the lien of a bank on the parcel
// whose title deed has SHA-256 deed. They are sorted by date, lender,
// amount and currency.
func parseLiens(s string, deed core.Hash) ([]land.ImportedLien, error) {
	var out []land.ImportedLien
	for part := range strings.SplitSeq(s, ";") {
		f := strings.Split(strings.TrimSpace(part), ":")
		if len(f) != 4 {
			return nil, bad(CodeBadField, "liens: %q is not lender:amount:currency:registered", part)
		}
		bank, err := parseAddress("liens", f[0])
		if err != nil {
			return nil, err
		}
		amount, err := parseInt("liens", f[1])
		if err != nil {
			return nil, err
		}
		date, err := time.Parse(time.DateOnly, f[3])
		if err != nil {
			return nil, bad(CodeBadField, "liens: registered %q is not a date YYYY-MM-DD", f[3])
		}
		l := land.ImportedLien{Bank: bank, Amount: amount, Currency: strings.ToUpper(f[2]),
			Reference: lienRefPrefix + date.Format(time.DateOnly), DocumentHash: deed}
		if err := l.Validate(); err != nil {
			return nil, &Reject{Code: CodeInvalid, ResultCode: core.ResultCode(err), Reason: err.Error()}
		}
		if slices.Contains(out, l) {
			return nil, bad(CodeBadField, "liens: %q is listed twice", part)
		}
		out = append(out, l)
	}
	if len(out) > MaxLiens {
		return nil, bad(CodeBadField, "liens: %d liens, at most %d", len(out), MaxLiens)
	}
	slices.SortFunc(out, func(a, b land.ImportedLien) int {
		if c := strings.Compare(a.Reference, b.Reference); c != 0 {
			return c
		}
		if c := a.Bank.Compare(b.Bank); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Amount, b.Amount); c != 0 {
			return c
		}
		return strings.Compare(a.Currency, b.Currency)
	})
	return out, nil
}

// parcelWithLiens is a parcels row with liens: the parcel's registration,
// then each lien recorded on it in order (land.ImportLien), signed by the
// same importing land registrar.
type parcelWithLiens struct {
	land.RegisterParcel
	Liens []land.ImportedLien
}

// Validate implements core.Msg.
func (m parcelWithLiens) Validate() error {
	if err := m.RegisterParcel.Validate(); err != nil {
		return err
	}
	for _, l := range m.Liens {
		if err := l.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// Exec implements core.Msg.
func (m parcelWithLiens) Exec(ctx *core.Context) error {
	if err := m.RegisterParcel.Exec(ctx); err != nil {
		return err
	}
	for _, l := range m.Liens {
		if err := land.ImportLien(ctx, m.ParcelID, l); err != nil {
			return err
		}
	}
	return nil
}

func parcelFields(msg core.Msg) []string {
	var liens []string
	if pl, ok := msg.(parcelWithLiens); ok {
		msg = pl.RegisterParcel
		for _, l := range pl.Liens {
			liens = append(liens, l.Bank.String()+":"+strconv.FormatInt(l.Amount, 10)+":"+l.Currency+":"+
				strings.TrimPrefix(l.Reference, lienRefPrefix))
		}
	}
	m := msg.(land.RegisterParcel)
	owners := make([]string, len(m.Owners))
	for i, o := range m.Owners {
		owners[i] = o.Account.String() + ":" + strconv.FormatUint(o.Shares, 10)
	}
	return []string{m.ParcelID, m.CadastralRef, strconv.FormatInt(m.AreaM2, 10), m.Location, m.Description,
		m.DocumentHash.String(), strconv.FormatUint(m.Denominator, 10), strings.Join(owners, ";"), strings.Join(liens, ";")}
}

func parseVehicle(f []string) (core.Msg, string, error) {
	m := vehicle.RegisterVehicle{VIN: strings.ToUpper(f[0]), CheckDigitScheme: strings.ToLower(f[1]),
		Make: f[2], Model: f[3], Colour: f[5], Plate: strings.ToUpper(f[6])}
	if err := vehicle.ValidateVIN(m.VIN, m.CheckDigitScheme); err != nil {
		return nil, m.VIN, &Reject{Code: CodeVIN, ResultCode: core.ResultCode(err), Reason: err.Error()}
	}
	var err error
	if m.Year, err = parseInt("year", f[4]); err != nil {
		return nil, m.VIN, err
	}
	if m.Owner, err = parseAddress("owner", f[7]); err != nil {
		return nil, m.VIN, err
	}
	if f[8] != "" {
		if m.TaxLiable, err = parseAddress("tax_liable", f[8]); err != nil {
			return nil, m.VIN, err
		}
	}
	if m.OdometerKM, err = parseInt("odometer_km", f[9]); err != nil {
		return nil, m.VIN, err
	}
	return m, m.VIN, validate(m, CodeInvalid)
}

func vehicleFields(msg core.Msg) []string {
	m := msg.(vehicle.RegisterVehicle)
	tax := ""
	if !m.TaxLiable.IsZero() {
		tax = m.TaxLiable.String()
	}
	return []string{m.VIN, m.CheckDigitScheme, m.Make, m.Model, strconv.FormatInt(m.Year, 10), m.Colour,
		m.Plate, m.Owner.String(), tax, strconv.FormatInt(m.OdometerKM, 10)}
}

// asReject returns err as a *Reject, or a new one of code with err's text.
func asReject(err error, code string) *Reject {
	var r *Reject
	if errors.As(err, &r) {
		return r
	}
	return &Reject{Code: code, ResultCode: core.ResultCode(err), Reason: err.Error()}
}

func parsePerson(f []string) (core.Msg, string, error) {
	m := identity.RegisterPerson{PersonID: f[0]}
	var err error
	if m.DocumentHash, err = core.ParseHash(f[1]); err != nil {
		return nil, m.PersonID, bad(CodeBadField, "document_sha256: %q is not 64 hex digits", f[1])
	}
	for part := range strings.SplitSeq(f[2], ";") {
		attr, hash, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok {
			return nil, m.PersonID, bad(CodeBadField, "commitments: %q is not attribute:sha256", part)
		}
		h, err := core.ParseHash(hash)
		if err != nil {
			return nil, m.PersonID, bad(CodeBadField, "commitments: %q is not 64 hex digits", hash)
		}
		m.Commitments = append(m.Commitments, identity.Commitment{Attribute: attr, Commitment: h})
	}
	slices.SortFunc(m.Commitments, func(a, b identity.Commitment) int { return strings.Compare(a.Attribute, b.Attribute) })
	return m, m.PersonID, validate(m, CodeInvalid)
}

func personFields(msg core.Msg) []string {
	m := msg.(identity.RegisterPerson)
	list := make([]string, len(m.Commitments))
	for i, c := range m.Commitments {
		list[i] = c.Attribute + ":" + c.Commitment.String()
	}
	return []string{m.PersonID, m.DocumentHash.String(), strings.Join(list, ";")}
}
