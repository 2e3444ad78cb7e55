//go:build !(linux || darwin || freebsd)

package app

import "time"

// majorFaults returns -1: this system does not count page faults.
func majorFaults() int64 { return -1 }

// cpuTime returns -1: the process's CPU time is not read on this system.
func cpuTime() time.Duration { return -1 }
