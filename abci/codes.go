package abci

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/app/core"
)

// Codespace is the codespace of every non-zero result code.
const Codespace = "govchain"

// Result codes. 0 is success. CodeInternal is any error the table does not
// know, logged as "internal error".
const (
	CodeOK       = core.CodeOK
	CodeInternal = core.CodeInternal
)

// codeEntry maps a sentinel to its code.
type codeEntry struct {
	err  error
	code uint32
}

// codeTable holds every coded sentinel, sorted by code: the envelope and
// authorisation refusals (core, 2-19), the query refusals (app, 20-29),
// then each module's (100 codes each, core.Module's Codes). Each code is written beside its
// sentinel (core.NewCodedError) and never changes; testdata/codes.txt
// holds the whole released table. Code matches entries in order with
// The table lists the codes; Code reads them from the sentinels
// themselves (core.ResultCode), so of two coded sentinels in one error
// chain the lower code wins, as the table's order did.
var codeTable = buildCodeTable(app.Modules)

// buildCodeTable sorts by code the sentinels of core, of app and of every
// module. It panics if a sentinel has no code or two share one: the table
// is fixed when the program is built, and such a table must never serve a
// block.
func buildCodeTable(mods []*core.Module) []codeEntry {
	lists := [][]*core.Error{core.Errors, app.Errors}
	for _, m := range mods {
		lists = append(lists, m.Errors)
	}
	var out []codeEntry
	owner := map[uint32]*core.Error{}
	for _, list := range lists {
		for _, e := range list {
			c := e.Code()
			if c == 0 || c == CodeInternal {
				panic(fmt.Sprintf("abci: sentinel %q has no result code of its own", e))
			}
			if prev, dup := owner[c]; dup {
				panic(fmt.Sprintf("abci: code %d is given to both %q and %q", c, prev, e))
			}
			owner[c] = e
			out = append(out, codeEntry{e, c})
		}
	}
	slices.SortFunc(out, func(a, b codeEntry) int { return cmp.Compare(a.code, b.code) })
	return out
}

// kindTable gives the code of an error that is of a known kind but has no
// sentinel of its own in codeTable (for instance a registry refusal wrapped
// only with its kind).
var kindTable = []codeEntry{
	{core.ErrInvalid, core.CodeInvalid},
	{core.ErrNotFound, core.CodeNotFound},
	{core.ErrUnauthorized, core.CodeUnauthorized},
	{core.ErrConflict, core.CodeConflict},
}

// Code returns the stable result code of err (core.ResultCode: 0 for nil,
// the lowest code of a coded sentinel in its chain, its kind's code, or
// CodeInternal).
func Code(err error) uint32 { return core.ResultCode(err) }

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
