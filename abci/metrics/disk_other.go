//go:build !(linux || darwin || freebsd)

package metrics

// diskSpace is unknown on this platform.
func diskSpace(string) (free, size uint64, ok bool) { return 0, 0, false }
