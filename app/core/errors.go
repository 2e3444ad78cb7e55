package core

import (
	"errors"
	"fmt"
)

// Error kinds. Every error a transaction or query can be refused with is, or
// wraps, exactly one kind; the abci package maps specific sentinels to their
// own codes first and falls back to the kind's code. Unknown errors are
// internal errors.
var (
	// ErrInvalid marks a message that fails its stateless check.
	ErrInvalid = errors.New("invalid")
	// ErrNotFound marks a record that does not exist.
	ErrNotFound = errors.New("not found")
	// ErrUnauthorized marks a signer that lacks the role or ownership the
	// message needs.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrConflict marks a message that is well formed and authorised but not
	// allowed in the record's current state (already exists, frozen,
	// expired, wrong step of a workflow, ...).
	ErrConflict = errors.New("conflict")
)

// Error is a sentinel with a readable message that belongs to a kind.
// errors.Is(e, kind) holds; the message does not repeat the kind.
type Error struct {
	msg  string
	kind error
}

// NewError returns a sentinel of the given kind. Messages are lower case and
// start with the package name ("land: parcel not found").
func NewError(kind error, msg string) *Error { return &Error{msg: msg, kind: kind} }

// Error implements error.
func (e *Error) Error() string { return e.msg }

// Unwrap returns the kind.
func (e *Error) Unwrap() error { return e.kind }

// Wrapf returns an error that is errors.Is both err and the detail: it
// prints "<err>: <detail>".
func Wrapf(err error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", err, fmt.Sprintf(format, args...))
}

// Envelope and authorisation sentinels: the refusals every transaction can
// meet before its message runs.
var (
	ErrTxTooLarge       = NewError(ErrInvalid, "tx: transaction too large")
	ErrMalformedTx      = NewError(ErrInvalid, "tx: malformed transaction")
	ErrNonCanonical     = NewError(ErrInvalid, "tx: transaction is not in canonical encoding")
	ErrWrongChainID     = NewError(ErrInvalid, "tx: wrong chain id")
	ErrBadSignature     = NewError(ErrUnauthorized, "tx: signature does not verify")
	ErrWrongSequence    = NewError(ErrConflict, "tx: wrong sequence")
	ErrReplay           = NewError(ErrConflict, "tx: sequence already used (replay)")
	ErrUnknownMsgType   = NewError(ErrInvalid, "tx: unknown message type")
	ErrMissingRole      = NewError(ErrUnauthorized, "auth: signer lacks the required role")
	ErrNotAgencyAdmin   = NewError(ErrUnauthorized, "auth: signer is not an admin of the agency")
	ErrAccountDisabled  = NewError(ErrUnauthorized, "auth: account can no longer sign")
	ErrInvalidAddress   = NewError(ErrInvalid, "tx: invalid account address")
	ErrInvalidPublicKey = NewError(ErrInvalid, "tx: invalid public key")
)
