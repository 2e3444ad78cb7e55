//go:build upgradedemo

package upgrade

// carried is the registry of a binary built with -tags upgradedemo: the
// demonstration upgrade only (demo.go).
var carried = Registry{Demo()}
