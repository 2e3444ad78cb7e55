//go:build !(linux || darwin || freebsd)

package app

// majorFaults returns -1: this system does not count page faults.
func majorFaults() int64 { return -1 }
