//go:build linux || darwin || freebsd

package app

import "syscall"

// majorFaults returns how many page faults of the whole process so far
// needed a read from disk, or -1 when the system does not say.
func majorFaults() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return int64(ru.Majflt)
}
