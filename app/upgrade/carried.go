//go:build !upgradedemo

package upgrade

// carried is the production binary's registry: no upgrade yet. A real
// upgrade is appended here, with its migration, in the release that
// carries it.
var carried = Registry{}
