package store

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	ics23 "github.com/cosmos/ics23/go"

	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/memiavlengine"
)

// Proof benchmark parameters. Keys are random 32-byte ids in the land
// registry's layout, derived from their index (so that present keys can be
// drawn and their values recomputed without keeping 10,000,000 keys in
// memory); values are 200 pseudo-random bytes.
const (
	proofBenchBlock  = 10_000 // keys per committed version while filling
	proofBenchOps    = 20_000 // proofs (and verifications) of each kind per pass
	proofBenchPasses = 5      // passes per figure; the best is reported
	proofBenchWarm   = 1_000  // untimed proofs before the timed ones
	// proofBenchIAVLMax is the largest state the iavl engine is filled to:
	// it writes random keys ~20x slower than memiavl (about 6 minutes for
	// 1,000,000 keys, which makes 10,000,000 over an hour).
	proofBenchIAVLMax = 1_000_000
)

// proofBenchSizes reads GOVCHAIN_BENCH_PROOF_KEYS, a comma-separated list of
// state sizes in keys (default "1000000,10000000").
func proofBenchSizes(b *testing.B) []int {
	s := os.Getenv("GOVCHAIN_BENCH_PROOF_KEYS")
	if s == "" {
		s = "1000000,10000000"
	}
	var sizes []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1000 {
			b.Fatalf("GOVCHAIN_BENCH_PROOF_KEYS=%q: want comma-separated integers >= 1000", s)
		}
		sizes = append(sizes, v)
	}
	return sizes
}

// proofBenchKey is the key of present record i (present) or of an absent
// key i (!present): a 32-byte id hashed from the index, in a domain of its
// own, so that no absent key is ever present.
func proofBenchKey(present bool, i int) []byte {
	var in [9]byte
	in[0] = 'a'
	if present {
		in[0] = 'p'
	}
	binary.BigEndian.PutUint64(in[1:], uint64(i))
	id := sha256.Sum256(in[:])
	return state.Key(benchPrefix, 0x01, id[:])
}

// proofBenchValue is the 200-byte value of present record i.
func proofBenchValue(i int) []byte {
	r := rand.NewPCG(uint64(i), 0x9e3779b97f4a7c15)
	v := make([]byte, benchValueLen)
	for j := 0; j < len(v); j += 8 {
		binary.LittleEndian.PutUint64(v[j:], r.Uint64())
	}
	return v
}

// BenchmarkProofs fills a store to each size of GOVCHAIN_BENCH_PROOF_KEYS
// (blocks of 10,000 random keys with 200-byte values, one Commit each) and
// measures, on ViewAt(0) of the latest version: existence proofs per
// second on random present keys (one goroutine, and two goroutines sharing
// the view: views are concurrently readable), absence proofs per second on
// random absent keys, the mean protobuf-encoded (state.EncodeProof) size of
// each kind, and state.VerifyExistence / state.VerifyAbsence calls per
// second against the view's hash. Each rate is the best of 5 passes of 20,000 operations on
// fresh random keys. Run it with -benchtime 1x (make bench-proofs): one
// iteration is the whole measurement.
//
// memiavl is measured twice per size: "tree=memory" right after the fill,
// when the whole tree is in memory nodes (as BenchmarkLoad measures it), and
// "tree=snapshot" once the version has been written as an on-disk snapshot
// and the tree reloaded from its memory maps, which is where a long-running
// node keeps all but its last SnapshotInterval blocks. iavl (pebble, node
// cache of Config.CacheSize) runs only at sizes up to 1,000,000 keys.
func BenchmarkProofs(b *testing.B) {
	for _, n := range proofBenchSizes(b) {
		for _, eng := range engines {
			if eng == state.EngineIAVL && n > proofBenchIAVLMax {
				continue
			}
			b.Run(fmt.Sprintf("%s/keys=%d", eng, n), func(b *testing.B) {
				runProofBench(b, eng, n)
			})
		}
	}
}

