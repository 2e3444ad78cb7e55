package verify

import (
	"testing"
)

// BenchmarkVerify verifies the real record certificate from its file
// bytes (decode, canonical check, commit signature, proof): the rate an
// auditor's machine checks certificates at, one core.
func BenchmarkVerify(b *testing.B) {
	for _, name := range testCerts {
		b.Run(name, func(b *testing.B) {
			trust := trustOf(b, name)
			data := readTestdata(b, name)
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := VerifyBytes(data, trust, testKeys); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifications/s")
		})
	}
}
