// Package gov is governance by the agencies: an agency admin proposes a
// change to the network itself, the member agencies vote, and a proposal
// that reaches more than two thirds is executed in the transaction that
// carries its deciding vote.
//
// Changes (one per proposal): add an agency (its id, name, admins and
// optionally a validator), remove an agency, set an agency's validator
// power (optionally with a new consensus key), set which agencies may
// grant a role, add, change or retire a purpose data may be shared
// for (set_purpose, checked and applied by the sharing package, which gov
// imports and which never imports gov), and schedule or cancel a software
// upgrade (schedule_upgrade, cancel_upgrade: upgrade.go). Validator changes are handed to CometBFT through
// ctx.UpdateValidator and take effect from the block after next.
//
// Usage protocol:
//
//  1. An agency admin submits gov/submit_proposal. The change is checked
//     against the current state (the same checks run again at execution);
//     the electorate is snapshotted from the agency set: every member agency
//     with weight 1 (threshold basis "agencies") or every agency that runs a
//     validator with its power as weight (basis "power"; an agency without a
//     validator then has no vote). Voting ends VotingPeriodSeconds of block
//     time after submission. Submitting is not a vote.
//  2. Any admin of an agency of the electorate casts that agency's one vote
//     with gov/vote, yes or no; a vote is final. A vote at a block time after
//     the deadline is refused.
//  3. The proposal passes as soon as 3*yes > 2*total (strictly more than two
//     thirds of the electorate's weight) and its change is executed in the
//     same transaction: status "passed", or "failed" with the reason if the
//     change is no longer allowed by then (the failed change writes nothing).
//     It is "rejected" as soon as passing is impossible (3*(total-no) <=
//     2*total). After the deadline any agency admin closes an open proposal
//     with gov/close_proposal, which marks it "expired". There is no end
//     blocker: an open proposal past its deadline stays "open" in state until
//     it is closed, and a verifier reads voting_ends_at from the record.
//
// Upgrades: a passed schedule_upgrade stores the one UpgradePlan (name,
// height, the approved binary's SHA-256, notes; queries upgrade); at most
// one is scheduled at a time, its height must be above the executing
// block's (checked at submission and at execution), and a name already
// done is refused. cancel_upgrade deletes the plan of that name. What
// happens at the height is package upgrade's: it reads the plan with
// GetUpgradePlan and, once the migration ran, records it with
// CompleteUpgrade (an UpgradeDone per name, kept for good; queries
// upgrade/{name}).
//
// Evidence: the evidence of validator misbehaviour (double signing) that
// CometBFT commits in a block is recorded by RecordMisbehavior, called from
// the app's FinalizeBlock, as numbered Evidence records naming the
// validator's agency (queries evidence and evidence/{id}). Nothing is done
// to the validator automatically: removing or re-keying it is a proposal
// like any other.
//
// Validator rules, checked at submission and at execution of any change that
// alters the validator set: at least MinValidators validators remain; no
// agency holds 1/3 or more of the total power (3*power >= total is refused);
// no two agencies share a consensus key. A chain that does not meet these
// rules (a development chain with one validator) can therefore make no
// validator change at all; changes that leave the validator set alone (role
// policy, an agency without a validator) still work there.
//
// Records are stored under Prefix (keys.go) as JSON; every change
// to a proposal appends to its history. This package must never read the
// wall clock, the environment or files, use random numbers or floating
// point, or iterate a map without sorting. Time is ctx.BlockTime.
package gov
