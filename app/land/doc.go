// Package land is the land registry: parcels and their co-owners, the
// multi-party sale workflow (propose, accept, certify, consent, register),
// liens held by banks, disputes that freeze a parcel, subdivision and
// merger, and a provable history of every change.
//
// The app sees this package only through its Module value (module.go; see
// core.Module). Every message implements core.Msg: Validate is stateless;
// Exec checks authorisation first, refuses with one of the sentinels in
// errors.go, and writes only through ctx.KV, so a refused message leaves
// nothing once the caller discards its branch.
//
// Usage protocol of a sale: a seller who owns shares proposes a transfer
// (land/propose_transfer) with a deadline; every buyer and every co-seller
// accepts it (land/accept_transfer); a notary certifies the signed deed
// (land/certify_transfer); the bank of every active lien consents
// (land/consent_transfer); a land registrar then registers it
// (land/register_transfer), which moves the shares atomically and releases
// the consented liens. Any party may cancel it before registration; after
// its deadline no step but cancellation is accepted.
//
// Ownership is a list of (account, shares) over one common denominator
// held by the parcel, always in lowest terms and sorted by account.
//
// This package must never read the wall clock, the environment or files,
// use random numbers or floating point, or iterate a map without sorting:
// every node must compute the same state from the same transactions. Time is
// ctx.BlockTime.
package land
