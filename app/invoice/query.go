package invoice

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// PageSize is the most entries a list answer carries after its anchor. A
// client pages with the {start} segment: entries start .. start+PageSize-1,
// bounded by the anchor's count.
const PageSize = 100

// resolve parses an invoice query path (without the leading "invoice") into
// the key its answer rests on (the record, or the list's anchor, the same
// for every page) and the function that answers it from that key. A
// malformed or unknown path is the error Module.Query refuses it with; a
// start beyond the anchor's count is refused only by the answer, which reads
// the count. Module.Query and Module.PathKey both resolve through here, so
// the key a node answers with and the key a client expects cannot differ.
//
// Its answers (Module.Query) are read from a committed view; values are
// the exact stored bytes. The paths are:
//
//	invoice/{issuer}/{number}           the invoice or credit note (Key, Value)
//	invoice/{issuer}/{number}/history   anchor: the document (history_count),
//	                                    then every history entry in order
//	buyer/{account}/invoices[/{start}]  anchor: the Buyer record
//	                                    (document_count), then BuyerEntry
//	                                    start, start+1, ... (at most PageSize;
//	                                    start defaults to 0)
//	totals/{issuer}/{period}            the issuer's Totals for a tax period
//	                                    ("2026-11")
//	totals/{issuer}/{period}/entries[/{start}]
//	                                    anchor: the Totals (entry_count), then
//	                                    the history entries naming each
//	                                    counted document, paged like buyer
//
// Accounts are 40 lower-case hex digits. A list's entries are derived from
// its anchor's count, so a verifier knows the page is complete. A missing
// record is a *core.NotFound with the key whose absence proves it. A path
// not listed here, a malformed segment, or a start beyond the anchor's
// count is ErrUnknownQuery (kind core.ErrInvalid).
func resolve(path []string) ([]byte, core.Answer, error) {
	switch {
	case len(path) >= 3 && path[0] == "invoice":
		issuer, err := accountOf(path[1])
		if err != nil {
			return nil, nil, err
		}
		number, err := core.ParseQueryIdent("number", path[2], ErrUnknownQuery)
		if err != nil {
			return nil, nil, err
		}
		key := InvoiceKey(issuer, number)
		switch {
		case len(path) == 3:
			return key, core.Single(ErrInvoiceNotFound), nil
		case len(path) == 4 && path[3] == "history":
			return key, core.HistoryOf(ErrInvoiceNotFound, func(s uint64) []byte { return HistoryKey(issuer, number, s) }), nil
		}
	case (len(path) == 3 || len(path) == 4) && path[0] == "buyer" && path[2] == "invoices":
		buyer, err := accountOf(path[1])
		if err != nil {
			return nil, nil, err
		}
		start, err := startOf(path[3:])
		if err != nil {
			return nil, nil, err
		}
		return BuyerKey(buyer), listOf(ErrBuyerNotFound, func(v []byte) ([][]byte, error) {
			var b Buyer
			if err := decode(v, &b); err != nil {
				return nil, err
			}
			return seqKeys(start, b.DocumentCount, PageSize, func(s uint64) []byte { return BuyerEntryKey(buyer, s) })
		}), nil
	case len(path) >= 3 && path[0] == "totals":
		issuer, err := accountOf(path[1])
		if err != nil {
			return nil, nil, err
		}
		period := path[2]
		if !validPeriod(period) {
			return nil, nil, core.Wrapf(ErrUnknownQuery, "period %q must be YYYY-MM", period)
		}
		key := TotalsKey(issuer, period)
		switch {
		case len(path) == 3:
			return key, core.Single(ErrTotalsNotFound), nil
		case (len(path) == 4 || len(path) == 5) && path[3] == "entries":
			start, err := startOf(path[4:])
			if err != nil {
				return nil, nil, err
			}
			return key, listOf(ErrTotalsNotFound, func(v []byte) ([][]byte, error) {
				var t Totals
				if err := decode(v, &t); err != nil {
					return nil, err
				}
				return seqKeys(start, t.EntryCount, PageSize, func(s uint64) []byte { return TotalsEntryKey(issuer, period, s) })
			}), nil
		}
	}
	return nil, nil, core.Wrapf(ErrUnknownQuery, "%q", strings.Join(path, "/"))
}

// accountOf parses an account in canonical form.
func accountOf(s string) (core.Address, error) { return core.ParseQueryAddress(s, ErrUnknownQuery) }

// startOf parses an optional page start: a canonical decimal number.
func startOf(rest []string) (uint64, error) {
	if len(rest) == 0 {
		return 0, nil
	}
	n, err := strconv.ParseUint(rest[0], 10, 64)
	if err != nil || strconv.FormatUint(n, 10) != rest[0] {
		return 0, core.Wrapf(ErrUnknownQuery, "start %q must be a decimal number", rest[0])
	}
	return n, nil
}

// seqKeys returns the keys of entries start .. min(count, start+max)-1. A
// start beyond count is ErrUnknownQuery.
func seqKeys(start, count, max uint64, keyOf func(uint64) []byte) ([][]byte, error) {
	if start > count {
		return nil, core.Wrapf(ErrUnknownQuery, "start %d is beyond the %d entries", start, count)
	}
	end := start + min(max, count-start)
	keys := make([][]byte, 0, end-start)
	for s := start; s < end; s++ {
		keys = append(keys, keyOf(s))
	}
	return keys, nil
}

func decode(v []byte, out any) error {
	if err := json.Unmarshal(v, out); err != nil {
		return fmt.Errorf("invoice: stored anchor does not decode: %w", err)
	}
	return nil
}

// listOf answers a list anchored on the record under the resolved key
// (core.QueryList).
func listOf(notFound error, keysOf func([]byte) ([][]byte, error)) core.Answer {
	return func(r state.Reader, key []byte) (*core.QueryResult, error) {
		return core.QueryList(r, key, notFound, keysOf)
	}
}
