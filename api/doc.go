// Package api is govchain's HTTP/JSON API for client developers and for
// the citizens' web page: the registries' query paths as REST paths (with
// their proofs on request), offline-verifiable certificates, the trust
// root to check them against, transaction broadcast with a wait for the
// block, blocks and validators. It talks to one node through its
// CometBFT RPC (a *client.Client); `govchain web --node URL` serves it
// against any node, and `govchain start` serves it beside the node when
// app.toml's [web] section enables it. docs/api.md shows it with curl;
// GET /openapi.json describes every endpoint and schema (OpenAPI 3.0).
//
// # Endpoints
//
//	GET  /api/v1/status                 chain id, latest block, the node's name and versions
//	GET  /api/v1/query/{path...}        a registry path (/api/v1/query/land/parcel/P-1):
//	                                    ?height=N  the state after block N (default: latest)
//	                                    ?prove=true  with its ICS23 proof ops, checked here
//	                                    against the app hash of header N+1 as the node serves it
//	GET  /api/v1/certificate/{path...}  the certificate of a path's answer, byte for byte what
//	                                    `govchain certificate export` writes (?height=N, ?complete=true)
//	GET  /api/v1/trust                  the trust root this server was given (verify.TrustFile)
//	POST /api/v1/txs                    broadcast a signed transaction (?wait=true: until its block)
//	GET  /api/v1/txs/{hash}             a transaction in a block, with its result and events
//	GET  /api/v1/blocks/{height|latest} a block: height, time, proposer, transaction hashes
//	GET  /api/v1/validators             the validator set (?height=N), with each one's agency
//	GET  /openapi.json                  the OpenAPI 3 document of all of the above
//
// Every other path is Config.Page's (the web page), or a 404.
//
// # Contract
//
//   - Every answer is JSON (application/json), but a certificate's is the
//     certificate file itself, also JSON.
//   - Every error is {"code", "codespace", "error"} with a one-line
//     message. A refusal by the chain carries the chain's stable result
//     code in codespace "govchain" (the table of docs/client.md); any other
//     error is codespace "api" with one of this package's codes (Code*
//     constants: 1 bad request, 2 not found, 3 method not allowed, 4 body
//     too large, 5 node unavailable or failing, 6 proof check failed, 7
//     timeout, 8 origin not allowed). A not-found record is HTTP 404 with
//     the chain's code and, with prove=true, its absence proof; a
//     malformed path or parameter is 400; an unknown query parameter is
//     refused, so a typo never silently means the default.
//   - A transaction's body is its bytes exactly as client.Build returns
//     them and `govchain tx ... --generate-only` prints them: the
//     canonical JSON envelope (surrounding white space is ignored). The
//     API never signs, holds no key and changes nothing on its own.
//   - Requests are bounded: a body by Config.MaxBodyBytes (413 past it),
//     every request's work by Config.Timeout (504 past it); NewServer sets
//     the connection timeouts.
//   - CORS is off unless Config.CORSOrigins lists origins; an origin is
//     allowed only on an exact match of the browser's Origin header.
//   - A successful GET carries an ETag (a hash of the body; If-None-Match
//     answers 304) and Cache-Control: an answer pinned to a height (a
//     ?height=N query or certificate, a block by number, an included
//     transaction) may be cached for a day, any other is revalidated
//     (no-cache); errors are never stored (no-store).
//
// The API checks proofs against the node's own header H+1 but never the
// validators' signatures: a client that must not trust the node verifies
// the certificate against a trust root it holds (package verify, or the
// web page's WebAssembly build of it). Serving /api/v1/trust lets a page
// pin the root its server was configured with; a careful user compares it
// with the one the ministries publish.
//
// This package must never hold a private key, write to the chain other
// than by relaying a transaction it was given, or talk to anything but its
// one node.
package api
