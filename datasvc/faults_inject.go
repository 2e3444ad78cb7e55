//go:build faultinject

package datasvc

import (
	"fmt"
	"os"
	"syscall"
)

// EnvFaultDatasvc, in the faultinject build (see faults.go), set to
// "after-store", makes the service SIGKILL itself right after it stored
// the delivery of a request and before it posts the receipt: a real
// crash, with no deferred function, flush or clean-up run. The fault is
// written to stderr before it happens, starting "fault injection:".
const EnvFaultDatasvc = "GOVCHAIN_FAULT_DATASVC"

func faultAfterStore(requestID uint64) {
	switch v := os.Getenv(EnvFaultDatasvc); v {
	case "":
	case "after-store":
		fmt.Fprintf(os.Stderr, "fault injection: killing the data service after storing the delivery of request %d\n", requestID)
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal is on its way
	default:
		fmt.Fprintf(os.Stderr, "fault injection: %s=%q: want after-store\n", EnvFaultDatasvc, v)
		os.Exit(2)
	}
}
