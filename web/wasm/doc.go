//go:build js && wasm

// Command wasm is the web page's verifier, built with GOOS=js
// GOARCH=wasm (make web-wasm) into web/dist/verifier.wasm.gz. It defines
// four JavaScript functions on globalThis and then waits for ever:
//
//	govchainVerify(certificate, trust, agencies) -> string
//	govchainTrust(trust) -> string
//	govchainPathKey(path) -> string
//	govchainSHA256(bytes) -> string
//
// certificate and trust are a Uint8Array or a string (the file's bytes);
// agencies is a JSON array of {"id", "name", "pub_key" (hex)} or "". Each
// returns JSON: govchainVerify a verifier.Report, govchainTrust a
// verifier.TrustSummary; govchainPathKey returns the hex store key a
// query path names, or "" (verifier.PathKey); govchainSHA256 the hex
// SHA-256 of its argument, for a page that is not a secure context and so
// has no crypto.subtle. None ever throws for bad input: the report
// says why. Once all are defined it calls globalThis.govchainVerifierReady
// if the page set it.
//
// It must never touch the page or the network: what it verifies is only
// the bytes it is given.
package main
