package coretest

// RequireSeenIn is Env.RequireSeen on a seen map, for a test of it with a
// testing.TB that records failures.
var RequireSeenIn = requireSeen
