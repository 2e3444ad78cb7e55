// Package benefits pays benefits automatically from the registries' facts
// (the OECD's "anticipatory payments"): programmes defined on chain by
// the responsible agency, entitlements that arise from a birth or a death
// recorded by the civil registry with no application (a birth also opens
// the child's own entitlements from an age, such as a pension from 65,
// which start when it reaches that age), or from a claim the agency
// decides, and one payment order per entitlement and period, created by
// the chain itself, which the treasury marks paid.
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
//     open entitlements, and how long an entitlement runs after its start
//     (entitlement_months, e.g. 216 for "until the child is 18"; 0 for as
//     long as the programme). No entitlement runs past ends_at. A
//     programme of rule "age" also gives age_months (1-MaxAgeMonths), the
//     age at which it pays, and its window holds the moment a child
//     reaches that age, not the birth; defining one whose ends_at is not
//     after the moment a child born now reaches the age is refused
//     (ErrWindowOutOfRange).
//  2. Entitlements open in the transaction of their fact (core.Hook on the
//     identity registry's messages, so identity knows nothing of this
//     package):
//     - rule "birth": identity/record_birth opens, under every birth
//     programme open at the block time, the entitlement of each parent,
//     the child its subject;
//     - rule "death_survivor": identity/record_death of a married person
//     opens the surviving spouse's, the deceased its subject;
//     - rule "age": identity/record_birth opens, under every age
//     programme that has not ended at the block time and whose window
//     holds the moment the child reaches the programme's age
//     (AgeReached: the birth's block time plus age_months calendar
//     months), the child's own entitlement (beneficiary and subject),
//     starting at that moment: it is active from the birth and its first
//     order is due at that birthday, not before. A programme defined
//     after a birth does not see it. A person registered without a birth
//     record (identity/register_person) holds a commitment to a birth
//     date, not a date, so no rule can tell its age: for such a person
//     age is decided on a claim, under a programme of rule "claim";
//     - rule "claim": the person (an account linked to it) claims
//     (benefits/claim_benefit) and an admin of the programme's agency
//     approves or refuses with a reason (benefits/decide_claim); an
//     approval opens the claimant's own entitlement.
//     A death also ends, in its transaction, every entitlement whose
//     beneficiary died (an age entitlement whose birthday has not come
//     ends with no order) and every birth entitlement whose child died.
//     Records imported from a legacy register (module migration) are
//     written without hooks: they open and end nothing.
//  3. Every block, after its transactions, the module's step (core.Step)
//     creates the payment orders that are due: period k of an entitlement
//     starts at its starts_at (the block time of its fact, or for rule
//     "age" the birthday of its age) plus k periods (computed from the start, so no
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
// entry's number, action, height, tx hash and time. An age entitlement
// rests on the child's birth record alone: its starts_at is
// AgeReached(that record's time, age_months), which anyone recomputes
// from the proven record and the entitlement's age_months. An auditor
// proves the entitlement (entitlement/{programme}/{beneficiary}/{subject}), the
// programme that gives its rule, and each fact's history entry, all
// against the same app hash. Absence is proven the same way: no record
// under the entitlement's key means no entitlement, and the programme and
// the identity records show whether the rule applied (a birth before the
// programme's window, a parent not named on the birth record, an age
// reached after the window ends).
//
// This package must never read the wall clock, the environment or files,
// use random numbers or floating point, or iterate a map without sorting:
// every node must compute the same state from the same transactions. Time
// is ctx.BlockTime.
package benefits
