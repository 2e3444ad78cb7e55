package notary

import "github.com/govchain/govchain/app/core"

// The notary registry's sentinels, in a fixed order that never changes:
// the abci layer gives each its own stable result code. New sentinels are
// appended at the end. A signer without any role is refused with
// core.ErrMissingRole.
var (
	// ErrInvalidMessage is the sentinel of every stateless refusal
	// (Validate); kind core.ErrInvalid.
	ErrInvalidMessage = core.NewError(core.ErrInvalid, "notary: invalid message")
	// ErrUnknownQuery: the query path is not one of the registry's paths, or
	// the hash in it is not 64 lower-case hex digits.
	ErrUnknownQuery = core.NewError(core.ErrInvalid, "notary: unknown query path")
	// ErrDocumentNotFound: the hash was never anchored. The query's
	// *core.NotFound carries the key whose absence proves it.
	ErrDocumentNotFound = core.NewError(core.ErrNotFound, "notary: document not anchored")
)

// Errors lists every sentinel of this package in its fixed order, for the
// abci layer's code table and for tests. The slice must not be modified.
var Errors = []*core.Error{ErrInvalidMessage, ErrUnknownQuery, ErrDocumentNotFound}

// invalidf returns ErrInvalidMessage with a detail.
func invalidf(format string, args ...any) error {
	return core.Wrapf(ErrInvalidMessage, format, args...)
}
