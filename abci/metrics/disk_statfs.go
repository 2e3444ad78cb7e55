//go:build linux || darwin || freebsd

package metrics

import "syscall"

// diskSpace returns the bytes available to the process and the total
// size of the filesystem holding dir.
func diskSpace(dir string) (free, size uint64, ok bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, 0, false
	}
	bsize := uint64(st.Bsize)
	return uint64(st.Bavail) * bsize, uint64(st.Blocks) * bsize, true
}
