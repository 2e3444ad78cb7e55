// Package coretest holds what every module's tests share: test doubles
// (an in-memory KV, a Context builder and its clock, Env, the chain of
// one-transaction blocks the tests run messages on, which records a
// core.Recorder's refusals as the app's refusal hook does) and the test
// procedures every module runs the same way, each written once here:
// CheckModule (the module contract), CheckValidate (a Validate table),
// AuthMatrix (the authorisation matrix), BoundQuery and the query checks
// (History, Index, Lookup, RequireStored, RequireNotFound,
// RequireMalformed), Env.Refuse with Env.RequireSeen (every sentinel
// triggered, state unchanged), Env.RefuseRecorded (a refusal whose record
// is exactly what the test expects), CheckJSONCodec, CheckJSONMutations
// and CheckJSONDecode (a record's hand-written JSON against
// encoding/json), and the readers Read and Attrs. A module's
// tests keep their own data: cases, setups, casts of accounts.
//
// It is imported only by _test.go files; it must never be used by the
// node.
package coretest
