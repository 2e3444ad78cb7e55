// Package verifier is what the web page's WebAssembly verifier runs: it
// checks a certificate file against a trust root with package verify and
// govchain's own key layouts (app.PathKey, app.EntryKey, app.EntryCount),
// and reports the outcome as one JSON-ready value, either what the
// certificate proves and which validators signed it, or exactly why it
// does not verify (the verify package's error text).
//
// It is plain Go, built and tested on any platform; web/wasm is the thin
// js/wasm main that hands the page's bytes to Check and its report back.
//
// Contract:
//   - Check never panics on any input and never reports Verified unless
//     verify.VerifyBytes accepted the certificate against the trust root.
//   - The signers are read from the commit of header H+1 only after that
//     commit was verified (verify checks every signature in it), and they
//     are named by agency only through the caller's map from validator
//     key to agency, which names nothing the trust does not: a key the map
//     does not know is reported by its address.
//   - When a certificate does not verify, what it claims (kind, path,
//     height, entries) is reported only if it decodes, and Verified is
//     false: the page must show it as unverified.
//
// This package must never import node, RPC, storage or network code; it
// runs in the browser.
package verifier
