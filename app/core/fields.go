package core

import (
	"strings"
	"time"
)

// Fields checks the fields most messages share, for one module: each
// method returns nil, or the module's invalid-message sentinel (kind
// ErrInvalid) wrapped with what is wrong, so that every module words the
// same mistake the same way. The zero value is not usable; a module keeps
// one, core.Fields{Invalid: ErrInvalidMessage}.
type Fields struct {
	// Invalid is the module's sentinel of a stateless refusal.
	Invalid error
}

// Invalidf returns the module's invalid-message sentinel with a detail.
func (f Fields) Invalidf(format string, args ...any) error {
	return Wrapf(f.Invalid, format, args...)
}

// Text accepts printable text of at most max bytes (Printable), and
// refuses an empty one if required.
func (f Fields) Text(field, s string, required bool, max int) error {
	if required && s == "" {
		return f.Invalidf("%s must not be empty", field)
	}
	if err := Printable(s, max); err != nil {
		return f.Invalidf("%s: %v", field, err)
	}
	return nil
}

// Hash accepts any SHA-256 but the zero hash.
func (f Fields) Hash(field string, h Hash) error {
	if h.IsZero() {
		return f.Invalidf("%s must not be zero", field)
	}
	return nil
}

// Positive accepts a sequential record id (or any count) above zero.
func (f Fields) Positive(field string, n uint64) error {
	if n == 0 {
		return f.Invalidf("%s must be positive", field)
	}
	return nil
}

// ID accepts an external identifier (ValidateID).
func (f Fields) ID(field, id string) error {
	if err := ValidateID(field, id); err != nil {
		// ValidateID's text starts with its kind; the module's sentinel
		// already says the message is invalid.
		return f.Invalidf("%s", strings.TrimPrefix(err.Error(), ErrInvalid.Error()+": "))
	}
	return nil
}

// UTC accepts a non-zero time in UTC, so that its JSON form is canonical
// ("...Z").
func (f Fields) UTC(field string, t time.Time) error {
	if t.IsZero() {
		return f.Invalidf("%s must be set", field)
	}
	if t.Location() != time.UTC {
		return f.Invalidf("%s must be in UTC (suffix Z)", field)
	}
	return nil
}

// Currency accepts an ISO 4217 alphabetic code: three upper-case ASCII
// letters.
func (f Fields) Currency(c string) error {
	ok := len(c) == 3
	for i := 0; ok && i < 3; i++ {
		ok = c[i] >= 'A' && c[i] <= 'Z'
	}
	if !ok {
		return f.Invalidf("currency must be an ISO 4217 code (3 upper-case letters), got %q", c)
	}
	return nil
}

// Lien accepts the terms of a bank's lien on a record: a positive amount
// of minor units of an ISO 4217 currency, a reference of 1 to maxRef bytes
// of text (the bank's loan number) and the SHA-256 of the signed
// agreement.
func (f Fields) Lien(amount int64, currency, reference string, maxRef int, document Hash) error {
	if amount <= 0 {
		return f.Invalidf("amount must be positive")
	}
	if err := f.Currency(currency); err != nil {
		return err
	}
	if err := f.Text("reference", reference, true, maxRef); err != nil {
		return err
	}
	return f.Hash("document_hash", document)
}
