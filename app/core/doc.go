// Package core holds what every module (registry or service) shares: the
// Module contract the app derives its wiring from (with the hooks a module
// runs after another module's message and its per-block step), the execution Context a
// message runs in, the Msg contract, account addresses, roles and their
// checks, events, per-record history, the key prefixes of the core tables,
// the helpers every module's checks, reads and queries use (validation of
// common fields, typed reads with a not-found sentinel, sequential ids,
// history entries with their count, closing stamps, workflow deadlines,
// the canonical JSON codec with its fast paths for hot records,
// query answers and path segments), and the error kinds and coded
// sentinels that the abci package maps to stable result codes. A step two
// modules take the same way lives here once.
//
// Modules (app/land, app/vehicle, ...) import core; core imports no
// module. Everything here runs inside the deterministic state machine, so
// it must never read the wall clock, the environment or random numbers,
// never iterate a map without sorting, and never use floating point. Time
// is ctx.BlockTime, taken from the block header.
package core
