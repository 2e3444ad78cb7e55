// Package auction sells state property (a land parcel or a vehicle an
// agency owns) by sealed-bid auction with commit-reveal, and hands the
// winner's purchase to the asset's own transfer workflow.
//
// The app sees this package only through its Module value (module.go; see
// core.Module). Every message implements core.Msg: Validate is stateless;
// Exec checks authorisation first, refuses with one of the sentinels in
// errors.go (or a core sentinel), and writes only through ctx.KV, so a
// refused message leaves nothing once the caller discards its branch.
//
// # Usage protocol
//
//  1. An agency admin who is the asset's sole owner lists it
//     (auction/list_asset) with a reserve price, a deposit, the end of
//     bidding and the end of the reveal window (block time). The asset
//     must be free to sell (no dispute, lien or pending transfer) and in
//     no other open auction.
//  2. While the block time is before bidding_ends_at, an account linked
//     to a registered person or organisation (identity registry) commits
//     one sealed bid (auction/commit_bid): commitment = Commitment(auction
//     id, bidder, amount, salt), naming the bank that holds its deposit.
//     That bank confirms, also before bidding ends, that it holds the
//     deposit blocked (auction/confirm_deposit, with its reference).
//  3. While the block time is in [bidding_ends_at, reveal_ends_at), each
//     bidder whose deposit is locked reveals amount and salt
//     (auction/reveal_bid); the chain checks they open the commitment.
//  4. From reveal_ends_at the seller closes (auction/close_auction):
//     Decide picks the highest revealed bid with a locked deposit at or
//     above the reserve, ties to the earliest commitment. The winner's
//     purchase opens in the same transaction as a land/propose_transfer
//     of the whole parcel or a vehicle/offer_transfer, at the winning
//     price, expiring PurchaseWindow later; it then runs through that
//     registry's own steps (the winner accepts; for land a notary
//     certifies and a land registrar registers). No valid bid closes the
//     auction unsold. If the seller no longer holds the asset free to sell,
//     the auction closes withdrawn.
//  5. Once the purchase transfer is closed or expired, anyone records its
//     end (auction/complete_auction): completed, defaulted (the winner
//     cancelled or never accepted) or failed (any other end).
//
// # Money and deposits
//
// There is no token on the chain: amounts are int64 minor units of an ISO
// 4217 currency, as in the invoice and land registries. A deposit is an
// escrow record: the bank a bid names confirms on chain that it holds the
// auction's deposit blocked on the bidder's account. Every later deposit
// status (void, released, forfeited, held, applied) is a public, provable
// instruction to that bank, emitted as a settle_deposit event naming it; a
// bank acts on it under the auction's terms, which the bidder accepted by
// committing. The chain records what must happen to the money; the bank
// moves it.
//
// # What commit-reveal guarantees, and what it does not
//
// Before bidding closes nobody, the seller and the validators included,
// learns any amount: a commitment hides it as long as the salt is secret
// (32 random bytes) and SHA-256 is preimage resistant; the domain, auction
// id and bidder in the hash stop a commitment from being replayed in
// another auction or by another account. No bid can be changed after
// bidding closes (binding), and every valid bid takes part in Decide,
// which anyone can rerun on the proven bids (Audit).
//
// It does not stop withholding: a bidder may decline to reveal after
// seeing the others' reveals, at the price of its deposit. It does not
// hide who bids, or how many bid, during bidding (bidders' accounts and
// banks are public). Nor does it stop a block proposer from delaying a
// reveal sent just before reveal_ends_at. The threshold-encrypted variant
// that removes withholding is not built.
//
// This package must never read the wall clock, the environment or files,
// use random numbers or floating point, or iterate a map without sorting:
// every node must compute the same state from the same transactions. Time
// is ctx.BlockTime.
package auction
