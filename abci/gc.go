package abci

import "runtime/metrics"

// gcCyclesMetric is the runtime's count of completed GC cycles.
const gcCyclesMetric = "/gc/cycles/total:gc-cycles"

// gcCycles returns how many garbage collection cycles the process has
// completed so far (0 if the runtime does not report it).
func gcCycles() uint64 {
	s := []metrics.Sample{{Name: gcCyclesMetric}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
