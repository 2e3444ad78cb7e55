//go:build linux || darwin || freebsd

package app

import (
	"syscall"
	"time"
)

// majorFaults returns how many page faults of the whole process so far
// needed a read from disk, or -1 when the system does not say.
func majorFaults() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return int64(ru.Majflt)
}

// cpuTime returns the CPU time (user and system) the whole process has
// used so far, on every core, or -1 when the system does not say.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
