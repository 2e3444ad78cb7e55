// Package benefits pays benefits automatically from the registries' facts
// (the OECD's "anticipatory payments"): programmes defined on chain by
// the responsible agency, entitlements that arise from a birth or a death
// recorded by the civil registry with no application (or from a claim the
// agency decides), and one payment order per entitlement and period,
// created by the chain itself, which the treasury marks paid.
//
// The app sees this package only through its Module value (module.go; see
// core.Module). Every message implements core.Msg: Validate is stateless;
// Exec checks authorisation first, refuses with one of the sentinels in
// errors.go (or a core sentinel), and writes only through ctx.KV, so a
// refused message leaves nothing once the caller discards its branch.
//
// # Usage protocol
//
//  1. An admin of an agency defines a programme (benefits/define_programme):
//     its rule, an amount per period in minor units of a currency (as in
//     the invoice and spending modules), the period (1-366 days or 1-12
//     calendar months), the window [starts_at, ends_at) in which facts
//     open entitlements, and how long an entitlement runs after its fact
//     (entitlement_months, e.g. 216 for "until the child is 18"; 0 for as
//     long as the programme). No entitlement runs past ends_at.
//  2. Entitlements open in the transaction of their fact (core.Hook on the
//     identity registry's messages, so identity knows nothing of this
//     package):
//     - rule "birth": identity/record_birth opens, under every birth
//     programme open at the block time, the entitlement of each parent,
//     the child its subject;
//     - rule "death_survivor": identity/record_death of a married person
//     opens the surviving spouse's, the deceased its subject;
//     - rule "claim": the person (an account linked to it) claims
//     (benefits/claim_benefit) and an admin of the programme's agency
//     approves or refuses with a reason (benefits/decide_claim); an
//     approval opens the claimant's own entitlement.
//     A death also ends, in its transaction, every entitlement whose
//     beneficiary died and every birth entitlement whose child died.
//     Records imported from a legacy register (module migration) are
//     written without hooks: they open and end nothing.
//  3. Every block, after its transactions, the module's step (core.Step)
//     creates the payment orders that are due: period k of an entitlement
//     starts at starts_at plus k periods (computed from the start, so no
//     drift; a month-end start falls on the last day of shorter months),
//     and its order is created in the first block whose time is at or
//     after that start, while the start is before the entitlement's end.
//     An order's key is (entitlement, period), so it is created exactly
//     once. A due index keyed by due time then entitlement is read in
//     order, at most MaxOrdersPerBlock orders per block; the rest wait for
//     the next block, earliest first. Without entitlements the step reads
//     an empty range and writes nothing.
//  4. A treasury (role "treasury") marks each order paid with the bank's
//     reference (benefits/mark_paid); paying an order twice is refused
//     (ErrAlreadyPaid).
//
// # Proving why a person is or is not entitled
//
// An entitlement records its rule and the facts it rests on: for each,
// the query path of the history that holds it (the child's, parent's,
// deceased's or spouse's identity person history, or the claim's), the
// entry's number, action, height, tx hash and time. An auditor proves the
// entitlement (entitlement/{programme}/{beneficiary}/{subject}), the
// programme that gives its rule, and each fact's history entry, all
// against the same app hash. Absence is proven the same way: no record
// under the entitlement's key means no entitlement, and the programme and
// the identity records show whether the rule applied (a birth before the
// programme's window, a parent not named on the birth record).
//
// This package must never read the wall clock, the environment or files,
// use random numbers or floating point, or iterate a map without sorting:
// every node must compute the same state from the same transactions. Time
// is ctx.BlockTime.
package benefits
