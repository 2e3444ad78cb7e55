package notary

import "github.com/govchain/govchain/app/core"

// The notary registry's sentinels, each with its released result code
// (600-699) written beside it: a code never moves or changes meaning, and a
// new sentinel takes the next free code. Exec and Query return these
// (possibly wrapped with detail by core.Wrapf), so errors.Is(err, ErrXxx)
// and errors.Is(err, kind) both hold. A signer without any role is refused
// with core.ErrMissingRole.
var (
	// ErrInvalidMessage is the sentinel of every stateless refusal
	// (Validate); kind core.ErrInvalid.
	ErrInvalidMessage = core.NewCodedError(600, core.ErrInvalid, "notary: invalid message")
	// ErrUnknownQuery: the query path is not one of the registry's paths, or
	// the hash in it is not 64 lower-case hex digits.
	ErrUnknownQuery = core.NewCodedError(601, core.ErrInvalid, "notary: unknown query path")
	// ErrDocumentNotFound: the hash was never anchored. The query's
	// *core.NotFound carries the key whose absence proves it.
	ErrDocumentNotFound = core.NewCodedError(602, core.ErrNotFound, "notary: document not anchored")
)

// Errors lists every coded sentinel of this package, for the module's code
// table and for tests. The slice must not be modified.
var Errors = []*core.Error{ErrInvalidMessage, ErrUnknownQuery, ErrDocumentNotFound}

// fields words the stateless refusals of this package (core.Fields).
var fields = core.Fields{Invalid: ErrInvalidMessage}
