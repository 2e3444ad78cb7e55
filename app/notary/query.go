package notary

import (
	"strings"

	"github.com/govchain/govchain/app/core"
)

// resolve parses a notary query path (without the leading "notary") into the
// key its answer rests on (the document) and the function that answers it
// from that key. A malformed or unknown path is the error Module.Query
// refuses it with. Module.Query and Module.PathKey both resolve through
// here, so the key a node answers with and the key a client expects cannot
// differ.
//
// Its answers (Module.Query) are read from a committed view; values are
// the exact stored bytes. The paths are:
//
//	document/{sha256}           the anchored Document (Key, Value): a proof
//	                            of existence at its height and time
//	document/{sha256}/history   anchor: the Document (history_count), then
//	                            every history entry in order
//
// {sha256} is 64 lower-case hex digits, any of them: the all-zero hash is
// a lookup like any other (no transaction can anchor it, so it is always
// not found, provably). An unknown hash is a *core.NotFound
// (ErrDocumentNotFound) whose Key is DocumentKey(hash): with --prove, its
// absence proof shows the hash was never anchored. Any other path, or a
// malformed hash, is ErrUnknownQuery.
func resolve(path []string) ([]byte, core.Answer, error) {
	if (len(path) == 2 || len(path) == 3 && path[2] == "history") && path[0] == "document" {
		var h core.Hash
		if err := h.UnmarshalText([]byte(path[1])); err != nil {
			return nil, nil, core.Wrapf(ErrUnknownQuery, "hash %q must be 64 lower-case hex digits", path[1])
		}
		notFound := core.Wrapf(ErrDocumentNotFound, "%s", h)
		if len(path) == 3 {
			return DocumentKey(h), core.HistoryOf(notFound, func(seq uint64) []byte { return HistoryKey(h, seq) }), nil
		}
		return DocumentKey(h), core.Single(notFound), nil
	}
	return nil, nil, core.Wrapf(ErrUnknownQuery, "%q", strings.Join(path, "/"))
}
