package abci

import (
	"errors"
	"slices"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/agency"
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/app/gov"
	"github.com/govchain/govchain/app/identity"
	"github.com/govchain/govchain/app/invoice"
	"github.com/govchain/govchain/app/land"
	"github.com/govchain/govchain/app/notary"
	"github.com/govchain/govchain/app/vehicle"
)

// Codespace is the codespace of every non-zero result code.
const Codespace = "govchain"

// Result codes. 0 is success. CodeInternal is any error the table does not
// know, logged as "internal error".
const (
	CodeOK       uint32 = 0
	CodeInternal uint32 = 1
)

// codeEntry maps a sentinel to its code.
type codeEntry struct {
	err  error
	code uint32
}

// codeTable is append-only: a code, once released, keeps its meaning
// forever. Entries are matched in order with errors.Is, so specific
// sentinels come before the kinds they wrap.
var codeTable = slices.Concat(coreCodes,
	registryCodes(200, land.Errors),
	registryCodes(300, vehicle.Errors),
	registryCodes(400, identity.Errors),
	registryCodes(500, invoice.Errors),
	registryCodes(600, notary.Errors),
	registryCodes(700, gov.Errors),
)

var coreCodes = []codeEntry{
	// Envelope and authorisation: 2-19.
	{core.ErrTxTooLarge, 2},
	{core.ErrMalformedTx, 3},
	{core.ErrNonCanonical, 4},
	{core.ErrWrongChainID, 5},
	{core.ErrBadSignature, 6},
	{core.ErrWrongSequence, 7},
	{core.ErrUnknownMsgType, 8},
	{core.ErrMissingRole, 9},
	{core.ErrNotAgencyAdmin, 10},
	{core.ErrAccountDisabled, 11},
	{core.ErrInvalidAddress, 12},
	{core.ErrInvalidPublicKey, 13},
	{core.ErrReplay, 14},
	{core.ErrKeyRotated, 15},
	{core.ErrKeyInUse, 16},
	{core.ErrSameKey, 17},
	{core.ErrNoSuchSigner, 18},
	// Queries: 20-29.
	{app.ErrUnknownQueryPath, 20},
	{app.ErrNoState, 21},
	{app.ErrVersionUnavailable, 22},
	{app.ErrKeyNotFound, 23},
	{app.ErrAccountNotFound, 24},
	{app.ErrKeyNotBound, 25},
	// Agency registry: 100-199.
	{agency.ErrRoleNotGrantable, 100},
	{agency.ErrAlreadyGranted, 101},
	{agency.ErrNotGranted, 102},
	{agency.ErrNotGrantor, 103},
	{agency.ErrUnknownRole, 104},
	{agency.ErrAgencyNotFound, 105},
	{agency.ErrUnknownPath, 106},
}

// kindTable gives the code of an error that is of a known kind but has no
// sentinel of its own in codeTable (for instance a registry refusal wrapped
// only with its kind).
var kindTable = []codeEntry{
	{core.ErrInvalid, 90},
	{core.ErrNotFound, 91},
	{core.ErrUnauthorized, 92},
	{core.ErrConflict, 93},
}

// registryCodes numbers a registry's sentinels from base in the registry's
// own append-only order, so a sentinel appended there gets the next free
// code and no released code moves. Each registry owns 100 codes.
func registryCodes(base uint32, errs []*core.Error) []codeEntry {
	if len(errs) > 100 {
		panic("abci: a registry has more than 100 sentinels")
	}
	out := make([]codeEntry, 0, len(errs))
	for i, e := range errs {
		out = append(out, codeEntry{e, base + uint32(i)})
	}
	return out
}

// Code returns the stable result code of err (0 for nil).
func Code(err error) uint32 {
	if err == nil {
		return CodeOK
	}
	for _, e := range codeTable {
		if errors.Is(err, e.err) {
			return e.code
		}
	}
	for _, e := range kindTable {
		if errors.Is(err, e.err) {
			return e.code
		}
	}
	return CodeInternal
}

// Log returns the readable message for err: its text for known errors,
// and for unknown ones "internal error: <text>".
func Log(err error) string {
	if err == nil {
		return ""
	}
	if Code(err) == CodeInternal {
		return "internal error: " + err.Error()
	}
	return err.Error()
}

// CodeInfo is one released result code and the error it stands for.
type CodeInfo struct {
	Code    uint32
	Meaning string
	// Err is the sentinel (or, for a kind fallback, the kind) the code
	// stands for.
	Err error
}

// Codes lists every released result code in table order: the specific
// sentinels, then the kind fallbacks. Codes 0 (success) and 1 (internal
// error) are not listed.
func Codes() []CodeInfo {
	out := make([]CodeInfo, 0, len(codeTable)+len(kindTable))
	for _, e := range codeTable {
		out = append(out, CodeInfo{e.code, e.err.Error(), e.err})
	}
	for _, e := range kindTable {
		out = append(out, CodeInfo{e.code, "other refusal of kind " + e.err.Error(), e.err})
	}
	return out
}
