package coretest

// RequireSeenIn is Env.RequireSeen on a seen map, for a test of it with a
// testing.TB that records failures.
var RequireSeenIn = requireSeen

// Authorised is the rule AuthRow holds a message's outcome to.
var Authorised = authorised
