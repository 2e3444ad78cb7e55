// Package spending is public spending anyone can check: budget lines per
// agency and year approved by the finance ministry, contracts awarded
// against a line to a registered organisation, and invoices of the
// invoice registry paid against a contract, with running totals per line,
// per agency and year, and per vendor and year, each one provable record.
//
// The app sees this package only through its Module value (module.go; see
// core.Module). Every message implements core.Msg: Validate is stateless;
// Exec checks authorisation first, refuses with one of the sentinels in
// errors.go, and writes only through ctx.KV, so a refused message leaves
// nothing once the caller discards its branch.
//
// # Usage protocol
//
//  1. An admin of the finance ministry (the agency the genesis names in
//     Params.FinanceAgency, "finance" by default) approves
//     a budget line (spending/approve_budget_line): an agency, a budget
//     year, a description and an allocation in minor units of a currency.
//  2. An admin of that agency awards a contract against the line
//     (spending/award_contract) to a vendor account linked to a registered
//     organisation, with the signed contract's SHA-256. A line is never
//     committed beyond its allocation.
//  3. The vendor issues its invoice in the invoice registry, addressed to
//     an admin account of the agency; an admin of the agency pays it under
//     the contract (spending/pay_invoice) with the treasury's reference,
//     for its gross total not credited. An invoice is paid at most once,
//     and a contract never beyond its amount.
//
// # Totals
//
// The line record holds allocated, committed and paid; the agency's totals
// (agency/{agency}/{year}/{currency}) and the vendor's
// (vendor/{account}/{year}/{currency}) are updated in the same
// transaction as every approval, award and payment, so one proven record
// answers "how much did this agency (or vendor) get in this year". The
// period is the budget year of the line, not the block time.
//
// This package must never read the wall clock, the environment or files,
// use random numbers or floating point, or iterate a map without sorting.
package spending
