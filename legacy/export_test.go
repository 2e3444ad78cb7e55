package legacy

// GivenNames are the given names the generator draws from, for the
// external tests that check no personal value reaches the chain.
var GivenNames = givenNames
