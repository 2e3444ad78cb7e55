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

// Error is a sentinel with a readable message that belongs to a kind, and
// usually its own result code. errors.Is(e, kind) holds; the message does
// not repeat the kind.
type Error struct {
	msg  string
	kind error
	code uint32
}

// NewCodedError returns a sentinel of the given kind with its own result
// code, written here beside the sentinel as released: codes are hashed
// into block results, so a code once released keeps its number and its
// meaning forever (abci/testdata/codes.txt holds the whole table and a
// test compares it). A module's codes lie in its own range (Module.Codes)
// and it lists every coded sentinel in Module.Errors. Messages are lower
// case and start with the package name ("land: parcel not found").
func NewCodedError(code uint32, kind error, msg string) *Error {
	return &Error{msg: msg, kind: kind, code: code}
}

// NewError returns a sentinel of the given kind without a code of its
// own: its result code is its kind's (an answer that needs no code of its
// own, such as a query's not-found of an internal table).
func NewError(kind error, msg string) *Error { return &Error{msg: msg, kind: kind} }

// Code returns the sentinel's own result code, or 0 if its kind decides.
func (e *Error) Code() uint32 { return e.code }

// Kind returns the error kind the sentinel belongs to.
func (e *Error) Kind() error { return e.kind }

// Error implements error.
func (e *Error) Error() string { return e.msg }

// Unwrap returns the kind.
func (e *Error) Unwrap() error { return e.kind }

// IsRefusal reports whether err is a rule's refusal (of one of the four
// kinds) rather than an internal error such as a storage failure.
func IsRefusal(err error) bool {
	for _, k := range []error{ErrInvalid, ErrNotFound, ErrUnauthorized, ErrConflict} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}

// Result codes that no sentinel carries: success, an internal error (an
// error of no known kind), and the code of each kind for an error that
// has a kind but no coded sentinel.
const (
	CodeOK           uint32 = 0
	CodeInternal     uint32 = 1
	CodeInvalid      uint32 = 90
	CodeNotFound     uint32 = 91
	CodeUnauthorized uint32 = 92
	CodeConflict     uint32 = 93
)

// ResultCode returns the stable result code of err: 0 for nil; else the
// lowest code of the coded sentinels (NewCodedError) in err's chain; else
// the code of its kind (90-93); else CodeInternal. The abci layer reports
// it, and the app records it where a refusal is itself recorded
// (Recorder).
func ResultCode(err error) uint32 {
	if err == nil {
		return CodeOK
	}
	if c := lowestCode(err); c != 0 {
		return c
	}
	for _, k := range []struct {
		kind error
		code uint32
	}{{ErrInvalid, CodeInvalid}, {ErrNotFound, CodeNotFound}, {ErrUnauthorized, CodeUnauthorized}, {ErrConflict, CodeConflict}} {
		if errors.Is(err, k.kind) {
			return k.code
		}
	}
	return CodeInternal
}

// lowestCode walks err's chain (every branch of a joined error too) and
// returns the lowest code of a coded sentinel in it, or 0.
func lowestCode(err error) uint32 {
	var low uint32
	var walk func(error)
	walk = func(e error) {
		for e != nil {
			if s, ok := e.(*Error); ok && s.code != 0 && (low == 0 || s.code < low) {
				low = s.code
			}
			switch u := e.(type) {
			case interface{ Unwrap() []error }:
				for _, x := range u.Unwrap() {
					walk(x)
				}
				return
			case interface{ Unwrap() error }:
				e = u.Unwrap()
			default:
				return
			}
		}
	}
	walk(err)
	return low
}

// Wrapf returns an error that is errors.Is both err and the detail: it
// prints "<err>: <detail>".
func Wrapf(err error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", err, fmt.Sprintf(format, args...))
}

// Envelope and authorisation sentinels: the refusals every transaction can
// meet before its message runs (codes 2-19).
var (
	ErrTxTooLarge       = NewCodedError(2, ErrInvalid, "tx: transaction too large")
	ErrMalformedTx      = NewCodedError(3, ErrInvalid, "tx: malformed transaction")
	ErrNonCanonical     = NewCodedError(4, ErrInvalid, "tx: transaction is not in canonical encoding")
	ErrWrongChainID     = NewCodedError(5, ErrInvalid, "tx: wrong chain id")
	ErrBadSignature     = NewCodedError(6, ErrUnauthorized, "tx: signature does not verify")
	ErrWrongSequence    = NewCodedError(7, ErrConflict, "tx: wrong sequence")
	ErrReplay           = NewCodedError(14, ErrConflict, "tx: sequence already used (replay)")
	ErrUnknownMsgType   = NewCodedError(8, ErrInvalid, "tx: unknown message type")
	ErrMissingRole      = NewCodedError(9, ErrUnauthorized, "auth: signer lacks the required role")
	ErrNotAgencyAdmin   = NewCodedError(10, ErrUnauthorized, "auth: signer is not an admin of the agency")
	ErrAccountDisabled  = NewCodedError(11, ErrUnauthorized, "auth: account can no longer sign")
	ErrInvalidAddress   = NewCodedError(12, ErrInvalid, "tx: invalid account address")
	ErrInvalidPublicKey = NewCodedError(13, ErrInvalid, "tx: invalid public key")
	// ErrBusy refuses a valid transaction at admission because the node
	// already holds as much pending work as it admits: nothing is wrong
	// with the transaction, and the same bytes may be sent again later
	// (after a block or two). It is answered by CheckTx only and never
	// recorded in a block.
	ErrBusy = NewCodedError(19, ErrConflict, "tx: node is busy, retry later")
)

// Errors lists the coded sentinels of this package (codes 2-19): the
// envelope, authorisation and signer refusals.
var Errors = []*Error{
	ErrTxTooLarge, ErrMalformedTx, ErrNonCanonical, ErrWrongChainID, ErrBadSignature, ErrWrongSequence,
	ErrUnknownMsgType, ErrMissingRole, ErrNotAgencyAdmin, ErrAccountDisabled, ErrInvalidAddress,
	ErrInvalidPublicKey, ErrReplay, ErrKeyRotated, ErrKeyInUse, ErrSameKey, ErrNoSuchSigner, ErrBusy,
}
