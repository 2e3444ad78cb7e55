package store

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/govchain/govchain/state"
)

// benchKeys is how many keys the write benchmarks load; set
// GOVCHAIN_BENCH_KEYS to run them smaller. Run with -benchtime=1x: one
// iteration is the whole load.
func benchKeys(b *testing.B) int {
	n := 1_000_000
	if s := os.Getenv("GOVCHAIN_BENCH_KEYS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1000 {
			b.Fatalf("GOVCHAIN_BENCH_KEYS=%q: want an integer >= 1000", s)
		}
		n = v
	}
	return n
}

const (
	benchBlock    = 1000 // keys written per committed version
	benchValueLen = 200
	benchProofs   = 2000
)

// benchKey builds the i-th key of a layout: "random" is a 32-byte external
// id (as a hash or UUID-derived id would be), "sequential" an 8-byte
// big-endian counter, both in the registry key layout of keys.go.
func benchKey(layout string, r *rand.Rand, i int) []byte {
	if layout == "sequential" {
		return state.Key(benchPrefix, 0x01, state.Uint64(uint64(i)))
	}
	id := make([]byte, 32)
	for j := 0; j < 32; j += 8 {
		v := r.Uint64()
		for k := 0; k < 8; k++ {
			id[j+k] = byte(v >> (8 * k))
		}
	}
	return state.Key(benchPrefix, 0x01, id)
}

// BenchmarkLoad writes GOVCHAIN_BENCH_KEYS keys with 200-byte values in
// blocks of 1,000 keys, committing each block, then times existence
// proofs on the loaded tree. It reports keys/s (commit included),
// µs/proof and the mean encoded proof size.
func BenchmarkLoad(b *testing.B) {
	n := benchKeys(b)
	for _, eng := range engines {
		for _, layout := range []string{"random", "sequential"} {
			b.Run(fmt.Sprintf("%s/%s/%d", eng, layout, n), func(b *testing.B) {
				for it := 0; it < b.N; it++ {
					benchLoad(b, eng, layout, n)
				}
			})
		}
	}
}

func benchLoad(b *testing.B, eng, layout string, n int) {
	cfg := state.DefaultConfig()
	cfg.Engine = eng
	s, err := Open(b.TempDir(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r := rand.New(rand.NewPCG(42, 42))
	value := make([]byte, benchValueLen)
	keys := make([][]byte, 0, n)

	b.ResetTimer()
	start := time.Now()
	for i := 0; i < n; i++ {
		k := benchKey(layout, r, i)
		for j := 0; j < len(value); j += 8 {
			v := r.Uint64()
			for x := 0; x < 8; x++ {
				value[j+x] = byte(v >> (8 * x))
			}
		}
		if err := s.Set(k, value); err != nil {
			b.Fatal(err)
		}
		keys = append(keys, k)
		if (i+1)%benchBlock == 0 || i == n-1 {
			if _, _, err := s.Commit(); err != nil {
				b.Fatal(err)
			}
		}
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(n)/elapsed.Seconds(), "keys/s")

	view, err := s.ViewAt(0)
	if err != nil {
		b.Fatal(err)
	}
	defer view.Close()
	var size int
	start = time.Now()
	for i := 0; i < benchProofs; i++ {
		p, err := view.ProveExistence(keys[r.IntN(len(keys))])
		if err != nil {
			b.Fatal(err)
		}
		if i%100 == 0 {
			bz, err := state.EncodeProof(p)
			if err != nil {
				b.Fatal(err)
			}
			size += len(bz)
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/benchProofs, "µs/proof")
	b.ReportMetric(float64(size)/(benchProofs/100), "proof-bytes")
	b.ReportMetric(0, "ns/op")
}

// benchPrefix is the land module's key prefix, so benchmark keys look like
// the registry's.
const benchPrefix byte = 0x10
