// Package web is the citizens' and auditors' page: static assets embedded
// in the binary (go:embed) and the http.Handler that serves them, mounted
// at "/" beside the HTTP API (package api), by `govchain start` ([web] in
// app.toml) and by `govchain web --node URL`.
//
// The page reads records through the API's certificate endpoint and checks
// every answer in the browser with the verify package compiled to
// WebAssembly (web/wasm, built by `make web-wasm` into web/dist/): the
// proofs, and that more than 2/3 of the trusted validators' voting power
// signed header H+1, against a trust root the user pins (the chain's own,
// from /api/v1/trust at first load, or a file the user loads). A
// certificate file dropped on the page is verified offline.
//
// What the handler serves:
//
//	/                       the page (index.html)
//	/assets/{file}          its scripts, style sheet and the Go runtime's
//	                        wasm_exec.js
//	/assets/verifier.wasm   the verifier: gzip-compressed as built when the
//	                        request accepts gzip, decompressed otherwise;
//	                        404 with the header X-Govchain-Verifier:
//	                        not-built in a binary built without it, and
//	                        the page then says so and how to build it
//
// Everything is served from the embedded files, with a Content-Security-
// Policy that lets the page load nothing from another origin and connect
// only to its own; any other path is 404 and any method but GET and HEAD
// is 405.
//
// web/dist/ holds the built verifier and is not committed (a README keeps
// the directory, so the embed pattern always matches): a binary built
// without `make web-wasm` still serves the page, which says plainly that
// the verifier is missing. This package must never read files at run
// time, nor serve anything from another origin.
package web
