package verify

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// mutationCounts tallies single-byte mutations of a certificate.
type mutationCounts struct {
	total     int
	rejected  int
	identical int // accepted, and decoding to the same certificate
	different []string
}

// allValues replaces a byte by each of the 255 others: every single-byte
// mutation.
func allValues(orig byte) []byte {
	out := make([]byte, 0, 255)
	for v := range 256 {
		if byte(v) != orig {
			out = append(out, byte(v))
		}
	}
	return out
}

// bitFlips replaces a byte by the 8 values one bit away.
func bitFlips(orig byte) []byte {
	out := make([]byte, 0, 8)
	for b := range 8 {
		out = append(out, orig^(1<<b))
	}
	return out
}

// mutateAll applies the mutations values gives at every stride-th
// position of data (every position for stride 1) and verifies each
// result, on all cores. A mutation must be refused, or decode to a
// certificate whose canonical encoding is data's (a whitespace change
// between tokens).
func mutateAll(t *testing.T, data []byte, trust *Trust, values func(byte) []byte, stride int) mutationCounts {
	t.Helper()
	workers := runtime.GOMAXPROCS(0)
	results := make([]mutationCounts, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			buf := bytes.Clone(data)
			r := &results[w]
			for j := w; j*stride < len(data); j += workers {
				i := j * stride
				orig := data[i]
				for _, v := range values(orig) {
					buf[i] = v
					r.total++
					c, err := Decode(buf)
					if err == nil {
						_, err = Verify(c, trust, testKeys)
					}
					switch {
					case err != nil:
						r.rejected++
					case bytes.Equal(mustEncode(c), data):
						r.identical++
					default:
						r.different = append(r.different, string(buf))
					}
				}
				buf[i] = orig
			}
		})
	}
	wg.Wait()
	var sum mutationCounts
	for _, r := range results {
		sum.total += r.total
		sum.rejected += r.rejected
		sum.identical += r.identical
		sum.different = append(sum.different, r.different...)
	}
	return sum
}

func mustEncode(c *Certificate) []byte {
	b, err := Encode(c)
	if err != nil {
		panic(err)
	}
	return b
}

// TestEverySingleByteMutation mutates the real certificates byte by byte:
// proof, header, commit signature, validator set, and the JSON around
// them. Each mutation is refused, or is a whitespace change between tokens
// that leaves the certificate as it was.
//
// With GOVCHAIN_E2E_FULL=1 (make e2e) it runs every single-byte mutation
// of the absence certificate (all 255 other values at every position),
// every single-bit flip of every byte of the record and complete
// certificates, and all 255 values at every 101st byte of the complete
// one (about 1,020,000 mutations, three minutes on two cores). By default
// (make test) it runs every bit flip of the absence and record
// certificates, all 255 values at every 7th byte of the absence
// certificate, and every bit flip at every 3rd byte and all 255 values
// at every 101st byte of the complete certificate (about 226,000).
func TestEverySingleByteMutation(t *testing.T) {
	full := os.Getenv("GOVCHAIN_E2E_FULL") == "1"
	type mutationCase struct {
		name   string
		values func(byte) []byte
		per    int
		stride int
	}
	cases := []mutationCase{
		{"absence.json", bitFlips, 8, 1},
		{"absence.json", allValues, 255, 7},
		{"record.json", bitFlips, 8, 1},
		{"complete/complete.json", bitFlips, 8, 3},
		{"complete/complete.json", allValues, 255, 101},
	}
	if full {
		cases = []mutationCase{
			{"absence.json", allValues, 255, 1},
			{"record.json", bitFlips, 8, 1},
			{"complete/complete.json", bitFlips, 8, 1},
			{"complete/complete.json", allValues, 255, 101},
		}
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/%d values every %d bytes", tc.name, tc.per, tc.stride), func(t *testing.T) {
			data := readTestdata(t, tc.name)
			got := mutateAll(t, data, trustOf(t, tc.name), tc.values, tc.stride)
			t.Logf("%s: %d bytes, %d mutations (%d values at every %d bytes): %d refused, %d whitespace-only (same certificate), %d accepted as a different certificate",
				tc.name, len(data), got.total, tc.per, tc.stride, got.rejected, got.identical, len(got.different))
			require.Equal(t, (len(data)+tc.stride-1)/tc.stride*tc.per, got.total)
			require.Empty(t, got.different, "mutations accepted as a different certificate")
		})
	}
}
