package legacy_test

import (
	"bufio"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/govchain/govchain/app"
	"github.com/govchain/govchain/legacy"
	"github.com/govchain/govchain/state"
	"github.com/govchain/govchain/state/store"
)

// benchParcels is GOVCHAIN_BENCH_IMPORT_PARCELS, or 7,400,000 (Belarus's
// property registry).
func benchParcels(b *testing.B) int {
	return benchEnvRows(b, "GOVCHAIN_BENCH_IMPORT_PARCELS", 7_400_000)
}

// benchEnvRows is the positive row count in environment variable name, or
// def if it is unset.
func benchEnvRows(b *testing.B, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	require.NoError(b, err, name)
	require.Positive(b, n, name)
	return n
}

// resetPeakRSS starts the process's peak resident memory (VmHWM) again
// from its current resident memory (Linux 4.0 and later), so that the
// next peakRSS measures one phase.
func resetPeakRSS(b *testing.B) {
	runtime.GC()
	debug.FreeOSMemory()
	require.NoError(b, os.WriteFile("/proc/self/clear_refs", []byte("5"), 0))
}

// peakRSS is the process's peak resident memory (VmHWM), in bytes.
func peakRSS(b *testing.B) int64 {
	f, err := os.Open("/proc/self/status")
	require.NoError(b, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			require.NoError(b, err)
			return kb << 10
		}
	}
	b.Fatal("no VmHWM in /proc/self/status")
	return 0
}

func dirSize(b *testing.B, dir string) int64 {
	var n int64
	require.NoError(b, filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		fi, err := d.Info()
		if err == nil {
			n += fi.Size()
		}
		return err
	}))
	return n
}

// BenchmarkPathA: a parcels dump of GOVCHAIN_BENCH_IMPORT_PARCELS rows
// into a fresh state on each engine, as a validator does at InitChain:
// prepare (legacy.Prepare: canonicalise and settle, as govchain import
// prepare does), then InitChain (read, sort, load through the land module
// and build the first version in one pass). Prints rows per second of prepare (canonicalise and
// settle) and of the whole InitChain, the process's peak resident memory
// so far and the state's size on disk. Run with -benchtime 1x
// (make bench-import).
func BenchmarkPathA(b *testing.B) {
	n := benchParcels(b)
	dumps := b.TempDir()
	path := filepath.Join(dumps, "parcels.csv")
	start := time.Now()
	f, err := os.Create(path)
	require.NoError(b, err)
	require.NoError(b, legacy.Generate(f, legacy.Parcels, legacy.FormatCSV, legacy.GenConfig{Rows: n, Seed: 1}))
	require.NoError(b, f.Close())
	fi, err := os.Stat(path)
	require.NoError(b, err)
	fmt.Printf("generated %d parcels (%d MiB) in %s\n", n, fi.Size()>>20, time.Since(start).Round(time.Millisecond))
	resetPeakRSS(b)

	start = time.Now()
	f, err = os.Open(path)
	require.NoError(b, err)
	d, err := legacy.Prepare(context.Background(), f, legacy.Parcels, legacy.FormatCSV, legacy.PrepareOptions{At: genesisTime, Work: b.TempDir()})
	require.NoError(b, err)
	require.NoError(b, f.Close())
	prep := time.Since(start)
	fmt.Printf("prepare: %d rows in %s, %.0f rows/s; peak RSS %d MiB\n", d.Rows, prep.Round(time.Millisecond),
		float64(d.Read)/prep.Seconds(), peakRSS(b)>>20)
	gen := importGenesis(b, d.Ref("parcels.csv", importer))
	d = nil
	resetPeakRSS(b)

	for _, engine := range []string{state.EngineMemIAVL, state.EngineIAVL} {
		b.Run(engine, func(b *testing.B) {
			for range b.N {
				dir := b.TempDir()
				cfg := state.DefaultConfig()
				cfg.Engine = engine
				st, err := store.Open(dir, cfg)
				require.NoError(b, err)
				a, err := app.New(st)
				require.NoError(b, err)
				start := time.Now()
				a.SetGenesisLoader(legacy.NodeLoader(context.Background(), dumps, b.TempDir(), func(msg string) {
					fmt.Printf("  %6.1f s  %s\n", time.Since(start).Seconds(), msg)
				}))
				_, _, err = a.InitChain("bench-import", genesisTime, app.ImportHeight+1, gen)
				require.NoError(b, err)
				took := time.Since(start)
				require.NoError(b, a.Close())
				defer resetPeakRSS(b)
				rate := float64(n) / took.Seconds()
				b.ReportMetric(rate, "rows/s")
				fmt.Printf("%s: InitChain of %d rows in %s, %.0f rows/s; peak RSS %d MiB; state on disk %d MiB\n",
					engine, n, took.Round(time.Millisecond), rate, peakRSS(b)>>20, dirSize(b, dir)>>20)
			}
		})
	}
}
