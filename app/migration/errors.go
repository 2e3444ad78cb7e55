package migration

import "github.com/govchain/govchain/app/core"

// The module's sentinels, each with its released result code (1500-1599)
// beside it: a code never moves or changes meaning, and a new sentinel
// takes the next free code.
var (
	// ErrInvalidMessage is the sentinel of every stateless refusal but a
	// failed proof; kind core.ErrInvalid.
	ErrInvalidMessage = core.NewCodedError(1500, core.ErrInvalid, "migration: invalid message")
	// ErrUnknownQuery: the query path is not one of the module's.
	ErrUnknownQuery = core.NewCodedError(1501, core.ErrInvalid, "migration: unknown query path")
	// ErrCheckpointNotFound: no batch of the dump was imported.
	ErrCheckpointNotFound = core.NewCodedError(1502, core.ErrNotFound, "migration: no batch of this dump imported")
	// ErrNotInDump: the batch's rows are not the dump's rows at its
	// position (the proof against the root fails).
	ErrNotInDump = core.NewCodedError(1503, core.ErrInvalid, "migration: rows are not the dump's at that position")
	// ErrBatchImported: the batch's rows were imported already.
	ErrBatchImported = core.NewCodedError(1504, core.ErrConflict, "migration: batch already imported")
	// ErrBatchOutOfOrder: the batch starts after the dump's next row.
	ErrBatchOutOfOrder = core.NewCodedError(1505, core.ErrConflict, "migration: batch out of order")
	// ErrDumpMismatch: the batch names the root of a dump whose checkpoint
	// has another registry or row count.
	ErrDumpMismatch = core.NewCodedError(1506, core.ErrConflict, "migration: batch does not match the dump's checkpoint")
)

// Errors lists every coded sentinel of this package. The slice must not be
// modified.
var Errors = []*core.Error{ErrInvalidMessage, ErrUnknownQuery, ErrCheckpointNotFound, ErrNotInDump,
	ErrBatchImported, ErrBatchOutOfOrder, ErrDumpMismatch}

// fields words the stateless refusals of this package (core.Fields).
var fields = core.Fields{Invalid: ErrInvalidMessage}
