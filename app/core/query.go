package core

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/govchain/govchain/state"
)

// The building blocks of the registries' query answers. A registry's
// Query resolves a path to the key its answer rests on and answers with
// one of these, so that every registry proves a record, a list anchored on
// a record, or a prefix scan in the same way.

// QuerySingle answers one record: Key and Value are the stored key and its
// exact bytes. A missing record is a *NotFound carrying key (whose absence
// proof the node attaches) and notFound.
func QuerySingle(r state.Reader, key []byte, notFound error) (*QueryResult, error) {
	v, err := r.Get(key)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, &NotFound{Key: key, Err: notFound}
	}
	return &QueryResult{Key: key, Value: v}, nil
}

// Single returns the Answer of one record: QuerySingle with notFound.
func Single(notFound error) Answer {
	return func(r state.Reader, key []byte) (*QueryResult, error) {
		return QuerySingle(r, key, notFound)
	}
}

// QueryList answers a list anchored on the record under anchor: Key and
// Value are the anchor's, and Entries holds the anchor first, then the
// value of every key keysOf derives from the anchor's stored bytes, in
// that order. A missing anchor is a *NotFound with notFound; a listed key
// that is missing means the state is inconsistent and is an internal
// error (never a NotFound).
func QueryList(r state.Reader, anchor []byte, notFound error, keysOf func(value []byte) ([][]byte, error)) (*QueryResult, error) {
	res, err := QuerySingle(r, anchor, notFound)
	if err != nil {
		return nil, err
	}
	keys, err := keysOf(res.Value)
	if err != nil {
		return nil, err
	}
	res.Entries = append(make([]KVPair, 0, len(keys)+1), KVPair{Key: anchor, Value: res.Value})
	for _, k := range keys {
		v, err := r.Get(k)
		if err != nil {
			return nil, err
		}
		if v == nil {
			return nil, fmt.Errorf("query: the record under %x lists key %x, which is missing", anchor, k)
		}
		res.Entries = append(res.Entries, KVPair{Key: k, Value: v})
	}
	return res, nil
}

// QueryListOf is QueryList for an anchor holding a JSON record of type T:
// keysOf derives the listed keys from the decoded record.
func QueryListOf[T any](r state.Reader, anchor []byte, notFound error, keysOf func(*T) [][]byte) (*QueryResult, error) {
	return QueryList(r, anchor, notFound, func(v []byte) ([][]byte, error) {
		var rec T
		if err := json.Unmarshal(v, &rec); err != nil {
			return nil, fmt.Errorf("query: the record under %x does not decode: %w", anchor, err)
		}
		return keysOf(&rec), nil
	})
}

// QueryPrefix answers a list anchored on the record under anchor whose
// entries are every key under prefix, in key order: Entries holds the
// anchor first, then each (key, value). A missing anchor is a *NotFound
// with notFound.
func QueryPrefix(r state.Reader, anchor []byte, notFound error, prefix []byte) (*QueryResult, error) {
	res, err := QuerySingle(r, anchor, notFound)
	if err != nil {
		return nil, err
	}
	res.Entries = []KVPair{{Key: anchor, Value: res.Value}}
	it, err := r.Iterator(prefix, state.PrefixEnd(prefix), true)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	for ; it.Valid(); it.Next() {
		res.Entries = append(res.Entries, KVPair{Key: slices.Clone(it.Key()), Value: slices.Clone(it.Value())})
	}
	if err := it.Error(); err != nil {
		return nil, err
	}
	return res, nil
}

// ParseQueryID parses a numeric record id in a query path: a positive
// decimal number in canonical form (no sign, no leading zeros). Anything
// else is unknown (the registry's unknown-query sentinel) wrapped with the
// reason.
func ParseQueryID(s string, unknown error) (uint64, error) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 || strconv.FormatUint(n, 10) != s {
		return 0, Wrapf(unknown, "id %q must be a positive decimal number", s)
	}
	return n, nil
}

// IDKeys maps record ids to their keys, in order.
func IDKeys(keyOf func(uint64) []byte, ids []uint64) [][]byte {
	keys := make([][]byte, 0, len(ids))
	for _, id := range ids {
		keys = append(keys, keyOf(id))
	}
	return keys
}

// SeqKeys returns the keys of sequence numbers 0 to n-1, in order (a
// record's history entries, say).
func SeqKeys(n uint64, keyOf func(uint64) []byte) [][]byte {
	keys := make([][]byte, 0, n)
	for s := uint64(0); s < n; s++ {
		keys = append(keys, keyOf(s))
	}
	return keys
}

// The Answers and path parsers a module's resolver is built from: each
// names the key an answer rests on (Resolver) and answers from it, so
// every module answers a record, a list anchored on a record, a history or
// a prefix scan, and refuses a malformed segment, in the same way.

// ListOf returns the Answer of a list anchored on a JSON record of type T:
// QueryListOf with notFound and keysOf.
func ListOf[T any](notFound error, keysOf func(*T) [][]byte) Answer {
	return func(r state.Reader, key []byte) (*QueryResult, error) {
		return QueryListOf(r, key, notFound, keysOf)
	}
}

// HistoryOf returns the Answer of a record's history: a NumberedList
// whose anchor is the record, counted by its history_count, with entry
// seq under keyOf(seq). A missing record is a *NotFound with notFound.
func HistoryOf(notFound error, keyOf func(seq uint64) []byte) Answer {
	return (&NumberedList{NotFound: notFound, CountField: "history_count", EntryKey: keyOf}).Answer
}

// PrefixOf returns the Answer of a list anchored on a record whose entries
// are every key under prefix, in key order: QueryPrefix with notFound.
func PrefixOf(notFound error, prefix []byte) Answer {
	return func(r state.Reader, key []byte) (*QueryResult, error) {
		return QueryPrefix(r, key, notFound, prefix)
	}
}

// SingleByID resolves a path segment naming a numeric record id
// (ParseQueryID, refused with unknown) to the record's key, keyOf(id), and
// its single-record Answer with notFound.
func SingleByID(seg string, unknown error, keyOf func(uint64) []byte, notFound error) ([]byte, Answer, error) {
	id, err := ParseQueryID(seg, unknown)
	if err != nil {
		return nil, nil, err
	}
	return keyOf(id), Single(notFound), nil
}

// ParseQueryAddress parses an account in a query path: 40 lower-case hex
// digits, its one canonical form. Anything else is unknown (the module's
// unknown-query sentinel) wrapped with the reason.
func ParseQueryAddress(s string, unknown error) (Address, error) {
	a, err := ParseAddress(s)
	if err != nil || a.String() != s {
		return Address{}, Wrapf(unknown, "account %q must be 40 lower-case hex digits", s)
	}
	return a, nil
}

// ParseQueryIdent parses an external identifier in a query path
// (ValidateID, naming it what). Anything else is unknown wrapped with the
// reason.
func ParseQueryIdent(what, s string, unknown error) (string, error) {
	if err := ValidateID(what, s); err != nil {
		return "", Wrapf(unknown, "%v", err)
	}
	return s, nil
}
