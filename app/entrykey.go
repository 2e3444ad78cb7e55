package app

import (
	"github.com/govchain/govchain/app/core"
)

// EntryKey returns the store key of entry seq (counted from 0) of the
// numbered list a query path answers: every record's history (the
// ".../history" paths of every module) and /gov/evidence. ok is false for
// any other path, and for a path Query refuses.
//
// Like PathKey it reads no state and dispatches through the resolver the
// node answers with: the path's answer must be a core.NumberedList
// (core.HistoryOf builds one), found by core.NumberedListOf, and the key
// is that list's own EntryKey. So there is no second table of key
// layouts: a verifier binds a history's entries to exactly the keys the
// node answers with, and a complete certificate's absent key is the entry
// the node would list next.
func EntryKey(path string, seq uint64) (key []byte, ok bool) {
	l, ok := numberedList(path)
	if !ok {
		return nil, false
	}
	return l.EntryKey(seq), true
}

// EntryCount returns how many entries the numbered list a query path
// answers has, read from anchor, the exact stored value of its anchor, as
// the node reads it to answer the path (core.NumberedList.Count: the
// record's history_count for a history, the index's count for
// /gov/evidence). ok is false for any path EntryKey does not know, or an
// anchor that carries no count.
func EntryCount(path string, anchor []byte) (n uint64, ok bool) {
	l, ok := numberedList(path)
	if !ok {
		return 0, false
	}
	n, err := l.Count(anchor)
	return n, err == nil
}

// numberedList returns the numbered list a query path answers.
func numberedList(path string) (*core.NumberedList, bool) {
	resolve, parts, err := resolverOf(path)
	if err != nil {
		return nil, false
	}
	_, answer, err := resolve(parts)
	if err != nil {
		return nil, false
	}
	return core.NumberedListOf(answer)
}