// runProofBench runs once per engine and size (a benchmark with
// sub-benchmarks runs its body once): it fills the store, then runs one
// sub-benchmark per tree state.
func runProofBench(b *testing.B, eng string, n int) {
	cfg := state.DefaultConfig()
	cfg.Engine = eng
	// No memiavl snapshot rewrite while filling or measuring the memory
	// tree (at 10,000,000 keys the default interval would start one with
	// the last block); proofBenchSnapshot writes one when asked.
	cfg.SnapshotInterval = math.MaxUint32
	s, err := Open(b.TempDir(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()

	start := time.Now()
	for i := 0; i < n; i++ {
		if err := s.Set(proofBenchKey(true, i), proofBenchValue(i)); err != nil {
			b.Fatal(err)
		}
		if (i+1)%proofBenchBlock == 0 || i == n-1 {
			if _, _, err := s.Commit(); err != nil {
				b.Fatal(err)
			}
		}
	}
	fill := time.Since(start)
	// A benchmark with sub-benchmarks prints no log of its own: the fill
	// and the snapshot are logged by the sub-benchmark that follows them.
	fillLog := fmt.Sprintf("%s: filled %d keys in %d versions in %.1f s (%.0f keys/s, commit included)",
		eng, n, s.Version(), fill.Seconds(), float64(n)/fill.Seconds())

	first := "tree=memory"
	if eng == state.EngineIAVL {
		first = "tree=pebble"
	}
	b.Run(first, func(b *testing.B) {
		b.Log(fillLog)
		for it := 0; it < b.N; it++ {
			benchProofRound(b, s, n, fmt.Sprintf("%s %d keys %s", eng, n, first))
		}
		b.ReportMetric(float64(n)/fill.Seconds(), "fill-keys/s")
	})
	if eng != state.EngineMemIAVL {
		return
	}
	snap := proofBenchSnapshot(b, s)
	snapLog := fmt.Sprintf("%s: snapshot of version %d (%d keys) written and loaded in %.1f s",
		eng, s.Version(), n, snap.Seconds())
	b.Run("tree=snapshot", func(b *testing.B) {
		b.Log(snapLog)
		for it := 0; it < b.N; it++ {
			benchProofRound(b, s, n, fmt.Sprintf("%s %d keys tree=snapshot", eng, n))
		}
		b.ReportMetric(snap.Seconds(), "snapshot-s")
	})
}

// proofBenchSnapshot makes a memiavl store write its latest state as an
// on-disk snapshot and reload the tree from it, as it does every
// SnapshotInterval versions: the engine's interval is lowered so that the
// next (empty) commit starts the rewrite, then empty commits are made until
// the engine has switched to the new snapshot. Empty commits leave the
// hash unchanged.
func proofBenchSnapshot(b *testing.B, s state.Store) time.Duration {
	m, ok := s.(*store).eng.(*memiavlengine.Engine)
	if !ok {
		b.Fatalf("engine %s is not memiavl", s.Engine())
	}
	hash := s.LastHash()
	old := m.Loads()
	start := time.Now()
	m.SetSnapshotInterval(1)
	if _, _, err := s.Commit(); err != nil {
		b.Fatal(err)
	}
	m.SetSnapshotInterval(math.MaxUint32)
	for m.Loads() == old {
		time.Sleep(20 * time.Millisecond)
		h, _, err := s.Commit()
		if err != nil {
			b.Fatal(err)
		}
		if string(h) != string(hash) {
			b.Fatal("an empty commit changed the hash")
		}
	}
	return time.Since(start)
}

// proofFigures are the results of one measuring pass.
type proofFigures struct {
	exist, exist2, absent   float64 // proofs per second
	existBytes, absentBytes float64 // mean encoded size
	verify, verifyAbsent    float64 // verifications per second
}

// benchProofRound measures every figure on ViewAt(0) in proofBenchPasses
// passes, each over fresh random keys, and reports the best of each rate
// (the machine may be shared: another process slows a pass down, never up)
// and the mean proof sizes.
func benchProofRound(b *testing.B, s state.Store, n int, label string) {
	b.StopTimer()
	view, err := s.ViewAt(0)
	if err != nil {
		b.Fatal(err)
	}
	defer view.Close()
	r := rand.New(rand.NewPCG(uint64(n), 7))
	for i := 0; i < proofBenchWarm; i++ {
		if _, err := view.ProveExistence(proofBenchKey(true, r.IntN(n))); err != nil {
			b.Fatal(err)
		}
	}
	passes := make([]proofFigures, proofBenchPasses)
	for i := range passes {
		passes[i] = proofPass(b, view, n, r)
	}
	best := func(get func(proofFigures) float64) float64 {
		v := 0.0
		for _, p := range passes {
			v = max(v, get(p))
		}
		return v
	}
	slowest := passes[0].exist
	for _, p := range passes {
		slowest = min(slowest, p.exist)
	}
	mean := func(get func(proofFigures) float64) float64 {
		sum := 0.0
		for _, p := range passes {
			sum += get(p)
		}
		return sum / float64(len(passes))
	}
	f := proofFigures{
		exist:        best(func(p proofFigures) float64 { return p.exist }),
		exist2:       best(func(p proofFigures) float64 { return p.exist2 }),
		absent:       best(func(p proofFigures) float64 { return p.absent }),
		existBytes:   mean(func(p proofFigures) float64 { return p.existBytes }),
		absentBytes:  mean(func(p proofFigures) float64 { return p.absentBytes }),
		verify:       best(func(p proofFigures) float64 { return p.verify }),
		verifyAbsent: best(func(p proofFigures) float64 { return p.verifyAbsent }),
	}
	b.ReportMetric(f.exist, "exist/s")
	b.ReportMetric(f.exist2, "exist-2g/s")
	b.ReportMetric(1e6/f.exist, "µs/exist")
	b.ReportMetric(f.absent, "absent/s")
	b.ReportMetric(1e6/f.absent, "µs/absent")
	b.ReportMetric(f.existBytes, "B/exist")
	b.ReportMetric(f.absentBytes, "B/absent")
	b.ReportMetric(f.verify, "verify/s")
	b.ReportMetric(f.verifyAbsent, "verify-absent/s")
	b.ReportMetric(0, "ns/op")
	b.Logf("%s: existence %.0f proofs/s (%.1f µs), 2 goroutines %.0f/s; absence %.0f/s (%.1f µs); "+
		"%.0f B/existence proof, %.0f B/absence proof; verify existence %.0f/s, absence %.0f/s "+
		"(best of %d passes; slowest existence pass %.0f/s)",
		label, f.exist, 1e6/f.exist, f.exist2, f.absent, 1e6/f.absent,
		f.existBytes, f.absentBytes, f.verify, f.verifyAbsent, len(passes), slowest)
}

// proofPass times proofBenchOps proofs of each kind on random keys drawn
// with r, and their verification against the view's hash.
func proofPass(b *testing.B, view state.View, n int, r *rand.Rand) proofFigures {
	root := view.Hash()
	present := make([]int, proofBenchOps)
	keys := make([][]byte, proofBenchOps)
	absent := make([][]byte, proofBenchOps)
	for i := range keys {
		present[i] = r.IntN(n)
		keys[i] = proofBenchKey(true, present[i])
		absent[i] = proofBenchKey(false, r.Int())
	}

	// Existence proofs, one goroutine; the proofs are kept for sizes and
	// verification.
	var err error
	exist := make([]*ics23.CommitmentProof, len(keys))
	start := time.Now()
	for i, k := range keys {
		if exist[i], err = view.ProveExistence(k); err != nil {
			b.Fatal(err)
		}
	}
	existDur := time.Since(start)

	// Existence proofs, two goroutines sharing the view, each proving
	// half of the same keys.
	var wg sync.WaitGroup
	errs := make([]error, 2)
	start = time.Now()
	for g := 0; g < 2; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := g; i < len(keys); i += 2 {
				if _, err := view.ProveExistence(keys[i]); err != nil {
					errs[g] = err
					return
				}
			}
		}(g)
	}
	wg.Wait()
	exist2Dur := time.Since(start)
	for _, err := range errs {
		if err != nil {
			b.Fatal(err)
		}
	}

	// Absence proofs, one goroutine.
	abs := make([]*ics23.CommitmentProof, len(absent))
	start = time.Now()
	for i, k := range absent {
		if abs[i], err = view.ProveAbsence(k); err != nil {
			b.Fatal(err)
		}
	}
	absDur := time.Since(start)

	existBytes, absBytes := 0, 0
	for i := range exist {
		eb, err := state.EncodeProof(exist[i])
		if err != nil {
			b.Fatal(err)
		}
		ab, err := state.EncodeProof(abs[i])
		if err != nil {
			b.Fatal(err)
		}
		existBytes += len(eb)
		absBytes += len(ab)
	}

	values := make([][]byte, len(keys))
	for i := range values {
		values[i] = proofBenchValue(present[i])
	}
	start = time.Now()
	for i := range exist {
		if err := state.VerifyExistence(root, exist[i], keys[i], values[i]); err != nil {
			b.Fatal(err)
		}
	}
	verifyDur := time.Since(start)
	start = time.Now()
	for i := range abs {
		if err := state.VerifyAbsence(root, abs[i], absent[i]); err != nil {
			b.Fatal(err)
		}
	}
	verifyAbsDur := time.Since(start)

	ops := float64(proofBenchOps)
	return proofFigures{
		exist:        ops / existDur.Seconds(),
		exist2:       ops / exist2Dur.Seconds(),
		absent:       ops / absDur.Seconds(),
		existBytes:   float64(existBytes) / ops,
		absentBytes:  float64(absBytes) / ops,
		verify:       ops / verifyDur.Seconds(),
		verifyAbsent: ops / verifyAbsDur.Seconds(),
	}
}
