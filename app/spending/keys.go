package spending

import (
	"github.com/govchain/govchain/app/core"
	"github.com/govchain/govchain/state"
)

// Prefix is the first byte of every store key of this module (see
// core.Module); frozen, never reused.
const Prefix byte = 0x90

// Tables under Prefix. Each table byte is used by exactly one table and is
// never reused, even if the table is retired.
const (
	// tableLine: line id -> BudgetLine.
	tableLine byte = 0x01
	// tableHistory: line id, seq (8 bytes big-endian) -> core.HistoryEntry.
	tableHistory byte = 0x02
	// tableContract: contract id -> Contract.
	tableContract byte = 0x03
	// tablePayment: vendor (20 bytes), invoice number -> Payment.
	tablePayment byte = 0x04
	// tableAgencyTotals: agency id, year (8 bytes big-endian), currency -> Totals.
	tableAgencyTotals byte = 0x05
	// tableVendorTotals: vendor (20 bytes), year (8 bytes big-endian), currency -> Totals.
	tableVendorTotals byte = 0x06
	// tableParams: the single key "params" -> Params (written at genesis
	// only when they differ from DefaultParams).
	tableParams byte = 0x07
)

// LineKey is the store key of a budget line.
func LineKey(id string) []byte { return state.Key(Prefix, tableLine, []byte(id)) }

// HistoryKey is the store key of entry seq (from 0) of a line's history.
func HistoryKey(lineID string, seq uint64) []byte {
	return core.HistoryKey(Prefix, tableHistory, []byte(lineID), seq)
}

// ContractKey is the store key of a contract.
func ContractKey(id string) []byte { return state.Key(Prefix, tableContract, []byte(id)) }

// PaymentKey is the store key of the payment of a vendor's invoice.
func PaymentKey(vendor core.Address, number string) []byte {
	return state.Key(Prefix, tablePayment, vendor[:], []byte(number))
}

// AgencyTotalsKey is the store key of an agency's totals for a budget year
// in one currency.
func AgencyTotalsKey(agency string, year uint64, currency string) []byte {
	return state.Key(Prefix, tableAgencyTotals, []byte(agency), state.Uint64(year), []byte(currency))
}

// VendorTotalsKey is the store key of a vendor's totals for a budget year
// in one currency.
func VendorTotalsKey(vendor core.Address, year uint64, currency string) []byte {
	return state.Key(Prefix, tableVendorTotals, vendor[:], state.Uint64(year), []byte(currency))
}

// ParamsKey is the key of the module's genesis parameters.
func ParamsKey() []byte { return state.Key(Prefix, tableParams, []byte("params")) }
