//go:build !(linux || darwin || freebsd)

package abci

import "time"

// processCPU returns 0: this system's process CPU time is not read.
func processCPU() time.Duration { return 0 }
