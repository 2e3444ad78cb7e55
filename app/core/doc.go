// Package core holds what every registry shares: the execution Context a
// message runs in, the Msg contract, account addresses, roles and their
// checks, events, per-record history, and the error kinds that the abci
// package maps to stable result codes.
//
// Registries (app/land, and later app/vehicle, app/identity, ...) import
// core; core imports no registry. Everything here runs inside the
// deterministic state machine, so it must never read the wall clock, the
// environment or random numbers, never iterate a map without sorting, and
// never use floating point. Time is ctx.BlockTime, taken from the block
// header.
package core
