package notary

import (
	"fmt"
	"strings"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
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
		withHistory := len(path) == 3
		return DocumentKey(h), func(r state.Reader, key []byte) (*core.QueryResult, error) {
			return document(r, key, h, withHistory)
		}, nil
	}
	return nil, nil, core.Wrapf(ErrUnknownQuery, "%q", strings.Join(path, "/"))
}

// document answers document/{sha256} from the Document of h under key,
// followed, if withHistory, by every history entry.
func document(r state.Reader, key []byte, h core.Hash, withHistory bool) (*core.QueryResult, error) {
	v, err := r.Get(key)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, &core.NotFound{Key: key, Err: core.Wrapf(ErrDocumentNotFound, "%s", h)}
	}
	res := &core.QueryResult{Key: key, Value: v}
	if !withHistory {
		return res, nil
	}
	var d Document
	if _, err := core.GetJSON(r, key, &d); err != nil {
		return nil, err
	}
	res.Entries = []core.KVPair{{Key: key, Value: v}}
	for seq := uint64(0); seq < d.HistoryCount; seq++ {
		k := HistoryKey(h, seq)
		hv, err := r.Get(k)
		if err != nil {
			return nil, err
		}
		if hv == nil {
			return nil, fmt.Errorf("notary: document %s lists history entry %d that is missing", h, seq)
		}
		res.Entries = append(res.Entries, core.KVPair{Key: k, Value: hv})
	}
	return res, nil
}
