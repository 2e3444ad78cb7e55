package sharing

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// resolve parses a sharing query path (without the leading "sharing") into
// the key its answer rests on (the record, or the list's anchor) and the
// function that answers it from that key. A malformed or unknown path is
// the error Module.Query refuses it with. Module.Query and Module.PathKey
// both resolve through here, so the key a node answers with and the key a
// client expects cannot differ.
//
// Its answers (Module.Query) are read from a committed view; values are
// the exact stored bytes. The paths are:
//
//	purposes                    anchor: the purpose index (codes), then
//	                            each purpose in code order
//	purpose/{code}              a purpose
//	class/{agency}/{class}      a data class
//	key/{agency}/{key_id}       an agency key
//	keys/{agency}               anchor: the agency's key index (key_count),
//	                            then every key it registered, in key order
//	                            (shorter ids first, then bytes)
//	record/{agency}/{class}/{subject}
//	                            a record
//	record/{agency}/{class}/{subject}/history
//	                            anchor: the record (history_count), then
//	                            every history entry in order
//	grant/{id}                  a grant (id in decimal)
//	grants/{owner}/{grantee}    anchor: the pair (active_count), then each
//	                            active grant from owner to grantee, in id
//	                            order
//	grantee/{agency}            anchor: the grants the agency received
//	                            (grant_count), then the index entry of each
//	                            (grant id and owner), in id order
//	consent/{subject}/{agency}/{purpose}
//	                            a consent
//	consent/{subject}/{agency}/{purpose}/history
//	                            anchor: the consent (history_count), then
//	                            every history entry in order
//	request/{id}                an access request (id in decimal)
//	sealed                      anchor: the count of allowed covert
//	                            requests not disclosed, then the entry of
//	                            each (request id, subject, requester,
//	                            overseer, disclose_at), in id order; not
//	                            found before the first covert request
//	log/{subject}               anchor: the log head (count), then entries
//	                            0 to count-1 in order
//	log/{subject}/{seq}         one log entry (seq in decimal, from 0); a
//	                            not-found answer for seq = count proves the
//	                            log complete
//
// For a list answer, Key and Value are the anchor's and Entries holds the
// anchor first, then every entry. A missing record is a *core.NotFound
// with the key whose absence proves it and the module's not-found
// sentinel. A path not listed here, or a malformed segment in it, is
// ErrUnknownQuery (kind core.ErrInvalid).
func resolve(path []string) ([]byte, core.Answer, error) {
	ids := make([]string, 0, len(path))
	idents := func(names ...string) error {
		for i, n := range names {
			id, err := core.ParseQueryIdent(n, path[i+1], ErrUnknownQuery)
			if err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	}
	n := len(path)
	switch {
	case n == 1 && path[0] == "purposes":
		return PurposeIndexKey(), core.ListOf(ErrPurposeNotFound, func(idx *PurposeIndex) [][]byte {
			return stringKeys(PurposeKey, idx.Codes)
		}), nil
	case n == 2 && path[0] == "purpose":
		if err := idents("purpose code"); err != nil {
			return nil, nil, err
		}
		return PurposeKey(ids[0]), core.Single(ErrPurposeNotFound), nil
	case n == 3 && path[0] == "class":
		if err := idents("agency", "class id"); err != nil {
			return nil, nil, err
		}
		return ClassKey(ids[0], ids[1]), core.Single(ErrClassNotFound), nil
	case n == 3 && path[0] == "key":
		if err := idents("agency", "key id"); err != nil {
			return nil, nil, err
		}
		return AgencyKeyKey(ids[0], ids[1]), core.Single(ErrKeyNotFound), nil
	case n == 2 && path[0] == "keys":
		if err := idents("agency"); err != nil {
			return nil, nil, err
		}
		return KeyIndexKey(ids[0]), core.PrefixOf(ErrKeyNotFound, AgencyKeysPrefix(ids[0])), nil
	case (n == 4 || n == 5 && path[4] == "history") && path[0] == "record":
		if err := idents("agency", "class id", "subject"); err != nil {
			return nil, nil, err
		}
		a, c, s := ids[0], ids[1], ids[2]
		if n == 4 {
			return RecordKey(a, c, s), core.Single(ErrRecordNotFound), nil
		}
		return RecordKey(a, c, s), core.HistoryOf(ErrRecordNotFound, func(seq uint64) []byte { return RecordHistoryKey(a, c, s, seq) }), nil
	case n == 2 && path[0] == "grant":
		return core.SingleByID(path[1], ErrUnknownQuery, GrantKey, ErrGrantNotFound)
	case n == 3 && path[0] == "grants":
		if err := idents("owner", "grantee"); err != nil {
			return nil, nil, err
		}
		return PairKey(ids[0], ids[1]), pairGrants(PairGrantsPrefix(ids[0], ids[1])), nil
	case n == 2 && path[0] == "grantee":
		if err := idents("agency"); err != nil {
			return nil, nil, err
		}
		return GranteeKey(ids[0]), core.PrefixOf(ErrGrantNotFound, GranteeGrantsPrefix(ids[0])), nil
	case (n == 4 || n == 5 && path[4] == "history") && path[0] == "consent":
		if err := idents("subject", "agency", "purpose"); err != nil {
			return nil, nil, err
		}
		s, a, p := ids[0], ids[1], ids[2]
		if n == 4 {
			return ConsentKey(s, a, p), core.Single(ErrConsentNotFound), nil
		}
		return ConsentKey(s, a, p), core.HistoryOf(ErrConsentNotFound, func(seq uint64) []byte { return ConsentHistoryKey(s, a, p, seq) }), nil
	case n == 2 && path[0] == "request":
		return core.SingleByID(path[1], ErrUnknownQuery, RequestKey, ErrRequestNotFound)
	case n == 1 && path[0] == "sealed":
		return SealedIndexKey(), core.PrefixOf(ErrRequestNotFound, SealedPrefix()), nil
	case n == 2 && path[0] == "log":
		if err := idents("subject"); err != nil {
			return nil, nil, err
		}
		s := ids[0]
		log := &core.NumberedList{NotFound: ErrLogNotFound, CountField: "count", EntryKey: func(seq uint64) []byte { return LogEntryKey(s, seq) }}
		return LogHeadKey(s), log.Answer, nil
	case n == 3 && path[0] == "log":
		if err := idents("subject"); err != nil {
			return nil, nil, err
		}
		seq, err := parseSeq(path[2])
		if err != nil {
			return nil, nil, err
		}
		return LogEntryKey(ids[0], seq), core.Single(ErrLogNotFound), nil
	}
	return nil, nil, core.Wrapf(ErrUnknownQuery, "%q", strings.Join(path, "/"))
}

// pairGrants answers the active grants of a pair: the anchor, then the
// grant each index entry under prefix names, in id order. An index entry
// naming a missing grant is an inconsistent state (an internal error).
func pairGrants(prefix []byte) core.Answer {
	return func(r state.Reader, key []byte) (*core.QueryResult, error) {
		res, err := core.QueryPrefix(r, key, ErrGrantNotFound, prefix)
		if err != nil {
			return nil, err
		}
		refs := res.Entries[1:]
		res.Entries = res.Entries[:1:1]
		for _, e := range refs {
			var ref GrantRef
			if err := json.Unmarshal(e.Value, &ref); err != nil {
				return nil, fmt.Errorf("query: index entry %x does not decode: %w", e.Key, err)
			}
			k := GrantKey(ref.GrantID)
			v, err := r.Get(k)
			if err != nil {
				return nil, err
			}
			if v == nil {
				return nil, fmt.Errorf("query: index entry %x names grant %d, which is missing", e.Key, ref.GrantID)
			}
			res.Entries = append(res.Entries, core.KVPair{Key: k, Value: v})
		}
		return res, nil
	}
}

// stringKeys maps identifiers to their keys, in order.
func stringKeys(keyOf func(string) []byte, ids []string) [][]byte {
	keys := make([][]byte, 0, len(ids))
	for _, id := range ids {
		keys = append(keys, keyOf(id))
	}
	return keys
}

// parseSeq parses a log sequence number in a query path: a decimal number
// from 0 in canonical form.
func parseSeq(s string) (uint64, error) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || strconv.FormatUint(n, 10) != s {
		return 0, core.Wrapf(ErrUnknownQuery, "sequence number %q must be a decimal number from 0", s)
	}
	return n, nil
}
