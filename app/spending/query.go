package spending

import (
	"strconv"
	"strings"

	"github.com/govchain/govchain/app/core"
)

// resolve parses a spending query path (without the leading "spending")
// into the key its answer rests on and the function that answers it.
// Module.Query and Module.PathKey both resolve through here. The paths are:
//
//	line/{id}                          the budget line: allocated, committed, paid
//	line/{id}/history                  anchor: the line (history_count), then
//	                                   every approval, award and payment
//	contract/{id}                      the contract: amount and paid
//	payment/{vendor}/{invoice number}  the payment of an invoice (absent: unpaid)
//	agency/{agency}/{year}/{currency}  the agency's totals for the year
//	vendor/{account}/{year}/{currency} the vendor's totals for the year
//
// Every answer is one record (or a numbered list) and so is provable; a
// missing record is a *core.NotFound with the key whose absence proves it.
// A path not listed here, or a malformed segment, is ErrUnknownQuery.
func resolve(path []string) ([]byte, core.Answer, error) {
	switch {
	case len(path) == 2 && path[0] == "line":
		id, err := core.ParseQueryIdent("line id", path[1], ErrUnknownQuery)
		if err != nil {
			return nil, nil, err
		}
		return LineKey(id), core.Single(ErrLineNotFound), nil
	case len(path) == 3 && path[0] == "line" && path[2] == "history":
		id, err := core.ParseQueryIdent("line id", path[1], ErrUnknownQuery)
		if err != nil {
			return nil, nil, err
		}
		return LineKey(id), core.HistoryOf(ErrLineNotFound, func(seq uint64) []byte { return HistoryKey(id, seq) }), nil
	case len(path) == 2 && path[0] == "contract":
		id, err := core.ParseQueryIdent("contract id", path[1], ErrUnknownQuery)
		if err != nil {
			return nil, nil, err
		}
		return ContractKey(id), core.Single(ErrContractNotFound), nil
	case len(path) == 3 && path[0] == "payment":
		a, err := core.ParseQueryAddress(path[1], ErrUnknownQuery)
		if err != nil {
			return nil, nil, err
		}
		n, err := core.ParseQueryIdent("invoice number", path[2], ErrUnknownQuery)
		if err != nil {
			return nil, nil, err
		}
		return PaymentKey(a, n), core.Single(ErrPaymentNotFound), nil
	case len(path) == 4 && (path[0] == "agency" || path[0] == "vendor"):
		year, err := strconv.ParseUint(path[2], 10, 64)
		if err != nil || year < MinYear || year > MaxYear || strconv.FormatUint(year, 10) != path[2] {
			return nil, nil, core.Wrapf(ErrUnknownQuery, "year %q must be %d-%d", path[2], MinYear, MaxYear)
		}
		if err := fields.Currency(path[3]); err != nil {
			return nil, nil, core.Wrapf(ErrUnknownQuery, "%q is not a currency", path[3])
		}
		if path[0] == "vendor" {
			a, err := core.ParseQueryAddress(path[1], ErrUnknownQuery)
			if err != nil {
				return nil, nil, err
			}
			return VendorTotalsKey(a, year, path[3]), core.Single(ErrTotalsNotFound), nil
		}
		agency, err := core.ParseQueryIdent("agency", path[1], ErrUnknownQuery)
		if err != nil {
			return nil, nil, err
		}
		return AgencyTotalsKey(agency, year, path[3]), core.Single(ErrTotalsNotFound), nil
	}
	return nil, nil, core.Wrapf(ErrUnknownQuery, "%q", strings.Join(path, "/"))
}
