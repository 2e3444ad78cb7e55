package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/govchain/govchain/state"
)

// NumberedList is a list whose anchor record counts its entries: the
// anchor's JSON object holds the count in its member CountField, and
// entries 0 to count-1 are stored under EntryKey(seq). A record's history
// is one (HistoryOf, CountField "history_count"); so is any log whose head
// counts its entries.
//
// Its answer (Answer) is the anchor, then entries 0 to count-1 in order,
// derived from the count and nothing else. So a numbered list at a height
// is complete when its anchor's count is the number of entries and
// EntryKey(count) is absent, which a verifier checks from proofs alone
// once it knows EntryKey and the count field of the path it was asked:
// app.EntryKey and app.EntryCount find them with NumberedListOf, from the
// very Answer the node answers the path with, so they cannot drift apart.
type NumberedList struct {
	// NotFound is the error of a missing anchor (a *NotFound wraps it).
	NotFound error
	// CountField is the anchor's JSON member holding the count.
	CountField string
	// EntryKey is the store key of entry seq, counted from 0.
	EntryKey func(seq uint64) []byte
}

// Answer answers the list from its anchor under key: QueryList with the
// keys of entries 0 to Count(anchor)-1. Given a probe reader
// (NumberedListOf), it reports l to it and reads nothing.
func (l *NumberedList) Answer(r state.Reader, key []byte) (*QueryResult, error) {
	if p, ok := r.(*listProbe); ok {
		p.list = l
		return nil, errProbe
	}
	return QueryList(r, key, l.NotFound, func(anchor []byte) ([][]byte, error) {
		n, err := l.Count(anchor)
		if err != nil {
			return nil, err
		}
		return SeqKeys(n, l.EntryKey), nil
	})
}

// Count returns how many entries the list has: the anchor's CountField
// member, which must be present (not null) and a JSON number that fits a
// uint64.
// The node's answer and a verifier both read the count with it.
func (l *NumberedList) Count(anchor []byte) (uint64, error) {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(anchor, &members); err != nil {
		return 0, fmt.Errorf("core: a numbered list's anchor is not a JSON object: %w", err)
	}
	raw, ok := members[l.CountField]
	if !ok || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return 0, fmt.Errorf("core: a numbered list's anchor has no %q", l.CountField)
	}
	var n uint64
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, fmt.Errorf("core: a numbered list's anchor: %q: %w", l.CountField, err)
	}
	return n, nil
}

// NumberedListOf returns the NumberedList whose Answer answer is, and
// false for any other Answer. It reads no state: it calls answer with a
// probe reader, which a NumberedList's Answer recognises and reports
// itself to, and on which every other Answer fails at its first read. An
// Answer that wraps a NumberedList's must answer exactly as it does, or
// must not call it when its own first read fails.
func NumberedListOf(answer Answer) (*NumberedList, bool) {
	p := &listProbe{}
	_, _ = answer(p, nil)
	return p.list, p.list != nil
}

// errProbe is what a listProbe's reads return, and what a NumberedList's
// Answer returns to it.
var errProbe = errors.New("core: probe reader: nothing to read")

// listProbe is the reader NumberedListOf probes an Answer with: it holds
// nothing, and records the NumberedList that answers it.
type listProbe struct{ list *NumberedList }

func (*listProbe) Get([]byte) ([]byte, error) { return nil, errProbe }
func (*listProbe) Has([]byte) (bool, error)   { return false, errProbe }
func (*listProbe) Iterator(_, _ []byte, _ bool) (state.Iterator, error) {
	return nil, errProbe
}
