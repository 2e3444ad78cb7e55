// Package verify checks govchain certificates: self-contained files that
// prove what a registry held at a height (a record, a record with its full
// history or list, a numbered list with the proof that it is complete, or
// the absence of a record) without trusting the node that produced them,
// offline and years later.
//
// A Certificate bundles the query path, the exact stored values, one ICS23
// proof per key (CometBFT ProofOps of type "ics23:iavl"), the signed header
// of block H+1 (whose AppHash is the root of the state after block H) with
// its commit, the validator set that signed it and, if the validators have
// changed since the trust root, the chain of signed headers that hands trust
// from the trusted set to that one. Verify checks, in order and failing
// closed:
//
//  1. the encoding: Decode accepts only the canonical encoding Encode writes
//     (up to insignificant JSON whitespace), with no unknown fields, so that
//     no two different files carry the same certificate;
//  2. the chain id of the certificate, the trust root and every header;
//  3. the validator set: the trust root's set, handed on by each validator
//     change (a header signed by >2/3 of the current set whose
//     NextValidatorsHash names the next one), must be exactly the set whose
//     hash header H+1 carries;
//  4. the commit: for exactly header H+1's block id, every signature valid,
//     and more than 2/3 of that set's voting power for the block;
//  5. the heights: the proofs are of state version H, the header is H+1;
//  6. the proofs, hardened after the 2022 ICS23 forgery ("Dragonberry"):
//     exactly one op per entry (one for an absence; for a complete
//     certificate, one more, last, for its absent key), every op of type
//     "ics23:iavl", its key equal to the entry's (or absent) key, the
//     value the exact stored bytes, and the proof verified under
//     ics23.IavlSpec exactly against header H+1's AppHash (the root comes
//     only from the verified header);
//  7. the key binding: the key the certificate rests on (the record, the
//     anchor of a history or list, the absent key) must be the key the
//     path names; if the path answers a numbered list (a record's
//     history), entry i after the anchor must be the list's entry i, in
//     order; and for a complete certificate the anchor's count must be
//     the number of entries n and the absent key must be entry n. This
//     package knows no key layout: the caller passes Keys (govchain's
//     app.PathKey, app.EntryKey and app.EntryCount, or FixedKey for a key
//     computed elsewhere).
//
// The error names the first check that fails, with the header height, the
// state version and the key concerned: a header whose commit signs another
// block is "not the header the validators signed"; a proof that does not
// verify is reported only after the signatures of its header were
// verified, as a proof that "does not lead to the app hash signed in
// header H+1".
//
// Completeness: a history or list certificate proves that every entry it
// carries is in the state under the same root, each under the key its
// path's list names for it when the list is numbered, not that no entry
// was left out (a history may stop early). A complete certificate
// (KindComplete) proves the whole numbered list: its anchor counts n
// entries, entries 0 to n-1 follow it in order, and entry n is absent: no
// entry is missing and none follows the last; or, for a list that has no
// anchor yet (a log nobody wrote to), the anchor and entry 0 are both
// absent: the list is empty. A list certificate of a
// path that is not a numbered list (a parcel's liens, an owner's parcels)
// binds only its anchor; its entries' keys are checked to be distinct,
// and their layout is the registry's.
//
// Trust: a certificate is as good as the validator keys of the trust root.
// Like any light client it assumes that no more than 1/3 of the voting
// power of any set in the chain of trust signed a conflicting header; an
// offline verifier has no trusting period to bound that assumption in time,
// so a verifier should take its trust root (genesis.json, or a validator
// set file) from the ministries themselves.
//
// This package must never import node, RPC, application, ABCI, state or
// database code: only CometBFT's types, crypto and protobuf packages, ics23
// and the standard library, so that other software can embed it.
package verify
