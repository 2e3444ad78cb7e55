// Package datasvc is an agency's data service (DESIGN.md, "Sharing
// restricted data"): the program that keeps the agency's restricted
// records in its own database and serves them, sealed, to officials of
// other agencies whose access requests the chain committed and allowed;
// and the requesting agency's side of the same exchange, which fetches,
// checks and opens what it receives. The chain (package app/sharing)
// holds only commitments, keys, grants, requests and receipts; values
// live here.
//
// # Contract
//
//   - Store is one SQLite file (modernc.org/sqlite, pure Go) with a
//     schema version table and migrations from version 1. It holds the
//     agency's HPKE private keys (GenerateKey), every record version it
//     committed with the value and a fresh 32-byte salt per field
//     (AddVersion), the payloads it delivered (StoreDelivery) and those it
//     fetched (StoreReceived). The private keys and values are stored
//     UNENCRYPTED: the file is created with mode 0600 in a 0700 directory
//     and a file others may read is refused, which is their only
//     protection until keys at rest are encrypted (issue 14).
//   - Load stores a file of records of one class and commits each new or
//     changed one on chain (sharing/commit_record, signed by a
//     data_service of the class's owner): a record whose values are
//     already committed is left alone, so loading twice posts nothing
//     new. A malformed line refuses the whole file before anything is
//     done; a line the chain refuses leaves nothing behind.
//   - Server answers POST /v1/requests/{id}/payload (http.go has the
//     API) for the request's official only (for a covert request, whose
//     official is sealed, a data officer of the requesting agency): the
//     body is signed with the key the account signs with on chain
//     (AuthBytes: chain id, request id, account, time; the time within
//     MaxClockSkew of the service's clock). It serves a request only if,
//     in one committed state version read with proofs, the request
//     exists, is allowed, is to this service's agency and is not
//     delivered with another payload; its grant is active and unexpired
//     at the time of the header the proofs were checked against; its
//     record is not erased and at the version the request was allowed
//     on. The payload holds exactly the requested fields of that version
//     (for a covert request, the fields of its details, opened from the
//     owner's sealed copy with the agency's own private key, checked
//     against the details commitment, and refused unless they are the
//     grant's), is checked against the request's commitments before it
//     is sealed (a mismatch is the service's own error: it never sends
//     data that differs from what the chain committed), and is sealed
//     (seal.SealPayload) to the requester's newest active, unexpired
//     key.
//   - A record its agency erased on chain (sharing/erase_record) leaves
//     the database: every version with its values and salts, and the
//     sealed bytes of every payload delivered from it (the delivery's
//     receipt stays; asking for it again is refused as erased, 410).
//     Values are deleted only once a proven read shows the record erased
//     (EraseProven; ErrNotErased otherwise), found three ways: a payload
//     request for it, Server.SweepErasures (the agency's erase_record
//     transactions since the last sweep, found with Config.Events, run by
//     Serve at start and every Config.ErasureSweep), and govchain datasvc
//     erase. Deliveries stored by schema version 1 do not name their
//     record and are not erased with it.
//   - Fetcher signs the payload request, checks that the payload's
//     SHA-256 and key id are those of the receipt on chain, opens it with
//     the requester's own private key and checks every field against the
//     request's commitments (seal.CheckPayload); a field that does not
//     match gets a complaint on chain (sharing/file_complaint). The sealed
//     payload is kept as evidence.
//
// # Exactly once
//
// A delivery is: check, seal, store (request id, key id, sealed bytes,
// payload hash) in one database transaction, post the receipt
// (sharing/record_delivery with the payload hash), and only once the
// receipt is in a block send the bytes. So no byte leaves the service
// before the subject's access log holds the delivery. The chain records
// one receipt per request; the database one delivery per request.
//
//   - A request already delivered is answered with the stored bytes
//     again: no second seal, no second receipt.
//   - A stored delivery whose receipt is not confirmed (a crash, or a
//     node that could not be reached, between storing and posting) is
//     settled before anything else is served (Recover, run by Serve) and
//     whenever it is asked for again: confirmed if the chain already holds
//     its receipt, else its receipt is posted. A crash at any point thus
//     ends, after restart, with exactly one receipt, naming the bytes
//     stored and served.
//   - A receipt the chain refuses for the state of the request, grant,
//     record or key (revoked, expired, erased, changed) removes the stored
//     delivery, which was never sent; any other failure keeps it for the
//     next attempt.
//   - A receipt on chain naming bytes the database does not hold (a
//     database restored from an old backup) is a conflict: that request is
//     never served again, and the service logs it as an error.
//
// One serve process per database: deliveries of one request are
// serialised within the process, not across processes.
//
// # Trust model
//
// The service and Fetcher decide only on committed state they prove: every
// read is a Reader's, which checks the ICS23 proofs of each answer against
// the AppHash of header H+1. NodeReader takes that header from the node it
// is given (the header must hash to the block id of its commit), as
// client.Query does: it trusts that node for which header is the chain's,
// not for the state under it. govchain datasvc --verify replaces it with a
// reader that also checks the header's validator signatures, against a
// trusted validator set (--trust) or with CometBFT's light client
// (--trust-height, --trust-hash, --witness), exactly as query --verify
// does. The time a grant's and a key's expiry are checked against is that
// header's; the chain checks both again, at its own block time, when it
// records the receipt, and nothing is sent unless it does.
//
// The requester's signature authenticates it; it is not secret: a request
// body replayed within MaxClockSkew gets the same sealed bytes, which only
// the requester's private key opens. The payload is bound to one chain,
// request and key id by seal's HPKE info. The service's HTTP API has no
// TLS of its own: run it behind one, or on a private network.
//
// # Figures
//
// docs/measurements.md has the deliveries per second end to end (go test
// -run '^$' -bench BenchmarkDataServiceDelivery ./datasvc, make
// bench-sharing): 18 to 32 a second on the shared 2-core VM against a
// development node making a block every 200 ms. The latency of the reads
// with proofs and of the receipt's block, not sealing (about 0.2 ms,
// package seal) or SQLite, bounds a single delivery.
//
// # What it must never do
//
// Serve anything for a request that is not committed and allowed, or
// before its receipt is on chain; serve a second, different payload for
// a request; put a value, a salt or a private key on chain or in a
// transaction (commitments and hashes only); log or print a value, a
// salt, a private key or the fields of a covert request (only Fetcher's
// caller prints the values it fetched); use a private key of another
// database. It reads the wall
// clock only to sign and check payload requests' times, to bound waits
// and to stamp rows.
package datasvc
