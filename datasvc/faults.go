//go:build !faultinject

package datasvc

// Fault-injection hook. The crash test of the exactly-once protocol needs
// a service that dies between storing a delivery and posting its receipt;
// it gets one from a test build of the same binary:
//
//	go build -tags faultinject ./cmd/govchain
//
// whose hook (faults_inject.go) reads GOVCHAIN_FAULT_DATASVC from the
// environment. In this, the production build, the hook is an empty
// function that the compiler inlines away: no environment is read and no
// behaviour changes.

// faultAfterStore is called after the delivery of a request is stored
// and before its receipt is posted. It does nothing in the production
// build; the faultinject build may kill the process there.
func faultAfterStore(requestID uint64) {}
