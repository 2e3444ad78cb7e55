// Package sharing is restricted data shared between agencies under
// grants, with a provable read log per subject. Personal data stays with
// the agency that holds it, in its own database, served by its data
// service; the chain holds what makes every read accountable: the purposes
// data may be shared for, each agency's classes of records and the salted
// commitments of their fields, the agencies' HPKE encryption keys, the
// grants (scope, purpose, expiry, rate, consent), the subjects' consents,
// every access request, allowed or refused, and one numbered access log
// per subject.
//
// The app sees this package only through its Module value (module.go; see
// core.Module). Every message implements core.Msg: Validate is stateless;
// Exec checks authorisation first, refuses with one of the sentinels in
// errors.go (codes 800-899), and writes only through ctx.KV.
// sharing/request_access is also a core.Recorder: when it is refused, the
// app discards its writes and calls RecordRefusal on a fresh branch, which
// records the refusal (a Request with outcome refused, its result code
// and reason, and an entry in the subject's access log if the subject is
// a person); the transaction's result is still the refusal. Only a signer
// without the data_officer role is refused without a record.
//
// Who acts for whom: an agency admin acts for the agency it administers;
// a data_officer or data_service holder for the agency that granted it the
// role. Subjects are person ids of the identity registry; a citizen acts
// through an account linked to its person.
//
// Usage protocol:
//
//  1. The owner agency's admin declares a class (sharing/declare_class):
//     its field names and the purposes it may be shared for. A class never
//     changes; a new layout is a new class id.
//  2. Each agency's admin registers HPKE public keys
//     (sharing/register_key), of a suite of package seal, which validates
//     them; rotation is a new key id, then sharing/revoke_key of the old
//     one.
//  3. The owner's data service commits each record (sharing/commit_record):
//     for every class field, commitment = SHA-256(salt || 0x00 || field
//     name || 0x00 || value) with a fresh 32-byte salt per field per
//     version (seal.Commitment). Values and salts stay with the owner; a
//     recipient checks exactly the fields it receives and learns nothing
//     of the others.
//  4. The owner's admin grants another agency access
//     (sharing/create_grant): fields, optional subjects, one purpose, a
//     legal basis, an expiry, a rate limit (max_requests per fixed window
//     of period_seconds from the grant's creation) and whether the
//     subject's consent is required. Only the class owner's admin creates
//     grants; a grantee can never pass one on. The owner revokes one grant
//     (sharing/revoke_grant) or every grant to an agency at once
//     (sharing/revoke_grantee).
//  5. A citizen gives or withdraws consent (sharing/give_consent,
//     sharing/withdraw_consent) to an agency's use of its data for a
//     purpose.
//  6. A data officer of the grantee requests fields of a subject's record
//     (sharing/request_access). An allowed request is recorded with the
//     record version and the commitments of the requested fields, and is
//     logged in the subject's access log before anything is served.
//  7. The owner's data service seals the fields, with their salts, to one
//     of the requester's active keys (seal.SealPayload) and records the
//     delivery receipt (sharing/record_delivery): the payload's SHA-256
//     and the key id. The requester checks each field against the
//     request's commitments (seal.CheckPayload); a field that does not
//     match is the subject of sharing/file_complaint, whose evidence is
//     the sealed payload the requester keeps.
//  8. The owner's admin erases a record on a legal basis
//     (sharing/erase_record): its commitments are removed and it is
//     frozen.
//
// The access log of a subject is append-only: a request (allowed or
// refused), a delivery, a complaint, an erasure or a disclosure is a new
// entry naming the request or record, and no entry is ever changed. The
// head's count with the proven absence of entry count (query
// log/{subject}/{count}) shows the log is complete.
//
// # Deferred disclosure (covert purposes)
//
// A purpose governance marks covert (law_enforcement by default) names
// an overseer agency and a max_secrecy_seconds (default 180 days). A
// grant for it may not require consent (ErrCovertConsent). Transaction
// bytes are public, so a request under it never carries its details in
// the clear:
//
//  1. The data officer draws a 32-byte salt and forms CovertDetails
//     (fields, case reference hash, salt). The request
//     (sharing/request_access, covert form) carries their commitment, a
//     copy sealed to an active key of the overseer and one to an active
//     key of the grant's owner (SealedPlaintext, padded to the grant's
//     fields so sizes tell nothing; HPKE info seal.DetailsInfo bound to
//     the chain, the commitment and the key id), and a disclose_at at
//     most max_secrecy_seconds ahead. The chain checks everything but the
//     fields: grant, grantee, subject, purpose, record, rate, the keys'
//     agencies and status, disclose_at and the exact sizes. A plain-form
//     request under a covert purpose is refused and not recorded
//     (ErrCovertFormRequired), so CheckTx keeps it out of the blocks.
//  2. The Request and the subject's log entry show that the request
//     exists, its sequence, agency, grant, purpose, covert, disclose_at
//     and commitment, not its official, fields or case reference; the
//     request is listed in the sealed list (query sealed). Completeness
//     is unchanged: the entry is counted from the start.
//  3. The owner's data service opens its copy, checks the commitment and
//     that the fields are the grant's, and delivers as for any request
//     (the receipt holds the payload hash and key only).
//  4. From disclose_at a data officer of the requesting agency, or at any
//     time a court or ombudsman of the overseer (an early release),
//     discloses the details (sharing/disclose_request); the chain checks
//     them against the commitment, records whether the fields exceeded the
//     grant (a violation, event grant_exceeded; the disclosure is accepted
//     so the truth is on record), and appends a disclosure entry with the
//     details. A complaint about a covert request names a field, so it
//     waits for the disclosure.
//
// The chain cannot act on time alone: a request past its disclose_at and
// not disclosed is overdue (Request.Overdue against a proven block
// time), and stays sealed until a transaction discloses it; an ombudsman
// reads the sealed list, follows overdue requests up, and may release
// them. The signer of a transaction is in its block: hiding the official
// in the state keeps it out of the access log and the proofs citizens
// read, not from a reader of the blocks.
//
// This package must never put personal data in the state or in a
// transaction, not even encrypted: subjects are pseudonymous person ids,
// fields are names, values appear only as salted commitments (a covert
// request's sealed details are field names, a case reference hash and a
// salt). It must never read the wall clock, the environment or files,
// use random numbers or floating point, or iterate a map without sorting.
// Time is ctx.BlockTime. It imports no module but identity (whose keys it
// reads), and seal only for its deterministic key validation and sizes;
// gov imports it to apply the set_purpose change.
package sharing
