// Package notary is the registry of notarised documents: any account that
// holds at least one role anchors the SHA-256 of a document, with a type
// and an optional reference to a registry record ("land/parcel/P-1"); the
// block time is the anchoring's timestamp. Anyone can then prove, against
// a block header, that the document existed at that time, or that an
// unknown hash was never anchored.
//
// The app sees this package only through its Module value (module.go; see
// core.Module). AnchorDocument implements core.Msg: Validate is stateless;
// Exec checks authorisation first and writes only through ctx.KV.
//
// Usage protocol. notary/anchor_document records a hash once. Anchoring a
// hash that is already anchored succeeds and changes nothing: the first
// anchoring stands (its signer, type, reference, height, time and tx), and
// the event of the second transaction carries the first anchoring's
// height, time, tx hash and signer with status "existing", so a client
// learns when the document was really first anchored. The reference is the
// anchoring account's statement; the registry does not check that the
// referenced record exists. The document itself never goes on chain.
//
// This package must never read the wall clock, the environment or files,
// use random numbers or floating point, or iterate a map without sorting.
package notary
